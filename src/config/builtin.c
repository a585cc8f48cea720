#include "config/builtin.h"
#include "util/strv.h"

const char *const builtin_profile_names[] = {
	":read-only",
	":workspace",
	":danger-full-access",
	NULL,
};

/* Built-in entries have no file: explain shows them as built in. */
static const struct source_location builtin_where = { 0 };

static struct profile *read_only(void)
{
	struct profile *p = profile_new(":read-only");

	profile_add_entry(p, SPECIAL_ROOT, NULL, false, ACCESS_READ, builtin_where);
	p->network.mode = NETWORK_OFF;
	p->set |= PROFILE_SET_FS_KIND | PROFILE_SET_NETWORK_MODE;
	return p;
}

static struct profile *workspace(void)
{
	struct profile *p = profile_new(":workspace");

	profile_add_entry(p, SPECIAL_ROOT, NULL, false, ACCESS_READ, builtin_where);
	profile_add_entry(p, SPECIAL_WORKSPACE_ROOTS, ".", false, ACCESS_WRITE, builtin_where);
	profile_add_entry(p, SPECIAL_SLASH_TMP, NULL, false, ACCESS_WRITE, builtin_where);
	profile_add_entry(p, SPECIAL_TMPDIR, NULL, false, ACCESS_WRITE, builtin_where);
	p->network.mode = NETWORK_OFF;
	/* The protected names are left unset on purpose: the default list then
	 * applies, and a profile extending :workspace that sets its own list
	 * replaces it rather than fighting a copy. */
	p->set |= PROFILE_SET_FS_KIND | PROFILE_SET_NETWORK_MODE;
	return p;
}

static struct profile *danger_full_access(void)
{
	struct profile *p = profile_new(":danger-full-access");

	p->fs_kind = FS_UNRESTRICTED;
	p->network.mode = NETWORK_ON;
	p->set |= PROFILE_SET_FS_KIND | PROFILE_SET_NETWORK_MODE;
	return p;
}

static const struct {
	const char *name;
	struct profile *(*make)(void);
} builtins[] = {
	{ ":read-only", read_only },
	{ ":workspace", workspace },
	{ ":danger-full-access", danger_full_access },
};

bool builtin_profile_exists(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(builtins); i++)
		if (streq(builtins[i].name, name))
			return true;
	return false;
}

int builtin_profile_new(const char *name, struct profile **ret)
{
	for (size_t i = 0; i < ELEMENTSOF(builtins); i++)
		if (streq(builtins[i].name, name)) {
			*ret = builtins[i].make();
			return 0;
		}
	return -ENOENT;
}
