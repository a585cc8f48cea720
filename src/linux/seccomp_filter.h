/* The seccomp filter a sandboxed command runs under: the few syscalls that
 * namespaces and Landlock cannot take away (socket families, io_uring,
 * cross-process memory access, terminal injection, the kernel keyring),
 * refused with EPERM on every ABI the host can execute.
 *
 * Not named seccomp.h: src/ is on the include path, so src/linux/seccomp.h
 * would shadow the kernel's <linux/seccomp.h> that <seccomp.h> includes. */
#pragma once

#include <stdbool.h>

#include <seccomp.h>

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

DEFINE_TRIVIAL_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release);

/* Builds the filter for O: default allow, the refused calls fail with EPERM,
 * an ABI the filter does not describe kills the process. On x86_64 the i386
 * and x32 ABIs carry the same rules. The caller owns *RET_CTX
 * (seccomp_release()). Returns 0 or -errno. */
int seccomp_filter_build(const struct seccomp_options *o, scmp_filter_ctx *ret_ctx);

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
