/* Where placeholders go when their run ends: STATE/trash.
 *
 * A placeholder's name must leave the host at once (the user's next `ls -a`
 * must not find a `.git` that was never theirs), but the directory itself
 * need not go at once, and on some disks making and deleting directories
 * is slow: a directory owns a block, and with the `discard` mount option
 * ext4 may trim that block before rmdir returns (measured on the CI
 * machine, an ext4 without a journal: 60-130 µs per directory, and the
 * trims slow a sandbox starting meanwhile by 0.3 ms for :workspace's 14
 * placeholders). Renaming costs no block and no trim.
 *
 * So a placeholder on the same filesystem as the state directory is
 * renamed into the trash, and the next run that needs a placeholder at the
 * very same place takes it back from there (host_trash_reclaim) instead of
 * making a new one. "The same place" is its key: the path, and the
 * identity (device, inode, birth time) of the directory it is in. Reuse is
 * confined to that place because of descriptors: a sandbox that saw a
 * placeholder unmasked and writable (its profile granted that path) may
 * keep a descriptor to it, and whatever it writes through it must land
 * nowhere but where its profile let it write. Put back where it was, the
 * directory gives it nothing it did not have; put anywhere else (another
 * workspace's `.git`, say) it would be a way out. A placeholder that cannot
 * have a key (no birth time on this filesystem, a path too long for a
 * name) goes to the trash under a name used once, and is deleted.
 *
 * Entries are only ever removed with rmdir (so never with content, and never
 * through a symlink). The trash keeps at most HOST_TRASH_KEEP keyed entries
 * (a few workspaces' worth, 4 KiB each); the rest, and every entry used
 * once, are deleted by later runs while they wait for their own sandbox,
 * when the wait costs nothing. The state directory is hidden from every
 * sandbox (see select.c). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

struct host_trash {
	int fd; /* STATE/trash, or -1 when there is none to use */
	dev_t dev;
	unsigned long long opened; /* ns, CLOCK_MONOTONIC: with the pid, names this opening */
	unsigned seq;
};

/* Opens STATE_DIR/trash, creating it. Without it (a trash that is not
 * ours) T->fd stays -1, and placeholders are removed directly. */
void host_trash_open(struct host_trash *t, const char *state_dir);
void host_trash_close(struct host_trash *t);

/* The key of a placeholder at PATH (canonical) in the directory whose statx
 * is PARENT, written to KEY; false when it cannot have one (see above). */
bool host_trash_key(const struct statx *parent, const char *path, char key[NAME_MAX + 1]);

/* Puts the trash entry KEY back as NAME in DFD, if there is one and NAME
 * is free; returns 0, or -errno (-ENOENT: none to take back, -EEXIST:
 * NAME is there already). Its content is not checked: whatever is in it
 * was written where its key says, by somebody who could write there. */
int host_trash_reclaim(struct host_trash *t, int dfd, const char *name, const char *key);

/* Takes the empty directory NAME in DFD, whose stat is ST, out of its
 * directory: into the trash as KEY (may be NULL), or under a name used
 * once when KEY is NULL or taken. EMPTY_AT (or NULL) is a modification
 * time at which it was seen empty, which spares reading it again. Returns
 * true when that is done: moved to the trash, or moved back because it
 * turned out to have content (which is the user's: see host_targets.c).
 * Returns false when the trash cannot take it (another filesystem, no
 * trash): the caller removes it itself. */
bool host_trash_take(struct host_trash *t, int dfd, const char *name, const struct stat *st,
		     const char *key, const struct timespec *empty_at, const char *path);

/* Deletes the entries used once, and keyed entries beyond HOST_TRASH_KEEP,
 * at most MAX of them; entries that are not empty directories stay. Meant
 * for the time a run waits for its sandbox. */
void host_trash_empty(unsigned max);
/* Keyed entries kept for reuse. */
#define HOST_TRASH_KEEP 256
/* A few runs' worth: a bounded delay before a signal to the sandbox is
 * passed on. */
#define HOST_TRASH_SWEEP_MAX 64
