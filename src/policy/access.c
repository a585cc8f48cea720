#include "policy/access.h"

static const char *const access_names[_ACCESS_MAX] = {
	[ACCESS_NONE] = "none",
	[ACCESS_READ] = "read",
	[ACCESS_WRITE] = "write",
};

const char *access_to_string(enum access a)
{
	if (a < 0 || a >= _ACCESS_MAX)
		return "invalid";
	return access_names[a];
}

enum access access_from_string(const char *s)
{
	if (!s)
		return _ACCESS_INVALID;
	if (streq(s, "deny"))
		return ACCESS_NONE;
	for (int a = 0; a < _ACCESS_MAX; a++)
		if (streq(s, access_names[a]))
			return (enum access)a;
	return _ACCESS_INVALID;
}

int access_tie_rank(enum access a)
{
	switch (a) {
	case ACCESS_NONE:
		return 2;
	case ACCESS_WRITE:
		return 1;
	default:
		return 0;
	}
}
