#include <limits.h>
#include <sys/stat.h>

#include "plan/command.h"
#include "util/path.h"

/* 0: executable; -EACCES: a file that cannot be executed; -ENOENT: nothing
 * the sandbox can see. */
static int check_candidate(const struct policy *p, const char *path)
{
	char real[PATH_MAX];
	struct stat st;

	/* Missing on the host is missing in the sandbox too: one system
	 * call for the usual PATH entry, where realpath() reads every
	 * component's link. */
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return -ENOENT;
	if (!realpath(path, real) || stat(real, &st) < 0)
		return -ENOENT;
	if (policy_access(p, real, NULL) == ACCESS_NONE)
		return -ENOENT;
	if (S_ISDIR(st.st_mode) || access(real, X_OK) < 0)
		return -EACCES;
	return 0;
}

int command_locate(const struct policy *p, const char *name, const char *path_env,
		   const char *cwd, char **ret)
{
	int r;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		_cleanup_free_ char *abs = path_join(cwd, name);
		r = check_candidate(p, abs);
		if (r >= 0)
			*ret = TAKE_PTR(abs);
		return r;
	}

	/* glibc's default when PATH is unset. */
	_cleanup_free_ char *copy = xstrdup(path_env ? path_env : "/bin:/usr/bin");
	bool denied = false;
	char *s = copy;
	for (;;) {
		char *colon = strchr(s, ':');
		if (colon)
			*colon = '\0';
		_cleanup_free_ char *dir = path_join(cwd, *s ? s : ".");
		_cleanup_free_ char *cand = xasprintf("%s/%s", dir, name);
		r = check_candidate(p, cand);
		if (r == 0) {
			*ret = TAKE_PTR(cand);
			return 0;
		}
		if (r == -EACCES)
			denied = true;
		if (!colon)
			break;
		s = colon + 1;
	}
	return denied ? -EACCES : -ENOENT;
}
