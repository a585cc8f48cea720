/* A TOML 1.0.0 parser producing a tree of values. Written here because
 * Debian 12 packages no TOML library for C. Every value remembers where it
 * was written so that config errors can name file, line and column. */
#pragma once

#include <stdint.h>

#include "util/error.h"

enum toml_type {
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_DATETIME,       /* offset date-time */
	TOML_DATETIME_LOCAL, /* local date-time */
	TOML_DATE_LOCAL,
	TOML_TIME_LOCAL,
	TOML_ARRAY,
	TOML_TABLE,
	_TOML_TYPE_MAX,
};

struct toml_value;

struct toml_keyval {
	char *key;               /* the bare, unquoted key: UTF-8, NUL-terminated */
	unsigned line, column;   /* where the key was written */
	struct toml_value *value;
	/* The key's length. TOML allows "\u0000" in quoted keys, so a key may
	 * hold a NUL byte before key_len; `key` then reads as a shorter C
	 * string. Code that matches keys as C strings must reject such keys
	 * (toml_key_has_nul()), or "a\u0000b" would pass for "a". 0 with a
	 * non-empty key means strlen(key), for entries built by hand. */
	size_t key_len;
};

struct toml_value {
	enum toml_type type;
	const char *file;      /* not owned; the name given to the parser */
	unsigned line, column; /* where the value (or the table header) starts; 1-based */
	union {
		struct {
			char *s;    /* UTF-8, may contain NUL when len says so */
			size_t len;
		} string;
		int64_t integer;
		double floating;
		bool boolean;
		/* Datetimes keep their text, normalised to RFC 3339 spelling
		 * ('T' separator, upper-case 'Z'), since cordon never computes
		 * with them; toml-decoder prints it back. */
		char *datetime;
		struct {
			struct toml_value **items;
			size_t n;
		} array;
		struct {
			struct toml_keyval *items; /* in document order */
			size_t n;
		} table;
	};
	/* Parser bookkeeping: how the table or array came to be (explicit
	 * header, dotted key, inline, array of tables), for TOML's rules on
	 * redefinition. Not for users. */
	unsigned flags;
};

/* Parses TEXT (LEN bytes, need not be NUL-terminated). FILE names the input in
 * errors and in the values' `file`; it must outlive the tree. On success
 * *RET is the root table. On failure returns -EINVAL and fills *RETERR with
 * the line and column of the first error. */
int toml_parse(const char *text, size_t len, const char *file, struct toml_value **ret,
	       struct error *reterr);
void toml_free(struct toml_value *v);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct toml_value *, toml_free)
#define _cleanup_toml_free_ _cleanup_(toml_freep)

/* Looks KEY up in table T (NULL when T is not a table or has no such key).
 * Never matches a key that holds a NUL byte. */
struct toml_value *toml_table_get(const struct toml_value *t, const char *key);
/* Same for a key of LEN bytes that may hold NUL bytes. */
struct toml_value *toml_table_getn(const struct toml_value *t, const char *key, size_t len);
/* Whether KV's key holds a NUL byte (possible only through "\u0000"). */
bool toml_key_has_nul(const struct toml_keyval *kv);
const char *toml_type_name(enum toml_type t);
/* A deep copy (NULL for NULL). */
struct toml_value *toml_copy(const struct toml_value *v);

/* Deepest nesting of tables and arrays that toml_parse() accepts: deeper
 * input is an error, so that code walking a tree recursively (toml_free(),
 * toml_copy(), printers) cannot overflow the stack. */
#define TOML_MAX_DEPTH 512
