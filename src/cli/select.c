#include "cli/select.h"
#include "config/config.h"
#ifdef __linux__
#include "linux/state_dir.h"
#endif
#include "plan/host_sockets.h"
#include "plan/resolve.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "util/strv.h"

static char *current_dir(void)
{
	char *cwd = getcwd(NULL, 0);

	/* getcwd fails when the directory was removed under us; the sandbox
	 * cannot start there, and resolve reports it. */
	return cwd;
}

int cli_select_policy(const struct cli_options *o, struct policy **ret, struct error *reterr)
{
	_cleanup_profile_free_ struct profile *profile = NULL;
	_cleanup_strv_free_ char **warnings = NULL;
	_cleanup_free_ char *cwd = NULL;
	struct config_request req = {
		.no_home_config = o->no_home_config,
		.config_files = o->config_files,
		.overrides = o->overrides,
		.policy_json = o->policy_json,
		.profile_name = o->profile_name,
	};
	int r;

	r = config_load(&req, &profile, &warnings, reterr);
	if (r < 0)
		return r;

	/* CLI flags come last: they override every config source. */
	if (o->network >= 0) {
		profile->network.mode = (enum network_mode)o->network;
		profile->set |= PROFILE_SET_NETWORK_MODE;
	}
	if (o->allow_weaker)
		profile->landlock_ignore_carveouts = true;

	if (o->cd)
		cwd = xstrdup(o->cd);
	else if (!(cwd = current_dir()))
		return error_setf_errno(reterr, -errno, NULL, 0, 0,
					"cannot determine the current directory: %m");

	const char *tmpdir = getenv("TMPDIR");
	struct resolve_env env = {
		.home = getenv("HOME"),
		.tmpdir = tmpdir,
		.cwd = cwd,
		.workspace_roots = o->workspaces,
	};
	struct policy *policy = NULL;
	r = policy_resolve(profile, &env, &policy, reterr);
	if (r < 0)
		return r;
	/* The state directory exists before the plan is made, so that the
	 * plan hides it: a sandbox that could create it could plant a
	 * registry or a cache for the next run to trust. */
	_cleanup_free_ char *state = NULL, *cache = NULL;
#ifdef __linux__
	if (state_dir_get(&state) >= 0)
		cache = xasprintf("%s/host-sockets.cache", state);
#endif
	/* The landlock backend refuses socket(AF_UNIX) whenever the
	 * filesystem is restricted: there only sockets the command could
	 * unlink or replace need hiding, and a read-only profile needs no
	 * scan at all. auto may end there too, but decides later. */
	bool landlock = o->backend && streq(o->backend, "landlock");
	policy_hide_host(policy, cache, landlock ? HOST_HIDE_WRITABLE : HOST_HIDE_VISIBLE);

	/* Config warnings first: they come from an earlier stage. */
	STRV_FOREACH (w, policy->warnings)
		strv_push(&warnings, *w);
	strv_free(policy->warnings);
	policy->warnings = TAKE_PTR(warnings);
	*ret = policy;
	return 0;
}

void cli_print_warnings(char *const *warnings)
{
	STRV_FOREACH (w, warnings)
		fprintf(stderr, "cordon: warning: %s\n", *w);
}

int cli_fail(const struct error *e)
{
	char buf[1024];

	error_format(e, buf, sizeof(buf));
	fprintf(stderr, "cordon: %s\n", buf);
	return EXIT_CORDON;
}
