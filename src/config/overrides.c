#include <ctype.h>

#include "config/overrides.h"
#include "util/strbuf.h"
#include "util/strv.h"

void override_clear(struct override *o)
{
	free(o->source);
	strv_free(o->parts);
	toml_free(o->doc);
	*o = (struct override){ 0 };
}

/* The '=' that ends the key: the first one outside a quoted key part. */
static const char *find_equals(const char *arg)
{
	char quote = 0;

	for (const char *s = arg; *s; s++) {
		if (quote) {
			if (quote == '"' && *s == '\\' && s[1])
				s++;
			else if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '=') {
			return s;
		}
	}
	return NULL;
}

/* The key's parts, by letting the TOML parser read `KEY = 0`: it knows
 * quoting and escapes, and with an integer value the resulting tree is a
 * chain of one-key tables that spells the key. */
static int split_key(const char *key, const char *source, char ***ret, struct error *reterr)
{
	_cleanup_toml_free_ struct toml_value *doc = NULL;
	_cleanup_strv_free_ char **parts = NULL;
	_cleanup_free_ char *text = NULL;
	struct error err = { 0 };

	/* A newline would let the "key" carry table headers or more keys. */
	if (strpbrk(key, "\n\r"))
		return error_setf(reterr, source, 0, 0, "the key may not contain a line break");
	text = xasprintf("%s = 0\n", key);
	if (toml_parse(text, strlen(text), source, &doc, &err) < 0) {
		error_setf(reterr, source, 0, 0, "invalid key: %s", err.message);
		error_clear(&err);
		return -EINVAL;
	}
	const struct toml_value *v = doc;
	while (v->type == TOML_TABLE) {
		if (v->table.n != 1)
			return error_setf(reterr, source, 0, 0, "invalid key");
		if (toml_key_has_nul(&v->table.items[0]))
			return error_setf(reterr, source, 0, 0,
					  "a key may not contain a NUL character");
		strv_push(&parts, v->table.items[0].key);
		v = v->table.items[0].value;
	}
	if (!parts)
		return error_setf(reterr, source, 0, 0, "empty key");
	*ret = TAKE_PTR(parts);
	return 0;
}

/* A word Codex would take as a string: something that is plainly not
 * meant as TOML syntax. */
static bool is_bare_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s) ||
		    strchr("\"'[]{}=,#", *s))
			return false;
	return true;
}

static char *trim(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Parses `v = TEXT` and checks that it defines nothing else. */
static int parse_value(const char *text, const char *source, struct toml_value **ret_doc,
		       struct error *err)
{
	_cleanup_toml_free_ struct toml_value *doc = NULL;
	_cleanup_free_ char *line = xasprintf("v = %s\n", text);
	int r;

	r = toml_parse(line, strlen(line), source, &doc, err);
	if (r < 0)
		return r;
	if (doc->table.n != 1 || !streq(doc->table.items[0].key, "v"))
		return error_setf(err, source, 0, 0, "the value defines more than one key");
	*ret_doc = TAKE_PTR(doc);
	return 0;
}

int override_parse(const char *arg, struct override *ret, struct error *reterr)
{
	_cleanup_(override_clear) struct override o = { .source = xasprintf("-c %s", arg) };
	_cleanup_free_ char *key = NULL, *value = NULL;
	struct error err = { 0 };
	int r;

	const char *eq = find_equals(arg);
	if (!eq)
		return error_setf(reterr, o.source, 0, 0, "expected KEY=VALUE");
	key = xstrndup(arg, (size_t)(eq - arg));
	value = trim(eq + 1);

	r = split_key(key, o.source, &o.parts, reterr);
	if (r < 0)
		return r;

	r = parse_value(value, o.source, &o.doc, &err);
	if (r < 0 && is_bare_word(value)) {
		struct strbuf quoted = { 0 };
		error_clear(&err);
		strbuf_putc(&quoted, '"');
		for (const char *s = value; *s; s++) {
			if (*s == '\\')
				strbuf_putc(&quoted, '\\');
			strbuf_putc(&quoted, *s);
		}
		strbuf_putc(&quoted, '"');
		r = parse_value(quoted.s, o.source, &o.doc, &err);
		strbuf_free(&quoted);
	}
	if (r < 0) {
		error_setf(reterr, o.source, 0, 0, "invalid TOML value: %s", err.message);
		error_clear(&err);
		return r;
	}
	o.value = o.doc->table.items[0].value;
	*ret = o;
	o = (struct override){ 0 };
	return 0;
}
