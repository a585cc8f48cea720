/* Built-in profiles: usable without any config file. Their names start with
 * ':' so that they can never collide with a `[permissions.NAME]` table. */
#pragma once

#include "policy/profile.h"

#define BUILTIN_DEFAULT_PROFILE ":workspace"

/* NULL-terminated, in the order `cordon explain` lists them. */
extern const char *const builtin_profile_names[];

bool builtin_profile_exists(const char *name);
/* Sets *RET to a new copy of the built-in profile NAME. Returns -ENOENT when
 * there is no such built-in. */
int builtin_profile_new(const char *name, struct profile **ret);
