/* The seccomp filter a sandboxed command runs under: the few syscalls that
 * namespaces and Landlock cannot take away (socket families, io_uring,
 * cross-process memory access, terminal injection, the kernel keyring),
 * refused with EPERM on every ABI the host can execute.
 *
 * The filter depends only on the four options below, so every variant is
 * compiled once, at build time, by tools/seccomp-gen.c from the rules in
 * seccomp_rules.c (libseccomp), and cordon itself only copies the program
 * out: no libseccomp work, and no libseccomp, on the way to every command.
 *
 * Not named seccomp.h: a header of that name would shadow the kernel's. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <linux/filter.h>

#include "util/macros.h"

struct seccomp_options {
	/* Network off or proxied: socket() and socketpair() of every family but
	 * AF_UNIX fail with EPERM. */
	bool deny_inet;
	/* Also refuse socket(AF_UNIX) (Landlock backend on kernels that cannot
	 * scope pathname sockets); socketpair(AF_UNIX) stays allowed. */
	bool deny_unix;
	/* Filesystem restricted: AF_VSOCK sockets, io_uring, ptrace and
	 * process_vm_readv/writev fail with EPERM. */
	bool restrict_extras;
	/* Landlock ABI < 3 does not govern truncation: truncate(2) by path and
	 * open(O_RDONLY | O_TRUNC) fail with EPERM, and openat2(2), whose flags
	 * the filter cannot read, with ENOSYS (callers fall back to openat). */
	bool deny_truncate;
};

/* The compiled program for O (classic BPF, static storage). */
void seccomp_program(const struct seccomp_options *o, const struct sock_filter **ret,
		     size_t *ret_len);

/* The variant index of O in the table tools/seccomp-gen.c generates. */
static inline unsigned seccomp_variant(const struct seccomp_options *o)
{
	return (o->deny_inet ? 1u : 0u) | (o->deny_unix ? 2u : 0u) | (o->restrict_extras ? 4u : 0u) |
	       (o->deny_truncate ? 8u : 0u);
}
#define SECCOMP_VARIANTS 16u

/* Writes the filter for O as raw classic BPF (an array of struct
 * sock_filter) to a sealed memfd, positioned at offset 0, for
 * `bwrap --seccomp FD`. The fd is O_CLOEXEC, and the bwrap backend clears
 * that in the child that execs bwrap, so the fd reaches bwrap and no other
 * program: it dup2()s the fd onto the number it names in --seccomp (dup2()
 * clears FD_CLOEXEC on the copy), or, when the fd already has that number and
 * dup2() would do nothing, clears the flag with fcntl(F_SETFD, 0).
 * Returns 0 or -errno. */
int seccomp_export_memfd(const struct seccomp_options *o, int *ret_fd);

/* Loads the filter for O into the calling thread. The caller must have set
 * PR_SET_NO_NEW_PRIVS (also as root); other threads are not affected.
 * Returns 0 or -errno; -EACCES when NO_NEW_PRIVS is not set. */
int seccomp_install(const struct seccomp_options *o);
