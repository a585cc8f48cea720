/* The bwrap backend: the mount plan as bwrap argv, run by the system bwrap
 * (never one found inside the workspace), supervised by cordon. */
#include <sys/wait.h>

#include "linux/backend.h"
#include "linux/bwrap_launch.h"
#include "linux/host_targets.h"
#include "plan/plan.h"
#include "util/fs.h"
#include "util/strv.h"

int backend_bwrap_find(char *const *untrusted_dirs, char **ret, struct error *reterr)
{
	if (find_program("bwrap", untrusted_dirs, ret) < 0)
		return error_setf_errno(reterr, -ENOENT, NULL, 0, 0,
					"no usable bwrap on PATH (outside the workspace); install "
					"bubblewrap (apt-get install bubblewrap)");
	return 0;
}

int backend_bwrap_plan(const struct sandbox_request *req, struct mount_plan **ret,
		       struct error *reterr)
{
	struct plan_options po = {
		.no_proc = req->no_proc,
		.ripgrep = req->ripgrep,
		.max_glob_matches = PLAN_DEFAULT_MAX_GLOB_MATCHES,
	};
	struct mount_plan *m = NULL;
	int r = plan_build(req->policy, &po, &m, reterr);

	if (r < 0)
		return r;
	if (req->network)
		STRV_FOREACH (e, req->network->setenv)
			strv_push(&m->setenv, *e);
	*ret = m;
	return 0;
}

struct attach_ctx {
	const struct sandbox_network_hooks *hooks;
	struct error *reterr;
};

static int attach_network(void *userdata, pid_t pid)
{
	struct attach_ctx *c = userdata;

	return c->hooks->attach(c->hooks->userdata, pid, c->reterr);
}

static int launch_once(const char *bwrap, const struct mount_plan *plan,
		       const struct sandbox_request *req, struct supervise_result *res,
		       struct error *reterr)
{
	struct bwrap_launch l = {};
	struct attach_ctx ctx = { .hooks = req->network, .reterr = reterr };
	bool block = req->network && req->network->attach;
	int r;

	r = bwrap_launch_prepare(bwrap, plan, req->command, block, &l, reterr);
	if (r >= 0)
		r = bwrap_launch_run(&l, req->timeout, block ? attach_network : NULL, &ctx, res,
				     reterr);
	bwrap_launch_done(&l);
	return r;
}

static bool not_started(const struct supervise_result *res)
{
	return !res->command_started && !res->timed_out && WIFEXITED(res->wait_status);
}

int backend_bwrap_run(const struct sandbox_request *req, int *ret_status, struct error *reterr)
{
	_cleanup_mount_plan_free_ struct mount_plan *plan = NULL;
	_cleanup_free_ char *bwrap = NULL;
	struct host_targets *targets = NULL;
	struct supervise_result res = {};
	int r;

	r = backend_bwrap_find(req->untrusted_dirs, &bwrap, reterr);
	if (r < 0)
		return r;
	r = backend_plan_and_hold(req, &plan, &targets, reterr);
	if (r < 0)
		return r;

	r = launch_once(bwrap, plan, req, &res, reterr);
	/* bwrap reports "exit-code" only once the command was exec'd; without
	 * it, and with bwrap exiting on its own (its setup errors exit 1),
	 * setup failed and the command never started, so one retry without
	 * /proc (which some containers refuse to mount) cannot run it twice.
	 * A bwrap killed by a signal (a second ^C, the OOM killer) may have
	 * had the command running: never retried. The host's /proc is never
	 * shown instead (see plan.c). */
	if (r >= 0 && not_started(&res) && plan->proc) {
		struct sandbox_request again = *req;
		again.no_proc = true;
		mount_plan_free(TAKE_PTR(plan));
		r = backend_bwrap_plan(&again, &plan, reterr);
		if (r >= 0) {
			fprintf(stderr, "cordon: warning: bwrap could not set up the sandbox (its "
					"message is above); retrying without /proc, which some "
					"containers refuse to mount\n");
			r = launch_once(bwrap, plan, &again, &res, reterr);
		}
	}
	host_targets_release(targets);
	if (r < 0)
		return r;

	if (res.timed_out) {
		*ret_status = backend_timed_out(req);
		return 0;
	}
	if (not_started(&res))
		return error_setf_errno(reterr, -BACKEND_ENOTSTARTED, NULL, 0, 0,
					"could not set up the sandbox (bwrap's message is above)");
	/* Otherwise bwrap was killed (a second ^C, the OOM killer), and the
	 * sandbox with it: a status like any killed command's. */
	*ret_status = supervise_exit_code(res.wait_status);
	return 0;
}
