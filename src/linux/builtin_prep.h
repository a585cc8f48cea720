/* What the launcher hands the builtin sandbox's child: everything computed
 * before the clone (builtin_exec.c), read-only for the child
 * (builtin_child.c), which must neither allocate nor format. Internal to
 * those two files. */
#pragma once

#include <linux/filter.h>

#include "linux/builtin_exec.h"
#include "linux/rootfs.h"

struct builtin_prep {
	const struct builtin_spec *spec;
	char **owned; /* strings the fields below point into, freed with the prep */

	struct rootfs_op *ops;
	size_t n_ops;
	bool self_bind; /* no op mounts on the root first: bind /newroot on itself */

	unsigned long clone_flags;
	bool new_userns;  /* CLONE_NEWUSER */
	bool nest_userns; /* a second user namespace after the mounts */
	char uid_map[64], gid_map[64];   /* the first: caller -> ns_uid */
	char uid_map2[64], gid_map2[64]; /* the second: ns_uid -> sandbox uid */
	bool need_init;   /* an init process stands between launcher and command */
	bool parallel_netns; /* CLONE_NEWNET is left to a helper (netns_lo.h) */

	bool set_caps;     /* capset() the command's sets (bwrap skips it for root) */
	bool drop_bounding;
	uint64_t keep_caps;
	const char *host_tty; /* "/oldroot/dev/pts/N", for /dev/console */

	/* The working directory and PWD: CHDIR when set, else the first of
	 * OLD_CWD, HOME, "/" that exists inside (bwrap's rule). */
	const char *chdir;
	const char *old_cwd;
	const char *home;
	char *pwd[3]; /* "PWD=" + chdir or old_cwd, + home, "PWD=/" */
	char **envp;
	size_t pwd_slot; /* envp[pwd_slot] is the PWD entry */
	const char *file; /* what to exec (looked up in envp's PATH) */
	char **argv;

	const struct sock_fprog *progs; /* applied in order, right before exec */
	size_t n_progs;
	struct sock_fprog *owned_progs;

	int report_w;  /* write end of the report pipe */
	int status_w;  /* write end init reports the exit code on, or -1 */
	int release_r; /* read end the command waits on, or -1 */
	int setup_r;   /* read end the child waits on before writing its maps, or -1 */
	int netns_sock;   /* the child's end of the helper's socket, or -1 */
	int netns_helper_sock; /* the helper's end (the launcher's until it forks), or -1 */
	bool classic_mounts;
};

/* builtin_prep.c: the configure step, and its undoing. */
int builtin_prepare(const struct builtin_spec *s, struct builtin_prep **ret, struct error *reterr);
void builtin_prep_free(struct builtin_prep *p);
/* builtin_child.c: the enforce step, in the cloned child. */
_noreturn_ void builtin_child_main(const struct builtin_prep *p);
