#include <fcntl.h>
#include <sys/stat.h>

#include "config/readfile.h"
#include "util/fs.h"

int config_read_file(const char *path, char **ret, size_t *ret_len)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer before the
	 * fstat below can refuse it. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((unsigned long long)st.st_size > CONFIG_FILE_MAX)
		return -EFBIG;

	return read_fd_max(fd, CONFIG_FILE_MAX, ret, ret_len);
}
