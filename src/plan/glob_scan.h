/* Expansion of deny globs into the concrete paths to mask (see glob_scan.c). */
#pragma once

#include "util/error.h"

/* Expands PATTERN (absolute) into the shallowest existing paths it matches,
 * at most MAX_DEPTH levels below its static prefix. RIPGREP is the path of
 * `rg`, or NULL for the built-in walker. More than MAX_MATCHES results, or
 * any directory that cannot be read, is an error: the launch must stop. */
int glob_scan(const char *pattern, unsigned max_depth, unsigned max_matches, const char *ripgrep,
	      char ***ret, struct error *reterr);
