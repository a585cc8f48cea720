/* One error, reported once by the caller that can no longer recover.
 * Parsers fill it with the place in the input; flag errors name the flag. */
#pragma once

#include "util/macros.h"

struct error {
	char *file;        /* input the error is about; NULL for flags and plain messages */
	unsigned line;     /* 1-based; 0 when unknown */
	unsigned column;   /* 1-based; 0 when unknown */
	char message[512]; /* what is wrong, without the place */
};

/* Sets *E (when E is non-NULL) and returns -EINVAL, so a parser can write
 * `return error_setf(reterr, file, line, col, "…")`. */
int error_setf(struct error *e, const char *file, unsigned line, unsigned column, const char *fmt,
	       ...) _printf_(5, 6);
/* Same with an explicit negative errno to return. */
int error_setf_errno(struct error *e, int negerrno, const char *file, unsigned line,
		     unsigned column, const char *fmt, ...) _printf_(6, 7);
void error_clear(struct error *e);
/* "FILE:LINE:COL: message", "FILE: message" or "message". */
void error_format(const struct error *e, char *buf, size_t size);
bool error_is_set(const struct error *e);
