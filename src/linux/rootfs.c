/* Building the builtin sandbox's new root from the mount plan (see
 * rootfs.h). Runs in the sandbox's child: syscalls and stack buffers only. */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "linux/devfs.h"
#include "linux/mounts.h"
#include "linux/rootfs.h"
#include "util/macros.h"

static bool no_openat2;

void rootfs_force_classic(bool classic)
{
	no_openat2 = classic;
}

static int path_in_newroot(char *buf, size_t size, const char *rel)
{
	static const char prefix[] = "/newroot/";
	size_t n = strlen(rel);

	if (sizeof(prefix) + n > size)
		return -ENAMETOOLONG;
	memcpy(buf, prefix, sizeof(prefix) - 1);
	memcpy(buf + sizeof(prefix) - 1, rel, n + 1);
	return 0;
}

/* Opens REL inside the new root. RESOLVE_IN_ROOT makes "/" and ".." stop
 * at the new root, so an absolute symlink in a bound directory resolves
 * the way the command will see it, never to the host. Without openat2
 * (Linux < 5.6) the path is walked as bubblewrap walks it. */
static int resolve(struct rootfs *r, const char *rel, int flags, mode_t mode)
{
	char path[PATH_MAX];
	int fd, e;

	/* The root itself: by its path in the scratch tmpfs, which lands on
	 * the topmost mount there (a lookup starting at a descriptor does not
	 * cross what was mounted on that very directory since). */
	if (!*rel) {
		fd = open("/newroot", flags | O_CLOEXEC, mode);
		return fd < 0 ? -errno : fd;
	}
	if (!no_openat2) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.mode = (flags & O_CREAT) ? mode : 0,
			.resolve = RESOLVE_IN_ROOT,
		};
		fd = (int)syscall(SYS_openat2, r->newroot_fd, rel, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS)
			return -errno;
		no_openat2 = true;
	}
	e = path_in_newroot(path, sizeof(path), rel);
	if (e < 0)
		return e;
	fd = open(path, flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

static int refresh_newroot(struct rootfs *r)
{
	/* A descriptor keeps pointing at the mount it was opened on; after a
	 * mount on the root itself, look it up again to land on top. */
	int fd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	safe_close(r->newroot_fd);
	r->newroot_fd = fd;
	return 0;
}

/* bwrap's mkdir_with_parents(dest, mode, create_last=false): each missing
 * ancestor of REL is created with MODE. Returns a descriptor of the parent. */
static int make_parents(struct rootfs *r, const char *rel, mode_t mode)
{
	char buf[PATH_MAX];
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;
	int fd, prev;

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, rel, n);
	buf[n] = '\0';
	fd = resolve(r, buf, O_PATH | O_DIRECTORY, 0);
	if (fd != -ENOENT)
		return fd;

	prev = resolve(r, "", O_PATH | O_DIRECTORY, 0);
	for (char *p = buf; prev >= 0;) {
		char *e = strchrnul(p, '/');
		char saved = *e;
		*e = '\0';
		fd = resolve(r, buf, O_PATH | O_DIRECTORY, 0);
		if (fd == -ENOENT) {
			if (mkdirat(prev, p, mode) < 0 && errno != EEXIST)
				fd = -errno;
			else
				fd = resolve(r, buf, O_PATH | O_DIRECTORY, 0);
		}
		close(prev);
		prev = fd;
		if (!saved)
			break;
		*e = '/';
		p = e + 1;
	}
	return prev;
}

static const char *last_component(const char *rel)
{
	const char *slash = strrchr(rel, '/');

	return slash ? slash + 1 : rel;
}

enum target_kind { TARGET_DIR, TARGET_FILE };

/* The mount point of OP: opened when it exists, else created (with its
 * missing parents) the way bwrap's ensure_dir / ensure_file do. A file
 * is created with O_EXCL, so a dangling symlink in its place is an error
 * rather than a way to create a file wherever it points. */
static int target(struct rootfs *r, const struct rootfs_op *op, enum target_kind kind,
		  mode_t mode, enum setup_step *step)
{
	int fd = resolve(r, op->rel, O_PATH | (kind == TARGET_DIR ? O_DIRECTORY : 0), 0);

	if (fd != -ENOENT)
		return fd;
	*step = SETUP_STEP_OP_PARENTS;
	int parent = make_parents(r, op->rel, op->parent_mode);
	if (parent < 0)
		return parent;
	*step = SETUP_STEP_OP_TARGET;
	if (kind == TARGET_DIR) {
		if (mkdirat(parent, last_component(op->rel), mode) < 0 && errno != EEXIST)
			fd = -errno;
		else
			fd = resolve(r, op->rel, O_PATH | O_DIRECTORY, 0);
	} else {
		fd = openat(parent, last_component(op->rel),
			    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode);
		if (fd < 0)
			fd = -errno;
	}
	close(parent);
	return fd;
}

struct reopen {
	struct rootfs *r;
	const char *rel;
};

static int reopen_rel(void *userdata)
{
	struct reopen *ro = userdata;

	return resolve(ro->r, ro->rel, O_PATH, 0);
}

struct reopen_at {
	int dirfd;
	const char *name;
};

static int reopen_name(void *userdata)
{
	struct reopen_at *ro = userdata;
	int fd = openat(ro->dirfd, ro->name, O_PATH | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int copy_data(int from, int to)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(to, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return w < 0 ? -errno : -ENOSPC;
			off += w;
		}
	}
}

/* "/bindfileN" in the scratch tmpfs, with MODE and the content of FD. */
static int make_scratch_file(struct rootfs *r, int content_fd, mode_t mode, char *name, size_t size)
{
	char digits[16];
	int n = 0, fd, e = 0;
	unsigned v = r->n_files++;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (size < 10 + (size_t)n + 1)
		return -ENAMETOOLONG;
	memcpy(name, "/bindfile", 9);
	for (int i = 0; i < n; i++)
		name[9 + i] = digits[n - 1 - i];
	name[9 + n] = '\0';
	fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (content_fd >= 0) {
		e = copy_data(content_fd, fd);
		close(content_fd);
	}
	close(fd);
	return e;
}

static int apply_bind(struct rootfs *r, const struct rootfs_op *op, enum setup_step *step)
{
	unsigned flags = op->type == MOUNT_RO_BIND	 ? MOUNTS_READONLY :
			 op->type == MOUNT_DEV_BIND ? MOUNTS_DEVICES :
						      0;
	struct reopen ro = { .r = r, .rel = op->rel };
	int fd, e;

	if (op->skip)
		return 0;
	*step = SETUP_STEP_OP_TARGET;
	fd = target(r, op, op->src_is_dir ? TARGET_DIR : TARGET_FILE, op->src_is_dir ? 0755 : 0444,
		    step);
	if (fd < 0)
		return fd;
	*step = SETUP_STEP_OP;
	e = mounts_bind(op->src, fd, flags, reopen_rel, &ro);
	close(fd);
	if (e >= 0 && !*op->rel)
		e = refresh_newroot(r);
	return e;
}

static int apply_data_bind(struct rootfs *r, const struct rootfs_op *op, enum setup_step *step)
{
	char name[32];
	struct reopen ro = { .r = r, .rel = op->rel };
	bool rdonly = op->type != MOUNT_BIND_DATA;
	int fd, e;

	*step = SETUP_STEP_OP_DATA;
	e = make_scratch_file(r, op->type == MOUNT_EMPTY_FILE ? -1 : op->fd, op->mode, name,
			      sizeof(name));
	if (e < 0)
		return e;
	*step = SETUP_STEP_OP_TARGET;
	fd = target(r, op, TARGET_FILE, 0444, step);
	if (fd >= 0) {
		*step = SETUP_STEP_OP;
		e = mounts_bind(name, fd, rdonly ? MOUNTS_READONLY : 0, reopen_rel, &ro);
		close(fd);
	} else {
		e = fd;
	}
	/* The bind holds the inode; the name goes, so that nothing else can
	 * reach it (the scratch tmpfs is detached at the end anyway). */
	(void)unlink(name);
	return e;
}

/* bwrap covers these with read-only binds when they are writable: with
 * write access /proc/sysrq-trigger would reboot the host, and /proc/sys
 * changes kernel settings (root as the caller keeps its uid 0). */
static int cover_proc(struct rootfs *r, const struct rootfs_op *op, int *detail)
{
	static const char *const covered[] = { "sys", "sysrq-trigger", "irq", "bus" };
	int proc = resolve(r, op->rel, O_PATH | O_DIRECTORY, 0);
	int e = 0;

	if (proc < 0)
		return proc;
	for (size_t i = 0; i < ELEMENTSOF(covered) && e == 0; i++) {
		*detail = (int)i;
		if (faccessat(proc, covered[i], W_OK, 0) < 0) {
			if (errno == EACCES || errno == ENOENT || errno == EROFS)
				continue;
			e = -errno;
			break;
		}
		int fd = openat(proc, covered[i], O_PATH | O_CLOEXEC);
		if (fd < 0) {
			e = -errno;
			break;
		}
		struct reopen_at ro = { .dirfd = proc, .name = covered[i] };
		e = mounts_bind_at(proc, covered[i], fd, MOUNTS_READONLY, reopen_name, &ro);
		close(fd);
	}
	close(proc);
	return e;
}

static int apply_new_fs(struct rootfs *r, const struct rootfs_op *op, enum setup_step *step,
			int *detail)
{
	int fd, e;

	*step = SETUP_STEP_OP_TARGET;
	fd = target(r, op, TARGET_DIR, 0755, step);
	if (fd < 0)
		return fd;
	*step = SETUP_STEP_OP;
	switch (op->type) {
	case MOUNT_TMPFS:
		e = mounts_new_fs("tmpfs", fd, MS_NOSUID | MS_NODEV | (op->rdonly ? MS_RDONLY : 0),
				  op->tmpfs_data);
		break;
	case MOUNT_DEV:
		e = mounts_new_fs("tmpfs", fd, MS_NOSUID | MS_NODEV, "mode=0755");
		break;
	case MOUNT_MQUEUE:
		e = mounts_new_fs("mqueue", fd, 0, NULL);
		break;
	case MOUNT_PROC:
		/* A procfs of the new pid namespace; without one, the host's
		 * (what it shows is what the command could see anyway). */
		if (op->pid_ns)
			e = mounts_new_fs("proc", fd, MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
		else {
			struct reopen ro = { .r = r, .rel = op->rel };
			e = mounts_bind("/oldroot/proc", fd, 0, reopen_rel, &ro);
		}
		break;
	default:
		e = -EINVAL;
		break;
	}
	close(fd);
	if (e < 0)
		return e;
	if (!*op->rel) {
		e = refresh_newroot(r);
		if (e < 0)
			return e;
	}

	if (op->type == MOUNT_PROC) {
		*step = SETUP_STEP_PROC_COVER;
		return cover_proc(r, op, detail);
	}
	if (op->type == MOUNT_DEV) {
		*step = SETUP_STEP_DEV_NODE;
		int dev = resolve(r, op->rel, O_PATH | O_DIRECTORY, 0);
		if (dev < 0)
			return dev;
		e = devfs_populate(dev, "/oldroot/dev", r->host_tty, detail);
		close(dev);
	}
	return e;
}

int rootfs_apply(struct rootfs *r, const struct rootfs_op *op, enum setup_step *ret_step,
		 int *ret_detail)
{
	char magic[128];
	int fd, parent, e;

	*ret_step = SETUP_STEP_OP;
	*ret_detail = -1;
	switch (op->type) {
	case MOUNT_BIND:
	case MOUNT_RO_BIND:
	case MOUNT_DEV_BIND:
		return apply_bind(r, op, ret_step);
	case MOUNT_TMPFS:
	case MOUNT_DEV:
	case MOUNT_PROC:
	case MOUNT_MQUEUE:
		return apply_new_fs(r, op, ret_step, ret_detail);
	case MOUNT_EMPTY_FILE:
	case MOUNT_BIND_DATA:
	case MOUNT_RO_BIND_DATA:
		return apply_data_bind(r, op, ret_step);
	case MOUNT_DIR:
		*ret_step = SETUP_STEP_OP_TARGET;
		fd = target(r, op, TARGET_DIR, op->mode, ret_step);
		if (fd < 0)
			return fd;
		close(fd);
		return 0;
	case MOUNT_FILE:
		*ret_step = SETUP_STEP_OP_PARENTS;
		parent = make_parents(r, op->rel, op->parent_mode);
		if (parent < 0)
			return parent;
		close(parent);
		*ret_step = SETUP_STEP_OP_TARGET;
		/* creat(2), as bwrap: an existing file is truncated. */
		fd = resolve(r, op->rel, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY, op->mode);
		if (fd < 0)
			return fd;
		*ret_step = SETUP_STEP_OP_DATA;
		e = copy_data(op->fd, fd);
		close(fd);
		close(op->fd);
		return e;
	case MOUNT_SYMLINK:
		*ret_step = SETUP_STEP_OP_PARENTS;
		parent = make_parents(r, op->rel, op->parent_mode);
		if (parent < 0)
			return parent;
		*ret_step = SETUP_STEP_OP;
		e = symlinkat(op->src, parent, last_component(op->rel)) < 0 ? -errno : 0;
		close(parent);
		return e;
	case MOUNT_CHMOD:
		fd = resolve(r, op->rel, O_PATH, 0);
		if (fd < 0)
			return fd;
		/* chmod through the descriptor's /proc link: fchmod() refuses
		 * O_PATH descriptors, and opening the object for real could
		 * block on a FIFO. */
		e = fchmodat(AT_FDCWD, mounts_fd_path(fd, magic, sizeof(magic)), op->mode, 0) < 0 ?
			    -errno :
			    0;
		close(fd);
		return e;
	case MOUNT_REMOUNT_RO:
		if (op->skip)
			return 0;
		fd = resolve(r, op->rel, O_PATH, 0);
		if (fd < 0)
			return fd;
		e = mounts_remount_ro(fd);
		close(fd);
		return e;
	default:
		return -EINVAL;
	}
}

int rootfs_begin(struct rootfs *r, bool need_self_bind)
{
	/* The scratch tmpfs goes where bubblewrap puts it, on the host's /tmp:
	 * it exists everywhere, and nothing in this process needs the host's
	 * /tmp by path from here on (bind sources are read from /oldroot,
	 * where pivot_root puts the whole host tree, /tmp included). */
	if (mount("tmpfs", "/tmp", "tmpfs", MS_SILENT | MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return -errno;
	if (chdir("/tmp") < 0 || mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", "oldroot") < 0 || chdir("/") < 0)
		return -errno;
	mounts_set_proc_path("/oldroot/proc");
	r->newroot_fd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->newroot_fd < 0)
		return -errno;
	if (!need_self_bind)
		return 0;
	/* pivot_root(2) needs the new root to be a mount point. */
	struct reopen ro = { .r = r, .rel = "" };
	int e = mounts_bind("/newroot", r->newroot_fd, 0, reopen_rel, &ro);
	return e < 0 ? e : refresh_newroot(r);
}

int rootfs_finish(struct rootfs *r)
{
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * the lazy unmount then takes the scratch tmpfs and the host's whole
	 * tree out of this namespace in one step (pivot_root(2), NOTES). */
	if (fchdir(r->newroot_fd) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	r->newroot_fd = safe_close(r->newroot_fd);
	return 0;
}
