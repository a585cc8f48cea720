/* The landlock backend's decision, made before anything is enforced: which
 * file hierarchies it grants, what of the resolved policy Landlock cannot
 * express, and what each kernel ABI adds or lacks. Pure: the filesystem
 * facts it needs (does a path exist, what does a deny glob match) come in
 * through `struct landlock_env`, so the unit tests can hand it a fake
 * filesystem. The syscalls are in src/linux/landlock_ruleset.c.
 *
 * Landlock (Documentation/userspace-api/landlock.rst) only ever grants:
 * a rule gives access to a file or to everything beneath a directory, and
 * the access of a path is the union of the rules on it and on its
 * ancestors. So a path the policy makes *less* accessible than one of its
 * ancestors (a read-only `.git` in a writable workspace, a hidden `~/.ssh`
 * under a readable `/`) cannot be enforced: that is a "loss". The backend
 * refuses a policy with losses unless the user accepts them on purpose
 * (--allow-weaker, or `landlock_ignore_carveouts = true`). */
#pragma once

#include "policy/policy.h"
#include "util/error.h"

/* The first ABI of each Landlock feature cordon uses. */
enum {
	LANDLOCK_ABI_FS = 1,        /* Linux 5.13: file hierarchies */
	LANDLOCK_ABI_REFER = 2,     /* 5.19: rename and link across directories */
	LANDLOCK_ABI_TRUNCATE = 3,  /* 6.2: truncate(2), O_TRUNC */
	LANDLOCK_ABI_NET = 4,       /* 6.7: TCP bind and connect, by port */
	LANDLOCK_ABI_IOCTL_DEV = 5, /* 6.10: ioctl(2) on device files */
	LANDLOCK_ABI_SCOPE = 6,     /* 6.12: abstract UNIX sockets, signals */
	LANDLOCK_ABI_AUDIT = 7,     /* 6.15: denials in the audit log */
};

struct landlock_feature {
	unsigned abi;
	const char *name;   /* short, for `cordon doctor --json` */
	const char *kernel; /* the first Linux release with it */
	const char *adds;   /* what it adds, one phrase */
};

/* Every ABI level, oldest first (for `cordon doctor`). */
extern const struct landlock_feature landlock_features[];
extern const size_t landlock_n_features;

struct landlock_env {
	/* Whether PATH (absolute, canonical) exists; a final symlink is not followed. */
	bool (*exists)(void *userdata, const char *path);
	/* The existing paths the deny glob PATTERN matches (as glob_scan()). */
	int (*expand_glob)(void *userdata, const struct policy *p, const char *pattern,
			   char ***ret, struct error *reterr);
	void *userdata;
};

struct landlock_grant {
	char *path;
	enum access access;  /* ACCESS_READ or ACCESS_WRITE */
	bool device;         /* one of the sandbox's devices, granted whatever the policy says */
};

/* A path where Landlock would give more than the policy asks. */
struct landlock_loss {
	char *path;
	enum access want;    /* what the policy asks there */
	enum access granted; /* what Landlock would give */
	char *under;         /* the entry that grants it (an ancestor, or the path itself) */
	enum entry_origin origin;
	char *spec;          /* the entry's spec (HOST_SOCKETS_SPEC_* for host entries) */
	bool glob;           /* a match of the deny glob `pattern` */
	char *pattern;
	bool exists;         /* false: the loss is that the path could be created */
};

struct landlock_plan {
	/* Handle filesystem access at all: false for unrestricted and external
	 * filesystems, where Landlock grants everything anyway. */
	bool restrict_fs;
	struct landlock_grant *grants; /* shallowest first; none is redundant */
	size_t n_grants;
	struct landlock_loss *losses;
	size_t n_losses;

	/* Network and process isolation, for the ABI the plan was built for. */
	bool restrict_tcp;   /* Landlock refuses TCP bind and connect (ABI >= 4, network not on) */
	bool scope_abstract; /* abstract UNIX sockets of outside processes (ABI >= 6) */
	bool scope_signals;  /* signals to outside processes (ABI >= 6) */

	/* The seccomp filter the command runs under (src/linux/seccomp_filter.h). */
	bool deny_inet;
	bool deny_unix;
	bool restrict_extras;
	bool deny_truncate;

	/* What this kernel's ABI cannot do for this policy, one phrase each
	 * ("signals to your other processes (ABI 6)"), and what is refused
	 * instead of being checked; both go into one warning. */
	char **abi_lost;
	char **abi_refused;

	char **setenv; /* "NAME=VALUE" for the command */
};

/* Builds the plan for policy P on a kernel with Landlock ABI (>= 1). Fails
 * only when the environment does (a glob scan) or the working directory is
 * hidden by the policy. Losses are not an error here: the backend decides. */
int landlock_plan_build(const struct policy *p, unsigned abi, const struct landlock_env *env,
			struct landlock_plan **ret, struct error *reterr);
void landlock_plan_free(struct landlock_plan *lp);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct landlock_plan *, landlock_plan_free)
#define _cleanup_landlock_plan_free_ _cleanup_(landlock_plan_freep)

/* "/w/.git (read-only inside writable /w)": one loss, for messages. */
char *landlock_loss_describe(const struct landlock_loss *l);
/* "the first loss and N more", for messages. */
char *landlock_plan_losses_summary(const struct landlock_plan *lp);
/* The one-line refusal for a plan with losses: the first loss, how many
 * more, and which backends can enforce them. */
char *landlock_plan_refusal(const struct landlock_plan *lp);
/* The one-line warning of --allow-weaker: every loss. */
char *landlock_plan_weaker_warning(const struct landlock_plan *lp);
/* The one-line warning about what ABI lacks, or NULL when nothing is lost. */
char *landlock_plan_abi_warning(const struct landlock_plan *lp, unsigned abi);

/* Network proxy mode (DESIGN §2) without a network namespace. The command
 * would have to reach cordon's proxy on a host loopback port and nothing
 * else. Landlock's TCP rules (ABI 4) name a port but no address, so
 * allowing the proxy's port allows that port on every host of the
 * Internet: a command could skip the proxy by connecting to its own server
 * on the same port. UDP and other protocols are not governed by Landlock
 * at all (a seccomp filter would refuse them). Until Landlock can restrict
 * connect(2) by address, the landlock backend refuses proxy mode; the
 * namespace backends run the proxy's listener inside the sandbox's own
 * network namespace instead. Returns 0 when ABI allows it, else
 * -EOPNOTSUPP with *RETERR saying why. */
int landlock_plan_check_proxy(unsigned abi, struct error *reterr);
