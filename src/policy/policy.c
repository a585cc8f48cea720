/* The precedence rule (DESIGN §2), answered over a resolved policy. Every
 * backend either gives the same answer as policy_access() or refuses to run,
 * so this function is the reference the plan and the tests compare against. */

#include "policy/glob.h"
#include "policy/policy.h"
#include "util/path.h"
#include "util/strv.h"

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->profile_name);
	for (size_t i = 0; i < p->n_entries; i++) {
		free(p->entries[i].path);
		free(p->entries[i].spec);
	}
	free(p->entries);
	strv_free(p->workspace_roots);
	free(p->cwd);
	strv_free(p->protected_names);
	for (size_t i = 0; i < p->network.n_domains; i++)
		free(p->network.domains[i].pattern);
	free(p->network.domains);
	strv_free(p->warnings);
	strv_free(p->sources);
	free(p);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct policy_entry *x = a, *y = b;

	if (x->glob != y->glob)
		return x->glob ? 1 : -1;
	unsigned dx = path_depth(x->path), dy = path_depth(y->path);
	if (!x->glob && dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->path, y->path);
}

void policy_sort_entries(struct policy *p)
{
	if (p->n_entries > 1)
		qsort(p->entries, p->n_entries, sizeof(*p->entries), entry_cmp);
}

void policy_append_entry(struct policy *p, const char *path, enum access access,
			 enum entry_origin origin, const char *spec)
{
	p->entries = xrealloc(p->entries, (p->n_entries + 1) * sizeof(*p->entries));
	p->entries[p->n_entries++] = (struct policy_entry){
		.path = xstrdup(path),
		.access = access,
		.origin = origin,
		.spec = spec ? xstrdup(spec) : NULL,
	};
}

void policy_add_entry(struct policy *p, const char *path, enum access access,
		      enum entry_origin origin, const char *spec)
{
	policy_append_entry(p, path, access, origin, spec);
	policy_sort_entries(p);
}

/* The deepest of PATH and its ancestors that GLOB matches, as a depth;
 * -1 when none does. A deny glob hides what it matches and everything
 * below, so a match on an ancestor decides for PATH too. */
static int glob_match_depth(const char *glob, const char *path)
{
	_cleanup_free_ char *buf = xstrdup(path);
	int depth = (int)path_depth(path);

	for (;;) {
		if (glob_match(glob, buf))
			return depth;
		if (depth == 0)
			return -1;
		char *slash = strrchr(buf, '/');
		if (slash == buf)
			slash[1] = '\0';
		else
			*slash = '\0';
		depth--;
	}
}

/* True when a candidate (DEPTH, ACCESS) beats the best so far. */
static bool beats(int depth, enum access access, int best_depth, enum access best_access)
{
	if (depth != best_depth)
		return depth > best_depth;
	return access_tie_rank(access) > access_tie_rank(best_access);
}

enum access policy_access(const struct policy *p, const char *path,
			  const struct policy_entry **ret_entry)
{
	const struct policy_entry *best = NULL;
	int best_depth = -1;
	enum access best_access = ACCESS_NONE;

	if (ret_entry)
		*ret_entry = NULL;

	/* The caller's sandbox decides; cordon applies only the network part. */
	if (p->fs_kind == FS_EXTERNAL)
		return ACCESS_WRITE;

	/* Unrestricted is an implicit "/ = write" under the same rule, so that
	 * explicit none entries and deny globs still hide what they name (and a
	 * deeper write entry reopens below them, as everywhere else). An
	 * explicit entry at "/" ties with it: none beats it, read does not. */
	if (p->fs_kind == FS_UNRESTRICTED) {
		best_depth = 0;
		best_access = ACCESS_WRITE;
	}

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct policy_entry *e = &p->entries[i];
		int depth;
		enum access access;

		/* A missing writable root still decides: the precedence rule is
		 * about the profile, and a path that does not exist cannot be
		 * opened in the sandbox either way (the plan mounts nothing for
		 * it, and its parent decides whether it can be created). */
		if (e->glob) {
			depth = glob_match_depth(e->path, path);
			if (depth < 0)
				continue;
			access = ACCESS_NONE;
		} else {
			if (!path_is_at_or_below(path, e->path))
				continue;
			depth = (int)path_depth(e->path);
			access = e->access;
		}
		if (beats(depth, access, best_depth, best_access)) {
			best = e;
			best_depth = depth;
			best_access = access;
		}
	}

	if (ret_entry)
		*ret_entry = best;
	return best_depth < 0 ? ACCESS_NONE : best_access;
}

bool policy_reads_root(const struct policy *p)
{
	return policy_access(p, "/", NULL) != ACCESS_NONE;
}
