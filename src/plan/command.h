/* Finding the command the sandbox will exec, before launching it, so that
 * "not found" and "not executable" get their own exit statuses (127, 126)
 * instead of a launcher's generic failure. */
#pragma once

#include "policy/policy.h"

/* execvp(3)'s search: NAME with a '/' is taken as is (relative to CWD);
 * otherwise each PATH_ENV entry in turn (an empty one is CWD). Candidates
 * the policy hides are skipped, as the sandbox would not see them. Returns
 * 0 with the path, -ENOENT, or -EACCES (found, but not executable). */
int command_locate(const struct policy *p, const char *name, const char *path_env,
		   const char *cwd, char **ret);
