/* Loader for tests/cases/access.table: resolved policies and the access
 * each must give to a list of paths, written once as data so that every
 * backend can be checked against the same answers (the format is described
 * at the top of that file). */
#pragma once

#include "policy/policy.h"

struct access_expect {
	char *path;
	enum access want;
	unsigned line;
};

struct access_case {
	char *name;
	unsigned line;
	/* Entries sorted as policy_resolve() leaves them; `read :minimal`
	 * becomes /bin, /sbin and /usr with spec ":minimal" (the part of the
	 * list every platform shares). */
	struct policy *policy;
	unsigned *proxy_ports;
	size_t n_proxy_ports;
	struct access_expect *expects;
	size_t n_expects;
};

/* Loads FILE. On failure returns -errno and writes "FILE:LINE: message"
 * into ERR. */
int access_table_load(const char *file, struct access_case **ret, size_t *ret_n, char *err,
		      size_t errlen);
void access_table_free(struct access_case *cases, size_t n);
