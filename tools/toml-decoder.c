/* toml-decoder: reads TOML on stdin and prints it as toml-test's tagged JSON
 * (every leaf {"type": T, "value": "<text>"}), or prints the parse error on
 * stderr and exits 1. The TOML conformance suite drives it. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>

#include "config/toml.h"

static json_t *leaf(const char *type, const char *value)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "value", json_string(value));
	return o;
}

/* The shortest spelling that reads back as the same double. */
static void format_float(double d, char *buf, size_t size)
{
	if (isnan(d)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (isinf(d)) {
		snprintf(buf, size, d < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

static json_t *to_json(const struct toml_value *v)
{
	static const char *const datetime_tags[] = {
		[TOML_DATETIME] = "datetime",
		[TOML_DATETIME_LOCAL] = "datetime-local",
		[TOML_DATE_LOCAL] = "date-local",
		[TOML_TIME_LOCAL] = "time-local",
	};
	char buf[64];
	json_t *j;

	switch (v->type) {
	case TOML_STRING:
		j = json_object();
		json_object_set_new(j, "type", json_string("string"));
		json_object_set_new(j, "value", json_stringn(v->string.s, v->string.len));
		return j;
	case TOML_INTEGER:
		snprintf(buf, sizeof(buf), "%" PRId64, v->integer);
		return leaf("integer", buf);
	case TOML_FLOAT:
		format_float(v->floating, buf, sizeof(buf));
		return leaf("float", buf);
	case TOML_BOOL:
		return leaf("bool", v->boolean ? "true" : "false");
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		return leaf(datetime_tags[v->type], v->datetime);
	case TOML_ARRAY:
		j = json_array();
		for (size_t i = 0; i < v->array.n; i++)
			json_array_append_new(j, to_json(v->array.items[i]));
		return j;
	case TOML_TABLE:
		j = json_object();
		for (size_t i = 0; i < v->table.n; i++) {
			const struct toml_keyval *kv = &v->table.items[i];
			json_object_setn_new(j, kv->key, kv->key_len, to_json(kv->value));
		}
		return j;
	default:
		return json_null();
	}
}

static int read_all(FILE *f, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		size_t n;

		GROW(buf, cap, len + 65536);
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		return -EIO;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_toml_free_ struct toml_value *root = NULL;
	struct error err = { 0 };
	size_t len;
	json_t *j;
	char *out;

	if (read_all(stdin, &text, &len) < 0) {
		fprintf(stderr, "toml-decoder: reading stdin: %m\n");
		return 1;
	}
	if (toml_parse(text, len, "<stdin>", &root, &err) < 0) {
		fprintf(stderr, "toml-decoder: %u:%u: %s\n", err.line, err.column, err.message);
		error_clear(&err);
		return 1;
	}
	j = to_json(root);
	out = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(j);
	if (!out) {
		fprintf(stderr, "toml-decoder: cannot encode JSON\n");
		return 1;
	}
	puts(out);
	free(out);
	return fflush(stdout) == 0 ? 0 : 1;
}
