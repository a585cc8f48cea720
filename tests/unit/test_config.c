#include <criterion/criterion.h>
#include <ftw.h>
#include <sys/stat.h>

#include "config/config.h"
#include "util/strv.h"

/* Each test runs in its own process (Criterion), so a fixture directory
 * and environment changes stay local to the test. */
static char fixture_dir[64];

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static void setup(void)
{
	strcpy(fixture_dir, "/tmp/cordon-test-config-XXXXXX");
	cr_assert_not_null(mkdtemp(fixture_dir));
	unsetenv("CORDON_HOME");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
}

static void teardown(void)
{
	nftw(fixture_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(config, .init = setup, .fini = teardown);

/* Writes TEXT to NAME in the fixture directory; returns its path. */
static char *file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", fixture_dir, name);
	FILE *f = fopen(path, "we");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

struct load {
	struct profile *profile;
	char **warnings;
	struct error err;
	int r;
};

static void load_free(struct load *l)
{
	profile_free(l->profile);
	strv_free(l->warnings);
	error_clear(&l->err);
}

/* Loads with the files (NULL-terminated texts, written as c0.toml, c1.toml, …),
 * overrides and profile name given. */
static struct load load_ex(const char *const *texts, char **overrides, const char *profile,
			   const char *policy_json)
{
	_cleanup_strv_free_ char **files = NULL;
	struct load l = { 0 };

	for (size_t i = 0; texts && texts[i]; i++) {
		_cleanup_free_ char *name = xasprintf("c%zu.toml", i);
		strv_consume(&files, file(name, texts[i]));
	}
	struct config_request req = {
		.no_home_config = true,
		.config_files = files,
		.overrides = overrides,
		.profile_name = profile,
		.policy_json = policy_json,
	};
	l.r = config_load(&req, &l.profile, &l.warnings, &l.err);
	if (l.r < 0) {
		cr_assert_null(l.profile, "half-applied: a profile came back with an error");
		cr_assert_null(l.warnings, "half-applied: warnings came back with an error");
	}
	return l;
}

static struct load load1(const char *text, const char *profile)
{
	const char *texts[] = { text, NULL };
	return load_ex(text ? texts : NULL, NULL, profile, NULL);
}

static const struct fs_entry *find(const struct profile *p, enum special_path s, const char *path)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].special == s && streq_ptr(p->entries[i].path, path))
			return &p->entries[i];
	return NULL;
}

static enum access access_of(const struct profile *p, enum special_path s, const char *path)
{
	const struct fs_entry *e = find(p, s, path);
	cr_assert_not_null(e, "no entry %d %s", s, path ? path : "");
	return e->access;
}

/* --- built-ins ------------------------------------------------------- */

Test(config, no_config_gives_workspace)
{
	_cleanup_(load_free) struct load l = load1(NULL, NULL);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	struct profile *p = l.profile;
	cr_assert_str_eq(p->name, ":workspace");
	cr_assert_eq(p->fs_kind, FS_RESTRICTED);
	cr_assert_eq(p->n_entries, 4);
	cr_assert_eq(access_of(p, SPECIAL_ROOT, NULL), ACCESS_READ);
	cr_assert_eq(access_of(p, SPECIAL_WORKSPACE_ROOTS, "."), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_SLASH_TMP, NULL), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_TMPDIR, NULL), ACCESS_WRITE);
	cr_assert_eq(p->network.mode, NETWORK_OFF);
	cr_assert_str_eq(profile_protected_names(p)[0], ".git");
	cr_assert_eq(strv_length(profile_protected_names(p)), 7);
	cr_assert_null(l.warnings);
}

static const struct {
	const char *name;
	enum fs_kind kind;
	enum network_mode mode;
	size_t n_entries;
} builtins[] = {
	{ ":read-only", FS_RESTRICTED, NETWORK_OFF, 1 },
	{ ":workspace", FS_RESTRICTED, NETWORK_OFF, 4 },
	{ ":danger-full-access", FS_UNRESTRICTED, NETWORK_ON, 0 },
};

Test(config, builtins_by_name)
{
	for (size_t i = 0; i < ELEMENTSOF(builtins); i++) {
		_cleanup_(load_free) struct load l = load1(NULL, builtins[i].name);
		cr_assert_eq(l.r, 0, "case %zu: %s", i, l.err.message);
		cr_assert_str_eq(l.profile->name, builtins[i].name);
		cr_assert_eq(l.profile->fs_kind, builtins[i].kind, "case %zu", i);
		cr_assert_eq(l.profile->network.mode, builtins[i].mode, "case %zu", i);
		cr_assert_eq(l.profile->n_entries, builtins[i].n_entries, "case %zu", i);
	}
}

/* --- selection ------------------------------------------------------- */

static const struct {
	const char *toml;
	const char *p;
	const char *want;
} selections[] = {
	{ "", NULL, ":workspace" },
	{ "model = \"o3\"\n", NULL, ":workspace" },
	{ "default_permissions = \"dev\"\n[permissions.dev]\n", NULL, "dev" },
	{ "default_permissions = \":read-only\"\n", NULL, ":read-only" },
	{ "default_permissions = \"dev\"\n[permissions.dev]\n", ":danger-full-access",
	  ":danger-full-access" },
	{ "[permissions.ci]\n", "ci", "ci" },
	{ "sandbox_mode = \"read-only\"\n", NULL, "(legacy read-only)" },
	{ "sandbox_mode = \"workspace-write\"\n", NULL, "(legacy workspace-write)" },
	{ "sandbox_mode = \"read-only\"\ndefault_permissions = \"dev\"\n[permissions.dev]\n", NULL,
	  "dev" },
	{ "sandbox_mode = \"read-only\"\n[permissions.dev]\n", "dev", "dev" },
	/* An invalid legacy mode does not matter when it is not used. */
	{ "sandbox_mode = 5\n", ":workspace", ":workspace" },
};

Test(config, selection_order)
{
	for (size_t i = 0; i < ELEMENTSOF(selections); i++) {
		_cleanup_(load_free) struct load l = load1(selections[i].toml, selections[i].p);
		cr_assert_eq(l.r, 0, "case %zu: %s", i, l.err.message);
		cr_assert_str_eq(l.profile->name, selections[i].want, "case %zu", i);
	}
}

Test(config, unknown_profile_lists_the_names)
{
	_cleanup_(load_free) struct load l =
		load1("default_permissions = \"prod\"\n[permissions.dev]\n[permissions.ci]\n", NULL);

	cr_assert_eq(l.r, -EINVAL);
	cr_assert_str_eq(l.err.message,
			 "default_permissions: unknown permission profile \"prod\" (available: "
			 ":read-only, :workspace, :danger-full-access, dev, ci)");
	cr_assert_eq(l.err.line, 1);
	cr_assert_eq(l.err.column, 23);

	_cleanup_(load_free) struct load m = load1("", "nope");
	cr_assert_eq(m.r, -EINVAL);
	cr_assert_null(m.err.file);
	cr_assert(strstr(m.err.message, "-p: unknown permission profile \"nope\""), "%s",
		  m.err.message);

	_cleanup_(load_free) struct load n = load1("", ":workspace-write");
	cr_assert_eq(n.r, -EINVAL);
	cr_assert(strstr(n.err.message, "unknown built-in profile \":workspace-write\""), "%s",
		  n.err.message);
}

/* --- a full profile -------------------------------------------------- */

static const char design_example[] =
	"default_permissions = \"dev\"\n"
	"\n"
	"[permissions.dev]\n"
	"extends = \":workspace\"\n"
	"protected_names = [\".git\", \".cordon\"]\n"
	"\n"
	"[permissions.dev.workspace_roots]\n"
	"\"~/code/shared-lib\" = true\n"
	"\n"
	"[permissions.dev.filesystem]\n"
	"glob_scan_max_depth = 4\n"
	"\":root\" = \"read\"\n"
	"\"~/.ssh\" = \"none\"\n"
	"\"/code/secrets/tmp\" = \"write\"\n"
	"\n"
	"[permissions.dev.filesystem.\":workspace_roots\"]\n"
	"\".\" = \"write\"\n"
	"\"docs\" = \"read\"\n"
	"\"**/*.env\" = \"none\"\n"
	"\n"
	"[permissions.dev.network]\n"
	"mode = \"proxy\"\n"
	"approvals = \"ask\"\n"
	"allow_local_binding = false\n"
	"[permissions.dev.network.domains]\n"
	"\"github.com\" = \"allow\"\n"
	"\"*.npmjs.org\" = \"allow\"\n"
	"\"evil.example.com\" = \"deny\"\n";

Test(config, design_example)
{
	_cleanup_(load_free) struct load l = load1(design_example, NULL);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_null(l.warnings);
	struct profile *p = l.profile;
	cr_assert_str_eq(p->name, "dev");
	cr_assert_eq(p->fs_kind, FS_RESTRICTED);
	cr_assert_eq(access_of(p, SPECIAL_ROOT, NULL), ACCESS_READ);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "~/.ssh"), ACCESS_NONE);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "/code/secrets/tmp"), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_WORKSPACE_ROOTS, "."), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_WORKSPACE_ROOTS, "docs"), ACCESS_READ);
	const struct fs_entry *g = find(p, SPECIAL_WORKSPACE_ROOTS, "**/*.env");
	cr_assert_not_null(g);
	cr_assert(g->glob);
	cr_assert_eq(g->access, ACCESS_NONE);
	/* From :workspace. */
	cr_assert_eq(access_of(p, SPECIAL_SLASH_TMP, NULL), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_TMPDIR, NULL), ACCESS_WRITE);
	cr_assert_eq(p->glob_scan_max_depth, 4);
	cr_assert_eq(strv_length(p->protected_names), 2);
	cr_assert(p->set & PROFILE_SET_PROTECTED_NAMES);
	cr_assert_eq(strv_length(p->workspace_roots), 1);
	cr_assert_str_eq(p->workspace_roots[0], "~/code/shared-lib");
	cr_assert_eq(p->network.mode, NETWORK_PROXY);
	cr_assert_eq(p->network.approvals, APPROVALS_ASK);
	cr_assert_not(p->network.allow_local_binding);
	cr_assert_eq(p->network.n_domains, 3);
	cr_assert_str_eq(p->network.domains[1].pattern, "*.npmjs.org");
	cr_assert_not(p->network.domains[2].allow);
	/* Entries say where they were written: the key's place. */
	const struct fs_entry *ssh = find(p, SPECIAL_NONE, "~/.ssh");
	cr_assert(strstr(ssh->where.file, "c0.toml"));
	cr_assert_eq(ssh->where.line, 13);
	cr_assert_eq(ssh->where.column, 1);
}

/* --- extends --------------------------------------------------------- */

Test(config, extends_chain)
{
	const char *toml = "[permissions.a]\n"
			   "extends = \"b\"\n"
			   "network.approvals = \"ask\"\n"
			   "filesystem.\"/a\" = \"write\"\n"
			   "filesystem.\"/shared\" = \"none\"\n"
			   "[permissions.b]\n"
			   "extends = \":read-only\"\n"
			   "workspace_roots = [\"/w\"]\n"
			   "network = { mode = \"proxy\", allow_udp = true }\n"
			   "filesystem = { \"/shared\" = \"read\", \"/b\" = \"read\" }\n";
	_cleanup_(load_free) struct load l = load1(toml, "a");

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	struct profile *p = l.profile;
	cr_assert_str_eq(p->name, "a");
	cr_assert_eq(p->n_entries, 4);
	cr_assert_eq(access_of(p, SPECIAL_ROOT, NULL), ACCESS_READ);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "/a"), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "/b"), ACCESS_READ);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "/shared"), ACCESS_NONE);
	cr_assert_eq(p->network.mode, NETWORK_PROXY);
	cr_assert_eq(p->network.approvals, APPROVALS_ASK);
	cr_assert(p->network.allow_udp);
	cr_assert_str_eq(p->workspace_roots[0], "/w");
	cr_assert(p->set & PROFILE_SET_APPROVALS);
	cr_assert(p->set & PROFILE_SET_ALLOW_UDP);
	cr_assert_not(p->set & PROFILE_SET_ALLOW_LOCAL_BINDING);
}

Test(config, extends_builtin_scalars_can_be_overridden)
{
	_cleanup_(load_free) struct load l = load1("[permissions.x]\n"
						   "extends = \":danger-full-access\"\n"
						   "filesystem.type = \"restricted\"\n"
						   "network.enabled = false\n",
						   "x");

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_eq(l.profile->fs_kind, FS_RESTRICTED);
	cr_assert_eq(l.profile->network.mode, NETWORK_OFF);
}

Test(config, profile_without_extends_starts_empty)
{
	_cleanup_(load_free) struct load l = load1("[permissions.x]\n", "x");

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_eq(l.profile->n_entries, 0);
	cr_assert_eq(l.profile->fs_kind, FS_RESTRICTED);
	cr_assert_eq(l.profile->network.mode, NETWORK_OFF);
}

static const struct {
	const char *toml;
	const char *p;
	const char *message;
	unsigned line, column;
} cycles[] = {
	{ "[permissions.a]\nextends = \"b\"\n[permissions.b]\nextends = \"a\"\n", "a",
	  "permissions.b.extends: extends cycle: a -> b -> a", 4, 11 },
	{ "[permissions.a]\nextends = \"a\"\n", "a", "permissions.a.extends: extends cycle: a -> a", 2,
	  11 },
	{ "default_permissions = \"a\"\n[permissions.a]\nextends = \"b\"\n[permissions.b]\n"
	  "extends = \"c\"\n[permissions.c]\nextends = \"b\"\n",
	  NULL, "permissions.c.extends: extends cycle: a -> b -> c -> b", 7, 11 },
	{ "[permissions.a]\nextends = \"zz\"\n", "a",
	  "permissions.a.extends: unknown permission profile \"zz\"", 2, 11 },
	{ "[permissions.a]\nextends = \":nope\"\n", "a",
	  "permissions.a.extends: unknown built-in profile \":nope\"", 2, 11 },
};

Test(config, extends_errors)
{
	for (size_t i = 0; i < ELEMENTSOF(cycles); i++) {
		_cleanup_(load_free) struct load l = load1(cycles[i].toml, cycles[i].p);
		cr_assert_eq(l.r, -EINVAL, "case %zu", i);
		cr_assert(strstr(l.err.message, cycles[i].message), "case %zu: %s", i,
			  l.err.message);
		cr_assert(strstr(l.err.file, "c0.toml"), "case %zu", i);
		cr_assert_eq(l.err.line, cycles[i].line, "case %zu: %u", i, l.err.line);
		cr_assert_eq(l.err.column, cycles[i].column, "case %zu: %u", i, l.err.column);
	}
}

/* --- merging files and overrides -------------------------------------- */

Test(config, two_files_deep_merge)
{
	const char *texts[] = {
		"default_permissions = \"dev\"\n"
		"[permissions.dev.filesystem]\n"
		"\":root\" = \"read\"\n"
		"\"/a\" = \"write\"\n"
		"[permissions.dev.network]\n"
		"mode = \"proxy\"\n"
		"domains = { \"a.com\" = \"allow\" }\n",
		"[permissions.dev.filesystem]\n"
		"\"/a\" = \"read\"\n"
		"\"/b\" = \"none\"\n"
		"[permissions.dev.network.domains]\n"
		"\"b.com\" = \"deny\"\n",
		NULL,
	};
	_cleanup_(load_free) struct load l = load_ex(texts, NULL, NULL, NULL);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	struct profile *p = l.profile;
	cr_assert_str_eq(p->name, "dev");
	cr_assert_eq(p->n_entries, 3);
	cr_assert_eq(access_of(p, SPECIAL_ROOT, NULL), ACCESS_READ);
	const struct fs_entry *a = find(p, SPECIAL_NONE, "/a");
	cr_assert_eq(a->access, ACCESS_READ);
	cr_assert(strstr(a->where.file, "c1.toml"), "the later file's place: %s", a->where.file);
	cr_assert_eq(a->where.line, 2);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "/b"), ACCESS_NONE);
	cr_assert(strstr(find(p, SPECIAL_ROOT, NULL)->where.file, "c0.toml"));
	cr_assert_eq(p->network.mode, NETWORK_PROXY);
	cr_assert_eq(p->network.n_domains, 2);
}

Test(config, later_file_replaces_a_table_with_a_value)
{
	const char *texts[] = {
		"[permissions.dev.filesystem]\n\":root\" = \"read\"\n",
		"[permissions.dev]\nfilesystem = { \"/x\" = \"read\" }\n",
		NULL,
	};
	_cleanup_(load_free) struct load l = load_ex(texts, NULL, "dev", NULL);

	/* Inline tables are tables too: they merge. */
	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_eq(l.profile->n_entries, 2);

	const char *texts2[] = {
		"[permissions.dev.filesystem]\n\":root\" = \"read\"\n",
		"[permissions.dev]\nfilesystem = \"read\"\n",
		NULL,
	};
	_cleanup_(load_free) struct load m = load_ex(texts2, NULL, "dev", NULL);
	cr_assert_eq(m.r, -EINVAL);
	cr_assert(strstr(m.err.message, "permissions.dev.filesystem: expected a table, got a string"),
		  "%s", m.err.message);
	cr_assert(strstr(m.err.file, "c1.toml"));
}

static const struct {
	const char *arg;
	enum special_path special;
	const char *path;
	enum access access;
} override_entries[] = {
	{ "permissions.dev.filesystem.\"/x\"=\"none\"", SPECIAL_NONE, "/x", ACCESS_NONE },
	{ "permissions.dev.filesystem.'/lit'='read'", SPECIAL_NONE, "/lit", ACCESS_READ },
	{ "permissions.dev.filesystem.\"/a=b\"=write", SPECIAL_NONE, "/a=b", ACCESS_WRITE },
	{ " permissions . dev . filesystem . \":tmpdir\" = \"write\" ", SPECIAL_TMPDIR, NULL,
	  ACCESS_WRITE },
	{ "permissions.dev.filesystem.\":workspace_roots\".docs=deny", SPECIAL_WORKSPACE_ROOTS, "docs",
	  ACCESS_NONE },
	{ "permissions.dev.filesystem={\"/t\"=\"read\"}", SPECIAL_NONE, "/t", ACCESS_READ },
	{ "permissions.dev.filesystem.\"/caf\\u00e9\"=read", SPECIAL_NONE, "/café", ACCESS_READ },
};

Test(config, overrides_set_entries)
{
	for (size_t i = 0; i < ELEMENTSOF(override_entries); i++) {
		const char *texts[] = { "[permissions.dev.filesystem]\n\":root\" = \"read\"\n", NULL };
		char *ov[] = { (char *)override_entries[i].arg, NULL };
		_cleanup_(load_free) struct load l = load_ex(texts, ov, "dev", NULL);

		cr_assert_eq(l.r, 0, "case %zu: %s", i, l.err.message);
		cr_assert_eq(access_of(l.profile, override_entries[i].special, override_entries[i].path),
			     override_entries[i].access, "case %zu", i);
		/* The file's entry survives: overrides merge. */
		cr_assert_eq(access_of(l.profile, SPECIAL_ROOT, NULL), ACCESS_READ, "case %zu", i);
		const struct fs_entry *e =
			find(l.profile, override_entries[i].special, override_entries[i].path);
		cr_assert(strneq(e->where.file, "-c ", 3), "case %zu: %s", i, e->where.file);
		cr_assert_eq(e->where.line, 0, "case %zu", i);
	}
}

Test(config, overrides_apply_in_order_and_select)
{
	char *ov[] = {
		"default_permissions=dev",
		"permissions.dev.extends=\":read-only\"",
		"permissions.dev.network.mode=on",
		"permissions.dev.network.mode=proxy",
		"permissions.dev.filesystem.glob_scan_max_depth=3",
		"permissions.dev.protected_names=[\".git\", \".hg\"]",
		"permissions.dev.workspace_roots.\"~/x\"=true",
		NULL,
	};
	_cleanup_(load_free) struct load l = load_ex(NULL, ov, NULL, NULL);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_str_eq(l.profile->name, "dev");
	cr_assert_eq(l.profile->network.mode, NETWORK_PROXY);
	cr_assert_eq(l.profile->glob_scan_max_depth, 3);
	cr_assert_str_eq(l.profile->protected_names[1], ".hg");
	cr_assert_str_eq(l.profile->workspace_roots[0], "~/x");
	cr_assert_eq(access_of(l.profile, SPECIAL_ROOT, NULL), ACCESS_READ);
}

Test(config, override_replaces_legacy_mode)
{
	const char *texts[] = { "sandbox_mode = \"read-only\"\n", NULL };
	char *ov[] = { "sandbox_mode=workspace-write", "sandbox_workspace_write.network_access=true",
		       NULL };
	_cleanup_(load_free) struct load l = load_ex(texts, ov, NULL, NULL);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_str_eq(l.profile->name, "(legacy workspace-write)");
	cr_assert_eq(l.profile->network.mode, NETWORK_ON);
}

static const struct {
	const char *arg;
	const char *message;
} override_errors[] = {
	{ "permissions.dev.network.mode", "expected KEY=VALUE" },
	{ "=1", "invalid key" },
	{ "a..b=1", "invalid key" },
	{ "\"unterminated=1", "expected KEY=VALUE" },
	{ "a\nb=1", "line break" },
	{ "permissions.dev.network.mode=", "invalid TOML value" },
	{ "permissions.dev.network.mode=[1,", "invalid TOML value" },
	{ "permissions.dev.network.mode=two words", "invalid TOML value" },
	{ "permissions.dev.network.mode=1\nx=2", "invalid TOML value" },
	{ "permissions.dev.network.mode=7",
	  "permissions.dev.network.mode: expected a string, got an integer" },
	{ "permissions.dev.network.mode=bogus",
	  "permissions.dev.network.mode: expected one of off, on, proxy; got \"bogus\"" },
	{ "permissions.dev.filesystem.\"/x\"=\"rwx\"",
	  "permissions.dev.filesystem.\"/x\": expected one of none, read, write; got \"rwx\"" },
	{ "permissions.dev.protected_names=[\"a\", 2]",
	  "permissions.dev.protected_names[1]: expected a string, got an integer" },
	{ "permissions.dev=1", "permissions.dev: expected a table, got an integer" },
	{ "permissions.\"a\\u0000b\".x=1", "NUL" },
};

Test(config, override_errors_name_the_override)
{
	for (size_t i = 0; i < ELEMENTSOF(override_errors); i++) {
		char *ov[] = { (char *)override_errors[i].arg, NULL };
		_cleanup_(load_free) struct load l = load_ex(NULL, ov, "dev", NULL);
		_cleanup_free_ char *source = xasprintf("-c %s", override_errors[i].arg);
		char buf[1024];

		cr_assert_eq(l.r, -EINVAL, "case %zu", i);
		cr_assert_str_eq(l.err.file, source, "case %zu", i);
		cr_assert_eq(l.err.line, 0, "case %zu", i);
		cr_assert(strstr(l.err.message, override_errors[i].message), "case %zu: %s", i,
			  l.err.message);
		error_format(&l.err, buf, sizeof(buf));
		cr_assert(strneq(buf, source, strlen(source)), "case %zu: %s", i, buf);
	}
}

/* --- warnings -------------------------------------------------------- */

Test(config, unknown_keys_are_warnings)
{
	const char *toml = "model = \"o3\"\n"
			   "approval_policy = \"never\"\n"
			   "sandbox_mode = \"workspace-write\"\n"
			   "[sandbox_workspace_write]\n"
			   "network_acess = true\n"
			   "[mcp_servers.x]\n"
			   "command = \"y\"\n"
			   "[permissions.dev]\n"
			   "colour = \"red\"\n"
			   "filesystem.glob_depth = 4\n"
			   "network.speed = 9\n"
			   "filesystem.\":home\" = \"read\"\n";
	_cleanup_(load_free) struct load l = load1(toml, NULL);
	_cleanup_free_ char *path = xasprintf("%s/c0.toml", fixture_dir);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_eq(strv_length(l.warnings), 1, "the legacy profile reads only its own keys");
	_cleanup_free_ char *w0 = xasprintf("%s:5:1: unknown key 'sandbox_workspace_write.network_acess' ignored", path);
	cr_assert_str_eq(l.warnings[0], w0);

	_cleanup_(load_free) struct load m = load1(toml, "dev");
	cr_assert_eq(m.r, 0, "%s", m.err.message);
	cr_assert_eq(strv_length(m.warnings), 4);
	_cleanup_free_ char *w1 = xasprintf("%s:9:1: unknown key 'permissions.dev.colour' ignored", path);
	_cleanup_free_ char *w2 = xasprintf("%s:10:12: unknown key 'permissions.dev.filesystem.glob_depth' ignored", path);
	_cleanup_free_ char *w3 = xasprintf("%s:11:9: unknown key 'permissions.dev.network.speed' ignored", path);
	_cleanup_free_ char *w4 = xasprintf("%s:12:12: permissions.dev.filesystem.\":home\": unknown special path; the entry grants nothing", path);
	cr_assert_str_eq(m.warnings[0], w1);
	cr_assert_str_eq(m.warnings[1], w2);
	cr_assert_str_eq(m.warnings[2], w4);
	cr_assert_str_eq(m.warnings[3], w3);
	cr_assert_eq(access_of(m.profile, SPECIAL_UNKNOWN, ":home"), ACCESS_READ);
}

Test(config, builtin_names_are_reserved)
{
	_cleanup_(load_free) struct load l =
		load1("[permissions.\":workspace\"]\nnetwork.mode = \"on\"\n", NULL);
	_cleanup_free_ char *w = xasprintf("%s/c0.toml:1:14: permissions.\":workspace\" is never used", fixture_dir);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_str_eq(l.profile->name, ":workspace");
	cr_assert_eq(l.profile->network.mode, NETWORK_OFF);
	cr_assert_eq(strv_length(l.warnings), 1);
	cr_assert(strneq(l.warnings[0], w, strlen(w)), "%s", l.warnings[0]);
}

Test(config, warnings_from_overrides_name_the_override)
{
	char *ov[] = { "permissions.dev.bogus=1", NULL };
	_cleanup_(load_free) struct load l = load_ex(NULL, ov, "dev", NULL);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_str_eq(l.warnings[0],
			 "-c permissions.dev.bogus=1: unknown key 'permissions.dev.bogus' ignored");
}

/* --- every error has a place ----------------------------------------- */

#define DEV "[permissions.dev]\n"
#define FS "[permissions.dev.filesystem]\n"
#define NET "[permissions.dev.network]\n"

static const struct {
	const char *toml;
	unsigned line, column;
	const char *message;
} errors[] = {
	{ FS "\"/x\" = \"rwx\"\n", 2, 8,
	  "permissions.dev.filesystem.\"/x\": expected one of none, read, write; got \"rwx\"" },
	{ FS "\"/x\" = true\n", 2, 8, "permissions.dev.filesystem.\"/x\": expected a string, got a boolean" },
	{ FS "\"src\" = \"none\"\n", 2, 1, "permissions.dev.filesystem.src: expected an absolute path" },
	{ FS "\"~bob/x\" = \"read\"\n", 2, 1, "\"~user\" paths are not supported" },
	{ FS "\"/r/*.env\" = \"write\"\n", 2, 1, "a glob is allowed only with access \"none\"" },
	{ FS "type = \"closed\"\n", 2, 8,
	  "permissions.dev.filesystem.type: expected one of restricted, unrestricted, external; got \"closed\"" },
	{ FS "glob_scan_max_depth = 0\n", 2, 23, "expected a depth from 1 to 4096, got 0" },
	{ FS "glob_scan_max_depth = \"4\"\n", 2, 23, "expected an integer, got a string" },
	{ FS "\":workspace_roots\" = 1\n", 2, 22, "expected a string, got an integer" },
	{ FS "[permissions.dev.filesystem.\":workspace_roots\"]\n\"../up\" = \"read\"\n", 3, 1,
	  "permissions.dev.filesystem.\":workspace_roots\".\"../up\": \"..\" may not appear" },
	{ FS "[permissions.dev.filesystem.\":workspace_roots\"]\n\"/abs\" = \"read\"\n", 3, 1,
	  "expected a path relative to each workspace root" },
	{ FS "[permissions.dev.filesystem.\":workspace_roots\"]\n\"x\" = \"all\"\n", 3, 7,
	  "expected one of none, read, write; got \"all\"" },
	{ NET "mode = \"open\"\n", 2, 8, "permissions.dev.network.mode: expected one of off, on, proxy; got \"open\"" },
	{ NET "enabled = \"yes\"\n", 2, 11, "permissions.dev.network.enabled: expected true or false, got a string" },
	{ NET "approvals = \"always\"\n", 2, 13, "expected one of ask, never; got \"always\"" },
	{ NET "allow_local_binding = 1\n", 2, 23, "expected true or false, got an integer" },
	{ NET "allow_udp = 1.5\n", 2, 13, "expected true or false, got a float" },
	{ NET "domains = [\"a.com\"]\n", 2, 11, "permissions.dev.network.domains: expected a table, got an array" },
	{ NET "[permissions.dev.network.domains]\n\"a.com\" = true\n", 3, 11,
	  "permissions.dev.network.domains.\"a.com\": expected a string, got a boolean" },
	{ NET "[permissions.dev.network.domains]\n\"a.com\" = \"permit\"\n", 3, 11,
	  "expected one of allow, deny; got \"permit\"" },
	{ NET "[permissions.dev.network.domains]\n\"https://a.com\" = \"allow\"\n", 3, 1,
	  "expected a host name pattern" },
	{ DEV "network = \"on\"\n", 2, 11, "permissions.dev.network: expected a table, got a string" },
	{ DEV "filesystem = [\":root\"]\n", 2, 14, "permissions.dev.filesystem: expected a table, got an array" },
	{ DEV "protected_names = \".git\"\n", 2, 19, "permissions.dev.protected_names: expected an array of names" },
	{ DEV "protected_names = [\".git\", 3]\n", 2, 28,
	  "permissions.dev.protected_names[1]: expected a string, got an integer" },
	{ DEV "protected_names = [\"a/b\"]\n", 2, 20, "expected a file name such as \".git\", got \"a/b\"" },
	{ DEV "protected_names = [\"..\"]\n", 2, 20, "expected a file name" },
	{ DEV "workspace_roots = 5\n", 2, 19, "expected an array of paths or a table of path = true" },
	{ DEV "workspace_roots = [\"rel\"]\n", 2, 20,
	  "permissions.dev.workspace_roots[0]: \"rel\": expected an absolute path" },
	{ DEV "workspace_roots = { \"/x\" = 1 }\n", 2, 28, "permissions.dev.workspace_roots.\"/x\": expected true or false" },
	{ DEV "workspace_roots = { \"x\" = true }\n", 2, 21, "expected an absolute path" },
	{ DEV "landlock_ignore_carveouts = \"no\"\n", 2, 29, "expected true or false, got a string" },
	{ DEV "extends = 5\n", 2, 11, "permissions.dev.extends: expected a string, got an integer" },
	{ "[permissions]\ndev = 1\n", 2, 7, "permissions.dev: expected a table, got an integer" },
	{ "permissions = 1\n", 1, 15, "permissions: expected a table, got an integer" },
	{ "default_permissions = 5\n", 1, 23, "default_permissions: expected a string, got an integer" },
	{ "default_permissions = \"dev\"\n", 1, 23, "unknown permission profile \"dev\"" },
	{ "sandbox_mode = \"yolo\"\n", 1, 16,
	  "sandbox_mode: expected one of read-only, workspace-write, danger-full-access; got \"yolo\"" },
	{ "sandbox_mode = \"workspace-write\"\nsandbox_workspace_write = 1\n", 2, 27,
	  "sandbox_workspace_write: expected a table, got an integer" },
	{ "sandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\nnetwork_access = \"yes\"\n", 3,
	  18, "sandbox_workspace_write.network_access: expected true or false, got a string" },
	{ "sandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\nwritable_roots = \"/x\"\n", 3,
	  18, "sandbox_workspace_write.writable_roots: expected an array of paths" },
	{ "sandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\nwritable_roots = [\"/x\", \"y\"]\n",
	  3, 25, "sandbox_workspace_write.writable_roots[1]: \"y\": expected an absolute path" },
	{ "sandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\nexclude_slash_tmp = 0\n", 3,
	  21, "expected true or false" },
	{ FS "\"/a\\u0000b\" = \"read\"\n", 2, 1, "NUL" },
	{ FS "\"/a\" = \"re\\u0000ad\"\n", 2, 8, "NUL character" },
	/* TOML syntax errors come from the parser, with its position. */
	{ FS "\"/x\" = \n", 2, 0, "" },
	{ FS "\"/x\" = \"read\"\n\"/x\" = \"write\"\n", 3, 0, "" },
};

Test(config, every_error_has_file_line_column)
{
	for (size_t i = 0; i < ELEMENTSOF(errors); i++) {
		const char *p = strstr(errors[i].toml, "sandbox_mode") ||
						strstr(errors[i].toml, "default_permissions")
					? NULL
					: "dev";
		_cleanup_(load_free) struct load l = load1(errors[i].toml, p);
		_cleanup_free_ char *path = xasprintf("%s/c0.toml", fixture_dir);

		cr_assert_eq(l.r, -EINVAL, "case %zu: %d", i, l.r);
		cr_assert_str_eq(l.err.file, path, "case %zu", i);
		cr_assert(strstr(l.err.message, errors[i].message), "case %zu: %s", i,
			  l.err.message);
		cr_assert_eq(l.err.line, errors[i].line, "case %zu: line %u: %s", i, l.err.line,
			     l.err.message);
		if (errors[i].column)
			cr_assert_eq(l.err.column, errors[i].column, "case %zu: column %u: %s", i,
				     l.err.column, l.err.message);
		else
			cr_assert_gt(l.err.column, 0, "case %zu", i);
	}
}

/* --- files ----------------------------------------------------------- */

Test(config, missing_config_file_is_an_error)
{
	char *files[] = { "/nonexistent/cordon.toml", NULL };
	struct config_request req = { .no_home_config = true, .config_files = files };
	struct profile *p = NULL;
	struct error err = { 0 };

	cr_assert_eq(config_load(&req, &p, NULL, &err), -ENOENT);
	cr_assert_null(p);
	cr_assert_str_eq(err.file, "/nonexistent/cordon.toml");
	cr_assert(strstr(err.message, "No such file"), "%s", err.message);
	error_clear(&err);

	char *dirs[] = { fixture_dir, NULL };
	req.config_files = dirs;
	cr_assert_eq(config_load(&req, &p, NULL, &err), -EISDIR);
	error_clear(&err);

	char *fifo[] = { "/dev/null", NULL };
	req.config_files = fifo;
	cr_assert_eq(config_load(&req, &p, NULL, &err), -EINVAL);
	cr_assert(strstr(err.message, "not a regular file"), "%s", err.message);
	error_clear(&err);
}

Test(config, home_config_locations)
{
	_cleanup_free_ char *cordon_home = xasprintf("%s/ch", fixture_dir);
	_cleanup_free_ char *xdg = xasprintf("%s/xdg", fixture_dir);
	_cleanup_free_ char *home = xasprintf("%s/home", fixture_dir);
	_cleanup_free_ char *d1 = xasprintf("%s/cordon", xdg);
	_cleanup_free_ char *d2 = xasprintf("%s/.config", home);
	_cleanup_free_ char *d3 = xasprintf("%s/.config/cordon", home);
	cr_assert_eq(mkdir(cordon_home, 0700), 0);
	cr_assert_eq(mkdir(xdg, 0700), 0);
	cr_assert_eq(mkdir(d1, 0700), 0);
	cr_assert_eq(mkdir(home, 0700), 0);
	cr_assert_eq(mkdir(d2, 0700), 0);
	cr_assert_eq(mkdir(d3, 0700), 0);
	free(file("ch/config.toml", "default_permissions = \":read-only\"\n"));
	free(file("xdg/cordon/config.toml", "default_permissions = \":danger-full-access\"\n"));
	free(file("home/.config/cordon/config.toml", "sandbox_mode = \"read-only\"\n"));

	static const struct {
		bool cordon_home, xdg, home;
		const char *want;
	} cases[] = {
		{ true, true, true, ":read-only" },
		{ false, true, true, ":danger-full-access" },
		{ false, false, true, "(legacy read-only)" },
		{ false, false, false, ":workspace" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct config_request req = { 0 };
		_cleanup_profile_free_ struct profile *p = NULL;
		struct error err = { 0 };

		cases[i].cordon_home ? setenv("CORDON_HOME", cordon_home, 1) : unsetenv("CORDON_HOME");
		cases[i].xdg ? setenv("XDG_CONFIG_HOME", xdg, 1) : unsetenv("XDG_CONFIG_HOME");
		cases[i].home ? setenv("HOME", home, 1) : unsetenv("HOME");
		cr_assert_eq(config_load(&req, &p, NULL, &err), 0, "case %zu: %s", i, err.message);
		cr_assert_str_eq(p->name, cases[i].want, "case %zu", i);

		/* --no-user-config skips it. */
		_cleanup_profile_free_ struct profile *q = NULL;
		req.no_home_config = true;
		cr_assert_eq(config_load(&req, &q, NULL, &err), 0);
		cr_assert_str_eq(q->name, ":workspace");
	}

	/* A relative XDG_CONFIG_HOME is ignored, as the spec says. */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", home, 1);
	_cleanup_free_ char *hp = config_home_path();
	_cleanup_free_ char *want = xasprintf("%s/.config/cordon/config.toml", home);
	cr_assert_str_eq(hp, want);

	/* An explicit home config that does not exist is skipped; a broken one is not. */
	struct config_request req = { .home_config = "/nonexistent/config.toml" };
	_cleanup_profile_free_ struct profile *p = NULL;
	struct error err = { 0 };
	cr_assert_eq(config_load(&req, &p, NULL, &err), 0);
	_cleanup_free_ char *bad = file("bad.toml", "x = = 1\n");
	req.home_config = bad;
	struct profile *r = NULL;
	cr_assert_eq(config_load(&req, &r, NULL, &err), -EINVAL);
	cr_assert_str_eq(err.file, bad);
	cr_assert_eq(err.line, 1);
	error_clear(&err);
}

Test(config, home_config_comes_before_config_files)
{
	_cleanup_free_ char *home = file("home.toml", "default_permissions = \":read-only\"\n"
						      "[permissions.dev]\nnetwork.mode = \"on\"\n");
	_cleanup_free_ char *extra = file("extra.toml", "default_permissions = \"dev\"\n");
	char *files[] = { extra, NULL };
	struct config_request req = { .home_config = home, .config_files = files };
	_cleanup_profile_free_ struct profile *p = NULL;
	struct error err = { 0 };

	cr_assert_eq(config_load(&req, &p, NULL, &err), 0, "%s", err.message);
	cr_assert_str_eq(p->name, "dev");
	cr_assert_eq(p->network.mode, NETWORK_ON);
}

/* --- --policy-json ---------------------------------------------------- */

static const char policy[] =
	"{\"type\":\"managed\",\"file_system\":{\"entries\":[{\"path\":{\"type\":\"special\","
	"\"value\":{\"kind\":\"root\"}},\"access\":\"read\"}]},\"network\":\"enabled\",\"x\":1}";

Test(config, policy_json_replaces_the_profile)
{
	const char *texts[] = { design_example, NULL };
	_cleanup_(load_free) struct load l = load_ex(texts, NULL, "dev", policy);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_str_eq(l.profile->name, "(policy-json)");
	cr_assert_eq(l.profile->n_entries, 1);
	cr_assert_eq(l.profile->network.mode, NETWORK_ON);
	cr_assert_eq(strv_length(l.warnings), 1);
	cr_assert(strneq(l.warnings[0], "--policy-json:1:", 16), "%s", l.warnings[0]);

	/* A profile name that would not resolve does not matter then. */
	_cleanup_(load_free) struct load m = load_ex(NULL, NULL, "nope", policy);
	cr_assert_eq(m.r, 0, "%s", m.err.message);
}

Test(config, policy_json_from_a_file)
{
	_cleanup_free_ char *path = file("p.json", "{\n\"type\": \"managed\",\n\"file_system\": 3\n}\n");
	_cleanup_free_ char *arg = xasprintf("@%s", path);
	_cleanup_(load_free) struct load l = load_ex(NULL, NULL, NULL, arg);

	cr_assert_eq(l.r, -EINVAL);
	cr_assert_str_eq(l.err.file, path);
	cr_assert_eq(l.err.line, 3);
	cr_assert_eq(l.err.column, 16);

	_cleanup_(load_free) struct load m = load_ex(NULL, NULL, NULL, "@/nonexistent.json");
	cr_assert_eq(m.r, -ENOENT);
	cr_assert_str_eq(m.err.file, "/nonexistent.json");
}

Test(config, config_errors_still_count_with_policy_json)
{
	_cleanup_(load_free) struct load l = load1("x = \n", NULL);
	cr_assert_eq(l.r, -EINVAL);

	const char *texts[] = { "x = \n", NULL };
	_cleanup_(load_free) struct load m = load_ex(texts, NULL, NULL, policy);
	cr_assert_eq(m.r, -EINVAL);
}

/* --- smaller forms --------------------------------------------------- */

Test(config, alternative_spellings)
{
	_cleanup_(load_free) struct load l = load1("[permissions.dev]\n"
						   "workspace_roots = { \"/a\" = true, \"/b\" = false }\n"
						   "landlock_ignore_carveouts = true\n"
						   "[permissions.dev.filesystem]\n"
						   "\":project_roots\" = { \".\" = \"write\", \"src/**\" = \"read\" }\n"
						   "\":minimal\" = \"read\"\n"
						   "\"/srv/**\" = \"write\"\n"
						   "\"/x\" = \"deny\"\n"
						   "[permissions.dev.network]\n"
						   "enabled = true\n",
						   "dev");

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	struct profile *p = l.profile;
	cr_assert_eq(strv_length(p->workspace_roots), 1);
	cr_assert(p->landlock_ignore_carveouts);
	cr_assert(p->set & PROFILE_SET_LANDLOCK_IGNORE_CARVEOUTS);
	cr_assert_eq(access_of(p, SPECIAL_WORKSPACE_ROOTS, "."), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_WORKSPACE_ROOTS, "src"), ACCESS_READ);
	cr_assert_eq(access_of(p, SPECIAL_MINIMAL, NULL), ACCESS_READ);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "/srv"), ACCESS_WRITE);
	cr_assert_eq(access_of(p, SPECIAL_NONE, "/x"), ACCESS_NONE);
	cr_assert_eq(p->network.mode, NETWORK_ON);
	cr_assert(p->set & PROFILE_SET_NETWORK_MODE);
}

Test(config, network_mode_wins_over_enabled)
{
	_cleanup_(load_free) struct load l =
		load1("[permissions.dev.network]\nenabled = true\nmode = \"proxy\"\n", "dev");

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	cr_assert_eq(l.profile->network.mode, NETWORK_PROXY);
}

Test(config, legacy_through_config)
{
	_cleanup_(load_free) struct load l =
		load1("sandbox_mode = \"workspace-write\"\n"
		      "[sandbox_workspace_write]\n"
		      "writable_roots = [\"/srv/cache\", \"~/.cargo\"]\n"
		      "network_access = true\n"
		      "exclude_tmpdir_env_var = true\n"
		      "exclude_slash_tmp = false\n",
		      NULL);

	cr_assert_eq(l.r, 0, "%s", l.err.message);
	struct profile *p = l.profile;
	cr_assert_eq(p->network.mode, NETWORK_ON);
	cr_assert_null(find(p, SPECIAL_TMPDIR, NULL));
	cr_assert_eq(access_of(p, SPECIAL_SLASH_TMP, NULL), ACCESS_WRITE);
	const struct fs_entry *e = find(p, SPECIAL_NONE, "~/.cargo");
	cr_assert_eq(e->access, ACCESS_WRITE);
	cr_assert_eq(e->where.line, 3);
	cr_assert_eq(e->where.column, 33);
	cr_assert_eq(find(p, SPECIAL_ROOT, NULL)->where.line, 1);
}
