#include <fcntl.h>
#include <sys/stat.h>

#include "config/readfile.h"

int config_read_file(const char *path, char **ret, size_t *ret_len)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer before the
	 * fstat below can refuse it. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

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

	/* The size may change while we read; read to EOF within the limit. */
	size_t cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > CONFIG_FILE_MAX)
				return -EFBIG;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}
