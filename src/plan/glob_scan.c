/* Expands a deny glob into the paths that exist now.
 *
 * ripgrep, when installed, lists candidate files fast (it walks in
 * parallel): `rg --files --hidden --no-ignore --glob REL --glob REL/` plus
 * `**`, run from the glob's static prefix so that its globs are anchored there
 * like ours. ripgrep lists files only, so the second glob brings in the
 * files inside a matching directory. Its answer is only a superset: every
 * candidate is checked again with glob_match(), and the shallowest matching
 * path (the file, or a directory above it) is what gets masked. Without
 * ripgrep a small walker does the same, and also finds empty directories.
 *
 * Either way the scan is bounded by glob_scan_max_depth, refuses more than
 * max_matches results, and fails the launch on any error: a subtree it
 * could not read is a subtree it cannot promise to have masked. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "plan/glob_scan.h"
#include "policy/glob.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"

extern char **environ;

struct scan {
	const char *pattern;
	const char *prefix;
	unsigned max_matches;
	char **matches;
	size_t n;
	struct error *reterr;
};

static int add_match(struct scan *s, const char *path)
{
	if (strv_contains(s->matches, path))
		return 0;
	if (s->n >= s->max_matches)
		return error_setf(s->reterr, NULL, 0, 0,
				  "deny glob %s matches more than %u paths; refusing to run "
				  "(narrow the glob; the cap keeps the sandbox setup bounded)",
				  s->pattern, s->max_matches);
	strv_push(&s->matches, path);
	s->n++;
	return 0;
}

/* The shallowest path between the prefix and FILE (inclusive) that the
 * glob matches: masking it covers everything below. */
static int add_candidate(struct scan *s, const char *file)
{
	size_t plen = strlen(s->prefix);
	_cleanup_free_ char *cur = xstrdup(file);

	for (char *p = cur + (plen == 1 ? 1 : plen + 1); p;) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		bool m = glob_match(s->pattern, cur);
		if (slash)
			*slash = '/';
		if (m) {
			if (slash)
				*slash = '\0';
			return add_match(s, cur);
		}
		p = slash ? slash + 1 : NULL;
	}
	return 0;
}

static int walk(struct scan *s, const char *dir, unsigned depth, unsigned max_depth)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	int r;

	if (!d)
		return error_setf_errno(s->reterr, -errno, NULL, 0, 0,
					"deny glob %s: cannot scan %s: %s; refusing to run", s->pattern,
					dir, strerror(errno));
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		_cleanup_free_ char *path = streq(dir, "/") ? xasprintf("/%s", de->d_name)
							    : xasprintf("%s/%s", dir, de->d_name);
		unsigned char type = de->d_type;
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (lstat(path, &st) < 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		}
		/* A symlink is not a path of this tree: the access of what it
		 * points to is decided by the target's own path. */
		if (type == DT_LNK)
			continue;
		if (glob_match(s->pattern, path)) {
			r = add_match(s, path);
			if (r < 0)
				return r;
			continue;
		}
		if (type == DT_DIR && depth < max_depth) {
			r = walk(s, path, depth + 1, max_depth);
			if (r < 0)
				return r;
		}
	}
	if (errno)
		return error_setf_errno(s->reterr, -errno, NULL, 0, 0,
					"deny glob %s: cannot scan %s: %s; refusing to run", s->pattern,
					dir, strerror(errno));
	return 0;
}

static int scan_with_ripgrep(struct scan *s, const char *rg, unsigned max_depth)
{
	const char *rel = s->pattern + strlen(s->prefix) + (streq(s->prefix, "/") ? 0 : 1);
	_cleanup_free_ char *depth = xasprintf("%u", max_depth);
	_cleanup_free_ char *below = xasprintf("%s/**", rel);
	char *argv[] = { (char *)rg,  "--files",	  "--hidden",	   "--no-ignore",
			 "--no-config", "--null",	  "--max-depth",  depth,
			 "--glob",	(char *)rel,	  "--glob",	   below,
			 NULL };
	posix_spawn_file_actions_t fa;
	int out[2], err[2];
	pid_t pid;
	int r;

	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		safe_close(out[0]);
		safe_close(out[1]);
		return -errno;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	posix_spawn_file_actions_addchdir_np(&fa, s->prefix);
	r = posix_spawn(&pid, rg, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	safe_close(out[1]);
	safe_close(err[1]);
	if (r != 0) {
		safe_close(out[0]);
		safe_close(err[0]);
		return error_setf_errno(s->reterr, -r, NULL, 0, 0, "deny glob %s: cannot run %s: %s",
					s->pattern, rg, strerror(r));
	}

	/* Read all of stdout first: rg's stderr is small (one line per
	 * unreadable directory) and a pipe buffer holds it meanwhile. */
	struct strbuf buf = {};
	char chunk[65536];
	ssize_t n;
	while ((n = read(out[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		strbuf_append(&buf, chunk, (size_t)n);
	}
	safe_close(out[0]);
	char errline[512] = "";
	n = read(err[0], errline, sizeof(errline) - 1);
	if (n > 0) {
		errline[n] = '\0';
		errline[strcspn(errline, "\n")] = '\0';
	}
	safe_close(err[0]);

	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* rg exits 1 when nothing matched, 2 on any error. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		strbuf_free(&buf);
		return error_setf(s->reterr, NULL, 0, 0, "deny glob %s: scan of %s failed%s%s; refusing to run",
				  s->pattern, s->prefix, errline[0] ? ": " : "", errline);
	}

	r = 0;
	for (size_t off = 0; off < buf.len && r >= 0;) {
		const char *rel_path = buf.s + off;
		size_t len = strlen(rel_path);
		_cleanup_free_ char *abs = path_join(s->prefix, rel_path);
		if (abs)
			r = add_candidate(s, abs);
		off += len + 1;
	}
	strbuf_free(&buf);
	return r;
}

int glob_scan(const char *pattern, unsigned max_depth, unsigned max_matches, const char *ripgrep,
	      char ***ret, struct error *reterr)
{
	_cleanup_free_ char *prefix = glob_static_prefix(pattern);
	struct scan s = {
		.pattern = pattern,
		.prefix = prefix,
		.max_matches = max_matches,
		.reterr = reterr,
	};
	struct stat st;
	int r;

	/* Nothing below a prefix that does not exist (or is not a directory)
	 * can match now. */
	if (stat(prefix, &st) < 0 || !S_ISDIR(st.st_mode)) {
		*ret = NULL;
		return 0;
	}
	if (max_depth == 0)
		max_depth = 1;
	if (ripgrep)
		r = scan_with_ripgrep(&s, ripgrep, max_depth);
	else
		r = walk(&s, prefix, 1, max_depth);
	if (r < 0) {
		strv_free(s.matches);
		return r;
	}
	*ret = s.matches;
	return 0;
}
