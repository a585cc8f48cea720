/* Mount primitives of the builtin sandbox (see mounts.h). Runs in the
 * sandbox's child: syscalls and stack buffers only. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "linux/mounts.h"
#include "util/macros.h"

#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* What the kernel offers, learnt from the first ENOSYS. The child is a
 * fresh copy of the launcher, so these start as the launcher left them. */
static bool no_tree_api;   /* open_tree, move_mount: Linux 5.2 */
static bool no_setattr;    /* mount_setattr: Linux 5.12 */
static const char *proc_path = "/proc";

void mounts_set_proc_path(const char *prefix)
{
	proc_path = prefix;
}

void mounts_force_classic(bool classic)
{
	no_tree_api = classic;
	no_setattr = classic;
}

bool mounts_classic(void)
{
	return no_tree_api;
}

/* A decimal without snprintf (not async-signal-safe in every libc). */
static char *put_uint(char *p, const char *end, unsigned long v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(tmp));
	while (n > 0 && p < end)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

const char *mounts_fd_path(int fd, char *buf, size_t size)
{
	char *end = buf + size - 1;
	char *p = put_str(buf, end, proc_path);

	p = put_str(p, end, "/self/fd/");
	p = put_uint(p, end, (unsigned long)fd);
	*p = '\0';
	return buf;
}

static int sys_open_tree(int dirfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static int sys_move_mount(int from_fd, int to_fd)
{
	return (int)syscall(SYS_move_mount, from_fd, "", to_fd, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

static int sys_mount_setattr(int fd, unsigned flags, uint64_t set)
{
	struct mount_attr attr = { .attr_set = set };

	return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | flags, &attr, sizeof(attr));
}

static uint64_t attr_for(unsigned flags)
{
	/* bwrap's rule for every bind: never setuid programs; never devices
	 * unless asked for (--dev-bind); read-only when asked. */
	return MOUNT_ATTR_NOSUID | ((flags & MOUNTS_DEVICES) ? 0 : MOUNT_ATTR_NODEV) |
	       ((flags & MOUNTS_READONLY) ? MOUNT_ATTR_RDONLY : 0);
}

static unsigned long ms_for(unsigned flags)
{
	return MS_NOSUID | ((flags & MOUNTS_DEVICES) ? 0 : MS_NODEV) |
	       ((flags & MOUNTS_READONLY) ? MS_RDONLY : 0);
}

/* The per-mount flags a remount must repeat: a bind remount replaces them
 * all, and clearing a flag the kernel locked (a mount inherited from a more
 * privileged namespace) fails with EPERM. */
static unsigned long statfs_to_ms(unsigned long f)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_RDONLY, MS_RDONLY },     { ST_NOSUID, MS_NOSUID },
		{ ST_NODEV, MS_NODEV },       { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME },   { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME }, { ST_SYNCHRONOUS, MS_SYNCHRONOUS },
	};
	unsigned long ms = 0;

	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (f & map[i].st)
			ms |= map[i].ms;
	return ms;
}

static int remount_classic(const char *path, unsigned long current, unsigned long add)
{
	unsigned long want = current | add;

	if (want == current)
		return 0;
	if (mount("none", path, NULL, MS_SILENT | MS_BIND | MS_REMOUNT | want, NULL) < 0)
		return -errno;
	return 0;
}

static int remount_fd_classic(int mnt_fd, unsigned long add)
{
	struct statfs sfs;
	char path[128];

	if (fstatfs(mnt_fd, &sfs) < 0)
		return -errno;
	return remount_classic(mounts_fd_path(mnt_fd, path, sizeof(path)),
			       statfs_to_ms((unsigned long)sfs.f_flags), add);
}

/* Undoes mountinfo's octal escapes (\040 for a space...) in place. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static unsigned long mountinfo_opts_to_ms(const char *opts)
{
	static const struct {
		const char *name;
		unsigned long ms;
	} map[] = {
		{ "ro", MS_RDONLY },	     { "nosuid", MS_NOSUID },
		{ "nodev", MS_NODEV },	     { "noexec", MS_NOEXEC },
		{ "noatime", MS_NOATIME },   { "nodiratime", MS_NODIRATIME },
		{ "relatime", MS_RELATIME }, { "sync", MS_SYNCHRONOUS },
	};
	unsigned long ms = 0;
	const char *p = opts;

	while (*p) {
		const char *e = strchrnul(p, ',');
		for (size_t i = 0; i < ELEMENTSOF(map); i++)
			if (strlen(map[i].name) == (size_t)(e - p) && strneq(p, map[i].name, (size_t)(e - p)))
				ms |= map[i].ms;
		p = *e ? e + 1 : e;
	}
	return ms;
}

/* bwrap's way for kernels without mount_setattr: the flags on the new
 * mount, then on every mount below it, found in /proc/self/mountinfo. A
 * submount we may not read cannot be reached by the command either, so
 * EACCES there is not an error (bwrap ignores it too). */
static int set_flags_classic(int mnt_fd, unsigned flags)
{
	char link[128], root[4096];
	unsigned long add = ms_for(flags);
	ssize_t n;
	int r;

	r = remount_fd_classic(mnt_fd, add);
	if (r < 0)
		return r;
	n = readlink(mounts_fd_path(mnt_fd, link, sizeof(link)), root, sizeof(root) - 1);
	if (n < 0)
		return -errno;
	root[n] = '\0';
	size_t rootlen = streq(root, "/") ? 0 : (size_t)n;

	char mi[128];
	char *end = put_str(mi, mi + sizeof(mi) - 1, proc_path);
	end = put_str(end, mi + sizeof(mi) - 1, "/self/mountinfo");
	*end = '\0';
	int fd = open(mi, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	const size_t cap = 8u << 20;
	char *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		r = -errno;
		close(fd);
		return r;
	}
	size_t len = 0;
	while (len < cap - 1) {
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	r = len >= cap - 1 ? -EFBIG : 0;

	for (char *line = buf, *next; r == 0 && *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		/* id parent major:minor root mountpoint options ... */
		char *field[6] = {};
		char *p = line;
		for (int i = 0; i < 6 && *p; i++) {
			field[i] = p;
			p = strchrnul(p, ' ');
			if (*p)
				*p++ = '\0';
		}
		if (!field[5])
			continue;
		char *mp = field[4];
		unescape(mp);
		if (rootlen > 0 && (!strneq(mp, root, rootlen) || mp[rootlen] != '/'))
			continue;
		if (rootlen == 0 && streq(mp, "/"))
			continue;
		int e = remount_classic(mp, mountinfo_opts_to_ms(field[5]), add);
		if (e < 0 && e != -EACCES)
			r = e;
	}
	munmap(buf, cap);
	return r;
}

int mounts_bind_at(int dirfd, const char *name, int dest_fd, unsigned flags,
		   int (*reopen_dest)(void *userdata), void *userdata)
{
	bool attrs_done = false;
	int r;

	if (!no_tree_api) {
		/* Recursive, always: a non-recursive bind would uncover what the
		 * host hides under the mounts inside the source. */
		int tree = sys_open_tree(dirfd, name,
					 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
						 (*name ? 0 : AT_EMPTY_PATH));
		if (tree < 0 && errno != ENOSYS)
			return -errno;
		if (tree >= 0) {
			/* Flags on the detached tree, before anybody can see it. */
			if (!no_setattr) {
				if (sys_mount_setattr(tree, AT_RECURSIVE, attr_for(flags)) == 0)
					attrs_done = true;
				else if (errno == ENOSYS)
					no_setattr = true;
				else {
					r = -errno;
					close(tree);
					return r;
				}
			}
			r = sys_move_mount(tree, dest_fd) < 0 ? -errno : 0;
			close(tree);
			if (r < 0)
				return r;
		} else {
			no_tree_api = true;
		}
	}
	if (no_tree_api) {
		char src[4096], dst[128];
		const char *s = name;
		if (dirfd != AT_FDCWD) {
			char *end = src + sizeof(src) - 1;
			char *p = put_str(src, end, mounts_fd_path(dirfd, dst, sizeof(dst)));
			if (*name) {
				p = put_str(p, end, "/");
				p = put_str(p, end, name);
			}
			*p = '\0';
			s = src;
		}
		if (mount(s, mounts_fd_path(dest_fd, dst, sizeof(dst)), NULL,
			  MS_SILENT | MS_BIND | MS_REC, NULL) < 0)
			return -errno;
	}
	if (attrs_done)
		return 0;

	/* mount(2) made the bind at DEST_FD's place; reach it through a fresh
	 * lookup, which crosses into the new mount. */
	int fd = reopen_dest ? reopen_dest(userdata) : -EINVAL;
	if (fd < 0)
		return fd;
	r = set_flags_classic(fd, flags);
	close(fd);
	return r;
}

int mounts_bind(const char *src, int dest_fd, unsigned flags,
		int (*reopen_dest)(void *userdata), void *userdata)
{
	return mounts_bind_at(AT_FDCWD, src, dest_fd, flags, reopen_dest, userdata);
}

int mounts_new_fs(const char *fstype, int dest_fd, unsigned long ms_flags, const char *data)
{
	char dst[128];

	if (mount(fstype, mounts_fd_path(dest_fd, dst, sizeof(dst)), fstype, MS_SILENT | ms_flags,
		  data) < 0)
		return -errno;
	return 0;
}

int mounts_remount_ro(int mnt_fd)
{
	if (!no_setattr) {
		if (sys_mount_setattr(mnt_fd, 0,
				      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) == 0)
			return 0;
		if (errno != ENOSYS)
			return -errno;
		no_setattr = true;
	}
	return remount_fd_classic(mnt_fd, MS_RDONLY | MS_NOSUID | MS_NODEV);
}

int mounts_make_rslave(void)
{
	if (mount(NULL, "/", NULL, MS_SILENT | MS_SLAVE | MS_REC, NULL) < 0)
		return -errno;
	return 0;
}
