/* Lookup of the filters seccomp-prebuild compiled (see seccomp_prebuilt.h).
 * The table is a header generated in the build directory; a cross build
 * cannot run the generator and has no table. */
#include "linux/seccomp_prebuilt.h"

#if __has_include("src/linux/seccomp_prebuilt_table.h")
#include "src/linux/seccomp_prebuilt_table.h"
#define HAVE_PREBUILT_TABLE 1
#endif

/* The table has one filter per combination of these four options; a new
 * option must be taught to seccomp-prebuild first. */
_Static_assert(sizeof(struct seccomp_options) == 4 * sizeof(bool),
	       "struct seccomp_options changed: update seccomp_prebuild.c");

int seccomp_prebuilt_get(const struct seccomp_options *o, struct sock_fprog *ret)
{
#ifdef HAVE_PREBUILT_TABLE
	unsigned m = (o->deny_inet ? 1u : 0) | (o->deny_unix ? 2u : 0) |
		     (o->restrict_extras ? 4u : 0) | (o->deny_truncate ? 8u : 0);

	/* The kernel copies the program and never writes through it. */
	ret->len = seccomp_prebuilt[m].len;
	ret->filter = (struct sock_filter *)seccomp_prebuilt[m].insns;
	return 0;
#else
	(void)o;
	(void)ret;
	return -ENOENT;
#endif
}
