/* The Linux mount plan (DESIGN.md §4): an ordered list of operations built
 * from a resolved policy, before anything is executed. Backends only
 * serialise it (bwrap argv) or perform it (builtin launcher); neither makes
 * policy decisions of its own. Building a plan reads the filesystem (stat,
 * directory scans for deny globs and host sockets) but changes nothing. */
#pragma once

#include <sys/types.h>

#include "policy/policy.h"
#include "util/error.h"

enum mount_op_type {
	MOUNT_TMPFS,      /* a fresh tmpfs on dest (mode): the restricted base, or a mask */
	MOUNT_BIND,       /* bind src on dest, writable */
	MOUNT_RO_BIND,    /* bind src on dest, read-only */
	MOUNT_DEV_BIND,   /* bind src on dest with device access (unrestricted profiles) */
	MOUNT_DEV,        /* a minimal /dev: null zero full random urandom tty, devpts, shm */
	MOUNT_PROC,       /* a fresh /proc for the new pid namespace */
	MOUNT_EMPTY_FILE, /* an empty read-only regular file on dest: a denied file */
	MOUNT_SYMLINK,    /* a symlink on dest pointing to src */
	MOUNT_REMOUNT_RO, /* make the mount on dest read-only (not recursive) */
	_MOUNT_OP_MAX,
};

struct mount_op {
	enum mount_op_type type;
	char *src;  /* MOUNT_BIND, MOUNT_RO_BIND */
	char *dest;
	mode_t mode; /* MOUNT_TMPFS */
	char *why;  /* one phrase for `cordon explain`: "deny /home/u/.ssh", "protect .git" */
};

/* A directory the launcher must create on the host before it starts, so
 * that a mask has somewhere to be mounted: the first missing component of a
 * path that must not become creatable inside a writable root. cordon
 * creates it, and removes it after the run if it is still the empty
 * directory it made (src/linux/host_targets.c). */
struct host_target {
	char *path;
	char *why;
};

struct mount_plan {
	struct mount_op *ops;
	size_t n_ops;

	struct host_target *targets;
	size_t n_targets;

	char *chdir;      /* canonical working directory inside the sandbox */
	bool unshare_net; /* false only with the network on */
	bool proc;        /* mount a fresh /proc (MOUNT_PROC is among the ops) */

	/* seccomp, applied last in the child (DESIGN.md §4 step 9) */
	bool deny_inet;       /* network off: only AF_UNIX sockets */
	bool restrict_extras; /* filesystem restricted: no vsock, io_uring, ptrace, process_vm_* */

	char **setenv; /* "NAME=VALUE" pairs for the child */
	char **warnings;
};

struct plan_options {
	bool no_proc;
	/* Deny globs: the scan tool ("rg" found on PATH, or NULL for the
	 * built-in walker) and the largest number of matches accepted before
	 * the launch is refused. */
	const char *ripgrep;
	unsigned max_glob_matches;
};

#define PLAN_DEFAULT_MAX_GLOB_MATCHES 4096u

int plan_build(const struct policy *p, const struct plan_options *o, struct mount_plan **ret,
	       struct error *reterr);
void mount_plan_free(struct mount_plan *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct mount_plan *, mount_plan_free)
#define _cleanup_mount_plan_free_ _cleanup_(mount_plan_freep)

const char *mount_op_type_to_string(enum mount_op_type t);
