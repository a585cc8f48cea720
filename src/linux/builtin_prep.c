/* The launcher's "configure" half of the builtin executor: everything the
 * sandbox's child will need, worked out before the clone while allocation
 * and readable errors are still possible (see builtin_exec.h). */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/stat.h>

#include "linux/builtin_prep.h"
#include "linux/caps.h"
#include "linux/mounts.h"
#include "util/fs.h"
#include "util/strv.h"

extern char **environ;

static char *own(struct builtin_prep *p, char *s)
{
	strv_consume(&p->owned, s);
	return s;
}

/* "a//b/" -> "a/b", without the leading "/": the destination relative to
 * the new root. "." and ".." are left to openat2, which keeps them inside. */
static char *relative_dest(const char *dest)
{
	char *out = xmalloc(strlen(dest) + 1), *w = out;

	for (const char *r = dest; *r; r++) {
		if (*r == '/' && (w == out || w[-1] == '/'))
			continue;
		*w++ = *r;
	}
	while (w > out && w[-1] == '/')
		w--;
	*w = '\0';
	return out;
}

/* bwrap's rule for the directories it creates above a destination: 0755,
 * without group access when the object's mode gives the group none, and
 * likewise for others. Ops without a mode count as mode 0 (bwrap's ops
 * start zeroed), so their parents are 0700. */
static mode_t parent_mode_for(mode_t mode)
{
	mode_t m = 0755;

	if (!(mode & 0070))
		m &= ~0050u;
	if (!(mode & 0007))
		m &= ~0005u;
	return m;
}

static bool is_bind(enum mount_op_type t)
{
	return t == MOUNT_BIND || t == MOUNT_RO_BIND || t == MOUNT_DEV_BIND;
}

static bool rel_at_or_below(const char *rel, const char *top)
{
	size_t n = strlen(top);

	return n == 0 || (strneq(rel, top, n) && (rel[n] == '\0' || rel[n] == '/'));
}

/* plan_build makes masks writable tmpfs first and read-only at the end, so
 * that what the plan mounts inside them can be mounted. A mask nothing is
 * mounted inside can be read-only from the start: one mount(MS_RDONLY)
 * instead of a mount and, later, a lookup and a remount. Same flags, same
 * (empty) content: the plan's result does not change. Only for canonical
 * destinations, where one place has one spelling. */
static void seal_masks_at_once(struct builtin_prep *p)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		struct rootfs_op *t = &p->ops[i];
		if (t->type != MOUNT_TMPFS)
			continue;
		for (size_t j = i + 1; j < p->n_ops; j++) {
			struct rootfs_op *o = &p->ops[j];
			if (!rel_at_or_below(o->rel, t->rel))
				continue;
			if (o->type == MOUNT_REMOUNT_RO && streq(o->rel, t->rel)) {
				t->rdonly = true;
				o->skip = true;
			}
			break; /* anything else below it: it must stay writable */
		}
	}
}

static int prepare_ops(struct builtin_prep *p, struct error *reterr)
{
	const struct mount_plan *plan = p->spec->plan;
	bool w = p->spec->bwrap_words;

	p->ops = xcalloc(plan->n_ops ? plan->n_ops : 1, sizeof(*p->ops));
	p->n_ops = plan->n_ops;
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct mount_op *op = &plan->ops[i];
		struct rootfs_op *o = &p->ops[i];

		*o = (struct rootfs_op){
			.type = op->type,
			.index = (int)i,
			.rel = own(p, relative_dest(op->dest)),
			.mode = op->mode,
			.parent_mode = parent_mode_for(op->mode),
			.fd = op->fd,
			.pid_ns = p->clone_flags & CLONE_NEWPID,
		};
		if (op->type == MOUNT_SYMLINK)
			o->src = op->src;
		if (op->type == MOUNT_TMPFS)
			o->tmpfs_data = own(p, op->size ? xasprintf("mode=%#o,size=%zu",
								    (unsigned)op->mode, op->size) :
							  xasprintf("mode=%#o", (unsigned)op->mode));
		if (op->type == MOUNT_PROC && !o->pid_ns)
			o->src = "/oldroot/proc";
		if (!is_bind(op->type))
			continue;

		/* Sources are host paths, resolved here as bwrap resolves them
		 * (realpath, relative to cordon's working directory); the child
		 * reads them below /oldroot, where the host's tree will be. */
		_cleanup_free_ char *canon = NULL;
		struct stat st;
		if (p->spec->canonical_paths)
			canon = xstrdup(op->src);
		else if (!(canon = realpath(op->src, NULL))) {
			if (op->allow_missing && errno == ENOENT) {
				o->skip = true;
				continue;
			}
			return error_setf_errno(reterr, -errno, NULL, 0, 0,
						w ? "Can't find source path %s: %m" :
						    "cannot find the source %s: %m",
						op->src);
		}
		if (stat(canon, &st) < 0) {
			if (op->allow_missing && errno == ENOENT) {
				o->skip = true;
				continue;
			}
			return error_setf_errno(reterr, -errno, NULL, 0, 0,
						w ? "Can't get type of source %s: %m" :
						    "cannot stat the source %s: %m",
						op->src);
		}
		o->src_is_dir = S_ISDIR(st.st_mode);
		o->src = own(p, xasprintf("/oldroot%s", streq(canon, "/") ? "" : canon));
	}

	if (p->spec->canonical_paths)
		seal_masks_at_once(p);

	/* pivot_root() needs the new root to be a mount point; when the first
	 * op puts one there, it is not bound on itself first. */
	const struct rootfs_op *first = p->n_ops ? &p->ops[0] : NULL;
	p->self_bind = !(first && !*first->rel && !first->skip &&
			 (is_bind(first->type) || first->type == MOUNT_TMPFS));
	return 0;
}

static bool plan_has(const struct mount_plan *m, enum mount_op_type t)
{
	for (size_t i = 0; i < m->n_ops; i++)
		if (m->ops[i].type == t)
			return true;
	return false;
}

static int prepare_identity(struct builtin_prep *p, struct error *reterr)
{
	const struct sandbox_process *proc = p->spec->proc;
	uid_t uid = getuid(), sandbox_uid = proc->uid == SANDBOX_ID_CALLER ? uid : proc->uid;
	gid_t gid = getgid(), sandbox_gid = proc->gid == SANDBOX_ID_CALLER ? gid : proc->gid;

	if (!p->new_userns)
		return 0;
	/* Mounting devpts needs uid and gid 0 to exist in the namespace
	 * (mknod_ptmx), so with a /dev the caller is first mapped to 0, and
	 * the inner namespace maps 0 back to the uid asked for. */
	uid_t ns_uid = plan_has(p->spec->plan, MOUNT_DEV) ? 0 : sandbox_uid;
	gid_t ns_gid = plan_has(p->spec->plan, MOUNT_DEV) ? 0 : sandbox_gid;
	snprintf(p->uid_map, sizeof(p->uid_map), "%u %u 1\n", (unsigned)ns_uid, (unsigned)uid);
	snprintf(p->gid_map, sizeof(p->gid_map), "%u %u 1\n", (unsigned)ns_gid, (unsigned)gid);
	p->nest_userns = ns_uid != sandbox_uid || ns_gid != sandbox_gid || proc->disable_userns;
	snprintf(p->uid_map2, sizeof(p->uid_map2), "%u %u 1\n", (unsigned)sandbox_uid,
		 (unsigned)ns_uid);
	snprintf(p->gid_map2, sizeof(p->gid_map2), "%u %u 1\n", (unsigned)sandbox_gid,
		 (unsigned)ns_gid);
	(void)reterr;
	return 0;
}

/* bwrap's capability rule: a caller that is root keeps its own unless
 * --cap-add/--cap-drop say otherwise; anybody else gets none but those
 * added. cordon run always asks for none. */
static int prepare_caps(struct builtin_prep *p, struct error *reterr)
{
	const struct sandbox_process *proc = p->spec->proc;
	uint64_t eff = 0;

	if (proc->caps_set) {
		p->keep_caps = proc->caps;
		p->set_caps = true;
	} else if (getuid() == 0) {
		int r = caps_get_effective(&eff);
		if (r < 0)
			return error_setf_errno(reterr, r, NULL, 0, 0, "capget: %s", strerror(-r));
		p->keep_caps = eff;
	} else {
		p->set_caps = true;
	}
	/* A new user namespace comes with a full bounding set: empty it but
	 * for what is kept. Without one (root, bwrap without --unshare-user)
	 * bwrap leaves the bounding set alone, and so does cordon. */
	p->drop_bounding = p->new_userns;
	return 0;
}

static bool env_has_name(char *const *v, const char *entry)
{
	size_t n = strcspn(entry, "=");

	STRV_FOREACH (e, v)
		if (strneq(*e, entry, n) && (*e)[n] == '=')
			return true;
	return false;
}

static void prepare_env(struct builtin_prep *p)
{
	const struct builtin_spec *s = p->spec;
	char *const *base = s->proc->env ? s->proc->env : environ;
	char **v = NULL;

	/* The plan's variables replace the caller's; PWD is set last, to
	 * wherever the command starts (bwrap does the same). */
	STRV_FOREACH (e, base)
		if (!strneq(*e, "PWD=", 4) && !env_has_name(s->plan->setenv, *e))
			strv_push(&v, *e);
	STRV_FOREACH (e, s->plan->setenv)
		if (!strneq(*e, "PWD=", 4))
			strv_push(&v, *e);
	p->pwd_slot = strv_length(v);
	strv_push(&v, "PWD=/");
	p->envp = v;

	p->chdir = s->plan->chdir;
	if (!p->chdir) {
		char *cwd = get_current_dir_name();
		if (cwd)
			p->old_cwd = own(p, cwd);
		STRV_FOREACH (e, base)
			if (strneq(*e, "HOME=", 5))
				p->home = *e + 5;
	}
	p->pwd[0] = own(p, xasprintf("PWD=%s", p->chdir ? p->chdir : p->old_cwd ? p->old_cwd : "/"));
	p->pwd[1] = own(p, xasprintf("PWD=%s", p->home ? p->home : "/"));
	p->pwd[2] = own(p, xstrdup("PWD=/"));

	p->file = s->argv[0];
	p->argv = strv_copy(s->argv);
	if (s->proc->argv0) {
		free(p->argv[0]);
		p->argv[0] = xstrdup(s->proc->argv0);
	}
}

/* Reads a whole descriptor (bwrap's --seccomp FD), and closes it. A
 * seccomp program is at most BPF_MAXINSNS instructions. */
static int read_fd_all(int fd, char **ret, size_t *ret_len)
{
	int r = read_fd_max(fd, 1u << 20, ret, ret_len);

	close(fd);
	return r;
}

static int prepare_seccomp(struct builtin_prep *p, struct error *reterr)
{
	const struct sandbox_process *proc = p->spec->proc;

	if (!proc->n_seccomp_fds)
		return 0;
	p->owned_progs = xcalloc(proc->n_seccomp_fds, sizeof(*p->owned_progs));
	for (size_t i = 0; i < proc->n_seccomp_fds; i++) {
		char *data = NULL;
		size_t len = 0;
		int r = read_fd_all(proc->seccomp_fds[i], &data, &len);
		if (r < 0)
			return error_setf_errno(reterr, r, NULL, 0, 0, "Can't read seccomp data: %s",
						strerror(-r));
		own(p, data);
		if (len % 8 != 0)
			return error_setf(reterr, NULL, 0, 0,
					  "Invalid seccomp data, must be multiple of 8");
		p->owned_progs[i] = (struct sock_fprog){ .len = (unsigned short)(len / 8),
							 .filter = (struct sock_filter *)data };
		p->n_progs++;
	}
	p->progs = p->owned_progs;
	return 0;
}

static bool userns_wanted(const struct sandbox_process *proc)
{
	_cleanup_free_ char *max = NULL;

	if (proc->unshare_user || getuid() != 0)
		return true;
	if (!proc->unshare_user_try || access("/proc/self/ns/user", F_OK) < 0)
		return false;
	if (read_file_max("/sys/module/user_namespace/parameters/enable", 64, &max, NULL) >= 0 &&
	    max[0] == 'N')
		return false;
	free(TAKE_PTR(max));
	if (read_file_max("/proc/sys/user/max_user_namespaces", 64, &max, NULL) >= 0 &&
	    streq(max, "0\n"))
		return false;
	return true;
}

void builtin_prep_free(struct builtin_prep *p)
{
	if (!p)
		return;
	free(p->ops);
	strv_free(p->envp);
	strv_free(p->argv);
	free(p->owned_progs);
	strv_free(p->owned);
	safe_close(p->report_w);
	safe_close(p->status_w);
	safe_close(p->release_r);
	safe_close(p->setup_r);
	safe_close(p->netns_sock);
	safe_close(p->netns_helper_sock);
	free(p);
}

int builtin_prepare(const struct builtin_spec *s, struct builtin_prep **ret, struct error *reterr)
{
	const struct sandbox_process *proc = s->proc;
	struct builtin_prep *p = xcalloc(1, sizeof(*p));
	int r;

	p->spec = s;
	p->report_w = p->status_w = p->release_r = p->setup_r = -1;
	p->netns_sock = p->netns_helper_sock = -1;
	p->new_userns = userns_wanted(proc);
	p->clone_flags = CLONE_NEWNS | (p->new_userns ? CLONE_NEWUSER : 0) |
			 (proc->unshare_pid ? CLONE_NEWPID : 0) | (proc->unshare_net ? CLONE_NEWNET : 0) |
			 (proc->unshare_ipc ? CLONE_NEWIPC : 0) | (proc->unshare_uts ? CLONE_NEWUTS : 0);
	/* Worth it only with a second CPU to do it on. */
	cpu_set_t cpus;
	p->parallel_netns = s->parallel_netns && proc->unshare_net && !s->hold_command &&
			    !s->hold_setup && sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
			    CPU_COUNT(&cpus) > 1;
	if (p->parallel_netns)
		p->clone_flags &= ~(unsigned long)CLONE_NEWNET;
	if (proc->unshare_cgroup ||
	    (proc->unshare_cgroup_try && access("/proc/self/ns/cgroup", F_OK) == 0))
		p->clone_flags |= CLONE_NEWCGROUP;
	p->need_init = !proc->as_pid_1 &&
		       (proc->unshare_pid || proc->lock_files || proc->sync_fd >= 0);
	/* For tests of the fallback path: what a kernel without openat2 and
	 * the new mount API gets (mount(2) and path lookups only). It changes
	 * how the plan is performed, never what it does. */
	const char *classic = getenv("CORDON_TEST_CLASSIC_MOUNTS");
	p->classic_mounts = mounts_classic() || (classic && streq(classic, "1"));

	r = prepare_ops(p, reterr);
	if (r >= 0)
		r = prepare_identity(p, reterr);
	if (r >= 0)
		r = prepare_caps(p, reterr);
	if (r >= 0)
		r = prepare_seccomp(p, reterr);
	if (r < 0) {
		builtin_prep_free(p);
		return r;
	}
	prepare_env(p);
	if (plan_has(s->plan, MOUNT_DEV) && isatty(STDOUT_FILENO)) {
		char *tty = ttyname(STDOUT_FILENO);
		if (tty)
			p->host_tty = own(p, xasprintf("/oldroot%s", tty));
	}
	*ret = p;
	return 0;
}
