/* The minimal /dev of the builtin sandbox (see devfs.h). */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "linux/devfs.h"
#include "linux/mounts.h"
#include "util/macros.h"

static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

struct reopen {
	int dirfd;
	const char *name;
};

static int reopen_at(void *userdata)
{
	const struct reopen *r = userdata;
	int fd = openat(r->dirfd, r->name, O_PATH | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* An empty file as mount point, and the host's device bound on it with
 * device access (the tmpfs under it is nodev; the bind is what counts). */
static int bind_node(int dev_fd, const char *name, const char *src)
{
	struct reopen ro = { .dirfd = dev_fd, .name = name };
	int fd = openat(dev_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0444);
	int r;

	if (fd < 0)
		return -errno;
	r = mounts_bind(src, fd, MOUNTS_DEVICES, reopen_at, &ro);
	close(fd);
	return r;
}

static size_t join(char *buf, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + 1 + lb + 1 > size)
		return 0;
	memcpy(buf, a, la);
	buf[la] = '/';
	memcpy(buf + la + 1, b, lb + 1);
	return la + 1 + lb;
}

int devfs_populate(int dev_fd, const char *host_dev, const char *host_tty, int *ret_detail)
{
	static const struct {
		const char *name, *target;
	} links[] = {
		{ "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
		/* Legacy, but systemd-nspawn and docker make them too. */
		{ "fd", "/proc/self/fd" },
		{ "core", "/proc/kcore" },
	};
	char src[4096];
	int r, detail = 0;

	for (size_t i = 0; i < ELEMENTSOF(nodes); i++, detail++) {
		if (!join(src, sizeof(src), host_dev, nodes[i]))
			return *ret_detail = detail, -ENAMETOOLONG;
		r = bind_node(dev_fd, nodes[i], src);
		if (r < 0)
			return *ret_detail = detail, r;
	}
	for (size_t i = 0; i < ELEMENTSOF(links); i++, detail++)
		if (symlinkat(links[i].target, dev_fd, links[i].name) < 0)
			return *ret_detail = detail, -errno;

	if (mkdirat(dev_fd, "shm", 0755) < 0)
		return *ret_detail = detail, -errno;
	detail++;
	if (mkdirat(dev_fd, "pts", 0755) < 0)
		return *ret_detail = detail, -errno;
	/* A new devpts instance: the host's terminals stay out of reach, and
	 * ptys opened inside belong to the sandbox. */
	int pts = openat(dev_fd, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pts < 0)
		return *ret_detail = detail, -errno;
	r = mounts_new_fs("devpts", pts, MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620");
	close(pts);
	if (r < 0)
		return *ret_detail = detail, r;
	detail++;
	if (symlinkat("pts/ptmx", dev_fd, "ptmx") < 0)
		return *ret_detail = detail, -errno;
	detail++;
	/* Only a terminal the command can write to already, through stdout. */
	if (host_tty) {
		r = bind_node(dev_fd, "console", host_tty);
		if (r < 0)
			return *ret_detail = detail, r;
	}
	return 0;
}
