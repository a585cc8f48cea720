#include "util/path.h"
#include "util/strbuf.h"

const char *path_next_component(const char **s, size_t *ret_len)
{
	const char *c = *s;

	while (*c == '/')
		c++;
	if (!*c)
		return NULL;
	*ret_len = strcspn(c, "/");
	*s = c + *ret_len;
	return c;
}

char *path_normalize(const char *p)
{
	if (!p || p[0] != '/')
		return NULL;

	/* Stack of component start offsets in the output, for "..". */
	size_t n = strlen(p);
	char *out = xmalloc(n + 2);
	size_t len = 0, clen;

	for (const char *c, *s = p; (c = path_next_component(&s, &clen));) {
		if (clen == 1 && c[0] == '.') {
			/* nothing */
		} else if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* drop the slash too */
		} else {
			out[len++] = '/';
			memcpy(out + len, c, clen);
			len += clen;
		}
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

char *path_join(const char *base, const char *rel)
{
	if (!rel || !*rel)
		return path_normalize(base);
	if (rel[0] == '/')
		return path_normalize(rel);

	_cleanup_free_ char *joined = xasprintf("%s/%s", base, rel);
	return path_normalize(joined);
}

unsigned path_depth(const char *p)
{
	unsigned d = 0;

	for (const char *s = p; *s; s++)
		if (*s == '/' && s[1] != '\0')
			d++;
	return d;
}

bool path_is_at_or_below(const char *p, const char *ancestor)
{
	size_t n = strlen(ancestor);

	if (n == 1 && ancestor[0] == '/')
		return p[0] == '/';
	return strneq(p, ancestor, n) && (p[n] == '\0' || p[n] == '/');
}

bool path_is_below(const char *p, const char *ancestor)
{
	return path_is_at_or_below(p, ancestor) && !streq(p, ancestor);
}

char *path_parent(const char *p)
{
	const char *slash = strrchr(p, '/');

	if (!slash || slash == p)
		return xstrdup("/");
	return xstrndup(p, (size_t)(slash - p));
}

const char *path_last(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash ? slash + 1 : p;
}

bool path_has_glob(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		if (*s == '*' || *s == '?' || *s == '[')
			return true;
	}
	return false;
}
