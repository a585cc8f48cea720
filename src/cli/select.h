/* From command-line options to a resolved policy: load the config, pick the
 * profile, apply the flags that override it, resolve it for this machine. */
#pragma once

#include "cli/options.h"
#include "policy/policy.h"

/* Warnings of every stage end up in (*ret)->warnings. */
int cli_select_policy(const struct cli_options *o, struct policy **ret, struct error *reterr);
/* Prints each warning as one "cordon: warning: …" line on stderr. */
void cli_print_warnings(char *const *warnings);
