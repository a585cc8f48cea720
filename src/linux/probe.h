/* Facts about this machine that decide which backend can enforce a
 * profile: used by `auto` on every run (so each probe says what it costs)
 * and reported by `cordon doctor`. The diagnoses are pure functions of the
 * facts, so they are unit tested with made-up machines. */
#pragma once

#include <stdbool.h>

#include "util/macros.h"

enum wsl_version {
	WSL_NONE,
	WSL_1,
	WSL_2,
	_WSL_MAX,
};

/* Pure: from the contents of /proc/sys/kernel/osrelease and /proc/version
 * (either may be NULL). WSL1 kernels say "Microsoft" (4.4.0-19041-Microsoft),
 * WSL2 kernels "microsoft-standard-WSL2". */
enum wsl_version probe_wsl_classify(const char *osrelease, const char *version);
/* Reads the two files (a few µs). */
enum wsl_version probe_wsl(void);

enum userns_cause {
	USERNS_OK,
	USERNS_WSL1,              /* WSL1 has no Linux kernel, so no namespaces */
	USERNS_NO_KERNEL,         /* EINVAL: built without CONFIG_USER_NS */
	USERNS_MAX_ZERO,          /* user.max_user_namespaces = 0 */
	USERNS_MAX_REACHED,       /* ENOSPC: the limit or the nesting depth is reached */
	USERNS_UNPRIVILEGED_CLONE, /* kernel.unprivileged_userns_clone = 0 (Debian, older Ubuntu) */
	USERNS_APPARMOR,          /* kernel.apparmor_restrict_unprivileged_userns = 1 */
	USERNS_SECCOMP,           /* EPERM with the sysctls allowing it: a seccomp filter */
	USERNS_OTHER,
	_USERNS_CAUSE_MAX,
};

/* The inputs of the diagnosis. */
struct userns_facts {
	int err;           /* errno of clone(CLONE_NEWUSER); 0 when it worked */
	bool caps_denied;  /* created, but no capability inside it (AppArmor's profile) */
	long max_user_namespaces;       /* -1: unknown */
	long unprivileged_userns_clone; /* -1: no such sysctl */
	long apparmor_restrict;         /* -1: no such sysctl */
	int seccomp_mode;               /* the Seccomp: field of /proc/self/status; -1 unknown */
	bool root;
	enum wsl_version wsl;
};

struct userns_status {
	enum userns_cause cause;
	int err;
	char *message; /* what is wrong, one phrase; NULL when USERNS_OK */
	char *fix;     /* what to do about it; NULL when nothing can be done here */
};

const char *userns_cause_to_string(enum userns_cause c);
/* Pure: the cause of a refused user namespace, with the fix. */
void probe_userns_diagnose(const struct userns_facts *f, struct userns_status *ret);
/* Tries to create a user namespace in a short-lived child sharing cordon's
 * memory (clone(CLONE_NEWUSER | CLONE_VM | CLONE_VFORK): about 50 µs), and
 * diagnoses a refusal from the sysctls. */
void probe_userns(struct userns_status *ret);
void userns_status_done(struct userns_status *s);

struct seccomp_facts {
	bool available;    /* the kernel has seccomp filters */
	int mode;          /* ours now: 0 none, 1 strict, 2 filtered (a container, a sandbox) */
	unsigned filters;  /* how many filters we are already under */
};
void probe_seccomp(struct seccomp_facts *ret);

/* Whether a fresh /proc can be mounted in a new user, mount and pid
 * namespace, as the namespace backends do. Forks twice; for `doctor`.
 * Returns 0, or -errno of the step that failed (*RET_STEP names it). */
int probe_proc_mount(const char **ret_step);

/* Whether PATH is a set-user-ID root program (a setuid bwrap makes its own
 * namespaces, whatever the sysctls say to everyone else). */
bool probe_setuid_root(const char *path);

/* Runs ARGV (argv[0] a path) with stdin from /dev/null and returns what
 * it wrote on stdout and stderr (at most 64 KiB) and its wait status. For
 * doctor: `bwrap --version`, `bwrap --help`, a test sandbox. */
int probe_run(char *const *argv, char **ret_output, int *ret_status);
