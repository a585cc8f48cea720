/* Profile -> resolved policy (DESIGN §2).
 *
 * Order of work, and why:
 *  1. the working directory and workspace roots, because `:workspace_roots`
 *     entries expand over them;
 *  2. every profile entry, canonicalised, remembering each symlink crossed;
 *  3. protected metadata under each writable root, then the `.git` gitdir
 *     targets, which are protected only where steps 2 and 3 left them
 *     writable;
 *  4. the symlink check, against the complete policy, since whether a
 *     symlink can be replaced depends on every entry, protected ones too;
 *  5. dropping `:minimal` paths that change nothing, warnings, sorting. */

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "plan/canonical.h"
#include "plan/resolve.h"
#include "policy/glob.h"
#include "util/path.h"
#include "util/strv.h"

/* What the `:minimal` special grants on Linux (DESIGN §2). */
static const char *const minimal_paths[] = {
	"/bin", "/sbin", "/usr", "/etc", "/lib", "/lib64", "/nix/store", "/run/current-system/sw",
};

/* Read at most this much of a `.git` or `commondir` file: both hold one
 * path, and the file is attacker-controlled content. */
#define GIT_POINTER_MAX 4096

/* A symlink crossed on the way to an entry's canonical path. */
struct crossing {
	char *path; /* the entry as named, before canonicalisation */
	char *link;
	char *target;
	bool protected; /* ORIGIN_PROTECTED or ORIGIN_GITDIR */
	struct source_location where;
};

struct resolver {
	const struct profile *profile;
	const struct resolve_env *env;
	struct error *reterr;
	struct policy *pol;
	size_t cap_entries;
	struct crossing *crossings;
	size_t n_crossings, cap_crossings;
};

static void resolver_done(struct resolver *r)
{
	for (size_t i = 0; i < r->n_crossings; i++) {
		free(r->crossings[i].path);
		free(r->crossings[i].link);
		free(r->crossings[i].target);
	}
	free(r->crossings);
	policy_free(r->pol);
}

static void warnf(struct resolver *r, const char *fmt, ...) _printf_(2, 3);
static void warnf(struct resolver *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		s = xstrdup("(out of memory)");
	strv_consume(&r->pol->warnings, s);
}

/* Source locations point into the policy's own `sources` list. */
static struct source_location relocate(struct resolver *r, struct source_location w)
{
	if (!w.file)
		return w;
	STRV_FOREACH (s, r->pol->sources)
		if (streq(*s, w.file)) {
			w.file = *s;
			return w;
		}
	strv_push(&r->pol->sources, w.file);
	w.file = r->pol->sources[strv_length(r->pol->sources) - 1];
	return w;
}

/* Splits RAW into a literal base and the rest as written: "~/x" gives
 * ($HOME, "x"), "~" ($HOME, NULL), "/a/b" ("/", "/a/b"; *RET_HOME NULL).
 * Anything else is an error: DESIGN §2 names no base for a relative path. */
static int split_home(struct resolver *r, const char *raw, struct source_location where,
		      char **ret_home, const char **ret_rel)
{
	const char *home = r->env->home;

	if (raw[0] == '~' && (raw[1] == '\0' || raw[1] == '/')) {
		if (!home || !*home)
			return error_setf(r->reterr, where.file, where.line, where.column,
					  "'%s': cannot expand '~': $HOME is not set", raw);
		if (home[0] != '/')
			return error_setf(r->reterr, where.file, where.line, where.column,
					  "'%s': cannot expand '~': $HOME (%s) is not absolute",
					  raw, home);
		*ret_home = path_normalize(home);
		*ret_rel = raw[1] ? raw + 2 : NULL;
		return 0;
	}
	if (raw[0] != '/')
		return error_setf(r->reterr, where.file, where.line, where.column,
				  "path '%s' must be absolute, start with '~' or be a special path "
				  "such as ':workspace_roots'",
				  raw);
	*ret_home = NULL;
	*ret_rel = raw;
	return 0;
}

/* The same for a plain path (workspace roots are never globs). */
static int expand_path(struct resolver *r, const char *raw, struct source_location where,
		       char **ret)
{
	_cleanup_free_ char *home = NULL;
	const char *rel;
	int k = split_home(r, raw, where, &home, &rel);

	if (k < 0)
		return k;
	*ret = path_join(home ? home : "/", rel);
	return 0;
}

/* Adds E, taking ownership of its strings. Two entries naming the same
 * canonical path keep one: the one that exists, then the one the tie rule
 * prefers (none > write > read), then the first; policy_access() would
 * pick the same one, so nothing changes but the listing. */
static void add_entry(struct resolver *r, struct policy_entry e)
{
	struct policy *pol = r->pol;

	for (size_t i = 0; i < pol->n_entries; i++) {
		struct policy_entry *x = &pol->entries[i];
		if (x->glob != e.glob || !streq(x->path, e.path))
			continue;
		bool replace = x->missing != e.missing
				       ? x->missing
				       : access_tie_rank(e.access) > access_tie_rank(x->access);
		if (replace) {
			struct policy_entry old = *x;
			*x = e;
			e = old;
		}
		free(e.path);
		free(e.spec);
		return;
	}
	GROW(pol->entries, r->cap_entries, pol->n_entries + 1);
	pol->entries[pol->n_entries++] = e;
}

static bool exempt_from_symlink_check(enum special_path special)
{
	/* System paths: a symlink there (/bin -> usr/bin) is replaceable only
	 * by a command that may already write the whole system, and :root and
	 * the workspace roots are canonical before any entry is joined to them. */
	return special == SPECIAL_ROOT || special == SPECIAL_MINIMAL ||
	       special == SPECIAL_SLASH_TMP;
}

/* Canonicalises LEXICAL and records the symlinks it crosses for step 4. */
static int canonicalize(struct resolver *r, const char *lexical, bool record, bool protected,
			struct source_location where, struct canonical **ret)
{
	_cleanup_canonical_free_ struct canonical *c = NULL;
	int k = canonical_resolve(lexical, &c);

	if (k < 0)
		return error_setf_errno(r->reterr, k, where.file, where.line, where.column,
					"cannot resolve '%s': %s", lexical, strerror(-k));
	for (size_t i = 0; record && i < c->n_links; i++) {
		GROW(r->crossings, r->cap_crossings, r->n_crossings + 1);
		r->crossings[r->n_crossings++] = (struct crossing){
			.path = xstrdup(lexical),
			.link = xstrdup(c->links[i].link),
			.target = xstrdup(c->links[i].target),
			.protected = protected,
			.where = where,
		};
	}
	*ret = TAKE_PTR(c);
	return 0;
}

static bool has_dotdot_component(const char *s)
{
	for (const char *c = s; *c;) {
		const char *e = strchrnul(c, '/');
		if (e - c == 2 && c[0] == '.' && c[1] == '.')
			return true;
		c = *e ? e + 1 : e;
	}
	return false;
}

/* Adds the entry FE names as REL below BASE. BASE is a literal absolute
 * directory ("/" for an absolute path, $HOME for "~/x", a workspace root, or
 * what a special path expands to); REL is the rest as written (NULL for
 * BASE itself), the only part that can be a glob: a '[' in the name of a
 * workspace root is just a character. SPEC says how the profile named it. */
static int add_resolved(struct resolver *r, const struct fs_entry *fe, const char *base,
			const char *rel, const char *spec)
{
	struct source_location where = relocate(r, fe->where);
	const char *written = fe->path ? fe->path : spec;
	bool record = !exempt_from_symlink_check(fe->special);
	_cleanup_free_ char *pattern = rel ? xstrdup(rel) : NULL;
	bool glob = pattern && (fe->glob || path_has_glob(pattern));
	_cleanup_canonical_free_ struct canonical *c = NULL;
	int k;

	if (glob && fe->access != ACCESS_NONE) {
		/* "dir/" "**" on read or write just means the subtree (DESIGN §2). */
		size_t n = strlen(pattern);
		if (streq(pattern, "**"))
			pattern[0] = '\0';
		else if (n >= 3 && streq(pattern + n - 3, "/**"))
			pattern[n == 3 ? 1 : n - 3] = '\0';
		glob = path_has_glob(pattern);
		if (glob)
			return error_setf(r->reterr, where.file, where.line, where.column,
					  "glob '%s' is only allowed with access none (it is %s)",
					  written, access_to_string(fe->access));
	}

	if (!glob) {
		_cleanup_free_ char *path = path_join(base, pattern);
		k = canonicalize(r, path, record, false, where, &c);
		if (k < 0)
			return k;
		add_entry(r, (struct policy_entry){
				     .path = TAKE_PTR(c->path),
				     .access = fe->access,
				     .origin = ORIGIN_PROFILE,
				     /* No backend can grant what is not there; the
				      * warning is emitted once, after deduplication. */
				     .missing = fe->access == ACCESS_WRITE && !c->exists,
				     .spec = xstrdup(spec),
				     .where = where,
			     });
		return 0;
	}

	const char *why = NULL;
	if (glob_validate(pattern, &why) < 0)
		return error_setf(r->reterr, where.file, where.line, where.column,
				  "invalid glob '%s': %s", written, why);
	/* ".." would be resolved lexically before matching and could walk the
	 * pattern out of the directory it was written for. */
	if (has_dotdot_component(pattern))
		return error_setf(r->reterr, where.file, where.line, where.column,
				  "glob '%s' must not contain '..'", written);

	/* Globs stay symbolic (the plan expands them before launch), but their
	 * static directory is canonicalised like any path, so that they are
	 * compared with canonical paths in policy_access(). */
	_cleanup_free_ char *escaped_base = glob_escape(base);
	_cleanup_free_ char *full = path_join(escaped_base, pattern);
	_cleanup_free_ char *prefix = glob_static_prefix(full);
	k = canonicalize(r, prefix, record, false, where, &c);
	if (k < 0)
		return k;
	_cleanup_free_ char *escaped = glob_escape(c->path);
	const char *rest = glob_static_rest(full);
	add_entry(r, (struct policy_entry){
			     .path = streq(c->path, "/") ? xasprintf("/%s", rest)
							 : xasprintf("%s/%s", escaped, rest),
			     .access = ACCESS_NONE,
			     .glob = true,
			     .origin = ORIGIN_PROFILE,
			     .spec = xstrdup(spec),
			     .where = where,
		     });
	return 0;
}

static int resolve_workspace_entry(struct resolver *r, const struct fs_entry *fe)
{
	const char *sub = fe->path;
	bool root_itself = !sub || !*sub || streq(sub, ".");
	_cleanup_free_ char *spec =
		root_itself ? xstrdup(":workspace_roots") : xasprintf(":workspace_roots/%s", sub);

	if (!root_itself && (sub[0] == '/' || sub[0] == '~'))
		return error_setf(r->reterr, fe->where.file, fe->where.line, fe->where.column,
				  "':workspace_roots' key '%s' must be a path relative to each "
				  "workspace root",
				  sub);
	STRV_FOREACH (root, r->pol->workspace_roots) {
		int k = add_resolved(r, fe, *root, root_itself ? NULL : sub, spec);
		if (k < 0)
			return k;
	}
	return 0;
}

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int resolve_profile_entry(struct resolver *r, const struct fs_entry *fe)
{
	switch (fe->special) {
	case SPECIAL_ROOT:
		return add_resolved(r, fe, "/", NULL, ":root");

	case SPECIAL_MINIMAL:
		for (size_t i = 0; i < ELEMENTSOF(minimal_paths); i++) {
			struct stat st;
			/* stat, not lstat: a dangling /lib64 link grants nothing. */
			if (stat(minimal_paths[i], &st) < 0)
				continue;
			int k = add_resolved(r, fe, minimal_paths[i], NULL, ":minimal");
			if (k < 0)
				return k;
		}
		return 0;

	case SPECIAL_WORKSPACE_ROOTS:
		return resolve_workspace_entry(r, fe);

	case SPECIAL_TMPDIR: {
		const char *t = r->env->tmpdir;
		/* An unset, empty or relative $TMPDIR names no directory here;
		 * programs fall back to /tmp, which :slash_tmp covers. */
		if (!t || t[0] != '/')
			return 0;
		return add_resolved(r, fe, t, NULL, ":tmpdir");
	}

	case SPECIAL_SLASH_TMP:
		if (!is_directory("/tmp"))
			return 0;
		return add_resolved(r, fe, "/tmp", NULL, ":slash_tmp");

	case SPECIAL_UNKNOWN:
		/* Kept for forward compatibility: a config written for a newer
		 * cordon still runs, with less granted rather than more. */
		warnf(r, "unknown special path '%s' grants nothing", fe->path ? fe->path : "?");
		return 0;

	case SPECIAL_NONE: {
		if (!fe->path || !*fe->path)
			return error_setf(r->reterr, fe->where.file, fe->where.line,
					  fe->where.column, "empty path");
		_cleanup_free_ char *home = NULL;
		const char *rel;
		int k = split_home(r, fe->path, fe->where, &home, &rel);
		if (k < 0)
			return k;
		return add_resolved(r, fe, home ? home : "/", rel, fe->path);
	}

	default:
		return error_setf(r->reterr, fe->where.file, fe->where.line, fe->where.column,
				  "invalid special path");
	}
}

/* Adds workspace root RAW unless it is missing (warning) or already listed.
 * Unlike the working directory, which the command is started in and so is
 * taken as it canonically is, an extra root is checked for symlinks like
 * any writable entry. */
static int add_workspace_root(struct resolver *r, const char *raw, bool relative_to_cwd)
{
	_cleanup_free_ char *abs = NULL;
	_cleanup_canonical_free_ struct canonical *c = NULL;
	int k;

	if (relative_to_cwd && raw[0] != '/' && raw[0] != '~')
		abs = path_join(r->pol->cwd, raw);
	else if (raw[0] == '/' || raw[0] == '~') {
		k = expand_path(r, raw, (struct source_location){ 0 }, &abs);
		if (k < 0)
			return k;
	} else
		return error_setf(r->reterr, NULL, 0, 0,
				  "workspace root '%s' of profile '%s' must be absolute or start "
				  "with '~'",
				  raw, r->profile->name);

	/* Checked like any writable entry: a previous run may have planted
	 * this root as a symlink inside what it could write. */
	k = canonicalize(r, abs, true, false, (struct source_location){ 0 }, &c);
	if (k < 0)
		return k;
	if (!c->exists) {
		warnf(r, "workspace root %s does not exist; skipped", c->path);
		return 0;
	}
	/* A missing root may come from another machine's config; a root that
	 * exists as a file is a mistake that no mount can make sense of. */
	if (!is_directory(c->path))
		return error_setf(r->reterr, NULL, 0, 0,
				  "workspace root %s is not a directory; refusing to run", c->path);
	if (!strv_contains(r->pol->workspace_roots, c->path))
		strv_push(&r->pol->workspace_roots, c->path);
	return 0;
}

static int resolve_workspace_roots(struct resolver *r)
{
	const char *cwd = r->env->cwd;
	_cleanup_free_ char *abs = NULL;
	_cleanup_canonical_free_ struct canonical *c = NULL;
	int k;

	if (!cwd || !*cwd)
		return error_setf(r->reterr, NULL, 0, 0, "no working directory given");
	if (cwd[0] == '/')
		abs = xstrdup(cwd);
	else {
		_cleanup_free_ char *here = getcwd(NULL, 0);
		if (!here) {
			k = -errno;
			return error_setf_errno(r->reterr, k, NULL, 0, 0,
						"cannot get the current directory: %s",
						strerror(-k));
		}
		abs = path_join(here, cwd);
	}
	k = canonical_resolve(abs, &c);
	if (k < 0)
		return error_setf_errno(r->reterr, k, NULL, 0, 0,
					"cannot resolve working directory '%s': %s", cwd,
					strerror(-k));
	if (!c->exists)
		return error_setf_errno(r->reterr, -ENOENT, NULL, 0, 0,
					"working directory '%s' does not exist", cwd);
	if (!is_directory(c->path))
		return error_setf_errno(r->reterr, -ENOTDIR, NULL, 0, 0,
					"working directory '%s' is not a directory", cwd);

	/* The command starts in the canonical directory (DESIGN §4 step 7), and
	 * it is the first workspace root. */
	r->pol->cwd = xstrdup(c->path);
	strv_push(&r->pol->workspace_roots, c->path);

	STRV_FOREACH (w, r->env->workspace_roots) {
		k = add_workspace_root(r, *w, true);
		if (k < 0)
			return k;
	}
	STRV_FOREACH (w, r->profile->workspace_roots) {
		k = add_workspace_root(r, *w, false);
		if (k < 0)
			return k;
	}
	return 0;
}

static const struct policy_entry *find_entry(const struct policy *pol, const char *path)
{
	for (size_t i = 0; i < pol->n_entries; i++)
		if (!pol->entries[i].glob && streq(pol->entries[i].path, path))
			return &pol->entries[i];
	return NULL;
}

/* Adds a read-only entry for LEXICAL (which names protected metadata)
 * unless an entry already decides exactly that path. A protected name is
 * added even when it does not exist, so that it cannot be created inside
 * (the plan masks it). A gitdir target (GITDIR) is added only when it
 * exists and the policy so far would let the command write it. */
static int protect(struct resolver *r, const char *lexical, enum entry_origin origin,
		   const char *spec, struct source_location where)
{
	bool gitdir = origin == ORIGIN_GITDIR;
	_cleanup_canonical_free_ struct canonical *c = NULL;
	/* Record the symlinks even when no entry is added: the link is what the
	 * command could swap (see check_symlinks()). */
	int k = canonicalize(r, lexical, true, true, where, &c);

	if (k < 0)
		return k;
	if (find_entry(r->pol, c->path))
		return 0;
	if (gitdir && (!c->exists || policy_access(r->pol, c->path, NULL) != ACCESS_WRITE))
		return 0;
	add_entry(r, (struct policy_entry){
			     .path = TAKE_PTR(c->path),
			     .access = ACCESS_READ,
			     .origin = origin,
			     .spec = xstrdup(spec),
			     .where = where,
		     });
	return 0;
}

/* Reads the first line of the regular file NAME in directory DIR, after
 * PREFIX (when non-NULL, the line must start with it). Returns 0 with
 * *RET NULL when there is no such file or line. */
static int read_pointer_file(const char *dir, const char *name, const char *prefix, char **ret)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	char buf[GIT_POINTER_MAX + 1];
	struct stat st;
	ssize_t n;

	*ret = NULL;
	if (dfd < 0)
		return 0;
	/* O_NOFOLLOW: a symlink here is the fail-closed case, reported by the
	 * symlink check, not something to read through. O_NONBLOCK: a FIFO
	 * planted under this name must not hang the launch; it is then
	 * rejected as not a regular file. */
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	n = read(fd, buf, GIT_POINTER_MAX);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';

	const char *v = buf;
	if (prefix) {
		if (!strneq(v, prefix, strlen(prefix)))
			return 0;
		v += strlen(prefix);
	}
	v += strspn(v, " \t");
	size_t len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	*ret = xstrndup(v, len);
	return 0;
}

/* R/.git may be a "gitdir: X" file (worktrees, submodules). Git then takes
 * hooks and config from X, and for a worktree also from the common
 * directory named by X/commondir; a command that can write there can make
 * the user's next git command run its code, so both are protected like
 * R/.git itself (DESIGN §2). */
static int protect_gitdir(struct resolver *r, const char *root, struct source_location where)
{
	_cleanup_free_ char *dotgit = path_join(root, ".git");
	_cleanup_free_ char *gitdir = NULL, *commondir = NULL;
	_cleanup_free_ char *x = NULL, *common = NULL;
	_cleanup_canonical_free_ struct canonical *cx = NULL;
	int k;

	/* A .git we cannot read is not skipped: the gitdir it names would be
	 * left writable. */
	k = read_pointer_file(root, ".git", "gitdir:", &gitdir);
	if (k < 0)
		return error_setf_errno(r->reterr, k, where.file, where.line, where.column,
					"cannot read %s: %s", dotgit, strerror(-k));
	if (!gitdir)
		return 0;
	x = path_join(root, gitdir); /* relative to the directory holding .git */
	_cleanup_free_ char *spec = xasprintf("gitdir of %s", dotgit);
	k = protect(r, x, ORIGIN_GITDIR, spec, where);
	if (k < 0)
		return k;

	k = canonical_resolve(x, &cx);
	if (k < 0 || !cx->exists)
		return 0;
	k = read_pointer_file(cx->path, "commondir", NULL, &commondir);
	if (k < 0)
		return error_setf_errno(r->reterr, k, where.file, where.line, where.column,
					"cannot read %s/commondir: %s", cx->path, strerror(-k));
	if (!commondir)
		return 0;
	common = path_join(cx->path, commondir); /* relative to the gitdir */
	_cleanup_free_ char *cspec = xasprintf("commondir of %s", dotgit);
	return protect(r, common, ORIGIN_GITDIR, cspec, where);
}

/* A protected name must be one or more plain components below the root. */
static bool valid_protected_name(const char *n)
{
	if (!n || !*n || n[0] == '/')
		return false;
	for (const char *c = n; *c;) {
		const char *e = strchrnul(c, '/');
		if (e == c || (e - c == 1 && c[0] == '.') ||
		    (e - c == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c = *e ? e + 1 : e;
	}
	return true;
}

static int add_protected(struct resolver *r)
{
	char *const *names = profile_protected_names(r->profile);
	/* Protected entries are added while walking the list: take the
	 * writable roots first. */
	_cleanup_strv_free_ char **roots = NULL;
	_cleanup_free_ struct source_location *wheres = NULL;
	size_t n = 0;
	int k;

	STRV_FOREACH (name, names)
		if (!valid_protected_name(*name))
			warnf(r, "protected name '%s' is not a relative path below a root; ignored",
			      *name);

	wheres = xcalloc(r->pol->n_entries + 1, sizeof(*wheres));
	for (size_t i = 0; i < r->pol->n_entries; i++) {
		const struct policy_entry *e = &r->pol->entries[i];
		/* A single writable file has no metadata below it. */
		if (e->access != ACCESS_WRITE || e->glob || e->missing || !is_directory(e->path))
			continue;
		strv_push(&roots, e->path);
		wheres[n++] = e->where;
	}

	for (size_t i = 0; i < n; i++)
		STRV_FOREACH (name, names) {
			if (!valid_protected_name(*name))
				continue;
			_cleanup_free_ char *p = path_join(roots[i], *name);
			k = protect(r, p, ORIGIN_PROTECTED, *name, wheres[i]);
			if (k < 0)
				return k;
		}

	/* After every protected name, so that a gitdir already covered by
	 * another root's protected .git is left alone. */
	if (strv_contains(names, ".git"))
		for (size_t i = 0; i < n; i++) {
			k = protect_gitdir(r, roots[i], wheres[i]);
			if (k < 0)
				return k;
		}
	return 0;
}

/* Fails closed when an entry goes through a symlink the command can
 * replace. Mounts are made on canonical paths before the command starts;
 * afterwards the command can rename the symlink away and put a real
 * directory in its place (`R/.cordon -> decoy` becomes a real `.cordon`
 * the next cordon run obeys), or point it somewhere else for the next run
 * (`R/build -> ~/.ssh` with `R/build = write`). A symlink can be replaced
 * by whoever may write the directory holding it, so the test is whether
 * the link's parent is writable under this policy because of an explicit
 * writable entry (the implicit "/" of unrestricted profiles does not count:
 * there the kernel's own permissions, not the sandbox, protect /usr/bin). */
static int check_symlinks(struct resolver *r)
{
	for (size_t i = 0; i < r->n_crossings; i++) {
		const struct crossing *x = &r->crossings[i];
		const struct policy_entry *root = NULL;
		_cleanup_free_ char *parent = path_parent(x->link);

		if (policy_access(r->pol, parent, &root) != ACCESS_WRITE || !root)
			continue;
		if (x->protected)
			return error_setf(r->reterr, x->where.file, x->where.line, x->where.column,
					  "%s: protected path %s a symlink (%s -> %s) inside "
					  "writable root %s; refusing to run",
					  x->path, streq(x->path, x->link) ? "is" : "goes through",
					  x->link, x->target, root->path);
		return error_setf(r->reterr, x->where.file, x->where.line, x->where.column,
				  "%s: path goes through a symlink (%s -> %s) inside writable "
				  "root %s, which the command could replace; refusing to run "
				  "(name the target instead)",
				  x->path, x->link, x->target, root->path);
	}
	return 0;
}

/* `:minimal` expands to whatever exists here, often overlapping itself
 * (/bin -> /usr/bin below /usr) or `:root`. An expansion that leaves every
 * path's access unchanged is dropped so explain and the mount plan show only
 * what matters. Removing an entry whose path has the same access without it
 * changes no path's access, so the removals can be done one by one. */
static void prune_minimal(struct resolver *r)
{
	struct policy *pol = r->pol;

	for (size_t i = 0; i < pol->n_entries;) {
		struct policy_entry *e = &pol->entries[i];
		if (e->origin != ORIGIN_PROFILE || e->glob || e->missing ||
		    !streq_ptr(e->spec, ":minimal")) {
			i++;
			continue;
		}
		/* Ask the policy without E: swap it past the end for a moment. */
		struct policy_entry self = *e, *last = &pol->entries[pol->n_entries - 1];
		*e = *last;
		*last = self;
		pol->n_entries--;
		bool redundant = policy_access(pol, self.path, NULL) == self.access;
		pol->n_entries++;
		*last = *e;
		*e = self;
		if (!redundant) {
			i++;
			continue;
		}
		free(e->path);
		free(e->spec);
		memmove(e, e + 1, (pol->n_entries - i - 1) * sizeof(*e));
		pol->n_entries--;
	}
}

static void copy_network(struct resolver *r)
{
	const struct network_policy *src = &r->profile->network;
	struct network_policy *dst = &r->pol->network;

	*dst = *src;
	dst->domains = NULL;
	dst->n_domains = 0;
	if (src->n_domains == 0)
		return;
	dst->domains = xcalloc(src->n_domains, sizeof(*dst->domains));
	for (size_t i = 0; i < src->n_domains; i++) {
		dst->domains[i] = src->domains[i];
		dst->domains[i].pattern = xstrdup(src->domains[i].pattern);
		dst->domains[i].where = relocate(r, src->domains[i].where);
		dst->n_domains++;
	}
}

int policy_resolve(const struct profile *p, const struct resolve_env *env, struct policy **ret,
		   struct error *reterr)
{
	_cleanup_(resolver_done) struct resolver r = {
		.profile = p,
		.env = env,
		.reterr = reterr,
		.pol = xcalloc(1, sizeof(struct policy)),
	};
	struct policy *pol = r.pol;
	int k;

	pol->profile_name = xstrdup(p->name);
	pol->fs_kind = p->fs_kind;
	pol->glob_scan_max_depth = p->glob_scan_max_depth;
	pol->landlock_ignore_carveouts = p->landlock_ignore_carveouts;
	copy_network(&r);

	k = resolve_workspace_roots(&r);
	if (k < 0)
		return k;

	/* Entries are resolved for every kind: an unrestricted profile still
	 * hides what its deny entries and globs name. */
	for (size_t i = 0; i < p->n_entries; i++) {
		k = resolve_profile_entry(&r, &p->entries[i]);
		if (k < 0)
			return k;
	}

	/* Protected metadata guards writable roots; unrestricted and external
	 * profiles have none by definition (DESIGN §2). */
	if (p->fs_kind == FS_RESTRICTED) {
		pol->protected_names = strv_copy(profile_protected_names(p));
		k = add_protected(&r);
		if (k < 0)
			return k;
	}

	k = check_symlinks(&r);
	if (k < 0)
		return k;

	prune_minimal(&r);
	policy_sort_entries(pol);
	for (size_t i = 0; i < pol->n_entries; i++)
		if (pol->entries[i].missing)
			warnf(&r, "writable root %s does not exist; skipped",
			      pol->entries[i].path);

	*ret = TAKE_PTR(r.pol);
	return 0;
}
