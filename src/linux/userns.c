/* User namespace maps for the builtin sandbox (see userns.h). */
#include <fcntl.h>
#include <sched.h>

#include "linux/userns.h"
#include "util/macros.h"

static int write_at(int dirfd, const char *name, const char *data)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(data);
	int r = 0;

	if (fd < 0)
		return -errno;
	/* The map files take the whole map in a single write(2). */
	if (write(fd, data, len) != (ssize_t)len)
		r = -errno;
	close(fd);
	return r;
}

int userns_write_maps(int proc_fd, const char *uid_map, const char *gid_map,
		      bool deny_setgroups)
{
	int r = write_at(proc_fd, "self/uid_map", uid_map);

	if (r < 0)
		return r;
	if (deny_setgroups) {
		r = write_at(proc_fd, "self/setgroups", "deny\n");
		/* Kernels before 3.19 have no setgroups file (and the bug). */
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return write_at(proc_fd, "self/gid_map", gid_map);
}

int userns_enter_nested(int proc_fd, const char *uid_map, const char *gid_map)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return -errno;
	/* setgroups is already "deny": a new user namespace inherits it from
	 * its parent, and writing it again is not needed to map the gid. */
	return userns_write_maps(proc_fd, uid_map, gid_map, false);
}

int userns_limit_nested(int proc_fd)
{
	/* The limit counts the namespaces below this one, per user namespace;
	 * the inner namespace is created next and uses the only slot, and
	 * from inside it the command cannot raise its parent's limit. */
	return write_at(proc_fd, "sys/user/max_user_namespaces", "1");
}

bool userns_can_create(void)
{
	return unshare(CLONE_NEWUSER) == 0;
}
