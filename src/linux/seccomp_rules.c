/* Builds the seccomp filter (seccomp(2)) with libseccomp: allow by default,
 * refuse a short list of syscalls with EPERM, and describe every ABI the
 * host can run so that none of them is a way around the list. */
#include "linux/seccomp_rules.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/net.h> /* SYS_SOCKET, SYS_SOCKETPAIR: socketcall(2) call numbers */

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U /* Linux 6.3, newer than Debian 12's headers */
#endif

/* The ABIs the filter describes, each with the same rules. A 64-bit process
 * can enter the i386 ABI with `int $0x80` and the x32 ABI by setting
 * __X32_SYSCALL_BIT in the syscall number, and seccomp(2) sees those as other
 * architectures: a filter for x86_64 alone would leave them open. */
static const uint32_t filter_arches[] = {
	SCMP_ARCH_NATIVE,
#ifdef __x86_64__
	SCMP_ARCH_X86,
	SCMP_ARCH_X32,
#endif
};

/* Refused in every sandbox; none of them is used by ordinary build tools. */
static const int deny_always[] = {
	/* The kernel keyring is not isolated by the namespaces cordon uses: the
	 * session keyring is inherited and the user's persistent keyring is
	 * reachable by uid, so keys (e.g. Kerberos KEYRING: caches) could be read
	 * or planted. Flatpak and Docker's default profile refuse these too. */
	SCMP_SYS(add_key),
	SCMP_SYS(request_key),
	SCMP_SYS(keyctl),
	/* Samples registers and user stacks of other same-uid processes (a
	 * ptrace by another name) and is a recurrent source of kernel
	 * privilege-escalation bugs; only profilers use it. */
	SCMP_SYS(perf_event_open),
};

/* Refused when the filesystem is restricted (restrict_extras). */
static const int deny_extras[] = {
	/* io_uring performs file and socket operations in kernel workers that
	 * this filter never sees, and has been a large kernel attack surface;
	 * libuv, tokio and liburing users fall back to plain syscalls. */
	SCMP_SYS(io_uring_setup),
	SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
	/* Without a pid namespace (Landlock backend) these reach same-uid
	 * processes outside the sandbox and would read or write their memory,
	 * i.e. everything the filesystem rules hide. */
	SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev),
};

/* ioctl(2) requests refused in every sandbox: both make a terminal the
 * sandbox shares with the user's shell type commands into that shell
 * (ioctl_tty(2): TIOCSTI "insert the given byte in the input queue";
 * TIOCLINUX subcode TIOCL_PASTESEL pastes the console selection;
 * CVE-2017-5226, CVE-2023-28100). */
static const unsigned long deny_ioctls[] = {
	TIOCSTI,
	TIOCLINUX,
};

static int deny(scmp_filter_ctx ctx, int nr)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
}

static int deny_if(scmp_filter_ctx ctx, int nr, struct scmp_arg_cmp cmp)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1, cmp);
}

/* The kernel reads socket()'s domain and ioctl()'s request as 32-bit ints,
 * but seccomp(2) hands the filter the whole 64-bit register. An equality test
 * must therefore ignore the upper half, or `ioctl(fd, TIOCSTI | 1UL << 32)`
 * passes the filter and still injects (CVE-2019-10063 in flatpak). The
 * inequality test for AF_UNIX below needs no mask: garbage in the upper half
 * makes it refuse, never allow. */
#define ARG_INT_EQ(n, v) SCMP_CMP((n), SCMP_CMP_MASKED_EQ, 0xffffffffu, (v))

static int add_socket_rules(scmp_filter_ctx ctx, const struct seccomp_options *o)
{
	int r;

	if (o->deny_inet && o->deny_unix)
		r = deny(ctx, SCMP_SYS(socket));
	else if (o->deny_inet)
		r = deny_if(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	else if (o->deny_unix)
		r = deny_if(ctx, SCMP_SYS(socket), ARG_INT_EQ(0, AF_UNIX));
	else
		r = 0;
	if (r < 0)
		return r;

	/* AF_VSOCK talks to the hypervisor host (and, in WSL2 and VM-based
	 * sandboxes, to services outside the network namespace), so it is
	 * refused even when the network is on. Under deny_inet it already is. */
	if (o->restrict_extras && !o->deny_inet) {
		r = deny_if(ctx, SCMP_SYS(socket), ARG_INT_EQ(0, AF_VSOCK));
		if (r < 0)
			return r;
	}

	/* socketpair() only makes a connected pair inside the sandbox, so
	 * AF_UNIX pairs stay allowed even under deny_unix; other families
	 * either fail in the kernel or are network sockets. */
	if (o->deny_inet)
		return deny_if(ctx, SCMP_SYS(socketpair), SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	return 0;
}

/* i386 also reaches socket() and socketpair() through socketcall(2), whose
 * arguments are behind a pointer that seccomp cannot read (seccomp(2):
 * "the filter cannot dereference pointer arguments"), so the family cannot
 * be checked: whenever socket() is restricted by family at all, socketcall
 * SYS_SOCKET is refused outright (and SYS_SOCKETPAIR under deny_inet).
 * 32-bit programs that use socketcall (glibc built for kernels older than
 * 4.3 does) then cannot create any socket, AF_UNIX included; the direct i386
 * socket (359) and socketpair (360) syscalls are checked like on x86_64.
 * libseccomp refuses socketcall for an argument-checked socket rule on its
 * own; saying it here keeps the policy ours. */
static int add_socketcall_rules(scmp_filter_ctx ctx, const struct seccomp_options *o)
{
	int r;

	if (o->deny_inet || o->deny_unix || o->restrict_extras) {
		r = deny_if(ctx, SCMP_SYS(socketcall), SCMP_A0(SCMP_CMP_EQ, SYS_SOCKET));
		if (r < 0)
			return r;
	}
	if (o->deny_inet)
		return deny_if(ctx, SCMP_SYS(socketcall), SCMP_A0(SCMP_CMP_EQ, SYS_SOCKETPAIR));
	return 0;
}

/* Landlock before ABI 3 (Linux 6.2) checks opens by the file mode they ask
 * for, and open(O_RDONLY | O_TRUNC) asks only for reading yet truncates a
 * file the caller may write by its permission bits (open(2): O_TRUNC; the
 * kernel adds MAY_WRITE, not FMODE_WRITE); truncate(2) by path is not
 * checked at all. Both would empty files the policy leaves read-only. Opens
 * with O_WRONLY or O_RDWR are governed by Landlock's write right and stay
 * allowed; openat2(2) passes its flags behind a pointer, so it is refused
 * as if the kernel lacked it. */
static int add_truncate_rules(scmp_filter_ctx ctx, uint32_t arch)
{
	const struct scmp_arg_cmp rdonly_trunc_1 =
		SCMP_CMP(1, SCMP_CMP_MASKED_EQ, O_TRUNC | O_ACCMODE, O_TRUNC);
	const struct scmp_arg_cmp rdonly_trunc_2 =
		SCMP_CMP(2, SCMP_CMP_MASKED_EQ, O_TRUNC | O_ACCMODE, O_TRUNC);
	int r;

	r = deny(ctx, SCMP_SYS(truncate));
	if (r >= 0 && arch == SCMP_ARCH_X86)
		r = deny(ctx, SCMP_SYS(truncate64));
	if (r >= 0)
		r = deny_if(ctx, SCMP_SYS(open), rdonly_trunc_1);
	if (r >= 0)
		r = deny_if(ctx, SCMP_SYS(openat), rdonly_trunc_2);
	if (r >= 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
	return r;
}

static int add_rules(scmp_filter_ctx ctx, uint32_t arch, const struct seccomp_options *o)
{
	int r;

	for (size_t i = 0; i < ELEMENTSOF(deny_always); i++) {
		r = deny(ctx, deny_always[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(deny_ioctls); i++) {
		r = deny_if(ctx, SCMP_SYS(ioctl), ARG_INT_EQ(1, deny_ioctls[i]));
		if (r < 0)
			return r;
	}
	if (o->restrict_extras)
		for (size_t i = 0; i < ELEMENTSOF(deny_extras); i++) {
			r = deny(ctx, deny_extras[i]);
			if (r < 0)
				return r;
		}
	r = add_socket_rules(ctx, o);
	if (r < 0)
		return r;
	if (o->deny_truncate) {
		r = add_truncate_rules(ctx, arch);
		if (r < 0)
			return r;
	}
	if (arch == SCMP_ARCH_X86)
		return add_socketcall_rules(ctx, o);
	return 0;
}

/* An ABI missing from the filter must not run unfiltered. Refusing its every
 * syscall with EPERM would leave a process that cannot even exit_group(), so
 * it is killed (SIGSYS), the whole process rather than the thread, to avoid a
 * half-dead program. On x86_64 all three ABIs are described and this cannot
 * happen; on arm64 it catches 32-bit ARM binaries. SECCOMP_RET_KILL_PROCESS
 * needs Linux 4.14; older kernels kill the thread. */
static int set_attributes(scmp_filter_ctx ctx)
{
	int r;

	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_THREAD);
	if (r < 0)
		return r;
	/* The caller sets NO_NEW_PRIVS at the point it chooses (DESIGN §4.9);
	 * seccomp_load() must not do it behind its back. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return r;
	/* Report the kernel's errno from seccomp_load() and write(), not
	 * libseccomp's generic -ECANCELED. */
	return seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
}

/* One context per ABI, merged afterwards: a rule added to a multi-ABI
 * context goes to every ABI, and socketcall exists only on i386. */
static int arch_filter_new(uint32_t arch, const struct seccomp_options *o, scmp_filter_ctx *ret)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM; /* the only failure left once the action is valid */
	if (arch != SCMP_ARCH_NATIVE) {
		r = seccomp_arch_add(ctx, arch);
		if (r < 0)
			return r;
		r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r < 0)
			return r;
	}
	r = set_attributes(ctx);
	if (r < 0)
		return r;
	r = add_rules(ctx, arch, o);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(ctx);
	return 0;
}

int seccomp_filter_build(const struct seccomp_options *o, scmp_filter_ctx *ret_ctx)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx filter = NULL;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(filter_arches); i++) {
		_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;

		r = arch_filter_new(filter_arches[i], o, &ctx);
		if (r < 0)
			return r;
		if (!filter) {
			filter = TAKE_PTR(ctx);
			continue;
		}
		/* seccomp_merge(3): on success CTX is released by the merge. */
		r = seccomp_merge(filter, ctx);
		if (r < 0)
			return r;
		ctx = NULL;
	}
	*ret_ctx = TAKE_PTR(filter);
	return 0;
}
