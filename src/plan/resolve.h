/* Resolution: a symbolic profile applied to this machine and this
 * invocation gives a `struct policy` with absolute canonical paths (DESIGN
 * §2). This is the one place that looks at the filesystem to decide what a
 * profile means; everything after it compares strings. */
#pragma once

#include "policy/policy.h"
#include "util/error.h"

struct resolve_env {
	const char *home;   /* $HOME; NULL: "~" entries are an error */
	const char *tmpdir; /* $TMPDIR or NULL */
	/* The -C directory (or the process cwd); must exist. A relative one is
	 * taken relative to the process's working directory. */
	const char *cwd;
	/* Extra roots from -w/--workspace, as given: "~" is expanded, a relative
	 * one is taken relative to CWD. NULL-terminated; may be NULL. */
	char *const *workspace_roots;
};

/* Resolves profile P. On success *RET gets the policy (its `warnings` hold
 * one line each for what was skipped) and 0 is returned. On failure returns
 * -errno and fills RETERR with the place in the config when the error is
 * about an entry: a relative path, a glob on a read or write entry, a
 * malformed glob, "~" without $HOME, a missing working directory, or a rule
 * that mounts cannot enforce because it goes through a symlink the sandboxed
 * command could replace. */
int policy_resolve(const struct profile *p, const struct resolve_env *env, struct policy **ret,
		   struct error *reterr);
