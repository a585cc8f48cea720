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
	int *empty;       /* one /dev/null descriptor per empty-file mask */
	size_t n_empty;
};

/* Opens the descriptors and builds the argv; runs nothing. */
int bwrap_launch_prepare(const char *bwrap, const struct mount_plan *m, char *const *command,
			 struct bwrap_launch *ret, struct error *reterr);
/* Forks and execs bwrap with L and supervises it until it exits. */
int bwrap_launch_run(struct bwrap_launch *l, double timeout, struct supervise_result *ret,
		     struct error *reterr);
void bwrap_launch_done(struct bwrap_launch *l);
