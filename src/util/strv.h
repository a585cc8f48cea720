/* NULL-terminated string vectors: argv, path lists, warnings. */
#pragma once

#include "util/macros.h"

size_t strv_length(char *const *v);
/* Appends a copy of S / takes ownership of S. */
void strv_push(char ***v, const char *s);
void strv_consume(char ***v, char *s);
void strv_pushf(char ***v, const char *fmt, ...) _printf_(2, 3);
bool strv_contains(char *const *v, const char *s);
char **strv_copy(char *const *v);
void strv_free(char **v);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free)
#define _cleanup_strv_free_ _cleanup_(strv_freep)
#define STRV_FOREACH(s, v) for (char *const *s = (v); s && *s; s++)
