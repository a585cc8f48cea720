/* cordon's per-user runtime directory: $XDG_RUNTIME_DIR/cordon, or
 * /tmp/cordon-UID. It holds the registry of host placeholders. */
#pragma once

/* Opens (creating it if needed) the state directory and returns its path.
 * Refuses a directory that is a symlink, is not owned by the caller, or is
 * accessible to others: another user could otherwise steer what cordon
 * removes. */
int state_dir_get(char **ret_path);
