#include <jansson.h>
#include <stdarg.h>

#include "config/json_policy.h"
#include "config/json_pos.h"
#include "config/spec.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* The schema is at most six levels deep (top, file_system, entries, [i],
 * path, value); only known keys are entered, so this bounds the walk. */
#define JSON_POLICY_MAX_DEPTH 8

struct jstep {
	const char *key; /* NULL for an array element */
	size_t index;    /* member or element index, in document order */
};

struct jctx {
	const char *text;
	size_t len;
	const char *source;
	struct profile *profile;
	char **warnings;
	struct error *err;
	struct jstep steps[JSON_POLICY_MAX_DEPTH];
	size_t n_steps;
};

/* RFC 6901: "~" and "/" in a key are written "~0" and "~1". */
static char *pointer(const struct jctx *c)
{
	struct strbuf b = { 0 };

	for (size_t i = 0; i < c->n_steps; i++) {
		strbuf_putc(&b, '/');
		if (!c->steps[i].key) {
			strbuf_printf(&b, "%zu", c->steps[i].index);
			continue;
		}
		for (const char *k = c->steps[i].key; *k; k++) {
			if (*k == '~')
				strbuf_puts(&b, "~0");
			else if (*k == '/')
				strbuf_puts(&b, "~1");
			else
				strbuf_putc(&b, *k);
		}
	}
	return strbuf_steal(&b);
}

static void position(const struct jctx *c, bool at_key, unsigned *line, unsigned *column)
{
	struct json_pos_step steps[JSON_POLICY_MAX_DEPTH];
	size_t offset = 0;

	for (size_t i = 0; i < c->n_steps; i++)
		steps[i].index = c->steps[i].index;
	if (json_pos_locate(c->text, c->len, steps, c->n_steps, at_key, &offset) < 0)
		offset = 0; /* cannot happen for text jansson accepted; the start is the fallback */
	json_pos_line_column(c->text, c->len, offset, line, column);
}

/* "POINTER: message" at the current value (or its key). */
static _printf_(3, 0) void describe(const struct jctx *c, struct strbuf *b, const char *fmt,
				     va_list ap)
{
	_cleanup_free_ char *ptr = pointer(c);

	if (ptr[0])
		strbuf_printf(b, "%s: ", ptr);
	strbuf_vprintf(b, fmt, ap);
}

static _printf_(3, 0) int jerr_va(struct jctx *c, bool at_key, const char *fmt, va_list ap)
{
	struct strbuf b = { 0 };
	unsigned line, column;

	describe(c, &b, fmt, ap);
	position(c, at_key, &line, &column);
	error_setf(c->err, c->source, line, column, "%s", b.s);
	strbuf_free(&b);
	return -EINVAL;
}

static _printf_(2, 3) int jerr(struct jctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = jerr_va(c, false, fmt, ap);
	va_end(ap);
	return r;
}

/* An error about an object member's key rather than its value. */
static _printf_(2, 3) int jerr_key(struct jctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = jerr_va(c, true, fmt, ap);
	va_end(ap);
	return r;
}

static _printf_(2, 3) void jwarn_at_key(struct jctx *c, const char *fmt, ...)
{
	struct strbuf b = { 0 };
	unsigned line, column;
	va_list ap;

	va_start(ap, fmt);
	describe(c, &b, fmt, ap);
	va_end(ap);
	position(c, true, &line, &column);
	strv_pushf(&c->warnings, "%s:%u:%u: %s", c->source, line, column, b.s);
	strbuf_free(&b);
}

/* Enters member KEY of OBJ (which must have it). */
static void push_key(struct jctx *c, json_t *obj, const char *key)
{
	const char *k;
	json_t *v;
	size_t index = 0;

	json_object_foreach (obj, k, v) {
		if (streq(k, key))
			break;
		index++;
	}
	c->steps[c->n_steps++] = (struct jstep){ .key = key, .index = index };
}

static void push_index(struct jctx *c, size_t index)
{
	c->steps[c->n_steps++] = (struct jstep){ .index = index };
}

static void pop(struct jctx *c)
{
	c->n_steps--;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static void warn_unknown_keys(struct jctx *c, json_t *obj, const char *const *known)
{
	const char *k;
	json_t *v;
	size_t index = 0;

	json_object_foreach (obj, k, v) {
		bool found = false;
		for (const char *const *n = known; *n; n++)
			if (streq(*n, k))
				found = true;
		if (!found) {
			c->steps[c->n_steps++] = (struct jstep){ .key = k, .index = index };
			jwarn_at_key(c, "unknown key ignored");
			pop(c);
		}
		index++;
	}
}

/* The string member KEY of OBJ; NULL in *RET when it is absent and not
 * REQUIRED. */
static int get_string(struct jctx *c, json_t *obj, const char *key, bool required,
		      const char **ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v) {
		if (required)
			return jerr(c, "missing \"%s\"", key);
		return 0;
	}
	if (!json_is_string(v)) {
		push_key(c, obj, key);
		int r = jerr(c, "expected a string, got %s", type_name(v));
		pop(c);
		return r;
	}
	*ret = json_string_value(v);
	return 0;
}

/* Like get_string, then maps the value through FROM (returns < 0 when
 * unknown); EXPECTED lists the accepted words for the message. */
static int get_enum(struct jctx *c, json_t *obj, const char *key, bool required,
		    int (*from)(const char *), const char *expected, int *ret)
{
	const char *s;
	int r = get_string(c, obj, key, required, &s);

	if (r < 0)
		return r;
	if (!s) {
		*ret = -ENOENT;
		return 0;
	}
	r = from(s);
	if (r < 0) {
		_cleanup_free_ char *q = spec_quote(s);
		push_key(c, obj, key);
		r = jerr(c, "expected %s; got %s", expected, q);
		pop(c);
		return r;
	}
	*ret = r;
	return 0;
}

static int get_bool(struct jctx *c, json_t *obj, const char *key, bool *ret, bool *ret_present)
{
	json_t *v = json_object_get(obj, key);

	*ret_present = false;
	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		push_key(c, obj, key);
		int r = jerr(c, "expected true or false, got %s", type_name(v));
		pop(c);
		return r;
	}
	*ret = json_is_true(v);
	*ret_present = true;
	return 0;
}

/* Enters member KEY, which must be an object when present. */
static int enter_object(struct jctx *c, json_t *obj, const char *key, bool required,
			json_t **ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v)
		return required ? jerr(c, "missing \"%s\"", key) : 0;
	push_key(c, obj, key);
	if (!json_is_object(v)) {
		int r = jerr(c, "expected an object, got %s", type_name(v));
		pop(c);
		return r;
	}
	*ret = v;
	return 0;
}

static int access_from(const char *s)
{
	return access_from_string(s);
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

static int restricted_fs_from(const char *s)
{
	/* "external" belongs to the top-level type, not to file_system. */
	return streq(s, "restricted")	  ? FS_RESTRICTED
	       : streq(s, "unrestricted") ? FS_UNRESTRICTED
					  : -EINVAL;
}

enum top_type { TOP_MANAGED, TOP_DISABLED, TOP_EXTERNAL };

static int top_type_from(const char *s)
{
	return streq(s, "managed")    ? TOP_MANAGED
	       : streq(s, "disabled") ? TOP_DISABLED
	       : streq(s, "external") ? TOP_EXTERNAL
				      : -EINVAL;
}

static int network_word_from(const char *s)
{
	return streq(s, "restricted") ? NETWORK_OFF
	       : streq(s, "enabled")  ? NETWORK_ON
	       : streq(s, "proxy")    ? NETWORK_PROXY
				      : -EINVAL;
}

static struct source_location here(struct jctx *c)
{
	unsigned line, column;

	position(c, false, &line, &column);
	return (struct source_location){ .file = c->source, .line = line, .column = column };
}

static const struct {
	const char *kind;
	enum special_path special;
} special_kinds[] = {
	{ "root", SPECIAL_ROOT },
	{ "minimal", SPECIAL_MINIMAL },
	{ "project_roots", SPECIAL_WORKSPACE_ROOTS },
	{ "workspace_roots", SPECIAL_WORKSPACE_ROOTS },
	{ "tmpdir", SPECIAL_TMPDIR },
	{ "slash_tmp", SPECIAL_SLASH_TMP },
};

/* {"kind": K, "subpath": S}: the current step is "value". Fills the
 * special and its path (the subpath, or ":K" for an unknown kind). */
static int parse_special(struct jctx *c, json_t *value, enum special_path *ret_special,
			 char **ret_path)
{
	static const char *const known[] = { "kind", "subpath", NULL };
	const char *kind, *subpath;
	int r;

	warn_unknown_keys(c, value, known);
	r = get_string(c, value, "kind", true, &kind);
	if (r < 0)
		return r;
	r = get_string(c, value, "subpath", false, &subpath);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(special_kinds); i++)
		if (streq(special_kinds[i].kind, kind)) {
			*ret_special = special_kinds[i].special;
			if (*ret_special == SPECIAL_WORKSPACE_ROOTS) {
				*ret_path = xstrdup(subpath ? subpath : ".");
				return 0;
			}
			if (subpath) {
				push_key(c, value, "subpath");
				r = jerr(c, "a subpath is allowed only with kind project_roots");
				pop(c);
				return r;
			}
			*ret_path = NULL;
			return 0;
		}
	/* Forward compatibility: a newer writer may know kinds we do not. */
	_cleanup_free_ char *q = spec_quote(kind);
	push_key(c, value, "kind");
	jwarn_at_key(c, "unknown special path kind %s: the entry grants nothing", q);
	pop(c);
	*ret_special = SPECIAL_UNKNOWN;
	*ret_path = xasprintf(":%s", kind);
	return 0;
}

/* {"type": "special"|"path"|"glob_pattern", …}: the current step is "path". */
static int parse_path(struct jctx *c, json_t *path, enum special_path *ret_special,
		      char **ret_path)
{
	static const char *const known_special[] = { "type", "value", NULL };
	static const char *const known_path[] = { "type", "path", NULL };
	static const char *const known_glob[] = { "type", "pattern", NULL };
	const char *type, *s;
	int r;

	r = get_string(c, path, "type", true, &type);
	if (r < 0)
		return r;
	if (streq(type, "special")) {
		json_t *value;
		warn_unknown_keys(c, path, known_special);
		r = enter_object(c, path, "value", true, &value);
		if (r < 0)
			return r;
		r = parse_special(c, value, ret_special, ret_path);
		pop(c);
		return r;
	}
	if (streq(type, "path") || streq(type, "glob_pattern")) {
		bool glob = streq(type, "glob_pattern");
		const char *key = glob ? "pattern" : "path";
		warn_unknown_keys(c, path, glob ? known_glob : known_path);
		r = get_string(c, path, key, true, &s);
		if (r < 0)
			return r;
		*ret_special = SPECIAL_NONE;
		*ret_path = xstrdup(s);
		return 0;
	}
	_cleanup_free_ char *q = spec_quote(type);
	push_key(c, path, "type");
	r = jerr(c, "expected special, path or glob_pattern; got %s", q);
	pop(c);
	return r;
}

/* One element of "entries": the current step is its index. */
static int parse_entry(struct jctx *c, json_t *entry)
{
	static const char *const known[] = { "path", "access", NULL };
	_cleanup_free_ char *path_text = NULL;
	enum special_path special = SPECIAL_NONE;
	const char *why;
	json_t *path;
	int access = -1, r;

	if (!json_is_object(entry))
		return jerr(c, "expected an object, got %s", type_name(entry));
	warn_unknown_keys(c, entry, known);
	r = enter_object(c, entry, "path", true, &path);
	if (r < 0)
		return r;
	r = parse_path(c, path, &special, &path_text);
	pop(c);
	if (r < 0)
		return r;
	r = get_enum(c, entry, "access", true, access_from, "one of none, read, write", &access);
	if (r < 0)
		return r;

	/* A glob in a "path" entry is taken literally: file names may contain
	 * '*' or '['. Only "glob_pattern" entries match. */
	json_t *pv = json_object_get(path, "type");
	bool literal = streq(json_string_value(pv), "path");
	push_key(c, entry, "path");
	struct source_location where = here(c);
	if (literal && special == SPECIAL_NONE) {
		r = spec_check_path(path_text, &why);
		if (r >= 0)
			profile_add_entry(c->profile, special, path_text, false,
					  (enum access)access, where);
	} else {
		r = spec_add_fs_entry(c->profile, special, path_text, (enum access)access, where,
				      &why);
	}
	if (r < 0) {
		_cleanup_free_ char *q = spec_quote(path_text ? path_text : "");
		r = jerr(c, "%s: %s", q, why);
	}
	pop(c);
	return r;
}

/* "file_system": the current step. */
static int parse_file_system(struct jctx *c, json_t *fs)
{
	static const char *const known[] = { "type", "entries", NULL };
	json_t *entries;
	int kind = -1, r;

	warn_unknown_keys(c, fs, known);
	r = get_enum(c, fs, "type", false, restricted_fs_from, "restricted or unrestricted", &kind);
	if (r < 0)
		return r;
	c->profile->fs_kind = kind < 0 ? FS_RESTRICTED : (enum fs_kind)kind;
	c->profile->set |= PROFILE_SET_FS_KIND;

	entries = json_object_get(fs, "entries");
	if (!entries)
		return 0;
	push_key(c, fs, "entries");
	if (!json_is_array(entries)) {
		r = jerr(c, "expected an array, got %s", type_name(entries));
		pop(c);
		return r;
	}
	for (size_t i = 0; i < json_array_size(entries); i++) {
		push_index(c, i);
		r = parse_entry(c, json_array_get(entries, i));
		pop(c);
		if (r < 0)
			break;
	}
	pop(c);
	return r < 0 ? r : 0;
}

/* "domains": the current step. */
static int parse_domains(struct jctx *c, json_t *domains)
{
	const char *pattern, *why;
	json_t *v;

	json_object_foreach (domains, pattern, v) {
		int allow = 0, r;

		r = get_enum(c, domains, pattern, true, allow_from, "allow or deny", &allow);
		if (r < 0)
			return r;
		push_key(c, domains, pattern);
		r = spec_check_domain(pattern, &why);
		if (r < 0) {
			_cleanup_free_ char *q = spec_quote(pattern);
			r = jerr_key(c, "%s: %s", q, why);
			pop(c);
			return r;
		}
		profile_add_domain(c->profile, pattern, allow == 1, here(c));
		pop(c);
	}
	return 0;
}

/* The network object form: the current step is "network". */
static int parse_network_object(struct jctx *c, json_t *net)
{
	static const char *const known[] = {
		"mode", "domains", "approvals", "allow_local_binding", "allow_udp", NULL,
	};
	struct profile *p = c->profile;
	json_t *domains;
	bool b, present;
	int v = -1, r;

	warn_unknown_keys(c, net, known);
	r = get_enum(c, net, "mode", false, mode_from, "off, on or proxy", &v);
	if (r < 0)
		return r;
	p->network.mode = v < 0 ? NETWORK_OFF : (enum network_mode)v;
	p->set |= PROFILE_SET_NETWORK_MODE;

	r = get_enum(c, net, "approvals", false, approvals_from, "ask or never", &v);
	if (r < 0)
		return r;
	if (v >= 0) {
		p->network.approvals = (enum approvals)v;
		p->set |= PROFILE_SET_APPROVALS;
	}
	r = get_bool(c, net, "allow_local_binding", &b, &present);
	if (r < 0)
		return r;
	if (present) {
		p->network.allow_local_binding = b;
		p->set |= PROFILE_SET_ALLOW_LOCAL_BINDING;
	}
	r = get_bool(c, net, "allow_udp", &b, &present);
	if (r < 0)
		return r;
	if (present) {
		p->network.allow_udp = b;
		p->set |= PROFILE_SET_ALLOW_UDP;
	}
	r = enter_object(c, net, "domains", false, &domains);
	if (r < 0 || !domains)
		return r;
	r = parse_domains(c, domains);
	pop(c);
	return r;
}

static int parse_network(struct jctx *c, json_t *top)
{
	json_t *net = json_object_get(top, "network");
	int r, v = -1;

	if (!net || json_is_string(net)) {
		/* Absent means restricted: a policy that forgets the network
		 * gets none. */
		r = get_enum(c, top, "network", false, network_word_from,
			     "restricted, enabled or proxy (or an object)", &v);
		if (r < 0)
			return r;
		c->profile->network.mode = v < 0 ? NETWORK_OFF : (enum network_mode)v;
		c->profile->set |= PROFILE_SET_NETWORK_MODE;
		return 0;
	}
	push_key(c, top, "network");
	if (!json_is_object(net))
		r = jerr(c, "expected a string or an object, got %s", type_name(net));
	else
		r = parse_network_object(c, net);
	pop(c);
	return r;
}

static int parse_top(struct jctx *c, json_t *top)
{
	static const char *const known[] = { "type", "file_system", "network", NULL };
	json_t *fs;
	int type = -1, r;

	if (!json_is_object(top))
		return jerr(c, "expected a JSON object, got %s", type_name(top));
	warn_unknown_keys(c, top, known);
	r = get_enum(c, top, "type", true, top_type_from, "managed, disabled or external", &type);
	if (r < 0)
		return r;

	switch (type) {
	case TOP_DISABLED:
		c->profile->fs_kind = FS_UNRESTRICTED;
		c->profile->network.mode = NETWORK_ON;
		c->profile->set |= PROFILE_SET_FS_KIND | PROFILE_SET_NETWORK_MODE;
		for (const char *const *k = (const char *const[]){ "file_system", "network", NULL };
		     *k; k++)
			if (json_object_get(top, *k)) {
				push_key(c, top, *k);
				jwarn_at_key(c, "ignored: the policy type is \"disabled\"");
				pop(c);
			}
		return 0;
	case TOP_EXTERNAL:
		c->profile->fs_kind = FS_EXTERNAL;
		c->profile->set |= PROFILE_SET_FS_KIND;
		if (json_object_get(top, "file_system")) {
			push_key(c, top, "file_system");
			jwarn_at_key(c, "ignored: the policy type is \"external\"");
			pop(c);
		}
		return parse_network(c, top);
	default:
		r = enter_object(c, top, "file_system", true, &fs);
		if (r < 0)
			return r;
		r = parse_file_system(c, fs);
		pop(c);
		if (r < 0)
			return r;
		return parse_network(c, top);
	}
}

int json_policy_parse(const char *text, size_t len, const char *source_name,
		      struct profile **ret, char ***ret_warnings, struct error *reterr)
{
	json_auto_t *root = NULL;
	_cleanup_profile_free_ struct profile *p = NULL;
	_cleanup_strv_free_ char **warnings = NULL;
	json_error_t jerror;
	int r;

	/* Duplicate keys are rejected: which of two "access" values would
	 * win is not something a policy should leave to the parser. */
	if (!source_name)
		source_name = "--policy-json";
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerror);
	if (!root)
		return error_setf(reterr, source_name, jerror.line > 0 ? (unsigned)jerror.line : 1,
				  jerror.column > 0 ? (unsigned)jerror.column : 1,
				  "invalid JSON: %s", jerror.text);

	p = profile_new(JSON_POLICY_PROFILE_NAME);
	struct jctx c = {
		.text = text,
		.len = len,
		.source = source_name,
		.profile = p,
		.err = reterr,
	};
	r = parse_top(&c, root);
	warnings = c.warnings;
	if (r < 0)
		return r;
	*ret = TAKE_PTR(p);
	if (ret_warnings)
		*ret_warnings = TAKE_PTR(warnings);
	return 0;
}
