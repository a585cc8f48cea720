/* The builtin executor: performs a mount plan and starts a command in new
 * namespaces itself, with no helper binary and no second exec (DESIGN.md
 * §5). The builtin backend of `cordon run` and `cordon bwrap` use it.
 *
 * It works in two halves, minijail's "configure, then enforce":
 * builtin_spawn() works out everything in the launcher, where allocation
 * and readable errors are still possible (sources resolved, paths joined,
 * maps and environment formatted, seccomp programs loaded), then clones
 * the child. The child (builtin_child.c) only enforces: a fixed sequence of
 * syscalls whose first failure is reported down a pipe and ends it, before
 * the command has started. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "linux/seccomp_filter.h"
#include "linux/setup_report.h"
#include "plan/plan.h"
#include "util/error.h"

struct builtin_spec {
	const struct mount_plan *plan;
	const struct sandbox_process *proc;
	char *const *argv;                     /* the command */
	const struct seccomp_options *seccomp; /* cordon's filter; NULL: proc->seccomp_fds only */
	/* Sources and destinations are canonical paths already (plan_build's
	 * plans): no realpath(), and one destination is never spelled two ways. */
	bool canonical_paths;
	bool hold_command;      /* the command waits for builtin_release() */
	bool hold_setup;        /* the child waits for builtin_release_setup() before its
				 * uid map (bwrap's monitor reports first) */
	bool bwrap_words;       /* errors in bubblewrap's words, for `cordon bwrap` */
	bool report_exit;       /* init writes {"exit-code": N} to status_fd */
	bool command_group;     /* the command leads a process group of its own, which
				 * cordon signals as a terminal signals its job (init
				 * would pass a signal sent to its group on again) */
	bool init_lingers;      /* init outlives the command until its last child is gone
				 * (bwrap's); else it exits with the command, killing the rest */
	/* The network namespace may be made in parallel, by a helper (see
	 * netns_lo.h), when nothing looks at the child's namespaces before
	 * it has joined it: not with hold_command (the network hook attaches
	 * to them) nor hold_setup (bwrap's monitor reports them). */
	bool parallel_netns;
};

struct builtin_prep;

struct builtin_child {
	pid_t pid;             /* the process cordon cloned: the sandbox's init, or the command */
	int report_fd;         /* read end of the setup report pipe */
	int status_fd;         /* read end of init's exit-code line (report_exit), or -1 */
	int release_fd;        /* write end the command waits on, or -1 */
	int setup_release_fd;  /* write end the child waits on before its uid map, or -1 */
	pid_t netns_helper;    /* the helper making the network namespace, or -1 */
	struct builtin_prep *prep;
};

/* Prepares and clones the sandbox. Blocks the signals supervise_wait()
 * forwards (supervise_block_signals); the caller restores them when done.
 * On failure nothing was started and *RETERR says why. */
int builtin_spawn(const struct builtin_spec *s, struct builtin_child *ret, struct error *reterr);
/* Lets a held command (hold_command) go on to exec. */
int builtin_release(struct builtin_child *c);
/* Lets a held child (hold_setup) go on with its setup. */
int builtin_release_setup(struct builtin_child *c);
/* After C->pid was reaped: 0 when the command was executed; 1 when setup
 * failed before it, with *RET_REPORT saying where. */
int builtin_collect(struct builtin_child *c, struct setup_report *ret_report);
/* One line (no prefix, no newline) for a failed setup. */
void builtin_describe(const struct builtin_child *c, const struct setup_report *rep, char *buf,
		      size_t size);
/* Whether REP is the failure of the plan's MOUNT_PROC op: the caller may
 * then retry without /proc. */
bool builtin_report_is_proc(const struct builtin_child *c, const struct setup_report *rep);
void builtin_child_done(struct builtin_child *c);
