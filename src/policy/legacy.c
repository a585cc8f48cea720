#include "policy/legacy.h"
#include "util/strv.h"

static const char *const legacy_mode_names[_LEGACY_MODE_MAX] = {
	[LEGACY_READ_ONLY] = "read-only",
	[LEGACY_WORKSPACE_WRITE] = "workspace-write",
	[LEGACY_DANGER_FULL_ACCESS] = "danger-full-access",
};

const char *legacy_mode_to_string(enum legacy_mode m)
{
	return m >= 0 && m < _LEGACY_MODE_MAX ? legacy_mode_names[m] : "invalid";
}

enum legacy_mode legacy_mode_from_string(const char *s)
{
	if (!s)
		return _LEGACY_MODE_INVALID;
	for (int m = 0; m < _LEGACY_MODE_MAX; m++)
		if (streq(legacy_mode_names[m], s))
			return (enum legacy_mode)m;
	return _LEGACY_MODE_INVALID;
}

static void add_workspace_write(struct profile *p, const struct legacy_settings *s)
{
	profile_add_entry(p, SPECIAL_ROOT, NULL, false, ACCESS_READ, s->where);
	profile_add_entry(p, SPECIAL_WORKSPACE_ROOTS, ".", false, ACCESS_WRITE, s->where);
	if (!s->exclude_slash_tmp)
		profile_add_entry(p, SPECIAL_SLASH_TMP, NULL, false, ACCESS_WRITE, s->where);
	if (!s->exclude_tmpdir_env_var)
		profile_add_entry(p, SPECIAL_TMPDIR, NULL, false, ACCESS_WRITE, s->where);
	/* Extra roots are plain write entries: resolve treats every writable
	 * entry as a writable root, so the protected names apply inside them
	 * as they do in Codex. */
	size_t i = 0;
	STRV_FOREACH (r, s->writable_roots) {
		struct source_location w = s->writable_roots_where ? s->writable_roots_where[i]
								   : s->where;
		profile_add_entry(p, SPECIAL_NONE, *r, false, ACCESS_WRITE, w);
		i++;
	}
	p->network.mode = s->network_access ? NETWORK_ON : NETWORK_OFF;
}

struct profile *legacy_profile_new(const struct legacy_settings *s)
{
	_cleanup_free_ char *name = xasprintf("(legacy %s)", legacy_mode_to_string(s->mode));
	struct profile *p = profile_new(name);

	switch (s->mode) {
	case LEGACY_WORKSPACE_WRITE:
		add_workspace_write(p, s);
		break;
	case LEGACY_DANGER_FULL_ACCESS:
		p->fs_kind = FS_UNRESTRICTED;
		p->network.mode = NETWORK_ON;
		break;
	case LEGACY_READ_ONLY:
	default:
		/* An invalid mode cannot come from the loader; should one
		 * slip through, it gets the narrowest mode, never the widest. */
		profile_add_entry(p, SPECIAL_ROOT, NULL, false, ACCESS_READ, s->where);
		p->network.mode = NETWORK_OFF;
		break;
	}
	p->set |= PROFILE_SET_FS_KIND | PROFILE_SET_NETWORK_MODE;
	return p;
}
