#include <criterion/criterion.h>

#include "policy/policy.h"
#include "util/strv.h"

struct spec {
	const char *path;
	enum access access;
	bool glob;
	bool missing;
};

struct query {
	const char *path;
	enum access want;
};

static struct policy *build(enum fs_kind kind, const struct spec *specs, size_t n)
{
	struct policy *p = xcalloc(1, sizeof(*p));

	p->fs_kind = kind;
	p->entries = xcalloc(n, sizeof(*p->entries));
	for (size_t i = 0; i < n; i++)
		p->entries[p->n_entries++] = (struct policy_entry){
			.path = xstrdup(specs[i].path),
			.access = specs[i].access,
			.glob = specs[i].glob,
			.missing = specs[i].missing,
		};
	return p;
}

static void check(const char *name, enum fs_kind kind, const struct spec *specs, size_t n_specs,
		  const struct query *q, size_t n_q)
{
	struct policy *p = build(kind, specs, n_specs);

	for (size_t i = 0; i < n_q; i++) {
		enum access got = policy_access(p, q[i].path, NULL);
		cr_expect_eq(got, q[i].want, "%s, case %zu: %s is %s, want %s", name, i, q[i].path,
			     access_to_string(got), access_to_string(q[i].want));
	}
	policy_free(p);
}

#define CHECK(kind, specs, queries)                                                                \
	check(#specs, kind, specs, ELEMENTSOF(specs), queries, ELEMENTSOF(queries))

Test(policy, nearest_entry_wins)
{
	static const struct spec specs[] = {
		{ "/repo", ACCESS_WRITE },
		{ "/repo/a", ACCESS_NONE },
		{ "/repo/a/b", ACCESS_WRITE },
	};
	static const struct query q[] = {
		{ "/repo", ACCESS_WRITE },     { "/repo/a", ACCESS_NONE },
		{ "/repo/a/x", ACCESS_NONE },  { "/repo/a/b", ACCESS_WRITE },
		{ "/repo/a/b/c", ACCESS_WRITE }, { "/repo/ab", ACCESS_WRITE },
		{ "/repo/x/y", ACCESS_WRITE }, { "/", ACCESS_NONE },
		{ "/rep", ACCESS_NONE },       { "/repository", ACCESS_NONE },
	};
	CHECK(FS_RESTRICTED, specs, q);
}

Test(policy, order_of_entries_does_not_matter)
{
	static const struct spec specs[] = {
		{ "/repo/a/b", ACCESS_WRITE },
		{ "/repo/a", ACCESS_NONE },
		{ "/repo", ACCESS_WRITE },
		{ "/", ACCESS_READ },
	};
	static const struct query q[] = {
		{ "/", ACCESS_READ },         { "/etc/passwd", ACCESS_READ },
		{ "/repo", ACCESS_WRITE },    { "/repo/a/x", ACCESS_NONE },
		{ "/repo/a/b/c", ACCESS_WRITE },
	};
	CHECK(FS_RESTRICTED, specs, q);
}

Test(policy, ties_none_beats_write_beats_read)
{
	static const struct spec rw[] = { { "/x", ACCESS_READ }, { "/x", ACCESS_WRITE } };
	static const struct spec wr[] = { { "/x", ACCESS_WRITE }, { "/x", ACCESS_READ } };
	static const struct spec nw[] = { { "/x", ACCESS_WRITE }, { "/x", ACCESS_NONE } };
	static const struct spec wn[] = { { "/x", ACCESS_NONE }, { "/x", ACCESS_WRITE } };
	static const struct spec rn[] = { { "/x", ACCESS_READ }, { "/x", ACCESS_NONE } };
	static const struct spec all[] = {
		{ "/x", ACCESS_READ }, { "/x", ACCESS_NONE }, { "/x", ACCESS_WRITE } };
	static const struct query write_q[] = { { "/x", ACCESS_WRITE }, { "/x/y", ACCESS_WRITE } };
	static const struct query none_q[] = { { "/x", ACCESS_NONE }, { "/x/y", ACCESS_NONE } };

	CHECK(FS_RESTRICTED, rw, write_q);
	CHECK(FS_RESTRICTED, wr, write_q);
	CHECK(FS_RESTRICTED, nw, none_q);
	CHECK(FS_RESTRICTED, wn, none_q);
	CHECK(FS_RESTRICTED, rn, none_q);
	CHECK(FS_RESTRICTED, all, none_q);
}

Test(policy, depth_beats_rank)
{
	/* A deeper read still beats a shallower none or write. */
	static const struct spec specs[] = {
		{ "/a", ACCESS_NONE },
		{ "/a/b", ACCESS_READ },
		{ "/c", ACCESS_WRITE },
		{ "/c/d", ACCESS_READ },
	};
	static const struct query q[] = {
		{ "/a", ACCESS_NONE },   { "/a/b", ACCESS_READ },  { "/a/b/z", ACCESS_READ },
		{ "/c/e", ACCESS_WRITE }, { "/c/d/e", ACCESS_READ },
	};
	CHECK(FS_RESTRICTED, specs, q);
}

Test(policy, no_match_is_none)
{
	static const struct spec none[] = { { "/only", ACCESS_READ } };
	static const struct query q[] = {
		{ "/", ACCESS_NONE }, { "/etc", ACCESS_NONE }, { "/onlyx", ACCESS_NONE },
		{ "/only", ACCESS_READ },
	};
	CHECK(FS_RESTRICTED, none, q);

	struct policy *empty = build(FS_RESTRICTED, NULL, 0);
	cr_expect_eq(policy_access(empty, "/", NULL), ACCESS_NONE);
	cr_expect_eq(policy_access(empty, "/etc/passwd", NULL), ACCESS_NONE);
	cr_expect_not(policy_reads_root(empty));
	policy_free(empty);
}

/* The precedence rule describes the profile; that a writable root is
 * missing on this machine changes what gets mounted, not the answer. */
Test(policy, missing_writable_still_counts)
{
	static const struct spec specs[] = {
		{ "/", ACCESS_READ },
		{ "/gone", ACCESS_WRITE, .missing = true },
		{ "/x", ACCESS_NONE },
		{ "/x/gone", ACCESS_WRITE, .missing = true },
	};
	static const struct query q[] = {
		{ "/gone", ACCESS_WRITE },
		{ "/gone/y", ACCESS_WRITE },
		{ "/x", ACCESS_NONE },
		{ "/x/gone", ACCESS_WRITE },
		{ "/elsewhere", ACCESS_READ },
	};
	CHECK(FS_RESTRICTED, specs, q);
}

Test(policy, glob_counts_as_none_at_matched_depth)
{
	static const struct spec specs[] = {
		{ "/", ACCESS_READ },
		{ "/r", ACCESS_WRITE },
		{ "/r/**/*.env", ACCESS_NONE, .glob = true },
		{ "/r/keep/a.env", ACCESS_WRITE },   /* same depth as the match: none wins */
		{ "/r/open", ACCESS_NONE, .glob = true }, /* a glob without metacharacters */
		{ "/r/open/deeper", ACCESS_WRITE },  /* deeper than the match: reopens */
		{ "/r/dir.env/inner", ACCESS_WRITE }, /* below a matched directory */
		{ "/etc/*", ACCESS_NONE, .glob = true },
		{ "/etc/hosts", ACCESS_READ },
	};
	static const struct query q[] = {
		{ "/r", ACCESS_WRITE },
		{ "/r/x", ACCESS_WRITE },
		{ "/r/.env", ACCESS_NONE },
		{ "/r/a/b/c.env", ACCESS_NONE },
		{ "/r/a/b/c.env/below", ACCESS_NONE }, /* an ancestor matched */
		{ "/r/keep/a.env", ACCESS_NONE },
		{ "/r/keep/b", ACCESS_WRITE },
		{ "/r/open", ACCESS_NONE },
		{ "/r/open/x", ACCESS_NONE },
		{ "/r/open/deeper", ACCESS_WRITE },
		{ "/r/open/deeper/y", ACCESS_WRITE },
		{ "/r/dir.env", ACCESS_NONE },
		{ "/r/dir.env/x", ACCESS_NONE },
		{ "/r/dir.env/inner", ACCESS_WRITE },
		{ "/etc", ACCESS_READ },
		{ "/etc/passwd", ACCESS_NONE },
		{ "/etc/hosts", ACCESS_NONE }, /* read ties with the glob's none */
		{ "/tmp/a.env", ACCESS_READ }, /* outside /r */
	};
	CHECK(FS_RESTRICTED, specs, q);
}

Test(policy, missing_glob_entries_count_too)
{
	static const struct spec specs[] = {
		{ "/", ACCESS_READ },
		{ "/a/*", ACCESS_NONE, .glob = true, .missing = true },
	};
	static const struct query q[] = { { "/a/b", ACCESS_NONE }, { "/a", ACCESS_READ } };
	CHECK(FS_RESTRICTED, specs, q);
}

Test(policy, unrestricted)
{
	static const struct spec specs[] = {
		{ "/home/u/**/.env", ACCESS_NONE, .glob = true },
		{ "/home/u/.ssh", ACCESS_NONE },
		{ "/home/u/.ssh/known_hosts", ACCESS_READ },
		{ "/srv", ACCESS_READ },
		{ "/srv/upload", ACCESS_WRITE },
		{ "/", ACCESS_READ }, /* ties with the implicit "/ = write": write wins */
	};
	static const struct query q[] = {
		{ "/", ACCESS_WRITE },
		{ "/etc/passwd", ACCESS_WRITE },
		{ "/home/u/code/main.c", ACCESS_WRITE },
		{ "/home/u/code/.env", ACCESS_NONE },
		{ "/home/u/.env", ACCESS_NONE },
		{ "/home/u/.ssh", ACCESS_NONE },
		{ "/home/u/.ssh/id_ed25519", ACCESS_NONE },
		{ "/home/u/.ssh/known_hosts", ACCESS_READ },
		{ "/srv/x", ACCESS_READ },
		{ "/srv/upload/x", ACCESS_WRITE },
	};
	CHECK(FS_UNRESTRICTED, specs, q);

	static const struct spec root_none[] = { { "/", ACCESS_NONE }, { "/ok", ACCESS_READ } };
	static const struct query root_none_q[] = {
		{ "/", ACCESS_NONE }, { "/x", ACCESS_NONE }, { "/ok/y", ACCESS_READ } };
	CHECK(FS_UNRESTRICTED, root_none, root_none_q);

	struct policy *empty = build(FS_UNRESTRICTED, NULL, 0);
	const struct policy_entry *e = (const void *)1;
	cr_expect_eq(policy_access(empty, "/anything", &e), ACCESS_WRITE);
	cr_expect_null(e, "the implicit root has no entry");
	cr_expect(policy_reads_root(empty));
	policy_free(empty);
}

Test(policy, external_is_write_everywhere)
{
	static const struct spec specs[] = {
		{ "/x", ACCESS_NONE },
		{ "/**/.env", ACCESS_NONE, .glob = true },
	};
	static const struct query q[] = {
		{ "/", ACCESS_WRITE }, { "/x", ACCESS_WRITE }, { "/a/.env", ACCESS_WRITE } };
	CHECK(FS_EXTERNAL, specs, q);
}

Test(policy, deciding_entry)
{
	static const struct spec specs[] = {
		{ "/", ACCESS_READ },
		{ "/r", ACCESS_WRITE },
		{ "/r", ACCESS_READ },
		{ "/r/**/*.env", ACCESS_NONE, .glob = true },
	};
	struct policy *p = build(FS_RESTRICTED, specs, ELEMENTSOF(specs));
	const struct policy_entry *e = NULL;

	cr_expect_eq(policy_access(p, "/etc", &e), ACCESS_READ);
	cr_expect_eq(e, &p->entries[0]);
	cr_expect_eq(policy_access(p, "/r/x", &e), ACCESS_WRITE);
	cr_expect_eq(e, &p->entries[1]);
	cr_expect_eq(policy_access(p, "/r/a/.env", &e), ACCESS_NONE);
	cr_expect_eq(e, &p->entries[3]);
	policy_free(p);

	struct policy *none = build(FS_RESTRICTED, specs + 1, 1);
	e = (const void *)1;
	cr_expect_eq(policy_access(none, "/etc", &e), ACCESS_NONE);
	cr_expect_null(e);
	policy_free(none);
}

Test(policy, reads_root)
{
	static const struct spec read_root[] = { { "/", ACCESS_READ } };
	static const struct spec write_root[] = { { "/", ACCESS_WRITE } };
	static const struct spec only_usr[] = { { "/usr", ACCESS_READ } };
	static const struct spec hidden[] = { { "/", ACCESS_READ }, { "/**", ACCESS_NONE, true } };
	struct {
		enum fs_kind kind;
		const struct spec *specs;
		size_t n;
		bool want;
	} cases[] = {
		{ FS_RESTRICTED, read_root, 1, true },   { FS_RESTRICTED, write_root, 1, true },
		{ FS_RESTRICTED, only_usr, 1, false },   { FS_RESTRICTED, hidden, 2, false },
		{ FS_UNRESTRICTED, NULL, 0, true },      { FS_EXTERNAL, NULL, 0, true },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct policy *p = build(cases[i].kind, cases[i].specs, cases[i].n);
		cr_expect_eq(policy_reads_root(p), cases[i].want, "case %zu", i);
		policy_free(p);
	}
}

Test(policy, free_owns_everything)
{
	/* Run under ASan: every owned field is released. */
	struct policy *p = xcalloc(1, sizeof(*p));

	p->profile_name = xstrdup("x");
	p->entries = xcalloc(1, sizeof(*p->entries));
	p->entries[0] = (struct policy_entry){ .path = xstrdup("/a"), .spec = xstrdup("/a") };
	p->n_entries = 1;
	strv_push(&p->workspace_roots, "/w");
	p->cwd = xstrdup("/w");
	strv_push(&p->protected_names, ".git");
	p->network.domains = xcalloc(1, sizeof(*p->network.domains));
	p->network.domains[0].pattern = xstrdup("example.com");
	p->network.n_domains = 1;
	strv_push(&p->warnings, "w");
	strv_push(&p->sources, "f");
	policy_free(p);
	policy_free(NULL);
}
