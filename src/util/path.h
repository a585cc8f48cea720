/* Lexical path operations: no filesystem access. Paths handled here are
 * absolute and normalised ("/a/b", never "/a//b/", "/a/./b" or "/a/../b"),
 * except where a function says it takes raw input. */
#pragma once

#include "util/macros.h"

/* Normalises a raw absolute path: collapses "//", drops "." and resolves ".."
 * lexically ("/.." is "/"). Returns NULL when P is not absolute. */
char *path_normalize(const char *p);
/* Joins BASE and REL ("." or "" gives BASE) and normalises the result.
 * An absolute REL replaces BASE. */
char *path_join(const char *base, const char *rel);
/* The next component of the path at *S, or NULL at its end: skips
 * slashes, sets *RET_LEN to the component's length and moves *S past it.
 *   for (const char *s = p, *c; (c = path_next_component(&s, &n));) */
const char *path_next_component(const char **s, size_t *ret_len);

/* Number of components: "/" is 0, "/a" is 1, "/a/b" is 2. */
unsigned path_depth(const char *p);
/* True when P is ANCESTOR or lies below it ("/a" covers "/a/b", not "/ab"). */
bool path_is_at_or_below(const char *p, const char *ancestor);
/* True when P lies strictly below ANCESTOR. */
bool path_is_below(const char *p, const char *ancestor);
/* The parent of a normalised path ("/" for "/a" and for "/"). */
char *path_parent(const char *p);
/* The last component ("" for "/"); points into P. */
const char *path_last(const char *p);
/* True when S has glob metacharacters ("*", "?", "["), ignoring
 * backslash-escaped ones. */
bool path_has_glob(const char *s);
