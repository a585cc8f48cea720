/* The rules of the seccomp filter, built with libseccomp. Used at build time
 * (tools/seccomp-gen.c compiles every variant into cordon) and by the tests,
 * which check that the compiled programs are these rules. */
#pragma once

#include <seccomp.h>

#include "linux/seccomp_filter.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release);

/* Builds the filter for O: default allow, the refused calls fail with EPERM,
 * an ABI the filter does not describe kills the process. On x86_64 the i386
 * and x32 ABIs carry the same rules. The caller owns *RET_CTX
 * (seccomp_release()). Returns 0 or -errno. */
int seccomp_filter_build(const struct seccomp_options *o, scmp_filter_ctx *ret_ctx);
