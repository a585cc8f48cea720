/* Builds the mount plan from a resolved policy.
 *
 * The whole algorithm is one rule: visit every path the policy names
 * (its entries and the expanded deny globs), shallowest first,
 * and wherever the access of a path differs from the access of its parent,
 * emit the one mount that makes the sandbox agree with policy_access():
 *
 *   parent -> path     path exists              path missing
 *   any    -> write    bind                     (skipped: missing root)
 *   any    -> read     read-only bind           parent write: mask the first
 *   any    -> none     dir: empty ro tmpfs        missing component, so the
 *                      file: empty ro file        path cannot be created
 *
 * Shallowest first makes nesting work (write -> none -> write): the mask
 * is mounted before the writable root inside it, and masks are made
 * read-only only at the very end, after everything inside them is mounted. */
#include <sys/stat.h>

#include "plan/glob_scan.h"
#include "plan/plan.h"
#include "policy/glob.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strv.h"

static const char *const op_names[_MOUNT_OP_MAX] = {
	[MOUNT_TMPFS] = "tmpfs",
	[MOUNT_BIND] = "bind",
	[MOUNT_RO_BIND] = "ro-bind",
	[MOUNT_DEV_BIND] = "dev-bind",
	[MOUNT_DEV] = "dev",
	[MOUNT_PROC] = "proc",
	[MOUNT_EMPTY_FILE] = "empty-file",
	[MOUNT_SYMLINK] = "symlink",
	[MOUNT_REMOUNT_RO] = "remount-ro",
	[MOUNT_DIR] = "dir",
	[MOUNT_FILE] = "file",
	[MOUNT_BIND_DATA] = "bind-data",
	[MOUNT_RO_BIND_DATA] = "ro-bind-data",
	[MOUNT_CHMOD] = "chmod",
	[MOUNT_MQUEUE] = "mqueue",
};

const char *mount_op_type_to_string(enum mount_op_type t)
{
	return t >= 0 && t < _MOUNT_OP_MAX ? op_names[t] : "invalid";
}

/* A path the plan must visit, and why. */
struct point {
	char *path;
	unsigned depth;
	const char *why; /* static phrase */
};

struct builder {
	const struct policy *policy;
	struct mount_plan *plan;
	struct point *points;
	size_t n_points, cap_points;
	char **remount_ro; /* masks to make read-only at the end */
};

static void add_op(struct mount_plan *m, enum mount_op_type type, const char *src,
		   const char *dest, mode_t mode, char *why)
{
	m->ops = xrealloc(m->ops, (m->n_ops + 1) * sizeof(*m->ops));
	m->ops[m->n_ops++] = (struct mount_op){
		.type = type,
		.src = src ? xstrdup(src) : NULL,
		.dest = xstrdup(dest),
		.mode = mode,
		.why = why,
		.fd = -1,
	};
}

struct mount_op *mount_plan_add(struct mount_plan *m, enum mount_op_type type, const char *src,
				const char *dest, mode_t mode)
{
	add_op(m, type, src, dest, mode, NULL);
	return &m->ops[m->n_ops - 1];
}

void sandbox_process_init(struct sandbox_process *p)
{
	*p = (struct sandbox_process){
		.uid = SANDBOX_ID_CALLER,
		.gid = SANDBOX_ID_CALLER,
		.info_fd = -1,
		.json_status_fd = -1,
		.sync_fd = -1,
		.block_fd = -1,
		.userns_block_fd = -1,
	};
}

void sandbox_process_done(struct sandbox_process *p)
{
	if (!p)
		return;
	free(p->hostname);
	strv_free(p->env);
	free(p->argv0);
	free(p->seccomp_fds);
	strv_free(p->lock_files);
	sandbox_process_init(p);
}

static void add_point(struct builder *b, const char *path, const char *why)
{
	GROW(b->points, b->cap_points, b->n_points + 1);
	b->points[b->n_points++] = (struct point){
		.path = xstrdup(path),
		.depth = path_depth(path),
		.why = why,
	};
}

static int point_cmp(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* /proc is mounted fresh after every other mount and would hide anything
 * mounted below it; /dev and /proc themselves are the sandbox's own. */
static bool path_is_reserved(const char *path)
{
	return streq(path, "/dev") || path_is_at_or_below(path, "/proc");
}

/* The deepest existing ancestor of a missing PATH, and the component below
 * it: creating that one directory is what the sandbox must not be able to do. */
static char *first_missing_component(const char *path, char **ret_existing_parent)
{
	_cleanup_free_ char *cur = xstrdup(path);
	struct stat st;

	for (;;) {
		_cleanup_free_ char *parent = path_parent(cur);
		if (streq(parent, cur))
			return NULL;
		if (lstat(parent, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return NULL; /* nothing can be created below a file */
			*ret_existing_parent = TAKE_PTR(parent);
			return TAKE_PTR(cur);
		}
		free(cur);
		cur = TAKE_PTR(parent);
	}
}

static bool has_target(const struct mount_plan *m, const char *path)
{
	for (size_t i = 0; i < m->n_targets; i++)
		if (streq(m->targets[i].path, path))
			return true;
	return false;
}

/* Makes a missing PATH impossible to create from inside: an empty read-only
 * directory on its first missing component. An empty directory rather than
 * an empty file: git, looking for the repository of a subdirectory, skips
 * an empty `.git` directory and goes on to the parent, but stops with
 * "invalid gitfile format" at an empty `.git` file. */
static void mask_missing(struct builder *b, const char *path, const char *why)
{
	_cleanup_free_ char *parent = NULL;
	_cleanup_free_ char *first = first_missing_component(path, &parent);

	if (!first)
		return;
	/* Only a writable parent lets the command create it. */
	if (policy_access(b->policy, parent, NULL) != ACCESS_WRITE)
		return;
	if (has_target(b->plan, first))
		return;

	struct mount_plan *m = b->plan;
	m->targets = xrealloc(m->targets, (m->n_targets + 1) * sizeof(*m->targets));
	m->targets[m->n_targets++] = (struct host_target){
		.path = xstrdup(first),
		.why = xasprintf("%s %s", why, path),
	};
	add_op(m, MOUNT_TMPFS, NULL, first, 0555, xasprintf("%s %s (missing)", why, path));
	strv_push(&b->remount_ro, first);
}

static void visit(struct builder *b, const struct point *pt)
{
	const struct policy *p = b->policy;
	_cleanup_free_ char *parent = path_parent(pt->path);
	enum access inner = policy_access(p, pt->path, NULL);
	enum access outer = policy_access(p, parent, NULL);
	struct stat st;

	if (inner == outer)
		return;
	bool exists = stat(pt->path, &st) == 0;

	switch (inner) {
	case ACCESS_WRITE:
		if (exists)
			add_op(b->plan, MOUNT_BIND, pt->path, pt->path, 0,
			       xasprintf("%s %s", pt->why, pt->path));
		break;
	case ACCESS_READ:
		if (exists)
			add_op(b->plan, MOUNT_RO_BIND, pt->path, pt->path, 0,
			       xasprintf("%s %s", pt->why, pt->path));
		else if (outer == ACCESS_WRITE)
			mask_missing(b, pt->path, pt->why);
		break;
	case ACCESS_NONE:
		if (!exists) {
			if (outer == ACCESS_WRITE)
				mask_missing(b, pt->path, pt->why);
		} else if (S_ISDIR(st.st_mode)) {
			add_op(b->plan, MOUNT_TMPFS, NULL, pt->path, 0555,
			       xasprintf("%s %s", pt->why, pt->path));
			strv_push(&b->remount_ro, pt->path);
		} else {
			add_op(b->plan, MOUNT_EMPTY_FILE, NULL, pt->path, 0444,
			       xasprintf("%s %s", pt->why, pt->path));
		}
		break;
	default:
		break;
	}
}

/* With an empty root, the host's top-level symlinks (/bin -> usr/bin on a
 * merged-/usr system) would vanish although their targets are visible;
 * recreate those whose target the policy lets the command read. */
static void add_root_symlinks(struct builder *b)
{
	_cleanup_closedir_ DIR *d = opendir("/");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
			continue;
		_cleanup_free_ char *link = xasprintf("/%s", de->d_name);
		char target[4096];
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		_cleanup_free_ char *abs = path_join("/", target);
		if (!abs || policy_access(b->policy, abs, NULL) == ACCESS_NONE)
			continue;
		if (policy_access(b->policy, link, NULL) != ACCESS_NONE)
			continue; /* a real entry covers it */
		add_op(b->plan, MOUNT_SYMLINK, target, link, 0,
		       xasprintf("keep the host symlink %s -> %s", link, target));
	}
}

static const char *entry_why(const struct policy_entry *e)
{
	switch (e->origin) {
	case ORIGIN_PROTECTED:
	case ORIGIN_GITDIR:
		return "protect";
	case ORIGIN_HOST:
		return "hide from the sandbox";
	default:
		return "policy";
	}
}

static int collect_points(struct builder *b, const struct plan_options *o, struct error *reterr)
{
	const struct policy *p = b->policy;
	int r;

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		if (e->missing || streq(e->path, "/"))
			continue;
		if (e->glob) {
			_cleanup_strv_free_ char **matches = NULL;
			r = glob_scan(e->path, p->glob_scan_max_depth, o->max_glob_matches,
				      o->ripgrep, &matches, reterr);
			if (r < 0)
				return r;
			STRV_FOREACH (m, matches)
				add_point(b, *m, "deny glob match");
			continue;
		}
		if (path_is_reserved(e->path)) {
			strv_pushf(&b->plan->warnings,
				   "%s: entries at /dev or under /proc are ignored (the sandbox "
				   "has its own)",
				   e->path);
			continue;
		}
		add_point(b, e->path, entry_why(e));
	}

	return 0;
}

/* Collects every point, then visits them shallowest first, once each. */
static int visit_points(struct builder *b, const struct plan_options *o, struct error *reterr)
{
	int r = collect_points(b, o, reterr);

	if (r < 0)
		return r;
	if (b->n_points > 1)
		qsort(b->points, b->n_points, sizeof(*b->points), point_cmp);
	for (size_t i = 0; i < b->n_points; i++)
		if (i == 0 || !streq(b->points[i].path, b->points[i - 1].path))
			visit(b, &b->points[i]);
	return 0;
}

static int plan_restricted(struct builder *b, const struct plan_options *o, struct error *reterr)
{
	const struct policy *p = b->policy;
	struct mount_plan *m = b->plan;

	switch (policy_access(p, "/", NULL)) {
	case ACCESS_WRITE:
		add_op(m, MOUNT_BIND, "/", "/", 0, xstrdup("base: the whole filesystem, writable"));
		break;
	case ACCESS_READ:
		add_op(m, MOUNT_RO_BIND, "/", "/", 0, xstrdup("base: the whole filesystem, read-only"));
		break;
	default:
		add_op(m, MOUNT_TMPFS, NULL, "/", 0755,
		       xstrdup("base: an empty root; only the readable roots are mounted"));
		break;
	}
	add_op(m, MOUNT_DEV, NULL, "/dev", 0, xstrdup("minimal /dev"));
	if (policy_access(p, "/", NULL) == ACCESS_NONE)
		add_root_symlinks(b);

	return visit_points(b, o, reterr);
}

int plan_build(const struct policy *p, const struct plan_options *o, struct mount_plan **ret,
	       struct error *reterr)
{
	_cleanup_mount_plan_free_ struct mount_plan *m = xcalloc(1, sizeof(*m));
	struct builder b = { .policy = p, .plan = m };
	int r = 0;

	m->unshare_net = p->network.mode != NETWORK_ON;
	m->deny_inet = p->network.mode == NETWORK_OFF;
	m->restrict_extras = p->fs_kind == FS_RESTRICTED;

	switch (p->fs_kind) {
	case FS_RESTRICTED:
		r = plan_restricted(&b, o, reterr);
		break;
	case FS_UNRESTRICTED:
		add_op(m, MOUNT_BIND, "/", "/", 0, xstrdup("base: the whole filesystem, writable"));
		add_op(m, MOUNT_DEV_BIND, "/dev", "/dev", 0, xstrdup("the host's /dev"));
		r = visit_points(&b, o, reterr);
		break;
	case FS_EXTERNAL:
		/* The caller's sandbox owns the filesystem: keep its view. */
		add_op(m, MOUNT_BIND, "/", "/", 0, xstrdup("base: the caller's filesystem"));
		add_op(m, MOUNT_DEV_BIND, "/dev", "/dev", 0, xstrdup("the caller's /dev"));
		break;
	default:
		r = error_setf(reterr, NULL, 0, 0, "unknown filesystem kind");
		break;
	}
	if (r < 0)
		goto done;

	if (!o->no_proc) {
		add_op(m, MOUNT_PROC, NULL, "/proc", 0, xstrdup("a /proc of the sandbox's own"));
		m->proc = true;
	} else if (p->fs_kind != FS_EXTERNAL && policy_access(p, "/proc", NULL) != ACCESS_NONE) {
		/* Never the host's /proc instead: it lists every host process,
		 * and /proc/PID/root of any of the user's own processes leads
		 * back to the host's whole filesystem, around every mask. */
		add_op(m, MOUNT_TMPFS, NULL, "/proc", 0555, xstrdup("hide the host's /proc"));
		strv_push(&b.remount_ro, "/proc");
	}
	/* Masks become read-only last, deepest first, after the mounts inside
	 * them exist; then the empty base root. */
	for (size_t i = strv_length(b.remount_ro); i > 0; i--)
		add_op(m, MOUNT_REMOUNT_RO, NULL, b.remount_ro[i - 1], 0, xstrdup("seal the mask"));
	if (m->n_ops > 0 && m->ops[0].type == MOUNT_TMPFS && streq(m->ops[0].dest, "/"))
		add_op(m, MOUNT_REMOUNT_RO, NULL, "/", 0, xstrdup("seal the empty root"));

	if (policy_access(p, p->cwd, NULL) == ACCESS_NONE && p->fs_kind == FS_RESTRICTED) {
		r = error_setf(reterr, NULL, 0, 0,
			       "the working directory %s is not visible under profile %s; "
			       "grant it read access or run from elsewhere",
			       p->cwd, p->profile_name);
		goto done;
	}
	m->chdir = xstrdup(p->cwd);

	strv_push(&m->setenv, "CORDON_SANDBOX=1");
	if (p->network.mode == NETWORK_OFF)
		strv_push(&m->setenv, "CORDON_SANDBOX_NETWORK_DISABLED=1");

	*ret = TAKE_PTR(m);
done:
	for (size_t i = 0; i < b.n_points; i++)
		free(b.points[i].path);
	free(b.points);
	strv_free(b.remount_ro);
	return r;
}

void mount_plan_free(struct mount_plan *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_ops; i++) {
		free(m->ops[i].src);
		free(m->ops[i].dest);
		free(m->ops[i].why);
	}
	free(m->ops);
	for (size_t i = 0; i < m->n_targets; i++) {
		free(m->targets[i].path);
		free(m->targets[i].why);
	}
	free(m->targets);
	free(m->chdir);
	strv_free(m->setenv);
	strv_free(m->warnings);
	free(m);
}
