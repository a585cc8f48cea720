#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

#include "linux/supervise.h"
#include "util/fs.h"
#include "util/macros.h"

static sigset_t saved_mask;

static void forwarded_signals(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGHUP);
	sigaddset(s, SIGQUIT);
	sigaddset(s, SIGCHLD);
}

void supervise_block_signals(void)
{
	sigset_t s;

	forwarded_signals(&s);
	sigprocmask(SIG_BLOCK, &s, &saved_mask);
}

void supervise_restore_signals(void)
{
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

/* bwrap's --json-status-fd writes one JSON object per line:
 * {"child-pid": N, ...} after the clone, {"exit-code": N} after the command
 * ran. Only these two keys matter here. */
static void parse_status(const char *buf, pid_t *child_pid, bool *exited, int *exit_code)
{
	const char *p;

	if ((p = strstr(buf, "\"child-pid\":")))
		*child_pid = (pid_t)strtol(p + strlen("\"child-pid\":"), NULL, 10);
	if ((p = strstr(buf, "\"exit-code\":"))) {
		*exited = true;
		*exit_code = (int)strtol(p + strlen("\"exit-code\":"), NULL, 10);
	}
}

/* The pids of the children of the sandbox's init, space-separated, as
 * /proc says; -errno. */
static int init_children(pid_t init_pid, char **ret)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init_pid, (int)init_pid);
	return read_file_max(path, 1 << 16, ret, NULL);
}

/* The command is the child of the sandbox's init (bwrap runs a reaper as
 * PID 1 of the new pid namespace), so signals go to the command's process
 * group directly, the job a terminal would have signalled: a shell waiting
 * for a child ignores SIGINT until the child is gone, so signalling only
 * the command would leave `sh -c 'sleep 30'` running. Under bwrap that
 * group is init's own (bwrap calls setsid() in init, before the fork);
 * the kernel drops a signal to a namespace's init that has no handler for
 * it, so init is left alone. The builtin backend's init does pass signals
 * on, so there the command leads a group of its own (command_group).
 * Returns false when the command cannot be found. */
static bool signal_command(pid_t init_pid, int sig)
{
	_cleanup_free_ char *children = NULL;
	bool sent = false;

	if (init_children(init_pid, &children) < 0)
		return false;
	for (char *s = children, *save = NULL, *tok; (tok = strtok_r(s, " \n", &save)); s = NULL) {
		pid_t pid = (pid_t)strtol(tok, NULL, 10);
		if (pid <= 0)
			continue;
		pid_t group = getpgid(pid);
		if ((group != pid && group != init_pid) || kill(-group, sig) < 0)
			(void)kill(pid, sig);
		sent = true;
	}
	return sent;
}

static int arm_timer(double seconds)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = {};

	if (fd < 0)
		return -errno;
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		safe_close(fd);
		return -errno;
	}
	return fd;
}

/* The sandbox's init, held by a pidfd from the moment its pid is known
 * (before it can die and its pid be reused). */
struct init_handle {
	int pidfd; /* -1: none (not known yet, already gone, or no pidfd_open) */
	bool tried;
};

static void init_handle_open(struct init_handle *h, pid_t pid)
{
	if (h->tried || pid <= 0)
		return;
	h->tried = true;
	h->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
}

static bool init_alive(const struct init_handle *h)
{
	return syscall(SYS_pidfd_send_signal, h->pidfd, 0, NULL, 0) == 0;
}

/* Whether the sandbox's init, alive, has no child: then nothing else is in
 * its pid namespace (every process there descends from it: orphans are
 * reparented to it, and the kernel refuses CLONE_PARENT to a namespace's
 * init) and nothing can appear (inits fork nothing once the command has
 * run). Checked alive before and after, so that the pid read is the init's;
 * a zombie init is past the kernel's killing of the rest. */
static bool init_alone(const struct init_handle *h, pid_t pid)
{
	_cleanup_free_ char *children = NULL;

	if (!init_alive(h))
		return false;
	if (init_children(pid, &children) < 0 || children[strspn(children, " \n")] != '\0')
		return false;
	return init_alive(h);
}

/* Returns once nothing of the sandbox is left. Until then a process the
 * command left behind can still act in its writable roots, and a
 * placeholder removed meanwhile (host_targets.c) no longer masks anything:
 * a `mv prepared .git` looping in the background would win the moment the
 * placeholder leaves. The command's exit does not end the sandbox (bwrap's
 * init keeps waiting for the other children, and dies only with bwrap);
 * the end of its init does: a pid namespace's init finishes exiting only
 * after the kernel has killed and reaped every other process in it
 * (zap_pid_ns_processes), and its pidfd reports that exit. So, unless the
 * init is alone already: SIGKILL the launcher (unless it is reaped already:
 * its pid may be another process's now) and the init (the command is done;
 * what is left would be killed anyway), then wait for the init's pidfd.
 * Without pidfd_open (Linux < 5.3) only the launcher is waited for, as
 * before. */
static void end_sandbox(pid_t launcher, bool launcher_reaped, struct init_handle *h,
			pid_t init_pid)
{
	if (h->pidfd < 0) {
		if (!launcher_reaped)
			(void)kill(launcher, SIGKILL);
		return;
	}
	/* The usual end: the command and all it started are gone, and the
	 * sandbox's teardown (its mounts, its namespaces: 0.2 ms here) need
	 * not be waited for. */
	if (init_alone(h, init_pid)) {
		h->pidfd = safe_close(h->pidfd);
		return;
	}
	if (!launcher_reaped)
		(void)kill(launcher, SIGKILL);
	struct pollfd p = { .fd = h->pidfd, .events = POLLIN };
	/* EPERM for a set-user-ID bwrap's init: it dies with bwrap. */
	(void)syscall(SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	h->pidfd = safe_close(h->pidfd);
}

int supervise_wait(const struct supervise_request *req, struct supervise_result *ret)
{
	sigset_t s;
	_cleanup_close_ int sfd = -1, tfd = -1;
	pid_t init_pid = req->init_pid;
	bool exited_reported = false, timed_out = false;
	int exit_code = 0;
	int status_fd = req->status_fd;
	char buf[4096];
	size_t len = 0;
	int last_sig = 0, status = 0;

	bool started = false;
	int hook_error = 0;
	struct init_handle init = { .pidfd = -1 };
	bool reaped = false;

	int r = 0;

	forwarded_signals(&s);
	sfd = signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = -errno;
		goto end;
	}
	if (req->timeout > 0) {
		tfd = arm_timer(req->timeout);
		if (tfd < 0) {
			r = tfd;
			goto end;
		}
	}

	for (;;) {
		if (req->own_pid_namespace)
			init_handle_open(&init, init_pid);
		if (!started && init_pid > 0 && req->on_started) {
			started = true;
			hook_error = req->on_started(req->userdata, init_pid);
			if (hook_error < 0)
				(void)kill(req->pid, SIGKILL);
		}
		/* Reap first: SIGCHLD may have been consumed by an earlier read. */
		pid_t w = waitpid(req->pid, &status, WNOHANG);
		if (w == req->pid) {
			reaped = true;
			break;
		}
		if (w < 0 && errno != EINTR) {
			r = -errno;
			goto end;
		}

		struct pollfd pfd[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = tfd, .events = POLLIN },
			{ .fd = status_fd, .events = POLLIN },
		};
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto end;
		}
		if (pfd[2].revents) {
			ssize_t n = read(status_fd, buf + len, sizeof(buf) - 1 - len);
			if (n <= 0) {
				status_fd = -1; /* EOF: stop polling it; the caller owns it */
			} else {
				len += (size_t)n;
				buf[len] = '\0';
				parse_status(buf, &init_pid, &exited_reported, &exit_code);
				/* Keep only the unfinished line. */
				char *nl = strrchr(buf, '\n');
				if (nl) {
					len = strlen(nl + 1);
					memmove(buf, nl + 1, len + 1);
				} else if (len >= sizeof(buf) - 1) {
					len = 0;
				}
			}
			if (exited_reported && req->exit_code_ends) {
				status = W_EXITCODE(exit_code & 0xff, 0);
				break;
			}
		}
		if (pfd[1].revents) {
			/* The whole sandbox, not just the command: SIGKILL the
			 * launcher, and its child (PID 1 of the sandbox) follows
			 * through PR_SET_PDEATHSIG; a pid namespace dies with its
			 * init. */
			timed_out = true;
			(void)kill(req->pid, SIGKILL);
			safe_close(tfd);
			tfd = -1;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGCHLD)
					continue;
				/* A second interrupt of the same kind means "now". */
				if (sig == last_sig || init_pid <= 0 || !signal_command(init_pid, sig))
					(void)kill(req->pid, sig == last_sig ? SIGKILL : sig);
				last_sig = sig;
			}
		}
	}

	/* The exit-code line can arrive just before bwrap exits. */
	while (status_fd >= 0 && !exited_reported) {
		ssize_t n = read(status_fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		parse_status(buf, &init_pid, &exited_reported, &exit_code);
	}
end:
	/* On every way out: the caller removes placeholders next. */
	if (req->own_pid_namespace) {
		init_handle_open(&init, init_pid);
		end_sandbox(req->pid, reaped, &init, init_pid);
	}
	if (r < 0)
		return r;

	*ret = (struct supervise_result){
		.wait_status = status,
		.timed_out = timed_out,
		.command_started = exited_reported,
	};
	return hook_error < 0 ? hook_error : 0;
}
