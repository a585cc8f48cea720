/* The seccomp filter, tested two ways: live (Criterion forks every test, so a
 * test may install the filter on itself) and by running the exported BPF over
 * synthetic seccomp_data, which also covers ABIs this kernel cannot execute
 * (x32 is usually compiled out) and the bad-architecture path. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "linux/seccomp_rules.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

static void set_nnp(void)
{
	cr_assert_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0, "PR_SET_NO_NEW_PRIVS: %s",
		     strerror(errno));
}

static void install(struct seccomp_options o)
{
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer stops the world with ptrace at exit, which
	 * restrict_extras refuses: check for leaks now, while it still can. */
	if (o.restrict_extras)
		__lsan_do_leak_check();
#endif
	set_nnp();
	int r = seccomp_install(&o);
	cr_assert_eq(r, 0, "seccomp_install: %s", strerror(-r));
}

/* Checks a libc-style result: WANT 0 means success (RET >= 0), otherwise
 * RET -1 with errno ERR == WANT. Callers read errno into ERR right after the
 * call: the order in which arguments are evaluated is unspecified. */
static void expect(const char *what, size_t i, long ret, int err, int want)
{
	if (want == 0) {
		cr_assert_geq(ret, 0, "case %zu (%s): failed with %s", i, what, strerror(err));
	} else {
		cr_assert_eq(ret, -1, "case %zu (%s): succeeded, want %s", i, what, strerror(want));
		cr_assert_eq(err, want, "case %zu (%s): %s, want %s", i, what, strerror(err),
			     strerror(want));
	}
}

struct socket_case {
	const char *what;
	int family, type, protocol;
	int want; /* 0: a socket; else the errno */
};

static void check_sockets(const struct socket_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct socket_case *c = &cases[i];
		errno = 0;
		int fd = socket(c->family, c->type | SOCK_CLOEXEC, c->protocol);
		int err = errno;

		expect(c->what, i, fd, err, c->want);
		if (fd >= 0)
			close(fd);
	}
}

/* Probes: one syscall each, libc-style result (-1 and errno), any fd they
 * make closed before they return. */
struct call_case {
	const char *what;
	long (*call)(void);
	int want; /* 0: success; else the errno */
};

static void check_calls(const struct call_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		errno = 0;
		long r = cases[i].call();
		int err = errno;

		expect(cases[i].what, i, r, err, cases[i].want);
	}
}

static long close_result(long fd)
{
	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -1 : 0;
}

static long socketpair_of(int family)
{
	int sv[2];

	if (socketpair(family, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static long call_socketpair_unix(void)
{
	return socketpair_of(AF_UNIX);
}

static long call_socketpair_inet(void)
{
	return socketpair_of(AF_INET);
}

/* The kernel reads the domain as an int (socket(2)); upper bits must not
 * turn a refused family into an allowed one. */
static long call_socket_inet_high_bits(void)
{
	return close_result(
		syscall(SYS_socket, (1UL << 32) | AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

Test(seccomp, install_requires_nnp)
{
	struct seccomp_options o = { .deny_inet = true };

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		cr_skip("NO_NEW_PRIVS is inherited from the test runner");
	cr_assert_eq(seccomp_install(&o), -EACCES);
	/* Nothing was loaded. */
	cr_assert_eq(prctl(PR_GET_SECCOMP, 0, 0, 0, 0), 0);
}

Test(seccomp, build_every_option_combination)
{
	for (unsigned m = 0; m < 8; m++) {
		struct seccomp_options o = { m & 1, m & 2, m & 4 };
		_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
		int r = seccomp_filter_build(&o, &ctx);

		cr_assert_eq(r, 0, "options %#x: %s", m, strerror(-r));
		cr_assert_not_null(ctx);
	}
}

Test(seccomp, default_allows_every_family)
{
	static const struct socket_case cases[] = {
		{ "AF_UNIX", AF_UNIX, SOCK_STREAM, 0, 0 },
		{ "AF_INET", AF_INET, SOCK_STREAM, 0, 0 },
		{ "AF_NETLINK", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, 0 },
	};

	static const struct call_case calls[] = {
		{ "socketpair(AF_UNIX)", call_socketpair_unix, 0 },
	};

	install((struct seccomp_options){ 0 });
	check_sockets(cases, ELEMENTSOF(cases));
	check_calls(calls, ELEMENTSOF(calls));
}

Test(seccomp, deny_inet)
{
	static const struct socket_case cases[] = {
		{ "AF_INET", AF_INET, SOCK_STREAM, 0, EPERM },
		{ "AF_INET6", AF_INET6, SOCK_DGRAM, 0, EPERM },
		{ "AF_NETLINK", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, EPERM },
		{ "AF_PACKET", AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */, EPERM },
		{ "AF_VSOCK", AF_VSOCK, SOCK_STREAM, 0, EPERM },
		{ "AF_UNIX stream", AF_UNIX, SOCK_STREAM, 0, 0 },
		{ "AF_UNIX dgram", AF_UNIX, SOCK_DGRAM, 0, 0 },
	};

	static const struct call_case calls[] = {
		{ "socketpair(AF_UNIX)", call_socketpair_unix, 0 },
		{ "socketpair(AF_INET)", call_socketpair_inet, EPERM },
		{ "socket(AF_INET | 1 << 32)", call_socket_inet_high_bits, EPERM },
	};

	install((struct seccomp_options){ .deny_inet = true });
	check_sockets(cases, ELEMENTSOF(cases));
	check_calls(calls, ELEMENTSOF(calls));
}

Test(seccomp, deny_unix)
{
	static const struct socket_case cases[] = {
		{ "AF_UNIX", AF_UNIX, SOCK_STREAM, 0, EPERM },
		{ "AF_INET", AF_INET, SOCK_STREAM, 0, EPERM },
	};

	static const struct call_case calls[] = {
		{ "socketpair(AF_UNIX)", call_socketpair_unix, 0 },
	};

	install((struct seccomp_options){ .deny_inet = true, .deny_unix = true });
	check_sockets(cases, ELEMENTSOF(cases));
	check_calls(calls, ELEMENTSOF(calls));
}

static long call_io_uring_setup(void)
{
	char params[120] = { 0 }; /* struct io_uring_params */

	return syscall(SYS_io_uring_setup, 1, params);
}

static long call_ptrace_traceme(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static long call_process_vm_readv(void)
{
	char src[8] = "secret", dst[8];
	struct iovec local = { dst, sizeof(dst) }, remote = { src, sizeof(src) };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
}

static long call_process_vm_writev(void)
{
	char src[8] = "secret", dst[8];
	struct iovec local = { src, sizeof(src) }, remote = { dst, sizeof(dst) };

	return process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
}

static long call_socket_vsock(void)
{
	return close_result(socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

static long call_socket_vsock_high_bits(void)
{
	return close_result(
		syscall(SYS_socket, (1UL << 32) | AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

static long call_socket_inet(void)
{
	return close_result(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

static long call_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

static long call_add_key(void)
{
	return syscall(SYS_add_key, "user", "cordon-test", "x", 1, KEY_SPEC_SESSION_KEYRING);
}

static long call_request_key(void)
{
	return syscall(SYS_request_key, "user", "cordon-test", NULL, 0);
}

static long call_perf_event_open(void)
{
	return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
}

Test(seccomp, restrict_extras)
{
	static const struct call_case cases[] = {
		{ "io_uring_setup", call_io_uring_setup, EPERM },
		{ "ptrace(PTRACE_TRACEME)", call_ptrace_traceme, EPERM },
		{ "process_vm_readv", call_process_vm_readv, EPERM },
		{ "process_vm_writev", call_process_vm_writev, EPERM },
		{ "socket(AF_VSOCK)", call_socket_vsock, EPERM },
		{ "socket(AF_VSOCK | 1 << 32)", call_socket_vsock_high_bits, EPERM },
		/* The network is on: restrict_extras alone leaves inet alone. */
		{ "socket(AF_INET)", call_socket_inet, 0 },
	};

	install((struct seccomp_options){ .restrict_extras = true });
	check_calls(cases, ELEMENTSOF(cases));
}

Test(seccomp, extras_allowed_without_restrict_extras)
{
	static const struct call_case cases[] = {
		{ "process_vm_readv", call_process_vm_readv, 0 },
		{ "socket(AF_INET)", call_socket_inet, 0 },
	};

	install((struct seccomp_options){ .deny_inet = false });
	check_calls(cases, ELEMENTSOF(cases));
}

Test(seccomp, always_refused)
{
	static const struct call_case cases[] = {
		{ "keyctl", call_keyctl, EPERM },
		{ "add_key", call_add_key, EPERM },
		{ "request_key", call_request_key, EPERM },
		{ "perf_event_open", call_perf_event_open, EPERM },
	};

	install((struct seccomp_options){ 0 });
	check_calls(cases, ELEMENTSOF(cases));
}

/* A pty pair whose slave stands in for the terminal the sandbox shares with
 * the user's shell. */
static int open_pty_slave(int *ret_master)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	cr_assert_geq(master, 0, "posix_openpt: %s", strerror(errno));
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(slave, 0, "open(%s): %s", ptsname(master), strerror(errno));
	*ret_master = master;
	return slave;
}

static int tty_fd = -1;

static long call_tiocsti(void)
{
	char c = 'x';

	return ioctl(tty_fd, TIOCSTI, &c);
}

/* The kernel takes the request as an unsigned int (ioctl(2)). */
static long call_tiocsti_high_bits(void)
{
	char c = 'x';

	return syscall(SYS_ioctl, tty_fd, (1UL << 32) | TIOCSTI, &c);
}

/* Without the filter a pty answers TIOCLINUX with EINVAL: EPERM is ours. */
static long call_tioclinux(void)
{
	char subcode = 3; /* TIOCL_PASTESEL */

	return ioctl(tty_fd, TIOCLINUX, &subcode);
}

static long call_tiocgwinsz(void)
{
	struct winsize ws;

	return ioctl(tty_fd, TIOCGWINSZ, &ws);
}

Test(seccomp, terminal_injection)
{
	static const struct call_case cases[] = {
		{ "TIOCSTI", call_tiocsti, EPERM },
		{ "TIOCSTI | 1 << 32", call_tiocsti_high_bits, EPERM },
		{ "TIOCLINUX", call_tioclinux, EPERM },
		/* Ordinary terminal ioctls still work. */
		{ "TIOCGWINSZ", call_tiocgwinsz, 0 },
	};
	int master;

	tty_fd = open_pty_slave(&master);
	install((struct seccomp_options){ 0 });
	check_calls(cases, ELEMENTSOF(cases));
	close(tty_fd);
	close(master);
}

static void read_export(const struct seccomp_options *o, struct sock_filter **ret_prog,
			size_t *ret_len)
{
	int fd = -1;
	struct stat st;

	int r = seccomp_export_memfd(o, &fd);
	cr_assert_eq(r, 0, "seccomp_export_memfd: %s", strerror(-r));
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_gt(st.st_size, 0);
	cr_assert_eq(st.st_size % sizeof(struct sock_filter), 0, "size %jd",
		     (intmax_t)st.st_size);

	struct sock_filter *prog = malloc((size_t)st.st_size);
	cr_assert_not_null(prog);
	cr_assert_eq(read(fd, prog, (size_t)st.st_size), st.st_size);
	close(fd);
	*ret_prog = prog;
	*ret_len = (size_t)st.st_size / sizeof(struct sock_filter);
}

Test(seccomp, export_memfd_shape)
{
	struct seccomp_options o = { .deny_inet = true, .restrict_extras = true };
	int fd = -1;
	char c = 0;

	cr_assert_eq(seccomp_export_memfd(&o, &fd), 0);
	cr_assert_eq(lseek(fd, 0, SEEK_CUR), 0, "bwrap reads from the current offset");
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	int seals = fcntl(fd, F_GET_SEALS);
	int want = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
	cr_assert_eq(seals & want, want, "seals %#x", seals);
	cr_assert_eq(pwrite(fd, &c, 1, 0), -1);
	cr_assert_eq(errno, EPERM);
	close(fd);
}

/* What bwrap does with the fd: read it and hand it to the kernel as is. */
Test(seccomp, export_memfd_loads_like_install)
{
	struct seccomp_options o = { .deny_inet = true };
	struct sock_filter *filter;
	size_t len;
	static const struct socket_case cases[] = {
		{ "AF_INET", AF_INET, SOCK_STREAM, 0, EPERM },
		{ "AF_UNIX", AF_UNIX, SOCK_STREAM, 0, 0 },
	};

	read_export(&o, &filter, &len);
	struct sock_fprog prog = { .len = (unsigned short)len, .filter = filter };
	set_nnp();
	cr_assert_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0,
		     "PR_SET_SECCOMP: %s", strerror(errno));
	free(filter);
	check_sockets(cases, ELEMENTSOF(cases));
}

#ifdef __x86_64__

/* i386 and x32 syscall numbers, from the kernel's
 * arch/x86/entry/syscalls/syscall_32.tbl and syscall_64.tbl (not from
 * libseccomp, whose tables the filter itself uses). */
enum {
	I386_getpid = 20,
	I386_ptrace = 26,
	I386_ioctl = 54,
	I386_socketcall = 102,
	I386_add_key = 286,
	I386_request_key = 287,
	I386_keyctl = 288,
	I386_perf_event_open = 336,
	I386_process_vm_readv = 347,
	I386_process_vm_writev = 348,
	I386_socket = 359,
	I386_socketpair = 360,
	I386_io_uring_setup = 425,
	I386_io_uring_enter = 426,
	I386_io_uring_register = 427,

	X32 = 0x40000000, /* __X32_SYSCALL_BIT */
	X32_getpid = X32 + 39,
	X32_socket = X32 + 41,
	X32_socketpair = X32 + 53,
	X32_keyctl = X32 + 250,
	X32_perf_event_open = X32 + 298,
	X32_io_uring_setup = X32 + 425,
	X32_ioctl = X32 + 514,
	X32_ptrace = X32 + 521,
	X32_process_vm_readv = X32 + 539,
	X32_process_vm_writev = X32 + 540,
};

/* An i386 syscall from this 64-bit process: `int $0x80` takes the 32-bit
 * entry, and seccomp sees AUDIT_ARCH_I386. Returns -errno like the kernel. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* Kernels without IA32 emulation (or booted with ia32_emulation=0) answer
 * `int $0x80` with SIGSEGV, so ask in a child. */
static bool have_ia32(void)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(int80(I386_getpid, 0, 0, 0) == getpid() ? 0 : 1);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

Test(seccomp, i386_abi)
{
	if (!have_ia32())
		cr_skip("the kernel cannot run i386 code (CONFIG_IA32_EMULATION or ia32_emulation=0)");

	/* socketcall(2) reads its arguments through a 32-bit pointer. */
	uint32_t *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	cr_assert_neq(args, MAP_FAILED);
	args[0] = AF_UNIX;
	args[1] = SOCK_STREAM;
	args[2] = 0;
	/* Before the filter the call works, so the EPERM below is the filter's. */
	long fd = int80(I386_socketcall, SYS_SOCKET, (long)(uintptr_t)args, 0);
	cr_assert_geq(fd, 0, "i386 socketcall before the filter: %s", strerror((int)-fd));
	close((int)fd);

	install((struct seccomp_options){ .deny_inet = true, .restrict_extras = true });

	cr_assert_eq(int80(I386_socket, AF_INET, SOCK_STREAM, 0), -EPERM);
	fd = int80(I386_socket, AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0, "i386 socket(AF_UNIX): %s", strerror((int)-fd));
	close((int)fd);
	cr_assert_eq(int80(I386_socketcall, SYS_SOCKET, (long)(uintptr_t)args, 0), -EPERM);
	cr_assert_eq(int80(I386_io_uring_setup, 1, 0, 0), -EPERM);
	cr_assert_eq(int80(I386_ptrace, PTRACE_TRACEME, 0, 0), -EPERM);
	cr_assert_eq(int80(I386_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0),
		     -EPERM);
	cr_assert_eq(int80(I386_getpid, 0, 0, 0), getpid());
	munmap(args, 4096);
}

Test(seccomp, x32_abi)
{
	install((struct seccomp_options){ .deny_inet = true });

	/* seccomp runs before the kernel looks the number up, so even a kernel
	 * built without x32 should say EPERM here; ENOSYS is acceptable, a
	 * socket (or SIGSYS from the bad-arch action) is not. */
	errno = 0;
	long fd = syscall(X32_socket, AF_INET, SOCK_STREAM, 0);
	int err = errno;
	cr_assert_eq(fd, -1, "x32 socket(AF_INET) gave fd %ld", fd);
	cr_assert(err == EPERM || err == ENOSYS, "x32 socket(AF_INET): %s", strerror(err));
}

/* A classic-BPF interpreter for the subset seccomp filters use
 * (Documentation/networking/filter.rst); any other opcode fails the test, so
 * a libseccomp upgrade that emits new ones is noticed, not misjudged. */
static uint32_t bpf_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			cr_assert(f->k % 4 == 0 && f->k + 4 <= sizeof(*d), "load at %u", f->k);
			memcpy(&a, (const char *)d + f->k, sizeof(a));
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			cr_assert_fail("opcode %#x at %zu", f->code, pc);
		}
	}
	cr_assert_fail("the program fell off its end");
	return 0;
}

enum verdict { ALLOW, DENY, KILL };
enum { INET = 1, UNIX = 2, EXTRAS = 4, ALL = 7 };

struct sim_case {
	unsigned opts;
	uint32_t arch;
	int nr;
	uint64_t a0, a1;
	enum verdict want;
};

#define A64  AUDIT_ARCH_X86_64
#define A32  AUDIT_ARCH_I386
#define HI32 (1ULL << 32)

static const struct sim_case sim_cases[] = {
	/* x86_64: sockets */
	{ 0, A64, SYS_socket, AF_INET, 0, ALLOW },
	{ INET, A64, SYS_socket, AF_INET, 0, DENY },
	{ INET, A64, SYS_socket, AF_INET6, 0, DENY },
	{ INET, A64, SYS_socket, AF_UNIX, 0, ALLOW },
	{ INET, A64, SYS_socket, HI32 | AF_UNIX, 0, DENY },
	{ INET | UNIX, A64, SYS_socket, AF_UNIX, 0, DENY },
	{ UNIX, A64, SYS_socket, AF_UNIX, 0, DENY },
	{ UNIX, A64, SYS_socket, HI32 | AF_UNIX, 0, DENY },
	{ UNIX, A64, SYS_socket, AF_INET, 0, ALLOW },
	{ EXTRAS, A64, SYS_socket, AF_VSOCK, 0, DENY },
	{ EXTRAS, A64, SYS_socket, HI32 | AF_VSOCK, 0, DENY },
	{ EXTRAS, A64, SYS_socket, AF_INET, 0, ALLOW },
	{ INET, A64, SYS_socketpair, AF_INET, 0, DENY },
	{ ALL, A64, SYS_socketpair, AF_UNIX, 0, ALLOW },
	/* x86_64: always */
	{ 0, A64, SYS_ioctl, 0, TIOCSTI, DENY },
	{ 0, A64, SYS_ioctl, 0, HI32 | TIOCSTI, DENY },
	{ 0, A64, SYS_ioctl, 0, TIOCLINUX, DENY },
	{ ALL, A64, SYS_ioctl, 0, TIOCGWINSZ, ALLOW },
	{ 0, A64, SYS_add_key, 0, 0, DENY },
	{ 0, A64, SYS_request_key, 0, 0, DENY },
	{ 0, A64, SYS_keyctl, 0, 0, DENY },
	{ 0, A64, SYS_perf_event_open, 0, 0, DENY },
	{ ALL, A64, SYS_getpid, 0, 0, ALLOW },
	/* x86_64: restrict_extras */
	{ 0, A64, SYS_io_uring_setup, 0, 0, ALLOW },
	{ 0, A64, SYS_ptrace, 0, 0, ALLOW },
	{ EXTRAS, A64, SYS_io_uring_setup, 0, 0, DENY },
	{ EXTRAS, A64, SYS_io_uring_enter, 0, 0, DENY },
	{ EXTRAS, A64, SYS_io_uring_register, 0, 0, DENY },
	{ EXTRAS, A64, SYS_ptrace, 0, 0, DENY },
	{ EXTRAS, A64, SYS_process_vm_readv, 0, 0, DENY },
	{ EXTRAS, A64, SYS_process_vm_writev, 0, 0, DENY },
	/* x32: same arch value, numbers with __X32_SYSCALL_BIT */
	{ INET, A64, X32_socket, AF_INET, 0, DENY },
	{ INET, A64, X32_socket, AF_UNIX, 0, ALLOW },
	{ INET | UNIX, A64, X32_socket, AF_UNIX, 0, DENY },
	{ EXTRAS, A64, X32_socket, AF_VSOCK, 0, DENY },
	{ INET, A64, X32_socketpair, AF_INET, 0, DENY },
	{ 0, A64, X32_ioctl, 0, TIOCSTI, DENY },
	{ 0, A64, X32_keyctl, 0, 0, DENY },
	{ 0, A64, X32_perf_event_open, 0, 0, DENY },
	{ EXTRAS, A64, X32_io_uring_setup, 0, 0, DENY },
	{ EXTRAS, A64, X32_ptrace, 0, 0, DENY },
	{ EXTRAS, A64, X32_process_vm_readv, 0, 0, DENY },
	{ EXTRAS, A64, X32_process_vm_writev, 0, 0, DENY },
	{ ALL, A64, X32_getpid, 0, 0, ALLOW },
	/* i386 */
	{ INET, A32, I386_socket, AF_INET, 0, DENY },
	{ INET, A32, I386_socket, AF_UNIX, 0, ALLOW },
	{ INET | UNIX, A32, I386_socket, AF_UNIX, 0, DENY },
	{ EXTRAS, A32, I386_socket, AF_VSOCK, 0, DENY },
	{ EXTRAS, A32, I386_socket, AF_INET, 0, ALLOW },
	{ INET, A32, I386_socketpair, AF_INET, 0, DENY },
	{ INET, A32, I386_socketpair, AF_UNIX, 0, ALLOW },
	{ 0, A32, I386_socketcall, SYS_SOCKET, 0, ALLOW },
	{ INET, A32, I386_socketcall, SYS_SOCKET, 0, DENY },
	{ UNIX, A32, I386_socketcall, SYS_SOCKET, 0, DENY },
	{ EXTRAS, A32, I386_socketcall, SYS_SOCKET, 0, DENY },
	{ INET, A32, I386_socketcall, SYS_SOCKETPAIR, 0, DENY },
	{ EXTRAS, A32, I386_socketcall, SYS_SOCKETPAIR, 0, ALLOW },
	{ ALL, A32, I386_socketcall, SYS_CONNECT, 0, ALLOW },
	{ 0, A32, I386_ioctl, 0, TIOCSTI, DENY },
	{ 0, A32, I386_ioctl, 0, TIOCLINUX, DENY },
	{ ALL, A32, I386_ioctl, 0, TIOCGWINSZ, ALLOW },
	{ 0, A32, I386_add_key, 0, 0, DENY },
	{ 0, A32, I386_request_key, 0, 0, DENY },
	{ 0, A32, I386_keyctl, 0, 0, DENY },
	{ 0, A32, I386_perf_event_open, 0, 0, DENY },
	{ EXTRAS, A32, I386_ptrace, 0, 0, DENY },
	{ EXTRAS, A32, I386_process_vm_readv, 0, 0, DENY },
	{ EXTRAS, A32, I386_process_vm_writev, 0, 0, DENY },
	{ EXTRAS, A32, I386_io_uring_setup, 0, 0, DENY },
	{ EXTRAS, A32, I386_io_uring_enter, 0, 0, DENY },
	{ EXTRAS, A32, I386_io_uring_register, 0, 0, DENY },
	{ ALL, A32, I386_getpid, 0, 0, ALLOW },
	/* An ABI the filter does not describe is killed, whatever the call. */
	{ 0, AUDIT_ARCH_AARCH64, 172 /* getpid */, 0, 0, KILL },
	{ ALL, AUDIT_ARCH_ARM, 20 /* getpid */, 0, 0, KILL },
};

Test(seccomp, exported_bpf_table)
{
	struct sock_filter *progs[8] = { 0 };
	size_t lens[8];
	static const uint32_t verdict_ret[] = {
		[ALLOW] = SECCOMP_RET_ALLOW,
		[DENY] = SECCOMP_RET_ERRNO | EPERM,
		[KILL] = SECCOMP_RET_KILL_PROCESS,
	};

	for (unsigned m = 0; m < 8; m++) {
		struct seccomp_options o = { m & INET, m & UNIX, m & EXTRAS };
		read_export(&o, &progs[m], &lens[m]);
	}
	for (size_t i = 0; i < ELEMENTSOF(sim_cases); i++) {
		const struct sim_case *c = &sim_cases[i];
		struct seccomp_data d = { .nr = c->nr, .arch = c->arch };

		d.args[0] = c->a0;
		d.args[1] = c->a1;
		uint32_t got = bpf_run(progs[c->opts], lens[c->opts], &d);
		cr_assert_eq(got, verdict_ret[c->want],
			     "case %zu: opts %#x arch %#x nr %#x a0 %#llx a1 %#llx: got %#x, want %#x",
			     i, c->opts, c->arch, (unsigned)c->nr, (unsigned long long)c->a0,
			     (unsigned long long)c->a1, got, verdict_ret[c->want]);
	}
	for (unsigned m = 0; m < 8; m++)
		free(progs[m]);
}

#endif /* __x86_64__ */

/* cordon serves programs compiled at build time; they must be exactly what
 * the rules give today, for every variant. */
Test(seccomp, compiled_programs_match_the_rules)
{
	for (unsigned v = 0; v < SECCOMP_VARIANTS; v++) {
		struct seccomp_options o = {
			.deny_inet = v & 1u,
			.deny_unix = v & 2u,
			.restrict_extras = v & 4u,
			.deny_truncate = v & 8u,
		};
		cr_assert_eq(seccomp_variant(&o), v);
		_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
		cr_assert_eq(seccomp_filter_build(&o, &ctx), 0);
		_cleanup_close_ int fd = memfd_create("t", MFD_CLOEXEC);
		cr_assert_geq(fd, 0);
		cr_assert_eq(seccomp_export_bpf(ctx, fd), 0);
		off_t size = lseek(fd, 0, SEEK_END);
		const struct sock_filter *prog;
		size_t len;
		seccomp_program(&o, &prog, &len);
		cr_assert_eq((size_t)size, len * sizeof(*prog), "variant %u: size", v);
		_cleanup_free_ struct sock_filter *fresh = xmalloc((size_t)size);
		cr_assert_eq(pread(fd, fresh, (size_t)size, 0), size);
		cr_expect_eq(memcmp(fresh, prog, (size_t)size), 0, "variant %u differs", v);
	}
}
