/* `cordon run`: select the profile, hand it to a backend, pass the
 * command's exit status on. */
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/select.h"
#include "linux/backend.h"
#ifdef __APPLE__
#include "macos/seatbelt.h"
#endif
#include "plan/command.h"
#include "util/fs.h"
#include "util/strv.h"

char **cli_untrusted_dirs(const struct policy *p)
{
	char **v = strv_copy(p->workspace_roots);

	if (!strv_contains(v, p->cwd))
		strv_push(&v, p->cwd);
	return v;
}

void cli_sandbox_request(const struct cli_options *o, const struct policy *policy,
			 char *const *untrusted, char *ripgrep, struct sandbox_request *ret)
{
	*ret = (struct sandbox_request){
		.policy = policy,
		.command = o->args,
		.timeout = o->timeout,
		.no_proc = o->no_proc,
		.allow_weaker = o->allow_weaker,
		.ripgrep = ripgrep,
		.untrusted_dirs = untrusted,
	};
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

static bool has_glob(const struct policy *p)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].glob)
			return true;
	return false;
}

static int exec_directly(char *const *command)
{
	execvp(command[0], command);
	int e = errno;
	fprintf(stderr, "cordon: %s: %s\n", command[0], strerror(e));
	return e == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXEC;
}

/* The launchers cannot tell "not found" from a setup failure, so the
 * command is looked up first, as the sandbox will see it. */
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

int cmd_run(const struct cli_options *o)
{
	_cleanup_policy_free_ struct policy *policy = NULL;
	_cleanup_strv_free_ char **untrusted = NULL;
	_cleanup_free_ char *rg = NULL;
	struct sandbox_request req;
	struct run_proxy proxy = { .approver_pid = -1 };
	struct error err = {};
	int status = EXIT_CORDON;
	int r;

	r = cli_select_policy(o, &policy, &err);
	if (r < 0)
		return cli_fail(&err);
	cli_print_warnings(policy->warnings);

	if (needs_no_sandbox(policy))
		return exec_directly(o->args);
	r = locate_command(policy, o->args);
	if (r != 0)
		return r;

	untrusted = cli_untrusted_dirs(policy);
	/* ripgrep only expands deny globs; looking it up walks PATH. */
	if (has_glob(policy))
		(void)find_program("rg", untrusted, &rg);
	cli_sandbox_request(o, policy, untrusted, rg, &req);

	if (policy->network.mode == NETWORK_PROXY) {
		r = run_proxy_setup(o, policy, &proxy, &err);
		if (r < 0)
			return cli_fail(&err);
		req.network = &proxy.hooks;
	} else if (o->approver || o->approver_fd >= 0 || o->approver_cmd || o->events_file) {
		fprintf(stderr, "cordon: warning: --approver*, --events: the network is not in "
				"proxy mode; nothing will be asked or logged\n");
	}

#ifdef __APPLE__
	/* macOS has one sandbox: Seatbelt, through /usr/bin/sandbox-exec. */
	if (o->backend && !streq(o->backend, "auto"))
		r = error_setf(&err, NULL, 0, 0,
			       "--backend %s: not available on macOS (cordon uses Seatbelt)",
			       o->backend);
	else
		r = seatbelt_run(&req, &status, &err);
#else
	enum backend_kind kind = o->backend ? backend_kind_from_string(o->backend) : BACKEND_AUTO;
	switch (kind) {
	case BACKEND_AUTO:
		r = backend_auto_run(&req, &status, &err);
		break;
	case BACKEND_BWRAP:
		r = backend_bwrap_run(&req, &status, &err);
		break;
	case BACKEND_LANDLOCK:
		r = backend_landlock_run(&req, &status, &err);
		break;
	case BACKEND_BUILTIN:
		r = backend_builtin_run(&req, &status, &err);
		break;
	default:
		r = error_setf(&err, NULL, 0, 0, "--backend %s: not available on this build",
			       o->backend);
		break;
	}
#endif
	/* The proxy goes with the command: its connections came from the
	 * sandbox, which no longer exists. */
	run_proxy_done(&proxy);
	if (r < 0)
		return cli_fail(&err);
	return status;
}
