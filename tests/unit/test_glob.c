#include <criterion/criterion.h>
#include <fnmatch.h>
#include <stdint.h>

#include "policy/glob.h"

static const struct {
	const char *pattern;
	const char *path;
	bool want;
} match_cases[] = {
	/* literals */
	{ "/a/b", "/a/b", true },
	{ "/a/b", "/a/c", false },
	{ "/a/b", "/a/b/c", false },
	{ "/a/b", "/a", false },
	{ "/a/b/", "/a/b", true }, /* empty components are ignored */
	{ "//a//b", "/a/b", true },
	{ "/", "/", true },
	{ "a/b", "/a/b", false }, /* relative never matches absolute */
	{ "/a/b", "a/b", false },
	{ "a/*", "a/b", true },

	/* `*` stays inside one component */
	{ "/home/*", "/home/u", true },
	{ "/home/*", "/home/u/.ssh", false },
	{ "/home/*", "/home", false },
	{ "/a/*.env", "/a/x.env", true },
	{ "/a/*.env", "/a/.env", true }, /* dot files are matched */
	{ "/a/*.env", "/a/b/x.env", false },
	{ "/a/*", "/a/.hidden", true },
	{ "/a/x*y*z", "/a/xyz", true },
	{ "/a/x*y*z", "/a/xaybzc", false },
	{ "/a/x*y*z", "/a/xaaybbyzz", true },
	{ "/a/*b", "/a/bbb", true },
	{ "/a/***", "/a/x", true }, /* stars inside a component are one star */
	{ "/a/x**", "/a/xyz", true },
	{ "/a/x**", "/a/xy/z", false },

	/* `?` */
	{ "/a/?", "/a/b", true },
	{ "/a/?", "/a/bc", false },
	{ "/a/?", "/a", false },
	{ "/a?b", "/a/b", false },
	{ "/a/?b", "/a/.b", true },

	/* `**` */
	{ "/a/**/b", "/a/b", true },
	{ "/a/**/b", "/a/x/b", true },
	{ "/a/**/b", "/a/x/y/b", true },
	{ "/a/**/b", "/a/x/y/c", false },
	{ "/a/**/b", "/a/b/c", false },
	{ "/a/**/b", "/ab", false },
	{ "/**/.env", "/.env", true },
	{ "/**/.env", "/x/y/.env", true },
	{ "/**/*.env", "/r/.git/x.env", true },
	{ "/a/**/**/b", "/a/b", true },
	{ "/a/**/x/**/b", "/a/1/x/2/3/b", true },
	{ "/a/**/x/**/b", "/a/1/2/b", false },
	{ "/**", "/", true },
	{ "/**", "/anything/at/all", true },

	/* a trailing "/" "**": the subtree, the directory itself included */
	{ "/a/**", "/a", true },
	{ "/a/**", "/a/b", true },
	{ "/a/**", "/a/b/c/.d", true },
	{ "/a/**", "/ab", false },
	{ "/a/**", "/", false },

	/* classes */
	{ "/a/[bc]", "/a/b", true },
	{ "/a/[bc]", "/a/c", true },
	{ "/a/[bc]", "/a/d", false },
	{ "/a/[a-c]x", "/a/bx", true },
	{ "/a/[a-c]x", "/a/dx", false },
	{ "/a/[!a-c]", "/a/d", true },
	{ "/a/[!a-c]", "/a/a", false },
	{ "/a/[^a-c]", "/a/d", true },
	{ "/a/[^a-c]", "/a/b", false },
	{ "/a/[]]", "/a/]", true },
	{ "/a/[]a]", "/a/a", true },
	{ "/a/[!]]", "/a/]", false },
	{ "/a/[!]]", "/a/x", true },
	{ "/a/[a-]", "/a/-", true },
	{ "/a/[-a]", "/a/-", true },
	{ "/a/[.]env", "/a/.env", true },
	{ "/a/[\\]]", "/a/]", true },
	{ "/a/[", "/a/[", true }, /* unterminated: '[' is literal (glob_validate rejects it) */

	/* escapes */
	{ "/a/\\*", "/a/*", true },
	{ "/a/\\*", "/a/b", false },
	{ "/a/\\?", "/a/?", true },
	{ "/a/\\?", "/a/b", false },
	{ "/a/\\[b]", "/a/[b]", true },
	{ "/a/\\[b]", "/a/b", false },
	{ "/a/\\\\", "/a/\\", true },
	{ "/a/b\\c", "/a/bc", true },
	{ "/a/\\**", "/a/*", true },   /* an escaped star is a literal, the next is a star */
	{ "/a/\\**", "/a/*xy", true },
	{ "/a/\\**", "/a/xy", false },
	{ "/a/\\*\\*/b", "/a/x/b", false }, /* not a "**" component */
	{ "/a/\\*\\*/b", "/a/**/b", true },
};

Test(glob, match_table)
{
	for (size_t i = 0; i < ELEMENTSOF(match_cases); i++)
		cr_expect_eq(glob_match(match_cases[i].pattern, match_cases[i].path),
			     match_cases[i].want, "case %zu: glob_match(\"%s\", \"%s\") != %d", i,
			     match_cases[i].pattern, match_cases[i].path, match_cases[i].want);
}

Test(glob, many_stars_do_not_explode)
{
	/* Naive recursion takes exponential time here; a hostile config could
	 * use that to stall every launch. */
	const char *pattern = "/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b";
	const char *path = "/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/c";
	const char *comp_pattern = "/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
	const char *comp_path = "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac";

	cr_expect_not(glob_match(pattern, path));
	cr_expect_not(glob_match(comp_pattern, comp_path));
}

static const struct {
	const char *pattern;
	bool valid;
} validate_cases[] = {
	{ "/a/b", true },
	{ "/a/**/*.env", true },
	{ "/a/[bc]", true },
	{ "/a/[]]", true },
	{ "/a/[!]]", true },
	{ "/a/\\[", true },
	{ "/a/[\\]]", true },
	{ "", false },
	{ "/a/[bc", false },
	{ "/a/[", false },
	{ "/a/[]", false },
	{ "/a/[!]", false },
	{ "/a/[b/c]", false },
	{ "/a/b\\", false },
	{ "/a\\/b", false },
	{ "/a/[b\\", false },
};

Test(glob, validate_table)
{
	for (size_t i = 0; i < ELEMENTSOF(validate_cases); i++) {
		const char *why = NULL;
		int r = glob_validate(validate_cases[i].pattern, &why);
		if (validate_cases[i].valid) {
			cr_expect_eq(r, 0, "case %zu (%s): %s", i, validate_cases[i].pattern,
				     why ? why : "");
		} else {
			cr_expect_eq(r, -EINVAL, "case %zu (%s) should be invalid", i,
				     validate_cases[i].pattern);
			cr_expect_not_null(why, "case %zu has no reason", i);
		}
	}
}

static const struct {
	const char *pattern;
	const char *prefix;
	const char *rest;
} prefix_cases[] = {
	{ "/r/**/x.env", "/r", "**/x.env" },
	{ "/r/x.env", "/r", "x.env" },
	{ "/r/s/*.env", "/r/s", "*.env" },
	{ "/r/s*/t/u", "/r", "s*/t/u" },
	{ "/*.env", "/", "*.env" },
	{ "/**", "/", "**" },
	{ "/a/**", "/a", "**" },
	{ "/a\\*b/c/*", "/a*b/c", "*" }, /* escapes removed: the prefix is a literal path */
	{ "/a/b\\[1]/[x]", "/a/b[1]", "[x]" },
	{ "//a//b/*", "/a/b", "*" },
	{ "a/b/*", "a/b", "*" },
	{ "**/*.env", "", "**/*.env" },
};

Test(glob, static_prefix_table)
{
	for (size_t i = 0; i < ELEMENTSOF(prefix_cases); i++) {
		char *p = glob_static_prefix(prefix_cases[i].pattern);
		cr_expect_str_eq(p, prefix_cases[i].prefix, "case %zu (%s)", i,
				 prefix_cases[i].pattern);
		cr_expect_str_eq(glob_static_rest(prefix_cases[i].pattern), prefix_cases[i].rest,
				 "case %zu (%s)", i, prefix_cases[i].pattern);
		free(p);
	}
}

Test(glob, escape_round_trips)
{
	static const char *const names[] = { "/plain", "/a*b", "/q?", "/c[1]", "/back\\slash" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		char *e = glob_escape(names[i]);
		const char *why = NULL;
		cr_expect_eq(glob_validate(e, &why), 0, "%s -> %s: %s", names[i], e,
			     why ? why : "");
		cr_expect(glob_match(e, names[i]), "%s -> %s does not match itself", names[i], e);
		free(e);
	}
	char *e = glob_escape("/a*b");
	cr_expect_not(glob_match(e, "/axxb"));
	free(e);
}

/* xorshift: deterministic, so a failure reproduces. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static bool has_globstar_component(const char *p)
{
	for (const char *c = p; *c;) {
		const char *e = strchrnul(c, '/');
		if (e - c == 2 && c[0] == '*' && c[1] == '*')
			return true;
		c = *e ? e + 1 : e;
	}
	return false;
}

Test(glob, agrees_with_fnmatch_without_globstar)
{
	/* Without "**" components the syntax is POSIX fnmatch with
	 * FNM_PATHNAME (and no FNM_PERIOD: dot files match). */
	static const char pat_alpha[] = "ab.-]![^*?\\/";
	static const char path_alpha[] = "ab.-]![^*?\\/";
	uint32_t seed = 0x2545f491;
	size_t compared = 0;

	for (int iter = 0; iter < 200000; iter++) {
		char pat[12], path[10];
		size_t np = 1 + rnd(&seed) % 9, ns = 1 + rnd(&seed) % 7;

		pat[0] = path[0] = '/';
		for (size_t i = 1; i < np; i++)
			pat[i] = pat_alpha[rnd(&seed) % (sizeof(pat_alpha) - 1)];
		pat[np] = '\0';
		for (size_t i = 1; i < ns; i++)
			path[i] = path_alpha[rnd(&seed) % (sizeof(path_alpha) - 1)];
		path[ns] = '\0';
		/* Empty components and a trailing '/' are ignored here, not by
		 * fnmatch; "**" components mean something else. */
		if (strstr(pat, "//") || strstr(path, "//") || pat[np - 1] == '/' ||
		    path[ns - 1] == '/' || has_globstar_component(pat) ||
		    glob_validate(pat, NULL) < 0)
			continue;
		bool want = fnmatch(pat, path, FNM_PATHNAME) == 0;
		cr_assert_eq(glob_match(pat, path), want, "glob_match(\"%s\", \"%s\") != fnmatch's %d",
			     pat, path, want);
		compared++;
	}
	cr_log_info("compared %zu pairs", compared);
	cr_expect_gt(compared, 10000);
}

/* Naive reference for "**": exponential, fine for tiny inputs. P and S are
 * '/'-separated component lists without the leading '/'. */
static bool ref_match(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	const char *pe = strchrnul(p, '/');
	const char *pnext = *pe ? pe + 1 : pe;
	if (pe - p == 2 && p[0] == '*' && p[1] == '*') {
		/* zero components, or swallow one and stay */
		if (ref_match(pnext, s))
			return true;
		if (!*s)
			return false;
		const char *se = strchrnul(s, '/');
		return ref_match(p, *se ? se + 1 : se);
	}
	if (!*s)
		return false;
	const char *se = strchrnul(s, '/');
	char pc[16], sc[16];
	snprintf(pc, sizeof(pc), "%.*s", (int)(pe - p), p);
	snprintf(sc, sizeof(sc), "%.*s", (int)(se - s), s);
	return fnmatch(pc, sc, 0) == 0 && ref_match(pnext, *se ? se + 1 : se);
}

Test(glob, globstar_agrees_with_reference)
{
	static const char *const pcomps[] = { "**", "a", "b", "*", "a*", "?" };
	static const char *const scomps[] = { "a", "b", "ab", "ba", ".a" };
	uint32_t seed = 0x9e3779b9;

	for (int iter = 0; iter < 50000; iter++) {
		char pat[64] = "", path[64] = "";
		size_t np = rnd(&seed) % 6, ns = rnd(&seed) % 6;

		for (size_t i = 0; i < np; i++) {
			strcat(pat, "/");
			strcat(pat, pcomps[rnd(&seed) % ELEMENTSOF(pcomps)]);
		}
		for (size_t i = 0; i < ns; i++) {
			strcat(path, "/");
			strcat(path, scomps[rnd(&seed) % ELEMENTSOF(scomps)]);
		}
		bool want = ref_match(pat[0] ? pat + 1 : pat, path[0] ? path + 1 : path);
		if (!pat[0])
			strcpy(pat, "/");
		if (!path[0])
			strcpy(path, "/");
		cr_assert_eq(glob_match(pat, path), want, "glob_match(\"%s\", \"%s\") != %d", pat,
			     path, want);
	}
}
