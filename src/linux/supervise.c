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

int supervise_exit_code(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 125;
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
	char path[64];
	_cleanup_free_ char *children = NULL;
	bool sent = false;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init_pid, (int)init_pid);
	if (read_file_max(path, 1 << 16, &children, NULL) < 0)
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

	forwarded_signals(&s);
	sfd = signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return -errno;
	if (req->timeout > 0) {
		tfd = arm_timer(req->timeout);
		if (tfd < 0)
			return tfd;
	}

	for (;;) {
		if (!started && init_pid > 0 && req->on_started) {
			started = true;
			hook_error = req->on_started(req->userdata, init_pid);
			if (hook_error < 0)
				(void)kill(req->pid, SIGKILL);
		}
		/* Reap first: SIGCHLD may have been consumed by an earlier read. */
		pid_t w = waitpid(req->pid, &status, WNOHANG);
		if (w == req->pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;

		struct pollfd pfd[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = tfd, .events = POLLIN },
			{ .fd = status_fd, .events = POLLIN },
		};
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
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

	*ret = (struct supervise_result){
		.wait_status = status,
		.timed_out = timed_out,
		.command_started = exited_reported,
	};
	return hook_error < 0 ? hook_error : 0;
}
