/* The merged view of every config source: TOML files deep-merged in order
 * (later wins for the same key, tables merge recursively), then `-c`
 * overrides. The view does not copy values: leaves point into the parsed
 * documents, which the loader keeps alive while it reads the view. */
#pragma once

#include "config/toml.h"

/* A place in a config source. `line` 0: the source has no lines (a `-c`
 * override), so errors name only `file`. */
struct cfg_pos {
	const char *file;
	unsigned line, column;
};

struct cfg_node {
	char *key; /* NULL for the root */
	struct cfg_pos key_pos;
	struct cfg_pos pos; /* of the value, or of the table's header */
	/* Set by a `-c` override: positions inside the value (array items)
	 * are those of a synthetic document and must not be shown. */
	bool override;
	bool is_table;
	const struct toml_value *value; /* leaves only; not owned */
	struct cfg_node *children;      /* tables only: in first-written order */
	size_t n_children;
};

/* Merges TOML table T into table node DST. A key holding a NUL byte
 * ("\u0000" in a quoted key) is an error (-EINVAL, *RETERR at the key):
 * matched as a C string it would pass for a shorter key. */
int cfg_merge_toml(struct cfg_node *dst, const struct toml_value *t, struct error *reterr);
/* Sets the dotted key PARTS (below table ROOT) to VALUE, as `-c` does:
 * missing or non-table intermediates become tables, a table VALUE merges
 * into an existing table, anything else replaces. SOURCE names the
 * override in positions. */
int cfg_set(struct cfg_node *root, char *const *parts, const struct toml_value *value,
	    const char *source, struct error *reterr);
/* The child KEY of table node T, or NULL. */
const struct cfg_node *cfg_get(const struct cfg_node *t, const char *key);
/* Frees what N owns (not N itself, which may live on the stack). */
void cfg_node_clear(struct cfg_node *n);

/* PREFIX.KEY for messages, with KEY quoted unless it is a bare TOML key
 * (`permissions.dev.filesystem."/x"`). PREFIX may be NULL. */
char *cfg_key_join(const char *prefix, const char *key);
/* The place of value V inside node N (an array item, say): V's own
 * position, or N's when N came from an override. */
struct cfg_pos cfg_value_pos(const struct cfg_node *n, const struct toml_value *v);
