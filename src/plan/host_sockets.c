/* Host daemons' UNIX sockets that a sandbox must not reach.
 *
 * A read-only mount does not stop connect(2): it needs write permission on
 * the socket inode, which a read-only bind keeps. A sandboxed command that
 * reaches the user's D-Bus session bus (systemd-run --user), docker,
 * podman, an ssh or gpg agent, an ssh ControlMaster, tmux or X11 can run
 * anything outside the sandbox. The network namespace already cuts off
 * abstract sockets (they live in the network namespace); pathname sockets
 * are hidden here by turning them into `none` entries of the policy, so
 * that `cordon explain` shows them and every backend masks them.
 *
 * Hidden: whole directories that exist to hold sockets (/run/user, the
 * X11 and ICE socket directories, /run/dbus), the sockets named by
 * $SSH_AUTH_SOCK and $DBUS_SESSION_BUS_ADDRESS, and every socket found by a
 * shallow scan: /run (3 levels), /tmp and /var/tmp (their top level, and
 * one level into the caller's own directories there), ~/.ssh and ~/.gnupg
 * (1 level). What remains open is documented in README.md:
 * sockets deeper or elsewhere, and sockets created after the launch. */
#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <sys/stat.h>

#include "plan/host_sockets.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"

static void add_canonical(char ***v, const char *path, bool want_dir)
{
	char real[PATH_MAX];
	struct stat st;

	if (!path || path[0] != '/' || !realpath(path, real) || lstat(real, &st) < 0)
		return;
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISSOCK(st.st_mode))
		return;
	if (!strv_contains(*v, real))
		strv_push(v, real);
}

/* Which subdirectories of /tmp and /var/tmp to look into: the caller's own.
 * Other users keep their sockets in private (0700) directories, which a
 * sandboxed command, without capabilities, cannot enter anyway. */
static bool owned_by_caller(const struct stat *st)
{
	static uid_t euid = (uid_t)-1;

	if (euid == (uid_t)-1)
		euid = geteuid();
	return S_ISDIR(st->st_mode) && st->st_uid == euid;
}

/* The scan keeps, per directory it read, what it found there: the sockets
 * and the subdirectories. That stays true for as long as the directory's
 * inode change time does not move (adding, removing or renaming an entry,
 * or changing its permissions, moves it), so a later run re-reads only the
 * directories that changed and stat()s the others. /tmp changes all the
 * time; its subdirectories, mostly, do not. */
struct dir_entry {
	char *path;
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	char **sockets; /* names */
	char **subdirs; /* names */
};

struct dir_cache {
	struct dir_entry *v;
	size_t n, cap;
	bool changed; /* something was re-read: write the cache back */
};

static void dir_cache_free(struct dir_cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		strv_free(c->v[i].sockets);
		strv_free(c->v[i].subdirs);
	}
	free(c->v);
	*c = (struct dir_cache){};
}

static struct dir_entry *dir_cache_find(struct dir_cache *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (streq(c->v[i].path, path))
			return &c->v[i];
	return NULL;
}

static struct dir_entry *dir_cache_add(struct dir_cache *c, const char *path)
{
	GROW(c->v, c->cap, c->n + 1);
	c->v[c->n] = (struct dir_entry){ .path = xstrdup(path) };
	return &c->v[c->n++];
}

/* Reads DIR's sockets and subdirectories (the latter only when WANT_DIRS). */
static void read_dir(DIR *d, bool want_dirs, struct dir_entry *e)
{
	struct dirent *de;

	while ((de = readdir(d))) {
		unsigned char t = de->d_type;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (t == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			t = S_ISSOCK(st.st_mode) ? DT_SOCK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
		}
		if (t == DT_SOCK)
			strv_push(&e->sockets, de->d_name);
		else if (t == DT_DIR && want_dirs)
			strv_push(&e->subdirs, de->d_name);
	}
}

struct scan {
	struct dir_cache old, now;
	char *const *skip; /* hidden as a whole: no need to look inside */
	char ***found;
	bool (*root_wanted)(const char *dir, void *userdata);
	void *userdata;
};

/* Adds every socket in DIR (whose stat is ST), and below it for DEPTH - 1
 * more levels (only into subdirectories FILTER accepts, when given), but
 * not into SKIP. */
static void scan_dir(struct scan *s, const char *dir, const struct stat *st, unsigned depth,
		     bool (*filter)(const struct stat *st))
{
	char path[PATH_MAX];
	struct stat sub;

	struct dir_entry *e = dir_cache_add(&s->now, dir);
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->ctime = st->st_ctim;
	const struct dir_entry *old = dir_cache_find(&s->old, dir);
	if (old && old->dev == st->st_dev && old->ino == st->st_ino &&
	    old->ctime.tv_sec == st->st_ctim.tv_sec && old->ctime.tv_nsec == st->st_ctim.tv_nsec &&
	    (depth > 1 || !old->subdirs)) {
		e->sockets = strv_copy(old->sockets);
		e->subdirs = depth > 1 ? strv_copy(old->subdirs) : NULL;
	} else {
		_cleanup_closedir_ DIR *d = opendir(dir);
		s->now.changed = true;
		if (!d)
			return;
		read_dir(d, depth > 1, e);
	}

	/* E may move when the array grows: copy what the loops need. */
	_cleanup_strv_free_ char **sockets = strv_copy(e->sockets);
	_cleanup_strv_free_ char **subdirs = strv_copy(e->subdirs);
	STRV_FOREACH (n, sockets)
		if (snprintf(path, sizeof(path), "%s/%s", dir, *n) < (int)sizeof(path))
			add_canonical(s->found, path, false);
	STRV_FOREACH (n, subdirs) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, *n) >= (int)sizeof(path))
			continue;
		if (strv_contains(s->skip, path))
			continue;
		/* One lstat per subdirectory, for the filter and the cache
		 * check alike; never through a symlink put there since. */
		if (lstat(path, &sub) < 0 || !S_ISDIR(sub.st_mode) || (filter && !filter(&sub)))
			continue;
		scan_dir(s, path, &sub, depth - 1, NULL);
	}
}

static void scan(struct scan *s, const char *dir, unsigned depth,
		 bool (*filter)(const struct stat *st))
{
	struct stat st;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		scan_dir(s, dir, &st, depth, filter);
}

/* The scan depends on these too: a cache made under others is not used. */
static char *cache_key(void)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_RUNTIME_DIR");

	return xasprintf("cordon-host-sockets 2 uid=%u home=%s xdg=%s", (unsigned)geteuid(),
			 home ? home : "", xdg ? xdg : "");
}

/* One line per directory:
 *   D DEV INO CTIME_SEC CTIME_NSEC PATH
 * then its entries, one per line: "S NAME" (socket), "d NAME" (subdir).
 * Names with a newline are never cached (they are re-read each time). */
static void cache_load(const char *cache, const char *key, struct dir_cache *c, char **ret_text)
{
	_cleanup_free_ char *buf = NULL;
	struct dir_entry *e = NULL;
	char *save = NULL, *line;

	if (!cache || read_file_max(cache, 1 << 22, &buf, NULL) < 0)
		return;
	*ret_text = xstrdup(buf);
	line = strtok_r(buf, "\n", &save);
	if (!line || !streq(line, key))
		return;
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned long long dev, ino;
		long long sec;
		long nsec;
		int off = 0;
		if (line[0] == 'D' &&
		    sscanf(line, "D %llu %llu %lld %ld %n", &dev, &ino, &sec, &nsec, &off) == 4 &&
		    off > 0 && line[off] == '/') {
			e = dir_cache_add(c, line + off);
			e->dev = (dev_t)dev;
			e->ino = (ino_t)ino;
			e->ctime = (struct timespec){ .tv_sec = (time_t)sec, .tv_nsec = nsec };
		} else if (e && line[0] == 'S' && line[1] == ' ') {
			strv_push(&e->sockets, line + 2);
		} else if (e && line[0] == 'd' && line[1] == ' ') {
			strv_push(&e->subdirs, line + 2);
		} else {
			/* Anything unexpected: forget it all and scan. */
			dir_cache_free(c);
			return;
		}
	}
}

static bool cacheable(char *const *names)
{
	STRV_FOREACH (n, names)
		if (strchr(*n, '\n'))
			return false;
	return true;
}

/* Written to a temporary file and renamed, so that a reader never sees
 * half of it; and only when it says something new (/tmp, say, changes on
 * every run but is never cached). */
static void cache_store(const char *cache, const char *key, const struct dir_cache *c,
			const char *old_text)
{
	struct strbuf b = {};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	strbuf_printf(&b, "%s\n", key);
	for (size_t i = 0; i < c->n; i++) {
		const struct dir_entry *e = &c->v[i];
		if (strchr(e->path, '\n') || !cacheable(e->sockets) || !cacheable(e->subdirs))
			continue;
		/* Inode times come from a coarse clock: an entry added in the
		 * same tick, just after the directory was read, would leave its
		 * ctime as it was. A directory changed this recently is read
		 * again next time (git's "racily clean" index entries). */
		if (e->ctime.tv_sec >= now.tv_sec - 2)
			continue;
		strbuf_printf(&b, "D %llu %llu %lld %ld %s\n", (unsigned long long)e->dev,
			      (unsigned long long)e->ino, (long long)e->ctime.tv_sec,
			      e->ctime.tv_nsec, e->path);
		STRV_FOREACH (n, e->sockets)
			strbuf_printf(&b, "S %s\n", *n);
		STRV_FOREACH (n, e->subdirs)
			strbuf_printf(&b, "d %s\n", *n);
	}
	if (old_text && streq(old_text, b.s)) {
		strbuf_free(&b);
		return;
	}
	_cleanup_free_ char *tmp = xasprintf("%s.XXXXXX", cache);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0) {
		bool ok = write(fd, b.s, b.len) == (ssize_t)b.len;
		ok = close(fd) == 0 && ok;
		if (!ok || rename(tmp, cache) < 0)
			(void)unlink(tmp);
	}
	strbuf_free(&b);
}

/* The sockets in /run (3 levels), /tmp and /var/tmp (their top level and
 * the caller's own directories there), ~/.ssh and ~/.gnupg: those of the
 * roots S->root_wanted accepts. */
static void scan_all(struct scan *s, const char *cache)
{
	const char *home = getenv("HOME");
	_cleanup_free_ char *ssh = NULL, *gnupg = NULL, *old_text = NULL, *key = NULL;
	struct {
		const char *dir;
		unsigned depth;
		bool (*filter)(const struct stat *st);
		bool wanted;
	} roots[5] = {
		{ "/run", 3, NULL, false },
		{ "/tmp", 2, owned_by_caller, false },
		{ "/var/tmp", 2, owned_by_caller, false },
	};
	size_t n = 3, n_wanted = 0;

	if (home && home[0] == '/') {
		roots[n++].dir = ssh = xasprintf("%s/.ssh", home);
		roots[n - 1].depth = 1;
		roots[n++].dir = gnupg = xasprintf("%s/.gnupg", home);
		roots[n - 1].depth = 1;
	}
	for (size_t i = 0; i < n; i++) {
		roots[i].wanted = !s->root_wanted || s->root_wanted(roots[i].dir, s->userdata);
		n_wanted += roots[i].wanted;
	}
	if (n_wanted == 0)
		return; /* not even the cache needs reading */

	key = cache_key();
	cache_load(cache, key, &s->old, &old_text);
	for (size_t i = 0; i < n; i++)
		if (roots[i].wanted)
			scan(s, roots[i].dir, roots[i].depth, roots[i].filter);
	/* Only a scan of every root is written back: a partial one would
	 * make the next full scan forget what the others knew. */
	if (cache && n_wanted == n && (s->now.changed || s->now.n != s->old.n))
		cache_store(cache, key, &s->now, old_text);
}

/* "unix:path=/run/user/1000/bus,guid=…" -> "/run/user/1000/bus" */
static void add_dbus_address(char ***v, const char *addr)
{
	const char *p;

	if (!addr || !(p = strstr(addr, "unix:path=")))
		return;
	p += strlen("unix:path=");
	_cleanup_free_ char *path = xstrndup(p, strcspn(p, ",;"));
	add_canonical(v, path, false);
}

void host_sockets_collect(const char *cache, bool (*scan_root)(const char *dir, void *userdata),
			  void *userdata, char ***ret)
{
	static const char *const dirs[] = {
		"/run/user", "/tmp/.X11-unix", "/tmp/.ICE-unix", "/run/dbus",
	};
	char **v = NULL;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		add_canonical(&v, dirs[i], true);
	add_canonical(&v, getenv("XDG_RUNTIME_DIR"), true);
	/* cordon's registry of mount points (linux/state_dir.c): a command
	 * that could edit it could steer what a later run removes. */
	_cleanup_free_ char *state = xasprintf("/tmp/cordon-%u", (unsigned)geteuid());
	add_canonical(&v, state, true);
	/* Hidden as a whole, so the scan need not look inside. */
	_cleanup_strv_free_ char **skip = strv_copy(v);

	add_canonical(&v, getenv("SSH_AUTH_SOCK"), false);
	add_dbus_address(&v, getenv("DBUS_SESSION_BUS_ADDRESS"));

	struct scan s = { .skip = skip, .found = &v, .root_wanted = scan_root, .userdata = userdata };
	scan_all(&s, cache);
	dir_cache_free(&s.old);
	dir_cache_free(&s.now);
	*ret = v;
}

static bool named_exactly(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (!p->entries[i].glob && streq(p->entries[i].path, path))
			return true;
	return false;
}

/* Whether the command could write to DIR or to anything below it. */
static bool writable_at_or_below(const char *dir, void *userdata)
{
	const struct policy *p = userdata;
	char real[PATH_MAX];

	/* Policy paths are canonical; /var/tmp or $HOME may be a symlink. */
	if (!realpath(dir, real))
		return false; /* nothing there to scan */
	dir = real;
	if (policy_access(p, dir, NULL) == ACCESS_WRITE)
		return true;
	for (size_t i = 0; i < p->n_entries; i++)
		if (!p->entries[i].glob && p->entries[i].access == ACCESS_WRITE &&
		    path_is_at_or_below(p->entries[i].path, dir))
			return true;
	return false;
}

void policy_hide_host(struct policy *p, const char *cache, enum host_hide_scope scope)
{
	_cleanup_strv_free_ char **paths = NULL;
	enum access least = scope == HOST_HIDE_WRITABLE ? ACCESS_WRITE : ACCESS_READ;

	if (p->fs_kind != FS_RESTRICTED)
		return;
	if (scope == HOST_HIDE_WRITABLE && !writable_at_or_below("/", p))
		return; /* nothing can be written: nothing to hide (a read-only profile) */
	host_sockets_collect(cache, scope == HOST_HIDE_WRITABLE ? writable_at_or_below : NULL, p,
			     &paths);
	_cleanup_free_ char *state = xasprintf("/tmp/cordon-%u", (unsigned)geteuid());

	STRV_FOREACH (s, paths) {
		if (named_exactly(p, *s) || policy_access(p, *s, NULL) < least)
			continue;
		policy_append_entry(p, *s, ACCESS_NONE, ORIGIN_HOST,
				 path_is_below(*s, "/tmp/cordon-") || streq(*s, state)
					 ? HOST_SOCKETS_SPEC_STATE
					 : HOST_SOCKETS_SPEC_SOCKET);
	}
	policy_sort_entries(p);
}
