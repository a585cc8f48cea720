/* The landlock backend's decision (see landlock_plan.h).
 *
 * Grants: every existing read or write entry of the policy, minus those an
 * ancestor grant already covers, plus the sandbox's character devices
 * (the namespace backends give the command a /dev of its own with these;
 * here /dev is the host's, so they are granted one by one).
 *
 * Losses: for each entry, and for each match of a deny glob, compare what
 * the policy asks with the union of the grants on the path and above it.
 * Landlock giving more is a loss, except where something else already
 * closes the gap:
 *  - a path that does not exist and stays uncreatable (nothing above it is
 *    writable): there is nothing to read, and bwrap's plan mounts nothing
 *    there either;
 *  - a host daemon's socket (or socket directory) left readable: the
 *    policy hides it so that it cannot be connected to, and here
 *    socket(AF_UNIX) is refused outright (deny_unix);
 *  - cordon's own state directory left readable: it is hidden so that it
 *    cannot be edited (see host_sockets.c); reading it is harmless. */
#include "plan/host_sockets.h"
#include "plan/landlock_plan.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"

const struct landlock_feature landlock_features[] = {
	{ LANDLOCK_ABI_FS, "filesystem", "5.13",
	  "read and write access to file hierarchies" },
	{ LANDLOCK_ABI_REFER, "refer", "5.19",
	  "renaming and linking files across directories (refused before)" },
	{ LANDLOCK_ABI_TRUNCATE, "truncate", "6.2", "truncate(2) and O_TRUNC need write access" },
	{ LANDLOCK_ABI_NET, "tcp", "6.7", "TCP bind(2) and connect(2), by port" },
	{ LANDLOCK_ABI_IOCTL_DEV, "ioctl_dev", "6.10", "ioctl(2) on device files" },
	{ LANDLOCK_ABI_SCOPE, "scope", "6.12",
	  "abstract UNIX sockets and signals of processes outside the sandbox" },
	{ LANDLOCK_ABI_AUDIT, "audit", "6.15", "denials are logged to the audit log" },
};
const size_t landlock_n_features = ELEMENTSOF(landlock_features);

/* The devices every sandbox has (DESIGN §4 step 2), writable like on a
 * host. /dev/tty only matters to a command that has a controlling
 * terminal, which this one does not (it runs in a new session). */
static const char *const sandbox_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

struct builder {
	const struct policy *policy;
	const struct landlock_env *env;
	struct landlock_plan *lp;
	size_t cap_grants, cap_losses;
};

static bool exists(const struct builder *b, const char *path)
{
	return b->env->exists(b->env->userdata, path);
}

/* The strongest grant at PATH or above it (at PATH itself only when
 * INCLUSIVE), and which grant that is. */
static enum access granted_at(const struct landlock_plan *lp, const char *path, bool inclusive,
			      const struct landlock_grant **ret_by)
{
	enum access best = ACCESS_NONE;

	*ret_by = NULL;
	for (size_t i = 0; i < lp->n_grants; i++) {
		const struct landlock_grant *g = &lp->grants[i];
		bool covers = inclusive ? path_is_at_or_below(path, g->path)
					: path_is_below(path, g->path);
		if (covers && g->access > best) {
			best = g->access;
			*ret_by = g;
		}
	}
	return best;
}

static void add_grant(struct builder *b, const char *path, enum access access, bool device)
{
	const struct landlock_grant *by;

	/* Entries come shallowest first, so an ancestor is already listed. */
	if (granted_at(b->lp, path, true, &by) >= access)
		return;
	GROW(b->lp->grants, b->cap_grants, b->lp->n_grants + 1);
	b->lp->grants[b->lp->n_grants++] = (struct landlock_grant){
		.path = xstrdup(path),
		.access = access,
		.device = device,
	};
}

static bool is_host_socket(const struct policy_entry *e)
{
	return e->origin == ORIGIN_HOST && e->spec && streq(e->spec, HOST_SOCKETS_SPEC_SOCKET);
}

static bool is_cordon_state(const struct policy_entry *e)
{
	return e->origin == ORIGIN_HOST && e->spec && streq(e->spec, HOST_SOCKETS_SPEC_STATE);
}

/* Whether Landlock giving GRANTED where the policy wants WANT (for entry E,
 * or a glob match when E is a glob) opens anything. */
static bool is_loss(const struct builder *b, const struct policy_entry *e, enum access want,
		    enum access granted, bool path_exists)
{
	if (granted <= want)
		return false;
	if (!path_exists && granted < ACCESS_WRITE)
		return false;
	if (!e->glob && granted == ACCESS_READ) {
		if (is_host_socket(e) && b->lp->deny_unix)
			return false;
		if (is_cordon_state(e))
			return false;
	}
	return true;
}

/* The entry that makes PATH GRANTED: the deepest one at or above it with
 * that access (for a message; the grant itself may be a shallower one). */
static const char *responsible(const struct builder *b, const char *path, bool inclusive,
			       enum access granted, const struct landlock_grant *by)
{
	const struct policy *p = b->policy;
	const char *best = by ? by->path : "/";
	unsigned depth = 0;

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		if (e->glob || e->missing || e->access != granted)
			continue;
		if (!(inclusive ? path_is_at_or_below(path, e->path) : path_is_below(path, e->path)))
			continue;
		if (path_depth(e->path) >= depth) {
			best = e->path;
			depth = path_depth(e->path);
		}
	}
	return best;
}

static void add_loss(struct builder *b, const struct policy_entry *e, const char *path,
		     enum access want, enum access granted, const struct landlock_grant *by,
		     bool path_exists)
{
	GROW(b->lp->losses, b->cap_losses, b->lp->n_losses + 1);
	b->lp->losses[b->lp->n_losses++] = (struct landlock_loss){
		.path = xstrdup(path),
		.want = want,
		.granted = granted,
		.under = xstrdup(responsible(b, path, e->glob, granted, by)),
		.origin = e->origin,
		.spec = e->spec ? xstrdup(e->spec) : NULL,
		.glob = e->glob,
		.pattern = e->glob ? xstrdup(e->path) : NULL,
		.exists = path_exists,
	};
}

static void check_entry(struct builder *b, const struct policy_entry *e)
{
	const struct landlock_grant *by;
	bool path_exists = exists(b, e->path);
	/* The entry's own grant is the policy's answer; only what an ancestor
	 * adds on top of it can be wrong. For a restricted filesystem that
	 * is the grants; for an unrestricted one, everything is writable. */
	enum access granted = b->lp->restrict_fs ? granted_at(b->lp, e->path, false, &by)
						 : ACCESS_WRITE;

	if (!b->lp->restrict_fs)
		by = NULL;
	if (is_loss(b, e, e->access, granted, path_exists))
		add_loss(b, e, e->path, e->access, granted, by, path_exists);
}

static int check_glob(struct builder *b, const struct policy_entry *e, struct error *reterr)
{
	_cleanup_strv_free_ char **matches = NULL;
	int r = b->env->expand_glob(b->env->userdata, b->policy, e->path, &matches, reterr);

	if (r < 0)
		return r;
	STRV_FOREACH (m, matches) {
		const struct landlock_grant *by = NULL;
		enum access granted = b->lp->restrict_fs ? granted_at(b->lp, *m, true, &by)
							 : ACCESS_WRITE;
		if (is_loss(b, e, ACCESS_NONE, granted, true))
			add_loss(b, e, *m, ACCESS_NONE, granted, by, true);
	}
	return 0;
}

static bool names_exactly(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (!p->entries[i].glob && streq(p->entries[i].path, path))
			return true;
	return false;
}

static void add_grants(struct builder *b)
{
	const struct policy *p = b->policy;

	/* Entries are sorted shallowest first (policy_sort_entries). */
	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		if (e->glob || e->missing || e->access == ACCESS_NONE)
			continue;
		/* A rule needs a file to hold on to. A read entry that does not
		 * exist grants nothing anyone could use; if it is created
		 * later, its parent decides, as for a mount plan. */
		if (!exists(b, e->path))
			continue;
		add_grant(b, e->path, e->access, false);
	}
	/* An entry naming the device itself is the user's decision, as in
	 * the mount plan, which masks it in the sandbox's /dev. */
	for (size_t i = 0; i < ELEMENTSOF(sandbox_devices); i++)
		if (!names_exactly(p, sandbox_devices[i]) && exists(b, sandbox_devices[i]))
			add_grant(b, sandbox_devices[i], ACCESS_WRITE, true);
}

/* Network and process isolation, and the seccomp filter. Each choice says
 * which namespace-backend behaviour it stands in for. */
static void plan_isolation(struct landlock_plan *lp, const struct policy *p, unsigned abi)
{
	bool net_off = p->network.mode != NETWORK_ON;
	bool restricted = p->fs_kind == FS_RESTRICTED;

	/* A network namespace holds only loopback. */
	lp->deny_inet = net_off;
	lp->restrict_tcp = net_off && abi >= LANDLOCK_ABI_NET;
	/* A network namespace also has its own abstract sockets. */
	lp->scope_abstract = net_off && abi >= LANDLOCK_ABI_SCOPE;
	/* A pid namespace: no other process can be signalled. */
	lp->scope_signals = p->fs_kind != FS_EXTERNAL && abi >= LANDLOCK_ABI_SCOPE;
	/* No Landlock ABI up to 7 governs connect(2) to a pathname socket
	 * (it needs no open(2), only write permission on the inode), so the
	 * host daemons' sockets the mount plan hides stay reachable: refuse
	 * socket(AF_UNIX) instead (socketpair(2) still works). Unrestricted
	 * filesystems hide no socket; there only abstract sockets need it,
	 * and only without scoping. */
	lp->deny_unix = restricted || (net_off && !lp->scope_abstract);
	/* Without a pid namespace, ptrace and process_vm_* reach the user's
	 * other processes; io_uring would open sockets and files behind the
	 * filter's back. Landlock already refuses ptrace of processes outside
	 * the sandbox; the filter makes it explicit for every ABI. */
	lp->restrict_extras = p->fs_kind != FS_EXTERNAL;
	lp->deny_truncate = lp->restrict_fs && abi < LANDLOCK_ABI_TRUNCATE;

	if (lp->restrict_fs && abi < LANDLOCK_ABI_REFER)
		strv_push(&lp->abi_refused,
			  "renaming or linking a file into another directory (ABI 2)");
	if (lp->deny_truncate)
		strv_push(&lp->abi_refused,
			  "truncate(2) by path and read-only opens with O_TRUNC (ABI 3)");
	if (lp->restrict_fs && abi < LANDLOCK_ABI_IOCTL_DEV)
		strv_push(&lp->abi_lost, "ioctl(2) on device files the command can open (ABI 5)");
	if (p->fs_kind != FS_EXTERNAL && abi < LANDLOCK_ABI_SCOPE)
		strv_push(&lp->abi_lost, "signals to your processes outside the sandbox (ABI 6)");
	if (lp->deny_unix && !restricted)
		strv_push(&lp->abi_refused, "socket(AF_UNIX) (abstract sockets need ABI 6)");
}

/* Messages name the first loss, so the most telling comes first: where
 * the command works (at or below its directory) before elsewhere, what
 * exists before what could be created; entry order otherwise. */
static int loss_rank(const struct landlock_loss *l, const char *cwd)
{
	bool here = cwd && path_is_at_or_below(l->path, cwd);

	return (here ? 0 : 2) + (l->exists ? 0 : 1);
}

static void order_losses(struct landlock_plan *lp, const char *cwd)
{
	/* A stable insertion sort: a handful of losses, usually. */
	for (size_t i = 1; i < lp->n_losses; i++) {
		struct landlock_loss l = lp->losses[i];
		int rank = loss_rank(&l, cwd);
		size_t j = i;
		while (j > 0 && loss_rank(&lp->losses[j - 1], cwd) > rank) {
			lp->losses[j] = lp->losses[j - 1];
			j--;
		}
		lp->losses[j] = l;
	}
}

int landlock_plan_build(const struct policy *p, unsigned abi, const struct landlock_env *env,
			struct landlock_plan **ret, struct error *reterr)
{
	_cleanup_landlock_plan_free_ struct landlock_plan *lp = xcalloc(1, sizeof(*lp));
	struct builder b = { .policy = p, .env = env, .lp = lp };
	int r;

	if (p->fs_kind == FS_RESTRICTED && policy_access(p, p->cwd, NULL) == ACCESS_NONE)
		return error_setf(reterr, NULL, 0, 0,
				  "the working directory %s is not visible under profile %s; "
				  "grant it read access or run from elsewhere",
				  p->cwd, p->profile_name);

	lp->restrict_fs = p->fs_kind == FS_RESTRICTED;
	plan_isolation(lp, p, abi);
	if (lp->restrict_fs)
		add_grants(&b);

	/* The caller's sandbox owns the filesystem: nothing to compare. */
	if (p->fs_kind != FS_EXTERNAL)
		for (size_t i = 0; i < p->n_entries; i++) {
			const struct policy_entry *e = &p->entries[i];
			if (e->glob) {
				r = check_glob(&b, e, reterr);
				if (r < 0)
					return r;
			} else if (!e->missing) {
				check_entry(&b, e);
			}
		}

	order_losses(lp, p->cwd);
	strv_push(&lp->setenv, "CORDON_SANDBOX=1");
	if (p->network.mode == NETWORK_OFF)
		strv_push(&lp->setenv, "CORDON_SANDBOX_NETWORK_DISABLED=1");
	*ret = TAKE_PTR(lp);
	return 0;
}

void landlock_plan_free(struct landlock_plan *lp)
{
	if (!lp)
		return;
	for (size_t i = 0; i < lp->n_grants; i++)
		free(lp->grants[i].path);
	free(lp->grants);
	for (size_t i = 0; i < lp->n_losses; i++) {
		free(lp->losses[i].path);
		free(lp->losses[i].under);
		free(lp->losses[i].pattern);
		free(lp->losses[i].spec);
	}
	free(lp->losses);
	strv_free(lp->abi_lost);
	strv_free(lp->abi_refused);
	strv_free(lp->setenv);
	free(lp);
}

static const char *access_adjective(enum access a)
{
	switch (a) {
	case ACCESS_WRITE:
		return "writable";
	case ACCESS_READ:
		return "readable";
	default:
		return "hidden";
	}
}

char *landlock_loss_describe(const struct landlock_loss *l)
{
	const char *inside = access_adjective(l->granted);
	const char *what;

	if (l->glob)
		return xasprintf("%s (match of deny glob %s, inside %s %s)", l->path, l->pattern,
				 inside, l->under);
	if (l->origin == ORIGIN_HOST)
		what = l->spec && streq(l->spec, HOST_SOCKETS_SPEC_STATE) ? "cordon's state, hidden"
									  : "host socket, hidden";
	else if (l->origin == ORIGIN_PROTECTED || l->origin == ORIGIN_GITDIR)
		what = l->exists ? "protected, read-only" : "protected";
	else
		what = l->want == ACCESS_READ ? "read-only" : "hidden";
	if (!l->exists)
		return xasprintf("%s (%s, missing: could be created inside %s %s)", l->path, what,
				 inside, l->under);
	return xasprintf("%s (%s inside %s %s)", l->path, what, inside, l->under);
}

char *landlock_plan_losses_summary(const struct landlock_plan *lp)
{
	_cleanup_free_ char *first = landlock_loss_describe(&lp->losses[0]);

	if (lp->n_losses == 1)
		return TAKE_PTR(first);
	return xasprintf("%s and %zu more", first, lp->n_losses - 1);
}

char *landlock_plan_refusal(const struct landlock_plan *lp)
{
	_cleanup_free_ char *what = landlock_plan_losses_summary(lp);

	return xasprintf("the landlock backend cannot enforce %s: Landlock can only grant "
			 "access to whole trees, never take it away below a grant; the bwrap "
			 "or builtin backend can (--backend bwrap), or accept the difference "
			 "with --allow-weaker",
			 what);
}

char *landlock_plan_weaker_warning(const struct landlock_plan *lp)
{
	struct strbuf s = {};

	strbuf_puts(&s, "--allow-weaker: the landlock backend does not enforce: ");
	for (size_t i = 0; i < lp->n_losses; i++) {
		_cleanup_free_ char *d = landlock_loss_describe(&lp->losses[i]);
		if (i > 0)
			strbuf_puts(&s, "; ");
		strbuf_puts(&s, d);
	}
	return strbuf_steal(&s);
}

static void put_list(struct strbuf *s, char *const *v)
{
	bool first = true;

	STRV_FOREACH (x, v) {
		if (!first)
			strbuf_puts(s, ", ");
		strbuf_puts(s, *x);
		first = false;
	}
}

char *landlock_plan_abi_warning(const struct landlock_plan *lp, unsigned abi)
{
	struct strbuf s = {};

	if (!lp->abi_lost && !lp->abi_refused)
		return NULL;
	strbuf_printf(&s, "Landlock ABI %u on this kernel", abi);
	if (lp->abi_lost) {
		strbuf_puts(&s, "; not enforced: ");
		put_list(&s, lp->abi_lost);
	}
	if (lp->abi_refused) {
		strbuf_puts(&s, "; refused instead: ");
		put_list(&s, lp->abi_refused);
	}
	return strbuf_steal(&s);
}

int landlock_plan_check_proxy(unsigned abi, struct error *reterr)
{
	if (abi < LANDLOCK_ABI_NET)
		return error_setf_errno(reterr, -EOPNOTSUPP, NULL, 0, 0,
					"network proxy mode: the landlock backend cannot confine "
					"TCP on this kernel (Landlock ABI %u, TCP rules need 4); "
					"use the bwrap or builtin backend",
					abi);
	return error_setf_errno(reterr, -EOPNOTSUPP, NULL, 0, 0,
				"network proxy mode: the landlock backend cannot hold the command "
				"to the proxy: Landlock's TCP rules name a port but no address, so "
				"the proxy's port would be open on every host; use the bwrap or "
				"builtin backend (a network namespace)");
}
