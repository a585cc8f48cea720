#include "config/config_merge.h"
#include "util/strbuf.h"

static struct cfg_pos pos_of(const struct toml_value *v)
{
	return (struct cfg_pos){ .file = v->file, .line = v->line, .column = v->column };
}

struct cfg_pos cfg_value_pos(const struct cfg_node *n, const struct toml_value *v)
{
	return n->override ? n->pos : pos_of(v);
}

void cfg_node_clear(struct cfg_node *n)
{
	for (size_t i = 0; i < n->n_children; i++)
		cfg_node_clear(&n->children[i]);
	free(n->children);
	free(n->key);
	n->children = NULL;
	n->n_children = 0;
	n->key = NULL;
}

const struct cfg_node *cfg_get(const struct cfg_node *t, const char *key)
{
	if (!t || !t->is_table)
		return NULL;
	for (size_t i = 0; i < t->n_children; i++)
		if (streq(t->children[i].key, key))
			return &t->children[i];
	return NULL;
}

/* The child KEY of DST, added (empty, not yet a table or a leaf) when missing. */
static struct cfg_node *child(struct cfg_node *dst, const char *key)
{
	for (size_t i = 0; i < dst->n_children; i++)
		if (streq(dst->children[i].key, key))
			return &dst->children[i];
	dst->children = xrealloc(dst->children, (dst->n_children + 1) * sizeof(*dst->children));
	struct cfg_node *c = &dst->children[dst->n_children++];
	*c = (struct cfg_node){ .key = xstrdup(key) };
	return c;
}

/* Turns N into a table (dropping a leaf value), keeping its children when
 * it already is one. */
static void make_table(struct cfg_node *n)
{
	if (!n->is_table) {
		n->is_table = true;
		n->value = NULL;
	}
}

/* Turns N into the leaf V (dropping a table and its children). */
static void make_leaf(struct cfg_node *n, const struct toml_value *v)
{
	for (size_t i = 0; i < n->n_children; i++)
		cfg_node_clear(&n->children[i]);
	free(n->children);
	n->children = NULL;
	n->n_children = 0;
	n->is_table = false;
	n->value = v;
}

int cfg_merge_toml(struct cfg_node *dst, const struct toml_value *t, struct error *reterr)
{
	for (size_t i = 0; i < t->table.n; i++) {
		const struct toml_keyval *kv = &t->table.items[i];
		if (toml_key_has_nul(kv))
			return error_setf(reterr, kv->value->file, kv->line, kv->column,
					  "a key may not contain a NUL character");
		struct cfg_node *c = child(dst, kv->key);

		c->key_pos = (struct cfg_pos){ .file = kv->value->file, .line = kv->line,
					       .column = kv->column };
		c->pos = pos_of(kv->value);
		c->override = false;
		if (kv->value->type == TOML_TABLE) {
			make_table(c);
			int r = cfg_merge_toml(c, kv->value, reterr);
			if (r < 0)
				return r;
		} else {
			make_leaf(c, kv->value);
		}
	}
	return 0;
}

/* Marks N and everything below it as coming from the override SOURCE. */
static void mark_override(struct cfg_node *n, const char *source)
{
	struct cfg_pos none = { .file = source };

	n->override = true;
	n->pos = none;
	n->key_pos = none;
	for (size_t i = 0; i < n->n_children; i++)
		mark_override(&n->children[i], source);
}

int cfg_set(struct cfg_node *root, char *const *parts, const struct toml_value *value,
	    const char *source, struct error *reterr)
{
	struct cfg_node *n = root;
	struct cfg_pos none = { .file = source };

	for (char *const *p = parts; *p; p++) {
		make_table(n);
		n = child(n, *p);
		if (p[1]) {
			/* An intermediate table the override creates has no
			 * file position of its own. */
			if (!n->is_table) {
				make_leaf(n, NULL);
				n->pos = none;
				n->key_pos = none;
				n->override = true;
			}
			continue;
		}
		if (value->type == TOML_TABLE) {
			/* An inline table merges like a file's table; the keys
			 * it sets are the override's, the others keep their
			 * file positions. */
			make_table(n);
			int r = cfg_merge_toml(n, value, reterr);
			if (r < 0)
				return r;
			for (size_t i = 0; i < n->n_children; i++)
				if (toml_table_get(value, n->children[i].key))
					mark_override(&n->children[i], source);
		} else {
			make_leaf(n, value);
		}
		n->pos = none;
		n->key_pos = none;
		n->override = true;
	}
	return 0;
}

static bool is_bare_key(const char *k)
{
	if (!*k)
		return false;
	for (const char *s = k; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

char *cfg_key_join(const char *prefix, const char *key)
{
	struct strbuf b = { 0 };

	if (prefix && *prefix) {
		strbuf_puts(&b, prefix);
		strbuf_putc(&b, '.');
	}
	if (is_bare_key(key)) {
		strbuf_puts(&b, key);
		return strbuf_steal(&b);
	}
	strbuf_putc(&b, '"');
	for (const char *s = key; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_printf(&b, "\\%c", c);
		else if (c < ' ' || c == 0x7f)
			strbuf_printf(&b, "\\u%04x", c);
		else
			strbuf_putc(&b, (char)c);
	}
	strbuf_putc(&b, '"');
	return strbuf_steal(&b);
}
