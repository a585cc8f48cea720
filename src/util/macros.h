/* Small language helpers used everywhere: scope cleanup, ownership transfer,
 * string equality. Modelled on systemd's macro.h, grown only as needed. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#define streq(a, b)      (strcmp((a), (b)) == 0)
#define strneq(a, b, n)  (strncmp((a), (b), (n)) == 0)

/* Equal strings, or both NULL. A function, not a macro: comparing a
 * pointer with a string literal is unspecified (clang's -Wstring-compare). */
static inline bool streq_ptr(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

#ifdef __APPLE__
/* macOS's libc has strchrnul() only from macOS 15.4 on. Callers keep the
 * glibc name; <string.h> is already included, so no declaration of the
 * system's own is renamed. */
static inline char *cordon_strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}
#define strchrnul cordon_strchrnul
#endif

#define _unused_         __attribute__((unused))
#define _printf_(a, b)   __attribute__((format(printf, a, b)))
#define _noreturn_       __attribute__((noreturn))
#define _warn_unused_    __attribute__((warn_unused_result))
#define _cleanup_(f)     __attribute__((cleanup(f)))

/* Returns the pointer and leaves NULL behind: ownership leaves the scope. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p_ = (p);                                                           \
		(p) = NULL;                                                                        \
		_p_;                                                                               \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd_ = (fd);                                                                   \
		(fd) = -1;                                                                         \
		_fd_;                                                                              \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

/* close() that keeps errno: cleanup handlers run on error paths. */
static inline int safe_close(int fd)
{
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return -1;
}
static inline void closep(int *fd)
{
	safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declares NAME##p() for a type with a free function taking a pointer. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                    \
	static inline void func##p(type *p)                                                        \
	{                                                                                          \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

/* Allocation failure is not an error we can report better than by dying:
 * every caller would turn it into exit 125 anyway. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* Grows an array so that it can hold at least NEED elements. */
#define GROW(arr, cap, need)                                                                       \
	do {                                                                                       \
		if ((need) > (cap)) {                                                              \
			size_t _nc_ = (cap) ? (cap) * 2 : 8;                                       \
			while (_nc_ < (need))                                                      \
				_nc_ *= 2;                                                         \
			(arr) = xrealloc((arr), _nc_ * sizeof(*(arr)));                            \
			(cap) = _nc_;                                                              \
		}                                                                                  \
	} while (0)
