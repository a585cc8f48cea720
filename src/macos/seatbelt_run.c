/* `cordon run` on macOS: the profile from seatbelt.c, enforced by the
 * kernel's Seatbelt through /usr/bin/sandbox-exec, supervised like the
 * Linux launchers (signals forwarded, --timeout, the command's status).
 *
 * Only macOS has sandbox-exec; elsewhere this file is empty. Nothing here
 * has been run on a Mac by cordon's CI (see README "macOS"). */
#ifdef __APPLE__

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "cli/exit_status.h"
#include "linux/backend.h" /* struct sandbox_request: the launchers' contract */
#include "macos/seatbelt.h"
#include "util/strv.h"
#include "util/exit_code.h"

extern char **environ;

static volatile sig_atomic_t child_pgid;
static volatile sig_atomic_t timed_out;
static volatile sig_atomic_t signals_seen;

/* The first SIGINT/TERM/HUP/QUIT goes to the command's process group, so
 * that it can clean up; a second one ends the sandbox. */
static void on_signal(int sig)
{
	if (child_pgid <= 0)
		return;
	kill(-child_pgid, signals_seen++ ? SIGKILL : sig);
}

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (child_pgid > 0)
		kill(-child_pgid, SIGKILL);
}

/* Every descriptor but stdin, stdout and stderr is closed at exec: an
 * inherited directory descriptor would reach around every path rule, and
 * Seatbelt checks files when they are opened, not when they are used. */
static int cloexec_all_but_stdio(void)
{
	DIR *d = opendir("/dev/fd");
	struct dirent *de;

	if (!d)
		return -errno;
	int self = dirfd(d);
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd <= 2 || fd == self)
			continue;
		int flags = fcntl((int)fd, F_GETFD);
		if (flags >= 0)
			(void)fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC);
	}
	closedir(d);
	return 0;
}

/* The environment: cordon's variables (and the proxy's) replace any the
 * caller had under the same name. */
static char **environment(char *const *set1, char *const *set2)
{
	char **v = NULL;

	for (char **e = environ; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		bool replaced = false;
		for (char *const *s = set1; s && *s && !replaced; s++)
			replaced = strneq(*s, *e, n) && (*s)[n] == '=';
		for (char *const *s = set2; s && *s && !replaced; s++)
			replaced = strneq(*s, *e, n) && (*s)[n] == '=';
		if (!replaced)
			strv_push(&v, *e);
	}
	STRV_FOREACH (s, set1)
		strv_push(&v, *s);
	STRV_FOREACH (s, set2)
		strv_push(&v, *s);
	return v;
}

/* After fork, before exec: only async-signal-safe calls. */
_noreturn_ static void child_fail(const char *what)
{
	int e = errno;
	(void)!write(STDERR_FILENO, "cordon: ", 8);
	(void)!write(STDERR_FILENO, what, strlen(what));
	(void)!write(STDERR_FILENO, ": ", 2);
	(void)!write(STDERR_FILENO, strerror(e), strlen(strerror(e)));
	(void)!write(STDERR_FILENO, "\n", 1);
	_exit(EXIT_CORDON);
}

int seatbelt_run(const struct sandbox_request *req, int *ret_status, struct error *reterr)
{
	const struct policy *p = req->policy;
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = NULL;
	_cleanup_free_ unsigned *ports = NULL;
	_cleanup_strv_free_ char **argv = NULL, **envp = NULL;
	struct seatbelt_options so = {};
	size_t n_ports = 0;
	int r, status;

	if (p->fs_kind == FS_RESTRICTED && policy_access(p, p->cwd, NULL) == ACCESS_NONE)
		return error_setf(reterr, NULL, 0, 0,
				  "the working directory %s is not visible under profile %s; grant it "
				  "read access or run from elsewhere",
				  p->cwd, p->profile_name);
	if (p->network.mode == NETWORK_PROXY) {
		r = seatbelt_proxy_ports(req->network ? req->network->setenv : NULL, &ports,
					 &n_ports, reterr);
		if (r < 0)
			return r;
		if (n_ports == 0)
			return error_setf(reterr, NULL, 0, 0,
					  "network proxy: no proxy runs for this command, so the "
					  "Seatbelt profile could allow no connection; use --network "
					  "off or on");
		so.proxy_ports = ports;
		so.n_proxy_ports = n_ports;
	}
	r = seatbelt_profile_build(p, &so, &sp, reterr);
	if (r < 0)
		return r;
	argv = seatbelt_argv(sp, req->command);
	envp = environment(sp->setenv, req->network ? req->network->setenv : NULL);
	r = cloexec_all_but_stdio();
	if (r < 0)
		return error_setf_errno(reterr, r, NULL, 0, 0, "cannot list /dev/fd: %s",
					strerror(-r));

	struct sigaction sa = { .sa_handler = on_signal }, old[4], old_alarm;
	static const int forwarded[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
		sigaction(forwarded[i], &sa, &old[i]);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old_alarm);

	pid_t pid = fork();
	if (pid < 0) {
		r = -errno;
		goto restore;
	}
	if (pid == 0) {
		for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
			sigaction(forwarded[i], &old[i], NULL);
		sigaction(SIGALRM, &old_alarm, NULL);
		/* A new session: the command has no controlling terminal, so it
		 * cannot push input into your shell with TIOCSTI (the BSD tty
		 * driver allows that only on the caller's controlling terminal),
		 * and the whole sandbox is one process group for signals and the
		 * timeout. */
		if (setsid() < 0)
			child_fail("setsid");
		if (chdir(p->cwd) < 0)
			child_fail(p->cwd);
		execve(SEATBELT_SANDBOX_EXEC, argv, envp);
		child_fail(SEATBELT_SANDBOX_EXEC);
	}
	child_pgid = pid;
	if (req->timeout > 0) {
		double whole = floor(req->timeout);
		struct itimerval it = {
			.it_value = { .tv_sec = (time_t)whole,
				      .tv_usec = (suseconds_t)((req->timeout - whole) * 1e6) },
		};
		if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
			it.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &it, NULL);
	}
	/* Wait without reaping, kill what the command left in its group while
	 * its pid (and so the group's id) cannot be reused, then reap. Other
	 * processes die with the command as they would with the Linux
	 * sandbox's pid namespace; one that started its own session is out of
	 * reach (Seatbelt has no pid namespace). */
	siginfo_t si;
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0) {
		if (errno != EINTR) {
			r = -errno;
			goto restore;
		}
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			r = -errno;
			goto restore;
		}
	}
	r = 0;

restore:
	setitimer(ITIMER_REAL, &(struct itimerval){}, NULL);
	child_pgid = 0;
	for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
		sigaction(forwarded[i], &old[i], NULL);
	sigaction(SIGALRM, &old_alarm, NULL);
	if (r < 0)
		return error_setf_errno(reterr, r, NULL, 0, 0, "cannot run %s: %s",
					SEATBELT_SANDBOX_EXEC, strerror(-r));
	if (timed_out) {
		fprintf(stderr, "cordon: timeout: killed the sandbox after %gs\n", req->timeout);
		*ret_status = EXIT_TIMEOUT;
		return 0;
	}
	*ret_status = exit_code_of(status);
	return 0;
}

#endif /* __APPLE__ */
