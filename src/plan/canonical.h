/* Canonical paths against the running system, with the symlinks crossed on
 * the way. realpath(3) gives only the answer; the resolver also needs to
 * know *which* components were symlinks and where they live, because a
 * symlink inside a writable root can be replaced by the sandboxed command
 * after the mounts are made (see resolve.c). */
#pragma once

#include "util/macros.h"

struct canonical_link {
	char *link;   /* canonical location of the symlink itself (parent resolved + name) */
	char *target; /* its content, as readlink(2) returns it */
};

struct canonical {
	/* The longest existing prefix with every symlink resolved, followed by
	 * the remaining components as written (normalised lexically). */
	char *path;
	bool exists; /* every component exists (and could be searched) */
	struct canonical_link *links; /* in the order the walk crossed them */
	size_t n_links;
};

/* Resolves PATH (absolute; normalised lexically first, so "a/../b" is "b"
 * whatever "a" is). A component that does not exist, sits below a
 * non-directory, or lies in a directory we may not search ends the walk:
 * the rest is kept lexically and `exists` is false (the sandboxed command,
 * running as the same user, could not reach it either). Returns -EINVAL for
 * a relative PATH, -ELOOP after 40 symlinks, other -errno from the kernel. */
int canonical_resolve(const char *path, struct canonical **ret);
void canonical_free(struct canonical *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct canonical *, canonical_free)
#define _cleanup_canonical_free_ _cleanup_(canonical_freep)
