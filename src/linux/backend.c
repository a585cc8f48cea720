#include "linux/backend.h"
#include "linux/host_targets.h"
#include "plan/plan.h"
#include "util/strv.h"

static const char *const backend_names[_BACKEND_MAX] = {
	[BACKEND_AUTO] = "auto",
	[BACKEND_BWRAP] = "bwrap",
	[BACKEND_BUILTIN] = "builtin",
	[BACKEND_LANDLOCK] = "landlock",
};

const char *backend_kind_to_string(enum backend_kind k)
{
	return k >= 0 && k < _BACKEND_MAX ? backend_names[k] : "invalid";
}

enum backend_kind backend_kind_from_string(const char *s)
{
	for (int i = 0; s && i < _BACKEND_MAX; i++)
		if (streq(s, backend_names[i]))
			return (enum backend_kind)i;
	return _BACKEND_INVALID;
}

void backend_print_warnings(const struct mount_plan *plan)
{
	STRV_FOREACH (w, plan->warnings)
		fprintf(stderr, "cordon: warning: %s\n", *w);
}

int backend_plan_and_hold(const struct sandbox_request *req, struct mount_plan **ret_plan,
			  struct host_targets **ret_targets, struct error *reterr)
{
	_cleanup_mount_plan_free_ struct mount_plan *plan = NULL;
	int r;

	r = backend_bwrap_plan(req, &plan, reterr);
	if (r < 0)
		return r;
	backend_print_warnings(plan);
	r = host_targets_acquire(plan, ret_targets, reterr);
	if (r < 0)
		return r;
	*ret_plan = TAKE_PTR(plan);
	return 0;
}

int backend_timed_out(const struct sandbox_request *req)
{
	fprintf(stderr, "cordon: timeout: killed the sandbox after %gs\n", req->timeout);
	return 124;
}
