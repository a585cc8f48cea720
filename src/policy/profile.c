#include "policy/profile.h"
#include "util/strv.h"

const char *const profile_default_protected_names[] = {
	".git", ".cordon", ".codex", ".agents", ".vscode", ".idea", ".envrc", NULL,
};

static const char *const fs_kind_names[_FS_KIND_MAX] = {
	[FS_RESTRICTED] = "restricted",
	[FS_UNRESTRICTED] = "unrestricted",
	[FS_EXTERNAL] = "external",
};

static const char *const network_mode_names[_NETWORK_MODE_MAX] = {
	[NETWORK_OFF] = "off",
	[NETWORK_ON] = "on",
	[NETWORK_PROXY] = "proxy",
};

static const char *const approvals_names[_APPROVALS_MAX] = {
	[APPROVALS_NEVER] = "never",
	[APPROVALS_ASK] = "ask",
};

static const char *const special_names[_SPECIAL_MAX] = {
	[SPECIAL_ROOT] = ":root",
	[SPECIAL_MINIMAL] = ":minimal",
	[SPECIAL_WORKSPACE_ROOTS] = ":workspace_roots",
	[SPECIAL_TMPDIR] = ":tmpdir",
	[SPECIAL_SLASH_TMP] = ":slash_tmp",
};

static int lookup(const char *const *names, int n, const char *s)
{
	if (!s)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if (names[i] && streq(names[i], s))
			return i;
	return -EINVAL;
}

const char *fs_kind_to_string(enum fs_kind k)
{
	return k >= 0 && k < _FS_KIND_MAX ? fs_kind_names[k] : "invalid";
}

enum fs_kind fs_kind_from_string(const char *s)
{
	return (enum fs_kind)lookup(fs_kind_names, _FS_KIND_MAX, s);
}

const char *network_mode_to_string(enum network_mode m)
{
	return m >= 0 && m < _NETWORK_MODE_MAX ? network_mode_names[m] : "invalid";
}

enum network_mode network_mode_from_string(const char *s)
{
	return (enum network_mode)lookup(network_mode_names, _NETWORK_MODE_MAX, s);
}

const char *approvals_to_string(enum approvals a)
{
	return a >= 0 && a < _APPROVALS_MAX ? approvals_names[a] : "invalid";
}

enum approvals approvals_from_string(const char *s)
{
	return (enum approvals)lookup(approvals_names, _APPROVALS_MAX, s);
}

enum special_path special_path_from_string(const char *s)
{
	if (!s || s[0] != ':')
		return SPECIAL_NONE;
	int r = lookup(special_names, _SPECIAL_MAX, s);
	return r < 0 ? SPECIAL_UNKNOWN : (enum special_path)r;
}

const char *special_path_to_string(enum special_path s)
{
	if (s <= SPECIAL_NONE || s >= _SPECIAL_MAX || !special_names[s])
		return NULL;
	return special_names[s];
}

struct profile *profile_new(const char *name)
{
	struct profile *p = xcalloc(1, sizeof(*p));

	p->name = xstrdup(name ? name : "(unnamed)");
	p->fs_kind = FS_RESTRICTED;
	p->glob_scan_max_depth = PROFILE_DEFAULT_GLOB_SCAN_MAX_DEPTH;
	p->network.mode = NETWORK_OFF;
	p->network.approvals = APPROVALS_NEVER;
	return p;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	free(p->name);
	for (size_t i = 0; i < p->n_entries; i++)
		free(p->entries[i].path);
	free(p->entries);
	for (size_t i = 0; i < p->network.n_domains; i++)
		free(p->network.domains[i].pattern);
	free(p->network.domains);
	strv_free(p->protected_names);
	strv_free(p->workspace_roots);
	strv_free(p->sources);
	free(p);
}

const char *profile_intern_source(struct profile *p, const char *file)
{
	if (!file)
		return NULL;
	STRV_FOREACH (s, p->sources)
		if (streq(*s, file))
			return *s;
	strv_push(&p->sources, file);
	return p->sources[strv_length(p->sources) - 1];
}

/* Source locations point into the owning profile's `sources`; copying a
 * location into another profile must re-intern its file. */
static struct source_location relocate(struct profile *p, struct source_location w)
{
	w.file = profile_intern_source(p, w.file);
	return w;
}

void profile_add_entry(struct profile *p, enum special_path special, const char *path, bool glob,
		       enum access access, struct source_location where)
{
	where = relocate(p, where);
	for (size_t i = 0; i < p->n_entries; i++) {
		struct fs_entry *e = &p->entries[i];
		if (e->special == special && streq_ptr(e->path, path)) {
			e->glob = glob;
			e->access = access;
			e->where = where;
			return;
		}
	}
	p->entries = xrealloc(p->entries, (p->n_entries + 1) * sizeof(*p->entries));
	p->entries[p->n_entries++] = (struct fs_entry){
		.special = special,
		.path = path ? xstrdup(path) : NULL,
		.glob = glob,
		.access = access,
		.where = where,
	};
}

void profile_add_domain(struct profile *p, const char *pattern, bool allow,
			struct source_location where)
{
	struct network_policy *n = &p->network;

	where = relocate(p, where);
	for (size_t i = 0; i < n->n_domains; i++)
		if (streq(n->domains[i].pattern, pattern)) {
			n->domains[i].allow = allow;
			n->domains[i].where = where;
			return;
		}
	n->domains = xrealloc(n->domains, (n->n_domains + 1) * sizeof(*n->domains));
	n->domains[n->n_domains++] = (struct domain_rule){
		.pattern = xstrdup(pattern),
		.allow = allow,
		.where = where,
	};
}

char *const *profile_protected_names(const struct profile *p)
{
	if (p->set & PROFILE_SET_PROTECTED_NAMES)
		return p->protected_names;
	return (char *const *)profile_default_protected_names;
}

/* Copies the scalar settings that SRC sets itself into DST. */
static void overlay_scalars(struct profile *dst, const struct profile *src)
{
	if (src->set & PROFILE_SET_FS_KIND)
		dst->fs_kind = src->fs_kind;
	if (src->set & PROFILE_SET_NETWORK_MODE)
		dst->network.mode = src->network.mode;
	if (src->set & PROFILE_SET_APPROVALS)
		dst->network.approvals = src->network.approvals;
	if (src->set & PROFILE_SET_ALLOW_LOCAL_BINDING)
		dst->network.allow_local_binding = src->network.allow_local_binding;
	if (src->set & PROFILE_SET_ALLOW_UDP)
		dst->network.allow_udp = src->network.allow_udp;
	if (src->set & PROFILE_SET_GLOB_DEPTH)
		dst->glob_scan_max_depth = src->glob_scan_max_depth;
	if (src->set & PROFILE_SET_LANDLOCK_IGNORE_CARVEOUTS)
		dst->landlock_ignore_carveouts = src->landlock_ignore_carveouts;
	if (src->set & PROFILE_SET_PROTECTED_NAMES) {
		strv_free(dst->protected_names);
		dst->protected_names = strv_copy(src->protected_names);
	}
	dst->set |= src->set;
}

static void overlay_lists(struct profile *dst, const struct profile *src)
{
	for (size_t i = 0; i < src->n_entries; i++) {
		const struct fs_entry *e = &src->entries[i];
		profile_add_entry(dst, e->special, e->path, e->glob, e->access, e->where);
	}
	for (size_t i = 0; i < src->network.n_domains; i++) {
		const struct domain_rule *d = &src->network.domains[i];
		profile_add_domain(dst, d->pattern, d->allow, d->where);
	}
	STRV_FOREACH (r, src->workspace_roots)
		if (!strv_contains(dst->workspace_roots, *r))
			strv_push(&dst->workspace_roots, *r);
}

struct profile *profile_copy(const struct profile *p)
{
	struct profile *c = profile_new(p->name);

	c->fs_kind = p->fs_kind;
	c->network.mode = p->network.mode;
	c->network.approvals = p->network.approvals;
	c->network.allow_local_binding = p->network.allow_local_binding;
	c->network.allow_udp = p->network.allow_udp;
	c->glob_scan_max_depth = p->glob_scan_max_depth;
	c->landlock_ignore_carveouts = p->landlock_ignore_carveouts;
	c->protected_names = strv_copy(p->protected_names);
	c->set = p->set;
	overlay_lists(c, p);
	return c;
}

struct profile *profile_extend(const struct profile *parent, const struct profile *child)
{
	struct profile *r = profile_copy(parent);

	free(r->name);
	r->name = xstrdup(child->name);
	overlay_scalars(r, child);
	overlay_lists(r, child);
	return r;
}
