/* Serialises a mount plan into bubblewrap's command line. Pure: the file
 * descriptors it names are opened by the caller (bwrap_launch.c). */
#pragma once

#include "plan/plan.h"

struct bwrap_fds {
	int seccomp;          /* compiled BPF for --seccomp, or -1 */
	int json_status;      /* write end for --json-status-fd, or -1 */
	int block;            /* read end for --block-fd (the command waits for a byte), or -1 */
	const int *empty;     /* one readable empty fd per MOUNT_EMPTY_FILE op, in op order */
	size_t n_empty;
};

/* The full argv: BWRAP, the options, "--", then COMMAND. */
char **bwrap_argv_build(const char *bwrap, const struct mount_plan *m, const struct bwrap_fds *fds,
			char *const *command);
/* How many descriptors bwrap_fds.empty must hold for M. */
size_t bwrap_count_empty_files(const struct mount_plan *m);
