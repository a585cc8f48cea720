/* The legacy bridge: Codex's one-word `sandbox_mode` (with its
 * `[sandbox_workspace_write]` options) as a split profile (DESIGN §2,
 * "Legacy modes"). Pure: the config loader reads the settings, this turns
 * them into a profile. */
#pragma once

#include "policy/profile.h"

enum legacy_mode {
	LEGACY_READ_ONLY,
	LEGACY_WORKSPACE_WRITE,
	LEGACY_DANGER_FULL_ACCESS,
	_LEGACY_MODE_MAX,
	_LEGACY_MODE_INVALID = -EINVAL,
};

struct legacy_settings {
	enum legacy_mode mode;
	/* Used by workspace-write only, as Codex does. */
	char **writable_roots; /* strv of paths as written (absolute, "~" or "~/…") */
	/* Where each writable root was written; NULL, or one per root. */
	const struct source_location *writable_roots_where;
	bool network_access;
	bool exclude_tmpdir_env_var;
	bool exclude_slash_tmp;
	/* Where `sandbox_mode` was written: the location of the entries that
	 * the mode itself implies. */
	struct source_location where;
};

const char *legacy_mode_to_string(enum legacy_mode m);
/* "read-only", "workspace-write", "danger-full-access". */
enum legacy_mode legacy_mode_from_string(const char *s);

/* A new profile equivalent to S, named "(legacy MODE)". */
struct profile *legacy_profile_new(const struct legacy_settings *s);
