#include <stdarg.h>

#include "config/config_read.h"
#include "config/spec.h"
#include "util/strbuf.h"
#include "util/strv.h"

int cfg_error(struct cfg_ctx *c, struct cfg_pos at, const char *keypath, const char *fmt, ...)
{
	struct strbuf b = { 0 };
	va_list ap;

	if (keypath)
		strbuf_printf(&b, "%s: ", keypath);
	va_start(ap, fmt);
	strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	error_setf(c->err, at.file, at.line, at.line ? at.column : 0, "%s", b.s);
	strbuf_free(&b);
	return -EINVAL;
}

void cfg_warn(struct cfg_ctx *c, struct cfg_pos at, const char *fmt, ...)
{
	struct strbuf b = { 0 };
	va_list ap;

	if (at.file && at.line)
		strbuf_printf(&b, "%s:%u:%u: ", at.file, at.line, at.column);
	else if (at.file)
		strbuf_printf(&b, "%s: ", at.file);
	va_start(ap, fmt);
	strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	strv_consume(&c->warnings, strbuf_steal(&b));
}

void cfg_warn_unknown(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath)
{
	cfg_warn(c, n->key_pos, "unknown key '%s' ignored", keypath);
}

static const char *value_type(const struct toml_value *v)
{
	switch (v->type) {
	case TOML_STRING:
		return "a string";
	case TOML_INTEGER:
		return "an integer";
	case TOML_FLOAT:
		return "a float";
	case TOML_BOOL:
		return "a boolean";
	case TOML_ARRAY:
		return "an array";
	case TOML_TABLE:
		return "a table";
	default:
		return "a date or time";
	}
}

static const char *type_of(const struct cfg_node *n)
{
	return n->is_table ? "a table" : value_type(n->value);
}

int cfg_expect_table(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath)
{
	if (n->is_table)
		return 0;
	return cfg_error(c, n->pos, keypath, "expected a table, got %s", type_of(n));
}

/* TOML strings may hold NUL ("\u0000"); no path, name or word may. */
static int check_string(struct cfg_ctx *c, struct cfg_pos at, const char *keypath,
			const struct toml_value *v, const char **ret)
{
	if (strlen(v->string.s) != v->string.len)
		return cfg_error(c, at, keypath, "a NUL character is not allowed here");
	*ret = v->string.s;
	return 0;
}

int cfg_expect_string(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
		      const char **ret)
{
	if (n->is_table || n->value->type != TOML_STRING)
		return cfg_error(c, n->pos, keypath, "expected a string, got %s", type_of(n));
	return check_string(c, n->pos, keypath, n->value, ret);
}

int cfg_expect_bool(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath, bool *ret)
{
	if (n->is_table || n->value->type != TOML_BOOL)
		return cfg_error(c, n->pos, keypath, "expected true or false, got %s", type_of(n));
	*ret = n->value->boolean;
	return 0;
}

int cfg_expect_integer(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
		       int64_t *ret)
{
	if (n->is_table || n->value->type != TOML_INTEGER)
		return cfg_error(c, n->pos, keypath, "expected an integer, got %s", type_of(n));
	*ret = n->value->integer;
	return 0;
}

int cfg_expect_string_item(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
			   const struct toml_value *v, size_t index, const char **ret)
{
	_cleanup_free_ char *item = xasprintf("%s[%zu]", keypath, index);
	struct cfg_pos at = cfg_value_pos(n, v);

	if (v->type != TOML_STRING)
		return cfg_error(c, at, item, "expected a string, got %s", value_type(v));
	return check_string(c, at, item, v, ret);
}

int cfg_expect_word(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
		    int (*from)(const char *), const char *const *words, int *ret)
{
	const char *s;
	int r = cfg_expect_string(c, n, keypath, &s);

	if (r < 0)
		return r;
	r = from(s);
	if (r >= 0) {
		*ret = r;
		return 0;
	}
	struct strbuf b = { 0 };
	for (const char *const *w = words; *w; w++)
		strbuf_printf(&b, "%s%s", w == words ? "" : ", ", *w);
	_cleanup_free_ char *q = spec_quote(s);
	r = cfg_error(c, n->pos, keypath, "expected one of %s; got %s", b.s, q);
	strbuf_free(&b);
	return r;
}
