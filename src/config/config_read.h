/* Typed reads of the merged config view, with the error and warning
 * conventions every config reader shares: errors name the key
 * (`permissions.dev.network.mode: expected …`) and carry the place it was
 * written; unknown keys are warnings `FILE:LINE:COL: unknown key 'K' ignored`. */
#pragma once

#include "config/config_merge.h"

struct cfg_ctx {
	char **warnings;
	struct error *err;
};

/* Fills c->err with "KEYPATH: message" at AT. Returns -EINVAL. */
int cfg_error(struct cfg_ctx *c, struct cfg_pos at, const char *keypath, const char *fmt, ...)
	_printf_(4, 5);
void cfg_warn(struct cfg_ctx *c, struct cfg_pos at, const char *fmt, ...) _printf_(3, 4);
/* Warns that KEYPATH (node N) is not a setting cordon knows. */
void cfg_warn_unknown(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath);

/* A node's value of the right type, or an error naming the key, the
 * expected and the actual type. */
int cfg_expect_table(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath);
int cfg_expect_string(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
		      const char **ret);
int cfg_expect_bool(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath, bool *ret);
int cfg_expect_integer(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
		       int64_t *ret);
/* A string item V of an array in node N. */
int cfg_expect_string_item(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
			   const struct toml_value *v, size_t index, const char **ret);
/* A string value that must be one of WORDS (NULL-terminated), mapped to its
 * index through FROM. */
int cfg_expect_word(struct cfg_ctx *c, const struct cfg_node *n, const char *keypath,
		    int (*from)(const char *), const char *const *words, int *ret);
