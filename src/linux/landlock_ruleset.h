/* The Landlock syscalls (landlock(7)): the ABI probe, the ruleset built
 * from a landlock plan, and its enforcement in the child. The decision of
 * what to grant is in src/plan/landlock_plan.c.
 *
 * Not named landlock.h: src/ is on the include path, and the kernel's
 * <linux/landlock.h> must never be shadowed. */
#pragma once

#include "plan/landlock_plan.h"
#include "util/error.h"

/* The Landlock ABI of the running kernel (>= 1); -ENOSYS when the kernel
 * has no Landlock (or a seccomp filter refuses the call), -EOPNOTSUPP when
 * it is built in but was not enabled at boot. */
int landlock_abi_probe(void);
/* Why Landlock is not usable, with the fix, for an error of the probe. */
const char *landlock_abi_error(int r);

/* Creates the ruleset for LP on a kernel with ABI: every right the ABI
 * knows is handled, and only LP's grants are given. *RET_FD is an O_CLOEXEC
 * ruleset descriptor, or -1 when LP restricts nothing Landlock handles.
 * Returns 0, or -errno with *RETERR naming the path that failed. */
int landlock_ruleset_build(const struct landlock_plan *lp, unsigned abi, int *ret_fd,
			   struct error *reterr);

/* Restricts the calling thread, and everything it execs, to the ruleset FD
 * (after PR_SET_NO_NEW_PRIVS). Only a syscall: safe between fork and exec.
 * Returns 0 or -errno. */
int landlock_ruleset_enforce(int fd);
