#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

#include "plan/canonical.h"
#include "plan/resolve.h"
#include "util/path.h"
#include "util/strv.h"

/* Each test runs in its own process (Criterion), with a fresh directory. */
static char *D;
static char **kept;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void setup(void)
{
	char tmpl[] = "/tmp/cordon-resolve-XXXXXX";

	cr_assert_not_null(mkdtemp(tmpl));
	/* The tests compare canonical paths: resolve /tmp itself if needed. */
	D = realpath(tmpl, NULL);
	cr_assert_not_null(D);
}

static void teardown(void)
{
	if (D)
		nftw(D, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(D);
	strv_free(kept);
}

TestSuite(resolve, .init = setup, .fini = teardown);

/* Strings the tests format live until the test ends (freed in teardown,
 * so that the sanitizer build sees no leaks). */
static char *keep(char *s)
{
	strv_consume(&kept, s);
	return s;
}

/* A formatted string that lives until the test ends. */
static char *S(const char *fmt, ...) _printf_(1, 2);
static char *S(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	cr_assert(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return keep(s);
}

/* D/REL, formatted, living until the test ends. */
static char *P(const char *fmt, ...) _printf_(1, 2);
static char *P(const char *fmt, ...)
{
	va_list ap;
	char *rel;

	va_start(ap, fmt);
	cr_assert(vasprintf(&rel, fmt, ap) >= 0);
	va_end(ap);
	char *full = path_join(D, rel);
	free(rel);
	return keep(full);
}

static void mkdirs(const char *path)
{
	char *copy = xstrdup(path);

	for (char *s = copy + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(copy, 0755);
			*s = '/';
		}
	cr_assert(mkdir(copy, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", copy);
	free(copy);
}

static void write_file(const char *path, const char *content)
{
	char *parent = path_parent(path);
	mkdirs(parent);
	free(parent);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "fopen %s: %m", path);
	fputs(content, f);
	fclose(f);
}

static void make_link(const char *target, const char *link)
{
	char *parent = path_parent(link);
	mkdirs(parent);
	free(parent);
	cr_assert(symlink(target, link) == 0, "symlink %s: %m", link);
}

static const struct source_location here = { "test.toml", 7, 3 };

static void add(struct profile *p, const char *spec, enum access a)
{
	enum special_path sp = special_path_from_string(spec);

	if (sp == SPECIAL_UNKNOWN)
		profile_add_entry(p, sp, spec, false, a, here);
	else
		profile_add_entry(p, sp, sp == SPECIAL_NONE ? spec : NULL,
				  sp == SPECIAL_NONE && path_has_glob(spec), a, here);
}

static void add_ws(struct profile *p, const char *sub, enum access a)
{
	profile_add_entry(p, SPECIAL_WORKSPACE_ROOTS, sub, sub && path_has_glob(sub), a, here);
}

static struct policy *resolve_ok(const struct profile *p, const struct resolve_env *env)
{
	struct policy *pol = NULL;
	struct error err = { 0 };
	char msg[1024];
	int r = policy_resolve(p, env, &pol, &err);

	if (r < 0)
		error_format(&err, msg, sizeof(msg));
	cr_assert_eq(r, 0, "policy_resolve failed: %s", r < 0 ? msg : "");
	cr_assert_not_null(pol);
	error_clear(&err);
	return pol;
}

/* Resolves, expects failure, returns the formatted message (static). */
static const char *resolve_fail(const struct profile *p, const struct resolve_env *env)
{
	static char msg[1024];
	struct policy *pol = NULL;
	struct error err = { 0 };
	int r = policy_resolve(p, env, &pol, &err);

	cr_assert_lt(r, 0, "policy_resolve should have failed");
	cr_assert_null(pol, "*ret must be untouched on failure");
	error_format(&err, msg, sizeof(msg));
	error_clear(&err);
	return msg;
}

struct query {
	const char *path;
	enum access want;
};

static void check_access(const struct policy *pol, const struct query *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum access got = policy_access(pol, q[i].path, NULL);
		cr_expect_eq(got, q[i].want, "case %zu: %s is %s, want %s", i, q[i].path,
			     access_to_string(got), access_to_string(q[i].want));
	}
}

static const struct policy_entry *entry(const struct policy *pol, const char *path, bool glob)
{
	for (size_t i = 0; i < pol->n_entries; i++)
		if (pol->entries[i].glob == glob && streq(pol->entries[i].path, path))
			return &pol->entries[i];
	return NULL;
}

static size_t count_entries(const struct policy *pol, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < pol->n_entries; i++)
		n += streq(pol->entries[i].path, path);
	return n;
}

static bool has_warning(const struct policy *pol, const char *text)
{
	STRV_FOREACH (w, pol->warnings)
		if (strstr(*w, text))
			return true;
	return false;
}

/* ---- canonical_resolve ------------------------------------------------ */

Test(resolve, canonical_walk_table)
{
	mkdirs(P("a/b"));
	write_file(P("a/file"), "x");
	make_link("b", P("a/rel"));           /* relative, same directory */
	make_link(P("a/b"), P("abs"));        /* absolute */
	make_link("../a/b/../b", P("a/up"));  /* ".." inside a target is physical */
	make_link("rel", P("a/chain"));       /* a link to a link */
	make_link("missing/deeper", P("a/dangling"));
	make_link("loop2", P("loop1"));
	make_link("loop1", P("loop2"));

	struct {
		const char *in;
		const char *want;
		bool exists;
		size_t n_links;
	} cases[] = {
		{ P("a/b"), P("a/b"), true, 0 },
		{ P("a/./b/"), P("a/b"), true, 0 },
		{ P("a/rel"), P("a/b"), true, 1 },
		{ P("a/rel/new/x"), P("a/b/new/x"), false, 1 },
		{ P("abs"), P("a/b"), true, 1 },
		{ P("a/up"), P("a/b"), true, 1 },
		{ P("a/chain"), P("a/b"), true, 2 },
		{ P("a/dangling"), P("a/missing/deeper"), false, 1 },
		{ P("a/file/x"), P("a/file/x"), false, 0 },
		{ P("a/nope/../b"), P("a/b"), true, 0 }, /* the input is normalised first */
		{ "/", "/", true, 0 },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct canonical *c = NULL;
		int r = canonical_resolve(cases[i].in, &c);
		cr_assert_eq(r, 0, "case %zu (%s): %s", i, cases[i].in, strerror(-r));
		cr_expect_str_eq(c->path, cases[i].want, "case %zu (%s)", i, cases[i].in);
		cr_expect_eq(c->exists, cases[i].exists, "case %zu (%s)", i, cases[i].in);
		cr_expect_eq(c->n_links, cases[i].n_links, "case %zu (%s)", i, cases[i].in);
		canonical_free(c);
	}

	struct canonical *c = NULL;
	cr_assert_eq(canonical_resolve(P("a/chain"), &c), 0);
	cr_expect_str_eq(c->links[0].link, P("a/chain"));
	cr_expect_str_eq(c->links[0].target, "rel");
	cr_expect_str_eq(c->links[1].link, P("a/rel"));
	cr_expect_str_eq(c->links[1].target, "b");
	canonical_free(c);

	c = NULL;
	cr_expect_eq(canonical_resolve(P("loop1"), &c), -ELOOP);
	cr_expect_null(c);
	cr_expect_eq(canonical_resolve("relative", &c), -EINVAL);
}

/* ---- the two required tables ---------------------------------------- */

Test(resolve, code_secrets_table)
{
	struct profile *p = profile_new("code");
	char *code = P("code");

	mkdirs(P("code/.git"));
	mkdirs(P("code/secrets/tmp"));
	add(p, ":root", ACCESS_READ);
	add(p, code, ACCESS_WRITE);
	add(p, P("code/.git"), ACCESS_READ);
	add(p, P("code/secrets"), ACCESS_NONE);
	add(p, P("code/secrets/tmp"), ACCESS_WRITE);

	struct resolve_env env = { .home = NULL, .cwd = code };
	struct policy *pol = resolve_ok(p, &env);
	struct query q[] = {
		{ code, ACCESS_WRITE },
		{ P("code/.git"), ACCESS_READ },
		{ P("code/secrets"), ACCESS_NONE },
		{ P("code/secrets/x"), ACCESS_NONE },
		{ P("code/secrets/tmp"), ACCESS_WRITE },
		{ P("code/secrets/tmp/y"), ACCESS_WRITE },
		{ "/etc/passwd", ACCESS_READ },
	};
	check_access(pol, q, ELEMENTSOF(q));
	/* The explicit /code/.git entry decides; no protected duplicate. */
	cr_expect_eq(count_entries(pol, P("code/.git")), 1);
	cr_expect_eq(entry(pol, P("code/.git"), false)->origin, ORIGIN_PROFILE);
	/* The nested writable root gets its own protected names. */
	cr_expect_not_null(entry(pol, P("code/secrets/tmp/.git"), false));
	cr_expect_null(pol->warnings);
	policy_free(pol);
	profile_free(p);
}

static struct profile *workspace_profile(void)
{
	struct profile *p = profile_new(":workspace");

	add(p, ":root", ACCESS_READ);
	add_ws(p, NULL, ACCESS_WRITE);
	add(p, ":slash_tmp", ACCESS_WRITE);
	add(p, ":tmpdir", ACCESS_WRITE);
	return p;
}

Test(resolve, workspace_table)
{
	struct profile *p = workspace_profile();
	char *dir = P("ws");

	mkdirs(P("ws/.git"));
	write_file(P("ws/.git/config"), "[core]\n");

	struct resolve_env env = { .cwd = dir };
	struct policy *pol = resolve_ok(p, &env);
	struct query q[] = {
		{ dir, ACCESS_WRITE },
		{ P("ws/.git"), ACCESS_READ },
		{ P("ws/.git/config"), ACCESS_READ },
		{ "/etc/passwd", ACCESS_READ },
		{ "/tmp/x", ACCESS_WRITE },
		{ P("ws/src/main.c"), ACCESS_WRITE },
		{ P("ws/.cordon"), ACCESS_READ }, /* protected though it does not exist */
		{ P("ws/.envrc"), ACCESS_READ },
	};
	check_access(pol, q, ELEMENTSOF(q));
	cr_expect_str_eq(pol->cwd, dir);
	cr_expect_eq(strv_length(pol->workspace_roots), 1);
	cr_expect_str_eq(pol->workspace_roots[0], dir);
	const struct policy_entry *g = entry(pol, P("ws/.git"), false);
	cr_assert_not_null(g);
	cr_expect_eq(g->origin, ORIGIN_PROTECTED);
	cr_expect_str_eq(g->spec, ".git");
	cr_expect(strv_contains(pol->protected_names, ".cordon"));
	policy_free(pol);
	profile_free(p);
}

/* ---- specials ------------------------------------------------------- */

Test(resolve, special_root_and_minimal)
{
	struct profile *p = profile_new("min");
	add(p, ":minimal", ACCESS_READ);

	struct resolve_env env = { .cwd = D };
	struct policy *pol = resolve_ok(p, &env);
	char *usr_bin = keep(realpath("/usr/bin", NULL));
	char *bin = realpath("/bin", NULL);

	cr_expect_not_null(entry(pol, "/usr", false));
	cr_expect_not_null(entry(pol, "/etc", false));
	cr_expect_str_eq(entry(pol, "/usr", false)->spec, ":minimal");
	/* /bin is canonicalised; on merged-/usr systems it is /usr/bin, which
	 * /usr already covers, so it is dropped. */
	cr_expect_null(entry(pol, "/bin", false));
	if (!bin || !streq(usr_bin, "/usr/bin") || !streq(bin, "/usr/bin"))
		cr_log_info("/bin is not a symlink to /usr/bin here");
	else
		cr_expect_null(entry(pol, "/usr/bin", false));
	cr_expect_eq(policy_access(pol, "/usr/bin/sh", NULL), ACCESS_READ);
	cr_expect_eq(policy_access(pol, "/home", NULL), ACCESS_NONE);
	cr_expect_not(policy_reads_root(pol));
	for (size_t i = 0; i < pol->n_entries; i++)
		cr_expect_neq(pol->entries[i].access, ACCESS_WRITE);
	policy_free(pol);
	profile_free(p);

	/* With :root = read every :minimal path is redundant. */
	p = profile_new("root+min");
	add(p, ":root", ACCESS_READ);
	add(p, ":minimal", ACCESS_READ);
	pol = resolve_ok(p, &env);
	cr_expect_eq(pol->n_entries, 1);
	cr_expect_str_eq(pol->entries[0].path, "/");
	cr_expect_str_eq(pol->entries[0].spec, ":root");
	cr_expect(policy_reads_root(pol));
	policy_free(pol);
	profile_free(p);
	free(bin);
}

Test(resolve, special_tmpdir_and_slash_tmp)
{
	struct profile *p = profile_new("tmp");
	add(p, ":tmpdir", ACCESS_WRITE);
	add(p, ":slash_tmp", ACCESS_WRITE);
	mkdirs(P("t"));

	struct {
		const char *tmpdir;
		bool want_entry;
	} cases[] = {
		{ P("t"), true }, { NULL, false }, { "", false }, { "relative/t", false },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct resolve_env env = { .cwd = D, .tmpdir = cases[i].tmpdir };
		struct policy *pol = resolve_ok(p, &env);
		cr_expect_eq(entry(pol, P("t"), false) != NULL, cases[i].want_entry, "case %zu", i);
		cr_expect_not_null(entry(pol, "/tmp", false), "case %zu", i);
		cr_expect_null(pol->warnings, "case %zu: no warning expected", i);
		policy_free(pol);
	}
	profile_free(p);
}

Test(resolve, unknown_special_warns)
{
	struct profile *p = profile_new("unknown");
	add(p, ":root", ACCESS_READ);
	add(p, ":foo", ACCESS_WRITE);

	struct resolve_env env = { .cwd = D };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect(has_warning(pol, "unknown special path ':foo' grants nothing"));
	cr_expect_eq(pol->n_entries, 1);
	cr_expect_eq(policy_access(pol, D, NULL), ACCESS_READ);
	policy_free(pol);
	profile_free(p);
}

/* ---- "~" ------------------------------------------------------------- */

Test(resolve, home_expansion)
{
	struct profile *p = profile_new("home");
	mkdirs(P("home/.ssh"));
	add(p, "~", ACCESS_READ);
	add(p, "~/.ssh", ACCESS_NONE);

	struct resolve_env env = { .cwd = D, .home = P("home") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(policy_access(pol, P("home/x"), NULL), ACCESS_READ);
	cr_expect_eq(policy_access(pol, P("home/.ssh/id_ed25519"), NULL), ACCESS_NONE);
	cr_expect_str_eq(entry(pol, P("home/.ssh"), false)->spec, "~/.ssh");
	policy_free(pol);

	/* A trailing slash on $HOME changes nothing. */
	env.home = S("%s/", P("home"));
	pol = resolve_ok(p, &env);
	cr_expect_not_null(entry(pol, P("home/.ssh"), false));
	policy_free(pol);

	env.home = NULL;
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, "test.toml:7:3: ") == msg, "%s", msg);
	cr_expect(strstr(msg, "'~'") && strstr(msg, "$HOME"), "%s", msg);
	env.home = "relative";
	msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, "not absolute"), "%s", msg);
	profile_free(p);
}

Test(resolve, relative_path_is_an_error)
{
	static const char *const bad[] = { "foo", "./foo", "~user/x", "../x" };

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct profile *p = profile_new("rel");
		add(p, bad[i], ACCESS_READ);
		struct resolve_env env = { .cwd = D, .home = D };
		const char *msg = resolve_fail(p, &env);
		cr_expect(strstr(msg, "must be absolute"), "case %zu: %s", i, msg);
		cr_expect(strstr(msg, bad[i]), "case %zu: %s", i, msg);
		profile_free(p);
	}
}

/* ---- workspace roots ------------------------------------------------- */

Test(resolve, workspace_subpaths_over_every_root)
{
	struct profile *p = profile_new("ws");
	mkdirs(P("a/docs"));
	mkdirs(P("b/docs"));
	mkdirs(P("c"));
	mkdirs(P("home/lib"));
	add_ws(p, ".", ACCESS_WRITE);
	add_ws(p, "docs", ACCESS_READ);
	add_ws(p, "**/*.env", ACCESS_NONE);
	strv_push(&p->workspace_roots, "~/lib");
	strv_push(&p->workspace_roots, "~/gone");

	char *const extra[] = { P("b"), "../c", P("a"), NULL };
	struct resolve_env env = { .cwd = P("a"), .home = P("home"), .workspace_roots = extra };
	struct policy *pol = resolve_ok(p, &env);

	cr_assert_eq(strv_length(pol->workspace_roots), 4, "roots: a b c home/lib");
	cr_expect_str_eq(pol->workspace_roots[0], P("a"));
	cr_expect_str_eq(pol->workspace_roots[1], P("b"));
	cr_expect_str_eq(pol->workspace_roots[2], P("c")); /* relative to cwd */
	cr_expect_str_eq(pol->workspace_roots[3], P("home/lib"));
	cr_expect(has_warning(pol, "workspace root"), "missing ~/gone is reported");
	cr_expect(has_warning(pol, P("home/gone")));

	struct query q[] = {
		{ P("a/x"), ACCESS_WRITE },         { P("a/docs/x"), ACCESS_READ },
		{ P("b/docs"), ACCESS_READ },       { P("c/docs"), ACCESS_READ },
		{ P("home/lib/x"), ACCESS_WRITE },  { P("a/sub/.env"), ACCESS_NONE },
		{ P("b/x.env"), ACCESS_NONE },      { P("home/x"), ACCESS_NONE },
		{ P("c/docs/y.env"), ACCESS_NONE }, { P("c/x"), ACCESS_WRITE },
	};
	check_access(pol, q, ELEMENTSOF(q));
	const struct policy_entry *g = entry(pol, S("%s/**/*.env", P("a")), true);
	cr_assert_not_null(g);
	cr_expect_eq(g->access, ACCESS_NONE);
	cr_expect_str_eq(g->spec, ":workspace_roots/**/*.env");
	cr_expect_str_eq(entry(pol, P("a/docs"), false)->spec, ":workspace_roots/docs");
	cr_expect_str_eq(entry(pol, P("a"), false)->spec, ":workspace_roots");
	policy_free(pol);
	profile_free(p);
}

Test(resolve, extra_workspace_root_through_symlink)
{
	/* Without :slash_tmp: the test directory lives in /tmp. */
	struct profile *p = profile_new("ws");
	add(p, ":root", ACCESS_READ);
	add_ws(p, ".", ACCESS_WRITE);
	mkdirs(P("ws"));
	mkdirs(P("outside"));
	make_link(P("outside"), P("alias"));
	make_link(P("outside"), P("ws/lib"));

	/* A symlink in a read-only place is followed. */
	char *const ok[] = { P("alias"), NULL };
	struct resolve_env env = { .cwd = P("ws"), .workspace_roots = ok };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_str_eq(pol->workspace_roots[1], P("outside"));
	cr_expect_eq(policy_access(pol, P("outside/x"), NULL), ACCESS_WRITE);
	policy_free(pol);

	/* One inside the writable cwd could have been planted by a previous run. */
	char *const planted[] = { "lib", NULL };
	env.workspace_roots = planted;
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, S("(%s -> %s)", P("ws/lib"), P("outside"))), "%s", msg);
	cr_expect(strstr(msg, S("writable root %s", P("ws"))), "%s", msg);
	profile_free(p);
}

Test(resolve, workspace_key_must_be_relative)
{
	struct profile *p = profile_new("ws");
	add_ws(p, "/etc", ACCESS_WRITE);
	struct resolve_env env = { .cwd = D };
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, "relative to each workspace root"), "%s", msg);
	profile_free(p);

	p = profile_new("ws");
	strv_push(&p->workspace_roots, "relative/root");
	msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, "relative/root") && strstr(msg, "absolute"), "%s", msg);
	profile_free(p);
}

Test(resolve, missing_cwd_is_an_error)
{
	struct profile *p = workspace_profile();
	struct resolve_env env = { .cwd = P("nope") };
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, "does not exist") && strstr(msg, P("nope")), "%s", msg);

	write_file(P("file"), "");
	env.cwd = P("file");
	msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, "not a directory"), "%s", msg);
	profile_free(p);
}

Test(resolve, relative_cwd_is_taken_from_the_process)
{
	struct profile *p = workspace_profile();
	mkdirs(P("sub"));
	cr_assert_eq(chdir(D), 0);
	struct resolve_env env = { .cwd = "sub" };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_str_eq(pol->cwd, P("sub"));
	policy_free(pol);
	profile_free(p);
}

/* ---- canonicalisation ------------------------------------------------ */

Test(resolve, symlinked_cwd_is_canonicalised)
{
	struct profile *p = workspace_profile();
	mkdirs(P("real/.git"));
	make_link("real", P("link"));

	struct resolve_env env = { .cwd = P("link") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_str_eq(pol->cwd, P("real"));
	cr_expect_str_eq(pol->workspace_roots[0], P("real"));
	cr_expect_not_null(entry(pol, P("real"), false));
	cr_expect_null(entry(pol, P("link"), false));
	cr_expect_eq(policy_access(pol, P("real/.git"), NULL), ACCESS_READ);
	policy_free(pol);
	profile_free(p);
}

Test(resolve, symlinked_writable_root_is_canonicalised)
{
	struct profile *p = profile_new("sym");
	mkdirs(P("real"));
	make_link(P("real"), P("abs-link"));
	make_link("real", P("rel-link"));
	make_link("rel-link", P("chain"));
	mkdirs(P("cwd"));
	add(p, ":root", ACCESS_READ);
	add(p, P("chain/sub/../"), ACCESS_WRITE); /* lexical ".." first: chain itself */
	add(p, P("abs-link/deeper"), ACCESS_WRITE);

	struct resolve_env env = { .cwd = P("cwd") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(count_entries(pol, P("real")), 1);
	cr_expect_eq(entry(pol, P("real"), false)->access, ACCESS_WRITE);
	cr_expect_not_null(entry(pol, P("real/.git"), false));
	/* A writable root below a missing path is marked and reported. */
	const struct policy_entry *deeper = entry(pol, P("real/deeper"), false);
	cr_assert_not_null(deeper);
	cr_expect(deeper->missing);
	cr_expect(has_warning(pol, "writable root " ));
	cr_expect_eq(policy_access(pol, P("real/x"), NULL), ACCESS_WRITE);
	policy_free(pol);
	profile_free(p);
}

Test(resolve, symlinks_above_the_writable_root_are_fine)
{
	/* ws is reached through a symlink that lives in a read-only place: the
	 * command cannot replace it, so protected paths below are enforceable. */
	struct profile *p = profile_new("above");
	mkdirs(P("store/ws/.git"));
	make_link("store", P("alias"));
	mkdirs(P("cwd"));
	add(p, ":root", ACCESS_READ);
	add(p, P("alias/ws"), ACCESS_WRITE);
	add(p, P("alias/ws/secret"), ACCESS_NONE);

	struct resolve_env env = { .cwd = P("cwd") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(policy_access(pol, P("store/ws/x"), NULL), ACCESS_WRITE);
	cr_expect_eq(policy_access(pol, P("store/ws/secret"), NULL), ACCESS_NONE);
	cr_expect_eq(policy_access(pol, P("store/ws/.git"), NULL), ACCESS_READ);
	policy_free(pol);
	profile_free(p);
}

Test(resolve, protected_symlink_fails_closed)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws/decoy"));
	make_link("decoy", P("ws/.cordon"));

	struct resolve_env env = { .cwd = P("ws") };
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, P("ws/.cordon")), "names the path: %s", msg);
	cr_expect(strstr(msg, "-> decoy"), "names the target: %s", msg);
	cr_expect(strstr(msg, S("writable root %s", P("ws"))), "names the root: %s",
		  msg);
	cr_expect(strstr(msg, "refusing to run"), "%s", msg);
	profile_free(p);
}

Test(resolve, deny_through_symlink_fails_closed)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws/real"));
	write_file(P("ws/real/secret"), "s");
	make_link("real", P("ws/link"));
	add_ws(p, "link/secret", ACCESS_NONE);

	struct resolve_env env = { .cwd = P("ws") };
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, "test.toml:7:3: ") == msg, "%s", msg);
	cr_expect(strstr(msg, P("ws/link/secret")), "names the path: %s", msg);
	cr_expect(strstr(msg, S("%s -> real", P("ws/link"))), "names the link: %s",
		  msg);
	cr_expect(strstr(msg, S("writable root %s", P("ws"))), "names the root: %s",
		  msg);
	profile_free(p);

	/* Read-only entries and deny globs are restrictions too. */
	p = workspace_profile();
	add_ws(p, "link/docs", ACCESS_READ);
	resolve_fail(p, &env);
	profile_free(p);
	p = workspace_profile();
	add_ws(p, "link/**/*.key", ACCESS_NONE);
	resolve_fail(p, &env);
	profile_free(p);
}

Test(resolve, writable_path_through_symlink_fails_closed)
{
	/* A previous run could have planted ws/build -> ~/.ssh; granting write
	 * through it would hand the next run the user's keys. */
	struct profile *p = workspace_profile();
	mkdirs(P("ws"));
	mkdirs(P("outside"));
	make_link(P("outside"), P("ws/build"));
	add_ws(p, "build", ACCESS_WRITE);

	struct resolve_env env = { .cwd = P("ws") };
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, P("ws/build")) && strstr(msg, "could replace"), "%s", msg);
	profile_free(p);
}

Test(resolve, symlink_in_read_only_place_is_fine)
{
	/* ws/ro is a read-only carve-out: the command cannot replace its links. */
	struct profile *p = workspace_profile();
	mkdirs(P("ws/ro/real"));
	make_link("real", P("ws/ro/link"));
	add_ws(p, "ro", ACCESS_READ);
	add_ws(p, "ro/link/secret", ACCESS_NONE);

	struct resolve_env env = { .cwd = P("ws") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(policy_access(pol, P("ws/ro/real/secret"), NULL), ACCESS_NONE);
	cr_expect_eq(policy_access(pol, P("ws/ro/real/other"), NULL), ACCESS_READ);
	policy_free(pol);
	profile_free(p);
}

/* ---- git ------------------------------------------------------------- */

Test(resolve, gitdir_file_protects_its_target_and_commondir)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws"));
	mkdirs(P("gits/common/hooks"));
	mkdirs(P("gits/common/worktrees/ws"));
	write_file(P("gits/common/worktrees/ws/commondir"), "../..\n");
	write_file(P("ws/.git"), S("gitdir: %s\n", P("gits/common/worktrees/ws")));
	add(p, P("gits"), ACCESS_WRITE);

	struct resolve_env env = { .cwd = P("ws") };
	struct policy *pol = resolve_ok(p, &env);
	struct query q[] = {
		{ P("ws/.git"), ACCESS_READ },
		{ P("gits/common/worktrees/ws"), ACCESS_READ },
		{ P("gits/common/worktrees/ws/HEAD"), ACCESS_READ },
		{ P("gits/common/hooks/pre-commit"), ACCESS_READ },
		{ P("gits/common/config"), ACCESS_READ },
		{ P("gits/other"), ACCESS_WRITE },
	};
	check_access(pol, q, ELEMENTSOF(q));
	cr_expect_eq(entry(pol, P("gits/common/worktrees/ws"), false)->origin, ORIGIN_GITDIR);
	cr_expect_eq(entry(pol, P("gits/common"), false)->origin, ORIGIN_GITDIR);
	policy_free(pol);
	profile_free(p);
}

Test(resolve, relative_gitdir_and_not_writable_target)
{
	/* Without :slash_tmp: the test directory lives in /tmp. */
	struct profile *p = profile_new("ws");
	add(p, ":root", ACCESS_READ);
	add_ws(p, ".", ACCESS_WRITE);
	mkdirs(P("ws/sub"));
	mkdirs(P("ws/modules/sub"));
	mkdirs(P("ro/gitdir"));
	/* A submodule: gitdir relative to the directory holding .git. */
	write_file(P("ws/sub/.git"), "gitdir: ../modules/sub\n");
	write_file(P("ws/.git"), S("gitdir: %s\n", P("ro/gitdir")));
	add_ws(p, "sub", ACCESS_WRITE);

	struct resolve_env env = { .cwd = P("ws") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(policy_access(pol, P("ws/modules/sub/config"), NULL), ACCESS_READ);
	cr_expect_eq(entry(pol, P("ws/modules/sub"), false)->origin, ORIGIN_GITDIR);
	cr_expect_eq(policy_access(pol, P("ws/modules/other"), NULL), ACCESS_WRITE);
	/* Already read-only (":root = read"): no entry needed. */
	cr_expect_null(entry(pol, P("ro/gitdir"), false));
	policy_free(pol);
	profile_free(p);
}

Test(resolve, gitdir_through_symlink_in_root_fails_closed)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws"));
	mkdirs(P("elsewhere"));
	make_link(P("elsewhere"), P("ws/gd"));
	write_file(P("ws/.git"), "gitdir: gd\n");

	struct resolve_env env = { .cwd = P("ws") };
	const char *msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, S("%s: protected path is a symlink (%s -> %s)", P("ws/gd"),
					P("ws/gd"), P("elsewhere"))),
		  "%s", msg);
	profile_free(p);

	/* The same link one level down: the gitdir goes through it. */
	p = workspace_profile();
	write_file(P("ws/.git"), "gitdir: gd/wt\n");
	msg = resolve_fail(p, &env);
	cr_expect(strstr(msg, S("%s: protected path goes through a symlink (%s -> ",
					P("ws/gd/wt"), P("ws/gd"))),
		  "%s", msg);
	profile_free(p);
}

Test(resolve, git_fifo_does_not_hang, .timeout = 10)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws"));
	cr_assert_eq(mkfifo(P("ws/.git"), 0600), 0);

	struct resolve_env env = { .cwd = P("ws") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(policy_access(pol, P("ws/.git"), NULL), ACCESS_READ);
	policy_free(pol);
	profile_free(p);
}

/* ---- globs ----------------------------------------------------------- */

Test(resolve, glob_on_read_or_write_is_an_error)
{
	static const struct {
		const char *spec;
		bool ws;
		enum access access;
	} cases[] = {
		{ "/x/*.c", false, ACCESS_READ },
		{ "/x/*.c", false, ACCESS_WRITE },
		{ "**/*.c", true, ACCESS_READ },
		{ "src/**/gen", true, ACCESS_WRITE },
		{ "/x/*/**", false, ACCESS_READ }, /* still a glob after stripping */
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct profile *p = profile_new("glob");
		if (cases[i].ws)
			add_ws(p, cases[i].spec, cases[i].access);
		else
			add(p, cases[i].spec, cases[i].access);
		struct resolve_env env = { .cwd = D };
		const char *msg = resolve_fail(p, &env);
		cr_expect(strstr(msg, "test.toml:7:3: ") == msg, "case %zu: %s", i, msg);
		cr_expect(strstr(msg, S("glob '%s' is only allowed with access none",
						cases[i].spec)),
			  "case %zu: %s", i, msg);
		profile_free(p);
	}
}

Test(resolve, malformed_glob_is_an_error)
{
	static const char *const bad[] = { "/x/[ab", "/x/a\\", "/x/**/../y*" };

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct profile *p = profile_new("glob");
		profile_add_entry(p, SPECIAL_NONE, bad[i], true, ACCESS_NONE, here);
		struct resolve_env env = { .cwd = D };
		const char *msg = resolve_fail(p, &env);
		cr_expect(strstr(msg, bad[i]), "case %zu: %s", i, msg);
		profile_free(p);
	}
}

Test(resolve, trailing_globstar_is_stripped)
{
	struct profile *p = profile_new("strip");
	mkdirs(P("ws/docs"));
	mkdirs(P("home"));
	add(p, "/**", ACCESS_READ);
	add_ws(p, "docs/**", ACCESS_WRITE);
	add(p, "~/**", ACCESS_WRITE);
	add_ws(p, "build/**", ACCESS_NONE); /* on none it stays a glob */

	struct resolve_env env = { .cwd = P("ws"), .home = P("home") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_not_null(entry(pol, "/", false));
	cr_expect_not_null(entry(pol, P("ws/docs"), false));
	cr_expect_eq(entry(pol, P("home"), false)->access, ACCESS_WRITE);
	cr_expect_not_null(entry(pol, S("%s/build/**", P("ws")), true));
	cr_expect_eq(policy_access(pol, P("ws/docs/a"), NULL), ACCESS_WRITE);
	cr_expect_eq(policy_access(pol, P("ws/build"), NULL), ACCESS_NONE);
	cr_expect_eq(policy_access(pol, P("ws/x"), NULL), ACCESS_READ);
	policy_free(pol);
	profile_free(p);
}

Test(resolve, glob_prefix_is_canonicalised_and_escaped)
{
	struct profile *p = profile_new("glob");
	mkdirs(P("real/a[1]"));
	make_link("real", P("link"));
	add(p, ":root", ACCESS_READ);
	profile_add_entry(p, SPECIAL_NONE, S("%s/**/*.pem", P("link")), true, ACCESS_NONE,
			  here);
	add_ws(p, "*.log", ACCESS_NONE);

	/* A workspace root whose name has glob characters in it. */
	struct resolve_env env = { .cwd = P("real/a[1]") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_not_null(entry(pol, S("%s/**/*.pem", P("real")), true));
	cr_expect_not_null(entry(pol, S("%s/real/a\\[1\\]/*.log", D), true));
	cr_expect_eq(policy_access(pol, P("real/x/key.pem"), NULL), ACCESS_NONE);
	cr_expect_eq(policy_access(pol, P("real/a[1]/x.log"), NULL), ACCESS_NONE);
	cr_expect_eq(policy_access(pol, P("real/a[1]/x.txt"), NULL), ACCESS_READ);
	cr_expect_eq(policy_access(pol, P("real/a1/x.log"), NULL), ACCESS_READ);
	policy_free(pol);
	profile_free(p);
}

/* ---- dedupe, order, copies -------------------------------------------- */

Test(resolve, duplicates_are_merged)
{
	struct profile *p = profile_new("dup");
	mkdirs(P("ws"));
	make_link("ws", P("ws-link"));
	add(p, ":root", ACCESS_READ);
	add(p, "/", ACCESS_READ);
	add(p, P("ws"), ACCESS_READ);
	add_ws(p, ".", ACCESS_WRITE);
	/* The same path through a symlink outside any writable root. */
	add(p, P("ws-link"), ACCESS_READ);
	add(p, P("gone"), ACCESS_WRITE);
	add(p, P("gone/"), ACCESS_READ);

	char *const extra[] = { P("ws-link"), NULL };
	struct resolve_env env = { .cwd = P("ws"), .workspace_roots = extra };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(strv_length(pol->workspace_roots), 1);
	cr_expect_eq(count_entries(pol, "/"), 1);
	cr_expect_eq(count_entries(pol, P("ws")), 1);
	cr_expect_eq(entry(pol, P("ws"), false)->access, ACCESS_WRITE, "write beats read");
	/* A missing writable entry loses to an existing one at the same path. */
	cr_expect_eq(count_entries(pol, P("gone")), 1);
	cr_expect_eq(entry(pol, P("gone"), false)->access, ACCESS_READ);
	cr_expect_not(has_warning(pol, "does not exist"));
	policy_free(pol);
	profile_free(p);
}

Test(resolve, missing_writable_root_warns)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws"));
	add(p, P("nope"), ACCESS_WRITE);
	add(p, P("nope/deeper"), ACCESS_WRITE);

	struct resolve_env env = { .cwd = P("ws") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect(has_warning(pol, S("writable root %s does not exist; skipped",
					     P("nope"))));
	cr_expect(has_warning(pol, S("writable root %s does not exist; skipped",
					     P("nope/deeper"))));
	cr_expect(entry(pol, P("nope"), false)->missing);
	cr_expect_null(entry(pol, P("nope/.git"), false), "no protected names below it");
	cr_expect_eq(policy_access(pol, P("nope/x"), NULL), ACCESS_WRITE, "/tmp decides");
	policy_free(pol);
	profile_free(p);
}

Test(resolve, writable_file_root)
{
	struct profile *p = profile_new("file");
	write_file(P("one.txt"), "x");
	add(p, P("one.txt"), ACCESS_WRITE);

	struct resolve_env env = { .cwd = D };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(pol->n_entries, 1, "no protected names below a file");
	cr_expect_eq(policy_access(pol, P("one.txt"), NULL), ACCESS_WRITE);
	policy_free(pol);
	profile_free(p);
}

Test(resolve, entries_are_sorted)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws/a/b"));
	add_ws(p, "**/*.env", ACCESS_NONE);
	add_ws(p, "a/b", ACCESS_NONE);
	add(p, "/etc/ssl", ACCESS_NONE);
	add(p, "/etc/**/*.key", ACCESS_NONE);

	struct resolve_env env = { .cwd = P("ws") };
	struct policy *pol = resolve_ok(p, &env);
	bool seen_glob = false;
	for (size_t i = 0; i < pol->n_entries; i++) {
		const struct policy_entry *e = &pol->entries[i];
		if (seen_glob)
			cr_expect(e->glob, "globs last: %s", e->path);
		seen_glob |= e->glob;
		if (i == 0 || e->glob || pol->entries[i - 1].glob)
			continue;
		const struct policy_entry *prev = &pol->entries[i - 1];
		unsigned dp = path_depth(prev->path), de = path_depth(e->path);
		cr_expect(dp < de || (dp == de && strcmp(prev->path, e->path) < 0),
			  "order: %s before %s", prev->path, e->path);
	}
	cr_expect(seen_glob);
	policy_free(pol);
	profile_free(p);
}

Test(resolve, copies_profile_settings)
{
	struct profile *p = workspace_profile();
	mkdirs(P("ws"));
	free(p->name);
	p->name = xstrdup("dev");
	p->glob_scan_max_depth = 4;
	p->landlock_ignore_carveouts = true;
	p->network.mode = NETWORK_PROXY;
	p->network.approvals = APPROVALS_ASK;
	p->network.allow_local_binding = true;
	profile_add_domain(p, "github.com", true, (struct source_location){ "net.toml", 2, 1 });
	profile_add_domain(p, "evil.example.com", false, here);
	strv_push(&p->protected_names, ".git");
	strv_push(&p->protected_names, ".secret");
	p->set |= PROFILE_SET_PROTECTED_NAMES;

	struct resolve_env env = { .cwd = P("ws") };
	struct policy *pol = resolve_ok(p, &env);
	profile_free(p); /* the policy must not point into the profile */

	cr_expect_str_eq(pol->profile_name, "dev");
	cr_expect_eq(pol->fs_kind, FS_RESTRICTED);
	cr_expect_eq(pol->glob_scan_max_depth, 4);
	cr_expect(pol->landlock_ignore_carveouts);
	cr_expect_eq(pol->network.mode, NETWORK_PROXY);
	cr_expect_eq(pol->network.approvals, APPROVALS_ASK);
	cr_expect(pol->network.allow_local_binding);
	cr_assert_eq(pol->network.n_domains, 2);
	cr_expect_str_eq(pol->network.domains[0].pattern, "github.com");
	cr_expect(pol->network.domains[0].allow);
	cr_expect_str_eq(pol->network.domains[0].where.file, "net.toml");
	cr_expect(strv_length(pol->protected_names) == 2);
	cr_expect_not_null(entry(pol, P("ws/.secret"), false));
	cr_expect_null(entry(pol, P("ws/.cordon"), false), "the profile's own list replaces");
	for (size_t i = 0; i < pol->n_entries; i++) {
		const char *f = pol->entries[i].where.file;
		if (f)
			cr_expect(strv_contains(pol->sources, f) &&
					  (f == pol->sources[0] || f == pol->sources[1] ||
					   f == pol->sources[2]),
				  "where.file points into policy->sources");
	}
	policy_free(pol);
}

/* ---- other kinds ------------------------------------------------------ */

Test(resolve, unrestricted_keeps_denies_without_protected_names)
{
	struct profile *p = profile_new(":danger-full-access");
	mkdirs(P("ws/.git"));
	mkdirs(P("home/.ssh"));
	p->fs_kind = FS_UNRESTRICTED;
	add(p, "~/.ssh", ACCESS_NONE);
	add_ws(p, "**/.env", ACCESS_NONE);

	struct resolve_env env = { .cwd = P("ws"), .home = P("home") };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_null(pol->protected_names);
	for (size_t i = 0; i < pol->n_entries; i++)
		cr_expect_eq(pol->entries[i].origin, ORIGIN_PROFILE);
	struct query q[] = {
		{ "/etc/passwd", ACCESS_WRITE },
		{ P("ws/.git/config"), ACCESS_WRITE },
		{ P("ws/a/.env"), ACCESS_NONE },
		{ P("home/.ssh/id_rsa"), ACCESS_NONE },
		{ P("home/x"), ACCESS_WRITE },
	};
	check_access(pol, q, ELEMENTSOF(q));
	policy_free(pol);
	profile_free(p);
}

Test(resolve, external_is_write_everywhere)
{
	struct profile *p = profile_new("ext");
	p->fs_kind = FS_EXTERNAL;
	add(p, "/etc", ACCESS_NONE);

	struct resolve_env env = { .cwd = D };
	struct policy *pol = resolve_ok(p, &env);
	cr_expect_eq(pol->fs_kind, FS_EXTERNAL);
	cr_expect_eq(policy_access(pol, "/etc/passwd", NULL), ACCESS_WRITE);
	cr_expect_null(pol->protected_names);
	policy_free(pol);
	profile_free(p);
}
