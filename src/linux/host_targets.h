/* Placeholders cordon creates on the host so that a mask has a mount point
 * (a missing `.git` inside a writable workspace, say), and their removal.
 *
 * Several cordon runs may share one placeholder, and unlinking a directory
 * on the host detaches the mounts on it in every other mount namespace
 * (Linux >= 3.18), which would lift another sandbox's mask mid-run. So a
 * registry in the state directory tracks users: each run holds a shared
 * flock on a per-placeholder lock file for as long as it runs; a
 * placeholder is removed only by whoever can take that lock exclusively,
 * and only while it is still the empty directory cordon made (same device
 * and inode). A run killed with SIGKILL loses its locks with its life, and
 * the next run removes what it left. */
#pragma once

#include "plan/plan.h"

struct host_targets;

int host_targets_acquire(const struct mount_plan *m, struct host_targets **ret,
			 struct error *reterr);
/* Removes the placeholders no other run uses. Safe with NULL. */
void host_targets_release(struct host_targets *t);
