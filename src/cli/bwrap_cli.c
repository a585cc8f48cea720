/* bubblewrap's command-line syntax, parsed into a mount plan and process
 * options (see bwrap_cli.h). Pure. */
#include <ctype.h>
#include <strings.h>

#include "cli/bwrap_cli.h"
#include "util/strv.h"

/* bwrap refuses more than this many arguments in all, --args files
 * included: a guard against runaway argument files. */
#define MAX_ARGS 9000u
/* A tmpfs size above half the address space trips kernel limits. */
#define MAX_TMPFS_BYTES ((size_t)(SIZE_MAX >> 1))

enum opt {
	O_HELP, O_VERSION, O_ARGS,
	O_UNSHARE_ALL, O_UNSHARE_USER, O_UNSHARE_USER_TRY, O_UNSHARE_IPC, O_UNSHARE_PID,
	O_UNSHARE_NET, O_UNSHARE_UTS, O_UNSHARE_CGROUP, O_UNSHARE_CGROUP_TRY, O_SHARE_NET,
	O_DISABLE_USERNS, O_ASSERT_USERNS_DISABLED,
	O_UID, O_GID, O_HOSTNAME, O_CHDIR, O_CLEARENV, O_SETENV, O_UNSETENV,
	O_LOCK_FILE, O_SYNC_FD,
	O_BIND, O_BIND_TRY, O_DEV_BIND, O_DEV_BIND_TRY, O_RO_BIND, O_RO_BIND_TRY, O_REMOUNT_RO,
	O_PROC, O_DEV, O_TMPFS, O_MQUEUE, O_DIR, O_FILE, O_BIND_DATA, O_RO_BIND_DATA, O_SYMLINK,
	O_SECCOMP, O_ADD_SECCOMP_FD, O_BLOCK_FD, O_USERNS_BLOCK_FD, O_INFO_FD, O_JSON_STATUS_FD,
	O_NEW_SESSION, O_DIE_WITH_PARENT, O_AS_PID_1, O_CAP_ADD, O_CAP_DROP,
	O_PERMS, O_SIZE, O_CHMOD, O_ARGV0,
	O_UNSUPPORTED,
};

static const struct option_def {
	const char *name;
	enum opt id;
	int nargs;
	const char *help; /* NULL: not listed by --help */
	const char *args;
} options[] = {
	{ "--help", O_HELP, 0, "print this help", "" },
	{ "--version", O_VERSION, 0, "print the version", "" },
	{ "--args", O_ARGS, 1, "read more arguments, NUL-separated, from FD", "FD" },
	{ "--argv0", O_ARGV0, 1, "run COMMAND with VALUE as its argv[0]", "VALUE" },
	{ "--unshare-all", O_UNSHARE_ALL, 0, "new namespaces of every kind cordon knows (the network too)", "" },
	{ "--share-net", O_SHARE_NET, 0, "keep the host's network (after --unshare-all)", "" },
	{ "--unshare-user", O_UNSHARE_USER, 0, "new user namespace (implied for a caller that is not root)", "" },
	{ "--unshare-user-try", O_UNSHARE_USER_TRY, 0, "new user namespace when the kernel allows one", "" },
	{ "--unshare-ipc", O_UNSHARE_IPC, 0, "new IPC namespace", "" },
	{ "--unshare-pid", O_UNSHARE_PID, 0, "new pid namespace", "" },
	{ "--unshare-net", O_UNSHARE_NET, 0, "new network namespace (loopback only)", "" },
	{ "--unshare-uts", O_UNSHARE_UTS, 0, "new UTS namespace (host name)", "" },
	{ "--unshare-cgroup", O_UNSHARE_CGROUP, 0, "new cgroup namespace", "" },
	{ "--unshare-cgroup-try", O_UNSHARE_CGROUP_TRY, 0, "new cgroup namespace when the kernel has them", "" },
	{ "--disable-userns", O_DISABLE_USERNS, 0, "the command may not create user namespaces", "" },
	{ "--assert-userns-disabled", O_ASSERT_USERNS_DISABLED, 0, "fail unless creating user namespaces is impossible inside", "" },
	{ "--uid", O_UID, 1, "uid inside (needs a new user namespace)", "UID" },
	{ "--gid", O_GID, 1, "gid inside (needs a new user namespace)", "GID" },
	{ "--hostname", O_HOSTNAME, 1, "host name inside (needs --unshare-uts)", "NAME" },
	{ "--chdir", O_CHDIR, 1, "start COMMAND in DIR", "DIR" },
	{ "--clearenv", O_CLEARENV, 0, "start from an empty environment", "" },
	{ "--setenv", O_SETENV, 2, "set an environment variable", "VAR VALUE" },
	{ "--unsetenv", O_UNSETENV, 1, "remove an environment variable", "VAR" },
	{ "--lock-file", O_LOCK_FILE, 1, "hold a read lock on DEST while the sandbox runs", "DEST" },
	{ "--sync-fd", O_SYNC_FD, 1, "keep FD open while the sandbox runs", "FD" },
	{ "--bind", O_BIND, 2, "bind the host's SRC on DEST", "SRC DEST" },
	{ "--bind-try", O_BIND_TRY, 2, "--bind, skipped when SRC does not exist", "SRC DEST" },
	{ "--dev-bind", O_DEV_BIND, 2, "--bind, device nodes usable", "SRC DEST" },
	{ "--dev-bind-try", O_DEV_BIND_TRY, 2, "--dev-bind, skipped when SRC does not exist", "SRC DEST" },
	{ "--ro-bind", O_RO_BIND, 2, "bind the host's SRC on DEST, read-only (submounts too)", "SRC DEST" },
	{ "--ro-bind-try", O_RO_BIND_TRY, 2, "--ro-bind, skipped when SRC does not exist", "SRC DEST" },
	{ "--remount-ro", O_REMOUNT_RO, 1, "make the mount on DEST read-only (not its submounts)", "DEST" },
	{ "--exec-label", O_UNSUPPORTED, 1, NULL, NULL },
	{ "--file-label", O_UNSUPPORTED, 1, NULL, NULL },
	{ "--proc", O_PROC, 1, "a procfs on DEST", "DEST" },
	{ "--dev", O_DEV, 1, "a minimal /dev on DEST", "DEST" },
	{ "--tmpfs", O_TMPFS, 1, "a tmpfs on DEST", "DEST" },
	{ "--mqueue", O_MQUEUE, 1, "a POSIX message queue filesystem on DEST", "DEST" },
	{ "--dir", O_DIR, 1, "create the directory DEST", "DEST" },
	{ "--file", O_FILE, 2, "create the file DEST with what FD holds", "FD DEST" },
	{ "--bind-data", O_BIND_DATA, 2, "bind a file holding what FD holds on DEST", "FD DEST" },
	{ "--ro-bind-data", O_RO_BIND_DATA, 2, "the same, read-only", "FD DEST" },
	{ "--symlink", O_SYMLINK, 2, "create the symlink DEST pointing to SRC", "SRC DEST" },
	{ "--seccomp", O_SECCOMP, 1, "seccomp program (raw BPF) from FD", "FD" },
	{ "--add-seccomp-fd", O_ADD_SECCOMP_FD, 1, "one more seccomp program from FD (repeatable)", "FD" },
	{ "--block-fd", O_BLOCK_FD, 1, "before COMMAND, wait until FD can be read", "FD" },
	{ "--userns-block-fd", O_USERNS_BLOCK_FD, 1, "before the uid map, wait until FD can be read", "FD" },
	{ "--info-fd", O_INFO_FD, 1, "write the sandbox's pid and namespaces to FD", "FD" },
	{ "--json-status-fd", O_JSON_STATUS_FD, 1, "write the sandbox's status to FD, as JSON lines", "FD" },
	{ "--new-session", O_NEW_SESSION, 0, "a new session (setsid: no TIOCSTI into the terminal)", "" },
	{ "--die-with-parent", O_DIE_WITH_PARENT, 0, "SIGKILL the sandbox when its launcher dies", "" },
	{ "--as-pid-1", O_AS_PID_1, 0, "no init: COMMAND is PID 1", "" },
	{ "--cap-add", O_CAP_ADD, 1, "keep capability CAP inside (or ALL)", "CAP" },
	{ "--cap-drop", O_CAP_DROP, 1, "drop capability CAP inside (or ALL)", "CAP" },
	{ "--perms", O_PERMS, 1, "mode of what the next --tmpfs/--dir/--file/--*bind-data creates", "OCTAL" },
	{ "--size", O_SIZE, 1, "size of the next --tmpfs", "BYTES" },
	{ "--chmod", O_CHMOD, 2, "change the mode of an existing PATH", "OCTAL PATH" },
	{ "--userns", O_UNSUPPORTED, 1, NULL, NULL },
	{ "--userns2", O_UNSUPPORTED, 1, NULL, NULL },
	{ "--pidns", O_UNSUPPORTED, 1, NULL, NULL },
};

static const struct option_def *find_option(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		if (streq(s, options[i].name))
			return &options[i];
	return NULL;
}

bool bwrap_cli_is_option(const char *s)
{
	const struct option_def *o = s ? find_option(s) : NULL;

	return o && o->id != O_HELP && o->id != O_VERSION;
}

void bwrap_cli_usage(FILE *f, const char *argv0)
{
	fprintf(f, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", argv0);
	for (size_t i = 0; i < ELEMENTSOF(options); i++) {
		const struct option_def *o = &options[i];
		char left[64];
		if (!o->help)
			continue;
		snprintf(left, sizeof(left), "%s%s%s", o->name, *o->args ? " " : "", o->args);
		fprintf(f, "    %-28s %s\n", left, o->help);
	}
	fprintf(f, "\ncordon's bubblewrap-compatible front end; unsupported: --userns, --userns2,\n"
		   "--pidns, --exec-label, --file-label.\n");
}

static const char *const cap_names[] = {
	"chown",	    "dac_override",	 "dac_read_search", "fowner",
	"fsetid",	    "kill",		 "setgid",	    "setuid",
	"setpcap",	    "linux_immutable",	 "net_bind_service", "net_broadcast",
	"net_admin",	    "net_raw",		 "ipc_lock",	    "ipc_owner",
	"sys_module",	    "sys_rawio",	 "sys_chroot",	    "sys_ptrace",
	"sys_pacct",	    "sys_admin",	 "sys_boot",	    "sys_nice",
	"sys_resource",	    "sys_time",		 "sys_tty_config",  "mknod",
	"lease",	    "audit_write",	 "audit_control",   "setfcap",
	"mac_override",	    "mac_admin",	 "syslog",	    "wake_alarm",
	"block_suspend",    "audit_read",	 "perfmon",	    "bpf",
	"checkpoint_restore",
};

int bwrap_cap_from_name(const char *name)
{
	char *end;

	if (isdigit((unsigned char)name[0])) {
		unsigned long v = strtoul(name, &end, 10);
		return *end || v >= 64 ? -EINVAL : (int)v;
	}
	if (strncasecmp(name, "cap_", 4) != 0)
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(cap_names); i++)
		if (strcasecmp(name + 4, cap_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

/* The environment, edited in order as bwrap edits its own. */
static void env_unset(char ***env, const char *name)
{
	size_t n = strlen(name), w = 0;
	char **v = *env;

	for (size_t r = 0; v && v[r]; r++) {
		if (strneq(v[r], name, n) && v[r][n] == '=')
			free(v[r]);
		else
			v[w++] = v[r];
	}
	if (v)
		v[w] = NULL;
}

static void env_set(char ***env, const char *name, const char *value)
{
	env_unset(env, name);
	strv_pushf(env, "%s=%s", name, value);
}

struct parser {
	const struct bwrap_cli_env *env;
	struct bwrap_cmdline *out;
	unsigned total;
	int next_perms;  /* -1: none */
	size_t next_size; /* 0: none */
	bool seccomp_set, add_seccomp_used;
};

static int parse_fd(const char *s, int *ret, struct error *reterr)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > INT32_MAX)
		return error_setf(reterr, NULL, 0, 0, "Invalid fd: %s", s);
	*ret = (int)v;
	return 0;
}

static int parse_octal(const char *s, const char *opt, int *ret, struct error *reterr)
{
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 8);

	if (!*s || !end || *end || v > 07777)
		return error_setf(reterr, NULL, 0, 0, "%s takes an octal argument <= 07777", opt);
	*ret = (int)v;
	return 0;
}

static int parse_id(const char *s, const char *what, unsigned *ret, struct error *reterr)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > UINT32_MAX - 1)
		return error_setf(reterr, NULL, 0, 0, "Invalid %s: %s", what, s);
	*ret = (unsigned)v;
	return 0;
}

static void warn_last(struct parser *ps, const char *opt)
{
	strv_pushf(&ps->out->warnings, "Only the last %s option will take effect", opt);
}

static mode_t take_perms(struct parser *ps, mode_t def)
{
	mode_t m = ps->next_perms >= 0 ? (mode_t)ps->next_perms : def;

	ps->next_perms = -1;
	return m;
}

static int set_fd_option(struct parser *ps, const struct option_def *o, const char *arg, int *field,
			 struct error *reterr)
{
	if (*field != -1)
		warn_last(ps, o->name);
	return parse_fd(arg, field, reterr);
}

static int parse_list(struct parser *ps, int argc, char *const *argv, bool in_file, int *consumed,
		      struct error *reterr);

/* --args FD: the arguments in FD are parsed where --args stands. */
static int parse_args_fd(struct parser *ps, const char *arg, struct error *reterr)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_strv_free_ char **v = NULL;
	size_t len = 0;
	int fd, r, used;

	r = parse_fd(arg, &fd, reterr);
	if (r < 0)
		return r;
	if (!ps->env->read_fd || (r = ps->env->read_fd(ps->env->userdata, fd, &data, &len)) < 0)
		return error_setf_errno(reterr, r < 0 ? r : -EBADF, NULL, 0, 0,
					"Can't read --args data: %s", strerror(r < 0 ? -r : EBADF));
	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		size_t n = strnlen(s, len - off);
		if (++ps->total > MAX_ARGS)
			return error_setf(reterr, NULL, 0, 0, "Exceeded maximum number of arguments %u",
					  MAX_ARGS);
		strv_consume(&v, xstrndup(s, n));
		off += n + 1;
	}
	/* Anything after the options in the file (a command) is ignored, as
	 * bwrap ignores it. */
	return parse_list(ps, (int)strv_length(v), v, true, &used, reterr);
}

static int add_bind(struct parser *ps, enum mount_op_type t, bool try_, char *const *a)
{
	struct mount_op *op = mount_plan_add(ps->out->plan, t, a[0], a[1], 0);

	op->allow_missing = try_;
	return 0;
}

static int add_data_op(struct parser *ps, enum mount_op_type t, char *const *a, mode_t def,
		       struct error *reterr)
{
	int fd, r = parse_fd(a[0], &fd, reterr);

	if (r < 0)
		return r;
	struct mount_op *op = mount_plan_add(ps->out->plan, t, NULL, a[1], take_perms(ps, def));
	op->fd = fd;
	return 0;
}

static int apply_cap(struct parser *ps, const char *name, bool add, struct error *reterr)
{
	struct sandbox_process *p = &ps->out->proc;

	if (!p->caps_set) {
		p->caps_set = true;
		p->caps = ps->env->caps;
	}
	if (strcasecmp(name, "ALL") == 0) {
		p->caps = add ? UINT64_MAX : 0;
		return 0;
	}
	int cap = bwrap_cap_from_name(name);
	if (cap < 0)
		return error_setf(reterr, NULL, 0, 0, "unknown cap: %s", name);
	if (add)
		p->caps |= UINT64_C(1) << cap;
	else
		p->caps &= ~(UINT64_C(1) << cap);
	return 0;
}

static int parse_size(struct parser *ps, const char *s, struct error *reterr)
{
	char *end = NULL;
	unsigned long long v;

	if (ps->next_size)
		return error_setf(reterr, NULL, 0, 0, "--size given twice for the same action");
	errno = 0;
	v = strtoull(s, &end, 0);
	/* isdigit on the first character also refuses " -1", which strtoull
	 * would take. */
	if (errno || !isdigit((unsigned char)s[0]) || !end || *end || v == 0)
		return error_setf(reterr, NULL, 0, 0, "--size takes a non-zero number of bytes");
	if (v > MAX_TMPFS_BYTES)
		return error_setf(reterr, NULL, 0, 0, "--size (for tmpfs) is limited to %zu",
				  MAX_TMPFS_BYTES);
	ps->next_size = (size_t)v;
	return 0;
}

static int parse_one(struct parser *ps, const struct option_def *o, char *const *a, bool in_file,
		     struct error *reterr)
{
	struct bwrap_cmdline *out = ps->out;
	struct sandbox_process *p = &out->proc;
	struct mount_plan *m = out->plan;
	struct mount_op *op;
	unsigned id;
	int v, r = 0;

	switch (o->id) {
	case O_HELP:
		out->help = true;
		break;
	case O_VERSION:
		out->version = true;
		break;
	case O_ARGS:
		if (in_file)
			return error_setf(reterr, NULL, 0, 0, "--args not supported in arguments file");
		return parse_args_fd(ps, a[0], reterr);
	case O_ARGV0:
		free(p->argv0);
		p->argv0 = xstrdup(a[0]);
		break;
	case O_UNSHARE_ALL:
		/* The -try forms: kernels without user or cgroup namespaces
		 * still run. */
		p->unshare_user_try = p->unshare_ipc = p->unshare_pid = p->unshare_uts = true;
		p->unshare_cgroup_try = p->unshare_net = true;
		break;
	case O_SHARE_NET:
		p->unshare_net = false;
		break;
	case O_UNSHARE_USER:
		p->unshare_user = true;
		break;
	case O_UNSHARE_USER_TRY:
		p->unshare_user_try = true;
		break;
	case O_UNSHARE_IPC:
		p->unshare_ipc = true;
		break;
	case O_UNSHARE_PID:
		p->unshare_pid = true;
		break;
	case O_UNSHARE_NET:
		p->unshare_net = true;
		break;
	case O_UNSHARE_UTS:
		p->unshare_uts = true;
		break;
	case O_UNSHARE_CGROUP:
		p->unshare_cgroup = true;
		break;
	case O_UNSHARE_CGROUP_TRY:
		p->unshare_cgroup_try = true;
		break;
	case O_DISABLE_USERNS:
		p->disable_userns = true;
		break;
	case O_ASSERT_USERNS_DISABLED:
		p->assert_userns_disabled = true;
		break;
	case O_UID:
		if (p->uid != SANDBOX_ID_CALLER)
			warn_last(ps, o->name);
		r = parse_id(a[0], "uid", &id, reterr);
		if (r >= 0)
			p->uid = (uid_t)id;
		break;
	case O_GID:
		if (p->gid != SANDBOX_ID_CALLER)
			warn_last(ps, o->name);
		r = parse_id(a[0], "gid", &id, reterr);
		if (r >= 0)
			p->gid = (gid_t)id;
		break;
	case O_HOSTNAME:
		if (p->hostname)
			warn_last(ps, o->name);
		free(p->hostname);
		p->hostname = xstrdup(a[0]);
		break;
	case O_CHDIR:
		if (m->chdir)
			warn_last(ps, o->name);
		free(m->chdir);
		m->chdir = xstrdup(a[0]);
		break;
	case O_CLEARENV:
		strv_free(p->env);
		p->env = xcalloc(1, sizeof(char *));
		break;
	case O_SETENV:
		if (!*a[0] || strchr(a[0], '='))
			return error_setf(reterr, NULL, 0, 0, "setenv failed");
		env_set(&p->env, a[0], a[1]);
		break;
	case O_UNSETENV:
		env_unset(&p->env, a[0]);
		break;
	case O_LOCK_FILE:
		strv_push(&p->lock_files, a[0]);
		break;
	case O_SYNC_FD:
		return set_fd_option(ps, o, a[0], &p->sync_fd, reterr);
	case O_BIND:
	case O_BIND_TRY:
		return add_bind(ps, MOUNT_BIND, o->id == O_BIND_TRY, a);
	case O_DEV_BIND:
	case O_DEV_BIND_TRY:
		return add_bind(ps, MOUNT_DEV_BIND, o->id == O_DEV_BIND_TRY, a);
	case O_RO_BIND:
	case O_RO_BIND_TRY:
		return add_bind(ps, MOUNT_RO_BIND, o->id == O_RO_BIND_TRY, a);
	case O_REMOUNT_RO:
		mount_plan_add(m, MOUNT_REMOUNT_RO, NULL, a[0], 0);
		break;
	case O_PROC:
		mount_plan_add(m, MOUNT_PROC, NULL, a[0], 0);
		break;
	case O_DEV:
		mount_plan_add(m, MOUNT_DEV, NULL, a[0], 0);
		break;
	case O_TMPFS:
		/* bwrap's historical 0755, unless --perms said otherwise. */
		op = mount_plan_add(m, MOUNT_TMPFS, NULL, a[0], take_perms(ps, 0755));
		op->size = ps->next_size;
		ps->next_size = 0;
		break;
	case O_MQUEUE:
		mount_plan_add(m, MOUNT_MQUEUE, NULL, a[0], 0);
		break;
	case O_DIR:
		mount_plan_add(m, MOUNT_DIR, NULL, a[0], take_perms(ps, 0755));
		break;
	case O_FILE:
		return add_data_op(ps, MOUNT_FILE, a, 0666, reterr);
	case O_BIND_DATA:
		/* 0600: what bwrap's mkstemp() gave before --perms existed. */
		return add_data_op(ps, MOUNT_BIND_DATA, a, 0600, reterr);
	case O_RO_BIND_DATA:
		return add_data_op(ps, MOUNT_RO_BIND_DATA, a, 0600, reterr);
	case O_SYMLINK:
		mount_plan_add(m, MOUNT_SYMLINK, a[0], a[1], 0);
		break;
	case O_SECCOMP:
		if (ps->add_seccomp_used)
			return error_setf(reterr, NULL, 0, 0,
					  "--seccomp cannot be combined with --add-seccomp-fd");
		if (ps->seccomp_set)
			warn_last(ps, o->name);
		r = parse_fd(a[0], &v, reterr);
		if (r < 0)
			return r;
		if (!ps->seccomp_set)
			p->seccomp_fds = xrealloc(p->seccomp_fds, ++p->n_seccomp_fds * sizeof(int));
		p->seccomp_fds[0] = v;
		ps->seccomp_set = true;
		break;
	case O_ADD_SECCOMP_FD:
		if (ps->seccomp_set)
			return error_setf(reterr, NULL, 0, 0,
					  "--add-seccomp-fd cannot be combined with --seccomp");
		r = parse_fd(a[0], &v, reterr);
		if (r < 0)
			return r;
		p->seccomp_fds = xrealloc(p->seccomp_fds, ++p->n_seccomp_fds * sizeof(int));
		p->seccomp_fds[p->n_seccomp_fds - 1] = v;
		ps->add_seccomp_used = true;
		break;
	case O_BLOCK_FD:
		return set_fd_option(ps, o, a[0], &p->block_fd, reterr);
	case O_USERNS_BLOCK_FD:
		return set_fd_option(ps, o, a[0], &p->userns_block_fd, reterr);
	case O_INFO_FD:
		return set_fd_option(ps, o, a[0], &p->info_fd, reterr);
	case O_JSON_STATUS_FD:
		return set_fd_option(ps, o, a[0], &p->json_status_fd, reterr);
	case O_NEW_SESSION:
		p->new_session = true;
		break;
	case O_DIE_WITH_PARENT:
		p->die_with_parent = true;
		break;
	case O_AS_PID_1:
		p->as_pid_1 = true;
		break;
	case O_CAP_ADD:
	case O_CAP_DROP:
		return apply_cap(ps, a[0], o->id == O_CAP_ADD, reterr);
	case O_PERMS:
		if (ps->next_perms != -1)
			return error_setf(reterr, NULL, 0, 0, "--perms given twice for the same action");
		return parse_octal(a[0], "--perms", &ps->next_perms, reterr);
	case O_SIZE:
		return parse_size(ps, a[0], reterr);
	case O_CHMOD:
		r = parse_octal(a[0], "--chmod", &v, reterr);
		if (r < 0)
			return r;
		mount_plan_add(m, MOUNT_CHMOD, NULL, a[1], (mode_t)v);
		break;
	case O_UNSUPPORTED:
		return error_setf(reterr, NULL, 0, 0, "%s is not supported by cordon's bwrap front end",
				  o->name);
	}
	return r;
}

static int parse_list(struct parser *ps, int argc, char *const *argv, bool in_file, int *consumed,
		      struct error *reterr)
{
	int i = 0, r;

	while (i < argc) {
		const char *arg = argv[i];
		const struct option_def *o;

		if (streq(arg, "--")) {
			i++;
			break;
		}
		if (arg[0] != '-')
			break;
		o = find_option(arg);
		if (!o)
			return error_setf(reterr, NULL, 0, 0, "Unknown option %s", arg);
		if (argc - i - 1 < o->nargs)
			return error_setf(reterr, NULL, 0, 0, "%s takes %s", arg,
					  o->nargs == 1 ? "an argument" : "two arguments");
		r = parse_one(ps, o, argv + i + 1, in_file, reterr);
		if (r < 0)
			return r;
		i += 1 + o->nargs;
		if (ps->out->help || ps->out->version)
			break;
		/* A --perms or --size nobody took was meant for another option. */
		if (o->id != O_PERMS && o->id != O_SIZE) {
			if (ps->next_perms >= 0)
				return error_setf(reterr, NULL, 0, 0,
						  "--perms must be followed by an option that creates a file");
			if (ps->next_size)
				return error_setf(reterr, NULL, 0, 0, "--size must be followed by --tmpfs");
		}
	}
	*consumed = i;
	return 0;
}

int bwrap_cli_parse(int argc, char *const *argv, const struct bwrap_cli_env *env,
		    struct bwrap_cmdline *ret, struct error *reterr)
{
	struct bwrap_cmdline out = { .plan = xcalloc(1, sizeof(*out.plan)) };
	struct parser ps = { .env = env, .out = &out, .total = (unsigned)argc, .next_perms = -1 };
	int used = 0, r;

	sandbox_process_init(&out.proc);
	/* bwrap passes every descriptor but its own to the command. */
	out.proc.keep_fds = true;
	out.proc.env = strv_copy(env->environ);
	if (!out.proc.env)
		out.proc.env = xcalloc(1, sizeof(char *));
	if (ps.total > MAX_ARGS) {
		r = error_setf(reterr, NULL, 0, 0, "Exceeded maximum number of arguments %u", MAX_ARGS);
		goto fail;
	}
	r = parse_list(&ps, argc, argv, false, &used, reterr);
	if (r < 0)
		goto fail;
	for (int i = used; i < argc && !out.help && !out.version; i++)
		strv_push(&out.argv, argv[i]);
	*ret = out;
	return 0;
fail:
	bwrap_cmdline_done(&out);
	return r;
}

void bwrap_cmdline_done(struct bwrap_cmdline *c)
{
	if (!c)
		return;
	mount_plan_free(c->plan);
	sandbox_process_done(&c->proc);
	strv_free(c->argv);
	strv_free(c->warnings);
	*c = (struct bwrap_cmdline){};
}
