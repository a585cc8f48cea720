#include <fcntl.h>
#include <sys/stat.h>

#include "linux/state_dir.h"
#include "util/macros.h"

static int ensure_private_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

int state_dir_get(char **ret_path)
{
	/* A run asks three times (the host-socket cache, the placeholders,
	 * the trash); checked once per process. */
	static char *checked;
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *path = NULL;
	int r;

	if (checked) {
		*ret_path = xstrdup(checked);
		return 0;
	}
	if (xdg && xdg[0] == '/') {
		path = xasprintf("%s/cordon", xdg);
		if (ensure_private_dir(path) < 0) {
			free(path);
			path = NULL;
		}
	}
	if (!path) {
		path = xasprintf("/tmp/cordon-%u", (unsigned)geteuid());
		r = ensure_private_dir(path);
		if (r < 0)
			return r;
	}
	checked = xstrdup(path);
	*ret_path = TAKE_PTR(path);
	return 0;
}
