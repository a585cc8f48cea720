/* The landlock backend's decision, over a fake filesystem: what it grants,
 * which carve-outs it cannot express, and what each ABI level changes. */
#include <criterion/criterion.h>

#include "plan/host_sockets.h"
#include "plan/landlock_plan.h"
#include "util/strv.h"

/* The fake filesystem: these paths exist; each glob has these matches. */
struct fake_fs {
	const char *const *existing;
	const char *glob;
	const char *const *matches;
};

static bool fake_exists(void *userdata, const char *path)
{
	const struct fake_fs *fs = userdata;

	for (const char *const *e = fs->existing; e && *e; e++)
		if (streq(*e, path))
			return true;
	return false;
}

static int fake_expand(void *userdata, const struct policy *p, const char *pattern, char ***ret,
		       struct error *reterr)
{
	const struct fake_fs *fs = userdata;

	*ret = NULL;
	if (fs->glob && streq(fs->glob, pattern))
		for (const char *const *m = fs->matches; *m; m++)
			strv_push(ret, *m);
	return 0;
}

struct entry {
	const char *path;
	enum access access;
	enum entry_origin origin;
	const char *spec;
	bool glob;
};

static struct policy *policy_of(enum fs_kind kind, const struct entry *entries)
{
	struct policy *p = xcalloc(1, sizeof(*p));

	p->profile_name = xstrdup("t");
	p->fs_kind = kind;
	/* The working directory: the first path the policy lets the command see. */
	for (const struct entry *e = entries; !p->cwd && e && e->path; e++)
		if (e->access != ACCESS_NONE)
			p->cwd = xstrdup(e->path);
	for (const struct entry *e = entries; e && e->path; e++) {
		policy_add_entry(p, e->path, e->access, e->origin, e->spec);
		for (size_t i = 0; i < p->n_entries; i++)
			if (streq(p->entries[i].path, e->path))
				p->entries[i].glob = e->glob;
	}
	policy_sort_entries(p);
	return p;
}

static struct landlock_plan *plan_of(const struct policy *p, unsigned abi, const struct fake_fs *fs)
{
	struct landlock_env env = { .exists = fake_exists, .expand_glob = fake_expand,
				    .userdata = (void *)fs };
	struct landlock_plan *lp = NULL;
	struct error err = {};
	int r = landlock_plan_build(p, abi, &env, &lp, &err);

	cr_assert_eq(r, 0, "landlock_plan_build: %s", err.message);
	return lp;
}

static const char *const common[] = {
	"/", "/w", "/w/.git", "/w/a", "/w/a/b", "/usr", "/home/u", "/home/u/.ssh", "/tmp",
	"/tmp/.X11-unix", "/run/user", "/tmp/cordon-1000", "/dev/null", "/dev/zero",
	"/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", NULL,
};

#define R ACCESS_READ
#define W ACCESS_WRITE
#define N ACCESS_NONE
#define PROF ORIGIN_PROFILE
#define PROT ORIGIN_PROTECTED
#define HOST ORIGIN_HOST

static const struct {
	const char *what;
	enum fs_kind kind;
	struct entry entries[8];
	const char *glob;
	const char *matches[4];
	const char *losses[4]; /* the paths, in entry order */
	const char *grants[4]; /* the non-device grants, shallowest first */
} cases[] = {
	{ "read-only root: host sockets are covered by the socket filter, state by being read-only",
	  FS_RESTRICTED,
	  { { "/", R, PROF },
	    { "/run/user", N, HOST, HOST_SOCKETS_SPEC_SOCKET },
	    { "/tmp/.X11-unix", N, HOST, HOST_SOCKETS_SPEC_SOCKET },
	    { "/tmp/cordon-1000", N, HOST, HOST_SOCKETS_SPEC_STATE } },
	  .grants = { "/" } },
	{ "protected .git inside a writable root", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/w", W, PROF }, { "/w/.git", R, PROT, ".git" } },
	  .losses = { "/w/.git" }, .grants = { "/", "/w" } },
	{ "a missing protected name must not be creatable", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/w", W, PROF }, { "/w/.cordon", R, PROT, ".cordon" } },
	  .losses = { "/w/.cordon" }, .grants = { "/", "/w" } },
	{ "hidden directory under a readable root", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/home/u/.ssh", N, PROF } },
	  .losses = { "/home/u/.ssh" }, .grants = { "/" } },
	{ "a hidden path that does not exist under a read-only grant hides nothing", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/home/u/.aws", N, PROF } },
	  .grants = { "/" } },
	{ "minimal set plus a workspace: no carve-out", FS_RESTRICTED,
	  { { "/usr", R, PROF }, { "/w", W, PROF } },
	  .grants = { "/usr", "/w" } },
	{ "write, none, write: only the middle is lost", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/w", W, PROF }, { "/w/a", N, PROF }, { "/w/a/b", W, PROF } },
	  .losses = { "/w/a" }, .grants = { "/", "/w" } },
	{ "a deeper grant below a hidden directory is expressible", FS_RESTRICTED,
	  { { "/w/a", N, PROF }, { "/w/a/b", W, PROF } },
	  .grants = { "/w/a/b" } },
	{ "redundant grants are dropped", FS_RESTRICTED,
	  { { "/", W, PROF }, { "/w", W, PROF }, { "/tmp", W, PROF } },
	  .grants = { "/" } },
	{ "deny glob with matches inside a writable root", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/w", W, PROF }, { "/w/**/*.env", N, PROF, NULL, true } },
	  "/w/**/*.env", { "/w/.env", "/w/a/prod.env" },
	  .losses = { "/w/.env", "/w/a/prod.env" }, .grants = { "/", "/w" } },
	{ "deny glob without matches", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/w", W, PROF }, { "/w/**/*.env", N, PROF, NULL, true } },
	  "/w/**/*.env", {},
	  .grants = { "/", "/w" } },
	{ "host socket inside a writable root could be removed", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/tmp", W, PROF },
	    { "/tmp/.X11-unix", N, HOST, HOST_SOCKETS_SPEC_SOCKET } },
	  .losses = { "/tmp/.X11-unix" }, .grants = { "/", "/tmp" } },
	{ "cordon state inside a writable root could be edited", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/tmp", W, PROF },
	    { "/tmp/cordon-1000", N, HOST, HOST_SOCKETS_SPEC_STATE } },
	  .losses = { "/tmp/cordon-1000" }, .grants = { "/", "/tmp" } },
	{ "an explicit entry on a device is obeyed", FS_RESTRICTED,
	  { { "/", R, PROF }, { "/dev/null", N, PROF } },
	  .losses = { "/dev/null" }, .grants = { "/" } },
	{ "unrestricted with a hidden path", FS_UNRESTRICTED,
	  { { "/home/u/.ssh", N, PROF } },
	  .losses = { "/home/u/.ssh" } },
	{ "unrestricted without carve-outs", FS_UNRESTRICTED, { { "/w", W, PROF } } },
	{ "external: the caller's sandbox decides", FS_EXTERNAL, { { "/home/u/.ssh", N, PROF } } },
};

Test(landlock_plan, grants_and_losses)
{
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const char *what = cases[i].what;
		struct fake_fs fs = { common, cases[i].glob, cases[i].matches };
		_cleanup_policy_free_ struct policy *p = policy_of(cases[i].kind, cases[i].entries);
		_cleanup_landlock_plan_free_ struct landlock_plan *lp = plan_of(p, 7, &fs);
		size_t n = 0, g = 0;

		for (; n < ELEMENTSOF(cases[i].losses) && cases[i].losses[n]; n++) {
			cr_assert_lt(n, lp->n_losses, "case %zu (%s): loss %s missing", i, what,
				     cases[i].losses[n]);
			cr_assert_str_eq(lp->losses[n].path, cases[i].losses[n], "case %zu (%s)", i,
					 what);
		}
		cr_assert_eq(lp->n_losses, n, "case %zu (%s): %zu losses, want %zu (first: %s)", i,
			     what, lp->n_losses, n, lp->n_losses ? lp->losses[0].path : "-");

		for (size_t k = 0; k < lp->n_grants; k++) {
			if (lp->grants[k].device)
				continue;
			cr_assert_lt(g, ELEMENTSOF(cases[i].grants), "case %zu (%s)", i, what);
			cr_assert_str_eq(lp->grants[k].path, cases[i].grants[g] ? cases[i].grants[g] : "(none)",
					 "case %zu (%s): grant %zu", i, what, g);
			g++;
		}
		cr_assert(g == ELEMENTSOF(cases[i].grants) || !cases[i].grants[g],
			  "case %zu (%s): grant %s missing", i, what, cases[i].grants[g]);
		cr_assert_eq(lp->restrict_fs, cases[i].kind == FS_RESTRICTED, "case %zu", i);
	}
}

Test(landlock_plan, devices_are_writable_whatever_the_policy)
{
	static const struct entry e[] = { { "/usr", R, PROF }, { "/w", W, PROF }, {} };
	struct fake_fs fs = { common };
	_cleanup_policy_free_ struct policy *p = policy_of(FS_RESTRICTED, e);
	_cleanup_landlock_plan_free_ struct landlock_plan *lp = plan_of(p, 7, &fs);
	size_t devices = 0;

	for (size_t i = 0; i < lp->n_grants; i++)
		if (lp->grants[i].device) {
			cr_assert_eq(lp->grants[i].access, ACCESS_WRITE);
			devices++;
		}
	cr_assert_eq(devices, 6);
}

Test(landlock_plan, hidden_working_directory_is_an_error)
{
	static const struct entry e[] = { { "/usr", R, PROF }, {} };
	struct fake_fs fs = { common };
	_cleanup_policy_free_ struct policy *p = policy_of(FS_RESTRICTED, e);
	free(p->cwd);
	p->cwd = xstrdup("/w");
	struct landlock_env env = { fake_exists, fake_expand, &fs };
	struct landlock_plan *lp = NULL;
	struct error err = {};

	cr_assert_lt(landlock_plan_build(p, 7, &env, &lp, &err), 0);
	cr_assert_null(lp);
	cr_assert(strstr(err.message, "/w"), "%s", err.message);
}

static const struct {
	unsigned abi;
	enum network_mode net;
	enum fs_kind kind;
	bool restrict_tcp, scope_abstract, scope_signals, deny_unix, deny_truncate;
	size_t n_lost, n_refused;
} abi_cases[] = {
	/* ABI 1: no refer (refused), no truncate (refused by seccomp), no
	 * ioctl_dev, no scoping. */
	{ 1, NETWORK_OFF, FS_RESTRICTED, false, false, false, true, true, 2, 2 },
	{ 2, NETWORK_OFF, FS_RESTRICTED, false, false, false, true, true, 2, 1 },
	{ 3, NETWORK_OFF, FS_RESTRICTED, false, false, false, true, false, 2, 0 },
	{ 4, NETWORK_OFF, FS_RESTRICTED, true, false, false, true, false, 2, 0 },
	{ 5, NETWORK_OFF, FS_RESTRICTED, true, false, false, true, false, 1, 0 },
	{ 6, NETWORK_OFF, FS_RESTRICTED, true, true, true, true, false, 0, 0 },
	{ 7, NETWORK_OFF, FS_RESTRICTED, true, true, true, true, false, 0, 0 },
	{ 7, NETWORK_ON, FS_RESTRICTED, false, false, true, true, false, 0, 0 },
	/* Unrestricted: no pathname socket is hidden; abstract ones need
	 * scoping, or socket(AF_UNIX) is refused. */
	{ 5, NETWORK_OFF, FS_UNRESTRICTED, true, false, false, true, false, 1, 1 },
	{ 6, NETWORK_OFF, FS_UNRESTRICTED, true, true, true, false, false, 0, 0 },
	{ 6, NETWORK_ON, FS_UNRESTRICTED, false, false, true, false, false, 0, 0 },
	{ 3, NETWORK_OFF, FS_EXTERNAL, false, false, false, true, false, 0, 1 },
};

Test(landlock_plan, abi_levels)
{
	static const struct entry e[] = { { "/", R, PROF }, { "/w", W, PROF }, {} };
	struct fake_fs fs = { common };

	for (size_t i = 0; i < ELEMENTSOF(abi_cases); i++) {
		_cleanup_policy_free_ struct policy *p = policy_of(abi_cases[i].kind, e);
		p->network.mode = abi_cases[i].net;
		_cleanup_landlock_plan_free_ struct landlock_plan *lp =
			plan_of(p, abi_cases[i].abi, &fs);

		cr_assert_eq(lp->restrict_tcp, abi_cases[i].restrict_tcp, "case %zu", i);
		cr_assert_eq(lp->scope_abstract, abi_cases[i].scope_abstract, "case %zu", i);
		cr_assert_eq(lp->scope_signals, abi_cases[i].scope_signals, "case %zu", i);
		cr_assert_eq(lp->deny_unix, abi_cases[i].deny_unix, "case %zu", i);
		cr_assert_eq(lp->deny_truncate, abi_cases[i].deny_truncate, "case %zu", i);
		cr_assert_eq(lp->deny_inet, abi_cases[i].net != NETWORK_ON, "case %zu", i);
		cr_assert_eq(strv_length(lp->abi_lost), abi_cases[i].n_lost, "case %zu", i);
		cr_assert_eq(strv_length(lp->abi_refused), abi_cases[i].n_refused, "case %zu", i);

		_cleanup_free_ char *w = landlock_plan_abi_warning(lp, abi_cases[i].abi);
		cr_assert_eq(w != NULL, abi_cases[i].n_lost + abi_cases[i].n_refused > 0,
			     "case %zu", i);
		cr_assert(!w || !strchr(w, '\n'), "case %zu: one line", i);
	}
}

Test(landlock_plan, messages_are_one_line_and_name_the_entry)
{
	static const struct entry e[] = {
		{ "/", R, PROF }, { "/w", W, PROF }, { "/w/.git", R, PROT, ".git" },
		{ "/w/.cordon", R, PROT, ".cordon" }, { "/home/u/.ssh", N, PROF }, {},
	};
	struct fake_fs fs = { common };
	_cleanup_policy_free_ struct policy *p = policy_of(FS_RESTRICTED, e);
	free(p->cwd);
	p->cwd = xstrdup("/w");
	_cleanup_landlock_plan_free_ struct landlock_plan *lp = plan_of(p, 7, &fs);
	cr_assert_eq(lp->n_losses, 3);

	_cleanup_free_ char *refusal = landlock_plan_refusal(lp);
	cr_assert(!strchr(refusal, '\n'));
	/* Losses where the command works come first, existing ones first. */
	cr_assert(strstr(refusal, "enforce /w/.git (protected, read-only"), "%s", refusal);
	cr_assert_str_eq(lp->losses[1].path, "/w/.cordon");
	cr_assert_str_eq(lp->losses[2].path, "/home/u/.ssh");
	cr_assert(strstr(refusal, "and 2 more"), "%s", refusal);
	cr_assert(strstr(refusal, "bwrap"), "%s", refusal);
	cr_assert(strstr(refusal, "--allow-weaker"), "%s", refusal);

	_cleanup_free_ char *weaker = landlock_plan_weaker_warning(lp);
	cr_assert(!strchr(weaker, '\n'));
	cr_assert(strstr(weaker, "/w/.git (protected, read-only inside writable /w)"), "%s", weaker);
	cr_assert(strstr(weaker, "/w/.cordon (protected, missing: could be created inside "
				 "writable /w)"),
		  "%s", weaker);
	cr_assert(strstr(weaker, "/home/u/.ssh (hidden inside readable /)"), "%s", weaker);
}

Test(landlock_plan, proxy_mode_is_refused_with_the_reason)
{
	for (unsigned abi = 1; abi <= 7; abi++) {
		struct error err = {};
		cr_assert_eq(landlock_plan_check_proxy(abi, &err), -EOPNOTSUPP);
		cr_assert(strstr(err.message, abi < 4 ? "ABI" : "no address"), "%s", err.message);
	}
}

Test(landlock_plan, feature_table_is_in_abi_order)
{
	for (size_t i = 0; i < landlock_n_features; i++)
		cr_assert_eq(landlock_features[i].abi, i + 1);
}
