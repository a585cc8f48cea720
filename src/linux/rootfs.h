/* The builtin sandbox's new root: built op by op from the mount plan in a
 * scratch tmpfs, then made the root of the mount namespace with
 * pivot_root(2), the host's tree detached behind it.
 *
 * Layout while building (bubblewrap's, so that a bind of "/" or of /tmp
 * behaves as in bubblewrap):
 *   /          a scratch tmpfs (mounted on the host's /tmp, then pivoted to)
 *   /oldroot   the host's root: every bind source is read from here
 *   /newroot   the new root; op destinations are resolved inside it with
 *              openat2(RESOLVE_IN_ROOT), so a symlink in it can never lead
 *              a mount outside
 *   /bindfileN the content of --bind-data files and empty masks, bound
 *              onto their destination and unlinked
 * Runs in the sandbox's child: syscalls and stack buffers only. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "linux/setup_report.h"
#include "plan/plan.h"

/* One plan op, with everything the child needs already worked out by the
 * launcher (configure before enforce: paths joined, sources resolved). */
struct rootfs_op {
	enum mount_op_type type;
	int index;           /* in the plan, for the error report */
	const char *src;     /* binds: "/oldroot" + the canonical source; symlinks: the target */
	const char *rel;     /* destination relative to the new root ("" is the root),
			      * without "//" or a trailing "/" */
	const char *tmpfs_data; /* "mode=0755[,size=N]" */
	mode_t mode;
	mode_t parent_mode;  /* for missing parents: bwrap's rule, from mode */
	int fd;              /* file and data ops: the content */
	bool skip;           /* a -try op whose source does not exist, or a
			      * MOUNT_REMOUNT_RO done already by its tmpfs op */
	bool rdonly;         /* MOUNT_TMPFS: created read-only (nothing goes inside) */
	bool src_is_dir;     /* binds: the mount point must be a directory */
	bool pid_ns;         /* MOUNT_PROC: a new procfs (else the host's, bound) */
};

struct rootfs {
	int proc_fd;      /* the host's /proc, O_PATH: outlives the pivot */
	int newroot_fd;   /* the topmost mount at /newroot */
	unsigned n_files; /* /bindfileN counter */
	const char *host_tty; /* "/oldroot/dev/pts/N" for /dev/console, or NULL */
};

/* Mounts the scratch tmpfs and pivots into it: host at /oldroot, an empty
 * /newroot. NEED_SELF_BIND: make /newroot a mount point of its own (when
 * the first op does not mount something on the root). */
int rootfs_begin(struct rootfs *r, bool need_self_bind);
/* Performs one op. On failure sets *RET_STEP (and *RET_DETAIL) to the
 * sub-step that failed. */
int rootfs_apply(struct rootfs *r, const struct rootfs_op *op, enum setup_step *ret_step,
		 int *ret_detail);
/* Makes /newroot the root and detaches everything else (scratch, host). */
int rootfs_finish(struct rootfs *r);
/* Whether the kernel lacks openat2 (Linux < 5.6): destinations are then
 * resolved as bubblewrap does, by path. */
void rootfs_force_classic(bool classic);
