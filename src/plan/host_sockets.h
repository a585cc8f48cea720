/* Host daemons' sockets to hide from a sandbox (see host_sockets.c). */
#pragma once

#include "policy/policy.h"

/* The `spec` of the entries policy_hide_host() adds, so that a backend can
 * tell why a path is hidden: a daemon's socket cannot be connected to, and
 * cordon's state cannot be edited. */
#define HOST_SOCKETS_SPEC_SOCKET "host socket"
#define HOST_SOCKETS_SPEC_STATE  "cordon state"

/* Which host sockets matter to the backend that enforces the policy. */
enum host_hide_scope {
	/* Every socket the command could see: behind a namespace, connect(2)
	 * still reaches a visible socket (bwrap, builtin). */
	HOST_HIDE_VISIBLE,
	/* Only those it could write to (unlink, replace): socket(AF_UNIX) is
	 * refused outright, so a socket it can only see is harmless
	 * (landlock, whose filesystem is always restricted here). */
	HOST_HIDE_WRITABLE,
};

/* The canonical paths of socket directories and sockets on this machine
 * that a sandbox with a restricted filesystem must not see. CACHE (or NULL)
 * is a file in cordon's private state directory that keeps the result of
 * the directory scan between runs, used only while none of the scanned
 * directories changed. SCAN_ROOT (or NULL: every one) says which of the
 * directories the scan starts from (/run, /tmp, …) are worth reading. */
void host_sockets_collect(const char *cache, bool (*scan_root)(const char *dir, void *userdata),
			  void *userdata, char ***ret);

/* Adds a `none` entry for each of them (and for cordon's own state
 * directory) that policy P would otherwise leave visible (writable, for
 * HOST_HIDE_WRITABLE), unless an entry names exactly that path: then it is
 * the user's explicit decision. Only for restricted filesystems: an
 * unrestricted one cannot hide anything. */
void policy_hide_host(struct policy *p, const char *cache, enum host_hide_scope scope);
