/* Checks entries as written in a profile (TOML or JSON) and adds
 * them: the rules of DESIGN §2 "Path specs" that need no filesystem. The
 * callers know where the entry was written and turn *RET_WHY into an error
 * with that place. */
#pragma once

#include "policy/profile.h"

/* A path entry: absolute, "~" or "~/…". */
int spec_check_path(const char *path, const char **ret_why);
/* A path below each workspace root: relative, no ".." component, not "~". */
int spec_check_subpath(const char *subpath, const char **ret_why);

/* Adds (SPECIAL, PATH) = ACCESS to P after checking PATH as the kind of
 * spec requires. PATH is NULL for specials without a path, the subpath for
 * SPECIAL_WORKSPACE_ROOTS, and the token for SPECIAL_UNKNOWN. Globs are
 * allowed only with ACCESS_NONE, except that a trailing "/" "**" on a read
 * or write entry means the subtree and is dropped. On error returns -EINVAL,
 * adds nothing and sets *RET_WHY to a static description. */
int spec_add_fs_entry(struct profile *p, enum special_path special, const char *path,
		enum access access, struct source_location where, const char **ret_why);

/* A domain rule's pattern ("example.com", "*.example.com", "**.example.com",
 * an IP literal): rejects what is plainly not one (empty, URLs, spaces). */
int spec_check_domain(const char *pattern, const char **ret_why);

/* S in double quotes for an error message, with control characters, quotes
 * and backslashes escaped (a config value must not be able to write escape
 * sequences to the user's terminal) and long strings shortened. */
char *spec_quote(const char *s);
