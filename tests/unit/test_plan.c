/* The mount plan: the operations built from a resolved policy, and the
 * invariant behind them: replaying the plan's mounts gives, for every path,
 * the access policy_access() answers. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "linux/bwrap_argv.h"
#include "plan/plan.h"
#include "plan/resolve.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cordon-test-plan.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	char *real = realpath(dir, NULL);
	snprintf(dir, sizeof(dir), "%s", real);
	free(real);
}

static void teardown(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(plan, .init = setup, .fini = teardown);

static char *P(const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

static void mk(const char *rel, bool is_dir)
{
	_cleanup_free_ char *p = P(rel);
	if (is_dir)
		cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s", p);
	else
		cr_assert_geq(creat(p, 0644), 0, "creat %s", p);
}

/* "${D}" in a spec stands for the test directory. */
static char *expand(const char *s)
{
	struct strbuf b = {};
	for (const char *p = s; *p;) {
		if (strneq(p, "${D}", 4)) {
			strbuf_puts(&b, dir);
			p += 4;
		} else {
			strbuf_putc(&b, *p++);
		}
	}
	return strbuf_steal(&b);
}

struct entry_spec {
	const char *path;
	enum access access;
};

static struct mount_plan *plan_for(const struct entry_spec *e, size_t n, struct policy **ret_pol)
{
	struct profile *p = profile_new("t");
	struct error err = {};
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = expand(e[i].path);
		enum special_path sp = special_path_from_string(path);
		profile_add_entry(p, sp, sp == SPECIAL_NONE ? path : NULL, path_has_glob(path),
				  e[i].access, (struct source_location){ 0 });
	}
	p->set |= PROFILE_SET_PROTECTED_NAMES;
	p->protected_names = NULL; /* protected names are tested in resolve */
	strv_push(&p->protected_names, ".git");

	struct resolve_env env = { .cwd = dir, .home = "/nonexistent" };
	struct policy *pol = NULL;
	int r = policy_resolve(p, &env, &pol, &err);
	cr_assert_geq(r, 0, "resolve: %s", err.message);
	profile_free(p);

	struct plan_options po = { .max_glob_matches = 100 };
	struct mount_plan *m = NULL;
	r = plan_build(pol, &po, &m, &err);
	cr_assert_geq(r, 0, "plan: %s", err.message);
	if (ret_pol)
		*ret_pol = pol;
	else
		policy_free(pol);
	return m;
}

/* "type dest" per op (src too when it differs from dest), one per line. */
static char *ops_text(const struct mount_plan *m)
{
	struct strbuf b = {};
	for (size_t i = 0; i < m->n_ops; i++) {
		const struct mount_op *op = &m->ops[i];
		strbuf_printf(&b, "%s", mount_op_type_to_string(op->type));
		if (op->src && (op->type == MOUNT_SYMLINK || !streq(op->src, op->dest)))
			strbuf_printf(&b, " %s", op->src);
		strbuf_printf(&b, " %s\n", op->dest);
	}
	return strbuf_steal(&b);
}

static void expect_ops(const struct mount_plan *m, const char *want_template)
{
	_cleanup_free_ char *want = expand(want_template);
	_cleanup_free_ char *got = ops_text(m);
	cr_expect_str_eq(got, want, "ops:\n%s\nwanted:\n%s", got, want);
}

Test(plan, read_only_root_with_writable_workspace)
{
	mk(".git", true);
	static const struct entry_spec e[] = {
		{ ":root", ACCESS_READ },
		{ "${D}", ACCESS_WRITE },
	};
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), NULL);
	expect_ops(m, "ro-bind /\n"
		      "dev /dev\n"
		      "bind ${D}\n"
		      "ro-bind ${D}/.git\n"
		      "proc /proc\n");
	cr_expect(m->unshare_net);
	cr_expect(m->deny_inet);
	cr_expect(m->restrict_extras);
	cr_expect_str_eq(m->chdir, dir);
	cr_expect_eq(m->n_targets, 0);
}

Test(plan, missing_protected_name_masked_at_first_missing_component)
{
	static const struct entry_spec e[] = {
		{ ":root", ACCESS_READ },
		{ "${D}", ACCESS_WRITE },
	};
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), NULL);
	expect_ops(m, "ro-bind /\n"
		      "dev /dev\n"
		      "bind ${D}\n"
		      "tmpfs ${D}/.git\n"
		      "proc /proc\n"
		      "remount-ro ${D}/.git\n");
	cr_assert_eq(m->n_targets, 1);
	_cleanup_free_ char *git = P(".git");
	cr_expect_str_eq(m->targets[0].path, git);
}

Test(plan, write_none_write_nesting_orders_mask_before_inner_root)
{
	mk("a", true);
	mk("a/b", true);
	mk(".git", true);
	static const struct entry_spec e[] = {
		{ ":root", ACCESS_READ },
		{ "${D}", ACCESS_WRITE },
		{ "${D}/a", ACCESS_NONE },
		{ "${D}/a/b", ACCESS_WRITE },
	};
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), NULL);
	/* a/b/.git is missing, but its parent is writable: masked too. */
	expect_ops(m, "ro-bind /\n"
		      "dev /dev\n"
		      "bind ${D}\n"
		      "ro-bind ${D}/.git\n"
		      "tmpfs ${D}/a\n"
		      "bind ${D}/a/b\n"
		      "tmpfs ${D}/a/b/.git\n"
		      "proc /proc\n"
		      "remount-ro ${D}/a/b/.git\n"
		      "remount-ro ${D}/a\n");
}

Test(plan, denied_file_and_dir_under_readable_root)
{
	mk("secret", true);
	mk("token", false);
	mk("ws", true);
	mk("ws/.git", true);
	static const struct entry_spec e[] = {
		{ ":root", ACCESS_READ },
		{ "${D}/ws", ACCESS_WRITE },
		{ "${D}/secret", ACCESS_NONE },
		{ "${D}/token", ACCESS_NONE },
		{ "${D}/missing", ACCESS_NONE }, /* nothing to hide, and not creatable */
	};
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), NULL);
	expect_ops(m, "ro-bind /\n"
		      "dev /dev\n"
		      "tmpfs ${D}/secret\n"
		      "empty-file ${D}/token\n"
		      "bind ${D}/ws\n"
		      "ro-bind ${D}/ws/.git\n"
		      "proc /proc\n"
		      "remount-ro ${D}/secret\n");
	cr_expect_eq(m->n_targets, 0);
}

Test(plan, no_root_read_starts_from_an_empty_root)
{
	mk("ws", true);
	mk("ws/.git", true);
	static const struct entry_spec e[] = {
		{ "/usr", ACCESS_READ },
		{ "${D}", ACCESS_READ }, /* the working directory */
		{ "${D}/ws", ACCESS_WRITE },
	};
	struct policy *pol = NULL;
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), &pol);
	cr_expect_eq(m->ops[0].type, MOUNT_TMPFS);
	cr_expect_str_eq(m->ops[0].dest, "/");
	cr_expect_eq(m->ops[m->n_ops - 1].type, MOUNT_REMOUNT_RO);
	cr_expect_str_eq(m->ops[m->n_ops - 1].dest, "/");
	bool usr = false;
	for (size_t i = 0; i < m->n_ops; i++)
		usr |= m->ops[i].type == MOUNT_RO_BIND && streq(m->ops[i].dest, "/usr");
	cr_expect(usr);
	/* Host symlinks such as /bin -> usr/bin stay, since /usr is visible. */
	struct stat st;
	if (lstat("/bin", &st) == 0 && S_ISLNK(st.st_mode)) {
		bool bin = false;
		for (size_t i = 0; i < m->n_ops; i++)
			bin |= m->ops[i].type == MOUNT_SYMLINK && streq(m->ops[i].dest, "/bin");
		cr_expect(bin, "no symlink for /bin");
	}
	policy_free(pol);
}

Test(plan, cwd_not_visible_is_an_error)
{
	static const struct entry_spec e[] = { { "/usr", ACCESS_READ } };
	struct profile *p = profile_new("t");
	profile_add_entry(p, SPECIAL_NONE, e[0].path, false, e[0].access,
			  (struct source_location){ 0 });
	struct resolve_env env = { .cwd = dir };
	struct policy *pol = NULL;
	struct error err = {};
	cr_assert_geq(policy_resolve(p, &env, &pol, &err), 0);
	struct plan_options po = { .max_glob_matches = 10 };
	struct mount_plan *m = NULL;
	cr_expect_lt(plan_build(pol, &po, &m, &err), 0);
	cr_expect_null(m);
	cr_expect(strstr(err.message, "not visible") != NULL, "%s", err.message);
	error_clear(&err);
	policy_free(pol);
	profile_free(p);
}

Test(plan, deny_glob_expanded_with_the_walker)
{
	mk("ws", true);
	mk("ws/.git", true);
	mk("ws/a", true);
	mk("ws/a/b", true);
	mk("ws/.env", false);
	mk("ws/a/b/x.env", false);
	mk("ws/a/keep", false);
	static const struct entry_spec e[] = {
		{ ":root", ACCESS_READ },
		{ "${D}/ws", ACCESS_WRITE },
		{ "${D}/ws/**/*.env", ACCESS_NONE },
	};
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), NULL);
	expect_ops(m, "ro-bind /\n"
		      "dev /dev\n"
		      "bind ${D}/ws\n"
		      "empty-file ${D}/ws/.env\n"
		      "ro-bind ${D}/ws/.git\n"
		      "empty-file ${D}/ws/a/b/x.env\n"
		      "proc /proc\n");
}

Test(plan, deny_glob_match_cap_aborts)
{
	mk("ws", true);
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "ws/%d.env", i);
		mk(name, false);
	}
	struct profile *p = profile_new("t");
	_cleanup_free_ char *ws = P("ws");
	_cleanup_free_ char *glob = P("ws/*.env");
	profile_add_entry(p, SPECIAL_ROOT, NULL, false, ACCESS_READ, (struct source_location){ 0 });
	profile_add_entry(p, SPECIAL_NONE, ws, false, ACCESS_WRITE, (struct source_location){ 0 });
	profile_add_entry(p, SPECIAL_NONE, glob, true, ACCESS_NONE, (struct source_location){ 0 });
	struct resolve_env env = { .cwd = dir };
	struct policy *pol = NULL;
	struct error err = {};
	cr_assert_geq(policy_resolve(p, &env, &pol, &err), 0);
	struct plan_options po = { .max_glob_matches = 3 };
	struct mount_plan *m = NULL;
	cr_expect_lt(plan_build(pol, &po, &m, &err), 0);
	cr_expect(strstr(err.message, "more than 3") != NULL, "%s", err.message);
	error_clear(&err);
	policy_free(pol);
	profile_free(p);
}

Test(plan, network_and_no_proc)
{
	static const struct entry_spec e[] = { { ":root", ACCESS_READ } };
	struct profile *p = profile_new("t");
	profile_add_entry(p, SPECIAL_ROOT, NULL, false, ACCESS_READ, (struct source_location){ 0 });
	p->network.mode = NETWORK_ON;
	struct resolve_env env = { .cwd = dir };
	struct policy *pol = NULL;
	struct error err = {};
	cr_assert_geq(policy_resolve(p, &env, &pol, &err), 0);
	struct plan_options po = { .no_proc = true, .max_glob_matches = 10 };
	struct mount_plan *m = NULL;
	cr_assert_geq(plan_build(pol, &po, &m, &err), 0);
	cr_expect_not(m->unshare_net);
	cr_expect_not(m->deny_inet);
	cr_expect_not(m->proc);
	/* Without a fresh /proc the host's must not show through. */
	_cleanup_free_ char *ops = ops_text(m);
	cr_expect(strstr(ops, "tmpfs /proc\n") != NULL, "%s", ops);
	cr_expect(strstr(ops, "remount-ro /proc\n") != NULL, "%s", ops);
	cr_expect_eq(strv_length(m->setenv), 1);
	(void)e;
	mount_plan_free(m);
	policy_free(pol);
	profile_free(p);
}

/* Replays the plan as a tiny model of the mount table and checks that every
 * probed path has the access policy_access() gives. */
static enum access model_access(const struct mount_plan *m, const char *path)
{
	enum access a = ACCESS_NONE;
	size_t best = 0;
	bool found = false;

	for (size_t i = 0; i < m->n_ops; i++) {
		const struct mount_op *op = &m->ops[i];
		if (!path_is_at_or_below(path, op->dest))
			continue;
		size_t depth = path_depth(op->dest);
		if (found && depth < best)
			continue;
		switch (op->type) {
		case MOUNT_BIND:
			a = ACCESS_WRITE;
			break;
		case MOUNT_RO_BIND:
			a = ACCESS_READ;
			break;
		case MOUNT_TMPFS:
		case MOUNT_EMPTY_FILE:
			a = ACCESS_NONE;
			break;
		default:
			continue;
		}
		best = depth;
		found = true;
	}
	return a;
}

Test(plan, replayed_plan_agrees_with_policy_access)
{
	mk("ws", true);
	mk("ws/.git", true);
	mk("ws/a", true);
	mk("ws/a/b", true);
	mk("ws/a/b/c", true);
	mk("ws/d", true);
	mk("ro", true);
	mk("ro/sub", true);
	static const struct entry_spec e[] = {
		{ ":root", ACCESS_READ },
		{ "${D}/ws", ACCESS_WRITE },
		{ "${D}/ws/a", ACCESS_NONE },
		{ "${D}/ws/a/b", ACCESS_WRITE },
		{ "${D}/ws/a/b/c", ACCESS_READ },
		{ "${D}/ws/d", ACCESS_READ },
		{ "${D}/ro", ACCESS_NONE },
		{ "${D}/ro/sub", ACCESS_READ },
	};
	static const char *const probes[] = {
		"",	      "ws",	    "ws/.git",	   "ws/.git/x", "ws/a",	 "ws/a/x",
		"ws/a/b",   "ws/a/b/y", "ws/a/b/c",	   "ws/a/b/c/z", "ws/d", "ws/d/q",
		"ro",	      "ro/x",	    "ro/sub",	   "ro/sub/y",	  "ws/e", "other",
	};
	struct policy *pol = NULL;
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), &pol);
	for (size_t i = 0; i < ELEMENTSOF(probes); i++) {
		_cleanup_free_ char *p = P(probes[i]);
		_cleanup_free_ char *norm = path_normalize(p);
		cr_expect_eq(model_access(m, norm), policy_access(pol, norm, NULL),
			     "probe %s: mounts give %s, policy says %s", norm,
			     access_to_string(model_access(m, norm)),
			     access_to_string(policy_access(pol, norm, NULL)));
	}
	policy_free(pol);
}

Test(plan, bwrap_argv_serialisation)
{
	mk("ws", true);
	mk("ws/.git", true);
	mk("token", false);
	static const struct entry_spec e[] = {
		{ ":root", ACCESS_READ },
		{ "${D}/ws", ACCESS_WRITE },
		{ "${D}/token", ACCESS_NONE },
	};
	_cleanup_(mount_plan_freep) struct mount_plan *m = plan_for(e, ELEMENTSOF(e), NULL);
	cr_assert_eq(bwrap_count_empty_files(m), 1);
	int empty[] = { 9 };
	struct bwrap_fds fds = {
		.seccomp = 7, .json_status = 8, .block = -1, .empty = empty, .n_empty = 1
	};
	char *cmd[] = { "echo", "hi", NULL };
	_cleanup_strv_free_ char **argv = bwrap_argv_build("/usr/bin/bwrap", m, &fds, cmd);
	struct strbuf b = {};
	STRV_FOREACH (a, argv) {
		strbuf_puts(&b, *a);
		strbuf_putc(&b, ' ');
	}
	_cleanup_free_ char *got = strbuf_steal(&b);
	_cleanup_free_ char *want = expand(
		"/usr/bin/bwrap --unshare-user --unshare-pid --unshare-ipc --unshare-net "
		"--new-session --die-with-parent --cap-drop ALL --ro-bind / / --dev /dev "
		"--perms 0444 --ro-bind-data 9 ${D}/token --bind ${D}/ws ${D}/ws "
		"--ro-bind ${D}/ws/.git ${D}/ws/.git --proc /proc --chdir ${D} "
		"--setenv CORDON_SANDBOX 1 --setenv CORDON_SANDBOX_NETWORK_DISABLED 1 "
		"--seccomp 7 --json-status-fd 8 -- echo hi ");
	cr_expect_str_eq(got, want);
}
