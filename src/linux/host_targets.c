#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "linux/host_targets.h"
#include "linux/state_dir.h"
#include "util/fs.h"
#include "util/path.h"

struct held {
	int fd; /* the per-placeholder lock file, flock(LOCK_SH) while we run */
	char *lock_path;
};

struct host_targets {
	char *dir;
	struct held *held;
	size_t n;
};

/* The record a lock file carries: which placeholder cordon created. */
struct record {
	dev_t dev;
	ino_t ino;
	char path[4096];
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* Opens the directory PATH without following any symlink on the way: the
 * paths are canonical, so a symlink here means somebody swapped one in
 * (a running sandbox can, inside its writable roots). */
static int open_dir_nofollow(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		/* openat2 needs Linux 5.6 (and some container seccomp
		 * profiles refuse it); fall back to refusing a final symlink. */
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

static int read_record(int fd, struct record *rec)
{
	char buf[4200];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	unsigned long long dev, ino;
	int off = 0;

	if (n <= 0)
		return -ENOENT;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu %n", &dev, &ino, &off) != 2 || off <= 0)
		return -EBADMSG;
	char *nl = strchr(buf + off, '\n');
	if (!nl || buf[off] != '/' || (size_t)(nl - (buf + off)) >= sizeof(rec->path))
		return -EBADMSG;
	*nl = '\0';
	rec->dev = (dev_t)dev;
	rec->ino = (ino_t)ino;
	snprintf(rec->path, sizeof(rec->path), "%s", buf + off);
	return 0;
}

static int write_record(int fd, const struct stat *st, const char *path)
{
	char buf[4200];
	int n = snprintf(buf, sizeof(buf), "%llu %llu %s\n", (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino, path);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

/* Removes the placeholder of REC if it is still the empty directory cordon
 * made; anything else (filled, replaced, gone) is left alone. */
static void remove_placeholder(const struct record *rec)
{
	_cleanup_free_ char *parent = path_parent(rec->path);
	_cleanup_close_ int dfd = open_dir_nofollow(parent);
	const char *name = path_last(rec->path);
	struct stat st;

	if (dfd < 0 || !*name)
		return;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode) || st.st_dev != rec->dev || st.st_ino != rec->ino)
		return;
	/* rmdir fails with ENOTEMPTY if the user put something there: then
	 * it is theirs now. */
	(void)unlinkat(dfd, name, AT_REMOVEDIR);
}

/* Under the registry lock: a lock file nobody holds belongs to a run that
 * ended without cleaning up (SIGKILL, power loss). */
static void sweep_stale(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || streq(de->d_name, "registry.lock"))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);
		_cleanup_close_ int fd = open(p, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		struct record rec;
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		if (read_record(fd, &rec) >= 0)
			remove_placeholder(&rec);
		(void)unlink(p);
	}
}

static int hold_target(struct host_targets *t, const char *path, struct error *reterr)
{
	_cleanup_free_ char *lock_path = xasprintf("%s/%016" PRIx64, t->dir, fnv1a(path));
	_cleanup_close_ int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct record rec;
	struct stat st;
	int r;

	if (fd < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "cannot open %s: %m", lock_path);
	/* Never blocks for long: exclusive holders hold the registry lock too. */
	if (flock(fd, LOCK_SH) < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "cannot lock %s: %m", lock_path);

	bool ours = read_record(fd, &rec) >= 0 && streq(rec.path, path) &&
		    lstat(path, &st) == 0 && st.st_dev == rec.dev && st.st_ino == rec.ino;
	if (!ours) {
		_cleanup_free_ char *parent = path_parent(path);
		_cleanup_close_ int dfd = open_dir_nofollow(parent);
		if (dfd < 0)
			return error_setf_errno(reterr, dfd, NULL, 0, 0,
						"cannot open %s to create a mount point: %s", parent,
						strerror(-dfd));
		if (mkdirat(dfd, path_last(path), 0755) == 0) {
			if (fstatat(dfd, path_last(path), &st, AT_SYMLINK_NOFOLLOW) < 0)
				return error_setf_errno(reterr, -errno, NULL, 0, 0, "%s: %m", path);
			r = write_record(fd, &st, path);
			if (r < 0) {
				(void)unlinkat(dfd, path_last(path), AT_REMOVEDIR);
				return error_setf_errno(reterr, r, NULL, 0, 0,
							"cannot record %s in %s: %s", path,
							lock_path, strerror(-r));
			}
		} else if (errno != EEXIST) {
			return error_setf_errno(reterr, -errno, NULL, 0, 0,
						"cannot create mount point %s: %m", path);
		}
		/* EEXIST: it appeared since the plan was made; it is not ours to
		 * remove, and the mask hides it all the same. */
	}

	t->held = xrealloc(t->held, (t->n + 1) * sizeof(*t->held));
	t->held[t->n++] = (struct held){ .fd = TAKE_FD(fd), .lock_path = TAKE_PTR(lock_path) };
	return 0;
}

static int open_registry(const char *dir)
{
	_cleanup_free_ char *p = xasprintf("%s/registry.lock", dir);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0) {
		safe_close(fd);
		return -errno;
	}
	return fd;
}

int host_targets_acquire(const struct mount_plan *m, struct host_targets **ret,
			 struct error *reterr)
{
	_cleanup_free_ char *state = NULL;
	struct host_targets *t;
	int r;

	*ret = NULL;
	if (m->n_targets == 0)
		return 0;
	r = state_dir_get(&state);
	if (r < 0)
		return error_setf_errno(reterr, r, NULL, 0, 0,
					"cannot use a private state directory (XDG_RUNTIME_DIR/cordon or "
					"/tmp/cordon-%u) to track mount points: %s",
					(unsigned)geteuid(), strerror(-r));

	t = xcalloc(1, sizeof(*t));
	t->dir = xasprintf("%s/targets", state);
	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST) {
		r = error_setf_errno(reterr, -errno, NULL, 0, 0, "cannot create %s: %m", t->dir);
		host_targets_release(t);
		return r;
	}
	_cleanup_close_ int registry = open_registry(t->dir);
	if (registry < 0) {
		r = error_setf_errno(reterr, registry, NULL, 0, 0, "cannot lock %s/registry.lock: %s",
				     t->dir, strerror(-registry));
		host_targets_release(t);
		return r;
	}
	sweep_stale(t->dir);
	for (size_t i = 0; i < m->n_targets; i++) {
		r = hold_target(t, m->targets[i].path, reterr);
		if (r < 0) {
			safe_close(TAKE_FD(registry));
			host_targets_release(t);
			return r;
		}
	}
	*ret = t;
	return 0;
}

void host_targets_release(struct host_targets *t)
{
	if (!t)
		return;
	_cleanup_close_ int registry = t->n ? open_registry(t->dir) : -1;

	for (size_t i = 0; i < t->n; i++) {
		struct held *h = &t->held[i];
		safe_close(h->fd);
		if (registry < 0)
			continue; /* the next run sweeps it */
		_cleanup_close_ int fd = open(h->lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		struct record rec;
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue; /* another run still uses it */
		if (read_record(fd, &rec) >= 0)
			remove_placeholder(&rec);
		(void)unlink(h->lock_path);
	}
	for (size_t i = 0; i < t->n; i++)
		free(t->held[i].lock_path);
	free(t->held);
	free(t->dir);
	free(t);
}
