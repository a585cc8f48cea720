#include "config/builtin.h"
#include "config/config_legacy.h"
#include "config/config_profile.h"
#include "config/spec.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* More than this many profile names make an error message a wall. */
#define LIST_NAMES_MAX 12

static struct source_location loc(struct cfg_pos p)
{
	return (struct source_location){ .file = p.file, .line = p.line, .column = p.column };
}

static int access_from(const char *s)
{
	return access_from_string(s);
}

static int fs_kind_from(const char *s)
{
	return fs_kind_from_string(s);
}

static int mode_from(const char *s)
{
	return network_mode_from_string(s);
}

static int approvals_from(const char *s)
{
	return approvals_from_string(s);
}

static int allow_from(const char *s)
{
	return streq(s, "allow") ? 1 : streq(s, "deny") ? 0 : -EINVAL;
}

static const char *const access_words[] = { "none", "read", "write", NULL };

/* Adds the filesystem entry written as key N (value: an access word). */
static int add_entry(struct cfg_ctx *c, struct profile *p, const struct cfg_node *n,
		     const char *keypath, enum special_path special, const char *path)
{
	const char *why;
	int access = 0, r;

	r = cfg_expect_word(c, n, keypath, access_from, access_words, &access);
	if (r < 0)
		return r;
	r = spec_add_fs_entry(p, special, path, (enum access)access, loc(n->key_pos), &why);
	if (r < 0)
		return cfg_error(c, n->key_pos, keypath, "%s", why);
	if (special == SPECIAL_UNKNOWN)
		/* DESIGN §2: kept for forward compatibility, and said out loud. */
		cfg_warn(c, n->key_pos, "%s: unknown special path; the entry grants nothing",
			 keypath);
	return 0;
}

/* ":workspace_roots" = ACCESS, or a table SUBPATH = ACCESS. */
static int read_workspace_entries(struct cfg_ctx *c, struct profile *p, const struct cfg_node *n,
				  const char *keypath)
{
	if (!n->is_table)
		return add_entry(c, p, n, keypath, SPECIAL_WORKSPACE_ROOTS, ".");
	for (size_t i = 0; i < n->n_children; i++) {
		const struct cfg_node *sub = &n->children[i];
		_cleanup_free_ char *k = cfg_key_join(keypath, sub->key);
		int r = add_entry(c, p, sub, k, SPECIAL_WORKSPACE_ROOTS, sub->key);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A key the filesystem table treats as a path spec rather than as an
 * unknown setting. A value that is an access word also makes it one, so
 * that a relative path ("src" = "none") is an error, not a warning: a
 * deny entry silently dropped would grant more than was written. */
static bool is_entry_key(const struct cfg_node *n)
{
	if (n->key[0] == '/' || n->key[0] == '~' || n->key[0] == ':' || path_has_glob(n->key))
		return true;
	return !n->is_table && n->value->type == TOML_STRING &&
	       access_from_string(n->value->string.s) >= 0;
}

static int read_filesystem(struct cfg_ctx *c, struct profile *p, const struct cfg_node *t,
			   const char *keypath)
{
	static const char *const kinds[] = { "restricted", "unrestricted", "external", NULL };
	int r = cfg_expect_table(c, t, keypath);

	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n_children; i++) {
		const struct cfg_node *n = &t->children[i];
		_cleanup_free_ char *k = cfg_key_join(keypath, n->key);
		enum special_path special = special_path_from_string(n->key);
		int v = 0;

		if (streq(n->key, "type")) {
			r = cfg_expect_word(c, n, k, fs_kind_from, kinds, &v);
			if (r >= 0) {
				p->fs_kind = (enum fs_kind)v;
				p->set |= PROFILE_SET_FS_KIND;
			}
		} else if (streq(n->key, "glob_scan_max_depth")) {
			int64_t depth = 0;
			r = cfg_expect_integer(c, n, k, &depth);
			if (r >= 0 && (depth < 1 || depth > 4096))
				r = cfg_error(c, n->pos, k,
					      "expected a depth from 1 to 4096, got %lld",
					      (long long)depth);
			if (r >= 0) {
				p->glob_scan_max_depth = (unsigned)depth;
				p->set |= PROFILE_SET_GLOB_DEPTH;
			}
		} else if (special == SPECIAL_WORKSPACE_ROOTS || streq(n->key, ":project_roots")) {
			/* ":project_roots" is Codex's name for the same thing. */
			r = read_workspace_entries(c, p, n, k);
		} else if (is_entry_key(n)) {
			r = add_entry(c, p, n, k, special,
				      special == SPECIAL_NONE || special == SPECIAL_UNKNOWN ? n->key
											    : NULL);
		} else {
			cfg_warn_unknown(c, n, k);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_domains(struct cfg_ctx *c, struct profile *p, const struct cfg_node *t,
			const char *keypath)
{
	static const char *const words[] = { "allow", "deny", NULL };
	int r = cfg_expect_table(c, t, keypath);

	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n_children; i++) {
		const struct cfg_node *n = &t->children[i];
		_cleanup_free_ char *k = cfg_key_join(keypath, n->key);
		const char *why;
		int allow = 0;

		r = cfg_expect_word(c, n, k, allow_from, words, &allow);
		if (r < 0)
			return r;
		if (spec_check_domain(n->key, &why) < 0)
			return cfg_error(c, n->key_pos, k, "%s", why);
		profile_add_domain(p, n->key, allow == 1, loc(n->key_pos));
	}
	return 0;
}

static int read_network(struct cfg_ctx *c, struct profile *p, const struct cfg_node *t,
			const char *keypath)
{
	static const char *const modes[] = { "off", "on", "proxy", NULL };
	static const char *const approvals[] = { "ask", "never", NULL };
	bool have_mode = false, have_enabled = false, enabled = false;
	int r = cfg_expect_table(c, t, keypath);

	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n_children; i++) {
		const struct cfg_node *n = &t->children[i];
		_cleanup_free_ char *k = cfg_key_join(keypath, n->key);
		int v = 0;
		bool b = false;

		if (streq(n->key, "mode")) {
			r = cfg_expect_word(c, n, k, mode_from, modes, &v);
			if (r >= 0) {
				p->network.mode = (enum network_mode)v;
				have_mode = true;
			}
		} else if (streq(n->key, "enabled")) {
			r = cfg_expect_bool(c, n, k, &enabled);
			have_enabled = r >= 0;
		} else if (streq(n->key, "approvals")) {
			r = cfg_expect_word(c, n, k, approvals_from, approvals, &v);
			if (r >= 0) {
				p->network.approvals = (enum approvals)v;
				p->set |= PROFILE_SET_APPROVALS;
			}
		} else if (streq(n->key, "allow_local_binding")) {
			r = cfg_expect_bool(c, n, k, &b);
			if (r >= 0) {
				p->network.allow_local_binding = b;
				p->set |= PROFILE_SET_ALLOW_LOCAL_BINDING;
			}
		} else if (streq(n->key, "allow_udp")) {
			r = cfg_expect_bool(c, n, k, &b);
			if (r >= 0) {
				p->network.allow_udp = b;
				p->set |= PROFILE_SET_ALLOW_UDP;
			}
		} else if (streq(n->key, "domains")) {
			r = read_domains(c, p, n, k);
		} else {
			cfg_warn_unknown(c, n, k);
		}
		if (r < 0)
			return r;
	}
	/* `mode` is the precise spelling; when a merged config has both (a
	 * file says enabled, a -c override says mode), it decides. */
	if (!have_mode && have_enabled)
		p->network.mode = enabled ? NETWORK_ON : NETWORK_OFF;
	if (have_mode || have_enabled)
		p->set |= PROFILE_SET_NETWORK_MODE;
	return 0;
}

static int read_protected_names(struct cfg_ctx *c, struct profile *p, const struct cfg_node *n,
				const char *keypath)
{
	if (n->is_table || n->value->type != TOML_ARRAY)
		return cfg_error(c, n->pos, keypath, "expected an array of names");
	strv_free(p->protected_names);
	p->protected_names = xcalloc(1, sizeof(char *));
	for (size_t i = 0; i < n->value->array.n; i++) {
		const struct toml_value *v = n->value->array.items[i];
		const char *name;
		int r = cfg_expect_string_item(c, n, keypath, v, i, &name);
		if (r < 0)
			return r;
		/* A protected name is one path component inside each
		 * writable root; anything else could never match. */
		if (!*name || strchr(name, '/') || streq(name, ".") || streq(name, "..")) {
			_cleanup_free_ char *item = xasprintf("%s[%zu]", keypath, i);
			_cleanup_free_ char *q = spec_quote(name);
			return cfg_error(c, cfg_value_pos(n, v), item,
					 "expected a file name such as \".git\", got %s", q);
		}
		if (!strv_contains(p->protected_names, name))
			strv_push(&p->protected_names, name);
	}
	p->set |= PROFILE_SET_PROTECTED_NAMES;
	return 0;
}

static int add_workspace_root(struct cfg_ctx *c, struct profile *p, struct cfg_pos at,
			      const char *keypath, const char *path)
{
	const char *why;

	if (spec_check_path(path, &why) < 0) {
		_cleanup_free_ char *q = spec_quote(path);
		return cfg_error(c, at, keypath, "%s: %s", q, why);
	}
	if (!strv_contains(p->workspace_roots, path))
		strv_push(&p->workspace_roots, path);
	return 0;
}

/* An array of paths, or a table PATH = true. `false` leaves the path out;
 * it cannot remove a root that a profile this one extends adds (roots are
 * united along the chain). */
static int read_workspace_roots(struct cfg_ctx *c, struct profile *p, const struct cfg_node *n,
				const char *keypath)
{
	int r;

	if (n->is_table) {
		for (size_t i = 0; i < n->n_children; i++) {
			const struct cfg_node *sub = &n->children[i];
			_cleanup_free_ char *k = cfg_key_join(keypath, sub->key);
			bool on = false;
			r = cfg_expect_bool(c, sub, k, &on);
			if (r >= 0 && on)
				r = add_workspace_root(c, p, sub->key_pos, k, sub->key);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (n->value->type != TOML_ARRAY)
		return cfg_error(c, n->pos, keypath,
				 "expected an array of paths or a table of path = true");
	for (size_t i = 0; i < n->value->array.n; i++) {
		const struct toml_value *v = n->value->array.items[i];
		_cleanup_free_ char *item = xasprintf("%s[%zu]", keypath, i);
		const char *path;
		r = cfg_expect_string_item(c, n, keypath, v, i, &path);
		if (r >= 0)
			r = add_workspace_root(c, p, cfg_value_pos(n, v), item, path);
		if (r < 0)
			return r;
	}
	return 0;
}

/* [permissions.NAME] alone, without its `extends`; *RET_EXTENDS is the
 * `extends` node, if any. */
static int read_profile(struct cfg_ctx *c, const char *name, const struct cfg_node *t,
			const char *keypath, struct profile **ret,
			const struct cfg_node **ret_extends)
{
	_cleanup_profile_free_ struct profile *p = profile_new(name);
	int r = cfg_expect_table(c, t, keypath);

	if (r < 0)
		return r;
	*ret_extends = NULL;
	for (size_t i = 0; i < t->n_children; i++) {
		const struct cfg_node *n = &t->children[i];
		_cleanup_free_ char *k = cfg_key_join(keypath, n->key);
		const char *s;

		if (streq(n->key, "extends")) {
			r = cfg_expect_string(c, n, k, &s);
			*ret_extends = n;
		} else if (streq(n->key, "protected_names")) {
			r = read_protected_names(c, p, n, k);
		} else if (streq(n->key, "workspace_roots")) {
			r = read_workspace_roots(c, p, n, k);
		} else if (streq(n->key, "landlock_ignore_carveouts")) {
			r = cfg_expect_bool(c, n, k, &p->landlock_ignore_carveouts);
			p->set |= PROFILE_SET_LANDLOCK_IGNORE_CARVEOUTS;
		} else if (streq(n->key, "filesystem")) {
			r = read_filesystem(c, p, n, k);
		} else if (streq(n->key, "network")) {
			r = read_network(c, p, n, k);
		} else {
			cfg_warn_unknown(c, n, k);
		}
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

/* "a, b, c" of every profile name a config offers. */
static char *available_names(const struct cfg_node *perms)
{
	struct strbuf b = { 0 };
	size_t n = 0;

	for (const char *const *s = builtin_profile_names; *s; s++, n++)
		strbuf_printf(&b, "%s%s", n ? ", " : "", *s);
	for (size_t i = 0; perms && perms->is_table && i < perms->n_children; i++) {
		if (!perms->children[i].is_table)
			continue;
		if (n == LIST_NAMES_MAX) {
			strbuf_puts(&b, ", …");
			break;
		}
		strbuf_printf(&b, ", %s", perms->children[i].key);
		n++;
	}
	return strbuf_steal(&b);
}

struct link {
	char *name;
	struct profile *profile;
};

static void links_free(struct link *links, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(links[i].name);
		profile_free(links[i].profile);
	}
	free(links);
}

static char *cycle_text(const struct link *links, size_t n, const char *again)
{
	struct strbuf b = { 0 };

	for (size_t i = 0; i < n; i++)
		strbuf_printf(&b, "%s -> ", links[i].name);
	strbuf_puts(&b, again);
	return strbuf_steal(&b);
}

/* Builds NAME, following `extends` down to a built-in or a profile that
 * extends nothing (which starts from an empty, restricted profile).
 * NAMED_AT and NAMED_BY say where NAME was written, for errors. */
static int build_chain(struct cfg_ctx *c, const struct cfg_node *root, const char *name,
		       struct cfg_pos named_at, const char *named_by, struct profile **ret)
{
	const struct cfg_node *perms = cfg_get(root, "permissions");
	struct link *links = NULL;
	size_t n = 0;
	_cleanup_free_ char *by = xstrdup(named_by);
	_cleanup_profile_free_ struct profile *base = NULL;
	const char *cur = name;
	int r = 0;

	if (perms && (r = cfg_expect_table(c, perms, "permissions")) < 0)
		return r;
	for (;;) {
		if (cur[0] == ':') {
			/* Names starting with ':' are reserved for built-ins. */
			if (builtin_profile_new(cur, &base) < 0) {
				_cleanup_free_ char *q = spec_quote(cur);
				_cleanup_free_ char *names = available_names(perms);
				r = cfg_error(c, named_at, by,
					      "unknown built-in profile %s (available: %s)", q,
					      names);
			}
			break;
		}
		bool cycle = false;
		for (size_t i = 0; i < n; i++)
			cycle = cycle || streq(links[i].name, cur);
		if (cycle) {
			_cleanup_free_ char *text = cycle_text(links, n, cur);
			r = cfg_error(c, named_at, by, "extends cycle: %s", text);
			break;
		}
		const struct cfg_node *t = cfg_get(perms, cur);
		if (!t) {
			_cleanup_free_ char *q = spec_quote(cur);
			_cleanup_free_ char *names = available_names(perms);
			r = cfg_error(c, named_at, by,
				      "unknown permission profile %s (available: %s)", q, names);
			break;
		}
		_cleanup_free_ char *keypath = cfg_key_join("permissions", cur);
		const struct cfg_node *ext = NULL;
		struct profile *p = NULL;
		r = read_profile(c, cur, t, keypath, &p, &ext);
		if (r < 0)
			break;
		links = xrealloc(links, (n + 1) * sizeof(*links));
		links[n++] = (struct link){ .name = xstrdup(cur), .profile = p };
		if (!ext)
			break;
		cur = ext->value->string.s;
		named_at = ext->pos;
		free(by);
		by = cfg_key_join(keypath, "extends");
	}
	if (r < 0) {
		links_free(links, n);
		return r;
	}

	/* Fold from the bottom of the chain up: each profile layers over the
	 * one it extends. */
	struct profile *acc = TAKE_PTR(base);
	for (size_t i = n; i-- > 0;) {
		struct profile *next = acc ? profile_extend(acc, links[i].profile)
					   : profile_copy(links[i].profile);
		profile_free(acc);
		acc = next;
	}
	links_free(links, n);
	*ret = acc;
	return 0;
}

/* `[permissions.":workspace"]` looks like it redefines a built-in, but
 * names starting with ':' always mean the built-in: say so rather than
 * let the table be silently unused. */
static void warn_reserved_names(struct cfg_ctx *c, const struct cfg_node *root)
{
	const struct cfg_node *perms = cfg_get(root, "permissions");

	for (size_t i = 0; perms && perms->is_table && i < perms->n_children; i++) {
		const struct cfg_node *n = &perms->children[i];
		if (n->key[0] != ':')
			continue;
		_cleanup_free_ char *k = cfg_key_join("permissions", n->key);
		cfg_warn(c, n->key_pos,
			 "%s is never used: profile names starting with ':' are reserved for "
			 "built-in profiles (extend one with `extends` instead)",
			 k);
	}
}

int config_profile_select(struct cfg_ctx *c, const struct cfg_node *root,
			  const char *profile_name, struct profile **ret)
{
	const struct cfg_node *dp = cfg_get(root, "default_permissions");
	const char *name;
	int r;

	warn_reserved_names(c, root);

	if (profile_name)
		return build_chain(c, root, profile_name, (struct cfg_pos){ 0 }, "-p", ret);
	if (dp) {
		r = cfg_expect_string(c, dp, "default_permissions", &name);
		if (r < 0)
			return r;
		return build_chain(c, root, name, dp->pos, "default_permissions", ret);
	}
	if (cfg_get(root, "sandbox_mode"))
		return config_legacy_profile(c, root, ret);
	return builtin_profile_new(BUILTIN_DEFAULT_PROFILE, ret);
}
