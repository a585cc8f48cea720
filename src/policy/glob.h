/* Glob patterns over absolute paths, as deny entries use them.
 *   `*`   any run of characters except '/' (dot files included, as with
 *         `rg --hidden`)
 *   `?`   one character except '/'
 *   `[…]` a class: ranges "a-z", negation with '!' or '^', ']' first is literal
 *   `**`  as a whole component: zero or more components (a pattern "/a/" "**" "/b" matches
 *         "/a/b" and "/a/x/y/b"; a trailing "/" "**" matches everything below, and, being
 *         zero or more, the directory itself); "**" inside a component is just `*`
 *   `\`   makes the next character literal
 * A pattern and a path match only when both are absolute or both relative;
 * empty components ("//", a trailing '/') are ignored on both sides. */
#pragma once

#include "util/macros.h"

bool glob_match(const char *pattern, const char *path);
/* Checks that PATTERN is well formed (not empty, no unterminated class, no
 * '/' inside a class, no trailing or '/'-escaping backslash). On failure
 * returns -EINVAL and sets *RET_WHY to a static description. */
int glob_validate(const char *pattern, const char **ret_why);
/* The longest leading directory of PATTERN with no metacharacter in it:
 * the place a scan for matches starts (the pattern "/r/" "**" "/x.env" gives "/r").
 * Never includes the last component ("/r/x.env" gives "/r"); escapes are
 * removed (it is a literal path); "/" when nothing is static, "" for a
 * relative pattern with no static directory. */
char *glob_static_prefix(const char *pattern);
/* Where the rest of PATTERN after its static prefix starts: a pointer into
 * PATTERN ("x.env" for the pattern "/r/x.env", the pattern "**" "/x.env" for
 * "/r/" "**" "/x.env"). The prefix and the rest joined by '/' match the same paths. */
const char *glob_static_rest(const char *pattern);
/* S with every metacharacter and backslash escaped, so that a literal path
 * (a canonical directory called "a[1]") can be put in front of a pattern. */
char *glob_escape(const char *s);
