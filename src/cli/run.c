/* `cordon run`: select the profile, plan the sandbox, launch the command in
 * it, and pass its exit status on. */
#include <sys/wait.h>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/select.h"
#include "linux/bwrap_launch.h"
#include "linux/host_targets.h"
#include "plan/command.h"
#include "plan/plan.h"
#include "util/fs.h"
#include "util/strv.h"

/* Places a planted binary would come from: `bwrap` or `rg` in the
 * workspace must never be what cordon executes. */
static char **untrusted_dirs(const struct policy *p)
{
	char **v = strv_copy(p->workspace_roots);

	if (!strv_contains(v, p->cwd))
		strv_push(&v, p->cwd);
	return v;
}

/* Nothing to confine: the whole filesystem writable, the host network, no
 * deny entries. Running it under a launcher would only cost time. */
static bool needs_no_sandbox(const struct policy *p)
{
	if (p->network.mode != NETWORK_ON)
		return false;
	if (p->fs_kind == FS_EXTERNAL)
		return true;
	if (p->fs_kind != FS_UNRESTRICTED)
		return false;
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].access != ACCESS_WRITE)
			return false;
	return true;
}

static int exec_directly(char *const *command)
{
	execvp(command[0], command);
	int e = errno;
	fprintf(stderr, "cordon: %s: %s\n", command[0], strerror(e));
	return e == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXEC;
}

static int locate_command(const struct policy *p, char *const *command)
{
	_cleanup_free_ char *found = NULL;
	int r = command_locate(p, command[0], getenv("PATH"), p->cwd, &found);

	if (r == -ENOENT) {
		fprintf(stderr, "cordon: %s: command not found in the sandbox\n", command[0]);
		return EXIT_NOT_FOUND;
	}
	if (r == -EACCES) {
		fprintf(stderr, "cordon: %s: permission denied (not executable)\n", command[0]);
		return EXIT_NOT_EXEC;
	}
	return 0;
}

int cli_plan_bwrap(const struct cli_options *o, const struct policy *policy, char **ret_bwrap,
		   struct mount_plan **ret_plan)
{
	_cleanup_strv_free_ char **untrusted = untrusted_dirs(policy);
	_cleanup_free_ char *bwrap = NULL, *rg = NULL;
	struct error err = {};
	int r;

	if (find_program("bwrap", untrusted, &bwrap) < 0) {
		fprintf(stderr, "cordon: no usable bwrap on PATH (outside the workspace); install "
				"bubblewrap (apt-get install bubblewrap)\n");
		return EXIT_CORDON;
	}
	(void)find_program("rg", untrusted, &rg);

	struct plan_options po = {
		.no_proc = o->no_proc,
		.ripgrep = rg,
		.max_glob_matches = PLAN_DEFAULT_MAX_GLOB_MATCHES,
	};
	r = plan_build(policy, &po, ret_plan, &err);
	if (r < 0)
		return cli_fail(&err);
	cli_print_warnings((*ret_plan)->warnings);
	*ret_bwrap = TAKE_PTR(bwrap);
	return 0;
}

static int run_bwrap(const struct cli_options *o, const struct policy *policy)
{
	_cleanup_mount_plan_free_ struct mount_plan *plan = NULL;
	_cleanup_free_ char *bwrap = NULL;
	struct error err = {};
	int r;

	r = cli_plan_bwrap(o, policy, &bwrap, &plan);
	if (r != 0)
		return r;

	r = locate_command(policy, o->args);
	if (r != 0)
		return r;

	struct host_targets *targets = NULL;
	r = host_targets_acquire(plan, &targets, &err);
	if (r < 0)
		return cli_fail(&err);

	struct supervise_result res = {};
	for (int attempt = 0;; attempt++) {
		struct bwrap_launch l = {};
		r = bwrap_launch_prepare(bwrap, plan, o->args, &l, &err);
		if (r >= 0)
			r = bwrap_launch_run(&l, o->timeout, &res, &err);
		bwrap_launch_done(&l);
		if (r < 0)
			break;
		/* bwrap reports "exit-code" only once the command was exec'd;
		 * without it, setup failed and the command never started, so
		 * one retry without /proc (which some containers refuse to
		 * mount) cannot run it twice. */
		if (res.command_started || res.timed_out || !plan->proc || attempt > 0)
			break;
		struct cli_options without_proc = *o;
		without_proc.no_proc = true;
		mount_plan_free(TAKE_PTR(plan));
		free(TAKE_PTR(bwrap));
		r = cli_plan_bwrap(&without_proc, policy, &bwrap, &plan);
		if (r != 0) {
			host_targets_release(targets);
			return r;
		}
		fprintf(stderr, "cordon: warning: the sandbox could not be set up with a fresh "
				"/proc; retrying without /proc\n");
	}
	host_targets_release(targets);
	if (r < 0)
		return cli_fail(&err);

	if (res.timed_out) {
		fprintf(stderr, "cordon: timeout: killed the sandbox after %gs\n", o->timeout);
		return EXIT_TIMEOUT;
	}
	if (!res.command_started) {
		fprintf(stderr, "cordon: bwrap could not set up the sandbox (see its message "
				"above)\n");
		return EXIT_CORDON;
	}
	return supervise_exit_code(res.wait_status);
}

int cmd_run(const struct cli_options *o)
{
	_cleanup_policy_free_ struct policy *policy = NULL;
	struct error err = {};
	int r;

	r = cli_select_policy(o, &policy, &err);
	if (r < 0)
		return cli_fail(&err);
	cli_print_warnings(policy->warnings);

	if (needs_no_sandbox(policy))
		return exec_directly(o->args);
	return run_bwrap(o, policy);
}
