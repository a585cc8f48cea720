/* `--policy-json`: a whole profile as JSON, for programs that generate
 * policies. The shape follows Codex's permission profile serialisation:
 *
 *   {"type": "managed",
 *    "file_system": {"type": "restricted",
 *                    "entries": [{"path": {"type": "special", "value": {"kind": "root"}},
 *                                 "access": "read"},
 *                                {"path": {"type": "path", "path": "/repo"}, "access": "write"},
 *                                {"path": {"type": "glob_pattern", "pattern": GLOB},
 *                                 "access": "none"}]},
 *    "network": "restricted"}
 *
 * (GLOB being a deny pattern such as /repo/secrets/ followed by *.env.)
 * type: "managed" (file_system + network), "disabled" (no sandbox: the whole
 * filesystem writable, network on) or "external" (filesystem left to the
 * caller's sandbox; network from "network").
 * file_system.type: "restricted" (default) or "unrestricted".
 * special kinds: root, minimal, project_roots (alias workspace_roots; an
 * optional "subpath", default "."), tmpdir, slash_tmp; another kind is kept
 * as an unknown ":kind" entry that grants nothing, with a warning.
 * network: "restricted" (off, the default), "enabled" (on), "proxy", or an
 * object {"mode": "off|on|proxy", "domains": {PATTERN: "allow|deny"},
 * "approvals": "ask|never", "allow_local_binding": bool, "allow_udp": bool}.
 *
 * Errors carry SOURCE_NAME, the line and column of the offending value
 * (syntax errors: jansson's position; semantic ones: the value's position,
 * found by re-scanning the text) and the value's JSON pointer in the
 * message ("/file_system/entries/2/access: …"). Unknown keys are warnings. */
#pragma once

#include "policy/profile.h"
#include "util/error.h"

#define JSON_POLICY_PROFILE_NAME "(policy-json)"

int json_policy_parse(const char *text, size_t len, const char *source_name,
		      struct profile **ret, char ***ret_warnings, struct error *reterr);
