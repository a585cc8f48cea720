/* Regular expressions for Seatbelt profiles: literal paths and deny globs
 * (policy/glob.h syntax) turned into the POSIX extended regex subset that
 * SBPL's `regex` filter takes.
 *
 * Only these constructs are ever produced, so the same text means the same
 * thing to macOS's matcher and to regcomp(3) in the tests: `^`, `$`,
 * literal bytes, backslash escapes of the metacharacters
 * `\ ^ $ . | ? * + ( ) [ {`, bracket expressions without backslashes in
 * them, `*`, `+` and groups with `|`. Everything is anchored; nothing is
 * matched with `.`.
 *
 * A glob is compiled into components, each a list of items (a set of bytes
 * that matches one character, or a star), so that the regex and a matcher
 * (used for the "what can still match below this directory" question, see
 * seatbelt_glob_residual()) come from one description. ANYCASE closes every
 * set under ASCII case: APFS is case-insensitive by default, and on such a
 * volume `.GIT` and `.git` name the same directory. */
#pragma once

#include "util/strbuf.h"

struct seatbelt_glob;

/* Compiles the absolute glob PATTERN (validated by glob_validate()). */
int seatbelt_glob_compile(const char *pattern, bool anycase, struct seatbelt_glob **ret);
void seatbelt_glob_free(struct seatbelt_glob *g);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct seatbelt_glob *, seatbelt_glob_free)
#define _cleanup_seatbelt_glob_free_ _cleanup_(seatbelt_glob_freep)

/* Number of components ("**" counts as one). */
size_t seatbelt_glob_length(const struct seatbelt_glob *g);
/* Whether component I is "**". */
bool seatbelt_glob_is_globstar(const struct seatbelt_glob *g, size_t i);
/* True when some component can never match anything (an empty class):
 * then the glob matches no path at all. */
bool seatbelt_glob_is_empty(const struct seatbelt_glob *g);
/* Whether the absolute normalised PATH matches (the same answer as
 * glob_match() when compiled without ANYCASE). */
bool seatbelt_glob_match(const struct seatbelt_glob *g, const char *path);
/* Appends the regex (no anchors) for "/c_FROM/.../c_LAST": a path suffix
 * made of components FROM..end. FROM == length appends nothing. */
void seatbelt_glob_regex(const struct seatbelt_glob *g, size_t from, struct strbuf *out);
/* After the components of the absolute normalised PATH have been consumed,
 * which pattern positions can the rest of a longer path continue from?
 * RET_STATES has length()+1 entries; entry length() set means PATH itself
 * matches. This is how "the glob matches PATH or a path below it" becomes
 * a regex anchored at PATH. */
void seatbelt_glob_residual(const struct seatbelt_glob *g, const char *path, bool *ret_states);

/* Appends the literal S, every regex metacharacter escaped (and, with
 * ANYCASE, every ASCII letter as a two-letter bracket). */
void seatbelt_regex_literal(struct strbuf *out, const char *s, bool anycase);
