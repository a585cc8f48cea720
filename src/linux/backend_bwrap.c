/* The bwrap backend: the mount plan as bwrap argv, run by the system bwrap
 * (never one found inside the workspace), supervised by cordon. */
#include <sys/wait.h>

#include "linux/backend.h"
#include "linux/bwrap_launch.h"
#include "linux/host_targets.h"
#include "linux/host_trash.h"
#include "plan/plan.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/exit_code.h"

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

/* Launches bwrap once. PENDING, when set, holds the registry lock and
 * still has the placeholders to make: they are made while bwrap starts
 * (its exec and its namespaces take milliseconds, placeholders tens of
 * microseconds each, more where deleting a directory waits for the disk),
 * and the command, which waits on --block-fd, is let go only once they are
 * recorded. bwrap makes a mount point that is not there yet itself;
 * host_targets.c takes such a directory as a placeholder. */
static int launch_once(const char *bwrap, const struct mount_plan *plan,
		       const struct sandbox_request *req, struct host_targets *pending,
		       struct supervise_result *res, struct error *reterr)
{
	struct bwrap_launch l = {};
	struct attach_ctx ctx = { .hooks = req->network, .reterr = reterr };
	bool attach = req->network && req->network->attach;
	int r;

	r = bwrap_launch_prepare(bwrap, plan, req->command, bwrap_launch_blocks(plan, attach),
				 &l, reterr);
	if (r >= 0)
		r = bwrap_launch_start(&l, reterr);
	if (r < 0) {
		bwrap_launch_done(&l);
		return r;
	}
	if (pending)
		r = host_targets_finish(pending, plan, reterr);
	if (r >= 0 && !attach)
		r = bwrap_launch_unblock(&l);
	if (r < 0) {
		bwrap_launch_kill(&l);
		bwrap_launch_done(&l);
		if (!error_is_set(reterr))
			error_setf_errno(reterr, r, NULL, 0, 0, "cannot start bwrap: %s",
					 strerror(-r));
		return r;
	}
	/* Earlier runs' placeholders are deleted meanwhile (host_trash.h). */
	host_trash_empty(HOST_TRASH_SWEEP_MAX);
	r = bwrap_launch_wait(&l, req->timeout, attach ? attach_network : NULL, &ctx, res, reterr);
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

	if (req->bwrap)
		bwrap = xstrdup(req->bwrap);
	else if ((r = backend_bwrap_find(req->untrusted_dirs, &bwrap, reterr)) < 0)
		return r;
	r = backend_bwrap_plan(req, &plan, reterr);
	if (r < 0)
		return r;
	backend_print_warnings(plan);
	r = host_targets_begin(plan, &targets, reterr);
	/* Without placeholders to make, only other runs' orphans to sweep:
	 * done first, so that the command need not wait for it (and
	 * `explain --format bwrap` knows when it does). */
	if (r >= 0 && plan->n_targets == 0)
		r = host_targets_finish(targets, plan, reterr);
	if (r >= 0)
		r = launch_once(bwrap, plan, req, plan->n_targets ? targets : NULL, &res, reterr);
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
			r = launch_once(bwrap, plan, &again, NULL, &res, reterr);
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
	*ret_status = exit_code_of(res.wait_status);
	return 0;
}
