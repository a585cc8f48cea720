/* The TOML 1.0.0 document parser: key/value lines, [table] and [[array]]
 * headers, arrays, inline tables, and the rules on defining things twice.
 * Characters, strings and scalars come from toml_lex.c and toml_scalar.c.
 *
 * Where the spec leaves a choice, we chose:
 * - a float literal too large for a double (1e400) is an error, not inf;
 * - second 60 (a leap second) is a valid time, as in RFC 3339;
 * - CRLF inside a multi-line string reads as LF;
 * - fractional seconds keep every digit written (no truncation needed, as
 *   date-times stay text);
 * - a dotted key may walk into a table that only a [header] below it
 *   implied, after which no header may define that table (as toml-test
 *   and the common parsers agree);
 * - errors are reported at the first problem in document order, including
 *   encoding errors (see toml_lex_init()). */
#include "config/toml_internal.h"

struct parser {
	struct toml_lexer lx;
	struct toml_value *root;
	/* The table that key/value lines go into: the root, or the table
	 * named by the last header. */
	struct toml_value *section;
	unsigned section_depth;
	size_t section_path_len; /* of `path` below */
	struct toml_index index;
	locale_t c_locale;
	/* The dotted path of what is being parsed, for messages. */
	struct strbuf path;
};

struct key_part {
	char *name;
	size_t len;
	unsigned line, col;
};

/* A dotted key as written: a.b."c d". */
struct key {
	struct key_part *parts;
	size_t n, cap;
};

static void key_done(struct key *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->parts[i].name);
	free(k->parts);
}

static void parser_done(struct parser *P)
{
	toml_free(P->root);
	toml_index_free(&P->index);
	strbuf_free(&P->path);
	if (P->c_locale)
		freelocale(P->c_locale);
}

/* Appends one key to a message path the way TOML would spell it: bare when
 * it can be, else quoted (literal quotes read best inside a message's
 * double quotes; basic ones when the key needs escapes). */
static void path_put(struct strbuf *b, const char *name, size_t len)
{
	bool bare = len > 0, literal = true;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!toml_is_bare_key_char(c))
			bare = false;
		if (c == '\'' || c < 0x20 || c == 0x7F)
			literal = false;
	}
	if (b->len)
		strbuf_putc(b, '.');
	if (bare) {
		strbuf_append(b, name, len);
	} else if (literal) {
		strbuf_putc(b, '\'');
		strbuf_append(b, name, len);
		strbuf_putc(b, '\'');
	} else {
		strbuf_putc(b, '"');
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)name[i];
			if (c == '"' || c == '\\')
				strbuf_printf(b, "\\%c", c);
			else if (c < 0x20 || c == 0x7F)
				strbuf_printf(b, "\\u%04X", c);
			else
				strbuf_putc(b, (char)c);
		}
		strbuf_putc(b, '"');
	}
}

static void path_truncate(struct strbuf *b, size_t len)
{
	b->len = len;
	if (b->s)
		b->s[len] = '\0';
}

/* The path for a message; long paths are cut (from the left). */
static const char *path_show(const struct strbuf *b)
{
	if (!b->s)
		return "";
	return b->len > 200 ? b->s + b->len - 200 : b->s;
}

static const char *article(enum toml_type t)
{
	return t == TOML_INTEGER || t == TOML_ARRAY ? "an" : "a";
}

static int error_too_deep(struct parser *P, unsigned line, unsigned col)
{
	return toml_lex_error(&P->lx, line, col,
			      "tables and arrays nested more than %d levels deep", TOML_MAX_DEPTH);
}

static void add_entry(struct parser *P, struct toml_value *t, struct key_part *kp,
		      struct toml_value *v)
{
	size_t idx = toml_table_append(t, TAKE_PTR(kp->name), kp->len, kp->line, kp->col, v);

	toml_index_add(&P->index, t, idx);
}

/* Spaces, tabs, comments and newlines, as allowed between array elements. */
static void skip_blank(struct toml_lexer *lx)
{
	for (;;) {
		toml_lex_skip_ws(lx);
		toml_lex_skip_comment(lx);
		if (!toml_lex_newline(lx))
			return;
	}
}

/* key = simple-key *( ws "." ws simple-key ), with whitespace around it. */
static int parse_key(struct parser *P, struct key *k)
{
	struct toml_lexer *lx = &P->lx;
	_cleanup_(strbuf_free) struct strbuf sb = { 0 };
	char buf[32];

	for (;;) {
		unsigned line, col;
		int c, r;

		toml_lex_skip_ws(lx);
		line = lx->line, col = lx->col;
		c = toml_lex_peek(lx);
		if (c == '"' || c == '\'') {
			r = toml_lex_string(lx, false, &sb);
			if (r < 0)
				return r;
		} else if (toml_is_bare_key_char(c)) {
			toml_lex_bare_key(lx, &sb);
		} else {
			return toml_lex_error(lx, line, col, "expected a key, found %s",
					      toml_lex_describe(lx, buf, sizeof(buf)));
		}
		/* Every part but the last names a table: bound them by the
		 * depth limit, which also bounds the memory a key can take. */
		if (k->n > TOML_MAX_DEPTH)
			return error_too_deep(P, line, col);
		GROW(k->parts, k->cap, k->n + 1);
		k->parts[k->n].len = sb.len;
		k->parts[k->n].name = strbuf_steal(&sb);
		k->parts[k->n].line = line;
		k->parts[k->n].col = col;
		k->n++;
		toml_lex_skip_ws(lx);
		if (toml_lex_peek(lx) != '.')
			return 0;
		toml_lex_advance(lx);
	}
}

static int parse_value(struct parser *P, unsigned depth, struct toml_value **ret);

/* KEY = VALUE into table T at DEPTH (the root is at depth 0). Dotted keys
 * create tables as they go, or walk into tables made by dotted keys or only
 * implied by headers; they may not reach into a table defined by a header,
 * an inline table or anything that is not a table (spec "Keys", "Table"). */
static int parse_keyval(struct parser *P, struct toml_value *t, unsigned depth)
{
	struct toml_lexer *lx = &P->lx;
	_cleanup_(key_done) struct key k = { 0 };
	size_t saved = P->path.len;
	struct toml_value *v = NULL;
	struct key_part *last;
	struct toml_keyval *kv;
	char buf[32];
	int r;

	r = parse_key(P, &k);
	if (r < 0)
		return r;
	if (toml_lex_peek(lx) != '=')
		return toml_lex_error(lx, lx->line, lx->col, "expected '=' after a key, found %s",
				      toml_lex_describe(lx, buf, sizeof(buf)));
	toml_lex_advance(lx);
	toml_lex_skip_ws(lx);

	for (size_t i = 0; i + 1 < k.n; i++) {
		struct key_part *kp = &k.parts[i];
		struct toml_value *sub;

		path_put(&P->path, kp->name, kp->len);
		kv = toml_index_find(&P->index, t, kp->name, kp->len);
		if (++depth > TOML_MAX_DEPTH)
			return error_too_deep(P, kp->line, kp->col);
		if (!kv) {
			sub = toml_value_new(TOML_TABLE, lx->file, kp->line, kp->col);
			sub->flags = TOML_FLAG_DOTTED;
			add_entry(P, t, kp, sub);
			t = sub;
			continue;
		}
		sub = kv->value;
		if (sub->type != TOML_TABLE)
			return toml_lex_error(lx, kp->line, kp->col,
					      "cannot add keys to \"%s\": it is %s %s (line %u)",
					      path_show(&P->path), article(sub->type),
					      toml_type_name(sub->type), kv->line);
		if (sub->flags & TOML_FLAG_INLINE)
			return toml_lex_error(lx, kp->line, kp->col,
					      "cannot add keys to inline table \"%s\" (line %u): "
					      "an inline table is complete as written",
					      path_show(&P->path), sub->line);
		if (sub->flags & TOML_FLAG_HEADER)
			return toml_lex_error(lx, kp->line, kp->col,
					      "cannot add keys to table \"%s\" with a dotted key: "
					      "it is defined by the header at line %u",
					      path_show(&P->path), sub->line);
		sub->flags |= TOML_FLAG_DOTTED;
		t = sub;
	}

	/* Checked before reading the value, so that errors come in the order
	 * they appear in the file. */
	last = &k.parts[k.n - 1];
	path_put(&P->path, last->name, last->len);
	kv = toml_index_find(&P->index, t, last->name, last->len);
	if (kv && kv->value->type == TOML_TABLE)
		return toml_lex_error(lx, last->line, last->col,
				      "duplicate key \"%s\": already defined as a table (line %u)",
				      path_show(&P->path), kv->value->line);
	if (kv)
		return toml_lex_error(lx, last->line, last->col,
				      "duplicate key \"%s\" (first defined at line %u, column %u)",
				      path_show(&P->path), kv->line, kv->column);
	r = parse_value(P, depth + 1, &v);
	if (r < 0)
		return r;
	add_entry(P, t, last, v);
	path_truncate(&P->path, saved);
	return 0;
}

static int parse_array(struct parser *P, unsigned depth, struct toml_value **ret)
{
	struct toml_lexer *lx = &P->lx;
	_cleanup_toml_free_ struct toml_value *a = NULL;
	size_t saved = P->path.len;
	char buf[32];

	if (depth > TOML_MAX_DEPTH)
		return error_too_deep(P, lx->line, lx->col);
	a = toml_value_new(TOML_ARRAY, lx->file, lx->line, lx->col);
	a->flags = TOML_FLAG_STATIC;
	toml_lex_advance(lx);
	for (;;) {
		struct toml_value *item = NULL;
		int c, r;

		skip_blank(lx);
		if (toml_lex_peek(lx) == ']')
			break;
		path_truncate(&P->path, saved);
		strbuf_printf(&P->path, "[%zu]", a->array.n);
		r = parse_value(P, depth + 1, &item);
		if (r < 0)
			return r;
		toml_array_append(a, item);
		skip_blank(lx);
		c = toml_lex_peek(lx);
		if (c == ',') {
			toml_lex_advance(lx);
			continue;
		}
		if (c != ']')
			return toml_lex_error(lx, lx->line, lx->col,
					      "expected ',' or ']' after an array element, "
					      "found %s",
					      toml_lex_describe(lx, buf, sizeof(buf)));
		break;
	}
	toml_lex_advance(lx);
	path_truncate(&P->path, saved);
	*ret = TAKE_PTR(a);
	return 0;
}

static int error_multiline_inline(struct parser *P)
{
	return toml_lex_error(&P->lx, P->lx.line, P->lx.col,
			      "an inline table must be on one line, without comments");
}

/* { k = v, ... } on one line, without a trailing comma (TOML 1.0.0). */
static int parse_inline_table(struct parser *P, unsigned depth, struct toml_value **ret)
{
	struct toml_lexer *lx = &P->lx;
	_cleanup_toml_free_ struct toml_value *t = NULL;
	char buf[32];

	if (depth > TOML_MAX_DEPTH)
		return error_too_deep(P, lx->line, lx->col);
	t = toml_value_new(TOML_TABLE, lx->file, lx->line, lx->col);
	/* Closed to everything outside from the start; its own keys are
	 * added below it, never through it. */
	t->flags = TOML_FLAG_INLINE;
	toml_lex_advance(lx);
	toml_lex_skip_ws(lx);
	if (toml_lex_peek(lx) != '}') {
		for (;;) {
			int c, r;

			c = toml_lex_peek(lx);
			if (c == '\n' || c == '\r' || c == '#')
				return error_multiline_inline(P);
			r = parse_keyval(P, t, depth);
			if (r < 0)
				return r;
			toml_lex_skip_ws(lx);
			c = toml_lex_peek(lx);
			if (c == '}')
				break;
			if (c != ',') {
				if (c == '\n' || c == '\r' || c == '#')
					return error_multiline_inline(P);
				return toml_lex_error(lx, lx->line, lx->col,
						      "expected ',' or '}' in an inline table, "
						      "found %s",
						      toml_lex_describe(lx, buf, sizeof(buf)));
			}
			toml_lex_advance(lx);
			toml_lex_skip_ws(lx);
			if (toml_lex_peek(lx) == '}')
				return toml_lex_error(lx, lx->line, lx->col,
						      "trailing comma in an inline table");
		}
	}
	toml_lex_advance(lx);
	*ret = TAKE_PTR(t);
	return 0;
}

static int parse_value(struct parser *P, unsigned depth, struct toml_value **ret)
{
	struct toml_lexer *lx = &P->lx;
	_cleanup_toml_free_ struct toml_value *v = NULL;
	_cleanup_(strbuf_free) struct strbuf sb = { 0 };
	int c = toml_lex_peek(lx), r;
	char buf[32];

	if (c == '[')
		return parse_array(P, depth, ret);
	if (c == '{')
		return parse_inline_table(P, depth, ret);

	/* A scalar: its readers set the type once the value is complete, so
	 * the placeholder type owns nothing until then. */
	v = toml_value_new(TOML_BOOL, lx->file, lx->line, lx->col);
	if (c == '"' || c == '\'') {
		r = toml_lex_string(lx, true, &sb);
		if (r < 0)
			return r;
		v->type = TOML_STRING;
		v->string.len = sb.len;
		v->string.s = strbuf_steal(&sb);
	} else if (c >= '0' && c <= '9') {
		if (toml_scalar_is_datetime(lx))
			r = toml_scalar_datetime(lx, v);
		else
			r = toml_scalar_number(lx, &P->c_locale, v);
	} else if (c == '+' || c == '-') {
		r = toml_scalar_number(lx, &P->c_locale, v);
	} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		r = toml_scalar_word(lx, v);
	} else {
		r = toml_lex_error(lx, lx->line, lx->col, "expected a value, found %s",
				   toml_lex_describe(lx, buf, sizeof(buf)));
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	return 0;
}

/* Walks a header's key down from the root, creating implied tables; returns
 * the table in which the last key is to be defined, and its depth. An array
 * of tables on the way means its last element (spec "Array of Tables"). */
static int walk_header(struct parser *P, struct key *k, unsigned line, unsigned col,
		       struct toml_value **ret, unsigned *ret_depth)
{
	struct toml_lexer *lx = &P->lx;
	struct toml_value *t = P->root;
	unsigned depth = 0;

	for (size_t i = 0; i + 1 < k->n; i++) {
		struct key_part *kp = &k->parts[i];
		struct toml_keyval *kv = toml_index_find(&P->index, t, kp->name, kp->len);
		struct toml_value *sub;

		path_put(&P->path, kp->name, kp->len);
		if (!kv) {
			if (++depth > TOML_MAX_DEPTH)
				return error_too_deep(P, kp->line, kp->col);
			sub = toml_value_new(TOML_TABLE, lx->file, line, col);
			sub->flags = TOML_FLAG_IMPLICIT;
			add_entry(P, t, kp, sub);
			t = sub;
			continue;
		}
		sub = kv->value;
		if (sub->type == TOML_TABLE && (sub->flags & TOML_FLAG_INLINE))
			return toml_lex_error(lx, kp->line, kp->col,
					      "cannot add a table to inline table \"%s\" (line "
					      "%u): an inline table is complete as written",
					      path_show(&P->path), sub->line);
		if (sub->type == TOML_TABLE) {
			depth++;
			t = sub;
		} else if (sub->type == TOML_ARRAY && (sub->flags & TOML_FLAG_AOT)) {
			depth += 2;
			t = sub->array.items[sub->array.n - 1];
		} else {
			return toml_lex_error(lx, kp->line, kp->col,
					      "cannot add a table to \"%s\": it is %s %s (line %u)",
					      path_show(&P->path), article(sub->type),
					      toml_type_name(sub->type), kv->line);
		}
		if (depth > TOML_MAX_DEPTH)
			return error_too_deep(P, kp->line, kp->col);
	}
	*ret = t;
	*ret_depth = depth;
	return 0;
}

/* [a.b] defines a table once. A table that so far exists only because a
 * header named a table below it may be defined now; one made by a dotted
 * key, an inline table, or one already defined may not (spec "Table"). */
static int define_table(struct parser *P, struct toml_value *t, unsigned depth,
			struct key_part *kp, unsigned line, unsigned col)
{
	struct toml_lexer *lx = &P->lx;
	struct toml_keyval *kv = toml_index_find(&P->index, t, kp->name, kp->len);
	struct toml_value *sub;

	if (depth + 1 > TOML_MAX_DEPTH)
		return error_too_deep(P, kp->line, kp->col);
	if (!kv) {
		sub = toml_value_new(TOML_TABLE, lx->file, line, col);
		sub->flags = TOML_FLAG_HEADER;
		add_entry(P, t, kp, sub);
		goto done;
	}
	sub = kv->value;
	if (sub->type != TOML_TABLE)
		return toml_lex_error(lx, kp->line, kp->col,
				      "cannot define table \"%s\": it is already %s %s (line %u)",
				      path_show(&P->path), article(sub->type),
				      toml_type_name(sub->type), sub->line);
	if (sub->flags & TOML_FLAG_HEADER)
		return toml_lex_error(lx, kp->line, kp->col,
				      "table \"%s\" is already defined (line %u)",
				      path_show(&P->path), sub->line);
	if (sub->flags & TOML_FLAG_DOTTED)
		return toml_lex_error(lx, kp->line, kp->col,
				      "table \"%s\" is already defined by dotted keys (line %u)",
				      path_show(&P->path), kv->line);
	if (sub->flags & TOML_FLAG_INLINE)
		return toml_lex_error(lx, kp->line, kp->col,
				      "table \"%s\" is already defined as an inline table "
				      "(line %u)",
				      path_show(&P->path), sub->line);
	sub->flags |= TOML_FLAG_HEADER;
	sub->line = line;
	sub->column = col;
done:
	P->section = sub;
	P->section_depth = depth + 1;
	return 0;
}

/* [[a.b]] appends a table to the array of tables a.b, creating it the first
 * time. An array written as a value is closed and cannot be appended to. */
static int append_table(struct parser *P, struct toml_value *t, unsigned depth,
			struct key_part *kp, unsigned line, unsigned col)
{
	struct toml_lexer *lx = &P->lx;
	struct toml_keyval *kv = toml_index_find(&P->index, t, kp->name, kp->len);
	struct toml_value *a, *el;

	if (depth + 2 > TOML_MAX_DEPTH)
		return error_too_deep(P, kp->line, kp->col);
	if (!kv) {
		a = toml_value_new(TOML_ARRAY, lx->file, line, col);
		a->flags = TOML_FLAG_AOT;
		add_entry(P, t, kp, a);
	} else {
		a = kv->value;
		if (a->type == TOML_ARRAY && !(a->flags & TOML_FLAG_AOT))
			return toml_lex_error(lx, kp->line, kp->col,
					      "cannot append a table to \"%s\": it is an array "
					      "value (line %u), and array values are complete "
					      "as written",
					      path_show(&P->path), a->line);
		if (a->type != TOML_ARRAY)
			return toml_lex_error(lx, kp->line, kp->col,
					      "cannot define array of tables \"%s\": it is already "
					      "%s %s (line %u)",
					      path_show(&P->path), article(a->type),
					      toml_type_name(a->type), a->line);
	}
	el = toml_value_new(TOML_TABLE, lx->file, line, col);
	el->flags = TOML_FLAG_HEADER;
	toml_array_append(a, el);
	P->section = el;
	P->section_depth = depth + 2;
	return 0;
}

/* "[" key "]" or "[[" key "]]"; the cursor is on the first '['. */
static int parse_header(struct parser *P)
{
	struct toml_lexer *lx = &P->lx;
	_cleanup_(key_done) struct key k = { 0 };
	unsigned line = lx->line, col = lx->col, depth = 0;
	struct toml_value *t = NULL;
	bool aot;
	char buf[32];
	int r;

	toml_lex_advance(lx);
	aot = toml_lex_peek(lx) == '[';
	if (aot)
		toml_lex_advance(lx);
	r = parse_key(P, &k);
	if (r < 0)
		return r;
	for (int i = 0; i < (aot ? 2 : 1); i++) {
		if (toml_lex_peek(lx) != ']')
			return toml_lex_error(lx, lx->line, lx->col,
					      "expected '%s' to close the %s header, found %s",
					      aot ? "]]" : "]", aot ? "array of tables" : "table",
					      toml_lex_describe(lx, buf, sizeof(buf)));
		toml_lex_advance(lx);
	}

	path_truncate(&P->path, 0);
	r = walk_header(P, &k, line, col, &t, &depth);
	if (r < 0)
		return r;
	path_put(&P->path, k.parts[k.n - 1].name, k.parts[k.n - 1].len);
	P->section_path_len = P->path.len;
	if (aot)
		return append_table(P, t, depth, &k.parts[k.n - 1], line, col);
	return define_table(P, t, depth, &k.parts[k.n - 1], line, col);
}

/* After a key/value or a header: whitespace, an optional comment, then a
 * newline or the end of the file. */
static int expect_line_end(struct parser *P, const char *after)
{
	struct toml_lexer *lx = &P->lx;
	char buf[32];

	toml_lex_skip_ws(lx);
	toml_lex_skip_comment(lx);
	if (toml_lex_eof(lx) || toml_lex_newline(lx))
		return 0;
	return toml_lex_error(lx, lx->line, lx->col,
			      "unexpected %s after %s (expected a newline or a comment)",
			      toml_lex_describe(lx, buf, sizeof(buf)), after);
}

static int parse_document(struct parser *P)
{
	struct toml_lexer *lx = &P->lx;

	for (;;) {
		int c, r;

		toml_lex_skip_ws(lx);
		c = toml_lex_peek(lx);
		if (c < 0)
			return 0;
		if (c == '\n' || c == '\r' || c == '#') {
			r = expect_line_end(P, "a comment");
		} else if (c == '[') {
			r = parse_header(P);
			if (r >= 0)
				r = expect_line_end(P, "a table header");
		} else {
			path_truncate(&P->path, P->section_path_len);
			r = parse_keyval(P, P->section, P->section_depth);
			if (r >= 0)
				r = expect_line_end(P, "a value");
		}
		if (r < 0)
			return r;
	}
}

int toml_parse(const char *text, size_t len, const char *file, struct toml_value **ret,
	       struct error *reterr)
{
	_cleanup_(parser_done) struct parser P = { 0 };
	int r;

	if (!text && len > 0)
		return error_setf(reterr, file, 0, 0, "no input");
	toml_lex_init(&P.lx, text ? text : "", len, file, reterr);
	P.root = toml_value_new(TOML_TABLE, file, 1, 1);
	P.section = P.root;
	r = parse_document(&P);
	if (r < 0)
		return r;
	r = toml_lex_finish(&P.lx);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(P.root);
	return 0;
}
