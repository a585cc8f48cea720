/* Small filesystem helpers shared by the plan and the launchers. */
#pragma once

#include <dirent.h>

#include "util/macros.h"

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Reads a whole file (at most MAX bytes, else -EFBIG) into a NUL-terminated
 * buffer; the size may change while it is read. */
int read_file_max(const char *path, size_t max, char **ret, size_t *ret_len);
int read_fd_max(int fd, size_t max, char **ret, size_t *ret_len);
/* Finds NAME on $PATH, skipping directories at or below any of EXCLUDE
 * (canonical paths). Returns the canonical path of the first executable. */
int find_program(const char *name, char *const *exclude, char **ret);
