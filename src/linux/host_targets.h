/* Placeholders cordon creates on the host so that a mask has a mount point
 * (a missing `.git` inside a writable workspace, say), and their removal.
 *
 * Several cordon runs may share one placeholder, and unlinking a directory
 * on the host detaches the mounts on it in every other mount namespace
 * (Linux >= 3.18), which would lift another sandbox's mask mid-run. So a
 * registry in the state directory records, per live run, the placeholders
 * it uses (host_targets.c says how); a placeholder is removed only when no
 * live run uses it, and only while it is still the empty directory that
 * was made (same device and inode). A run killed with SIGKILL leaves its
 * record unlocked, and the next run removes what it left. */
#pragma once

#include "plan/plan.h"

struct host_targets;

/* In two halves, so that the placeholders can be made while bwrap starts
 * (it makes a mount point it misses itself; hold_target says why that is
 * safe). begin takes the registry lock and reads what other runs hold;
 * finish makes the placeholders, removes orphans, records ours and lets
 * the lock go. In between, no other cordon run can add or remove one.
 * *RET may be NULL (nothing to do); finish accepts that. */
int host_targets_begin(const struct mount_plan *m, struct host_targets **ret,
		       struct error *reterr);
int host_targets_finish(struct host_targets *t, const struct mount_plan *m,
			struct error *reterr);
/* Both halves at once. */
int host_targets_acquire(const struct mount_plan *m, struct host_targets **ret,
			 struct error *reterr);
/* Removes the placeholders no other run uses (see host_trash.h for how),
 * also after a failed or missing finish. Safe with NULL. */
void host_targets_release(struct host_targets *t);
