#include "linux/bwrap_argv.h"
#include "util/strv.h"

size_t bwrap_count_empty_files(const struct mount_plan *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_ops; i++)
		n += m->ops[i].type == MOUNT_EMPTY_FILE;
	return n;
}

static void push_fd(char ***v, const char *opt, int fd)
{
	strv_push(v, opt);
	strv_pushf(v, "%d", fd);
}

char **bwrap_argv_build(const char *bwrap, const struct mount_plan *m, const struct bwrap_fds *fds,
			char *const *command)
{
	char **v = NULL;
	size_t empty = 0;

	strv_push(&v, bwrap);
	/* Namespaces first: they are flags, order-independent for bwrap.
	 * A new user namespace also as root, so that root needs no ambient
	 * CAP_SYS_ADMIN and its capabilities end with the sandbox. */
	strv_push(&v, "--unshare-user");
	strv_push(&v, "--unshare-pid");
	strv_push(&v, "--unshare-ipc");
	if (m->unshare_net)
		strv_push(&v, "--unshare-net");
	/* setsid(): a process in the user's terminal session could push input
	 * into it with TIOCSTI. */
	strv_push(&v, "--new-session");
	strv_push(&v, "--die-with-parent");
	/* Without this, bwrap started by root keeps every capability inside
	 * the new user namespace. */
	strv_push(&v, "--cap-drop");
	strv_push(&v, "ALL");

	for (size_t i = 0; i < m->n_ops; i++) {
		const struct mount_op *op = &m->ops[i];
		switch (op->type) {
		case MOUNT_TMPFS:
			if (op->mode != 0755) {
				strv_push(&v, "--perms");
				strv_pushf(&v, "%04o", (unsigned)op->mode);
			}
			strv_push(&v, "--tmpfs");
			strv_push(&v, op->dest);
			break;
		case MOUNT_BIND:
			strv_push(&v, "--bind");
			strv_push(&v, op->src);
			strv_push(&v, op->dest);
			break;
		case MOUNT_RO_BIND:
			strv_push(&v, "--ro-bind");
			strv_push(&v, op->src);
			strv_push(&v, op->dest);
			break;
		case MOUNT_DEV_BIND:
			strv_push(&v, "--dev-bind");
			strv_push(&v, op->src);
			strv_push(&v, op->dest);
			break;
		case MOUNT_DEV:
			strv_push(&v, "--dev");
			strv_push(&v, op->dest);
			break;
		case MOUNT_PROC:
			strv_push(&v, "--proc");
			strv_push(&v, op->dest);
			break;
		case MOUNT_EMPTY_FILE:
			/* bwrap copies the fd's content (none) into a file of its
			 * own tmpfs and binds that read-only; it closes the fd
			 * afterwards, so each use needs a descriptor of its own. */
			strv_push(&v, "--perms");
			strv_pushf(&v, "%04o", (unsigned)op->mode);
			push_fd(&v, "--ro-bind-data", empty < fds->n_empty ? fds->empty[empty] : -1);
			strv_push(&v, op->dest);
			empty++;
			break;
		case MOUNT_SYMLINK:
			strv_push(&v, "--symlink");
			strv_push(&v, op->src);
			strv_push(&v, op->dest);
			break;
		case MOUNT_REMOUNT_RO:
			strv_push(&v, "--remount-ro");
			strv_push(&v, op->dest);
			break;
		default:
			break;
		}
	}

	if (m->chdir) {
		strv_push(&v, "--chdir");
		strv_push(&v, m->chdir);
	}
	STRV_FOREACH (e, m->setenv) {
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		strv_push(&v, "--setenv");
		strv_consume(&v, xstrndup(*e, (size_t)(eq - *e)));
		strv_push(&v, eq + 1);
	}
	/* bwrap applies the filter after building the sandbox, right before
	 * exec, with PR_SET_NO_NEW_PRIVS already set. */
	if (fds->seccomp >= 0)
		push_fd(&v, "--seccomp", fds->seccomp);
	if (fds->json_status >= 0)
		push_fd(&v, "--json-status-fd", fds->json_status);
	/* bwrap reads one byte from it after building the sandbox and before
	 * the command runs: time to attach the network proxy. */
	if (fds->block >= 0)
		push_fd(&v, "--block-fd", fds->block);
	strv_push(&v, "--");
	STRV_FOREACH (c, command)
		strv_push(&v, *c);
	return v;
}
