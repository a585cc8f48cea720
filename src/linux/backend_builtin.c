/* The builtin backend (DESIGN.md §5): cordon performs the mount plan
 * itself with the builtin executor, and supervises the sandbox the way the
 * bwrap backend supervises bwrap. The same plan, the same seccomp filter,
 * the same namespaces and the same exit statuses as the bwrap backend; no
 * helper binary. */
#include <sys/wait.h>

#include "linux/backend.h"
#include "linux/builtin_exec.h"
#include "linux/host_targets.h"
#include "linux/host_trash.h"
#include "linux/supervise.h"
#include "plan/plan.h"
#include "util/strv.h"
#include "util/exit_code.h"

/* What the bwrap backend asks of bwrap (bwrap_argv.c), as process options:
 * a new user namespace also as root, pid and ipc namespaces, a network
 * namespace unless the network is on, a new session, death with cordon,
 * no capabilities, no inherited descriptors. */
static void process_for_plan(const struct mount_plan *plan, struct sandbox_process *ret)
{
	sandbox_process_init(ret);
	ret->unshare_user = true;
	ret->unshare_pid = true;
	ret->unshare_ipc = true;
	ret->unshare_net = plan->unshare_net;
	ret->new_session = true;
	ret->die_with_parent = true;
	ret->caps_set = true;
	ret->caps = 0;
}

struct attach_ctx {
	struct builtin_child *child;
	const struct sandbox_network_hooks *hooks;
	struct error *reterr;
};

/* The namespaces exist (the child was cloned with them): attach the
 * network proxy, then let the command, which waits on a pipe, exec. On
 * failure supervise_wait() kills the sandbox, and the pipe's end-of-file
 * stops the command before it starts. */
static int attach_then_release(void *userdata, pid_t pid)
{
	struct attach_ctx *c = userdata;
	int r = 0;

	if (c->hooks && c->hooks->attach)
		r = c->hooks->attach(c->hooks->userdata, pid, c->reterr);
	if (r < 0)
		return r;
	return builtin_release(c->child);
}

struct outcome {
	struct supervise_result res;
	bool setup_failed;
	bool proc_failed; /* setup failed at the /proc op */
	struct setup_report report;
	char message[1024];
};

static int launch_once(const struct mount_plan *plan, const struct sandbox_request *req,
		       struct outcome *out, struct error *reterr)
{
	struct seccomp_options so = {
		.deny_inet = plan->deny_inet,
		.restrict_extras = plan->restrict_extras,
	};
	struct sandbox_process proc;
	struct builtin_child child = { .pid = -1, .report_fd = -1, .status_fd = -1,
				       .release_fd = -1, .setup_release_fd = -1,
				       .netns_helper = -1 };
	bool hold = req->network && req->network->attach;
	struct attach_ctx ctx = { .child = &child, .hooks = req->network, .reterr = reterr };
	int r;

	process_for_plan(plan, &proc);
	struct builtin_spec spec = {
		.plan = plan,
		.proc = &proc,
		.argv = req->command,
		.seccomp = &so,
		.canonical_paths = true,
		.hold_command = hold,
		.report_exit = true,
		.command_group = true,
		.parallel_netns = true,
	};
	r = builtin_spawn(&spec, &child, reterr);
	if (r < 0) {
		sandbox_process_done(&proc);
		return r;
	}
	/* The child builds the sandbox meanwhile (see bwrap_launch.c). */
	host_trash_empty(HOST_TRASH_SWEEP_MAX);

	struct supervise_request sreq = {
		.pid = child.pid,
		/* Init writes the command's status there as it exits; the
		 * namespaces' teardown that follows is nothing to wait for
		 * (what is left in them is already being killed). */
		.status_fd = child.status_fd,
		.exit_code_ends = true,
		.timeout = req->timeout,
		/* The child is the sandbox's init: supervise signals its
		 * children (the command), or itself, which passes them on. */
		.init_pid = child.pid,
		.own_pid_namespace = true,
		.on_started = hold ? attach_then_release : NULL,
		.userdata = &ctx,
	};
	r = supervise_wait(&sreq, &out->res);
	supervise_restore_signals();
	if (r < 0) {
		(void)kill(child.pid, SIGKILL);
		(void)waitpid(child.pid, NULL, 0);
		if (!error_is_set(reterr))
			error_setf_errno(reterr, r, NULL, 0, 0, "supervising the sandbox: %s",
					 strerror(-r));
	} else if (builtin_collect(&child, &out->report) > 0) {
		out->setup_failed = true;
		out->proc_failed = builtin_report_is_proc(&child, &out->report);
		builtin_describe(&child, &out->report, out->message, sizeof(out->message));
	}
	builtin_child_done(&child);
	sandbox_process_done(&proc);
	return r;
}

int backend_builtin_run(const struct sandbox_request *req, int *ret_status, struct error *reterr)
{
	_cleanup_mount_plan_free_ struct mount_plan *plan = NULL;
	struct host_targets *targets = NULL;
	struct outcome out = {};
	int r;

	/* The very plan the bwrap backend serialises. */
	r = backend_plan_and_hold(req, &plan, &targets, reterr);
	if (r < 0)
		return r;

	r = launch_once(plan, req, &out, reterr);
	/* Some containers refuse a fresh /proc. The command has not started
	 * (the child stops at the /proc op), so one retry without /proc
	 * cannot run it twice; the host's /proc is hidden, never shown
	 * (plan.c). */
	if (r >= 0 && out.proc_failed && !out.res.timed_out && plan->proc) {
		struct sandbox_request again = *req;
		again.no_proc = true;
		mount_plan_free(TAKE_PTR(plan));
		r = backend_bwrap_plan(&again, &plan, reterr);
		if (r >= 0) {
			fprintf(stderr, "cordon: warning: the sandbox could not be set up with a "
					"fresh /proc (%s); retrying without /proc\n",
				strerror(out.report.error));
			out = (struct outcome){};
			r = launch_once(plan, &again, &out, reterr);
		}
	}
	host_targets_release(targets);
	if (r < 0)
		return r;

	if (out.res.timed_out) {
		*ret_status = backend_timed_out(req);
		return 0;
	}
	if (out.setup_failed) {
		/* The command could not be executed inside: the statuses a
		 * shell gives (DESIGN.md §6), not a setup failure. */
		if (out.report.step == SETUP_STEP_EXEC) {
			fprintf(stderr, "cordon: %s\n", out.message);
			*ret_status = out.report.error == ENOENT ? 127 : 126;
			return 0;
		}
		/* Nothing ran: `auto` may try the next backend. */
		return error_setf_errno(reterr, -BACKEND_ENOTSTARTED, NULL, 0, 0,
					"builtin sandbox: %s", out.message);
	}
	*ret_status = exit_code_of(out.res.wait_status);
	return 0;
}
