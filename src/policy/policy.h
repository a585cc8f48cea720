/* A resolved policy: the profile applied to one machine and one invocation.
 * Every path is absolute and canonical (symlinks in existing prefixes
 * resolved), so the precedence rule can be answered by comparing strings.
 * Built by plan/resolve.c; read by explain, the plan builder and every backend. */
#pragma once

#include "policy/profile.h"

enum entry_origin {
	ORIGIN_PROFILE,   /* an entry of the profile */
	ORIGIN_PROTECTED, /* a protected name inside a writable root */
	ORIGIN_GITDIR,    /* the target of a `.git` "gitdir:" file (or its commondir) */
	ORIGIN_HOST,      /* hidden for the host's sake: daemon sockets, cordon's own state */
	_ORIGIN_MAX,
};

struct policy_entry {
	char *path; /* absolute canonical path, or an absolute glob when `glob` */
	enum access access;
	bool glob;
	enum entry_origin origin;
	/* The entry is a writable root that does not exist: the plan skips it
	 * (with a warning); the precedence rule still counts it. */
	bool missing;
	char *spec; /* how the profile named it (":workspace_roots", "~/.ssh", ".git"), for explain */
	struct source_location where;
};

struct policy {
	char *profile_name;
	enum fs_kind fs_kind;
	/* Sorted by depth (shallowest first), then path; globs last. */
	struct policy_entry *entries;
	size_t n_entries;

	char **workspace_roots; /* canonical; the -C directory first */
	char *cwd;              /* canonical working directory of the command */
	char **protected_names;
	unsigned glob_scan_max_depth;
	bool landlock_ignore_carveouts;
	struct network_policy network; /* a deep copy of the profile's */

	char **warnings; /* one line each, without the "cordon: warning: " prefix */
	char **sources;  /* owned file names that source locations point into */
};

void policy_free(struct policy *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct policy *, policy_free)
#define _cleanup_policy_free_ _cleanup_(policy_freep)

/* The access of PATH (absolute, canonical) under the precedence rule:
 * the entry whose path is PATH or its nearest ancestor wins (most components);
 * ties at equal depth: none > write > read; no match: none. A deny glob that
 * matches PATH or one of its ancestors counts as a `none` entry at the depth
 * of the matched path (the deepest such ancestor). Missing entries count
 * like the others. FS_UNRESTRICTED is the same rule over an implicit "/ = write":
 * write everywhere except where a deny glob or an explicit entry says
 * otherwise. FS_EXTERNAL is write everywhere (the caller's sandbox
 * enforces). When RET_ENTRY is non-NULL it receives the deciding entry
 * (NULL when no entry matched, or the implicit "/" decided). */
enum access policy_access(const struct policy *p, const char *path,
			  const struct policy_entry **ret_entry);

/* Adds an entry to a resolved policy (PATH absolute and canonical) and
 * restores the entry order. */
void policy_add_entry(struct policy *p, const char *path, enum access access,
		      enum entry_origin origin, const char *spec);
/* The same without restoring the order: call policy_sort_entries() after
 * a batch. */
void policy_append_entry(struct policy *p, const char *path, enum access access,
			 enum entry_origin origin, const char *spec);
/* Sorts entries: depth ascending, then path; globs last. */
void policy_sort_entries(struct policy *p);

/* True when the policy lets the command read the whole filesystem root. */
bool policy_reads_root(const struct policy *p);
