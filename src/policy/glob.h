/* Glob patterns over absolute paths, as deny entries use them.
 *   `*`   any run of characters except '/' (dot files included, as with
 *         `rg --hidden`)
 *   `?`   one character except '/'
 *   `[…]` a class: ranges "a-z", negation with '!' or '^', ']' first is literal
 *   `**`  as a whole component: zero or more components (a pattern "/a/" "**" "/b" matches
 *         "/a/b" and "/a/x/y/b"; a trailing "/" "**" matches everything below)
 *   `\`   makes the next character literal */
#pragma once

#include "util/macros.h"

bool glob_match(const char *pattern, const char *path);
/* Checks that PATTERN is well formed (no unterminated class, no trailing
 * backslash). On failure returns -EINVAL and sets *RET_WHY to a static
 * description. */
int glob_validate(const char *pattern, const char **ret_why);
/* The longest leading directory of PATTERN with no metacharacter in it:
 * the place a scan for matches starts (the pattern "/r/" "**" "/x.env" gives "/r"). */
char *glob_static_prefix(const char *pattern);
