/* Glob matching over absolute paths, one path component at a time.
 *
 * A pattern and a path are both split at '/'. A pattern component that is
 * exactly "**" stands for any run of whole path components (possibly none);
 * every other pattern component matches exactly one path component, where
 * `*`, `?` and classes never see a '/' because components contain none. That
 * is what keeps the pattern "/home/" "*" from reaching into "/home/u/.ssh".
 *
 * Both levels use the same backtracking scheme (the one wildcard matchers
 * use for `*`): remember only the last star and where it started, and on a
 * mismatch let that star swallow one more element. Because every other
 * element matches exactly one element, going back to earlier stars can never
 * help, so this is exact, and it is O(pattern x path) at worst instead of the
 * exponential blow-up naive recursion shows on a pattern full of stars. */

#include <stdint.h>

#include "policy/glob.h"
#include "util/path.h"
#include "util/strbuf.h"

/* A span of characters: a path component or a pattern component. */
struct span {
	const char *s;
	size_t n;
};

const char *glob_class_parse(const char *p, const char *end, struct glob_class *ret)
{
	const char *q = p + 1;
	struct glob_class c = { .negate = false };

	if (q < end && (*q == '!' || *q == '^')) {
		c.negate = true;
		q++;
	}
	for (bool first = true; q < end; first = false) {
		if (*q == ']' && !first) {
			*ret = c;
			return q + 1;
		}
		unsigned char lo = (unsigned char)*q;
		if (*q == '\\' && q + 1 < end)
			lo = (unsigned char)*++q;
		q++;
		unsigned char hi = lo;
		/* "a-z" is a range; a '-' right before ']' is a literal. */
		if (q + 1 < end && *q == '-' && q[1] != ']') {
			q++;
			hi = (unsigned char)*q;
			if (*q == '\\' && q + 1 < end)
				hi = (unsigned char)*++q;
			q++;
		}
		for (unsigned ch = lo; ch <= hi; ch++)
			c.members[ch >> 6] |= UINT64_C(1) << (ch & 63);
	}
	return NULL;
}

/* Matches one pattern element at P against the character C. Returns the
 * position after the element, or NULL when it does not match. Never called
 * with P at a '*'. */
static const char *element_match(const char *p, const char *end, char c)
{
	if (*p == '?')
		return p + 1;
	if (*p == '[') {
		struct glob_class cls;
		const char *after = glob_class_parse(p, end, &cls);
		if (after)
			return glob_class_lists(&cls, (unsigned char)c) != cls.negate ? after : NULL;
		return c == '[' ? p + 1 : NULL;
	}
	if (*p == '\\' && p + 1 < end)
		p++;
	return *p == c ? p + 1 : NULL;
}

static bool component_match(struct span pat, struct span str)
{
	const char *p = pat.s, *pend = pat.s + pat.n;
	const char *s = str.s, *send = str.s + str.n;
	const char *star_p = NULL, *star_s = NULL;

	while (s < send) {
		if (p < pend && *p == '*') {
			while (p < pend && *p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		const char *next = p < pend ? element_match(p, pend, *s) : NULL;
		if (next) {
			p = next;
			s++;
			continue;
		}
		if (!star_p)
			return false;
		/* Let the last star take one more character and retry. */
		p = star_p;
		s = ++star_s;
	}
	while (p < pend && *p == '*')
		p++;
	return p == pend;
}

/* Splits S at '/' into non-empty components. Returns the count; *RET gets
 * an array the caller frees. */
static size_t split(const char *s, struct span **ret)
{
	size_t n = 0, cap = 0;
	struct span *v = NULL;

	size_t len;
	for (const char *c; (c = path_next_component(&s, &len));) {
		GROW(v, cap, n + 1);
		v[n++] = (struct span){ c, len };
	}
	*ret = v;
	return n;
}

static bool is_globstar(struct span c)
{
	return c.n == 2 && c.s[0] == '*' && c.s[1] == '*';
}

bool glob_match(const char *pattern, const char *path)
{
	if (!pattern || !path || (pattern[0] == '/') != (path[0] == '/'))
		return false;

	_cleanup_free_ struct span *pc = NULL, *sc = NULL;
	size_t np = split(pattern, &pc), ns = split(path, &sc);
	size_t i = 0, j = 0;
	size_t star_i = SIZE_MAX, star_j = 0;

	while (j < ns) {
		if (i < np && is_globstar(pc[i])) {
			while (i < np && is_globstar(pc[i]))
				i++;
			star_i = i;
			star_j = j;
			continue;
		}
		if (i < np && component_match(pc[i], sc[j])) {
			i++;
			j++;
			continue;
		}
		if (star_i == SIZE_MAX)
			return false;
		/* Let the last "**" take one more component and retry. */
		i = star_i;
		j = ++star_j;
	}
	while (i < np && is_globstar(pc[i]))
		i++;
	return i == np;
}

int glob_validate(const char *pattern, const char **ret_why)
{
	const char *why = NULL;

	if (!pattern || !*pattern)
		why = "empty pattern";
	for (const char *s = pattern; !why && *s; s++) {
		if (*s == '\\') {
			if (!s[1])
				why = "trailing backslash";
			else if (s[1] == '/')
				why = "'/' cannot be escaped";
			else
				s++;
			continue;
		}
		if (*s != '[')
			continue;
		/* Walk to the closing ']' with the same rules as class_match. */
		const char *q = s + 1;
		if (*q == '!' || *q == '^')
			q++;
		for (bool first = true;; first = false) {
			if (!*q) {
				why = "unterminated character class";
				break;
			}
			if (*q == '/') {
				why = "'/' cannot appear in a character class";
				break;
			}
			if (*q == ']' && !first)
				break;
			if (*q == '\\') {
				if (!q[1]) {
					why = "trailing backslash";
					break;
				}
				q++;
			}
			q++;
		}
		s = q;
	}
	if (why) {
		if (ret_why)
			*ret_why = why;
		return -EINVAL;
	}
	return 0;
}

/* True when the component [S, S+N) has an unescaped metacharacter. */
static bool span_has_glob(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	}
	return false;
}

/* The static components are those before the first component with a
 * metacharacter, and never the last component: the prefix names the
 * directory a scan starts in, and the last component is what the scan looks
 * for. RET_REST (when non-NULL) gets where the remaining pattern starts. */
static char *static_prefix(const char *pattern, const char **ret_rest)
{
	_cleanup_free_ struct span *c = NULL;
	size_t n = split(pattern, &c);
	size_t k = 0;

	while (k + 1 < n && !span_has_glob(c[k].s, c[k].n))
		k++;

	struct strbuf b = { 0 };
	for (size_t i = 0; i < k; i++) {
		if (i > 0 || pattern[0] == '/')
			strbuf_putc(&b, '/');
		for (size_t x = 0; x < c[i].n; x++) {
			if (c[i].s[x] == '\\' && x + 1 < c[i].n)
				x++;
			strbuf_putc(&b, c[i].s[x]);
		}
	}
	if (b.len == 0 && pattern[0] == '/')
		strbuf_putc(&b, '/');
	if (ret_rest)
		*ret_rest = k < n ? c[k].s : pattern + strlen(pattern);
	return strbuf_steal(&b);
}

char *glob_static_prefix(const char *pattern)
{
	return static_prefix(pattern, NULL);
}

const char *glob_static_rest(const char *pattern)
{
	const char *rest;

	free(static_prefix(pattern, &rest));
	return rest;
}

char *glob_escape(const char *s)
{
	struct strbuf b = { 0 };

	for (; *s; s++) {
		if (*s == '*' || *s == '?' || *s == '[' || *s == ']' || *s == '\\')
			strbuf_putc(&b, '\\');
		strbuf_putc(&b, *s);
	}
	return strbuf_steal(&b);
}
