/* Walks a path one component at a time with O_PATH|O_NOFOLLOW descriptors,
 * so every symlink is seen (and recorded) instead of being followed
 * silently, and each step is taken relative to the directory just opened
 * rather than by re-reading a growing path string. */

#include <fcntl.h>
#include <sys/stat.h>
#ifdef __linux__
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

#include "plan/canonical.h"
#include "util/path.h"

/* The kernel's own limit for one lookup (MAXSYMLINKS in fs/namei.c). */
#define CANONICAL_MAX_LINKS 40

void canonical_free(struct canonical *c)
{
	if (!c)
		return;
	free(c->path);
	for (size_t i = 0; i < c->n_links; i++) {
		free(c->links[i].link);
		free(c->links[i].target);
	}
	free(c->links);
	free(c);
}

/* Reads the symlink FD (O_PATH|O_NOFOLLOW): readlinkat() with an empty
 * name reads the link the descriptor refers to (Linux >= 2.6.39). */
static int read_link_fd(int fd, size_t size_hint, char **ret)
{
	size_t size = size_hint + 1 < 256 ? 256 : size_hint + 1;

	for (;;) {
		_cleanup_free_ char *buf = xmalloc(size);
		ssize_t n = readlinkat(fd, "", buf, size);
		if (n < 0)
			return -errno;
		if ((size_t)n < size) {
			buf[n] = '\0';
			*ret = TAKE_PTR(buf);
			return 0;
		}
		/* Truncated: the link changed under us or st_size lied (procfs). */
		size *= 2;
	}
}

static int open_root(void)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Whether NORMALIZED (path_normalize: no "." or ".." left) can be opened
 * without crossing a symlink: 0, or -errno (-ELOOP for a symlink on the
 * way, -ENOSYS without openat2: Linux < 5.6, or a seccomp filter). */
static int open_without_links(const char *normalized)
{
#if defined(__linux__) && defined(SYS_openat2)
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, normalized, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
#else
	return -ENOSYS;
#endif
}

/* The usual cases in one or two system calls, so that the walk below runs
 * only where there is a symlink to record: NORMALIZED exists and crosses no
 * symlink (it is its own canonical path), or only its last component is
 * missing (a protected name not made yet, say: ENOENT on the path, but its
 * directory opens without a symlink; a symlink there would give ELOOP, not
 * ENOENT). Returns false when neither is known; the walk finds out. */
static bool resolve_fast(char **normalized, struct canonical *c)
{
	int r = open_without_links(*normalized);

	if (r == -ENOENT && !streq(*normalized, "/")) {
		_cleanup_free_ char *parent = path_parent(*normalized);
		if (open_without_links(parent) < 0)
			return false;
		c->path = TAKE_PTR(*normalized);
		c->exists = false;
		return true;
	}
	if (r < 0)
		return false;
	c->path = TAKE_PTR(*normalized);
	c->exists = true;
	return true;
}

int canonical_resolve(const char *path, struct canonical **ret)
{
	if (!path || path[0] != '/')
		return -EINVAL;

	_cleanup_canonical_free_ struct canonical *c = xcalloc(1, sizeof(*c));
	_cleanup_free_ char *resolved = xstrdup("/");
	/* What is left to walk; a symlink's target is put in front of it. */
	_cleanup_free_ char *rest = path_normalize(path);

	if (resolve_fast(&rest, c)) {
		*ret = TAKE_PTR(c);
		return 0;
	}

	_cleanup_close_ int fd = open_root();
	size_t cap = 0, len;
	unsigned n_followed = 0;
	/* S: what is left after the component AT. */
	const char *s = rest, *at;

	if (fd < 0)
		return fd;

	c->exists = true;
	while ((at = path_next_component(&s, &len))) {
		_cleanup_free_ char *comp = xstrndup(at, len);

		if (streq(comp, "."))
			continue;
		if (streq(comp, "..")) {
			/* Only a symlink's target can bring ".." here. RESOLVED has
			 * no symlinks in it, so its lexical parent is the real one. */
			int pfd = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (pfd < 0 && errno == ENOTDIR)
				goto unreachable; /* "file/.." */
			if (pfd < 0)
				return -errno;
			safe_close(fd);
			fd = pfd;
			char *parent = path_parent(resolved);
			free(resolved);
			resolved = parent;
			continue;
		}

		_cleanup_close_ int nfd = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
				return -errno;
			goto unreachable;
		}

		struct stat st;
		if (fstat(nfd, &st) < 0)
			return -errno;

		if (S_ISLNK(st.st_mode)) {
			_cleanup_free_ char *target = NULL;
			int r;

			if (++n_followed > CANONICAL_MAX_LINKS)
				return -ELOOP;
			r = read_link_fd(nfd, (size_t)st.st_size, &target);
			if (r < 0)
				return r;
			if (!*target)
				return -ENOENT;

			GROW(c->links, cap, c->n_links + 1);
			c->links[c->n_links++] = (struct canonical_link){
				.link = path_join(resolved, comp),
				.target = xstrdup(target),
			};

			char *next = xasprintf("%s/%s", target, s);
			if (target[0] == '/') {
				free(resolved);
				resolved = xstrdup("/");
				safe_close(fd);
				fd = open_root();
				if (fd < 0)
					return fd;
			}
			free(rest);
			rest = next;
			s = rest;
			continue;
		}

		char *joined = path_join(resolved, comp);
		free(resolved);
		resolved = joined;
		safe_close(fd);
		fd = TAKE_FD(nfd);
	}

	c->path = TAKE_PTR(resolved);
	*ret = TAKE_PTR(c);
	return 0;

unreachable:
	/* The rest cannot be looked at: keep it as written. */
	c->path = path_join(resolved, at);
	c->exists = false;
	*ret = TAKE_PTR(c);
	return 0;
}
