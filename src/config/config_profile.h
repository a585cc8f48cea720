/* From the merged config to one profile: which profile is selected, and
 * `[permissions.NAME]` (with its `extends` chain) read into a `struct
 * profile`.
 *
 *   [permissions.NAME]
 *   extends = ":workspace"            a built-in or another profile
 *   protected_names = [".git", …]
 *   workspace_roots = ["~/lib"]       or a table { "~/lib" = true }
 *   landlock_ignore_carveouts = false
 *   [permissions.NAME.filesystem]
 *   type = "restricted"               or "unrestricted" / "external" (cordon's
 *                                     spelling of the profile's filesystem kind)
 *   glob_scan_max_depth = 4
 *   ":root" = "read"                  PATH-SPEC = none|deny|read|write
 *   ":workspace_roots" = "write"      or a table SUBPATH = ACCESS
 *   [permissions.NAME.network]
 *   mode = "proxy"                    or enabled = true|false; mode wins if both
 *   approvals = "ask"
 *   allow_local_binding = false
 *   allow_udp = false
 *   [permissions.NAME.network.domains]
 *   "example.com" = "allow"           or "deny"
 */
#pragma once

#include "config/config_read.h"
#include "policy/profile.h"

/* Selects and builds the profile: PROFILE_NAME (-p) when non-NULL, else
 * `default_permissions`, else the legacy `sandbox_mode`, else :workspace.
 * Only the selected profile and its `extends` chain are read: an error in
 * a profile nobody asked for does not stop the others from being used. */
int config_profile_select(struct cfg_ctx *c, const struct cfg_node *root,
			  const char *profile_name, struct profile **ret);
