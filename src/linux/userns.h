/* User namespaces of the builtin sandbox: the uid/gid maps that make the
 * caller somebody inside, the inner namespace that maps it back, and the
 * limit that keeps the command from creating any more. Runs in the
 * sandbox's child: syscalls only. Each function returns 0 or -errno. */
#pragma once

#include <stdbool.h>

/* Writes "INSIDE OUTSIDE 1" maps for the calling process through PROC_FD
 * (an O_PATH descriptor of a /proc that shows the caller: the host's).
 * DENY_SETGROUPS writes "deny" to setgroups first: an unprivileged caller
 * may map its gid only then, and a process that could call setgroups(2)
 * could drop the groups that deny it access (CVE-2014-8989). */
int userns_write_maps(int proc_fd, const char *uid_map, const char *gid_map,
		      bool deny_setgroups);
/* Enters a new user namespace below the current one and maps it. */
int userns_enter_nested(int proc_fd, const char *uid_map, const char *gid_map);
/* Lets the current user namespace have at most one more below it (the one
 * userns_enter_nested is about to create), so that nothing inside can
 * create another (bwrap's --disable-userns). */
int userns_limit_nested(int proc_fd);
/* Whether the calling process may still create a user namespace. It is
 * created and left at once when it can: call only right before failing. */
bool userns_can_create(void);
