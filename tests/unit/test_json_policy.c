#include <criterion/criterion.h>

#include "config/json_policy.h"
#include "util/strv.h"

static int parse(const char *json, struct profile **p, char ***warnings, struct error *err)
{
	return json_policy_parse(json, strlen(json), "policy.json", p, warnings, err);
}

static const struct fs_entry *find(const struct profile *p, enum special_path s, const char *path)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].special == s && streq_ptr(p->entries[i].path, path))
			return &p->entries[i];
	return NULL;
}

Test(json_policy, example_from_the_brief)
{
	const char *json =
		"{\"type\":\"managed\",\"file_system\":{\"type\":\"restricted\",\"entries\":["
		"{\"path\":{\"type\":\"special\",\"value\":{\"kind\":\"root\"}},\"access\":\"read\"},"
		"{\"path\":{\"type\":\"path\",\"path\":\"/repo\"},\"access\":\"write\"},"
		"{\"path\":{\"type\":\"glob_pattern\",\"pattern\":\"/repo/**/*.env\"},\"access\":\"none\"}]},"
		"\"network\":\"restricted\"}";
	_cleanup_profile_free_ struct profile *p = NULL;
	_cleanup_strv_free_ char **w = NULL;
	struct error err = { 0 };

	cr_assert_eq(parse(json, &p, &w, &err), 0, "%s", err.message);
	cr_assert_str_eq(p->name, JSON_POLICY_PROFILE_NAME);
	cr_assert_eq(p->fs_kind, FS_RESTRICTED);
	cr_assert_eq(p->n_entries, 3);
	cr_assert_eq(p->entries[0].special, SPECIAL_ROOT);
	cr_assert_eq(p->entries[0].access, ACCESS_READ);
	cr_assert_eq(p->entries[1].special, SPECIAL_NONE);
	cr_assert_str_eq(p->entries[1].path, "/repo");
	cr_assert_eq(p->entries[1].access, ACCESS_WRITE);
	cr_assert_not(p->entries[1].glob);
	cr_assert_str_eq(p->entries[2].path, "/repo/**/*.env");
	cr_assert(p->entries[2].glob);
	cr_assert_eq(p->entries[2].access, ACCESS_NONE);
	cr_assert_eq(p->network.mode, NETWORK_OFF);
	cr_assert_null(w);
	/* Entries know where they were written. */
	cr_assert_str_eq(p->entries[1].where.file, "policy.json");
	cr_assert_eq(p->entries[1].where.line, 1);
	cr_assert_gt(p->entries[1].where.column, 1);
}

#define ENTRY(pathjson, access) \
	"{\"type\":\"managed\",\"file_system\":{\"entries\":[{\"path\":" pathjson ",\"access\":\"" access "\"}]}}"
#define SPECIAL(value) "{\"type\":\"special\",\"value\":" value "}"

static const struct {
	const char *json;
	enum special_path special;
	const char *path;
	bool glob;
	enum access access;
} entry_cases[] = {
	{ ENTRY(SPECIAL("{\"kind\":\"root\"}"), "read"), SPECIAL_ROOT, NULL, false, ACCESS_READ },
	{ ENTRY(SPECIAL("{\"kind\":\"minimal\"}"), "read"), SPECIAL_MINIMAL, NULL, false, ACCESS_READ },
	{ ENTRY(SPECIAL("{\"kind\":\"project_roots\"}"), "write"), SPECIAL_WORKSPACE_ROOTS, ".", false,
	  ACCESS_WRITE },
	{ ENTRY(SPECIAL("{\"kind\":\"project_roots\",\"subpath\":\"docs\"}"), "read"),
	  SPECIAL_WORKSPACE_ROOTS, "docs", false, ACCESS_READ },
	{ ENTRY(SPECIAL("{\"kind\":\"project_roots\",\"subpath\":\"**/*.env\"}"), "none"),
	  SPECIAL_WORKSPACE_ROOTS, "**/*.env", true, ACCESS_NONE },
	{ ENTRY(SPECIAL("{\"kind\":\"workspace_roots\"}"), "write"), SPECIAL_WORKSPACE_ROOTS, ".",
	  false, ACCESS_WRITE },
	{ ENTRY(SPECIAL("{\"kind\":\"tmpdir\"}"), "write"), SPECIAL_TMPDIR, NULL, false, ACCESS_WRITE },
	{ ENTRY(SPECIAL("{\"kind\":\"slash_tmp\"}"), "write"), SPECIAL_SLASH_TMP, NULL, false,
	  ACCESS_WRITE },
	{ ENTRY(SPECIAL("{\"kind\":\"home_dir\"}"), "read"), SPECIAL_UNKNOWN, ":home_dir", false,
	  ACCESS_READ },
	{ ENTRY("{\"type\":\"path\",\"path\":\"~/.ssh\"}", "deny"), SPECIAL_NONE, "~/.ssh", false,
	  ACCESS_NONE },
	/* A "path" is literal even with glob characters in it. */
	{ ENTRY("{\"type\":\"path\",\"path\":\"/a/[x]\"}", "write"), SPECIAL_NONE, "/a/[x]", false,
	  ACCESS_WRITE },
	{ ENTRY("{\"type\":\"glob_pattern\",\"pattern\":\"/src/**\"}", "write"), SPECIAL_NONE, "/src",
	  false, ACCESS_WRITE },
	{ ENTRY("{\"type\":\"glob_pattern\",\"pattern\":\"/plain\"}", "none"), SPECIAL_NONE, "/plain",
	  false, ACCESS_NONE },
};

Test(json_policy, every_kind_of_entry)
{
	for (size_t i = 0; i < ELEMENTSOF(entry_cases); i++) {
		_cleanup_profile_free_ struct profile *p = NULL;
		_cleanup_strv_free_ char **w = NULL;
		struct error err = { 0 };

		cr_assert_eq(parse(entry_cases[i].json, &p, &w, &err), 0, "case %zu: %s", i,
			     err.message);
		cr_assert_eq(p->n_entries, 1, "case %zu", i);
		const struct fs_entry *e = &p->entries[0];
		cr_assert_eq(e->special, entry_cases[i].special, "case %zu", i);
		cr_assert(streq_ptr(e->path, entry_cases[i].path), "case %zu: %s", i, e->path);
		cr_assert_eq(e->glob, entry_cases[i].glob, "case %zu", i);
		cr_assert_eq(e->access, entry_cases[i].access, "case %zu", i);
		cr_assert_eq(strv_length(w), entry_cases[i].special == SPECIAL_UNKNOWN ? 1u : 0u,
			     "case %zu", i);
		error_clear(&err);
	}
}

Test(json_policy, unknown_kind_warns_with_position)
{
	_cleanup_profile_free_ struct profile *p = NULL;
	_cleanup_strv_free_ char **w = NULL;
	struct error err = { 0 };

	cr_assert_eq(parse(ENTRY(SPECIAL("{\"kind\":\"future\"}"), "read"), &p, &w, &err), 0);
	cr_assert_eq(strv_length(w), 1);
	cr_assert(strstr(w[0], "policy.json:1:"), "%s", w[0]);
	cr_assert(strstr(w[0], "/file_system/entries/0/path/value/kind"), "%s", w[0]);
	cr_assert(strstr(w[0], "\"future\""), "%s", w[0]);
	cr_assert(find(p, SPECIAL_UNKNOWN, ":future"));
}

static const struct {
	const char *json;
	enum fs_kind kind;
	enum network_mode mode;
} top_cases[] = {
	{ "{\"type\":\"disabled\"}", FS_UNRESTRICTED, NETWORK_ON },
	{ "{\"type\":\"external\"}", FS_EXTERNAL, NETWORK_OFF },
	{ "{\"type\":\"external\",\"network\":\"enabled\"}", FS_EXTERNAL, NETWORK_ON },
	{ "{\"type\":\"external\",\"network\":\"proxy\"}", FS_EXTERNAL, NETWORK_PROXY },
	{ "{\"type\":\"managed\",\"file_system\":{}}", FS_RESTRICTED, NETWORK_OFF },
	{ "{\"type\":\"managed\",\"file_system\":{\"type\":\"unrestricted\"},\"network\":\"enabled\"}",
	  FS_UNRESTRICTED, NETWORK_ON },
	{ "{\"type\":\"managed\",\"file_system\":{\"type\":\"restricted\"},\"network\":\"restricted\"}",
	  FS_RESTRICTED, NETWORK_OFF },
	{ "{\"type\":\"managed\",\"file_system\":{},\"network\":{\"mode\":\"on\"}}", FS_RESTRICTED,
	  NETWORK_ON },
	{ "{\"type\":\"managed\",\"file_system\":{},\"network\":{}}", FS_RESTRICTED, NETWORK_OFF },
	{ "  {\"network\":\"proxy\", \"file_system\":{}, \"type\":\"managed\"}\n", FS_RESTRICTED,
	  NETWORK_PROXY },
};

Test(json_policy, policy_and_network_types)
{
	for (size_t i = 0; i < ELEMENTSOF(top_cases); i++) {
		_cleanup_profile_free_ struct profile *p = NULL;
		struct error err = { 0 };

		cr_assert_eq(parse(top_cases[i].json, &p, NULL, &err), 0, "case %zu: %s", i,
			     err.message);
		cr_assert_eq(p->fs_kind, top_cases[i].kind, "case %zu", i);
		cr_assert_eq(p->network.mode, top_cases[i].mode, "case %zu", i);
		cr_assert(p->set & PROFILE_SET_FS_KIND);
		error_clear(&err);
	}
}

Test(json_policy, network_object)
{
	const char *json = "{\"type\":\"managed\",\"file_system\":{},\"network\":{"
			   "\"mode\":\"proxy\",\"approvals\":\"ask\",\"allow_local_binding\":true,"
			   "\"allow_udp\":true,\"domains\":{\"github.com\":\"allow\","
			   "\"*.npmjs.org\":\"allow\",\"evil.example.com\":\"deny\"}}}";
	_cleanup_profile_free_ struct profile *p = NULL;
	struct error err = { 0 };

	cr_assert_eq(parse(json, &p, NULL, &err), 0, "%s", err.message);
	cr_assert_eq(p->network.mode, NETWORK_PROXY);
	cr_assert_eq(p->network.approvals, APPROVALS_ASK);
	cr_assert(p->network.allow_local_binding);
	cr_assert(p->network.allow_udp);
	cr_assert_eq(p->network.n_domains, 3);
	cr_assert_str_eq(p->network.domains[0].pattern, "github.com");
	cr_assert(p->network.domains[0].allow);
	cr_assert_str_eq(p->network.domains[2].pattern, "evil.example.com");
	cr_assert_not(p->network.domains[2].allow);
	cr_assert_eq(p->set & (PROFILE_SET_APPROVALS | PROFILE_SET_ALLOW_LOCAL_BINDING |
			       PROFILE_SET_ALLOW_UDP),
		     PROFILE_SET_APPROVALS | PROFILE_SET_ALLOW_LOCAL_BINDING | PROFILE_SET_ALLOW_UDP);
}

Test(json_policy, unknown_keys_are_warnings_at_the_key)
{
	const char *json = "{\"type\":\"managed\",\n"
			   " \"colour\":1,\n"
			   " \"file_system\":{\"entries\":[{\"path\":{\"type\":\"path\",\"path\":\"/a\","
			   "\"x\":0},\"access\":\"read\",\"why\":\"\"}],\"extra\":[]},\n"
			   "  \"network\":{\"mode\":\"off\",\"speed\":9}}";
	_cleanup_profile_free_ struct profile *p = NULL;
	_cleanup_strv_free_ char **w = NULL;
	struct error err = { 0 };

	cr_assert_eq(parse(json, &p, &w, &err), 0, "%s", err.message);
	cr_assert_eq(strv_length(w), 5);
	cr_assert_str_eq(w[0], "policy.json:2:2: /colour: unknown key ignored");
	/* In the order the walk meets them: each object's own keys first. */
	cr_assert(strstr(w[1], "/file_system/extra"), "%s", w[1]);
	cr_assert(strstr(w[2], "/file_system/entries/0/why"), "%s", w[2]);
	cr_assert_str_eq(w[3], "policy.json:3:63: /file_system/entries/0/path/x: unknown key ignored");
	cr_assert_str_eq(w[4], "policy.json:4:27: /network/speed: unknown key ignored");
}

Test(json_policy, disabled_warns_about_ignored_parts)
{
	_cleanup_profile_free_ struct profile *p = NULL;
	_cleanup_strv_free_ char **w = NULL;
	struct error err = { 0 };

	cr_assert_eq(parse("{\"type\":\"disabled\",\"network\":\"restricted\"}", &p, &w, &err), 0);
	cr_assert_eq(strv_length(w), 1);
	cr_assert(strstr(w[0], "/network: ignored"), "%s", w[0]);
	cr_assert_eq(p->network.mode, NETWORK_ON);
}

static const struct {
	const char *json;
	unsigned line, column;
	const char *message; /* a substring of the message */
} error_cases[] = {
	{ "", 1, 1, "invalid JSON" },
	{ "{\"type\":", 1, 8, "invalid JSON" },
	{ "{\"type\":\"managed\",\"type\":\"managed\"}", 1, 24, "duplicate" },
	{ "[]", 1, 1, "expected a JSON object, got an array" },
	{ "{}", 1, 1, "missing \"type\"" },
	{ "{\"type\":\"sandboxed\"}", 1, 9, "/type: expected managed, disabled or external; got \"sandboxed\"" },
	{ "{\"type\":7}", 1, 9, "/type: expected a string, got a number" },
	{ "{\"type\":\"managed\"}", 1, 1, "missing \"file_system\"" },
	{ "{\"type\":\"managed\",\"file_system\":[]}", 1, 33, "/file_system: expected an object, got an array" },
	{ "{\"type\":\"managed\",\"file_system\":{\"type\":\"external\"}}", 1, 41,
	  "/file_system/type: expected restricted or unrestricted" },
	{ "{\"type\":\"managed\",\"file_system\":{\"entries\":{}}}", 1, 44,
	  "/file_system/entries: expected an array, got an object" },
	{ "{\"type\":\"managed\",\"file_system\":{\"entries\":[1]}}", 1, 45,
	  "/file_system/entries/0: expected an object, got a number" },
	{ "{\"type\":\"managed\",\"file_system\":{\"entries\":[{\"access\":\"read\"}]}}", 1, 45,
	  "/file_system/entries/0: missing \"path\"" },
	{ ENTRY("{\"type\":\"path\",\"path\":\"/a\"}", "rwx"), 1, 90,
	  "/file_system/entries/0/access: expected one of none, read, write; got \"rwx\"" },
	{ ENTRY("{\"type\":\"file\",\"path\":\"/a\"}", "read"), 1, 61,
	  "/file_system/entries/0/path/type: expected special, path or glob_pattern; got \"file\"" },
	{ ENTRY("{\"type\":\"path\"}", "read"), 1, 53, "/file_system/entries/0/path: missing \"path\"" },
	{ ENTRY("{\"type\":\"path\",\"path\":null}", "read"), 1, 75,
	  "/file_system/entries/0/path/path: expected a string, got null" },
	{ ENTRY("{\"type\":\"path\",\"path\":\"repo\"}", "read"), 1, 53,
	  "/file_system/entries/0/path: \"repo\": expected an absolute path" },
	{ ENTRY("{\"type\":\"glob_pattern\",\"pattern\":\"/r/*.env\"}", "write"), 1, 53,
	  "a glob is allowed only with access \"none\"" },
	{ ENTRY(SPECIAL("{}"), "read"), 1, 79, "/file_system/entries/0/path/value: missing \"kind\"" },
	{ ENTRY("{\"type\":\"special\"}", "read"), 1, 53, "/file_system/entries/0/path: missing \"value\"" },
	{ ENTRY(SPECIAL("\"root\""), "read"), 1, 79,
	  "/file_system/entries/0/path/value: expected an object, got a string" },
	{ ENTRY(SPECIAL("{\"kind\":\"root\",\"subpath\":\"x\"}"), "read"), 1, 104,
	  "/file_system/entries/0/path/value/subpath: a subpath is allowed only with kind project_roots" },
	{ ENTRY(SPECIAL("{\"kind\":\"project_roots\",\"subpath\":\"../x\"}"), "read"), 1, 53,
	  "\"..\" may not appear" },
	{ ENTRY(SPECIAL("{\"kind\":\"project_roots\",\"subpath\":\"/x\"}"), "read"), 1, 53,
	  "expected a path relative to each workspace root" },
	{ "{\"type\":\"external\",\"network\":\"open\"}", 1, 30,
	  "/network: expected restricted, enabled or proxy (or an object); got \"open\"" },
	{ "{\"type\":\"external\",\"network\":true}", 1, 30,
	  "/network: expected a string or an object, got a boolean" },
	{ "{\"type\":\"external\",\"network\":{\"mode\":\"restricted\"}}", 1, 38,
	  "/network/mode: expected off, on or proxy; got \"restricted\"" },
	{ "{\"type\":\"external\",\"network\":{\"approvals\":\"always\"}}", 1, 43,
	  "/network/approvals: expected ask or never" },
	{ "{\"type\":\"external\",\"network\":{\"allow_udp\":\"yes\"}}", 1, 43,
	  "/network/allow_udp: expected true or false, got a string" },
	{ "{\"type\":\"external\",\"network\":{\"domains\":[]}}", 1, 41,
	  "/network/domains: expected an object, got an array" },
	{ "{\"type\":\"external\",\"network\":{\"domains\":{\"a.com\":\"permit\"}}}", 1, 50,
	  "/network/domains/a.com: expected allow or deny; got \"permit\"" },
	{ "{\"type\":\"external\",\"network\":{\"domains\":{\"https://a.com\":\"allow\"}}}", 1, 42,
	  "/network/domains/https:~1~1a.com: \"https://a.com\": expected a host name pattern" },
	/* Positions across lines, counted in characters. */
	{ "{\n  \"type\": \"managed\",\n  \"file_system\": {\n    \"entries\": [\n"
	  "      {\"path\": {\"type\": \"path\", \"path\": \"/é\"}, \"access\": \"all\"}\n    ]\n  }\n}\n",
	  5, 58, "/file_system/entries/0/access" },
	{ "{\n  \"type\": \"managed\",\n  \"file_system\": {\"entries\": [\n  }\n", 4, 3, "invalid JSON" },
};

Test(json_policy, every_error_has_a_position)
{
	for (size_t i = 0; i < ELEMENTSOF(error_cases); i++) {
		struct profile *p = NULL;
		char **w = NULL;
		struct error err = { 0 };

		int r = parse(error_cases[i].json, &p, &w, &err);
		cr_assert_eq(r, -EINVAL, "case %zu: %d", i, r);
		cr_assert_null(p, "case %zu", i);
		cr_assert_null(w, "case %zu", i);
		cr_assert_str_eq(err.file, "policy.json", "case %zu", i);
		cr_assert(strstr(err.message, error_cases[i].message), "case %zu: %s", i,
			  err.message);
		cr_assert_eq(err.line, error_cases[i].line, "case %zu: line %u: %s", i, err.line,
			     err.message);
		cr_assert_eq(err.column, error_cases[i].column, "case %zu: column %u: %s", i,
			     err.column, err.message);
		error_clear(&err);
	}
}

Test(json_policy, not_nul_terminated)
{
	const char text[] = "{\"type\":\"disabled\"}GARBAGE";
	_cleanup_profile_free_ struct profile *p = NULL;
	struct error err = { 0 };

	cr_assert_eq(json_policy_parse(text, strlen("{\"type\":\"disabled\"}"), "x", &p, NULL, &err),
		     0, "%s", err.message);
	cr_assert_eq(p->fs_kind, FS_UNRESTRICTED);
}

Test(json_policy, later_entry_for_the_same_path_wins)
{
	const char *json = "{\"type\":\"managed\",\"file_system\":{\"entries\":["
			   "{\"path\":{\"type\":\"path\",\"path\":\"/a\"},\"access\":\"write\"},"
			   "{\"path\":{\"type\":\"path\",\"path\":\"/a\"},\"access\":\"read\"}]}}";
	_cleanup_profile_free_ struct profile *p = NULL;
	struct error err = { 0 };

	cr_assert_eq(parse(json, &p, NULL, &err), 0);
	cr_assert_eq(p->n_entries, 1);
	cr_assert_eq(p->entries[0].access, ACCESS_READ);
}
