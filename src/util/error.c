#include <stdarg.h>

#include "util/error.h"

/* The format attribute lets clang's -Wformat-nonliteral (-Wformat=2)
 * check callers instead of rejecting the vsnprintf() below. */
static _printf_(5, 0) void error_vset(struct error *e, const char *file, unsigned line,
				      unsigned column, const char *fmt, va_list ap)
{
	if (!e)
		return;
	free(e->file);
	e->file = file ? xstrdup(file) : NULL;
	e->line = line;
	e->column = column;
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
}

int error_setf(struct error *e, const char *file, unsigned line, unsigned column, const char *fmt,
	       ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(e, file, line, column, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int error_setf_errno(struct error *e, int negerrno, const char *file, unsigned line,
		     unsigned column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(e, file, line, column, fmt, ap);
	va_end(ap);
	return negerrno < 0 ? negerrno : -EINVAL;
}

void error_clear(struct error *e)
{
	if (!e)
		return;
	free(e->file);
	*e = (struct error){ 0 };
}

bool error_is_set(const struct error *e)
{
	return e && e->message[0];
}

void error_format(const struct error *e, char *buf, size_t size)
{
	if (e->file && e->line)
		snprintf(buf, size, "%s:%u:%u: %s", e->file, e->line, e->column ? e->column : 1,
			 e->message);
	else if (e->file)
		snprintf(buf, size, "%s: %s", e->file, e->message);
	else
		snprintf(buf, size, "%s", e->message);
}
