/* Host daemons' sockets to hide from a sandbox (see host_sockets.c). */
#pragma once

#include "policy/policy.h"

/* The canonical paths of socket directories and sockets on this machine
 * that a sandbox with a restricted filesystem must not see. CACHE (or NULL)
 * is a file in cordon's private state directory that keeps the result of
 * the directory scan between runs, used only while none of the scanned
 * directories changed. */
void host_sockets_collect(const char *cache, char ***ret);

/* Adds a `none` entry for each of them (and for cordon's own state
 * directory) that policy P would otherwise leave visible, unless an entry
 * names exactly that path: then it is the user's explicit decision. Only for
 * restricted filesystems: an unrestricted one cannot hide anything. */
void policy_hide_host(struct policy *p, const char *cache);
