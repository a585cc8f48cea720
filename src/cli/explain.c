/* `cordon explain`: shows every stage of the decision without running
 * anything: the resolved entries and warnings, or the access of given paths,
 * as text or JSON (schema in README.md). */
#include <jansson.h>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/select.h"
#include "linux/backend.h"
#include "linux/bwrap_launch.h"
#include "util/fs.h"
#include "linux/seccomp_filter.h"
#include "macos/seatbelt.h"
#include "util/strbuf.h"
#include "plan/canonical.h"
#include "util/path.h"
#include "util/strv.h"

static const char *const origin_names[_ORIGIN_MAX] = {
	[ORIGIN_PROFILE] = "profile",
	[ORIGIN_PROTECTED] = "protected",
	[ORIGIN_GITDIR] = "gitdir",
	[ORIGIN_HOST] = "host",
};

/* The path as the sandbox sees it: relative paths are taken from the
 * command's directory, and symlinks in existing prefixes are resolved,
 * because mounts are made on canonical paths. */
static int query_path(const struct policy *p, const char *given, char **ret)
{
	_cleanup_free_ char *abs = path_join(p->cwd, given);
	_cleanup_canonical_free_ struct canonical *c = NULL;
	int r;

	if (!abs)
		return -EINVAL;
	r = canonical_resolve(abs, &c);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c->path);
	return 0;
}

static void print_source(FILE *f, const struct policy_entry *e)
{
	if (e->where.file)
		fprintf(f, "  (%s:%u:%u)", e->where.file, e->where.line, e->where.column);
}

static void explain_text(const struct policy *p)
{
	printf("profile     %s\n", p->profile_name);
	printf("filesystem  %s\n", fs_kind_to_string(p->fs_kind));
	printf("network     %s", network_mode_to_string(p->network.mode));
	if (p->network.mode == NETWORK_PROXY)
		printf(" (approvals: %s)", approvals_to_string(p->network.approvals));
	printf("\n");
	printf("cwd         %s\n", p->cwd);
	STRV_FOREACH (w, p->workspace_roots)
		printf("workspace   %s\n", *w);
	printf("\nentries (nearest entry wins; at equal depth none > write > read; no entry: none)\n");
	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		printf("  %-5s  %s  [%s", access_to_string(e->access), e->path,
		       e->spec ? e->spec : origin_names[e->origin]);
		if (e->origin != ORIGIN_PROFILE)
			printf(", %s", origin_names[e->origin]);
		if (e->glob)
			printf(", glob");
		if (e->missing)
			printf(", missing: skipped");
		printf("]");
		print_source(stdout, e);
		printf("\n");
	}
	if (p->network.n_domains) {
		printf("\ndomains\n");
		for (size_t i = 0; i < p->network.n_domains; i++)
			printf("  %-5s  %s\n", p->network.domains[i].allow ? "allow" : "deny",
			       p->network.domains[i].pattern);
	}
}

static json_t *json_source(const struct source_location *w)
{
	if (!w->file)
		return json_null();
	return json_pack("{s:s, s:i, s:i}", "file", w->file, "line", (json_int_t)w->line,
			 "column", (json_int_t)w->column);
}

static json_t *json_strv(char *const *v)
{
	json_t *a = json_array();

	STRV_FOREACH (s, v)
		json_array_append_new(a, json_string(*s));
	return a;
}

static json_t *json_policy(const struct policy *p)
{
	json_t *entries = json_array();
	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		json_array_append_new(
			entries,
			json_pack("{s:s, s:s, s:s, s:s?, s:b, s:b, s:o}", "path", e->path, "access",
				  access_to_string(e->access), "origin", origin_names[e->origin],
				  "spec", e->spec, "glob", e->glob, "missing", e->missing, "source",
				  json_source(&e->where)));
	}
	json_t *domains = json_array();
	for (size_t i = 0; i < p->network.n_domains; i++)
		json_array_append_new(domains,
				      json_pack("{s:s, s:s}", "pattern", p->network.domains[i].pattern,
						"decision",
						p->network.domains[i].allow ? "allow" : "deny"));

	return json_pack(
		"{s:i, s:s, s:{s:s, s:s, s:o, s:o, s:o, s:i}, s:{s:s, s:s, s:b, s:b, s:o}, s:o}",
		"version", 1, "profile", p->profile_name, "filesystem", "kind",
		fs_kind_to_string(p->fs_kind), "cwd", p->cwd, "workspace_roots",
		json_strv(p->workspace_roots), "protected_names", json_strv(p->protected_names),
		"entries", entries, "glob_scan_max_depth", (json_int_t)p->glob_scan_max_depth,
		"network", "mode", network_mode_to_string(p->network.mode), "approvals",
		approvals_to_string(p->network.approvals), "allow_local_binding",
		p->network.allow_local_binding, "allow_udp", p->network.allow_udp, "domains",
		domains, "warnings", json_strv(p->warnings));
}

/* The exact bwrap command line `cordon run` would execute for the same
 * options in the same shell: the descriptors are really opened, in the
 * order run opens them, so their numbers are the ones run uses. */
static int explain_bwrap(const struct cli_options *o, const struct policy *policy)
{
	_cleanup_mount_plan_free_ struct mount_plan *plan = NULL;
	_cleanup_strv_free_ char **untrusted = cli_untrusted_dirs(policy);
	_cleanup_free_ char *bwrap = NULL, *rg = NULL;
	char *placeholder[] = { "COMMAND", NULL };
	struct sandbox_request req;
	struct bwrap_launch l = {};
	struct error err = {};
	struct strbuf out = {};
	int r;

	(void)find_program("rg", untrusted, &rg);
	cli_sandbox_request(o, policy, untrusted, rg, &req);
	req.command = o->args ? o->args : placeholder;
	r = backend_bwrap_find(untrusted, &bwrap, &err);
	if (r >= 0)
		r = backend_bwrap_plan(&req, &plan, &err);
	if (r >= 0) {
		cli_print_warnings(plan->warnings);
		r = bwrap_launch_prepare(bwrap, plan, req.command,
					 bwrap_launch_blocks(plan, false), &l, &err);
	}
	if (r < 0)
		return cli_fail(&err);
	for (char **a = l.argv; *a; a++) {
		if (a != l.argv)
			strbuf_putc(&out, ' ');
		strbuf_put_shell_quoted(&out, *a);
	}
	printf("%s\n", out.s);
	strbuf_free(&out);
	bwrap_launch_done(&l);
	return 0;
}

/* The mount plan as data: what each operation is for. */
static int explain_plan(const struct cli_options *o, const struct policy *policy)
{
	_cleanup_mount_plan_free_ struct mount_plan *plan = NULL;
	_cleanup_strv_free_ char **untrusted = cli_untrusted_dirs(policy);
	_cleanup_free_ char *rg = NULL;
	struct sandbox_request req;
	struct error err = {};

	(void)find_program("rg", untrusted, &rg);
	cli_sandbox_request(o, policy, untrusted, rg, &req);
	if (backend_bwrap_plan(&req, &plan, &err) < 0)
		return cli_fail(&err);
	cli_print_warnings(plan->warnings);
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct mount_op *op = &plan->ops[i];
		printf("%-11s %s", mount_op_type_to_string(op->type), op->dest);
		if (op->src && !streq(op->src, op->dest))
			printf(" <- %s", op->src);
		printf("   # %s\n", op->why);
	}
	for (size_t i = 0; i < plan->n_targets; i++)
		printf("placeholder %s   # created on the host for the run, removed after: %s\n",
		       plan->targets[i].path, plan->targets[i].why);
	printf("namespaces  user pid ipc%s; new session; no capabilities; NoNewPrivs\n",
	       plan->unshare_net ? " net" : "");
	printf("seccomp     %s%s\n", plan->deny_inet ? "only AF_UNIX sockets; " : "",
	       plan->restrict_extras ? "no vsock, io_uring, ptrace, process_vm_*" : "");
	printf("chdir       %s\n", plan->chdir);
	STRV_FOREACH (e, plan->setenv)
		printf("setenv      %s\n", *e);
	return fflush(stdout) == 0 ? 0 : EXIT_CORDON;
}

static int explain_seccomp_bpf(const struct policy *policy)
{
	struct seccomp_options so = {
		.deny_inet = policy->network.mode == NETWORK_OFF,
		.restrict_extras = policy->fs_kind == FS_RESTRICTED,
	};
	_cleanup_close_ int fd = -1;
	char buf[4096];
	ssize_t n;
	int r = seccomp_export_memfd(&so, &fd);

	if (r < 0) {
		fprintf(stderr, "cordon: cannot build the seccomp filter: %s\n", strerror(-r));
		return EXIT_CORDON;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return EXIT_CORDON;
	return fflush(stdout) == 0 ? 0 : EXIT_CORDON;
}

/* The macOS profile, on any platform: the sandbox-exec command line `run`
 * would execute there, as one shell command (see seatbelt_shell_command()). */
static int explain_seatbelt(const struct cli_options *o, const struct policy *policy)
{
	char *placeholder[] = { "COMMAND", NULL };
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = NULL;
	struct seatbelt_options so = {};
	struct error err = {};
	int r = seatbelt_profile_build(policy, &so, &sp, &err);

	if (r < 0)
		return cli_fail(&err);
	_cleanup_free_ char *cmd = seatbelt_shell_command(sp, o->args ? o->args : placeholder);
	fputs(cmd, stdout);
	return fflush(stdout) == 0 ? 0 : EXIT_CORDON;
}

int cmd_explain(const struct cli_options *o)
{
	_cleanup_policy_free_ struct policy *policy = NULL;
	struct error err = {};
	int r;

	r = cli_select_policy(o, &policy, &err);
	if (r < 0)
		return cli_fail(&err);
	cli_print_warnings(policy->warnings);
	if (o->format == FORMAT_BWRAP)
		return explain_bwrap(o, policy);
	if (o->format == FORMAT_PLAN)
		return explain_plan(o, policy);
	if (o->format == FORMAT_SECCOMP_BPF)
		return explain_seccomp_bpf(policy);
	if (o->format == FORMAT_SEATBELT)
		return explain_seatbelt(o, policy);

	json_t *doc = NULL;
	if (o->format == FORMAT_JSON)
		doc = json_policy(policy);

	json_t *paths = o->format == FORMAT_JSON ? json_array() : NULL;
	STRV_FOREACH (given, o->args) {
		_cleanup_free_ char *canon = NULL;
		r = query_path(policy, *given, &canon);
		if (r < 0) {
			json_decref(doc);
			json_decref(paths);
			error_setf_errno(&err, r, NULL, 0, 0, "%s: cannot resolve path: %s", *given,
					 strerror(-r));
			return cli_fail(&err);
		}
		const struct policy_entry *by = NULL;
		enum access a = policy_access(policy, canon, &by);
		if (paths)
			json_array_append_new(
				paths, json_pack("{s:s, s:s, s:s, s:s?}", "path", *given, "resolved",
						 canon, "access", access_to_string(a), "entry",
						 by ? by->path : NULL));
		else
			printf("%s %s\n", access_to_string(a), *given);
	}

	if (doc) {
		if (o->args)
			json_object_set_new(doc, "paths", paths);
		else
			json_decref(paths);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(doc);
	} else if (!o->args) {
		explain_text(policy);
	}
	return fflush(stdout) == 0 ? 0 : EXIT_CORDON;
}
