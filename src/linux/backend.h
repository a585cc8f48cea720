/* The contract between `cordon run` and the backends that enforce a
 * resolved policy (DESIGN.md §5). A backend either enforces the whole
 * policy or refuses with an error that says why: it never runs the command
 * with less isolation than asked. */
#pragma once

#include <sys/types.h>

#include "policy/policy.h"
#include "util/error.h"

enum backend_kind {
	BACKEND_AUTO,
	BACKEND_BWRAP,
	BACKEND_BUILTIN,
	BACKEND_LANDLOCK,
	_BACKEND_MAX,
	_BACKEND_INVALID = -EINVAL,
};

const char *backend_kind_to_string(enum backend_kind k);
enum backend_kind backend_kind_from_string(const char *s);

/* What network proxy mode needs from a backend that gives the command its
 * own network namespace (filled by src/proxy, NULL otherwise). */
struct sandbox_network_hooks {
	char **setenv; /* "NAME=VALUE" for the command: HTTP_PROXY and friends */
	/* Called once the sandbox's namespaces exist and before the command
	 * starts; PID is the host pid of a process inside them. The command
	 * must not start before this returns 0; on failure the launch stops. */
	int (*attach)(void *userdata, pid_t pid, struct error *reterr);
	void *userdata;
};

struct sandbox_request {
	const struct policy *policy;
	char *const *command;
	double timeout;      /* seconds; 0 = none */
	bool no_proc;        /* --no-proc */
	bool allow_weaker;   /* --allow-weaker: landlock may drop carve-outs it cannot express */
	const char *ripgrep; /* `rg` for deny globs, or NULL for the built-in walker */
	char *const *untrusted_dirs; /* never take a helper binary from below these */
	const char *bwrap;   /* the bwrap to run, when auto's check found it; else looked up */
	const struct sandbox_network_hooks *network; /* NETWORK_PROXY only */
};

/* Each returns 0 and sets *RET_STATUS to the status cordon exits with (the
 * command's, 124 on timeout), or -errno with *RETERR set when the sandbox
 * could not be set up (cordon exits 125). -BACKEND_ENOTSTARTED means the
 * launcher itself failed before the command started: nothing ran, and
 * `auto` may try the next backend. Any other error is about the policy or
 * the request and would be the same on every backend. */
#define BACKEND_ENOTSTARTED ECHILD

int backend_bwrap_run(const struct sandbox_request *req, int *ret_status, struct error *reterr);
int backend_builtin_run(const struct sandbox_request *req, int *ret_status, struct error *reterr);
int backend_landlock_run(const struct sandbox_request *req, int *ret_status, struct error *reterr);
/* The default: bwrap, else builtin, else landlock (backend_auto.c). */
int backend_auto_run(const struct sandbox_request *req, int *ret_status, struct error *reterr);

/* What auto's checks say about each backend, in its order of preference,
 * without running anything (for `cordon doctor`). A usable bwrap can still
 * fail to set up its sandbox at run time; auto then moves on. */
struct backend_verdict {
	enum backend_kind kind;
	bool usable;
	char *why; /* why not; owned */
};
#define BACKEND_AUTO_STEPS 3
size_t backend_auto_check(const struct sandbox_request *req, struct backend_verdict *ret,
			  size_t n);

struct landlock_plan;
/* The landlock backend's steps before launch, for auto and doctor: probe
 * the ABI and build the plan (refusing proxy mode); refuse a plan with
 * carve-outs Landlock cannot express unless the request accepts them. */
int backend_landlock_prepare(const struct sandbox_request *req, int *ret_abi,
			     struct landlock_plan **ret, struct error *reterr);
int backend_landlock_check(const struct sandbox_request *req, const struct landlock_plan *lp,
			   struct error *reterr);

struct mount_plan;
/* For `cordon explain --format bwrap`: the bwrap run would use, and its plan. */
int backend_bwrap_find(char *const *untrusted_dirs, char **ret, struct error *reterr);
int backend_bwrap_plan(const struct sandbox_request *req, struct mount_plan **ret,
		       struct error *reterr);

struct host_targets;
/* The plan's warnings, one line each on stderr. */
void backend_print_warnings(const struct mount_plan *plan);
/* The first steps of the builtin backend: the mount plan for REQ, its
 * warnings printed, and the placeholders it needs made and held (release
 * them with host_targets_release). The bwrap backend makes them while
 * bwrap starts instead (backend_bwrap.c). */
int backend_plan_and_hold(const struct sandbox_request *req, struct mount_plan **ret_plan,
			  struct host_targets **ret_targets, struct error *reterr);
/* The end of a run that --timeout stopped: its line on stderr, and the
 * status (124). */
int backend_timed_out(const struct sandbox_request *req);
