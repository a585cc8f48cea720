/* The subcommands. Each returns cordon's exit status. */
#pragma once

#include "cli/options.h"
#include "plan/plan.h"
#include "policy/policy.h"
#include "util/error.h"

int cmd_explain(const struct cli_options *o);
int cmd_run(const struct cli_options *o);

/* Prints E as one "cordon: …" line on stderr and returns EXIT_CORDON. */
int cli_fail(const struct error *e);

/* Finds bwrap (never one inside the workspace) and builds the mount plan for
 * POLICY. Returns 0, or the exit status after printing why not. */
int cli_plan_bwrap(const struct cli_options *o, const struct policy *policy, char **ret_bwrap,
		   struct mount_plan **ret_plan);
