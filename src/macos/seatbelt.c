/* Resolved policy -> Seatbelt profile (SBPL) + sandbox-exec parameters.
 *
 * How SBPL decides: for an operation on a path, the last rule in the
 * profile whose operation and filter match decides; `(deny default)` at the
 * top is the answer when none does. The precedence rule (DESIGN §2: nearest
 * entry wins, ties none > write > read) therefore becomes an ordering:
 *
 *  1. deny globs: `(deny file* process-exec (regex DENY_GLOB_n))`, the regex
 *     matching every path that is, or lies below, a match. Being regexes,
 *     they also cover files created after the sandbox started.
 *  2. entries, shallowest first, and at equal depth read, then write, then
 *     none (so the tie winner comes last). Each entry decides everything
 *     about its subtree, so the last entry that contains a path is its
 *     nearest one:
 *       write  (allow file* process-exec (subpath P))
 *       read   (deny file* process-exec (subpath P)), then
 *              (allow file-read* file-test-existence file-map-executable
 *                     process-exec (subpath P))
 *       none   (deny file* process-exec (subpath P))
 *     `subpath` matches P itself too, and the rules that take access away
 *     also name P exactly (a `literal`, or the any-case regex below): a
 *     read-only or denied name that does not exist cannot be created
 *     (file-write-create on P is denied).
 *     A glob beats an entry when it matches at the entry's depth or deeper,
 *     so a read or write entry E only applies where no glob matches E or a
 *     path between E and the one asked about: its filter is
 *     `(require-all (subpath P) (require-not (regex P_GLOBBED)))`, with
 *     P_GLOBBED computed from what each glob can still match below E
 *     (seatbelt_glob_residual()). An entry that a glob matches itself is
 *     left out: the glob decides its whole subtree.
 *  3. pins: `(deny file-write-unlink …)` on each writable root and each
 *     writable directory above a read-only or denied path. Seatbelt checks
 *     paths, not mounts: renaming such a directory would carry the
 *     protected path out from under its rule. (On Linux they are mount
 *     points, which cannot be renamed either.)
 *  4. devices, unless an entry below /dev or a deny glob says otherwise
 *     (as on Linux, where /dev is the sandbox's own).
 *  5. `file-read-metadata` of the directories above every readable entry
 *     and the working directory (realpath() and getcwd() stat them; on
 *     Linux they exist in the sandbox as mount points).
 *
 * Case: APFS is case-insensitive by default, so `.GIT` is `.git`. Rules that
 * take access away (read and none entries, deny globs, pins) match any case
 * (`P_ANYCASE` regexes); rules that grant match the exact case. A path in
 * the wrong case can only get less access than the one the policy names.
 *
 * Paths and regexes are `-D` parameters: no byte of a path is part of the
 * profile text (not even in a comment), so no file name can change the
 * profile's structure. Regexes are built here with every metacharacter
 * escaped (seatbelt_regex.c) rather than with SBPL's regex-quote, because
 * the glob part needs translating anyway and one translator, checked
 * against glob_match() and regcomp(3) in the tests, is easier to trust.
 *
 * What is approximated (stricter or documented): see README "macOS". */
#include <stdarg.h>
#include <strings.h>

#include "macos/seatbelt.h"
#include "macos/seatbelt_regex.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* `:minimal` on macOS: what programs need to start and run, nothing that
 * holds user data. Paths that do not exist grant nothing. */
const char *const seatbelt_minimal_paths[] = {
	"/bin",                                  /* the shells and base tools */
	"/sbin",
	"/usr",                                  /* libraries, tools, /usr/local */
	"/System",                               /* frameworks, the dyld shared cache */
	"/Library/Apple",                        /* Apple-installed system components */
	"/Library/Frameworks",                   /* system-wide frameworks (python.org Python) */
	"/Library/Preferences",                  /* system-wide defaults read by libSystem */
	"/Library/Developer/CommandLineTools",   /* clang, git, make behind /usr/bin shims */
	"/Applications/Xcode.app/Contents/Developer", /* the same, from Xcode */
	"/private/etc",                          /* hosts, passwd, shells, ssl, zprofile */
	"/private/var/db/timezone",              /* /etc/localtime points here */
	"/private/var/db/dyld",                  /* the shared cache before macOS 11 */
	"/private/var/db/xcode_select_link",     /* which developer directory shims use */
	"/private/var/select",                   /* which shell /bin/sh runs */
	"/opt/homebrew",                         /* Homebrew on Apple silicon */
	"/nix/store",                            /* Nix, as on Linux */
	NULL,
};

/* macOS's top-level symlinks into /private. */
static const char *const private_links[] = { "/tmp", "/var", "/etc" };

/* Reading is: the data, the metadata and xattrs (file-read*), whether the
 * path exists, mapping it executable (dyld loading a library) and
 * executing it: what cannot be read cannot be run, as on Linux. */
#define OPS_READ "file-read* file-test-existence file-map-executable process-exec"

char *seatbelt_macos_path(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(private_links); i++)
		if (path_is_at_or_below(path, private_links[i]))
			return xasprintf("/private%s", path);
	return xstrdup(path);
}

/* The same for a glob: only its literal leading component can be mapped. */
static char *macos_glob(const char *pattern)
{
	for (size_t i = 0; i < ELEMENTSOF(private_links); i++) {
		size_t n = strlen(private_links[i]);
		if (strneq(pattern, private_links[i], n) && (pattern[n] == '/' || pattern[n] == '\0'))
			return xasprintf("/private%s", pattern);
	}
	return xstrdup(pattern);
}

static bool is_minimal(const struct policy_entry *e)
{
	return !e->glob && e->origin == ORIGIN_PROFILE && streq_ptr(e->spec, ":minimal");
}

static void push_entry(struct policy *m, size_t *cap, const struct policy_entry *e, char *path)
{
	GROW(m->entries, *cap, m->n_entries + 1);
	m->entries[m->n_entries++] = (struct policy_entry){
		.path = path,
		.access = e->access,
		.glob = e->glob,
		.origin = e->origin,
		.missing = e->missing,
		.spec = e->spec ? xstrdup(e->spec) : NULL,
	};
}

/* Drops `:minimal` paths that change nothing, as the resolver does, so the
 * profile shows only what matters. Removing an entry whose path has the
 * same access without it changes no path's access. */
static void prune_minimal(struct policy *m)
{
	for (size_t i = 0; i < m->n_entries;) {
		struct policy_entry *e = &m->entries[i];
		if (!is_minimal(e)) {
			i++;
			continue;
		}
		struct policy_entry self = *e, *last = &m->entries[m->n_entries - 1];
		*e = *last;
		*last = self;
		m->n_entries--;
		bool redundant = policy_access(m, self.path, NULL) == self.access;
		m->n_entries++;
		*last = *e;
		*e = self;
		if (!redundant) {
			i++;
			continue;
		}
		free(e->path);
		free(e->spec);
		memmove(e, e + 1, (m->n_entries - i - 1) * sizeof(*e));
		m->n_entries--;
	}
}

struct policy *seatbelt_macos_policy(const struct policy *p)
{
	struct policy *m = xcalloc(1, sizeof(*m));
	size_t cap = 0;
	bool minimal = false;
	enum access minimal_access = ACCESS_NONE;

	m->profile_name = xstrdup(p->profile_name ? p->profile_name : "");
	m->fs_kind = p->fs_kind;
	m->cwd = p->cwd ? seatbelt_macos_path(p->cwd) : NULL;
	STRV_FOREACH (w, p->workspace_roots)
		strv_consume(&m->workspace_roots, seatbelt_macos_path(*w));
	m->protected_names = strv_copy(p->protected_names);
	m->glob_scan_max_depth = p->glob_scan_max_depth;
	m->landlock_ignore_carveouts = p->landlock_ignore_carveouts;
	m->network = p->network;
	m->network.domains = NULL;
	m->network.n_domains = 0;

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		if (is_minimal(e)) {
			/* One profile entry expands to all of them: one access. */
			if (!minimal || access_tie_rank(e->access) > access_tie_rank(minimal_access))
				minimal_access = e->access;
			minimal = true;
			continue;
		}
		push_entry(m, &cap, e, e->glob ? macos_glob(e->path) : seatbelt_macos_path(e->path));
	}
	/* The resolver expanded `:minimal` with the list of the machine it ran
	 * on; the profile runs on macOS. (When every path of it was redundant
	 * the resolver dropped them all, and the policy already grants them.) */
	if (minimal) {
		struct policy_entry e = { .access = minimal_access, .spec = ":minimal" };
		for (size_t i = 0; seatbelt_minimal_paths[i]; i++)
			push_entry(m, &cap, &e, xstrdup(seatbelt_minimal_paths[i]));
		prune_minimal(m);
	}
	/* (qsort() must not be given a NULL array, even an empty one.) */
	if (m->n_entries > 0)
		policy_sort_entries(m);
	return m;
}

void seatbelt_profile_free(struct seatbelt_profile *sp)
{
	if (!sp)
		return;
	free(sp->text);
	strv_free(sp->params);
	strv_free(sp->setenv);
	free(sp);
}

/* An entry as the profile emits it. */
struct rule_entry {
	const struct policy_entry *e;
	const char *name;    /* parameter holding the path */
	const char *anycase; /* regex parameter: the path or below, any case; or NULL */
	const char *globbed; /* regex parameter: a deny glob matches at or below; or NULL */
};

struct builder {
	const struct policy *pol; /* seatbelt_macos_policy() */
	const struct seatbelt_options *opt;
	struct strbuf out;
	char **names;  /* parameter names ... */
	char **values; /* ... and their values, in order of first use */
	struct seatbelt_glob **globs; /* compiled deny globs, any case */
	const char **glob_names;      /* their DENY_GLOB_n parameters */
	size_t n_globs;
	struct rule_entry *rules;
	size_t n_rules;
};

static void builder_done(struct builder *b)
{
	strbuf_free(&b->out);
	strv_free(b->names);
	strv_free(b->values);
	for (size_t i = 0; i < b->n_globs; i++)
		seatbelt_glob_free(b->globs[i]);
	free(b->globs);
	free(b->glob_names);
	free(b->rules);
}

static void emit(struct builder *b, const char *s)
{
	strbuf_puts(&b->out, s);
}

static void emitf(struct builder *b, const char *fmt, ...) _printf_(2, 3);
static void emitf(struct builder *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&b->out, fmt, ap);
	va_end(ap);
}

/* The parameter holding VALUE: an existing one, or a new one called NAME
 * (when NUMBERED, NAME_0, NAME_1, … in order of first use). The returned
 * name lives as long as the builder. */
static const char *param(struct builder *b, const char *name, bool numbered, const char *value)
{
	size_t n = strv_length(b->values);

	for (size_t i = 0; i < n; i++)
		if (streq(b->values[i], value))
			return b->names[i];
	if (numbered) {
		size_t len = strlen(name);
		unsigned k = 0;
		for (size_t i = 0; i < n; i++)
			if (strneq(b->names[i], name, len) && b->names[i][len] == '_' &&
			    b->names[i][len + 1 + strspn(b->names[i] + len + 1, "0123456789")] == '\0')
				k++;
		strv_consume(&b->names, xasprintf("%s_%u", name, k));
	} else
		strv_push(&b->names, name);
	strv_push(&b->values, value);
	return b->names[n];
}

static bool has_letters(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			return true;
	return false;
}

/* "^P(/|$)": P or anything below it, P in any case. */
static char *anycase_subpath_regex(const char *path)
{
	struct strbuf r = { 0 };

	strbuf_putc(&r, '^');
	if (!streq(path, "/"))
		seatbelt_regex_literal(&r, path, true);
	strbuf_puts(&r, "(/|$)");
	return strbuf_steal(&r);
}

static int compile_globs(struct builder *b, struct error *reterr)
{
	const struct policy *p = b->pol;

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		_cleanup_seatbelt_glob_free_ struct seatbelt_glob *g = NULL;
		if (!e->glob)
			continue;
		if (seatbelt_glob_compile(e->path, true, &g) < 0)
			return error_setf(reterr, NULL, 0, 0,
					  "deny glob '%s' is not absolute; cannot express it for Seatbelt",
					  e->path);
		/* A class with no member: the glob matches nothing, here as in
		 * glob_match(). */
		if (seatbelt_glob_is_empty(g))
			continue;
		struct strbuf r = { 0 };
		strbuf_putc(&r, '^');
		seatbelt_glob_regex(g, 0, &r);
		strbuf_puts(&r, "(/|$)");
		_cleanup_free_ char *regex = strbuf_steal(&r);
		b->globs = xrealloc(b->globs, (b->n_globs + 1) * sizeof(*b->globs));
		b->glob_names = xrealloc(b->glob_names, (b->n_globs + 1) * sizeof(*b->glob_names));
		b->glob_names[b->n_globs] = param(b, "DENY_GLOB", true, regex);
		b->globs[b->n_globs++] = TAKE_PTR(g);
	}
	return 0;
}

/* Where do the deny globs match PATH or a path below it? Sets *RET_COVERED
 * when one matches PATH itself; otherwise *RET gets a regex for "some
 * glob matches a path between PATH (inclusive) and the one asked about",
 * or NULL when no glob can match there. */
static void globbed_below(struct builder *b, const char *path, char **ret, bool *ret_covered)
{
	struct strbuf alts = { 0 };
	_cleanup_strv_free_ char **seen = NULL;

	*ret = NULL;
	*ret_covered = false;
	for (size_t k = 0; k < b->n_globs; k++) {
		const struct seatbelt_glob *g = b->globs[k];
		size_t n = seatbelt_glob_length(g);
		_cleanup_free_ bool *states = xcalloc(n + 1, sizeof(bool));
		bool subsumed = false;

		seatbelt_glob_residual(g, path, states);
		if (states[n]) {
			*ret_covered = true;
			strbuf_free(&alts);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			/* After a "**" that can be reached, what follows it is
			 * already one of the ways the "**" alternative goes on. */
			bool skip = subsumed;
			subsumed = states[i] && seatbelt_glob_is_globstar(g, i);
			if (!states[i] || skip)
				continue;
			struct strbuf one = { 0 };
			seatbelt_glob_regex(g, i, &one);
			if (!strv_contains(seen, one.s)) {
				if (seen)
					strbuf_putc(&alts, '|');
				strbuf_puts(&alts, one.s);
				strv_push(&seen, one.s);
			}
			strbuf_free(&one);
		}
	}
	if (!seen)
		return;
	struct strbuf r = { 0 };
	strbuf_putc(&r, '^');
	if (!streq(path, "/"))
		seatbelt_regex_literal(&r, path, true);
	strbuf_printf(&r, "(%s)(/|$)", alts.s);
	strbuf_free(&alts);
	*ret = strbuf_steal(&r);
}

static const char *entry_prefix(enum access a)
{
	switch (a) {
	case ACCESS_WRITE:
		return "WRITABLE_ROOT";
	case ACCESS_READ:
		return "READ_ONLY";
	default:
		return "DENIED";
	}
}

/* Emission order: depth, then path, then read < write < none (the tie
 * winner last). policy_sort_entries() gives depth and path. */
static int rule_cmp(const void *a, const void *b)
{
	const struct rule_entry *x = a, *y = b;
	unsigned dx = path_depth(x->e->path), dy = path_depth(y->e->path);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	int c = strcmp(x->e->path, y->e->path);
	if (c)
		return c;
	return access_tie_rank(x->e->access) - access_tie_rank(y->e->access);
}

static void prepare_rules(struct builder *b, const struct policy_entry *implicit_root)
{
	const struct policy *p = b->pol;

	b->rules = xcalloc(p->n_entries + 1, sizeof(*b->rules));
	for (size_t i = 0; i <= p->n_entries; i++) {
		const struct policy_entry *e = i < p->n_entries ? &p->entries[i] : implicit_root;
		/* A writable root that does not exist is skipped, as in the
		 * mount plan: whether it can be created is up to its parent. */
		if (!e || e->glob || e->missing)
			continue;
		struct rule_entry r = { .e = e };
		if (e->access != ACCESS_NONE) {
			_cleanup_free_ char *below = NULL;
			bool covered;
			globbed_below(b, e->path, &below, &covered);
			if (covered)
				continue;
			r.name = param(b, entry_prefix(e->access), true, e->path);
			if (below) {
				_cleanup_free_ char *n = xasprintf("%s_GLOBBED", r.name);
				r.globbed = param(b, n, false, below);
			}
		} else
			r.name = param(b, entry_prefix(e->access), true, e->path);
		if (e->access != ACCESS_WRITE && has_letters(e->path)) {
			_cleanup_free_ char *n = xasprintf("%s_ANYCASE", r.name);
			_cleanup_free_ char *re = anycase_subpath_regex(e->path);
			r.anycase = param(b, n, false, re);
		}
		b->rules[b->n_rules++] = r;
	}
	if (b->n_rules > 0)
		qsort(b->rules, b->n_rules, sizeof(*b->rules), rule_cmp);
}

/* The filter for granting: exact case, and not where a glob decides. */
static void emit_grant_filter(struct builder *b, const struct rule_entry *r)
{
	if (r->globbed)
		emitf(b, "(require-all (subpath (param \"%s\")) (require-not (regex (param \"%s\"))))",
		      r->name, r->globbed);
	else
		emitf(b, "(subpath (param \"%s\"))", r->name);
}

/* The filter for taking away: any case, and P itself named explicitly
 * (the regex, or a `literal`), so that a missing P cannot be created even
 * if `subpath` were ever read as "strictly below". */
static void emit_deny_filter(struct builder *b, const struct rule_entry *r)
{
	if (r->anycase)
		emitf(b, "(require-any (subpath (param \"%s\")) (regex (param \"%s\")))", r->name,
		      r->anycase);
	else
		emitf(b, "(require-any (literal (param \"%s\")) (subpath (param \"%s\")))",
		      r->name, r->name);
}

static void emit_entries(struct builder *b)
{
	if (b->n_globs) {
		emit(b, "\n;; Deny globs: the matches and everything below them, whenever created.\n"
			"(deny file* process-exec");
		for (size_t i = 0; i < b->n_globs; i++)
			emitf(b, "\n  (regex (param \"%s\"))", b->glob_names[i]);
		emit(b, ")\n");
	}
	if (!b->n_rules)
		return;
	emit(b, "\n;; Entries, shallowest first; at equal depth read, write, none. The last\n"
		";; entry containing a path is its nearest one, and it decides everything.\n");
	for (size_t i = 0; i < b->n_rules; i++) {
		const struct rule_entry *r = &b->rules[i];
		switch (r->e->access) {
		case ACCESS_WRITE:
			emit(b, "(allow file* process-exec ");
			emit_grant_filter(b, r);
			emit(b, ")\n");
			break;
		case ACCESS_READ:
			emit(b, "(deny file* process-exec ");
			emit_deny_filter(b, r);
			emit(b, ")\n(allow " OPS_READ " ");
			emit_grant_filter(b, r);
			emit(b, ")\n");
			break;
		default:
			emit(b, "(deny file* process-exec ");
			emit_deny_filter(b, r);
			emit(b, ")\n");
			break;
		}
	}
}

static void add_unique(char ***v, const char *s)
{
	if (!strv_contains(*v, s))
		strv_push(v, s);
}

static int strv_sort_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	unsigned dx = path_depth(x), dy = path_depth(y);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x, y);
}

static void emit_pins(struct builder *b)
{
	const struct policy *p = b->pol;
	_cleanup_strv_free_ char **pins = NULL;

	for (size_t i = 0; i < b->n_rules; i++) {
		const struct policy_entry *e = b->rules[i].e;
		if (e->access == ACCESS_WRITE) {
			if (!streq(e->path, "/"))
				add_unique(&pins, e->path);
			continue;
		}
		/* Every writable directory above a read-only or denied path. */
		_cleanup_free_ char *a = path_parent(e->path);
		while (!streq(a, "/")) {
			if (policy_access(p, a, NULL) == ACCESS_WRITE)
				add_unique(&pins, a);
			char *up = path_parent(a);
			free(a);
			a = up;
		}
	}
	if (!pins)
		return;
	qsort(pins, strv_length(pins), sizeof(*pins), strv_sort_cmp);
	emit(b, "\n;; Pins: writable roots, and writable directories above read-only or denied\n"
		";; paths, cannot be renamed or removed (that would move what they protect).\n"
		"(deny file-write-unlink");
	STRV_FOREACH (a, pins) {
		struct strbuf r = { 0 };
		strbuf_putc(&r, '^');
		seatbelt_regex_literal(&r, *a, true);
		strbuf_putc(&r, '$');
		_cleanup_free_ char *re = strbuf_steal(&r);
		emitf(b, "\n  (regex (param \"%s\"))", param(b, "PINNED", true, re));
	}
	emit(b, ")\n");
}

/* "(require-not …)" for what overrides the sandbox's own devices, or "". */
static char *device_overrides(struct builder *b)
{
	struct strbuf f = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < b->n_rules; i++)
		if (path_is_below(b->rules[i].e->path, "/dev")) {
			strbuf_printf(&f, " (subpath (param \"%s\"))", b->rules[i].name);
			n++;
		}
	for (size_t i = 0; i < b->n_globs; i++) {
		strbuf_printf(&f, " (regex (param \"%s\"))", b->glob_names[i]);
		n++;
	}
	if (n == 0)
		return xstrdup("");
	_cleanup_free_ char *inner = strbuf_steal(&f);
	return n == 1 ? xasprintf(" (require-not%s)", inner)
		      : xasprintf(" (require-not (require-any%s))", inner);
}

static void emit_devices(struct builder *b)
{
	_cleanup_free_ char *not = device_overrides(b);
	const char *all_open = *not ? "(require-all " : "";
	const char *all_close = *not ? ")" : "";

	emit(b, "\n;; Devices of the sandbox itself (the minimal /dev on Linux), unless an entry\n"
		";; below /dev or a deny glob decides. Terminals: only ioctls (isatty, window\n"
		";; size, raw mode) on the ones the command inherited; opening another of\n"
		";; your terminals by name is denied.\n");
	emitf(b, "(allow file-read* file-test-existence %s(literal \"/dev\")%s%s)\n", all_open, not,
	      all_close);
	emitf(b,
	      "(allow file-read* file-test-existence file-write-data file-ioctl\n"
	      "  %s(require-any (literal \"/dev/null\") (literal \"/dev/zero\") (literal "
	      "\"/dev/random\")\n"
	      "    (literal \"/dev/urandom\") (literal \"/dev/tty\") (literal \"/dev/stdin\")\n"
	      "    (literal \"/dev/stdout\") (literal \"/dev/stderr\") (subpath \"/dev/fd\"))%s%s)\n",
	      all_open, not, all_close);
	emitf(b, "(allow file-ioctl %s(regex \"^/dev/ttys[0-9]+$\")%s%s)\n", all_open, not,
	      all_close);
}

static void emit_ancestors(struct builder *b)
{
	_cleanup_strv_free_ char **dirs = NULL;
	const char *cwd = b->pol->cwd;

	for (size_t i = 0; i <= b->n_rules; i++) {
		const char *path = i < b->n_rules ? b->rules[i].e->path : cwd;
		if (!path || (i < b->n_rules && b->rules[i].e->access == ACCESS_NONE))
			continue;
		_cleanup_free_ char *a = path_parent(path);
		while (!streq(a, "/")) {
			add_unique(&dirs, a);
			char *up = path_parent(a);
			free(a);
			a = up;
		}
	}
	if (dirs)
		qsort(dirs, strv_length(dirs), sizeof(*dirs), strv_sort_cmp);
	emit(b, "\n;; Directories above what is readable: their metadata only (realpath(3),\n"
		";; getcwd(3)); and the links of the system into /private.\n"
		"(allow file-read-metadata (literal \"/\") (literal \"/etc\") (literal \"/tmp\") "
		"(literal \"/var\")");
	STRV_FOREACH (a, dirs)
		emitf(b, "\n  (literal (param \"%s\"))", param(b, "ANCESTOR", true, *a));
	emit(b, ")\n");
}

static int emit_network(struct builder *b, struct error *reterr)
{
	const struct network_policy *n = &b->pol->network;
	/* Certificate checks (Security.framework asks trustd) for TLS through
	 * the network. Not com.apple.SecurityServer: that is the keychain. */
	static const char trust[] = "(allow mach-lookup (global-name \"com.apple.trustd\")\n"
				    "  (global-name \"com.apple.trustd.agent\") (global-name "
				    "\"com.apple.ocspd\"))\n";

	switch (n->mode) {
	case NETWORK_ON:
		emit(b, "\n;; Network: on, as for any program of yours (including UNIX sockets).\n"
			"(allow network*)\n(allow system-socket)\n");
		emit(b, trust);
		break;
	case NETWORK_PROXY:
		emit(b, "\n;; Network: only the proxy cordon started, on the loopback.\n");
		if (!b->opt || b->opt->n_proxy_ports == 0) {
			emit(b, ";; No proxy port was given, so no connection is allowed.\n");
			break;
		}
		emit(b, "(allow network-outbound");
		for (size_t i = 0; i < b->opt->n_proxy_ports; i++) {
			unsigned port = b->opt->proxy_ports[i];
			if (port == 0 || port > 65535)
				return error_setf(reterr, NULL, 0, 0, "proxy port %u is not a TCP port",
						  port);
			_cleanup_free_ char *v = xasprintf("%u", port);
			emitf(b, "\n  (remote ip (string-append \"localhost:\" (param \"%s\")))",
			      param(b, "PROXY_PORT", true, v));
		}
		emit(b, ")\n");
		emit(b, trust);
		break;
	default:
		emit(b, "\n;; Network: off. Nothing is allowed: no TCP or UDP, no named UNIX socket\n"
			";; (the socket of a host daemon cannot be told from one of the command).\n"
			";; socketpair(2) needs no rule.\n");
		break;
	}
	if (n->allow_local_binding && n->mode != NETWORK_ON)
		emit(b, ";; allow_local_binding: listening and connecting on the loopback, which on\n"
			";; macOS is the loopback of the host.\n"
			"(allow network-bind network-inbound (local ip \"localhost:*\"))\n"
			"(allow network-outbound (remote ip \"localhost:*\"))\n");
	return 0;
}

static const char base[] =
	"(version 1)\n"
	"(deny default)\n"
	"\n"
	";; Generated by cordon. Every path is a parameter (sandbox-exec -D NAME=VALUE),\n"
	";; never part of this text. The last rule that matches an operation decides.\n"
	"\n"
	";; Processes: fork, and signals and process information within this sandbox.\n"
	"(allow process-fork)\n"
	"(allow signal (target same-sandbox))\n"
	"(allow process-info* (target same-sandbox))\n"
	"(allow sysctl-read)\n"
	";; ... except the arguments and environment of processes (kern.procargs2 gives\n"
	";; both, secrets included; on Linux other processes are in another pid namespace).\n"
	"(deny sysctl-read (sysctl-name-prefix \"kern.procargs\"))\n"
	";; POSIX semaphores and shared memory (Python multiprocessing, compilers).\n"
	"(allow ipc-posix-sem ipc-posix-shm)\n"
	";; User and group lookups (getpwuid: whoami, git, ssh) and notify(3).\n"
	"(allow mach-lookup (global-name \"com.apple.system.opendirectoryd.libinfo\")\n"
	"  (global-name \"com.apple.system.opendirectoryd.membership\")\n"
	"  (global-name \"com.apple.system.notification_center\"))\n";

int seatbelt_profile_build(const struct policy *p, const struct seatbelt_options *o,
			   struct seatbelt_profile **ret, struct error *reterr)
{
	_cleanup_policy_free_ struct policy *m = seatbelt_macos_policy(p);
	_cleanup_(builder_done) struct builder b = { .pol = m, .opt = o };
	/* Unrestricted is an implicit "/ = write" under the same rule. */
	struct policy_entry root = { .path = (char *)"/", .access = ACCESS_WRITE };
	int r;

	emit(&b, base);
	if (m->fs_kind == FS_EXTERNAL)
		emit(&b, "\n;; Files: the sandbox cordon runs in decides (filesystem \"external\").\n"
			 "(allow file* process-exec)\n");
	else {
		r = compile_globs(&b, reterr);
		if (r < 0)
			return r;
		prepare_rules(&b, m->fs_kind == FS_UNRESTRICTED ? &root : NULL);
		emit_entries(&b);
		emit_pins(&b);
		emit_devices(&b);
		emit_ancestors(&b);
	}
	r = emit_network(&b, reterr);
	if (r < 0)
		return r;

	struct seatbelt_profile *sp = xcalloc(1, sizeof(*sp));
	sp->text = strbuf_steal(&b.out);
	for (size_t i = 0; b.names && b.names[i]; i++)
		strv_pushf(&sp->params, "%s=%s", b.names[i], b.values[i]);
	strv_push(&sp->setenv, "CORDON_SANDBOX=seatbelt");
	if (m->network.mode == NETWORK_OFF)
		strv_push(&sp->setenv, "CORDON_SANDBOX_NETWORK_DISABLED=1");
	*ret = sp;
	return 0;
}

char **seatbelt_argv(const struct seatbelt_profile *sp, char *const *command)
{
	char **v = NULL;

	strv_push(&v, SEATBELT_SANDBOX_EXEC);
	STRV_FOREACH (a, sp->params) {
		strv_push(&v, "-D");
		strv_push(&v, *a);
	}
	strv_push(&v, "-p");
	strv_push(&v, sp->text);
	/* The command may start with '-'. */
	strv_push(&v, "--");
	STRV_FOREACH (c, command)
		strv_push(&v, *c);
	return v;
}

char *seatbelt_shell_command(const struct seatbelt_profile *sp, char *const *command)
{
	struct strbuf b = { 0 };

	strbuf_puts(&b, "env");
	STRV_FOREACH (e, sp->setenv) {
		strbuf_putc(&b, ' ');
		strbuf_put_shell_quoted(&b, *e);
	}
	strbuf_puts(&b, " \\\n  " SEATBELT_SANDBOX_EXEC);
	STRV_FOREACH (p, sp->params) {
		strbuf_puts(&b, " \\\n  -D ");
		strbuf_put_shell_quoted(&b, *p);
	}
	strbuf_puts(&b, " \\\n  -p ");
	strbuf_put_shell_quoted(&b, sp->text);
	strbuf_puts(&b, " \\\n  --");
	STRV_FOREACH (c, command) {
		strbuf_putc(&b, ' ');
		strbuf_put_shell_quoted(&b, *c);
	}
	strbuf_putc(&b, '\n');
	return strbuf_steal(&b);
}

/* Whether NAME=… is a proxy variable (HTTP_PROXY, https_proxy, ALL_PROXY…;
 * not NO_PROXY, which lists exceptions). */
static bool is_proxy_variable(const char *env, size_t name_len)
{
	static const char suffix[] = "_proxy";
	size_t n = sizeof(suffix) - 1;

	if (name_len <= n || strncasecmp(env + name_len - n, suffix, n) != 0)
		return false;
	return !(name_len == 8 && strncasecmp(env, "no_proxy", 8) == 0);
}

int seatbelt_proxy_ports(char *const *setenv, unsigned **ret, size_t *ret_n,
			 struct error *reterr)
{
	static const char *const loopback[] = { "127.0.0.1", "localhost", "[::1]" };
	_cleanup_free_ unsigned *ports = NULL;
	size_t n = 0;

	STRV_FOREACH (e, setenv) {
		const char *eq = strchr(*e, '=');
		if (!eq || !is_proxy_variable(*e, (size_t)(eq - *e)))
			continue;
		const char *url = eq + 1, *host = strstr(url, "://");
		host = host ? host + 3 : url;
		const char *at = strchr(host, '@');
		if (at && at < host + strcspn(host, "/"))
			host = at + 1;
		const char *colon = NULL;
		bool is_loopback = false;
		for (size_t i = 0; i < ELEMENTSOF(loopback); i++) {
			size_t len = strlen(loopback[i]);
			if (strncasecmp(host, loopback[i], len) == 0 && host[len] == ':') {
				is_loopback = true;
				colon = host + len;
			}
		}
		if (!is_loopback)
			return error_setf(reterr, NULL, 0, 0,
					  "%.*s: the proxy is not on the loopback; a Seatbelt "
					  "profile can only let the command reach a loopback port",
					  (int)(eq - *e), *e);
		char *end;
		errno = 0;
		unsigned long port = strtoul(colon + 1, &end, 10);
		if (errno || end == colon + 1 || (*end && *end != '/') || port == 0 || port > 65535)
			return error_setf(reterr, NULL, 0, 0, "%.*s: no valid port in '%s'",
					  (int)(eq - *e), *e, url);
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen = seen || ports[i] == port;
		if (seen)
			continue;
		ports = xrealloc(ports, (n + 1) * sizeof(*ports));
		ports[n++] = (unsigned)port;
	}
	*ret = TAKE_PTR(ports);
	*ret_n = n;
	return 0;
}
