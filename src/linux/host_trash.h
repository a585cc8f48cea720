/* Where placeholders go when their run ends: STATE/trash.
 *
 * A placeholder's name must leave the host at once (the user's next `ls -a`
 * must not find a `.git` that was never theirs), but the directory itself
 * need not go at once, and on some disks deleting it is slow: a directory
 * owns a block, and with the `discard` mount option ext4 may trim that
 * block before rmdir returns (measured: about 60 µs per directory, 1 ms for
 * the 14 placeholders of :workspace on a workspace without its protected
 * names, on the CI machine). So a placeholder on the same filesystem as the
 * state directory is renamed into the trash, which costs no disk wait, and
 * a later run deletes it while it waits for its own sandbox to start, when
 * the wait costs nothing.
 *
 * Entries are only ever removed with rmdir (so never with content, and never
 * through a symlink) and never reused: a directory that somebody kept a
 * descriptor to could be filled later, wherever it was put next. The state
 * directory is hidden from every sandbox (see select.c). */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

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

/* Takes the empty directory NAME in DFD, whose stat is ST, out of its
 * directory. Returns true when that is done: moved to the trash, or moved
 * back because it turned out to have content (which is the user's: see
 * host_targets.c). Returns false when the trash cannot take it (another
 * filesystem, no trash): the caller removes it itself. */
bool host_trash_take(struct host_trash *t, int dfd, const char *name, const struct stat *st,
		     const char *path);

/* Deletes what is in the trash, at most MAX entries; entries that are not
 * empty directories stay. Meant for the time a run waits for its sandbox. */
void host_trash_empty(unsigned max);
/* A few runs' worth: a bounded delay before a signal to the sandbox is
 * passed on. */
#define HOST_TRASH_SWEEP_MAX 64
