/* Codex's legacy settings in a config file: top-level `sandbox_mode` and
 * `[sandbox_workspace_write]`, read into a profile through the legacy bridge
 * (policy/legacy.h). */
#pragma once

#include "config/config_read.h"
#include "policy/profile.h"

/* ROOT must have a `sandbox_mode` key. */
int config_legacy_profile(struct cfg_ctx *c, const struct cfg_node *root, struct profile **ret);
