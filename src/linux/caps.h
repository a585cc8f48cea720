/* Capabilities of the builtin sandbox's processes (capabilities(7)). A
 * process that creates a user namespace holds every capability inside it;
 * these take them away again. Syscalls only; 0 or -errno. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Drops every capability not in KEEP from the bounding set, so that no
 * later execve() can give it back (file capabilities, a setuid-root
 * binary). Goes on until the kernel says EINVAL: a newer kernel than
 * cordon's headers may know more capabilities. Needs CAP_SETPCAP. */
int caps_drop_bounding(uint64_t keep);
/* Effective, permitted and inheritable become KEEP. */
int caps_set(uint64_t keep);
/* Raises KEEP in the ambient set, so that a command whose uid is not 0
 * keeps those capabilities across execve() (bwrap's --cap-add). */
int caps_raise_ambient(uint64_t keep);
/* The effective set of the calling process. */
int caps_get_effective(uint64_t *ret);
