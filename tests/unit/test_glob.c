#include <criterion/criterion.h>

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
