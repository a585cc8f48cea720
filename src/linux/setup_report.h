/* How the builtin sandbox's child tells its launcher which setup step
 * failed, and how the launcher turns that into one message.
 *
 * The child is a clone of cordon. It must not allocate or format text: the
 * process it was cloned from may have had other threads holding the
 * allocator's locks (minijail and posix_spawn follow the same rule). So
 * the child sends four numbers down a pipe and exits; the launcher, which
 * still has the plan, writes the one line the user sees. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"
#include "util/macros.h"

enum setup_step {
	SETUP_STEP_NONE,
	SETUP_STEP_PARENT_GONE,   /* the launcher died before the sandbox existed */
	SETUP_STEP_WAIT_PARENT,   /* reading the launcher's go-ahead */
	SETUP_STEP_ID_MAPS,       /* writing uid_map, setgroups, gid_map */
	SETUP_STEP_LOOPBACK,      /* bringing up lo in the new network namespace */
	SETUP_STEP_NETNS,         /* joining the network namespace made in parallel */
	SETUP_STEP_HOSTNAME,
	SETUP_STEP_PROPAGATION,   /* making the copied mounts slaves of the host's */
	SETUP_STEP_BASE,          /* the scratch tmpfs the new root is built in */
	SETUP_STEP_NEWROOT,
	SETUP_STEP_OP_PARENTS,    /* creating the missing parents of an op's destination */
	SETUP_STEP_OP_TARGET,     /* creating or opening the mount point of an op */
	SETUP_STEP_OP,            /* the op itself (mount, symlink, chmod...) */
	SETUP_STEP_OP_FLAGS,      /* read-only / nosuid / nodev on what an op mounted */
	SETUP_STEP_OP_DATA,       /* copying the content of a --file or --bind-data */
	SETUP_STEP_DEV_NODE,      /* one of the nodes of a minimal /dev (detail: which) */
	SETUP_STEP_PROC_COVER,    /* making /proc/sys and friends read-only */
	SETUP_STEP_PIVOT,
	SETUP_STEP_USERNS2,       /* the inner user namespace (uid mapped back, or locked) */
	SETUP_STEP_DISABLE_USERNS,
	SETUP_STEP_USERNS_STILL_ALLOWED, /* --assert-userns-disabled found it allowed */
	SETUP_STEP_CAPS,
	SETUP_STEP_BLOCK_FD,
	SETUP_STEP_CHDIR,
	SETUP_STEP_SETSID,
	SETUP_STEP_FORK,
	SETUP_STEP_LOCK_FILE,     /* detail: which --lock-file */
	SETUP_STEP_NO_NEW_PRIVS,
	SETUP_STEP_SECCOMP,       /* detail: which program, for `cordon bwrap` */
	SETUP_STEP_EXEC,
	_SETUP_STEP_MAX,
};

struct setup_report {
	int32_t step;   /* enum setup_step */
	int32_t error;  /* errno */
	int32_t op;     /* index of the plan op, or -1 */
	int32_t detail; /* step-specific index, or -1 */
};

/* In the child: sends the report on FD (the write end of the launcher's
 * pipe) and exits with 125. Async-signal-safe. */
_noreturn_ void setup_report_fail(int fd, enum setup_step step, int error, int op, int detail);

/* In the launcher: one line (no prefix, no newline) saying what failed,
 * about PLAN's op REP->op and PROC's lock files, FILE the command, CHDIR the
 * working directory; in bubblewrap's words with BWRAP_WORDS. */
void setup_report_describe(const struct setup_report *rep, const struct mount_plan *plan,
			   const struct sandbox_process *proc, const char *file, const char *chdir,
			   bool bwrap_words, char *buf, size_t size);
