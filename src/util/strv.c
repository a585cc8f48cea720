#include <stdarg.h>

#include "util/strv.h"

size_t strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void strv_push(char ***v, const char *s)
{
	strv_consume(v, xstrdup(s));
}

void strv_pushf(char ***v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("(out of memory)");
	va_end(ap);
	strv_consume(v, s);
}

bool strv_contains(char *const *v, const char *s)
{
	STRV_FOREACH (i, v)
		if (streq(*i, s))
			return true;
	return false;
}

char **strv_copy(char *const *v)
{
	size_t n = strv_length(v);
	char **r = xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void strv_free(char **v)
{
	for (char **i = v; i && *i; i++)
		free(*i);
	free(v);
}
