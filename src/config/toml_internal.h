/* Shared by the parts of the TOML parser: the lexer (toml_lex.c), the scalar
 * readers (toml_scalar.c), the tree (toml_tree.c), the key index
 * (toml_index.c) and the document parser (toml.c). Not a public API. */
#pragma once

#include <locale.h>
#ifdef __APPLE__
#include <xlocale.h> /* newlocale(), strtod_l(): glibc has them in <locale.h>, <stdlib.h> */
#endif

#include "config/toml.h"
#include "util/strbuf.h"

/* toml_value.flags: how a table or array came to be. TOML's redefinition
 * rules depend on it (spec 1.0.0, "Table", "Inline Table", "Array of
 * Tables"). */
enum {
	/* A table that exists only because a [header] named something below
	 * it; a later [header] may still define it, once. */
	TOML_FLAG_IMPLICIT = 1u << 0,
	/* Defined by a [header] (or an element made by [[header]]): never
	 * again by a header, and dotted keys may not add to it from outside. */
	TOML_FLAG_HEADER = 1u << 1,
	/* Created or extended by a dotted key: no header may define it, but
	 * headers may define tables below it. */
	TOML_FLAG_DOTTED = 1u << 2,
	/* An inline table: self-contained, closed after its '}'. */
	TOML_FLAG_INLINE = 1u << 3,
	/* An array value `[ ... ]`: closed after its ']'. */
	TOML_FLAG_STATIC = 1u << 4,
	/* An array of tables, grown by each [[header]]. */
	TOML_FLAG_AOT = 1u << 5,
};

/* The reading position. `end` is where reading must stop: the end of the
 * input, or the first byte that failed the encoding check (see
 * toml_lex_init()); nothing at or past `end` is ever read. */
struct toml_lexer {
	const char *p, *end;
	unsigned line, col; /* of *p; col counts code points, 1-based */
	const char *file;
	struct error *err;
	bool failed;
	/* Set when the lexer looked at `end`. If the input was cut short
	 * there because of an encoding error, any error raised after that
	 * may be a consequence of the cut, so the encoding error is reported
	 * instead. */
	bool eof_seen;
	bool truncated;
	unsigned bad_line, bad_col;
	char bad_msg[96];
};

/* Starts reading TEXT: skips a UTF-8 byte-order mark and checks the whole
 * input for invalid UTF-8 and forbidden control characters up front. */
void toml_lex_init(struct toml_lexer *lx, const char *text, size_t len, const char *file,
		   struct error *err);
/* After a parse that succeeded: reports the encoding error, if any. */
int toml_lex_finish(struct toml_lexer *lx);
/* Records the first error (later ones are consequences) and returns -EINVAL. */
int toml_lex_error(struct toml_lexer *lx, unsigned line, unsigned col, const char *fmt, ...)
	_printf_(4, 5);
/* Describes the character at the cursor for messages ("'x'", "U+3000",
 * "end of file", "a newline"). */
const char *toml_lex_describe(struct toml_lexer *lx, char *buf, size_t size);

static inline bool toml_lex_eof(struct toml_lexer *lx)
{
	if (lx->p < lx->end)
		return false;
	lx->eof_seen = true;
	return true;
}

/* The byte K positions ahead, or -1 past the end. */
static inline int toml_lex_peek_at(struct toml_lexer *lx, size_t k)
{
	if ((size_t)(lx->end - lx->p) <= k) {
		lx->eof_seen = true;
		return -1;
	}
	return (unsigned char)lx->p[k];
}

static inline int toml_lex_peek(struct toml_lexer *lx)
{
	return toml_lex_peek_at(lx, 0);
}

/* Consumes one byte; the caller has peeked it. */
static inline void toml_lex_advance(struct toml_lexer *lx)
{
	unsigned char b = (unsigned char)*lx->p++;

	if (b == '\n') {
		lx->line++;
		lx->col = 1;
	} else if ((b & 0xC0) != 0x80) {
		/* UTF-8 continuation bytes do not start a new column. */
		lx->col++;
	}
}

static inline bool toml_is_bare_key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Skips spaces and tabs. */
void toml_lex_skip_ws(struct toml_lexer *lx);
/* Consumes LF or CRLF; false when neither is at the cursor. */
bool toml_lex_newline(struct toml_lexer *lx);
/* Consumes a comment when one starts at the cursor. */
void toml_lex_skip_comment(struct toml_lexer *lx);
/* Reads a string of any of the four kinds starting at the quote under the
 * cursor into OUT (cleared first). Multi-line strings only when ALLOW_MULTI. */
int toml_lex_string(struct toml_lexer *lx, bool allow_multi, struct strbuf *out);
/* Reads a bare key into OUT (cleared first); the cursor is on a bare key char. */
void toml_lex_bare_key(struct toml_lexer *lx, struct strbuf *out);

/* Scalars. Each reads a value starting at the cursor into V (type and
 * payload) or fails with an error at the value. LOC holds a C locale made on
 * first use, so that a caller's LC_NUMERIC cannot change what "1.5" means. */
int toml_scalar_number(struct toml_lexer *lx, locale_t *loc, struct toml_value *v);
int toml_scalar_datetime(struct toml_lexer *lx, struct toml_value *v);
/* true, false, inf, nan, or an error about a bare word. */
int toml_scalar_word(struct toml_lexer *lx, struct toml_value *v);
/* Whether the cursor is at a date or time (rather than a number). */
bool toml_scalar_is_datetime(struct toml_lexer *lx);

/* Tree building. Tables and arrays made here grow in powers of two: their
 * capacity is implied by their length, so the public struct needs no field
 * for it. */
struct toml_value *toml_value_new(enum toml_type type, const char *file, unsigned line,
				  unsigned col);
/* Appends KEY (taking ownership) = V to table T; returns the new entry's index. */
size_t toml_table_append(struct toml_value *t, char *key, size_t key_len, unsigned line,
			 unsigned col, struct toml_value *v);
void toml_array_append(struct toml_value *a, struct toml_value *v);

/* A hash index over (table, key) for the parser, so that a table with many
 * keys does not make parsing quadratic. */
struct toml_index_slot;
struct toml_index {
	struct toml_index_slot *slots;
	size_t cap, used;
};
/* Finds KEY in table T; NULL when absent. */
struct toml_keyval *toml_index_find(struct toml_index *ix, const struct toml_value *t,
				    const char *key, size_t len);
/* Records entry IDX of table T (just appended). */
void toml_index_add(struct toml_index *ix, const struct toml_value *t, size_t idx);
void toml_index_free(struct toml_index *ix);
