/* The Linux mount plan (DESIGN.md §4): an ordered list of operations built
 * from a resolved policy, before anything is executed. Backends only
 * serialise it (bwrap argv) or perform it (builtin launcher); neither makes
 * policy decisions of its own. Building a plan reads the filesystem (stat,
 * directory scans for deny globs and host sockets) but changes nothing. */
#pragma once

#include <stdint.h>
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
	/* The ops below come only from `cordon bwrap` (bubblewrap's options);
	 * plan_build never makes them. */
	MOUNT_DIR,          /* create the directory dest (mode); an existing one is kept */
	MOUNT_FILE,         /* create the file dest (mode) with the content read from fd */
	MOUNT_BIND_DATA,    /* a file (mode) with the content read from fd, bound on dest */
	MOUNT_RO_BIND_DATA, /* the same, bound read-only */
	MOUNT_CHMOD,        /* chmod an existing dest to mode */
	MOUNT_MQUEUE,       /* a POSIX message queue filesystem on dest */
	_MOUNT_OP_MAX,
};

struct mount_op {
	enum mount_op_type type;
	char *src;  /* MOUNT_BIND, MOUNT_RO_BIND */
	char *dest;
	mode_t mode; /* MOUNT_TMPFS */
	char *why;  /* one phrase for `cordon explain`: "deny /home/u/.ssh", "protect .git" */
	/* Set only by `cordon bwrap`; plan_build leaves them zero. */
	int fd;             /* MOUNT_FILE, MOUNT_BIND_DATA, MOUNT_RO_BIND_DATA: the content */
	size_t size;        /* MOUNT_TMPFS: size in bytes; 0 is the kernel's default */
	bool allow_missing; /* the bwrap -try forms: skip the op when src does not exist */
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

/* How the sandboxed process is started, next to the mount plan that builds
 * its filesystem: namespaces, identity, environment, capabilities and
 * descriptors. The builtin backend derives it from a mount plan
 * (sandbox_process_for_plan); `cordon bwrap` parses it from bubblewrap's
 * options. Pure data, like the plan. */
struct sandbox_process {
	/* Namespaces. A new user namespace is also what lets an unprivileged
	 * caller mount anything at all. */
	bool unshare_user, unshare_user_try;
	bool unshare_pid, unshare_ipc, unshare_net, unshare_uts;
	bool unshare_cgroup, unshare_cgroup_try;
	/* No user namespace can be created from inside (bwrap's
	 * --disable-userns), or fail unless that is already so. */
	bool disable_userns, assert_userns_disabled;

	/* Identity inside; SANDBOX_ID_CALLER keeps the caller's. */
	uid_t uid;
	gid_t gid;
	char *hostname; /* with unshare_uts; NULL keeps the host's */

	bool new_session;     /* setsid(): no TIOCSTI into the caller's terminal */
	bool die_with_parent; /* the sandbox dies with its launcher */
	bool as_pid_1;        /* no init process: the command is PID 1 */
	/* Capabilities the command keeps, as a bit mask over capability
	 * numbers; only meaningful with caps_set (bwrap's --cap-add and
	 * --cap-drop). Without caps_set a caller that is root keeps its own and
	 * everybody else has none. */
	bool caps_set;
	uint64_t caps;

	/* The command's whole environment ("NAME=VALUE"); NULL means cordon's
	 * own. PWD is set to the working directory in either case. */
	char **env;
	char *argv0; /* argv[0] for the command, NULL: the command's name */

	/* Descriptors of bwrap's protocol; -1 when not used. */
	int info_fd, json_status_fd, sync_fd, block_fd, userns_block_fd;
	int *seccomp_fds; /* raw BPF programs, applied in order before exec */
	size_t n_seccomp_fds;
	char **lock_files; /* locked (F_RDLCK) by the sandbox's init while it runs */
	/* Pass the caller's other descriptors to the command, as bwrap does.
	 * cordon run does not: an inherited directory descriptor would be a
	 * way around every mount. */
	bool keep_fds;
};

#define SANDBOX_ID_CALLER ((uid_t)-1)

void sandbox_process_init(struct sandbox_process *p);
void sandbox_process_done(struct sandbox_process *p);

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
/* Appends an op (copies SRC and DEST) and returns it, for parsers of other
 * plan syntaxes (`cordon bwrap`). */
struct mount_op *mount_plan_add(struct mount_plan *m, enum mount_op_type type, const char *src,
				const char *dest, mode_t mode);
