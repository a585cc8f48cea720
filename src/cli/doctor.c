/* `cordon doctor [--json]`: what this machine lets cordon do, why, and how
 * to fix what is missing; which backend `cordon run` would pick for the
 * selected profile (the default one without -p). Unlike `run`, doctor may
 * take its time: it launches a test sandbox with bwrap and mounts a /proc
 * in a scratch pid namespace. Exit 0 when some backend can enforce the
 * profile, 1 otherwise (125 for bad options). The JSON schema is in
 * README.md ("cordon doctor"). */
#include <jansson.h>
#include <sys/wait.h>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/select.h"
#include "linux/backend.h"
#include "linux/landlock_ruleset.h"
#include "linux/probe.h"
#include "plan/landlock_plan.h"
#include "util/fs.h"
#include "util/strv.h"

/* The bwrap options cordon's argv uses (bwrap_argv.c); an older bwrap
 * without one of them cannot run cordon's sandbox. */
static const char *const bwrap_options[] = {
	"--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent",
	"--new-session", "--cap-drop", "--json-status-fd", "--seccomp", "--block-fd", "--ro-bind",
	"--bind", "--dev", "--dev-bind", "--proc", "--tmpfs", "--perms", "--ro-bind-data",
	"--remount-ro", "--symlink", "--chdir", "--setenv",
};

enum sandbox_test {
	SANDBOX_NOT_RUN,
	SANDBOX_OK,
	SANDBOX_OK_WITHOUT_PROC,
	SANDBOX_FAILED,
};

static const char *const sandbox_test_names[] = {
	[SANDBOX_NOT_RUN] = NULL,
	[SANDBOX_OK] = "ok",
	[SANDBOX_OK_WITHOUT_PROC] = "ok_without_proc",
	[SANDBOX_FAILED] = "failed",
};

struct doctor {
	/* bwrap */
	char *bwrap;
	char *bwrap_version;
	bool bwrap_setuid;
	char **bwrap_missing;
	enum sandbox_test sandbox;
	char *sandbox_error;

	struct userns_status userns;
	int proc_mount; /* 0 or -errno */
	const char *proc_step;

	int landlock_abi; /* >= 1, or -errno */

	struct seccomp_facts seccomp;
	enum wsl_version wsl;

	/* the backend choice */
	char *profile;
	char *policy_error;
	const char *requested;
	struct backend_verdict verdicts[BACKEND_AUTO_STEPS];
	size_t n_verdicts;
	int selected; /* enum backend_kind, or -1 */
};

static char *first_line(const char *s)
{
	return xstrndup(s, strcspn(s, "\n"));
}

/* A sandbox like cordon's, with nothing mounted but / read-only: does
 * bwrap get its namespaces and mounts here, with a fresh /proc or not? */
static void test_bwrap(struct doctor *d)
{
	char *argv_proc[] = { d->bwrap, "--unshare-user", "--unshare-pid", "--unshare-net",
			      "--unshare-ipc", "--die-with-parent", "--new-session", "--cap-drop",
			      "ALL", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
			      "--", "true", NULL };
	char *argv_noproc[ELEMENTSOF(argv_proc)];
	_cleanup_free_ char *out = NULL;
	int status = 0;
	size_t k = 0;

	if (probe_run(argv_proc, &out, &status) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0) {
		d->sandbox = SANDBOX_OK;
		return;
	}
	d->sandbox_error = out ? first_line(out) : xstrdup("bwrap could not be started");
	for (size_t i = 0; argv_proc[i]; i++) {
		if (streq(argv_proc[i], "--proc")) {
			i++;
			continue;
		}
		argv_noproc[k++] = argv_proc[i];
	}
	argv_noproc[k] = NULL;
	free(TAKE_PTR(out));
	if (probe_run(argv_noproc, &out, &status) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		d->sandbox = SANDBOX_OK_WITHOUT_PROC;
	else
		d->sandbox = SANDBOX_FAILED;
}

static void probe_bwrap(struct doctor *d, char *const *untrusted)
{
	_cleanup_free_ char *out = NULL;
	int status;

	if (backend_bwrap_find(untrusted, &d->bwrap, NULL) < 0)
		return;
	d->bwrap_setuid = probe_setuid_root(d->bwrap);
	char *version[] = { d->bwrap, "--version", NULL };
	if (probe_run(version, &out, &status) == 0)
		d->bwrap_version = first_line(out);
	free(TAKE_PTR(out));
	char *help[] = { d->bwrap, "--help", NULL };
	if (probe_run(help, &out, &status) == 0)
		for (size_t i = 0; i < ELEMENTSOF(bwrap_options); i++) {
			_cleanup_free_ char *word = xasprintf("%s ", bwrap_options[i]);
			if (!strstr(out, word))
				strv_push(&d->bwrap_missing, bwrap_options[i]);
		}
	test_bwrap(d);
}

/* Auto's own checks, then what only a real launch shows: a bwrap that
 * cannot set up a sandbox here makes `run` move on to the next backend. */
static void choose_backend(struct doctor *d, const struct cli_options *o,
			   const struct sandbox_request *req)
{
	enum backend_kind want = o->backend ? backend_kind_from_string(o->backend) : BACKEND_AUTO;

	d->requested = backend_kind_to_string(want);
	d->n_verdicts = backend_auto_check(req, d->verdicts, ELEMENTSOF(d->verdicts));
	d->selected = -1;
	for (size_t i = 0; i < d->n_verdicts; i++) {
		struct backend_verdict *v = &d->verdicts[i];
		if (v->kind == BACKEND_BWRAP && v->usable && d->sandbox == SANDBOX_FAILED) {
			v->usable = false;
			v->why = xasprintf("bwrap cannot set up a sandbox here: %s",
					   d->sandbox_error ? d->sandbox_error : "failed");
		} else if (v->kind == BACKEND_BWRAP && v->usable && d->bwrap_missing) {
			v->usable = false;
			v->why = xasprintf("%s lacks options cordon uses (%s...); install a newer "
					   "bubblewrap",
					   d->bwrap, d->bwrap_missing[0]);
		}
		if (v->usable && d->selected < 0 && (want == BACKEND_AUTO || want == v->kind))
			d->selected = (int)v->kind;
	}
}

static void doctor_gather(struct doctor *d, const struct cli_options *o)
{
	_cleanup_policy_free_ struct policy *policy = NULL;
	_cleanup_strv_free_ char **untrusted = NULL;
	_cleanup_free_ char *rg = NULL;
	struct error err = {};

	d->selected = -1;
	d->landlock_abi = landlock_abi_probe();
	probe_seccomp(&d->seccomp);
	d->wsl = probe_wsl();
	probe_userns(&d->userns);
	d->proc_mount = probe_proc_mount(&d->proc_step);

	if (cli_select_policy(o, &policy, &err) < 0) {
		char buf[1024];
		error_format(&err, buf, sizeof(buf));
		d->policy_error = xstrdup(buf);
		error_clear(&err);
		char *cwd = getcwd(NULL, 0);
		if (cwd)
			strv_consume(&untrusted, cwd);
		probe_bwrap(d, untrusted);
		return;
	}
	d->profile = xstrdup(policy->profile_name);
	untrusted = cli_untrusted_dirs(policy);
	probe_bwrap(d, untrusted);
	(void)find_program("rg", untrusted, &rg);

	struct sandbox_request req;
	cli_sandbox_request(o, policy, untrusted, rg, &req);
	choose_backend(d, o, &req);
}

static void doctor_done(struct doctor *d)
{
	free(d->bwrap);
	free(d->bwrap_version);
	strv_free(d->bwrap_missing);
	free(d->sandbox_error);
	userns_status_done(&d->userns);
	free(d->profile);
	free(d->policy_error);
	for (size_t i = 0; i < d->n_verdicts; i++)
		free(d->verdicts[i].why);
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_text(const struct doctor *d)
{
	/* bwrap */
	if (!d->bwrap) {
		printf("bwrap: not found on PATH (outside the workspace); fix: apt-get install "
		       "bubblewrap\n");
	} else {
		printf("bwrap: %s\n", d->bwrap);
		printf("bwrap version: %s\n", d->bwrap_version ? d->bwrap_version : "unknown");
		printf("bwrap set-user-ID root: %s\n", yes_no(d->bwrap_setuid));
		if (d->bwrap_missing) {
			printf("bwrap options cordon needs, missing:");
			STRV_FOREACH (m, d->bwrap_missing)
				printf(" %s", *m);
			printf("\n");
		} else {
			printf("bwrap options cordon needs: all present\n");
		}
		switch (d->sandbox) {
		case SANDBOX_OK:
			printf("bwrap sandbox: works\n");
			break;
		case SANDBOX_OK_WITHOUT_PROC:
			printf("bwrap sandbox: works only without a fresh /proc (%s)\n",
			       d->sandbox_error);
			break;
		default:
			printf("bwrap sandbox: fails: %s\n", d->sandbox_error);
			break;
		}
	}

	/* namespaces */
	if (d->userns.cause == USERNS_OK)
		printf("user namespaces: work\n");
	else
		printf("user namespaces: refused: %s\n", d->userns.message);
	if (d->userns.fix)
		printf("user namespaces fix: %s\n", d->userns.fix);
	if (d->proc_mount == 0)
		printf("/proc in a new user and pid namespace: can be mounted\n");
	else if (d->userns.cause != USERNS_OK)
		printf("/proc in a new user and pid namespace: not tested (no user namespace)\n");
	else
		printf("/proc in a new user and pid namespace: cannot be mounted (%s: %s); the "
		       "namespace backends run without /proc\n",
		       d->proc_step ? d->proc_step : "probe", strerror(-d->proc_mount));

	/* Landlock */
	if (d->landlock_abi > 0)
		printf("landlock: ABI %d\n", d->landlock_abi);
	else
		printf("landlock: unavailable: %s\n", landlock_abi_error(d->landlock_abi));
	for (size_t i = 0; i < landlock_n_features; i++) {
		const struct landlock_feature *f = &landlock_features[i];
		printf("landlock ABI %u (Linux %s): %s: %s\n", f->abi, f->kernel, f->adds,
		       d->landlock_abi >= (int)f->abi ? "yes" : "no");
	}

	/* seccomp, WSL */
	if (!d->seccomp.available)
		printf("seccomp: unavailable (the kernel has no CONFIG_SECCOMP_FILTER)\n");
	else if (d->seccomp.mode == 2)
		printf("seccomp: available; cordon already runs under %u filter(s) (a container "
		       "or another sandbox)\n",
		       d->seccomp.filters);
	else
		printf("seccomp: available; cordon is not under a filter\n");
	printf("wsl: %s\n", d->wsl == WSL_1 ? "WSL1" : d->wsl == WSL_2 ? "WSL2" : "no");

	/* the choice */
	if (d->policy_error) {
		printf("profile: cannot be resolved: %s\n", d->policy_error);
		printf("cordon run would use: nothing\n");
		return;
	}
	printf("profile: %s\n", d->profile);
	for (size_t i = 0; i < d->n_verdicts; i++) {
		const struct backend_verdict *v = &d->verdicts[i];
		printf("backend %s: %s%s\n", backend_kind_to_string(v->kind),
		       v->usable ? "usable" : "not usable: ", v->usable ? "" : v->why);
	}
	if (d->selected >= 0)
		printf("cordon run would use: %s (--backend %s)\n",
		       backend_kind_to_string((enum backend_kind)d->selected), d->requested);
	else
		printf("cordon run would use: nothing: no backend can enforce profile %s here "
		       "(--backend %s)\n",
		       d->profile, d->requested);
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void print_json(const struct doctor *d)
{
	json_t *root = json_object();
	json_t *missing = json_array();

	STRV_FOREACH (m, d->bwrap_missing)
		json_array_append_new(missing, json_string(*m));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(
		root, "bwrap",
		json_pack("{s:o, s:o, s:b, s:o, s:o, s:o}", "path", json_str_or_null(d->bwrap),
			  "version", json_str_or_null(d->bwrap_version), "setuid", d->bwrap_setuid,
			  "missing_options", missing, "sandbox",
			  json_str_or_null(sandbox_test_names[d->sandbox]), "error",
			  json_str_or_null(d->sandbox == SANDBOX_OK ? NULL : d->sandbox_error)));
	json_object_set_new(root, "user_namespaces",
			    json_pack("{s:b, s:s, s:o, s:o}", "usable",
				      d->userns.cause == USERNS_OK, "cause",
				      userns_cause_to_string(d->userns.cause), "message",
				      json_str_or_null(d->userns.message), "fix",
				      json_str_or_null(d->userns.fix)));
	_cleanup_free_ char *proc_error =
		d->proc_mount == 0 ? NULL
				   : xasprintf("%s: %s", d->proc_step ? d->proc_step : "probe",
					       strerror(-d->proc_mount));
	json_object_set_new(root, "proc_mount",
			    json_pack("{s:b, s:o}", "usable", d->proc_mount == 0, "error",
				      json_str_or_null(proc_error)));

	json_t *features = json_array();
	for (size_t i = 0; i < landlock_n_features; i++) {
		const struct landlock_feature *f = &landlock_features[i];
		json_array_append_new(features,
				      json_pack("{s:i, s:s, s:s, s:s, s:b}", "abi", (int)f->abi,
						"name", f->name, "kernel", f->kernel, "adds",
						f->adds, "available",
						d->landlock_abi >= (int)f->abi));
	}
	json_object_set_new(
		root, "landlock",
		json_pack("{s:o, s:o, s:o}", "abi",
			  d->landlock_abi > 0 ? json_integer(d->landlock_abi) : json_null(), "error",
			  json_str_or_null(d->landlock_abi > 0 ? NULL
							       : landlock_abi_error(d->landlock_abi)),
			  "features", features));
	json_object_set_new(root, "seccomp",
			    json_pack("{s:b, s:i, s:i}", "available", d->seccomp.available, "mode",
				      d->seccomp.mode, "filters", (int)d->seccomp.filters));
	json_object_set_new(root, "wsl",
			    d->wsl == WSL_NONE ? json_null() : json_integer(d->wsl == WSL_1 ? 1 : 2));

	json_t *steps = json_array();
	for (size_t i = 0; i < d->n_verdicts; i++) {
		const struct backend_verdict *v = &d->verdicts[i];
		json_array_append_new(steps,
				      json_pack("{s:s, s:b, s:o}", "backend",
						backend_kind_to_string(v->kind), "usable", v->usable,
						"reason", json_str_or_null(v->usable ? NULL : v->why)));
	}
	json_object_set_new(
		root, "backend",
		json_pack("{s:o, s:o, s:o, s:o, s:o}", "profile", json_str_or_null(d->profile),
			  "requested", json_str_or_null(d->requested), "selected",
			  d->selected >= 0 ? json_string(backend_kind_to_string(
						     (enum backend_kind)d->selected))
					   : json_null(),
			  "error", json_str_or_null(d->policy_error), "steps", steps));

	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
}

int cmd_doctor(const struct cli_options *o)
{
	struct doctor d = {};

	doctor_gather(&d, o);
	if (o->format == FORMAT_JSON)
		print_json(&d);
	else
		print_text(&d);
	int status = d.selected >= 0 ? 0 : 1;
	doctor_done(&d);
	return status;
}
