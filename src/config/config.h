/* Configuration loading (DESIGN §3): the config files, `-c` overrides and
 * `--policy-json`, down to the one profile this invocation runs with.
 * CLI flags are applied by the caller, after this. */
#pragma once

#include "policy/profile.h"
#include "util/error.h"

struct config_request {
	/* Read first when it exists. NULL: $CORDON_HOME/config.toml, else
	 * $XDG_CONFIG_HOME/cordon/config.toml, else
	 * $HOME/.config/cordon/config.toml. */
	const char *home_config;
	bool no_home_config;       /* skip it (--no-user-config, tests) */
	char *const *config_files; /* --config FILE…, in order; each must exist */
	char *const *overrides;    /* -c dotted.key=TOML-VALUE…, in order */
	/* --policy-json: inline JSON, or "@FILE". Replaces the selected
	 * profile entirely; the config files are still read (and must be
	 * valid), but no profile is selected from them. */
	const char *policy_json;
	const char *profile_name; /* -p NAME, or NULL */
};

/* Loads the profile REQ asks for. On success *RET is the profile and
 * *RET_WARNINGS (when non-NULL) the warnings, one line each without a
 * "cordon:" prefix (NULL when there are none). On failure returns -errno,
 * fills *RETERR (file, line, column and a message naming the key) and
 * returns nothing else. */
int config_load(const struct config_request *req, struct profile **ret, char ***ret_warnings,
		struct error *reterr);

/* The home config path config_load reads when REQ.home_config is NULL, or
 * NULL when no variable gives one. For `cordon explain`. */
char *config_home_path(void);
