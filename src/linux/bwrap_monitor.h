/* bubblewrap's monitor process, for `cordon bwrap`: starts the sandbox with
 * the builtin executor and waits outside it for the command, writing
 * bwrap's --info-fd and --json-status-fd documents on the way, so that
 * programs driving bwrap through those descriptors (flatpak, its tests)
 * see what they expect. */
#pragma once

#include "plan/plan.h"
#include "util/error.h"

/* Runs ARGV in the sandbox PLAN and PROC describe. Returns 0 with the
 * status bwrap would exit with (the command's; 128+N for a signal N), or
 * -errno with *RETERR in bwrap's words when the sandbox could not be set
 * up or the command not executed (bwrap exits 1 then). */
int bwrap_monitor_run(const struct mount_plan *plan, const struct sandbox_process *proc,
		      char *const *argv, int *ret_exit, struct error *reterr);
