/* Hands out the seccomp programs compiled at build time (see the header). */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "linux/seccomp_filter.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U /* Linux 6.3, newer than Debian 12's headers */
#endif

/* Generated into the build directory by tools/seccomp-gen.c. */
extern const struct sock_filter *const seccomp_programs[SECCOMP_VARIANTS];
extern const size_t seccomp_program_lengths[SECCOMP_VARIANTS];

void seccomp_program(const struct seccomp_options *o, const struct sock_filter **ret,
		     size_t *ret_len)
{
	unsigned v = seccomp_variant(o);

	*ret = seccomp_programs[v];
	*ret_len = seccomp_program_lengths[v];
}

int seccomp_export_memfd(const struct seccomp_options *o, int *ret_fd)
{
	const struct sock_filter *prog;
	size_t len;
	_cleanup_close_ int fd = -1;

	seccomp_program(o, &prog, &len);
	/* A memfd (Linux 3.17, older than anything else cordon needs) rather
	 * than a file: nothing on disk to clean up or to swap under bwrap.
	 * MFD_NOEXEC_SEAL keeps Linux >= 6.3 from warning and from refusing
	 * under vm.memfd_noexec=2; older kernels reject the flag with EINVAL. */
	fd = memfd_create("cordon-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("cordon-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;

	size_t bytes = len * sizeof(*prog);
	ssize_t n = write(fd, prog, bytes);
	if (n < 0)
		return -errno;
	if ((size_t)n != bytes)
		return -EIO;
	/* Sealed so the program bwrap reads is this one, whoever else holds
	 * the fd in between (memfd_create(2), "File sealing"). */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	/* bwrap reads from the current offset to end of file. */
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int seccomp_install(const struct seccomp_options *o)
{
	const struct sock_filter *prog;
	size_t len;
	int r;

	/* seccomp(2) lets a CAP_SYS_ADMIN caller skip NO_NEW_PRIVS; cordon
	 * wants the same guarantee for root (no setuid gain after exec), so
	 * refuse with the error the kernel gives everyone else. */
	r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (r < 0)
		return -errno;
	if (r != 1)
		return -EACCES;

	seccomp_program(o, &prog, &len);
	struct sock_fprog fprog = {
		.len = (unsigned short)len,
		.filter = (struct sock_filter *)prog,
	};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
		return -errno;
	return 0;
}
