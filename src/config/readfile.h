/* Reads a whole config or policy file. */
#pragma once

#include "util/macros.h"

/* Config files are small; anything larger is a mistake (or /dev/zero). */
#define CONFIG_FILE_MAX (16u * 1024 * 1024)

/* Reads PATH into a NUL-terminated buffer. Refuses anything but a regular
 * file: a FIFO or a device would block or never end. Returns -errno
 * (-EISDIR, -EINVAL for other non-regular files, -EFBIG past CONFIG_FILE_MAX). */
int config_read_file(const char *path, char **ret, size_t *ret_len);
