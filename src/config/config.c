#include "config/config.h"
#include "config/config_merge.h"
#include "config/config_profile.h"
#include "config/json_policy.h"
#include "config/overrides.h"
#include "config/readfile.h"
#include "util/strv.h"

/* Everything parsed during one load. The merged view points into the
 * documents, so they live until the profile is built. */
struct loader {
	struct toml_value **docs;
	size_t n_docs;
	struct override *overrides;
	size_t n_overrides;
	struct cfg_node root;
};

static void loader_clear(struct loader *l)
{
	cfg_node_clear(&l->root);
	for (size_t i = 0; i < l->n_docs; i++)
		toml_free(l->docs[i]);
	free(l->docs);
	for (size_t i = 0; i < l->n_overrides; i++)
		override_clear(&l->overrides[i]);
	free(l->overrides);
}

/* An environment variable that names a directory: set, non-empty and, as
 * the XDG base directory spec requires, absolute. */
static const char *env_dir(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? v : NULL;
}

char *config_home_path(void)
{
	const char *d;

	if ((d = env_dir("CORDON_HOME")))
		return xasprintf("%s/config.toml", d);
	if ((d = env_dir("XDG_CONFIG_HOME")))
		return xasprintf("%s/cordon/config.toml", d);
	if ((d = env_dir("HOME")))
		return xasprintf("%s/.config/cordon/config.toml", d);
	return NULL;
}

static int read_error(struct error *reterr, const char *path, int r)
{
	if (r == -EFBIG)
		return error_setf_errno(reterr, r, path, 0, 0,
					"file is larger than %u bytes; not a config file",
					CONFIG_FILE_MAX);
	if (r == -EINVAL)
		return error_setf_errno(reterr, r, path, 0, 0, "not a regular file");
	return error_setf_errno(reterr, r, path, 0, 0, "cannot read: %s", strerror(-r));
}

/* Parses the TOML file PATH and merges it into the view. With OPTIONAL, a
 * missing file is skipped. PATH must outlive the loader (values keep it). */
static int load_file(struct loader *l, const char *path, bool optional, struct error *reterr)
{
	_cleanup_free_ char *text = NULL;
	struct toml_value *doc = NULL;
	size_t len = 0;
	int r;

	r = config_read_file(path, &text, &len);
	if (r == -ENOENT && optional)
		return 0;
	if (r < 0)
		return read_error(reterr, path, r);
	r = toml_parse(text, len, path, &doc, reterr);
	if (r < 0)
		return r;
	l->docs = xrealloc(l->docs, (l->n_docs + 1) * sizeof(*l->docs));
	l->docs[l->n_docs++] = doc;
	return cfg_merge_toml(&l->root, doc, reterr);
}

static int load_override(struct loader *l, const char *arg, struct error *reterr)
{
	struct override o;
	int r = override_parse(arg, &o, reterr);

	if (r < 0)
		return r;
	l->overrides = xrealloc(l->overrides, (l->n_overrides + 1) * sizeof(*l->overrides));
	l->overrides[l->n_overrides++] = o;
	r = cfg_set(&l->root, o.parts, o.value, o.source, reterr);
	if (r < 0 && reterr)
		/* Positions inside the synthetic document mean nothing to
		 * the user: name the override alone. */
		reterr->line = reterr->column = 0;
	return r;
}

static void cfg_ctx_clear(struct cfg_ctx *c)
{
	strv_free(c->warnings);
}

static int load_policy_json(const char *arg, struct profile **ret, char ***warnings,
			    struct error *reterr)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (arg[0] != '@')
		return json_policy_parse(arg, strlen(arg), "--policy-json", ret, warnings, reterr);
	r = config_read_file(arg + 1, &text, &len);
	if (r < 0)
		return read_error(reterr, arg + 1, r);
	return json_policy_parse(text, len, arg + 1, ret, warnings, reterr);
}

int config_load(const struct config_request *req, struct profile **ret, char ***ret_warnings,
		struct error *reterr)
{
	_cleanup_(loader_clear) struct loader l = { .root = { .is_table = true } };
	_cleanup_free_ char *home = NULL;
	_cleanup_profile_free_ struct profile *p = NULL;
	_cleanup_(cfg_ctx_clear) struct cfg_ctx c = { .err = reterr };
	int r;

	if (!req->no_home_config) {
		const char *path = req->home_config;
		if (!path)
			path = home = config_home_path();
		if (path && (r = load_file(&l, path, true, reterr)) < 0)
			return r;
	}
	STRV_FOREACH (f, req->config_files)
		if ((r = load_file(&l, *f, false, reterr)) < 0)
			return r;
	STRV_FOREACH (o, req->overrides)
		if ((r = load_override(&l, *o, reterr)) < 0)
			return r;

	/* Settings outside [permissions.*], [sandbox_workspace_write] and the
	 * few top-level keys cordon reads are not checked at all: the same
	 * file carries Codex's other settings (model, approval_policy, mcp
	 * servers, …), and warning about each would bury real warnings. */
	if (req->policy_json) {
		char **w = NULL;
		r = load_policy_json(req->policy_json, &p, &w, reterr);
		STRV_FOREACH (s, w)
			strv_push(&c.warnings, *s);
		strv_free(w);
	} else {
		r = config_profile_select(&c, &l.root, req->profile_name, &p);
	}
	if (r < 0)
		return r;

	*ret = TAKE_PTR(p);
	if (ret_warnings)
		*ret_warnings = TAKE_PTR(c.warnings);
	return 0;
}
