/* The child's half of the setup report (see setup_report.h). */
#include "linux/setup_report.h"
#include "util/strv.h"

_noreturn_ void setup_report_fail(int fd, enum setup_step step, int error, int op, int detail)
{
	struct setup_report rep = { .step = step, .error = error, .op = op, .detail = detail };

	/* One write of a few bytes to a pipe is atomic. If the launcher is
	 * gone there is nobody to tell. */
	if (fd >= 0) {
		ssize_t n = write(fd, &rep, sizeof(rep));
		(void)n;
	}
	_exit(125);
}

/* The launcher's half: one line for the user. */

static bool is_bind(enum mount_op_type t)
{
	return t == MOUNT_BIND || t == MOUNT_RO_BIND || t == MOUNT_DEV_BIND;
}

/* What an op does, in a phrase with one %s for its destination. */
static const char *op_words(enum mount_op_type t, bool bw)
{
	switch (t) {
	case MOUNT_TMPFS:
	case MOUNT_DEV:
		return bw ? "Can't mount tmpfs on %s" : "cannot mount a tmpfs on %s";
	case MOUNT_PROC:
		return bw ? "Can't mount proc on %s" : "cannot mount proc on %s";
	case MOUNT_MQUEUE:
		return bw ? "Can't mount mqueue on %s" : "cannot mount mqueue on %s";
	case MOUNT_EMPTY_FILE:
	case MOUNT_BIND_DATA:
	case MOUNT_RO_BIND_DATA:
		return bw ? "Can't bind mount data on %s" : "cannot bind the masking file on %s";
	case MOUNT_SYMLINK:
		return bw ? "Can't make symlink at %s" : "cannot create the symlink %s";
	case MOUNT_CHMOD:
		return bw ? "Can't chmod %s" : "cannot chmod %s";
	case MOUNT_REMOUNT_RO:
		return bw ? "Can't remount readonly on %s" : "cannot make %s read-only";
	case MOUNT_FILE:
		return bw ? "Can't create file %s" : "cannot create %s";
	case MOUNT_DIR:
		return bw ? "Can't mkdir %s" : "cannot create the directory %s";
	default:
		return "%s";
	}
}

static const char *step_words(enum setup_step s, bool bw)
{
	switch (s) {
	case SETUP_STEP_PARENT_GONE:
		return bw ? "prctl(PR_SET_PDEATHSIG)" : "cannot tie the sandbox to cordon's life";
	case SETUP_STEP_WAIT_PARENT:
		return "waiting for the launcher";
	case SETUP_STEP_ID_MAPS:
		return bw ? "setting up uid map" : "cannot write the user namespace's uid/gid maps";
	case SETUP_STEP_LOOPBACK:
		return bw ? "loopback: Failed to bring up lo" : "cannot bring up the loopback interface";
	case SETUP_STEP_NETNS:
		return bw ? "Can't create the network namespace" :
			    "cannot create the network namespace";
	case SETUP_STEP_HOSTNAME:
		return bw ? "Can't set hostname" : "cannot set the host name";
	case SETUP_STEP_PROPAGATION:
		return bw ? "Failed to make / slave" : "cannot make the sandbox's mounts slaves";
	case SETUP_STEP_BASE:
		return bw ? "Failed to set up the temporary root" :
			    "cannot set up the scratch root (a tmpfs on /tmp, pivot_root)";
	case SETUP_STEP_PIVOT:
		return bw ? "pivot_root(/newroot)" : "cannot pivot into the new root";
	case SETUP_STEP_USERNS2:
		return bw ? "unshare user ns" : "cannot create the inner user namespace";
	case SETUP_STEP_DISABLE_USERNS:
		return bw ? "sysctl user.max_user_namespaces = 1" :
			    "cannot limit user namespaces (user.max_user_namespaces)";
	case SETUP_STEP_USERNS_STILL_ALLOWED:
		return "creation of new user namespaces was not disabled as requested";
	case SETUP_STEP_CAPS:
		return bw ? "capset failed" : "cannot drop capabilities";
	case SETUP_STEP_BLOCK_FD:
		return "reading --block-fd";
	case SETUP_STEP_SETSID:
		return "setsid";
	case SETUP_STEP_FORK:
		return bw ? "Can't fork for pid 1" : "cannot fork the command";
	case SETUP_STEP_NO_NEW_PRIVS:
		return bw ? "prctl(PR_SET_NO_NEW_PRIVS) failed" : "cannot set no_new_privs";
	case SETUP_STEP_SECCOMP:
		return bw ? "prctl(PR_SET_SECCOMP)" : "cannot install the seccomp filter";
	default:
		return "sandbox setup failed";
	}
}

void setup_report_describe(const struct setup_report *rep, const struct mount_plan *plan,
			   const struct sandbox_process *proc, const char *file, const char *chdir,
			   bool bw, char *buf, size_t size)
{
	static const char *const devnames[] = { "null",	  "zero",   "full", "random",
						"urandom", "tty",    "stdin", "stdout",
						"stderr",  "fd",     "core", "shm",
						"pts",	   "ptmx",   "console" };
	static const char *const covered[] = { "sys", "sysrq-trigger", "irq", "bus" };
	const struct mount_op *op =
		rep->op >= 0 && (size_t)rep->op < plan->n_ops ? &plan->ops[rep->op] : NULL;
	const char *err = strerror(rep->error);
	const char *dest = op ? op->dest : "?";
	char what[1024];

	switch (rep->step) {
	case SETUP_STEP_OP_PARENTS:
		snprintf(buf, size, bw ? "Can't mkdir parents for %s: %s" :
					 "cannot create the parent directories of %s: %s",
			 dest, err);
		return;
	case SETUP_STEP_OP_TARGET:
		snprintf(buf, size, bw ? "Can't create file at %s: %s" :
					 "cannot create the mount point %s: %s",
			 dest, err);
		return;
	case SETUP_STEP_OP_DATA:
		snprintf(buf, size, bw ? "Can't write data to file %s: %s" :
					 "cannot write the content of %s: %s",
			 dest, err);
		return;
	case SETUP_STEP_OP:
		if (!op)
			break;
		if (is_bind(op->type)) {
			snprintf(buf, size, bw ? "Can't bind mount %s on %s: %s" : "cannot bind %s on %s: %s",
				 op->src, dest, err);
			return;
		}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(what, sizeof(what), op_words(op->type, bw), dest);
#pragma GCC diagnostic pop
		snprintf(buf, size, "%s: %s", what, err);
		return;
	case SETUP_STEP_DEV_NODE:
		snprintf(buf, size, bw ? "Can't create %s/%s: %s" : "cannot create %s/%s: %s", dest,
			 rep->detail >= 0 && (size_t)rep->detail < ELEMENTSOF(devnames) ?
				 devnames[rep->detail] :
				 "?",
			 err);
		return;
	case SETUP_STEP_PROC_COVER:
		snprintf(buf, size, bw ? "Can't remount %s/%s read-only: %s" :
					 "cannot make %s/%s read-only: %s",
			 dest,
			 rep->detail >= 0 && (size_t)rep->detail < ELEMENTSOF(covered) ?
				 covered[rep->detail] :
				 "?",
			 err);
		return;
	case SETUP_STEP_CHDIR:
		snprintf(buf, size, bw ? "Can't chdir to %s: %s" : "cannot change to %s: %s",
			 chdir ? chdir : "?", err);
		return;
	case SETUP_STEP_LOCK_FILE:
		snprintf(buf, size, bw ? "Unable to lock file %s: %s" : "cannot lock %s: %s",
			 rep->detail >= 0 && (size_t)rep->detail < strv_length(proc->lock_files) ?
				 proc->lock_files[rep->detail] :
				 "?",
			 err);
		return;
	case SETUP_STEP_EXEC:
		snprintf(buf, size, bw ? "execvp %s: %s" : "cannot execute %s: %s", file, err);
		return;
	case SETUP_STEP_USERNS_STILL_ALLOWED:
		snprintf(buf, size, "%s", step_words(rep->step, bw));
		return;
	default:
		break;
	}
	snprintf(buf, size, "%s: %s", step_words(rep->step, bw), err);
}
