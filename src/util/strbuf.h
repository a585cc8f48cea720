/* A growable byte buffer that is always NUL-terminated. */
#pragma once

#include <stdarg.h>

#include "util/macros.h"

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

void strbuf_append(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_putc(struct strbuf *b, char c);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) _printf_(2, 3);
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap) _printf_(2, 0);
/* Appends S quoted for a POSIX shell (unquoted when it is plainly safe). */
void strbuf_put_shell_quoted(struct strbuf *b, const char *s);
/* Returns the string (never NULL) and resets the buffer. */
char *strbuf_steal(struct strbuf *b);
void strbuf_free(struct strbuf *b);
