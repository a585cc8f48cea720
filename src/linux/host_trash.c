/* The placeholder trash (see host_trash.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>

#include "linux/host_trash.h"
#include "linux/state_dir.h"
#include "util/fs.h"
#include "util/macros.h"

void host_trash_open(struct host_trash *t, const char *state_dir)
{
	_cleanup_free_ char *path = xasprintf("%s/trash", state_dir);
	struct stat st;
	int fd;

	*t = (struct host_trash){.fd = -1};
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return;
	fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	/* Ours alone, like the state directory it is in. */
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
		safe_close(fd);
		return;
	}
	t->fd = fd;
	t->dev = st.st_dev;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t->opened =
	    (unsigned long long)now.tv_sec * 1000000000ULL + (unsigned long long)now.tv_nsec;
}

void host_trash_close(struct host_trash *t)
{
	safe_close(t->fd);
	*t = (struct host_trash){.fd = -1};
}

/* Keyed entries start with this; entries used once never do. */
#define KEY_PREFIX "k."

bool host_trash_key(const struct statx *parent, const char *path, char key[NAME_MAX + 1])
{
	size_t n;

	if (!(parent->stx_mask & STATX_BTIME) || !(parent->stx_mask & STATX_INO))
		return false;
	n = (size_t)snprintf(
	    key, NAME_MAX + 1, KEY_PREFIX "%x.%x.%llx.%llx.%x.", parent->stx_dev_major,
	    parent->stx_dev_minor, (unsigned long long)parent->stx_ino,
	    (unsigned long long)parent->stx_btime.tv_sec, parent->stx_btime.tv_nsec);
	/* The path, with '%' and '/' escaped: two paths, two names. */
	for (const char *p = path; *p; p++) {
		const char *esc = *p == '/' ? "%2F" : *p == '%' ? "%25" : NULL;
		size_t len = esc ? 3 : 1;
		if (n + len > NAME_MAX)
			return false;
		if (esc)
			memcpy(key + n, esc, len);
		else
			key[n] = *p;
		n += len;
	}
	key[n] = '\0';
	return true;
}

int host_trash_reclaim(struct host_trash *t, int dfd, const char *name, const char *key)
{
	if (t->fd < 0)
		return -ENOENT;
	return renameat2(t->fd, key, dfd, name, RENAME_NOREPLACE) < 0 ? -errno : 0;
}

bool host_trash_take(struct host_trash *t, int dfd, const char *name, const struct stat *st,
		     const char *key, const struct timespec *empty_at, const char *path)
{
	const char *entry = key;
	char once[64];
	int r = -1;

	/* rename(2) does not cross filesystems. */
	if (t->fd < 0 || st->st_dev != t->dev)
		return false;
	if (key && (r = renameat2(dfd, name, t->fd, key, RENAME_NOREPLACE)) < 0 && errno != EEXIST)
		return false;
	/* Otherwise under a name unique to this opening of the trash (a run
	 * opens it more than once); NOREPLACE all the same, and the next
	 * number if it was taken. */
	for (unsigned attempt = 0; attempt < 8 && r < 0; attempt++) {
		snprintf(once, sizeof(once), "%d.%llx.%u", (int)getpid(), t->opened, t->seq++);
		entry = once;
		r = renameat2(dfd, name, t->fd, entry, RENAME_NOREPLACE);
		if (r < 0 && errno != EEXIST)
			return false;
	}
	if (r < 0)
		return false;
	/* Checked after the move, when nothing can add to it by its old path:
	 * what the user put there while the sandbox ran is theirs, and goes
	 * back. Unchanged since it was seen empty, it still is: an entry
	 * added or removed sets the modification time, a move does not. */
	struct stat now;
	if (empty_at && fstatat(t->fd, entry, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(now.st_mode) && now.st_mtim.tv_sec == empty_at->tv_sec &&
	    now.st_mtim.tv_nsec == empty_at->tv_nsec)
		return true;
	if (!dir_has_entries(t->fd, entry))
		return true;
	if (renameat2(t->fd, entry, dfd, name, RENAME_NOREPLACE) < 0)
		fprintf(stderr,
			"cordon: warning: %s had content and something else took its name; "
			"it is in the trash of cordon's state directory as \"%s\"\n",
			path, entry);
	return true;
}

/* One pass over the trash: deletes the entries used once (KEYED false) or
 * the keyed ones counted beyond HOST_TRASH_KEEP (KEYED true), within
 * *BUDGET; returns how many keyed entries it saw. */
static unsigned sweep(int fd, bool keyed, unsigned *budget)
{
	char buf[4096] __attribute__((aligned(8)));
	unsigned seen = 0;
	long n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return 0;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);
			off += de->d_reclen;
			if (streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			bool is_keyed = strneq(de->d_name, KEY_PREFIX, strlen(KEY_PREFIX));
			seen += is_keyed;
			if (is_keyed != keyed || *budget == 0 || (keyed && seen <= HOST_TRASH_KEEP))
				continue;
			/* ENOTEMPTY, ENOTDIR: not a placeholder; ENOENT: another
			 * run was first (or took it back). Either way, not ours
			 * to insist on. */
			(void)unlinkat(fd, de->d_name, AT_REMOVEDIR);
			(*budget)--;
		}
	return seen;
}

void host_trash_empty(unsigned max)
{
	_cleanup_free_ char *state = NULL, *path = NULL;
	_cleanup_close_ int fd = -1;
	unsigned budget = max;

	if (state_dir_get(&state) < 0)
		return;
	path = xasprintf("%s/trash", state);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (sweep(fd, false, &budget) > HOST_TRASH_KEEP)
		(void)sweep(fd, true, &budget);
}
