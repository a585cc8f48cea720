/* Machine facts for auto and doctor (see probe.h). */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "linux/probe.h"
#include "util/fs.h"

extern char **environ;

static bool contains_ci(const char *haystack, const char *needle)
{
	return haystack && strcasestr(haystack, needle);
}

enum wsl_version probe_wsl_classify(const char *osrelease, const char *version)
{
	/* WSL2 runs a real Linux kernel built by Microsoft; its release says
	 * so ("5.15.90.1-microsoft-standard-WSL2"). WSL1 emulates Linux on the
	 * NT kernel and reports "4.4.0-19041-Microsoft". */
	if (contains_ci(osrelease, "WSL2") || contains_ci(version, "WSL2"))
		return WSL_2;
	if (contains_ci(osrelease, "microsoft") || contains_ci(version, "microsoft"))
		return contains_ci(osrelease, "microsoft-standard") ? WSL_2 : WSL_1;
	return WSL_NONE;
}

enum wsl_version probe_wsl(void)
{
	/* The kernel does not change under a running cordon, and auto asks
	 * twice (its bwrap check, the user namespace probe). */
	static int known = -1;
	_cleanup_free_ char *rel = NULL, *ver = NULL;

	if (known >= 0)
		return (enum wsl_version)known;
	(void)read_file_max("/proc/sys/kernel/osrelease", 4096, &rel, NULL);
	(void)read_file_max("/proc/version", 4096, &ver, NULL);
	known = (int)probe_wsl_classify(rel, ver);
	return (enum wsl_version)known;
}

/* A numeric sysctl, or -1 when it does not exist here. */
static long read_sysctl(const char *path)
{
	_cleanup_free_ char *s = NULL;
	char *end;

	if (read_file_max(path, 64, &s, NULL) < 0)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s)
		return -1;
	return v;
}

static const char *const cause_names[_USERNS_CAUSE_MAX] = {
	[USERNS_OK] = "ok",
	[USERNS_WSL1] = "wsl1",
	[USERNS_NO_KERNEL] = "no_kernel_support",
	[USERNS_MAX_ZERO] = "max_user_namespaces",
	[USERNS_MAX_REACHED] = "max_user_namespaces_reached",
	[USERNS_UNPRIVILEGED_CLONE] = "unprivileged_userns_clone",
	[USERNS_APPARMOR] = "apparmor",
	[USERNS_SECCOMP] = "seccomp",
	[USERNS_OTHER] = "other",
};

const char *userns_cause_to_string(enum userns_cause c)
{
	return c >= 0 && c < _USERNS_CAUSE_MAX ? cause_names[c] : "invalid";
}

static void set(struct userns_status *s, enum userns_cause c, char *message, char *fix)
{
	s->cause = c;
	s->message = message;
	s->fix = fix;
}

void probe_userns_diagnose(const struct userns_facts *f, struct userns_status *ret)
{
	*ret = (struct userns_status){ .cause = USERNS_OK, .err = f->err };

	/* The order goes from what makes namespaces impossible to what only
	 * refuses them to us; each test looks at the fact that decides. */
	if (f->wsl == WSL_1)
		return set(ret, USERNS_WSL1,
			   xstrdup("this is WSL1, which emulates Linux without a Linux kernel: "
				   "no namespaces, so neither bwrap nor the builtin backend can run"),
			   xstrdup("convert the distribution to WSL2 (wsl --set-version DISTRO 2)"));
	if (f->err == 0 && !f->caps_denied)
		return;
	if (f->err == EINVAL)
		return set(ret, USERNS_NO_KERNEL,
			   xstrdup("this kernel has no user namespaces (CONFIG_USER_NS)"), NULL);
	if (f->max_user_namespaces == 0)
		return set(ret, USERNS_MAX_ZERO,
			   xstrdup("user namespaces are disabled: user.max_user_namespaces = 0"),
			   xstrdup("sysctl -w user.max_user_namespaces=15000, and keep it in "
				   "/etc/sysctl.d/"));
	if (f->err == ENOSPC)
		return set(ret, USERNS_MAX_REACHED,
			   xasprintf("no more user namespaces: the limit user.max_user_namespaces "
				     "(%ld) or the nesting depth (32) is reached",
				     f->max_user_namespaces),
			   xstrdup("raise user.max_user_namespaces, or run cordon less deeply "
				   "nested"));
	if (f->unprivileged_userns_clone == 0 && !f->root)
		return set(ret, USERNS_UNPRIVILEGED_CLONE,
			   xstrdup("unprivileged user namespaces are disabled: "
				   "kernel.unprivileged_userns_clone = 0"),
			   xstrdup("sysctl -w kernel.unprivileged_userns_clone=1, or install "
				   "bubblewrap set-user-ID root"));
	if (f->apparmor_restrict == 1 && (f->err == EPERM || f->err == EACCES || f->caps_denied))
		return set(ret, USERNS_APPARMOR,
			   xstrdup("AppArmor restricts unprivileged user namespaces "
				   "(kernel.apparmor_restrict_unprivileged_userns = 1)"),
			   xstrdup("use the distribution's /usr/bin/bwrap (apt install bubblewrap): "
				   "on Ubuntu 24.04 its AppArmor profile bwrap-userns-restrict is the "
				   "only one allowed to create them; or sysctl -w "
				   "kernel.apparmor_restrict_unprivileged_userns=0"));
	if (f->err == EPERM && f->seccomp_mode == 2)
		return set(ret, USERNS_SECCOMP,
			   xstrdup("clone(CLONE_NEWUSER) is refused (EPERM) by a seccomp filter "
				   "although the sysctls allow it: a container's profile (Docker's "
				   "and Podman's defaults refuse it)"),
			   xstrdup("run the container with a seccomp profile that allows clone, "
				   "unshare and setns with CLONE_NEWUSER (or "
				   "--security-opt seccomp=unconfined)"));
	return set(ret, USERNS_OTHER,
		   xasprintf("creating a user namespace fails: %s",
			     strerror(f->err ? f->err : EPERM)),
		   NULL);
}

void userns_status_done(struct userns_status *s)
{
	free(s->message);
	free(s->fix);
	*s = (struct userns_status){};
}

struct userns_child {
	bool check_caps;
	uid_t uid;
};

static bool write_proc_self(const char *name, const char *s)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/%s", name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s);
}

/* Runs in the new user namespace, on cordon's memory (CLONE_VM): only
 * syscalls and the stack. Under AppArmor's restriction the namespace is
 * created, but its "unprivileged_userns" profile takes every capability
 * away inside, and a process without CAP_SETUID cannot write its own
 * uid_map: that is the test. */
static int userns_child(void *arg)
{
	const struct userns_child *c = arg;
	char map[64];

	if (!c->check_caps)
		return 0;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)c->uid);
	if (!write_proc_self("setgroups", "deny") || !write_proc_self("uid_map", map))
		return 1;
	return 0;
}

static int seccomp_mode_from_status(unsigned *ret_filters)
{
	_cleanup_free_ char *s = NULL;
	const char *p;
	int mode = -1;

	*ret_filters = 0;
	if (read_file_max("/proc/self/status", 1 << 16, &s, NULL) < 0)
		return -1;
	if ((p = strstr(s, "\nSeccomp:")))
		mode = (int)strtol(p + strlen("\nSeccomp:"), NULL, 10);
	if ((p = strstr(s, "\nSeccomp_filters:")))
		*ret_filters = (unsigned)strtoul(p + strlen("\nSeccomp_filters:"), NULL, 10);
	return mode;
}

void probe_userns(struct userns_status *ret)
{
	/* The child runs on this stack until it exits; CLONE_VFORK keeps
	 * cordon waiting meanwhile. */
	static char stack[16384] __attribute__((aligned(16)));
	struct userns_facts f = {
		.max_user_namespaces = read_sysctl("/proc/sys/user/max_user_namespaces"),
		.unprivileged_userns_clone = read_sysctl("/proc/sys/kernel/unprivileged_userns_clone"),
		.apparmor_restrict =
			read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"),
		.root = geteuid() == 0,
		.wsl = probe_wsl(),
	};
	struct userns_child c = { .check_caps = f.apparmor_restrict == 1, .uid = geteuid() };
	int status = 0;
	unsigned filters;

	pid_t pid = clone(userns_child, stack + sizeof(stack),
			  CLONE_NEWUSER | CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
	if (pid < 0)
		f.err = errno;
	else if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1)
		f.caps_denied = true;
	if (f.err || f.caps_denied)
		f.seccomp_mode = seccomp_mode_from_status(&filters);
	probe_userns_diagnose(&f, ret);
}

void probe_seccomp(struct seccomp_facts *ret)
{
	*ret = (struct seccomp_facts){};
	/* prctl(2): EINVAL when the kernel has no seccomp; otherwise our mode
	 * (a filter that refuses prctl itself would kill us: none does). */
	int r = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	ret->available = !(r < 0 && errno == EINVAL);
	ret->mode = seccomp_mode_from_status(&ret->filters);
	if (ret->mode < 0)
		ret->mode = r < 0 ? 0 : r;
}

/* In the grandchild, PID 1 of the new pid namespace. */
static _noreturn_ void mount_proc_as_init(void)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		_exit(errno & 0x7f);
	_exit(0);
}

int probe_proc_mount(const char **ret_step)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int pipefd[2];
	pid_t pid;
	int status;
	unsigned char step = 0;

	*ret_step = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		char map[64];
		close(pipefd[0]);
		/* Step numbers go back on the pipe, errno in the status. */
		step = 1;
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) < 0)
			goto fail;
		step = 2;
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
		if (!write_proc_self("setgroups", "deny") || !write_proc_self("uid_map", map))
			goto fail;
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
		if (!write_proc_self("gid_map", map))
			goto fail;
		step = 3;
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			goto fail;
		step = 4;
		pid_t init = fork();
		if (init < 0)
			goto fail;
		if (init == 0)
			mount_proc_as_init();
		if (waitpid(init, &status, 0) != init || !WIFEXITED(status))
			_exit(EIO);
		if (WEXITSTATUS(status) != 0) {
			errno = WEXITSTATUS(status);
			goto fail;
		}
		_exit(0);
	fail:;
		int e = errno ? errno : EPERM;
		ssize_t n = write(pipefd[1], &step, 1);
		(void)n;
		_exit(e & 0x7f);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &step, 1) != 1)
		step = 0;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -EIO;
	static const char *const steps[] = {
		NULL, "unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID)", "writing the id maps",
		"making / private", "mount -t proc",
	};
	if (WEXITSTATUS(status) == 0)
		return 0;
	*ret_step = step < ELEMENTSOF(steps) ? steps[step] : NULL;
	return -WEXITSTATUS(status);
}

bool probe_setuid_root(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID);
}

int probe_run(char *const *argv, char **ret_output, int *ret_status)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	pid_t pid;
	int r;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r != 0) {
		close(pipefd[0]);
		return -r;
	}

	char buf[65536];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(pipefd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	*ret_output = xstrdup(buf);
	*ret_status = status;
	return 0;
}
