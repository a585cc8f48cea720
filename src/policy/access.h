/* Access levels: none (alias deny) < read < write; write implies read. */
#pragma once

#include "util/macros.h"

enum access {
	ACCESS_NONE,
	ACCESS_READ,
	ACCESS_WRITE,
	_ACCESS_MAX,
	_ACCESS_INVALID = -EINVAL,
};

const char *access_to_string(enum access a);
/* "none", "deny", "read", "write"; anything else gives _ACCESS_INVALID. */
enum access access_from_string(const char *s);
/* Precedence between entries at the same depth: none beats write beats read. */
int access_tie_rank(enum access a);
