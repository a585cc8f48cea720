#include <criterion/criterion.h>

#include "util/path.h"

static const struct {
	const char *in;
	const char *want; /* NULL: rejected */
} normalize_cases[] = {
	{ "/", "/" },
	{ "//", "/" },
	{ "///", "/" },
	{ "/..", "/" },
	{ "/../..", "/" },
	{ "/.", "/" },
	{ "/./", "/" },
	{ "/a", "/a" },
	{ "/a/", "/a" },
	{ "/a//", "/a" },
	{ "//a//b//", "/a/b" },
	{ "/a/./b", "/a/b" },
	{ "/a/../b", "/b" },
	{ "/a/b/..", "/a" },
	{ "/a/b/../..", "/" },
	{ "/a/b/../../../c", "/c" },
	{ "/a/.b/..c/...", "/a/.b/..c/..." },
	{ "/a/b./.c", "/a/b./.c" },
	{ "", NULL },
	{ "a", NULL },
	{ "./a", NULL },
	{ "~/a", NULL },
};

Test(path, normalize_table)
{
	for (size_t i = 0; i < ELEMENTSOF(normalize_cases); i++) {
		char *got = path_normalize(normalize_cases[i].in);
		if (normalize_cases[i].want)
			cr_expect_str_eq(got, normalize_cases[i].want, "case %zu (%s)", i,
					 normalize_cases[i].in);
		else
			cr_expect_null(got, "case %zu (%s) should be rejected", i,
				       normalize_cases[i].in);
		free(got);
	}
	cr_expect_null(path_normalize(NULL));
}

static const struct {
	const char *base;
	const char *rel;
	const char *want;
} join_cases[] = {
	{ "/a", "b", "/a/b" },
	{ "/a", "b/c/", "/a/b/c" },
	{ "/a", ".", "/a" },
	{ "/a", "", "/a" },
	{ "/a", NULL, "/a" },
	{ "/a", "..", "/" },
	{ "/a/b", "../c", "/a/c" },
	{ "/a", "/x/y", "/x/y" }, /* an absolute REL replaces BASE */
	{ "/", "x", "/x" },
	{ "/", "..", "/" },
	{ "/a/", "b", "/a/b" },
	{ "/a", "./b/./c", "/a/b/c" },
};

Test(path, join_table)
{
	for (size_t i = 0; i < ELEMENTSOF(join_cases); i++) {
		const char *rel = join_cases[i].rel;
		char *got = path_join(join_cases[i].base, rel);
		cr_expect_str_eq(got, join_cases[i].want, "case %zu (%s + %s)", i,
				 join_cases[i].base, rel ? rel : "NULL");
		free(got);
	}
}

static const struct {
	const char *p;
	unsigned depth;
	const char *parent;
	const char *last;
} depth_cases[] = {
	{ "/", 0, "/", "" },
	{ "/a", 1, "/", "a" },
	{ "/a/b", 2, "/a", "b" },
	{ "/a/b/c", 3, "/a/b", "c" },
	{ "/.a/..b", 2, "/.a", "..b" },
};

Test(path, depth_parent_last_table)
{
	for (size_t i = 0; i < ELEMENTSOF(depth_cases); i++) {
		char *parent = path_parent(depth_cases[i].p);
		cr_expect_eq(path_depth(depth_cases[i].p), depth_cases[i].depth, "case %zu (%s)",
			     i, depth_cases[i].p);
		cr_expect_str_eq(parent, depth_cases[i].parent, "case %zu (%s)", i,
				 depth_cases[i].p);
		cr_expect_str_eq(path_last(depth_cases[i].p), depth_cases[i].last, "case %zu (%s)",
				 i, depth_cases[i].p);
		free(parent);
	}
}

static const struct {
	const char *p;
	const char *ancestor;
	bool at_or_below;
	bool below;
} below_cases[] = {
	{ "/a", "/a", true, false },
	{ "/a/b", "/a", true, true },
	{ "/a/b/c", "/a", true, true },
	{ "/ab", "/a", false, false }, /* a shared string prefix is not an ancestor */
	{ "/a", "/a/b", false, false },
	{ "/", "/", true, false },
	{ "/a", "/", true, true },
	{ "/a/b", "/", true, true },
	{ "/", "/a", false, false },
	{ "/a.b", "/a", false, false },
	{ "/a/.b", "/a", true, true },
};

Test(path, below_table)
{
	for (size_t i = 0; i < ELEMENTSOF(below_cases); i++) {
		cr_expect_eq(path_is_at_or_below(below_cases[i].p, below_cases[i].ancestor),
			     below_cases[i].at_or_below, "case %zu: %s at or below %s", i,
			     below_cases[i].p, below_cases[i].ancestor);
		cr_expect_eq(path_is_below(below_cases[i].p, below_cases[i].ancestor),
			     below_cases[i].below, "case %zu: %s below %s", i, below_cases[i].p,
			     below_cases[i].ancestor);
	}
}

static const struct {
	const char *s;
	bool glob;
} has_glob_cases[] = {
	{ "/a/b", false }, { "/a/*", true },     { "/a/?", true },     { "/a/[b]", true },
	{ "/a/\\*", false }, { "/a/\\[b]", false }, { "/a/\\**", true }, { "**/x", true },
	{ "", false },     { "/a/b]", false },
};

Test(path, has_glob_table)
{
	for (size_t i = 0; i < ELEMENTSOF(has_glob_cases); i++)
		cr_expect_eq(path_has_glob(has_glob_cases[i].s), has_glob_cases[i].glob,
			     "case %zu (%s)", i, has_glob_cases[i].s);
}
