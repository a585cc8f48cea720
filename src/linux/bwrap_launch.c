/* The bwrap backend: prepares the descriptors the argv names, execs the
 * system bwrap in a child and supervises it. */
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "linux/bwrap_argv.h"
#include "linux/bwrap_launch.h"
#include "linux/seccomp_filter.h"
#include "linux/supervise.h"
#include "util/strv.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void bwrap_launch_done(struct bwrap_launch *l)
{
	if (!l)
		return;
	safe_close(l->seccomp_fd);
	safe_close(l->status_read);
	safe_close(l->status_write);
	safe_close(l->block_read);
	safe_close(l->block_write);
	for (size_t i = 0; i < l->n_empty; i++)
		safe_close(l->empty[i]);
	free(l->empty);
	strv_free(l->argv);
	*l = (struct bwrap_launch){ .seccomp_fd = -1,
				    .status_read = -1,
				    .status_write = -1,
				    .block_read = -1,
				    .block_write = -1 };
}

int bwrap_launch_prepare(const char *bwrap, const struct mount_plan *m, char *const *command,
			 bool block, struct bwrap_launch *ret, struct error *reterr)
{
	struct bwrap_launch l = { .seccomp_fd = -1,
				  .status_read = -1,
				  .status_write = -1,
				  .block_read = -1,
				  .block_write = -1 };
	struct seccomp_options so = {
		.deny_inet = m->deny_inet,
		.restrict_extras = m->restrict_extras,
	};
	int pipefd[2];
	int r;

	/* The descriptors are allocated in a fixed order (filter, status pipe,
	 * one /dev/null per empty file), so `cordon explain --format bwrap`
	 * prints the same numbers `cordon run` uses in the same shell. */
	r = seccomp_export_memfd(&so, &l.seccomp_fd);
	if (r < 0) {
		bwrap_launch_done(&l);
		return error_setf_errno(reterr, r, NULL, 0, 0, "cannot build the seccomp filter: %s",
					strerror(-r));
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = -errno;
		bwrap_launch_done(&l);
		return error_setf_errno(reterr, r, NULL, 0, 0, "pipe: %s", strerror(-r));
	}
	l.status_read = pipefd[0];
	l.status_write = pipefd[1];
	if (block) {
		if (pipe2(pipefd, O_CLOEXEC) < 0) {
			r = -errno;
			bwrap_launch_done(&l);
			return error_setf_errno(reterr, r, NULL, 0, 0, "pipe: %s", strerror(-r));
		}
		l.block_read = pipefd[0];
		l.block_write = pipefd[1];
	}

	l.n_empty = bwrap_count_empty_files(m);
	l.empty = xcalloc(l.n_empty ? l.n_empty : 1, sizeof(int));
	for (size_t i = 0; i < l.n_empty; i++)
		l.empty[i] = -1;
	for (size_t i = 0; i < l.n_empty; i++) {
		/* bwrap copies this fd's content into the empty file: /dev/null
		 * reads as end-of-file at once. */
		l.empty[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (l.empty[i] < 0) {
			r = -errno;
			bwrap_launch_done(&l);
			return error_setf_errno(reterr, r, NULL, 0, 0,
						"cannot open /dev/null for %zu masked files: %s",
						l.n_empty, strerror(-r));
		}
	}

	struct bwrap_fds fds = {
		.seccomp = l.seccomp_fd,
		.json_status = l.status_write,
		.block = l.block_read,
		.empty = l.empty,
		.n_empty = l.n_empty,
	};
	l.argv = bwrap_argv_build(bwrap, m, &fds, command);
	*ret = l;
	return 0;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static _noreturn_ void exec_bwrap(const struct bwrap_launch *l, pid_t parent)
{
	supervise_restore_signals();

	/* If cordon dies, bwrap dies, and with --die-with-parent so does the
	 * sandbox. Checked after setting it: the parent may already be gone. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(125);
	/* Its own process group: a terminal's ^C reaches cordon, which passes
	 * it to the command, instead of killing bwrap and with it the sandbox. */
	(void)setpgid(0, 0);

	/* Nothing but stdio and the descriptors bwrap is told about reaches
	 * the sandbox: an inherited directory descriptor would let the command
	 * openat() its way around every mount. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (int fd = 3; fd < 65536; fd++)
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	(void)fcntl(l->seccomp_fd, F_SETFD, 0);
	(void)fcntl(l->status_write, F_SETFD, 0);
	if (l->block_read >= 0)
		(void)fcntl(l->block_read, F_SETFD, 0);
	for (size_t i = 0; i < l->n_empty; i++)
		(void)fcntl(l->empty[i], F_SETFD, 0);

	execv(l->argv[0], l->argv);
	static const char msg[] = "cordon: cannot execute bwrap\n";
	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(125);
}

struct started_ctx {
	struct bwrap_launch *launch;
	int (*on_started)(void *userdata, pid_t pid);
	void *userdata;
};

/* The sandbox exists; the command waits on the block pipe until the hook
 * is done. On failure the supervisor SIGKILLs bwrap before the write end
 * is closed: an EOF would let the command start. */
static int release_command(void *userdata, pid_t pid)
{
	struct started_ctx *c = userdata;
	int r = 0;

	if (c->on_started)
		r = c->on_started(c->userdata, pid);
	if (r < 0)
		return r;
	return bwrap_launch_unblock(c->launch);
}

int bwrap_launch_start(struct bwrap_launch *l, struct error *reterr)
{
	pid_t parent = getpid();
	int r;

	supervise_block_signals();
	l->pid = fork();
	if (l->pid < 0) {
		r = -errno;
		supervise_restore_signals();
		return error_setf_errno(reterr, r, NULL, 0, 0, "fork: %s", strerror(-r));
	}
	if (l->pid == 0)
		exec_bwrap(l, parent);

	/* Our copies of what the child took: the status pipe must see EOF
	 * when bwrap is gone. */
	l->status_write = safe_close(l->status_write);
	l->seccomp_fd = safe_close(l->seccomp_fd);
	for (size_t i = 0; i < l->n_empty; i++)
		l->empty[i] = safe_close(l->empty[i]);
	l->block_read = safe_close(l->block_read);
	return 0;
}

int bwrap_launch_unblock(struct bwrap_launch *l)
{
	if (l->block_write < 0)
		return 0;
	if (write(l->block_write, "x", 1) != 1)
		return -errno;
	l->block_write = safe_close(l->block_write);
	return 0;
}

void bwrap_launch_kill(struct bwrap_launch *l)
{
	/* SIGKILL before the block pipe closes: an EOF would let the command
	 * start. */
	(void)kill(l->pid, SIGKILL);
	(void)waitpid(l->pid, NULL, 0);
	supervise_restore_signals();
	l->block_write = safe_close(l->block_write);
}

int bwrap_launch_wait(struct bwrap_launch *l, double timeout,
		      int (*on_started)(void *userdata, pid_t pid), void *userdata,
		      struct supervise_result *ret, struct error *reterr)
{
	struct started_ctx ctx = { .launch = l, .on_started = on_started, .userdata = userdata };
	int r;

	struct supervise_request req = {
		.pid = l->pid,
		.status_fd = l->status_read,
		.timeout = timeout,
		.on_started = l->block_write >= 0 ? release_command : NULL,
		.userdata = &ctx,
		/* bwrap writes "exit-code" once it has reaped the sandbox's
		 * init, and a pid namespace's init is reaped only after every
		 * other process in it: nothing of the sandbox is left. What
		 * bwrap does after that (its own exit, about 70 µs here) need
		 * not delay cordon's clean-up. */
		.exit_code_ends = true,
		.own_pid_namespace = true,
	};
	r = supervise_wait(&req, ret);
	supervise_restore_signals();
	l->block_write = safe_close(l->block_write);
	if (r < 0) {
		(void)kill(l->pid, SIGKILL);
		(void)waitpid(l->pid, NULL, WNOHANG);
		if (!error_is_set(reterr))
			error_setf_errno(reterr, r, NULL, 0, 0, "supervising bwrap: %s",
					 strerror(-r));
		return r;
	}
	return 0;
}
