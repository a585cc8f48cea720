#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "util/fs.h"
#include "util/path.h"
#include "util/strv.h"

int read_fd_max(int fd, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 256;

	buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > max)
				return -EFBIG;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

int read_file_max(const char *path, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	return read_fd_max(fd, max, ret, ret_len);
}

int find_program(const char *name, char *const *exclude, char **ret)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		/* A relative or empty PATH entry means the current directory,
		 * which is exactly the kind of place a planted binary lives. */
		if (dir[0] != '/')
			continue;
		_cleanup_free_ char *candidate = xasprintf("%s/%s", dir, name);
		char real[PATH_MAX];
		struct stat st;
		/* Most PATH entries do not have it: one system call says so,
		 * where realpath() would read every component's link. */
		if (access(candidate, X_OK) < 0)
			continue;
		if (!realpath(candidate, real))
			continue;
		if (stat(real, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		_cleanup_free_ char *realdir = realpath(dir, NULL);
		bool excluded = false;
		STRV_FOREACH (e, exclude)
			if (path_is_at_or_below(real, *e) ||
			    (realdir && path_is_at_or_below(realdir, *e)))
				excluded = true;
		if (excluded)
			continue;
		*ret = xstrdup(real);
		return 0;
	}
	return -ENOENT;
}

bool dir_has_entries(int dfd, const char *name)
{
	_cleanup_close_ int fd =
	    openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	/* Room for ".", ".." and one more name of any length. */
	char buf[2 * sizeof(struct dirent64)] __attribute__((aligned(8)));
	long n;

	if (fd < 0)
		return true;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);
			if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
				return true;
			off += de->d_reclen;
		}
	return n < 0;
}
