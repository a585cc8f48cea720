/* The launcher's half of the builtin executor (see builtin_exec.h): clone
 * the child with what builtin_prepare() worked out, let it go on when
 * asked, and read what it reported. */
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "linux/builtin_prep.h"
#include "linux/netns_lo.h"
#include "linux/supervise.h"

static int pipe_pair(int *rd, int *wr)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	*rd = fds[0];
	*wr = fds[1];
	return 0;
}

static int clone_error(int e, struct error *reterr)
{
	if (e == EPERM || e == EACCES)
		return error_setf_errno(reterr, -e, NULL, 0, 0,
					"cannot create the sandbox's namespaces: this user may not "
					"create user namespaces (kernel.unprivileged_userns_clone=0, "
					"AppArmor's apparmor_restrict_unprivileged_userns, or a "
					"container's seccomp profile)");
	if (e == ENOSPC || e == EUSERS)
		return error_setf_errno(reterr, -e, NULL, 0, 0,
					"cannot create the sandbox's namespaces: too many "
					"(/proc/sys/user/max_*_namespaces or nesting depth)");
	if (e == EINVAL)
		return error_setf_errno(reterr, -e, NULL, 0, 0,
					"cannot create the sandbox's namespaces: the kernel does not "
					"support user namespaces");
	return error_setf_errno(reterr, -e, NULL, 0, 0, "cannot create the sandbox's namespaces: %s",
				strerror(e));
}

int builtin_spawn(const struct builtin_spec *s, struct builtin_child *ret, struct error *reterr)
{
	struct builtin_child c = { .pid = -1, .report_fd = -1, .status_fd = -1, .release_fd = -1,
				   .setup_release_fd = -1, .netns_helper = -1 };
	struct builtin_prep *p = NULL;
	int r;

	r = builtin_prepare(s, &p, reterr);
	if (r < 0)
		return r;
	r = pipe_pair(&c.report_fd, &p->report_w);
	if (r >= 0 && s->report_exit)
		r = pipe_pair(&c.status_fd, &p->status_w);
	if (r >= 0 && s->hold_command)
		r = pipe_pair(&p->release_r, &c.release_fd);
	if (r >= 0 && s->hold_setup)
		r = pipe_pair(&p->setup_r, &c.setup_release_fd);
	if (r >= 0 && p->parallel_netns) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
			r = -errno;
		else {
			p->netns_sock = sv[0];
			p->netns_helper_sock = sv[1];
		}
	}
	if (r < 0) {
		c.prep = p;
		builtin_child_done(&c);
		return error_setf_errno(reterr, r, NULL, 0, 0, "pipe: %s", strerror(-r));
	}

	/* Signals to forward stay blocked from before the clone, so none is
	 * lost while the child sets up; the command unblocks them. */
	supervise_block_signals();
	/* A raw clone: fork semantics (no new stack), new namespaces, and no
	 * glibc atfork handlers in the child. */
	pid_t pid = (pid_t)syscall(SYS_clone, p->clone_flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid == 0)
		builtin_child_main(p);
	if (pid < 0) {
		int e = errno;
		supervise_restore_signals();
		c.prep = p;
		builtin_child_done(&c);
		return clone_error(e, reterr);
	}
	/* Only the child writes reports and reads the go-aheads: with our
	 * copies closed, end-of-file means the child's side is gone. */
	p->report_w = safe_close(p->report_w);
	p->status_w = safe_close(p->status_w);
	p->release_r = safe_close(p->release_r);
	p->setup_r = safe_close(p->setup_r);
	p->netns_sock = safe_close(p->netns_sock);
	if (p->parallel_netns) {
		r = netns_helper_start(pid, p->new_userns, p->netns_helper_sock, &c.netns_helper);
		p->netns_helper_sock = safe_close(p->netns_helper_sock);
		if (r < 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
			supervise_restore_signals();
			c.prep = p;
			builtin_child_done(&c);
			return error_setf_errno(reterr, r, NULL, 0, 0,
						"cannot fork the network namespace's helper: %s",
						strerror(-r));
		}
	}
	c.pid = pid;
	c.prep = p;
	*ret = c;
	return 0;
}

static int write_byte(int *fd)
{
	int r = 0;

	if (*fd < 0)
		return 0;
	if (write(*fd, "x", 1) != 1)
		r = -errno;
	*fd = safe_close(*fd);
	return r;
}

int builtin_release(struct builtin_child *c)
{
	return write_byte(&c->release_fd);
}

int builtin_release_setup(struct builtin_child *c)
{
	return write_byte(&c->setup_release_fd);
}

int builtin_collect(struct builtin_child *c, struct setup_report *ret_report)
{
	struct setup_report rep = {};
	ssize_t n;

	do
		n = read(c->report_fd, &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(rep))
		return 0;
	*ret_report = rep;
	return 1;
}

bool builtin_report_is_proc(const struct builtin_child *c, const struct setup_report *rep)
{
	const struct mount_plan *plan = c->prep->spec->plan;

	return rep->op >= 0 && (size_t)rep->op < plan->n_ops &&
	       plan->ops[rep->op].type == MOUNT_PROC && rep->step != SETUP_STEP_PROC_COVER;
}

void builtin_describe(const struct builtin_child *c, const struct setup_report *rep, char *buf,
		      size_t size)
{
	const struct builtin_prep *p = c->prep;

	setup_report_describe(rep, p->spec->plan, p->spec->proc, p->file, p->chdir,
			      p->spec->bwrap_words, buf, size);
}

void builtin_child_done(struct builtin_child *c)
{
	if (!c)
		return;
	safe_close(c->report_fd);
	safe_close(c->status_fd);
	safe_close(c->release_fd);
	safe_close(c->setup_release_fd);
	/* The helper is done once the child joined (or gave up on) its
	 * namespace, or was killed with the launcher's death. */
	if (c->netns_helper > 0)
		(void)waitpid(c->netns_helper, NULL, 0);
	builtin_prep_free(c->prep);
	*c = (struct builtin_child){ .pid = -1, .report_fd = -1, .status_fd = -1, .release_fd = -1,
				     .setup_release_fd = -1, .netns_helper = -1 };
}
