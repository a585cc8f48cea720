/* The bwrap backend (DESIGN.md §5): the plan as bwrap argv, run by the
 * system bwrap, supervised by cordon. */
#pragma once

#include "linux/supervise.h"
#include "plan/plan.h"

struct bwrap_launch {
	char **argv;      /* bwrap, its options, "--", the command */
	int seccomp_fd;   /* memfd with the compiled filter */
	int status_read;  /* --json-status-fd pipe */
	int status_write;
	int block_read;   /* --block-fd pipe: see bwrap_launch_blocks() */
	int block_write;
	int *empty;       /* one /dev/null descriptor per empty-file mask */
	size_t n_empty;
	pid_t pid;        /* bwrap, once started */
};

/* Whether the command must wait, once bwrap has built the sandbox, for
 * cordon to let it start: when the network proxy must attach first
 * (ATTACH), and when the plan has placeholders, which cordon makes while
 * bwrap starts and must have recorded before the command may run (see
 * backend_bwrap.c). `cordon explain --format bwrap` asks the same. */
static inline bool bwrap_launch_blocks(const struct mount_plan *m, bool attach)
{
	return attach || m->n_targets > 0;
}

/* Opens the descriptors and builds the argv; runs nothing. With BLOCK the
 * command waits, after the sandbox is built, until bwrap_launch_run has
 * called ON_STARTED. */
int bwrap_launch_prepare(const char *bwrap, const struct mount_plan *m, char *const *command,
			 bool block, struct bwrap_launch *ret, struct error *reterr);
/* Forks and execs bwrap with L. Signals cordon passes on are blocked from
 * here until bwrap_launch_wait or bwrap_launch_kill. */
int bwrap_launch_start(struct bwrap_launch *l, struct error *reterr);
/* Lets a blocked command start now, with no hook to run first. */
int bwrap_launch_unblock(struct bwrap_launch *l);
/* Supervises the started bwrap until it exits. When L still blocks,
 * ON_STARTED(USERDATA, pid) runs once the sandbox exists, then the command
 * is let go; a negative return kills the sandbox before the command
 * starts. */
int bwrap_launch_wait(struct bwrap_launch *l, double timeout,
		      int (*on_started)(void *userdata, pid_t pid), void *userdata,
		      struct supervise_result *ret, struct error *reterr);
/* Kills and reaps a started bwrap whose command must not start. */
void bwrap_launch_kill(struct bwrap_launch *l);
void bwrap_launch_done(struct bwrap_launch *l);
