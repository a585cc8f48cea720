/* A permission profile as the user wrote it: symbolic paths (":root", "~/x",
 * workspace-relative subpaths, globs), not yet resolved against a machine.
 * Built by the config loader (TOML, JSON, built-ins, legacy modes); turned
 * into a `struct policy` by plan/resolve.c. */
#pragma once

#include "policy/access.h"
#include "util/macros.h"

enum fs_kind {
	FS_RESTRICTED,   /* only what the entries grant is visible */
	FS_UNRESTRICTED, /* the whole filesystem is writable */
	FS_EXTERNAL,     /* the caller is already sandboxed; only the network part applies */
	_FS_KIND_MAX,
	_FS_KIND_INVALID = -EINVAL,
};

enum special_path {
	SPECIAL_NONE,            /* not special: `path` is absolute, "~", "~/…" or a glob */
	SPECIAL_ROOT,            /* ":root" */
	SPECIAL_MINIMAL,         /* ":minimal" */
	SPECIAL_WORKSPACE_ROOTS, /* ":workspace_roots"; `path` is the subpath below each root */
	SPECIAL_TMPDIR,          /* ":tmpdir" */
	SPECIAL_SLASH_TMP,       /* ":slash_tmp" */
	SPECIAL_UNKNOWN,         /* any other ":token": kept, warned about, grants nothing */
	_SPECIAL_MAX,
	_SPECIAL_INVALID = -EINVAL,
};

enum network_mode {
	NETWORK_OFF,
	NETWORK_ON,
	NETWORK_PROXY,
	_NETWORK_MODE_MAX,
	_NETWORK_MODE_INVALID = -EINVAL,
};

enum approvals {
	APPROVALS_NEVER,
	APPROVALS_ASK,
	_APPROVALS_MAX,
	_APPROVALS_INVALID = -EINVAL,
};

/* Where a setting was written, for explain and error messages. FILE points
 * to a string owned by the profile (`struct profile.sources`). */
struct source_location {
	const char *file; /* NULL for built-ins and CLI flags */
	unsigned line;
	unsigned column;
};

struct fs_entry {
	enum special_path special;
	/* SPECIAL_NONE: the path or glob as written ("/a", "~/.ssh", or a glob).
	 * SPECIAL_WORKSPACE_ROOTS: the subpath below each root ("." is the root;
	 *   may be a glob such as the pattern "**" "/x.env").
	 * SPECIAL_UNKNOWN: the token as written (":foo").
	 * Other specials: NULL. */
	char *path;
	bool glob; /* `path` is a glob pattern (allowed only with ACCESS_NONE) */
	enum access access;
	struct source_location where;
};

struct domain_rule {
	char *pattern; /* "example.com", "*.example.com", "**.example.com", an IP literal */
	bool allow;    /* false: deny */
	struct source_location where;
};

struct network_policy {
	enum network_mode mode;
	enum approvals approvals;
	bool allow_local_binding;
	bool allow_udp; /* SOCKS5 UDP ASSOCIATE */
	struct domain_rule *domains;
	size_t n_domains;
};

/* Which scalar settings a profile sets itself, so that `extends` can tell
 * "set to the default" from "not set". */
enum profile_field {
	PROFILE_SET_FS_KIND = 1u << 0,
	PROFILE_SET_NETWORK_MODE = 1u << 1,
	PROFILE_SET_APPROVALS = 1u << 2,
	PROFILE_SET_ALLOW_LOCAL_BINDING = 1u << 3,
	PROFILE_SET_GLOB_DEPTH = 1u << 4,
	PROFILE_SET_PROTECTED_NAMES = 1u << 5,
	PROFILE_SET_LANDLOCK_IGNORE_CARVEOUTS = 1u << 6,
	PROFILE_SET_ALLOW_UDP = 1u << 7,
};

#define PROFILE_DEFAULT_GLOB_SCAN_MAX_DEPTH 16u

struct profile {
	char *name; /* ":workspace", "dev", "(policy-json)", "(legacy workspace-write)" */
	unsigned set; /* enum profile_field bits */

	enum fs_kind fs_kind;
	struct fs_entry *entries;
	size_t n_entries;

	char **protected_names; /* strv; meaningful when PROFILE_SET_PROTECTED_NAMES */
	char **workspace_roots; /* extra workspace roots, as written ("~/x" allowed) */
	unsigned glob_scan_max_depth;
	bool landlock_ignore_carveouts;

	struct network_policy network;

	char **sources; /* owned file names that `struct source_location.file` points into */
};

extern const char *const profile_default_protected_names[];

const char *fs_kind_to_string(enum fs_kind k);
enum fs_kind fs_kind_from_string(const char *s);
const char *network_mode_to_string(enum network_mode m);
enum network_mode network_mode_from_string(const char *s);
const char *approvals_to_string(enum approvals a);
enum approvals approvals_from_string(const char *s);
/* ":root" -> SPECIAL_ROOT; a string starting with ':' that names no special
 * path gives SPECIAL_UNKNOWN; anything else SPECIAL_NONE. */
enum special_path special_path_from_string(const char *s);
const char *special_path_to_string(enum special_path s);

struct profile *profile_new(const char *name);
void profile_free(struct profile *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct profile *, profile_free)
#define _cleanup_profile_free_ _cleanup_(profile_freep)

/* Interns FILE in the profile and returns the stored copy (NULL stays NULL). */
const char *profile_intern_source(struct profile *p, const char *file);
/* Adds an entry. An entry naming the same (special, path) as an existing one
 * replaces it, as a later TOML key replaces an earlier one. */
void profile_add_entry(struct profile *p, enum special_path special, const char *path, bool glob,
		       enum access access, struct source_location where);
/* Adds or replaces a domain rule with the same pattern. */
void profile_add_domain(struct profile *p, const char *pattern, bool allow,
			struct source_location where);
/* The effective protected names: the profile's own list when set, else the default. */
char *const *profile_protected_names(const struct profile *p);

/* Layers CHILD over PARENT (`extends`): entries and domains of CHILD are
 * added after PARENT's (replacing same keys), scalars set in CHILD win,
 * workspace roots are united. Returns a new profile named after CHILD. */
struct profile *profile_extend(const struct profile *parent, const struct profile *child);
struct profile *profile_copy(const struct profile *p);
