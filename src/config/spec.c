#include "config/spec.h"
#include "util/path.h"
#include "util/strbuf.h"

static bool has_dotdot_component(const char *p)
{
	for (const char *s = p; *s;) {
		const char *e = strchrnul(s, '/');
		if (e - s == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s = *e ? e + 1 : e;
	}
	return false;
}

int spec_check_path(const char *path, const char **ret_why)
{
	if (path[0] == '/' || streq(path, "~") || strneq(path, "~/", 2))
		return 0;
	if (path[0] == '\0')
		*ret_why = "empty path";
	else if (path[0] == '~')
		*ret_why = "\"~user\" paths are not supported; use an absolute path or \"~/…\"";
	else
		*ret_why = "expected an absolute path, \"~\" or \"~/…\" (relative paths have no "
			   "fixed meaning; use \":workspace_roots\" for paths in the workspace)";
	return -EINVAL;
}

int spec_check_subpath(const char *subpath, const char **ret_why)
{
	if (subpath[0] == '\0')
		*ret_why = "empty subpath; \".\" names the workspace root itself";
	else if (subpath[0] == '/' || subpath[0] == '~')
		*ret_why = "expected a path relative to each workspace root";
	else if (has_dotdot_component(subpath))
		/* A ".." would let a workspace-relative entry reach outside
		 * every root, which the table form exists to prevent. */
		*ret_why = "\"..\" may not appear in a path below the workspace roots";
	else
		return 0;
	return -EINVAL;
}

/* "X/" "**" means the subtree X on read and write entries (DESIGN §2):
 * returns X ("/" or "." when nothing is left), or NULL when PATH has
 * another glob and so cannot be granted. */
static char *strip_subtree_glob(const char *path, bool relative)
{
	size_t n = strlen(path);
	_cleanup_free_ char *prefix = NULL;

	if (streq(path, "**"))
		prefix = xstrdup("");
	else if (n >= 3 && streq(path + n - 3, "/**"))
		prefix = xstrndup(path, n - 3);
	else
		return NULL;
	if (path_has_glob(prefix))
		return NULL;
	if (prefix[0] == '\0')
		return xstrdup(relative ? "." : "/");
	return TAKE_PTR(prefix);
}

int spec_add_fs_entry(struct profile *p, enum special_path special, const char *path,
		enum access access, struct source_location where, const char **ret_why)
{
	_cleanup_free_ char *stripped = NULL;
	bool glob = false;
	int r;

	if (access < 0 || access >= _ACCESS_MAX) {
		*ret_why = "invalid access";
		return -EINVAL;
	}
	switch (special) {
	case SPECIAL_NONE:
		r = spec_check_path(path, ret_why);
		if (r < 0)
			return r;
		break;
	case SPECIAL_WORKSPACE_ROOTS:
		r = spec_check_subpath(path, ret_why);
		if (r < 0)
			return r;
		break;
	case SPECIAL_UNKNOWN:
		profile_add_entry(p, special, path, false, access, where);
		return 0;
	default:
		profile_add_entry(p, special, NULL, false, access, where);
		return 0;
	}

	if (path_has_glob(path)) {
		if (access == ACCESS_NONE)
			glob = true;
		else {
			stripped = strip_subtree_glob(path, special == SPECIAL_WORKSPACE_ROOTS);
			if (!stripped) {
				*ret_why = "a glob is allowed only with access \"none\" (on "
					   "read or write, only a trailing \"/**\" is, meaning "
					   "the subtree)";
				return -EINVAL;
			}
			path = stripped;
		}
	}
	profile_add_entry(p, special, path, glob, access, where);
	return 0;
}

int spec_check_domain(const char *pattern, const char **ret_why)
{
	size_t n = strlen(pattern);

	if (n == 0) {
		*ret_why = "empty domain pattern";
		return -EINVAL;
	}
	if (n > 255) {
		*ret_why = "domain pattern longer than a host name can be";
		return -EINVAL;
	}
	for (const char *s = pattern; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '/' || c == '@' || c <= ' ' || c == 0x7f) {
			*ret_why = "expected a host name pattern such as \"example.com\" or "
				   "\"*.example.com\" (no scheme, path, user or spaces)";
			return -EINVAL;
		}
	}
	return 0;
}

char *spec_quote(const char *s)
{
	struct strbuf b = { 0 };
	size_t n = 0;

	strbuf_putc(&b, '"');
	for (; *s; s++, n++) {
		unsigned char c = (unsigned char)*s;
		if (n >= 80) {
			strbuf_puts(&b, "...");
			break;
		}
		if (c == '"' || c == '\\')
			strbuf_printf(&b, "\\%c", c);
		else if (c < ' ' || c == 0x7f)
			strbuf_printf(&b, "\\x%02x", c);
		else
			strbuf_putc(&b, (char)c);
	}
	strbuf_putc(&b, '"');
	return strbuf_steal(&b);
}
