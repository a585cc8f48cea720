/* The registry of placeholders (see host_targets.h).
 *
 * STATE/targets/ holds registry.lock, taken exclusively around every change,
 * and one file per running cordon, "run.PID.N", which that run keeps locked
 * (flock LOCK_EX) for as long as it lives and which lists, one per line,
 * "DEV INO PATH" of the placeholders it uses. A run file whose lock can be
 * taken belongs to a run that is gone (the kernel drops flocks with the
 * process, SIGKILL included): its placeholders are orphans. A placeholder is
 * removed when no live run lists it, and only while it is still the empty
 * directory that was recorded ("removed": moved to the trash, see
 * host_trash.h, or rmdir'ed). One file per run, not per placeholder, keeps
 * the cost at two file operations per run plus the placeholders' own. A
 * placeholder is made by taking back the trash entry of an earlier one at
 * the same place when there is one, with mkdir otherwise. */
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "linux/host_targets.h"
#include "linux/host_trash.h"
#include "linux/state_dir.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strbuf.h"

struct record {
	dev_t dev;
	ino_t ino;
	char *path;
	/* A modification time at which it was seen empty (see hold_target). */
	struct timespec empty_at;
	bool known_empty;
};

struct records {
	struct record *v;
	size_t n, cap;
};

struct host_targets {
	char *state;
	char *dir;
	char *run_path; /* our run file; NULL when we use no placeholder */
	int run_fd;
	int registry;   /* registry.lock, held from begin to finish */
	struct records mine;
	struct records in_use, orphans; /* other runs', as begin found them */
};

static struct record *records_add(struct records *r, dev_t dev, ino_t ino, const char *path)
{
	GROW(r->v, r->cap, r->n + 1);
	r->v[r->n] = (struct record){ .dev = dev, .ino = ino, .path = xstrdup(path) };
	return &r->v[r->n++];
}

static void records_free(struct records *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	*r = (struct records){};
}

static bool records_has(const struct records *r, dev_t dev, ino_t ino, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].dev == dev && r->v[i].ino == ino && streq(r->v[i].path, path))
			return true;
	return false;
}

/* Parses the "DEV INO PATH" lines of a run file; malformed lines (a run
 * killed mid-write) are ignored: at worst a placeholder stays behind. */
static void records_read(int fd, struct records *into)
{
	_cleanup_free_ char *buf = NULL;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (read_file_max(path, 1 << 20, &buf, NULL) < 0)
		return;
	for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		unsigned long long dev, ino;
		int off = 0;
		if (sscanf(line, "%llu %llu %n", &dev, &ino, &off) == 2 && off > 0 &&
		    line[off] == '/')
			records_add(into, (dev_t)dev, (ino_t)ino, line + off);
	}
}

/* Opens the directory PATH without following any symlink on the way: the
 * paths are canonical, so a symlink here means somebody swapped one in (a
 * running sandbox can, inside its writable roots). */
static int open_dir_nofollow(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		/* openat2 needs Linux 5.6 (and some container seccomp
		 * profiles refuse it): refuse at least a final symlink. */
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

/* The directory last opened to make or remove a placeholder in: the
 * placeholders of one writable root share it. */
struct parent_dir {
	char *path;
	int fd;
	struct statx stx; /* its identity, for the trash keys */
};

static void parent_dir_done(struct parent_dir *p)
{
	free(p->path);
	safe_close(p->fd);
	*p = (struct parent_dir){ .fd = -1 };
}

/* The directory of PATH, opened without following symlinks; -errno. */
static int parent_dir_of(struct parent_dir *p, const char *path)
{
	_cleanup_free_ char *parent = path_parent(path);

	if (p->path && streq(p->path, parent))
		return p->fd;
	parent_dir_done(p);
	p->fd = open_dir_nofollow(parent);
	if (p->fd < 0)
		return p->fd;
	p->path = TAKE_PTR(parent);
	if (statx(p->fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME,
		  &p->stx) < 0)
		p->stx.stx_mask = 0; /* no key, no reuse */
	return p->fd;
}

/* The trash key of the placeholder PATH in PD's directory, in KEY; NULL
 * when it has none. */
static const char *key_of(const struct parent_dir *pd, const char *path, char key[NAME_MAX + 1])
{
	return host_trash_key(&pd->stx, path, key) ? key : NULL;
}

/* Removes the placeholder of REC if it is still the empty directory that
 * was made; anything else (filled, replaced, gone) is left alone. Through
 * TRASH when it can take it (see host_trash.h). */
static void remove_placeholder(const struct record *rec, struct parent_dir *pd,
			       struct host_trash *trash)
{
	int dfd = parent_dir_of(pd, rec->path);
	const char *name = path_last(rec->path);
	struct stat st;

	if (dfd < 0 || !*name)
		return;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode) || st.st_dev != rec->dev || st.st_ino != rec->ino)
		return;
	char key[NAME_MAX + 1];
	if (host_trash_take(trash, dfd, name, &st, key_of(pd, rec->path, key),
			    rec->known_empty ? &rec->empty_at : NULL, rec->path))
		return;
	/* ENOTEMPTY if the user put something there: then it is theirs. */
	(void)unlinkat(dfd, name, AT_REMOVEDIR);
}

static int lock_registry(const char *dir)
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

/* Under the registry lock: the placeholders of live runs other than SELF go
 * to IN_USE; those of runs that are gone to ORPHANS, and their run files
 * are deleted. */
static void scan_runs(const char *dir, const char *self, struct records *in_use,
		      struct records *orphans)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strneq(de->d_name, "run.", 4))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);
		if (self && streq(p, self))
			continue;
		_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			records_read(fd, in_use);
			continue;
		}
		if (orphans)
			records_read(fd, orphans);
		(void)unlink(p);
	}
}

static int create_run_file(struct host_targets *t, struct error *reterr)
{
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		_cleanup_free_ char *p =
			xasprintf("%s/run.%d.%u", t->dir, (int)getpid(), attempt);
		int fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			return error_setf_errno(reterr, -errno, NULL, 0, 0, "cannot create %s: %m",
						p);
		/* Ours for our whole life; others test it with LOCK_NB. */
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int r = -errno;
			safe_close(fd);
			(void)unlink(p);
			return error_setf_errno(reterr, r, NULL, 0, 0, "cannot lock %s: %s", p,
						strerror(-r));
		}
		t->run_fd = fd;
		t->run_path = TAKE_PTR(p);
		return 0;
	}
	return error_setf_errno(reterr, -EEXIST, NULL, 0, 0, "cannot create a run file in %s",
				t->dir);
}

/* Makes the placeholder PATH. A directory already there is taken as one:
 * the plan, made moments ago, found nothing there, and the runs that share
 * placeholders cannot act while we hold the registry lock, so it is either
 * a placeholder of another run (shared), or one bwrap made itself (it makes
 * the mount points it misses, and may have started already: see
 * backend_bwrap.c). It is removed after the run like one we made, and, like
 * one we made, only while empty. Anything else is not ours, and the mask
 * covers it all the same. */
static int hold_target(struct host_targets *t, struct parent_dir *pd, struct host_trash *trash,
		       const char *path, struct error *reterr)
{
	int dfd = parent_dir_of(pd, path);
	const char *name = path_last(path);
	char key[NAME_MAX + 1];
	const char *k;
	struct stat st;
	int r;

	if (dfd < 0) {
		_cleanup_free_ char *parent = path_parent(path);
		return error_setf_errno(reterr, dfd, NULL, 0, 0,
					"cannot open %s to create a mount point: %s", parent,
					strerror(-dfd));
	}
	/* Taken back from the trash, or made (EEXIST: adopted, see above). */
	k = key_of(pd, path, key);
	r = k ? host_trash_reclaim(trash, dfd, name, k) : -ENOENT;
	if (r < 0 && r != -EEXIST && mkdirat(dfd, name, 0755) < 0 && errno != EEXIST)
		return error_setf_errno(reterr, -errno, NULL, 0, 0,
					"cannot create mount point %s: %m", path);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "%s: %m", path);
	if (!S_ISDIR(st.st_mode))
		return 0;
	struct record *rec = records_add(&t->mine, st.st_dev, st.st_ino, path);
	/* Seen empty after its last change, it can be taken out at the end
	 * on one stat (host_trash_take). Not when that change was in the last
	 * second: an entry added in the same clock tick as a change before it
	 * may leave the modification time as it was, and the read below
	 * could have come before it. A placeholder taken back from the trash
	 * last changed long ago; one just made is read at the end. */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (st.st_mtim.tv_sec < now.tv_sec - 1 && !dir_has_entries(dfd, name)) {
		rec->empty_at = st.st_mtim;
		rec->known_empty = true;
	}
	return 0;
}

/* Whether the plan mounts from or onto PATH. */
static bool plan_uses(const struct mount_plan *m, const char *path)
{
	for (size_t i = 0; i < m->n_ops; i++)
		if ((m->ops[i].src && streq(m->ops[i].src, path)) ||
		    (m->ops[i].dest && streq(m->ops[i].dest, path)))
			return true;
	return false;
}

static int write_run_file(struct host_targets *t)
{
	struct strbuf b = {};
	int r = 0;

	for (size_t i = 0; i < t->mine.n; i++)
		strbuf_printf(&b, "%llu %llu %s\n", (unsigned long long)t->mine.v[i].dev,
			      (unsigned long long)t->mine.v[i].ino, t->mine.v[i].path);
	if (b.len && write(t->run_fd, b.s, b.len) != (ssize_t)b.len)
		r = -errno ? -errno : -EIO;
	strbuf_free(&b);
	return r;
}

int host_targets_begin(const struct mount_plan *m, struct host_targets **ret,
		       struct error *reterr)
{
	_cleanup_free_ char *state = NULL;
	struct host_targets *t;
	struct stat st;
	int r;

	*ret = NULL;
	r = state_dir_get(&state);
	if (r < 0) {
		if (m->n_targets == 0)
			return 0;
		return error_setf_errno(reterr, r, NULL, 0, 0,
					"cannot use a private state directory (XDG_RUNTIME_DIR/cordon or "
					"/tmp/cordon-%u) to track mount points: %s",
					(unsigned)geteuid(), strerror(-r));
	}
	t = xcalloc(1, sizeof(*t));
	t->run_fd = -1;
	t->registry = -1;
	t->dir = xasprintf("%s/targets", state);
	t->state = TAKE_PTR(state);
	/* Nothing to create, and no registry yet: nothing to sweep either. */
	if (m->n_targets == 0 && stat(t->dir, &st) < 0) {
		host_targets_release(t);
		return 0;
	}
	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST) {
		r = error_setf_errno(reterr, -errno, NULL, 0, 0, "cannot create %s: %m", t->dir);
		host_targets_release(t);
		return r;
	}
	t->registry = lock_registry(t->dir);
	if (t->registry < 0) {
		r = error_setf_errno(reterr, t->registry, NULL, 0, 0,
				     "cannot lock %s/registry.lock: %s", t->dir,
				     strerror(-t->registry));
		host_targets_release(t);
		return r;
	}
	scan_runs(t->dir, NULL, &t->in_use, &t->orphans);
	*ret = t;
	return 0;
}

int host_targets_finish(struct host_targets *t, const struct mount_plan *m,
			struct error *reterr)
{
	struct parent_dir pd = { .fd = -1 };
	struct host_trash trash = { .fd = -1 };
	int r = 0;

	if (!t || t->registry < 0)
		return 0;
	if (m->n_targets > 0 || t->orphans.n > 0)
		host_trash_open(&trash, t->state);
	for (size_t i = 0; r >= 0 && i < m->n_targets; i++)
		r = hold_target(t, &pd, &trash, m->targets[i].path, reterr);
	/* Orphans nobody uses any more go now. One that the plan mounts
	 * from or onto stays, as ours: when the plan was made it looked
	 * like a real directory (an existing `.git`, bound read-only), and
	 * removing it now would make the launch fail. */
	for (size_t i = 0; i < t->orphans.n; i++) {
		const struct record *o = &t->orphans.v[i];
		if (records_has(&t->in_use, o->dev, o->ino, o->path) ||
		    records_has(&t->mine, o->dev, o->ino, o->path))
			continue;
		if (r >= 0 && plan_uses(m, o->path))
			records_add(&t->mine, o->dev, o->ino, o->path);
		else
			remove_placeholder(o, &pd, &trash);
	}
	host_trash_close(&trash);
	parent_dir_done(&pd);
	if (r >= 0 && t->mine.n > 0)
		r = create_run_file(t, reterr);
	if (r >= 0 && t->run_path) {
		r = write_run_file(t);
		if (r < 0)
			error_setf_errno(reterr, r, NULL, 0, 0, "cannot write %s: %s", t->run_path,
					 strerror(-r));
	}
	records_free(&t->in_use);
	records_free(&t->orphans);
	t->registry = safe_close(t->registry);
	return r;
}

int host_targets_acquire(const struct mount_plan *m, struct host_targets **ret,
			 struct error *reterr)
{
	struct host_targets *t = NULL;
	int r;

	*ret = NULL;
	r = host_targets_begin(m, &t, reterr);
	if (r >= 0)
		r = host_targets_finish(t, m, reterr);
	if (r < 0) {
		host_targets_release(t);
		return r;
	}
	*ret = t;
	return 0;
}

void host_targets_release(struct host_targets *t)
{
	if (!t)
		return;
	/* Unfinished: our lock goes first, or we would wait for ourselves. */
	t->registry = safe_close(t->registry);
	if (t->mine.n > 0) {
		_cleanup_close_ int registry = lock_registry(t->dir);
		/* Without the registry lock nothing is removed: the next run
		 * finds our run file unlocked and cleans up. */
		if (registry >= 0) {
			struct records in_use = {};
			struct parent_dir pd = { .fd = -1 };
			struct host_trash trash;
			host_trash_open(&trash, t->state);
			scan_runs(t->dir, t->run_path, &in_use, NULL);
			for (size_t i = 0; i < t->mine.n; i++) {
				const struct record *mine = &t->mine.v[i];
				if (!records_has(&in_use, mine->dev, mine->ino, mine->path))
					remove_placeholder(mine, &pd, &trash);
			}
			parent_dir_done(&pd);
			host_trash_close(&trash);
			records_free(&in_use);
			if (t->run_path)
				(void)unlink(t->run_path);
		}
	} else if (t->run_path) {
		(void)unlink(t->run_path);
	}
	safe_close(t->run_fd);
	records_free(&t->mine);
	records_free(&t->in_use);
	records_free(&t->orphans);
	free(t->run_path);
	free(t->dir);
	free(t->state);
	free(t);
}
