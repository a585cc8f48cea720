/* Landlock rulesets (see landlock_ruleset.h).
 *
 * Debian 12's kernel headers stop at ABI 2, and cordon must run the best
 * ABI the *running* kernel has, so the uapi values it needs are spelled out
 * here (Documentation/userspace-api/landlock.rst, include/uapi/linux/
 * landlock.h); each is fixed by the kernel's ABI and never changes. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "linux/landlock_ruleset.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* landlock_create_ruleset(2) flags and landlock_add_rule(2) rule types. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1

/* Filesystem rights, ABI 1 to 5. */
#define LL_FS_EXECUTE     (1ULL << 0)
#define LL_FS_WRITE_FILE  (1ULL << 1)
#define LL_FS_READ_FILE   (1ULL << 2)
#define LL_FS_READ_DIR    (1ULL << 3)
#define LL_FS_REMOVE_DIR  (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR   (1ULL << 6)
#define LL_FS_MAKE_DIR    (1ULL << 7)
#define LL_FS_MAKE_REG    (1ULL << 8)
#define LL_FS_MAKE_SOCK   (1ULL << 9)
#define LL_FS_MAKE_FIFO   (1ULL << 10)
#define LL_FS_MAKE_BLOCK  (1ULL << 11)
#define LL_FS_MAKE_SYM    (1ULL << 12)
#define LL_FS_REFER       (1ULL << 13) /* ABI 2 */
#define LL_FS_TRUNCATE    (1ULL << 14) /* ABI 3 */
#define LL_FS_IOCTL_DEV   (1ULL << 15) /* ABI 5 */

/* Network rights (ABI 4) and scopes (ABI 6). */
#define LL_NET_BIND_TCP    (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL               (1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6. The kernel takes a shorter
 * prefix of it from older callers, and older kernels take the prefix they
 * know (copy_struct_from_user()), so each ABI gets its own size. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* The rights that make sense on a file that is not a directory; others on
 * a file rule are EINVAL. */
#define LL_FS_FILE_RIGHTS \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

/* Read access as the mount plan grants it with a read-only bind: list,
 * read and execute. */
#define LL_FS_READ_RIGHTS (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)

static uint64_t fs_rights(unsigned abi)
{
	uint64_t r = (LL_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0 to 12 */

	if (abi >= LANDLOCK_ABI_REFER)
		r |= LL_FS_REFER;
	if (abi >= LANDLOCK_ABI_TRUNCATE)
		r |= LL_FS_TRUNCATE;
	if (abi >= LANDLOCK_ABI_IOCTL_DEV)
		r |= LL_FS_IOCTL_DEV;
	return r;
}

int landlock_abi_probe(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	if (abi < 0)
		return -errno;
	return abi > 0 ? (int)abi : -ENOSYS;
}

const char *landlock_abi_error(int r)
{
	switch (r) {
	case -EOPNOTSUPP:
		return "Landlock is built into this kernel but not enabled: add \"landlock\" to "
		       "the lsm= boot parameter (the current list is in "
		       "/sys/kernel/security/lsm)";
	case -ENOSYS:
		return "this kernel has no Landlock (Linux >= 5.13 with "
		       "CONFIG_SECURITY_LANDLOCK=y), or a seccomp filter refuses "
		       "landlock_create_ruleset(2)";
	default:
		return "landlock_create_ruleset(2) failed";
	}
}

static int add_grant(int ruleset, const struct landlock_grant *g, uint64_t handled,
		     struct error *reterr)
{
	_cleanup_close_ int fd = open(g->path, O_PATH | O_CLOEXEC);
	struct ll_path_beneath_attr attr = { .parent_fd = -1 };
	struct stat st;

	if (fd < 0) {
		/* Gone since the plan saw it: there is nothing left to grant. */
		if (errno == ENOENT)
			return 0;
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "landlock: cannot open %s: %s",
					g->path, strerror(errno));
	}
	if (fstat(fd, &st) < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "landlock: cannot stat %s: %s",
					g->path, strerror(errno));

	if (g->device)
		attr.allowed_access = LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_TRUNCATE |
				      LL_FS_IOCTL_DEV;
	else if (g->access == ACCESS_WRITE)
		attr.allowed_access = handled;
	else
		attr.allowed_access = LL_FS_READ_RIGHTS;
	if (!S_ISDIR(st.st_mode))
		attr.allowed_access &= LL_FS_FILE_RIGHTS;
	attr.allowed_access &= handled;
	attr.parent_fd = fd;

	if (syscall(__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &attr, 0) < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0,
					"landlock: cannot grant %s access to %s: %s",
					access_to_string(g->access), g->path, strerror(errno));
	return 0;
}

int landlock_ruleset_build(const struct landlock_plan *lp, unsigned abi, int *ret_fd,
			   struct error *reterr)
{
	struct ll_ruleset_attr attr = {};
	size_t size = sizeof(attr.handled_access_fs);
	_cleanup_close_ int ruleset = -1;
	int r;

	if (lp->restrict_fs)
		attr.handled_access_fs = fs_rights(abi);
	if (abi >= LANDLOCK_ABI_NET) {
		size = offsetof(struct ll_ruleset_attr, scoped);
		if (lp->restrict_tcp)
			attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	}
	if (abi >= LANDLOCK_ABI_SCOPE) {
		size = sizeof(attr);
		if (lp->scope_abstract)
			attr.scoped |= LL_SCOPE_ABSTRACT_UNIX_SOCKET;
		if (lp->scope_signals)
			attr.scoped |= LL_SCOPE_SIGNAL;
	}
	/* A ruleset that handles nothing is refused (ENOMSG), and would not
	 * restrict anything either. */
	if (!attr.handled_access_fs && !attr.handled_access_net && !attr.scoped) {
		*ret_fd = -1;
		return 0;
	}

	ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0,
					"landlock: cannot create a ruleset: %s", strerror(errno));
	/* No rule for the network: every TCP bind and connect is refused. */
	for (size_t i = 0; i < lp->n_grants; i++) {
		r = add_grant(ruleset, &lp->grants[i], attr.handled_access_fs, reterr);
		if (r < 0)
			return r;
	}
	*ret_fd = TAKE_FD(ruleset);
	return 0;
}

int landlock_ruleset_enforce(int fd)
{
	if (fd < 0)
		return 0;
	if (syscall(__NR_landlock_restrict_self, fd, 0) < 0)
		return -errno;
	return 0;
}
