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
	int block_read;   /* --block-fd pipe, when the network proxy must attach first */
	int block_write;
	int *empty;       /* one /dev/null descriptor per empty-file mask */
	size_t n_empty;
};

/* Opens the descriptors and builds the argv; runs nothing. With BLOCK the
 * command waits, after the sandbox is built, until bwrap_launch_run has
 * called ON_STARTED. */
int bwrap_launch_prepare(const char *bwrap, const struct mount_plan *m, char *const *command,
			 bool block, struct bwrap_launch *ret, struct error *reterr);
/* Forks and execs bwrap with L and supervises it until it exits. When L
 * blocks, ON_STARTED(USERDATA, pid) runs once the sandbox exists; a
 * negative return kills the sandbox before the command starts. */
int bwrap_launch_run(struct bwrap_launch *l, double timeout,
		     int (*on_started)(void *userdata, pid_t pid), void *userdata,
		     struct supervise_result *ret, struct error *reterr);
void bwrap_launch_done(struct bwrap_launch *l);
