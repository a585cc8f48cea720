/* The seccomp filters compiled at build time (seccomp_prebuild.c), one
 * per combination of struct seccomp_options. */
#pragma once

#include <linux/filter.h>

#include "linux/seccomp_filter.h"

/* Points *RET at the ready filter for O (read-only memory, for
 * prctl(PR_SET_SECCOMP)). Returns 0, or -ENOENT when this build has none
 * (cross builds): build it with seccomp_filter_build() then. */
int seccomp_prebuilt_get(const struct seccomp_options *o, struct sock_fprog *ret);
