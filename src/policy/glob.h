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

#include <stdint.h>

#include "util/macros.h"

/* A class "[…]" as parsed: its members (before negation) and whether it
 * was negated. The one parser of the class syntax, for the matcher here
 * and for the Seatbelt regex translation. */
struct glob_class {
	uint64_t members[4]; /* bit C set: byte C is listed */
	bool negate;
};
/* Parses the class at P[0] == '['. Returns the position just past the
 * closing ']', or NULL when there is none before END (the '[' is then a
 * literal). */
const char *glob_class_parse(const char *p, const char *end, struct glob_class *ret);
static inline bool glob_class_lists(const struct glob_class *c, unsigned char ch)
{
	return c->members[ch >> 6] & (UINT64_C(1) << (ch & 63));
}

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
