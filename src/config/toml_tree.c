/* The TOML value tree: building, freeing, copying, looking up. */
#include "config/toml_internal.h"

/* Tables and arrays built here hold max(4, next power of two) slots for
 * their length, so appending needs no stored capacity: the array is full
 * exactly when its length is 4 or a larger power of two. */
static size_t slots_for(size_t n)
{
	size_t cap = 4;

	if (n == 0)
		return 0;
	while (cap < n)
		cap *= 2;
	return cap;
}

static bool needs_growth(size_t n)
{
	return n == 0 || (n >= 4 && (n & (n - 1)) == 0);
}

/* key_len 0 with a non-empty key: an entry made by code that predates
 * key_len; its key is a plain C string. */
static size_t key_length(const struct toml_keyval *kv)
{
	return kv->key_len ? kv->key_len : strlen(kv->key);
}

struct toml_value *toml_value_new(enum toml_type type, const char *file, unsigned line,
				  unsigned col)
{
	struct toml_value *v = xcalloc(1, sizeof(*v));

	v->type = type;
	v->file = file;
	v->line = line;
	v->column = col;
	return v;
}

size_t toml_table_append(struct toml_value *t, char *key, size_t key_len, unsigned line,
			 unsigned col, struct toml_value *v)
{
	size_t n = t->table.n;

	if (needs_growth(n))
		t->table.items =
			xrealloc(t->table.items, slots_for(n + 1) * sizeof(*t->table.items));
	t->table.items[n] = (struct toml_keyval){
		.key = key, .key_len = key_len, .line = line, .column = col, .value = v
	};
	t->table.n = n + 1;
	return n;
}

void toml_array_append(struct toml_value *a, struct toml_value *v)
{
	size_t n = a->array.n;

	if (needs_growth(n))
		a->array.items =
			xrealloc(a->array.items, slots_for(n + 1) * sizeof(*a->array.items));
	a->array.items[n] = v;
	a->array.n = n + 1;
}

void toml_free(struct toml_value *v)
{
	if (!v)
		return;
	switch (v->type) {
	case TOML_STRING:
		free(v->string.s);
		break;
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		free(v->datetime);
		break;
	case TOML_ARRAY:
		for (size_t i = 0; i < v->array.n; i++)
			toml_free(v->array.items[i]);
		free(v->array.items);
		break;
	case TOML_TABLE:
		for (size_t i = 0; i < v->table.n; i++) {
			free(v->table.items[i].key);
			toml_free(v->table.items[i].value);
		}
		free(v->table.items);
		break;
	default:
		break;
	}
	free(v);
}

struct toml_value *toml_copy(const struct toml_value *v)
{
	struct toml_value *c;

	if (!v)
		return NULL;
	c = xmalloc(sizeof(*c));
	*c = *v;
	switch (v->type) {
	case TOML_STRING:
		c->string.s = xmalloc(v->string.len + 1);
		if (v->string.len)
			memcpy(c->string.s, v->string.s, v->string.len);
		c->string.s[v->string.len] = '\0';
		break;
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		c->datetime = v->datetime ? xstrdup(v->datetime) : NULL;
		break;
	case TOML_ARRAY:
		c->array.items = NULL;
		if (v->array.n)
			c->array.items = xmalloc(slots_for(v->array.n) * sizeof(*c->array.items));
		for (size_t i = 0; i < v->array.n; i++)
			c->array.items[i] = toml_copy(v->array.items[i]);
		break;
	case TOML_TABLE:
		c->table.items = NULL;
		if (v->table.n)
			c->table.items = xmalloc(slots_for(v->table.n) * sizeof(*c->table.items));
		for (size_t i = 0; i < v->table.n; i++) {
			const struct toml_keyval *kv = &v->table.items[i];
			size_t len = key_length(kv);

			c->table.items[i] = *kv;
			c->table.items[i].key = xstrndup(kv->key, len);
			c->table.items[i].key_len = len;
			c->table.items[i].value = toml_copy(kv->value);
		}
		break;
	default:
		break;
	}
	return c;
}

struct toml_value *toml_table_getn(const struct toml_value *t, const char *key, size_t len)
{
	if (!t || t->type != TOML_TABLE || !key)
		return NULL;
	for (size_t i = 0; i < t->table.n; i++) {
		const struct toml_keyval *kv = &t->table.items[i];
		if (key_length(kv) == len && memcmp(kv->key, key, len) == 0)
			return kv->value;
	}
	return NULL;
}

struct toml_value *toml_table_get(const struct toml_value *t, const char *key)
{
	return key ? toml_table_getn(t, key, strlen(key)) : NULL;
}

bool toml_key_has_nul(const struct toml_keyval *kv)
{
	return memchr(kv->key, '\0', key_length(kv)) != NULL;
}

const char *toml_type_name(enum toml_type t)
{
	static const char *const names[_TOML_TYPE_MAX] = {
		[TOML_STRING] = "string",
		[TOML_INTEGER] = "integer",
		[TOML_FLOAT] = "float",
		[TOML_BOOL] = "boolean",
		[TOML_DATETIME] = "offset date-time",
		[TOML_DATETIME_LOCAL] = "local date-time",
		[TOML_DATE_LOCAL] = "local date",
		[TOML_TIME_LOCAL] = "local time",
		[TOML_ARRAY] = "array",
		[TOML_TABLE] = "table",
	};

	if ((unsigned)t >= _TOML_TYPE_MAX)
		return "invalid";
	return names[t];
}
