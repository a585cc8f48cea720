#include "config/config_legacy.h"
#include "config/spec.h"
#include "policy/legacy.h"
#include "util/strv.h"

static int mode_from(const char *s)
{
	return legacy_mode_from_string(s);
}

static struct source_location loc(struct cfg_pos p)
{
	return (struct source_location){ .file = p.file, .line = p.line, .column = p.column };
}

static int read_writable_roots(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
			       char ***roots, struct source_location **where)
{
	if (n->is_table || n->value->type != TOML_ARRAY)
		return cfg_error(c, n->pos, keypath, "expected an array of paths");
	const struct toml_value *a = n->value;
	for (size_t i = 0; i < a->array.n; i++) {
		const char *path, *why;
		int r = cfg_expect_string_item(c, n, keypath, a->array.items[i], i, &path);
		if (r < 0)
			return r;
		struct cfg_pos at = cfg_value_pos(n, a->array.items[i]);
		if (spec_check_path(path, &why) < 0) {
			_cleanup_free_ char *item = xasprintf("%s[%zu]", keypath, i);
			_cleanup_free_ char *q = spec_quote(path);
			return cfg_error(c, at, item, "%s: %s", q, why);
		}
		*where = xrealloc(*where, (strv_length(*roots) + 1) * sizeof(**where));
		(*where)[strv_length(*roots)] = loc(at);
		strv_push(roots, path);
	}
	return 0;
}

/* [sandbox_workspace_write]: read only for workspace-write, as in Codex. */
static int read_workspace_write(struct cfg_ctx *c, const struct cfg_node *t,
				struct legacy_settings *s, char ***roots,
				struct source_location **where)
{
	static const char *const keypath = "sandbox_workspace_write";
	int r = cfg_expect_table(c, t, keypath);

	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n_children; i++) {
		const struct cfg_node *n = &t->children[i];
		_cleanup_free_ char *k = cfg_key_join(keypath, n->key);

		if (streq(n->key, "writable_roots"))
			r = read_writable_roots(c, n, k, roots, where);
		else if (streq(n->key, "network_access"))
			r = cfg_expect_bool(c, n, k, &s->network_access);
		else if (streq(n->key, "exclude_tmpdir_env_var"))
			r = cfg_expect_bool(c, n, k, &s->exclude_tmpdir_env_var);
		else if (streq(n->key, "exclude_slash_tmp"))
			r = cfg_expect_bool(c, n, k, &s->exclude_slash_tmp);
		else
			cfg_warn_unknown(c, n, k);
		if (r < 0)
			return r;
	}
	return 0;
}

int config_legacy_profile(struct cfg_ctx *c, const struct cfg_node *root, struct profile **ret)
{
	static const char *const words[] = { "read-only", "workspace-write", "danger-full-access",
					     NULL };
	const struct cfg_node *mode = cfg_get(root, "sandbox_mode");
	_cleanup_strv_free_ char **roots = NULL;
	_cleanup_free_ struct source_location *where = NULL;
	struct legacy_settings s = { 0 };
	int m = 0, r;

	r = cfg_expect_word(c, mode, "sandbox_mode", mode_from, words, &m);
	if (r < 0)
		return r;
	s.mode = (enum legacy_mode)m;
	s.where = loc(mode->pos);

	const struct cfg_node *ww = cfg_get(root, "sandbox_workspace_write");
	if (ww && s.mode == LEGACY_WORKSPACE_WRITE) {
		r = read_workspace_write(c, ww, &s, &roots, &where);
		if (r < 0)
			return r;
	}
	s.writable_roots = roots;
	s.writable_roots_where = where;
	*ret = legacy_profile_new(&s);
	return 0;
}
