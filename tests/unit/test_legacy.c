#include <criterion/criterion.h>

#include "config/builtin.h"
#include "policy/legacy.h"
#include "util/strv.h"

/* Same entries (in any order), filesystem kind, network and protected names. */
static bool equivalent(const struct profile *a, const struct profile *b)
{
	if (a->n_entries != b->n_entries || a->fs_kind != b->fs_kind ||
	    a->network.mode != b->network.mode)
		return false;
	for (size_t i = 0; i < a->n_entries; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n_entries; j++) {
			const struct fs_entry *x = &a->entries[i], *y = &b->entries[j];
			if (x->special == y->special && streq_ptr(x->path, y->path) &&
			    x->glob == y->glob && x->access == y->access)
				found = true;
		}
		if (!found)
			return false;
	}
	char *const *pa = profile_protected_names(a), *const *pb = profile_protected_names(b);
	if (strv_length(pa) != strv_length(pb))
		return false;
	for (size_t i = 0; pa[i]; i++)
		if (!streq(pa[i], pb[i]))
			return false;
	return true;
}

static const struct {
	enum legacy_mode mode;
	const char *builtin;
} equivalents[] = {
	{ LEGACY_READ_ONLY, ":read-only" },
	{ LEGACY_WORKSPACE_WRITE, ":workspace" },
	{ LEGACY_DANGER_FULL_ACCESS, ":danger-full-access" },
};

Test(legacy, modes_without_options_equal_the_builtins)
{
	for (size_t i = 0; i < ELEMENTSOF(equivalents); i++) {
		struct legacy_settings s = { .mode = equivalents[i].mode };
		_cleanup_profile_free_ struct profile *l = legacy_profile_new(&s);
		_cleanup_profile_free_ struct profile *b = NULL;

		cr_assert_eq(builtin_profile_new(equivalents[i].builtin, &b), 0);
		cr_assert(equivalent(l, b), "case %zu (%s)", i, equivalents[i].builtin);
		cr_assert(l->set & PROFILE_SET_NETWORK_MODE);
		cr_assert(l->set & PROFILE_SET_FS_KIND);
	}
}

static const struct fs_entry *find(const struct profile *p, enum special_path s, const char *path)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].special == s && streq_ptr(p->entries[i].path, path))
			return &p->entries[i];
	return NULL;
}

Test(legacy, workspace_write_options)
{
	char *roots[] = { "/srv/cache", "~/.npm", NULL };
	struct source_location where[] = { { "c.toml", 3, 20 }, { "c.toml", 3, 34 } };
	struct legacy_settings s = {
		.mode = LEGACY_WORKSPACE_WRITE,
		.writable_roots = roots,
		.writable_roots_where = where,
		.network_access = true,
		.exclude_slash_tmp = true,
		.where = { "c.toml", 1, 16 },
	};
	_cleanup_profile_free_ struct profile *p = legacy_profile_new(&s);

	cr_assert_str_eq(p->name, "(legacy workspace-write)");
	cr_assert_eq(p->network.mode, NETWORK_ON);
	cr_assert_null(find(p, SPECIAL_SLASH_TMP, NULL));
	cr_assert_not_null(find(p, SPECIAL_TMPDIR, NULL));
	const struct fs_entry *e = find(p, SPECIAL_NONE, "~/.npm");
	cr_assert_not_null(e);
	cr_assert_eq(e->access, ACCESS_WRITE);
	cr_assert_eq(e->where.column, 34);
	cr_assert_str_eq(e->where.file, "c.toml");
	cr_assert_eq(find(p, SPECIAL_ROOT, NULL)->where.line, 1);
	cr_assert_eq(p->n_entries, 5);

	s.exclude_slash_tmp = false;
	s.exclude_tmpdir_env_var = true;
	s.network_access = false;
	s.writable_roots_where = NULL;
	_cleanup_profile_free_ struct profile *q = legacy_profile_new(&s);
	cr_assert_eq(q->network.mode, NETWORK_OFF);
	cr_assert_not_null(find(q, SPECIAL_SLASH_TMP, NULL));
	cr_assert_null(find(q, SPECIAL_TMPDIR, NULL));
	cr_assert_eq(find(q, SPECIAL_NONE, "/srv/cache")->where.line, 1);
}

Test(legacy, options_only_apply_to_workspace_write)
{
	char *roots[] = { "/srv", NULL };
	struct legacy_settings s = {
		.mode = LEGACY_READ_ONLY,
		.writable_roots = roots,
		.network_access = true,
	};
	_cleanup_profile_free_ struct profile *p = legacy_profile_new(&s);

	cr_assert_eq(p->n_entries, 1);
	cr_assert_eq(p->network.mode, NETWORK_OFF);
}

Test(legacy, invalid_mode_fails_closed)
{
	struct legacy_settings s = { .mode = _LEGACY_MODE_INVALID };
	_cleanup_profile_free_ struct profile *p = legacy_profile_new(&s);

	cr_assert_eq(p->fs_kind, FS_RESTRICTED);
	cr_assert_eq(p->network.mode, NETWORK_OFF);
}

static const struct {
	const char *s;
	enum legacy_mode m;
} names[] = {
	{ "read-only", LEGACY_READ_ONLY },
	{ "workspace-write", LEGACY_WORKSPACE_WRITE },
	{ "danger-full-access", LEGACY_DANGER_FULL_ACCESS },
	{ "workspace_write", _LEGACY_MODE_INVALID },
	{ "", _LEGACY_MODE_INVALID },
	{ NULL, _LEGACY_MODE_INVALID },
};

Test(legacy, mode_names)
{
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		cr_assert_eq(legacy_mode_from_string(names[i].s), names[i].m, "case %zu", i);
		if (names[i].m >= 0)
			cr_assert_str_eq(legacy_mode_to_string(names[i].m), names[i].s);
	}
	cr_assert_str_eq(legacy_mode_to_string(_LEGACY_MODE_INVALID), "invalid");
}
