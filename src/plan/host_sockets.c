/* Host daemons' UNIX sockets that a sandbox must not reach.
 *
 * A read-only mount does not stop connect(2): it needs write permission on
 * the socket inode, which a read-only bind keeps. A sandboxed command that
 * reaches the user's D-Bus session bus (systemd-run --user), docker,
 * podman, an ssh or gpg agent, an ssh ControlMaster, tmux or X11 can run
 * anything outside the sandbox. The network namespace already cuts off
 * abstract sockets (they live in the network namespace); pathname sockets
 * are hidden here by turning them into `none` entries of the policy, so
 * that `cordon explain` shows them and every backend masks them.
 *
 * Hidden: whole directories that exist to hold sockets (/run/user, the
 * X11 and ICE socket directories, /run/dbus), the sockets named by
 * $SSH_AUTH_SOCK and $DBUS_SESSION_BUS_ADDRESS, and every socket found by a
 * shallow scan: /run (3 levels), /tmp and /var/tmp (their top level, and
 * one level into the caller's own directories there), ~/.ssh and ~/.gnupg
 * (1 level). What remains open is documented in README.md:
 * sockets deeper or elsewhere, and sockets created after the launch. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "plan/host_sockets.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strv.h"

static void add_canonical(char ***v, const char *path, bool want_dir)
{
	char real[PATH_MAX];
	struct stat st;

	if (!path || path[0] != '/' || !realpath(path, real) || lstat(real, &st) < 0)
		return;
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISSOCK(st.st_mode))
		return;
	if (!strv_contains(*v, real))
		strv_push(v, real);
}

/* Which subdirectories of /tmp and /var/tmp to look into: the caller's own.
 * Other users keep their sockets in private (0700) directories, which a
 * sandboxed command, without capabilities, cannot enter anyway. */
static bool owned_by_caller(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == geteuid();
}

/* Adds every socket in DIR, and below it for DEPTH - 1 more levels (only
 * into subdirectories FILTER accepts, when given). */
static void scan(char ***v, const char *dir, unsigned depth, bool (*filter)(int, const char *))
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d))) {
		unsigned char t = de->d_type;
		bool maybe_dir = t == DT_DIR || t == DT_UNKNOWN;
		if (t != DT_SOCK && !(maybe_dir && depth > 1))
			continue;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (t != DT_SOCK && filter && !filter(dirfd(d), de->d_name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (t == DT_UNKNOWN) {
			struct stat st;
			if (lstat(path, &st) < 0)
				continue;
			t = S_ISSOCK(st.st_mode) ? DT_SOCK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
		}
		if (t == DT_SOCK)
			add_canonical(v, path, false);
		else if (t == DT_DIR)
			scan(v, path, depth - 1, NULL);
	}
}

/* "unix:path=/run/user/1000/bus,guid=…" -> "/run/user/1000/bus" */
static void add_dbus_address(char ***v, const char *addr)
{
	const char *p;

	if (!addr || !(p = strstr(addr, "unix:path=")))
		return;
	p += strlen("unix:path=");
	_cleanup_free_ char *path = xstrndup(p, strcspn(p, ",;"));
	add_canonical(v, path, false);
}

void host_sockets_collect(char ***ret)
{
	static const char *const dirs[] = {
		"/run/user", "/tmp/.X11-unix", "/tmp/.ICE-unix", "/run/dbus",
	};
	const char *home = getenv("HOME");
	char **v = NULL;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		add_canonical(&v, dirs[i], true);
	add_canonical(&v, getenv("XDG_RUNTIME_DIR"), true);
	add_canonical(&v, getenv("SSH_AUTH_SOCK"), false);
	add_dbus_address(&v, getenv("DBUS_SESSION_BUS_ADDRESS"));

	scan(&v, "/run", 3, NULL);
	scan(&v, "/tmp", 2, owned_by_caller);
	scan(&v, "/var/tmp", 2, owned_by_caller);
	if (home && home[0] == '/') {
		_cleanup_free_ char *ssh = xasprintf("%s/.ssh", home);
		_cleanup_free_ char *gnupg = xasprintf("%s/.gnupg", home);
		scan(&v, ssh, 1, NULL);
		scan(&v, gnupg, 1, NULL);
	}
	*ret = v;
}

static bool named_exactly(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (!p->entries[i].glob && streq(p->entries[i].path, path))
			return true;
	return false;
}

void policy_hide_host(struct policy *p)
{
	_cleanup_strv_free_ char **paths = NULL;

	if (p->fs_kind != FS_RESTRICTED)
		return;
	host_sockets_collect(&paths);
	/* cordon's registry of mount points (linux/state_dir.c): a command
	 * that could edit it could steer what a later run removes. */
	_cleanup_free_ char *state = xasprintf("/tmp/cordon-%u", (unsigned)geteuid());
	add_canonical(&paths, state, true);

	STRV_FOREACH (s, paths) {
		if (named_exactly(p, *s) || policy_access(p, *s, NULL) == ACCESS_NONE)
			continue;
		policy_add_entry(p, *s, ACCESS_NONE, ORIGIN_HOST,
				 path_is_below(*s, "/tmp/cordon-") || streq(*s, state)
					 ? HOST_SOCKETS_SPEC_STATE
					 : HOST_SOCKETS_SPEC_SOCKET);
	}
}
