/* The Seatbelt generator, checked without a Mac: an evaluator of the SBPL
 * it emits (sbpl_eval.c) reads the access of each path out of the generated
 * profile, which must equal policy_access() for the same path: for the
 * shared table (tests/cases/access.table), for every path near each case's
 * entries, and for thousands of generated policies. The regexes are checked
 * against glob_match() and regcomp(3); the profiles against golden files
 * (CORDON_UPDATE_GOLDEN=1 rewrites them). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <regex.h>
#include <stdint.h>
#include <sys/stat.h>

#include "access_table.h"
#include "macos/seatbelt.h"
#include "macos/seatbelt_regex.h"
#include "policy/glob.h"
#include "sbpl_eval.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"

#define TABLE      TEST_SRCDIR "/../cases/access.table"
#define GOLDEN_DIR TEST_SRCDIR "/../golden/seatbelt"

/* ---- helpers ---- */

static struct seatbelt_profile *build(const struct policy *p, const unsigned *ports, size_t n)
{
	struct seatbelt_options o = { .proxy_ports = ports, .n_proxy_ports = n };
	struct seatbelt_profile *sp = NULL;
	struct error err = {};
	int r = seatbelt_profile_build(p, &o, &sp, &err);

	cr_assert_geq(r, 0, "seatbelt_profile_build: %s", err.message);
	return sp;
}

static struct sbpl_profile *compile(const struct seatbelt_profile *sp)
{
	struct sbpl_profile *sb = NULL;
	char err[512];
	int r = sbpl_compile(sp->text, sp->params, &sb, err, sizeof(err));

	cr_assert_eq(r, 0, "the evaluator rejects the profile: %s\n%s", err, sp->text);
	return sb;
}

static bool allows(const struct sbpl_profile *sb, const char *op, const char *path)
{
	struct sbpl_query q = { .op = op, .path = path };

	return sbpl_allows(sb, &q);
}

/* The access the profile gives PATH, after checking that the operations
 * that belong together agree (executing and mapping go with reading,
 * creating with writing). */
static enum access eval_access(const struct sbpl_profile *sb, const char *path, const char *ctx)
{
	bool r = allows(sb, "file-read-data", path);
	bool w = allows(sb, "file-write-data", path);

	cr_assert(!w || r, "%s: %s is writable but not readable", ctx, path);
	cr_assert_eq(allows(sb, "file-read-metadata", path) || !r, true,
		     "%s: %s readable without its metadata", ctx, path);
	cr_assert_eq(allows(sb, "process-exec", path), r, "%s: %s exec != read", ctx, path);
	cr_assert_eq(allows(sb, "file-map-executable", path), r, "%s: %s mmap-exec != read", ctx,
		     path);
	cr_assert_eq(allows(sb, "file-write-create", path), w, "%s: %s create != write", ctx, path);
	cr_assert(!allows(sb, "file-write-unlink", path) || w, "%s: %s unlink without write", ctx,
		  path);
	return w ? ACCESS_WRITE : r ? ACCESS_READ : ACCESS_NONE;
}

static char *describe(const struct policy *p)
{
	struct strbuf b = { 0 };

	strbuf_printf(&b, "kind %s:", fs_kind_to_string(p->fs_kind));
	for (size_t i = 0; i < p->n_entries; i++)
		strbuf_printf(&b, " %s%s=%s", p->entries[i].glob ? "glob:" : "", p->entries[i].path,
			      access_to_string(p->entries[i].access));
	return strbuf_steal(&b);
}

static void add_probe(char ***v, const char *p)
{
	_cleanup_free_ char *n = path_normalize(p);

	if (n && !strv_contains(*v, n))
		strv_push(v, n);
}

/* Paths near everything the policy names: where a wrong rule would show. */
static char **probes(const struct policy *mac)
{
	char **v = NULL;

	add_probe(&v, "/");
	add_probe(&v, "/unrelated/x");
	for (size_t i = 0; i < mac->n_entries; i++) {
		const struct policy_entry *e = &mac->entries[i];
		_cleanup_free_ char *base =
			e->glob ? glob_static_prefix(e->path) : xstrdup(e->path);
		_cleanup_free_ char *parent = path_parent(base);
		_cleanup_free_ char *c1 = xasprintf("%s/x", base);
		_cleanup_free_ char *c2 = xasprintf("%s/x/y", base);
		_cleanup_free_ char *sib = xasprintf("%sx", base);
		add_probe(&v, base);
		add_probe(&v, parent);
		add_probe(&v, c1);
		add_probe(&v, c2);
		if (!streq(base, "/"))
			add_probe(&v, sib);
	}
	return v;
}

static char *upper(const char *s)
{
	char *u = xstrdup(s);

	for (char *c = u; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return u;
}

/* The whole check for one policy: every probe (and the extra paths) gets
 * exactly policy_access() of the macOS policy; a path in another case
 * never gets more than the path it names on a case-insensitive volume. */
static void check_policy(const char *ctx, const struct policy *p, const unsigned *ports,
			 size_t n_ports, char *const *extra)
{
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, ports, n_ports);
	struct sbpl_profile *sb = compile(sp);
	_cleanup_policy_free_ struct policy *mac = seatbelt_macos_policy(p);
	_cleanup_strv_free_ char **v = probes(mac);
	_cleanup_free_ char *desc = describe(mac);

	STRV_FOREACH (x, extra) {
		_cleanup_free_ char *m = seatbelt_macos_path(*x);
		add_probe(&v, m);
	}
	STRV_FOREACH (q, v) {
		enum access want = policy_access(mac, *q, NULL);
		enum access got = eval_access(sb, *q, ctx);
		cr_expect_eq(got, want, "%s: %s: profile gives %s, policy_access %s [%s]", ctx, *q,
			     access_to_string(got), access_to_string(want), desc);
		_cleanup_free_ char *u = upper(*q);
		if (!streq(u, *q)) {
			enum access gu = eval_access(sb, u, ctx);
			cr_expect_leq(gu, want, "%s: %s gets %s, more than %s has (%s) [%s]", ctx, u,
				      access_to_string(gu), *q, access_to_string(want), desc);
		}
	}
	sbpl_free(sb);
}

static struct access_case *load_table(size_t *ret_n)
{
	struct access_case *cases = NULL;
	char err[512];
	int r = access_table_load(TABLE, &cases, ret_n, err, sizeof(err));

	cr_assert_eq(r, 0, "%s", err);
	cr_assert_gt(*ret_n, 0);
	return cases;
}

/* ---- the shared table ---- */

Test(access_table, policy_access_gives_every_expectation)
{
	size_t n;
	struct access_case *cases = load_table(&n);

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < cases[i].n_expects; j++) {
			const struct access_expect *x = &cases[i].expects[j];
			enum access got = policy_access(cases[i].policy, x->path, NULL);
			cr_expect_eq(got, x->want, "access.table:%u (%s): %s is %s, the table says %s",
				     x->line, cases[i].name, x->path, access_to_string(got),
				     access_to_string(x->want));
		}
	access_table_free(cases, n);
}

Test(seatbelt, profile_gives_every_expectation_of_the_table)
{
	size_t n;
	struct access_case *cases = load_table(&n);

	for (size_t i = 0; i < n; i++) {
		const struct access_case *c = &cases[i];
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp =
			build(c->policy, c->proxy_ports, c->n_proxy_ports);
		struct sbpl_profile *sb = compile(sp);
		for (size_t j = 0; j < c->n_expects; j++) {
			const struct access_expect *x = &c->expects[j];
			_cleanup_free_ char *m = seatbelt_macos_path(x->path);
			enum access got = eval_access(sb, m, c->name);
			cr_expect_eq(got, x->want, "access.table:%u (%s): the profile gives %s %s, "
						   "the table says %s",
				     x->line, c->name, m, access_to_string(got), access_to_string(x->want));
		}
		sbpl_free(sb);
	}
	access_table_free(cases, n);
}

Test(seatbelt, profile_agrees_with_policy_access_near_every_entry_of_the_table)
{
	size_t n;
	struct access_case *cases = load_table(&n);

	for (size_t i = 0; i < n; i++) {
		_cleanup_strv_free_ char **extra = NULL;
		for (size_t j = 0; j < cases[i].n_expects; j++)
			strv_push(&extra, cases[i].expects[j].path);
		check_policy(cases[i].name, cases[i].policy, cases[i].proxy_ports,
			     cases[i].n_proxy_ports, extra);
	}
	access_table_free(cases, n);
}

/* ---- generated policies ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

Test(seatbelt, random_policies_agree_with_policy_access)
{
	static const char *const names[] = { "a", "b", ".git" };
	static const char *const globs[] = {
		"/**/b", "/a/*", "/*/.git/**", "/a/**/a", "/[ab]/b", "/?", "/b/**/.git",
		"/*/*/a", "/a/b", "/**/[!.]", "/.g*", "/**/.git/b", "/a/**", "/*/b/*", "/*/[!.]*",
	};
	static const enum access accesses[] = { ACCESS_NONE, ACCESS_READ, ACCESS_WRITE };
	_cleanup_strv_free_ char **universe = NULL;

	strv_push(&universe, "/");
	for (size_t i = 0; i < strv_length(universe); i++) {
		if (path_depth(universe[i]) >= 3)
			continue;
		for (size_t k = 0; k < ELEMENTSOF(names); k++) {
			_cleanup_free_ char *c = path_join(universe[i], names[k]);
			strv_push(&universe, c);
		}
	}
	cr_assert_eq(strv_length(universe), 40);

	for (unsigned iter = 0; iter < 3000; iter++) {
		_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));
		unsigned k = rnd(20);
		p->fs_kind = k < 16 ? FS_RESTRICTED : k < 19 ? FS_UNRESTRICTED : FS_EXTERNAL;
		p->cwd = xstrdup("/");
		unsigned n_entries = rnd(7), n_globs = rnd(3);
		for (unsigned i = 0; i < n_entries + n_globs; i++) {
			bool glob = i >= n_entries;
			const char *path = glob ? globs[rnd(ELEMENTSOF(globs))]
						: universe[rnd(strv_length(universe))];
			p->entries = xrealloc(p->entries, (p->n_entries + 1) * sizeof(*p->entries));
			p->entries[p->n_entries++] = (struct policy_entry){
				.path = xstrdup(path),
				.access = glob ? ACCESS_NONE : accesses[rnd(3)],
				.glob = glob,
				.origin = ORIGIN_PROFILE,
			};
		}
		if (p->n_entries > 0)
			policy_sort_entries(p);
		_cleanup_free_ char *ctx = xasprintf("random policy %u", iter);
		check_policy(ctx, p, NULL, 0, universe);
	}
}

/* ---- regexes ---- */

static bool regex_matches(const char *re, const char *s)
{
	regex_t r;
	int k = regcomp(&r, re, REG_EXTENDED | REG_NOSUB);

	cr_assert_eq(k, 0, "regcomp rejects '%s'", re);
	bool m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

Test(seatbelt_regex, literal_escapes_every_metacharacter)
{
	for (int c = 1; c < 256; c++) {
		char s[] = { 'a', (char)c, 'b', '\0' };
		struct strbuf b = { 0 };
		strbuf_putc(&b, '^');
		seatbelt_regex_literal(&b, s, false);
		strbuf_putc(&b, '$');
		cr_expect(regex_matches(b.s, s), "0x%02x: '%s' does not match itself", c, b.s);
		for (int d = 1; d < 256; d++) {
			char t[] = { 'a', (char)d, 'b', '\0' };
			if (d != c)
				cr_expect(!regex_matches(b.s, t), "0x%02x: '%s' matches 0x%02x", c, b.s, d);
		}
		char longer[] = { 'a', (char)c, (char)c, 'b', '\0' };
		cr_expect(!regex_matches(b.s, longer), "0x%02x: '%s' repeats", c, b.s);
		strbuf_free(&b);
	}
}

Test(seatbelt_regex, anycase_literal)
{
	struct strbuf b = { 0 };

	strbuf_putc(&b, '^');
	seatbelt_regex_literal(&b, "/Users/u/.git", true);
	strbuf_putc(&b, '$');
	cr_expect(regex_matches(b.s, "/users/U/.GIT"));
	cr_expect(regex_matches(b.s, "/Users/u/.git"));
	cr_expect(!regex_matches(b.s, "/Users/u/.gi"));
	cr_expect(!regex_matches(b.s, "/Users/u/xgit"));
	strbuf_free(&b);
}

static char *random_string(const char *alphabet, unsigned max_len)
{
	unsigned n = 1 + rnd(max_len);
	char *s = xmalloc(n + 1);

	for (unsigned i = 0; i < n; i++)
		s[i] = alphabet[rnd((unsigned)strlen(alphabet))];
	s[n] = '\0';
	return s;
}

static char *random_path(const char *alphabet, unsigned max_comps, bool glob)
{
	struct strbuf b = { 0 };
	unsigned n = 1 + rnd(max_comps);

	for (unsigned i = 0; i < n; i++) {
		strbuf_putc(&b, '/');
		if (glob && rnd(5) == 0) {
			strbuf_puts(&b, "**");
			continue;
		}
		_cleanup_free_ char *c = random_string(alphabet, 4);
		strbuf_puts(&b, c);
	}
	return strbuf_steal(&b);
}

Test(seatbelt_regex, globs_match_what_glob_match_matches)
{
	/* Metacharacters on both sides: paths may hold '[', '*' and '\'. */
	static const char pattern_chars[] = "ab*?[]!^-\\.\xe9";
	static const char path_chars[] = "ab[]!^-\\*?.\xe9";
	unsigned checked = 0;

	for (unsigned iter = 0; iter < 20000; iter++) {
		_cleanup_free_ char *pattern = random_path(pattern_chars, 3, true);
		if (glob_validate(pattern, NULL) < 0)
			continue;
		_cleanup_(seatbelt_glob_freep) struct seatbelt_glob *g = NULL;
		cr_assert_eq(seatbelt_glob_compile(pattern, false, &g), 0);
		struct strbuf re = { 0 };
		strbuf_putc(&re, '^');
		seatbelt_glob_regex(g, 0, &re);
		strbuf_putc(&re, '$');
		for (unsigned j = 0; j < 20; j++) {
			_cleanup_free_ char *path = random_path(path_chars, 3, false);
			bool want = glob_match(pattern, path);
			cr_expect_eq(seatbelt_glob_match(g, path), want, "match('%s', '%s') != %d",
				     pattern, path, want);
			if (seatbelt_glob_is_empty(g))
				continue;
			cr_expect_eq(regex_matches(re.s, path), want, "'%s' (from '%s') on '%s' != %d",
				     re.s, pattern, path, want);
			checked++;
		}
		strbuf_free(&re);
	}
	cr_expect_gt(checked, 50000);
}

Test(seatbelt_regex, classes_become_brackets_that_mean_the_same)
{
	static const char *const classes[] = {
		"[]]", "[]-]", "[-]]", "[^]", "[!]]", "[]^]", "[^^]", "[!^]", "[-^]", "[\\\\]",
		"[\\\\a]", "[!\\\\]", "[a-c\\\\-]", "[[]", "[[:]", "[!a-z]", "[ -~]", "[\\]]",
		"[.=:]", "[!.]", "[\x80-\xff]", "[!\x80-\xff]",
	};

	for (size_t i = 0; i < ELEMENTSOF(classes); i++) {
		_cleanup_free_ char *pattern = xasprintf("/x%s", classes[i]);
		if (glob_validate(pattern, NULL) < 0)
			continue;
		_cleanup_(seatbelt_glob_freep) struct seatbelt_glob *g = NULL;
		cr_assert_eq(seatbelt_glob_compile(pattern, false, &g), 0);
		struct strbuf re = { 0 };
		strbuf_putc(&re, '^');
		seatbelt_glob_regex(g, 0, &re);
		strbuf_putc(&re, '$');
		for (int c = 1; c < 256; c++) {
			if (c == '/')
				continue;
			char path[] = { '/', 'x', (char)c, '\0' };
			bool want = glob_match(pattern, path);
			cr_expect_eq(regex_matches(re.s, path), want, "%s as '%s' on 0x%02x != %d",
				     classes[i], re.s, c, want);
		}
		strbuf_free(&re);
	}
}

Test(seatbelt_regex, anycase_globs_match_every_case)
{
	_cleanup_(seatbelt_glob_freep) struct seatbelt_glob *g = NULL;

	cr_assert_eq(seatbelt_glob_compile("/r/**/*.env", true, &g), 0);
	cr_expect(seatbelt_glob_match(g, "/R/a/PROD.ENV"));
	cr_expect(seatbelt_glob_match(g, "/r/.Env"));
	cr_expect(!seatbelt_glob_match(g, "/r/a/env"));
}

/* ---- what the profile says beyond files ---- */

static struct policy *table_case(struct access_case *cases, size_t n, const char *name,
				 const struct access_case **ret)
{
	for (size_t i = 0; i < n; i++)
		if (streq(cases[i].name, name)) {
			*ret = &cases[i];
			return cases[i].policy;
		}
	cr_assert_fail("no case %s in the table", name);
	return NULL;
}

Test(seatbelt, no_path_is_part_of_the_profile_text)
{
	static const char evil[] = "/w/\") (allow default) (allow file* (subpath \"/x";
	_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));

	policy_add_entry(p, "/opt/marker", ACCESS_READ, ORIGIN_PROFILE, NULL);
	policy_add_entry(p, evil, ACCESS_WRITE, ORIGIN_PROFILE, NULL);
	policy_add_entry(p, "/w/a\nb", ACCESS_NONE, ORIGIN_PROFILE, NULL);
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
	cr_expect_null(strstr(sp->text, "allow default"), "%s", sp->text);
	cr_expect_null(strstr(sp->text, "/w/"), "%s", sp->text);
	cr_expect_null(strstr(sp->text, "marker"), "%s", sp->text);
	struct sbpl_profile *sb = compile(sp);
	cr_expect_eq(eval_access(sb, "/usr/bin/env", "evil"), ACCESS_NONE);
	cr_expect_eq(eval_access(sb, evil, "evil"), ACCESS_WRITE);
	cr_expect_eq(eval_access(sb, "/opt/marker/x", "evil"), ACCESS_READ);
	sbpl_free(sb);
}

Test(seatbelt, macos_spellings)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "/tmp", "/private/tmp" },     { "/tmp/x", "/private/tmp/x" },
		{ "/tmpx", "/tmpx" },           { "/var/folders/a", "/private/var/folders/a" },
		{ "/etc", "/private/etc" },     { "/private/tmp", "/private/tmp" },
		{ "/Users/u", "/Users/u" },     { "/", "/" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *got = seatbelt_macos_path(cases[i].in);
		cr_expect_str_eq(got, cases[i].out);
	}
}

Test(seatbelt, minimal_is_the_macos_list)
{
	size_t n;
	struct access_case *cases = load_table(&n);
	const struct access_case *c;
	struct policy *p = table_case(cases, n, "minimal-and-workspace", &c);
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
	struct sbpl_profile *sb = compile(sp);
	static const struct {
		const char *path;
		enum access want;
	} q[] = {
		{ "/System/Library/Frameworks/Foundation.framework/Foundation", ACCESS_READ },
		{ "/usr/lib/libSystem.B.dylib", ACCESS_READ },
		{ "/private/etc/hosts", ACCESS_READ },
		{ "/private/var/select/sh", ACCESS_READ },
		{ "/Library/Developer/CommandLineTools/usr/bin/clang", ACCESS_READ },
		{ "/Library/Keychains/System.keychain", ACCESS_NONE },
		{ "/Users/u/.ssh/id_ed25519", ACCESS_NONE },
		{ "/private/var/folders/zz/T/x", ACCESS_NONE },
		{ "/work/repo/x", ACCESS_WRITE },
	};

	for (size_t i = 0; i < ELEMENTSOF(q); i++)
		cr_expect_eq(eval_access(sb, q[i].path, "minimal"), q[i].want, "%s", q[i].path);
	sbpl_free(sb);
	access_table_free(cases, n);
}

Test(seatbelt, devices_are_the_sandboxs_own_unless_the_policy_says_otherwise)
{
	_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));

	policy_add_entry(p, "/work", ACCESS_WRITE, ORIGIN_PROFILE, NULL);
	{
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
		struct sbpl_profile *sb = compile(sp);
		cr_expect(allows(sb, "file-read-data", "/dev/null"));
		cr_expect(allows(sb, "file-write-data", "/dev/null"));
		cr_expect(allows(sb, "file-write-data", "/dev/fd/1"));
		cr_expect(allows(sb, "file-read-data", "/dev/urandom"));
		cr_expect(allows(sb, "file-read-data", "/dev"));
		cr_expect(!allows(sb, "file-write-data", "/dev"));
		/* The inherited terminal: ioctls only; no other terminal opens. */
		cr_expect(allows(sb, "file-ioctl", "/dev/ttys003"));
		cr_expect(!allows(sb, "file-read-data", "/dev/ttys003"));
		cr_expect(!allows(sb, "file-write-data", "/dev/ttys003"));
		cr_expect(!allows(sb, "file-read-data", "/dev/disk0"));
		cr_expect(!allows(sb, "file-write-create", "/dev/null2"));
		sbpl_free(sb);
	}
	policy_add_entry(p, "/dev/null", ACCESS_NONE, ORIGIN_PROFILE, NULL);
	policy_add_entry(p, "/dev/z*", ACCESS_NONE, ORIGIN_PROFILE, NULL);
	p->entries[p->n_entries - 1].glob = true;
	policy_sort_entries(p);
	{
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
		struct sbpl_profile *sb = compile(sp);
		cr_expect(!allows(sb, "file-read-data", "/dev/null"));
		cr_expect(!allows(sb, "file-read-data", "/dev/zero"));
		cr_expect(allows(sb, "file-read-data", "/dev/urandom"));
		sbpl_free(sb);
	}
}

Test(seatbelt, writable_roots_and_what_holds_protected_paths_are_pinned)
{
	_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));

	policy_add_entry(p, "/", ACCESS_READ, ORIGIN_PROFILE, NULL);
	policy_add_entry(p, "/w", ACCESS_WRITE, ORIGIN_PROFILE, NULL);
	policy_add_entry(p, "/w/.git", ACCESS_READ, ORIGIN_PROTECTED, NULL);
	policy_add_entry(p, "/w/a/b/.envrc", ACCESS_READ, ORIGIN_PROTECTED, NULL);
	policy_add_entry(p, "/tmp", ACCESS_WRITE, ORIGIN_PROFILE, NULL);
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
	struct sbpl_profile *sb = compile(sp);

	cr_expect(!allows(sb, "file-write-unlink", "/w"));
	cr_expect(!allows(sb, "file-write-unlink", "/W"));
	cr_expect(!allows(sb, "file-write-unlink", "/w/a"));
	cr_expect(!allows(sb, "file-write-unlink", "/w/a/b"));
	cr_expect(!allows(sb, "file-write-unlink", "/w/.git"));
	cr_expect(!allows(sb, "file-write-unlink", "/private/tmp"));
	cr_expect(allows(sb, "file-write-unlink", "/w/c"));
	cr_expect(allows(sb, "file-write-unlink", "/w/a/c"));
	cr_expect(allows(sb, "file-write-unlink", "/private/tmp/x"));
	/* A missing protected name cannot be created, in any case. */
	cr_expect(!allows(sb, "file-write-create", "/w/.git"));
	cr_expect(!allows(sb, "file-write-create", "/w/.GIT"));
	cr_expect(!allows(sb, "file-write-create", "/w/.Git/hooks/pre-commit"));
	cr_expect(!allows(sb, "file-write-create", "/w/a/b/.ENVRC"));
	cr_expect(allows(sb, "file-write-create", "/w/.gitignore"));
	sbpl_free(sb);
}

Test(seatbelt, deny_globs_match_any_case)
{
	size_t n;
	struct access_case *cases = load_table(&n);
	const struct access_case *c;
	struct policy *p = table_case(cases, n, "deny-globs", &c);
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
	struct sbpl_profile *sb = compile(sp);

	cr_expect_eq(eval_access(sb, "/repo/A/PROD.ENV", "case"), ACCESS_NONE);
	cr_expect_eq(eval_access(sb, "/repo/SECRETS/key", "case"), ACCESS_NONE);
	cr_expect_eq(eval_access(sb, "/repo/a/prod.env", "case"), ACCESS_NONE);
	sbpl_free(sb);
	access_table_free(cases, n);
}

Test(seatbelt, a_missing_writable_root_is_skipped_like_in_the_mount_plan)
{
	_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));

	policy_add_entry(p, "/", ACCESS_READ, ORIGIN_PROFILE, NULL);
	policy_add_entry(p, "/gone", ACCESS_WRITE, ORIGIN_PROFILE, NULL);
	p->entries[1].missing = true;
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
	struct sbpl_profile *sb = compile(sp);
	cr_expect_eq(eval_access(sb, "/gone", "missing"), ACCESS_READ);
	cr_expect_eq(eval_access(sb, "/gone/x", "missing"), ACCESS_READ);
	sbpl_free(sb);
}

static bool net(const struct sbpl_profile *sb, const char *op, const char *remote,
		const char *local)
{
	struct sbpl_query q = { .op = op, .remote = remote, .local = local };

	return sbpl_allows(sb, &q);
}

static bool mach(const struct sbpl_profile *sb, const char *name)
{
	struct sbpl_query q = { .op = "mach-lookup", .name = name };

	return sbpl_allows(sb, &q);
}

Test(seatbelt, network_modes)
{
	size_t n;
	struct access_case *cases = load_table(&n);
	const struct access_case *c;

	{
		struct policy *p = table_case(cases, n, "read-only", &c);
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
		struct sbpl_profile *sb = compile(sp);
		cr_expect(!net(sb, "network-outbound", "localhost:3128", NULL));
		cr_expect(!net(sb, "network-outbound", "example.com:443", NULL));
		cr_expect(!net(sb, "network-bind", NULL, "localhost:8000"));
		cr_expect(!mach(sb, "com.apple.trustd.agent"));
		cr_expect(strv_contains(sp->setenv, "CORDON_SANDBOX_NETWORK_DISABLED=1"));
		sbpl_free(sb);
	}
	{
		struct policy *p = table_case(cases, n, "network-on", &c);
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
		struct sbpl_profile *sb = compile(sp);
		cr_expect(net(sb, "network-outbound", "example.com:443", NULL));
		cr_expect(net(sb, "network-bind", NULL, "localhost:8000"));
		cr_expect(mach(sb, "com.apple.trustd.agent"));
		cr_expect(!strv_contains(sp->setenv, "CORDON_SANDBOX_NETWORK_DISABLED=1"));
		sbpl_free(sb);
	}
	{
		struct policy *p = table_case(cases, n, "network-proxy", &c);
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp =
			build(p, c->proxy_ports, c->n_proxy_ports);
		struct sbpl_profile *sb = compile(sp);
		cr_expect(net(sb, "network-outbound", "localhost:3128", NULL));
		cr_expect(net(sb, "network-outbound", "localhost:1080", NULL));
		cr_expect(!net(sb, "network-outbound", "localhost:8080", NULL));
		cr_expect(!net(sb, "network-outbound", "example.com:443", NULL));
		cr_expect(!net(sb, "network-bind", NULL, "localhost:8000"));
		cr_expect(strv_contains(sp->params, "PROXY_PORT_0=3128"));
		cr_expect(strv_contains(sp->params, "PROXY_PORT_1=1080"));
		sbpl_free(sb);
	}
	{
		struct policy *p = table_case(cases, n, "network-proxy-no-ports", &c);
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
		struct sbpl_profile *sb = compile(sp);
		cr_expect(!net(sb, "network-outbound", "localhost:3128", NULL));
		sbpl_free(sb);
	}
	{
		struct policy *p = table_case(cases, n, "local-binding", &c);
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
		struct sbpl_profile *sb = compile(sp);
		cr_expect(net(sb, "network-bind", NULL, "localhost:8000"));
		cr_expect(net(sb, "network-inbound", NULL, "localhost:8000"));
		cr_expect(net(sb, "network-outbound", "localhost:5432", NULL));
		cr_expect(!net(sb, "network-outbound", "example.com:443", NULL));
		sbpl_free(sb);
	}
	access_table_free(cases, n);
}

Test(seatbelt, bad_proxy_port_is_refused)
{
	_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));
	static const unsigned ports[] = { 70000 };
	struct seatbelt_options o = { .proxy_ports = ports, .n_proxy_ports = 1 };
	struct seatbelt_profile *sp = NULL;
	struct error err = {};

	p->network.mode = NETWORK_PROXY;
	cr_expect_lt(seatbelt_profile_build(p, &o, &sp, &err), 0);
	cr_expect_null(sp);
}

Test(seatbelt, processes_and_services)
{
	_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = build(p, NULL, 0);
	struct sbpl_profile *sb = compile(sp);
	struct sbpl_query q = { .op = "process-fork" };

	cr_expect(sbpl_allows(sb, &q));
	q = (struct sbpl_query){ .op = "signal", .same_sandbox = true };
	cr_expect(sbpl_allows(sb, &q));
	q = (struct sbpl_query){ .op = "signal", .same_sandbox = false };
	cr_expect(!sbpl_allows(sb, &q));
	q = (struct sbpl_query){ .op = "sysctl-read", .name = "hw.ncpu" };
	cr_expect(sbpl_allows(sb, &q));
	/* Other processes' arguments and environment. */
	q = (struct sbpl_query){ .op = "sysctl-read", .name = "kern.procargs2" };
	cr_expect(!sbpl_allows(sb, &q));
	cr_expect(mach(sb, "com.apple.system.opendirectoryd.libinfo"));
	/* The keychain and the preferences daemon read files for the caller. */
	cr_expect(!mach(sb, "com.apple.SecurityServer"));
	cr_expect(!mach(sb, "com.apple.cfprefsd.daemon"));
	sbpl_free(sb);
}

Test(seatbelt, sandbox_exec_argv)
{
	_cleanup_policy_free_ struct policy *p = xcalloc(1, sizeof(*p));
	_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp = NULL;
	char *cmd[] = { "-weird", "arg", NULL };

	policy_add_entry(p, "/w", ACCESS_WRITE, ORIGIN_PROFILE, NULL);
	sp = build(p, NULL, 0);
	_cleanup_strv_free_ char **argv = seatbelt_argv(sp, cmd);
	size_t n = strv_length(argv), np = strv_length(sp->params);
	cr_assert_eq(n, 1 + 2 * np + 2 + 1 + 2);
	cr_expect_str_eq(argv[0], "/usr/bin/sandbox-exec");
	for (size_t i = 0; i < np; i++) {
		cr_expect_str_eq(argv[1 + 2 * i], "-D");
		cr_expect_str_eq(argv[2 + 2 * i], sp->params[i]);
	}
	cr_expect_str_eq(argv[1 + 2 * np], "-p");
	cr_expect_str_eq(argv[2 + 2 * np], sp->text);
	cr_expect_str_eq(argv[3 + 2 * np], "--");
	cr_expect_str_eq(argv[4 + 2 * np], "-weird");
}

Test(seatbelt, proxy_ports_from_the_proxy_environment)
{
	char *env[] = {
		"PATH=/bin",
		"HTTP_PROXY=http://127.0.0.1:3128",
		"https_proxy=http://127.0.0.1:3128/",
		"ALL_PROXY=socks5h://user:pw@localhost:1080",
		"NO_PROXY=localhost,127.0.0.1",
		NULL,
	};
	_cleanup_free_ unsigned *ports = NULL;
	size_t n = 0;
	struct error err = {};

	cr_assert_eq(seatbelt_proxy_ports(env, &ports, &n, &err), 0, "%s", err.message);
	cr_assert_eq(n, 2);
	cr_expect_eq(ports[0], 3128);
	cr_expect_eq(ports[1], 1080);

	char *remote[] = { "HTTPS_PROXY=http://proxy.corp:8080", NULL };
	cr_expect_lt(seatbelt_proxy_ports(remote, &ports, &n, &err), 0);
	char *noport[] = { "HTTP_PROXY=http://127.0.0.1", NULL };
	cr_expect_lt(seatbelt_proxy_ports(noport, &ports, &n, &err), 0);
	char *badport[] = { "HTTP_PROXY=http://127.0.0.1:99999", NULL };
	cr_expect_lt(seatbelt_proxy_ports(badport, &ports, &n, &err), 0);
}

/* ---- golden profiles ---- */

static char *golden_text(const struct seatbelt_profile *sp, bool params)
{
	if (!params)
		return xstrdup(sp->text);
	struct strbuf b = { 0 };
	STRV_FOREACH (p, sp->params)
		strbuf_printf(&b, "%s\n", *p);
	return strbuf_steal(&b);
}

static void check_golden(const char *name, const char *suffix, const char *want, bool update)
{
	_cleanup_free_ char *file = xasprintf("%s/%s.%s", GOLDEN_DIR, name, suffix);
	_cleanup_free_ char *have = NULL;
	size_t len;

	if (update) {
		FILE *f = fopen(file, "we");
		cr_assert_not_null(f, "cannot write %s", file);
		fputs(want, f);
		cr_assert_eq(fclose(f), 0);
		return;
	}
	int r = read_file_max(file, 1 << 20, &have, &len);
	cr_assert_geq(r, 0, "%s: %s (CORDON_UPDATE_GOLDEN=1 meson test test_seatbelt writes it)",
		      file, strerror(-r));
	if (streq(have, want))
		return;
	/* The first line that differs, rather than two whole profiles. */
	unsigned line = 1;
	size_t i = 0;
	for (; have[i] && have[i] == want[i]; i++)
		if (have[i] == '\n')
			line++;
	size_t start = i;
	while (start > 0 && want[start - 1] != '\n')
		start--;
	cr_expect_fail("%s:%u differs from the generated profile:\n  golden:    %.*s\n"
		       "  generated: %.*s\nIf the change is intended, rewrite the golden files: "
		       "CORDON_UPDATE_GOLDEN=1 meson test -C build test_seatbelt",
		       file, line, (int)strcspn(have + start, "\n"), have + start,
		       (int)strcspn(want + start, "\n"), want + start);
}

Test(seatbelt, golden_profiles)
{
	const char *u = getenv("CORDON_UPDATE_GOLDEN");
	bool update = u && streq(u, "1");
	size_t n;
	struct access_case *cases = load_table(&n);

	if (update) {
		(void)mkdir(TEST_SRCDIR "/../golden", 0755);
		(void)mkdir(GOLDEN_DIR, 0755);
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_(seatbelt_profile_freep) struct seatbelt_profile *sp =
			build(cases[i].policy, cases[i].proxy_ports, cases[i].n_proxy_ports);
		_cleanup_free_ char *text = golden_text(sp, false);
		_cleanup_free_ char *params = golden_text(sp, true);
		check_golden(cases[i].name, "sb", text, update);
		check_golden(cases[i].name, "params", params, update);
	}

	/* Every golden file belongs to a case: a renamed case leaves none behind. */
	_cleanup_closedir_ DIR *d = opendir(GOLDEN_DIR);
	cr_assert_not_null(d, "%s", GOLDEN_DIR);
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *name = xstrdup(de->d_name);
		char *dot = strrchr(name, '.');
		bool known = false;
		if (dot) {
			*dot = '\0';
			for (size_t i = 0; i < n && !known; i++)
				known = streq(cases[i].name, name);
		}
		cr_expect(known, "%s/%s belongs to no case of the table", GOLDEN_DIR, de->d_name);
	}
	access_table_free(cases, n);
}
