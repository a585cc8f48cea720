#include "linux/backend.h"

static const char *const backend_names[_BACKEND_MAX] = {
	[BACKEND_AUTO] = "auto",
	[BACKEND_BWRAP] = "bwrap",
	[BACKEND_BUILTIN] = "builtin",
	[BACKEND_LANDLOCK] = "landlock",
};

const char *backend_kind_to_string(enum backend_kind k)
{
	return k >= 0 && k < _BACKEND_MAX ? backend_names[k] : "invalid";
}

enum backend_kind backend_kind_from_string(const char *s)
{
	for (int i = 0; s && i < _BACKEND_MAX; i++)
		if (streq(s, backend_names[i]))
			return (enum backend_kind)i;
	return _BACKEND_INVALID;
}
