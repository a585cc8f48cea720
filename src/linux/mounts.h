/* Mount primitives for the builtin sandbox, on descriptors rather than
 * path strings: a destination is an O_PATH descriptor the caller resolved
 * inside the new root, so nothing is looked up twice.
 *
 * Binds use the new mount API where the kernel has it (open_tree,
 * mount_setattr, move_mount: Linux 5.2 and 5.12): the tree is cloned
 * detached, made read-only / nosuid / nodev as a whole with one
 * mount_setattr(AT_RECURSIVE), and only then attached, so no process ever
 * sees it writable and no /proc/self/mountinfo walk is needed. On older
 * kernels (ENOSYS) the same result comes from mount(2) and one remount per
 * submount, the way bubblewrap does it.
 *
 * Everything here runs in the sandbox's child: no allocation, only
 * syscalls and stack buffers. Each function returns 0 or -errno. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

enum {
	MOUNTS_READONLY = 1 << 0, /* MS_RDONLY on the mount and every submount */
	MOUNTS_DEVICES = 1 << 1,  /* keep device nodes usable (no MS_NODEV) */
};

/* Where the host's /proc is reachable while the new root is being built
 * (e.g. "/oldroot/proc"): mount(2) addresses a descriptor through
 * PREFIX/self/fd/N. Called once in the child. */
void mounts_set_proc_path(const char *prefix);
/* Use mount(2) only, as on a kernel without the new mount API. For tests of
 * that path; set by the launcher before the clone. */
void mounts_force_classic(bool classic);
bool mounts_classic(void);

/* Recursively binds SRC (a path, symlinks followed) onto the mount point
 * DEST_FD with FLAGS. REOPEN_DEST re-resolves the destination after the
 * mount (only the mount(2) path needs it, to reach what it just mounted). */
int mounts_bind(const char *src, int dest_fd, unsigned flags,
		int (*reopen_dest)(void *userdata), void *userdata);
/* Binds the object DIRFD/NAME (NAME may be "" for DIRFD itself). */
int mounts_bind_at(int dirfd, const char *name, int dest_fd, unsigned flags,
		   int (*reopen_dest)(void *userdata), void *userdata);
/* A new instance of FSTYPE (tmpfs, proc, devpts, mqueue) on DEST_FD. One
 * mount(2) call: the new API would take five for the same result. */
int mounts_new_fs(const char *fstype, int dest_fd, unsigned long ms_flags, const char *data);
/* MS_RDONLY | MS_NOSUID | MS_NODEV on the mount whose root MNT_FD is, not
 * on its submounts (bwrap's --remount-ro). */
int mounts_remount_ro(int mnt_fd);
/* MS_SLAVE | MS_REC on the whole tree: mounts made here never propagate
 * back to the host, and host mounts still appear (as with bwrap). */
int mounts_make_rslave(void);
/* Formats PREFIX/self/fd/FD into BUF (at least 64 bytes). */
const char *mounts_fd_path(int fd, char *buf, size_t size);
