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
/* Whether the directory NAME in DFD has an entry besides "." and "..",
 * without following a symlink. An error counts as an entry: callers use it
 * to leave a directory alone. */
bool dir_has_entries(int dfd, const char *name);
