/* The filters compiled at build time are the ones seccomp_filter_build()
 * makes at run time, for every combination of options. */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "linux/seccomp_prebuilt.h"

Test(seccomp_prebuilt, same_program_as_the_runtime_build)
{
	for (unsigned m = 0; m < 16; m++) {
		struct seccomp_options o = {
			.deny_inet = m & 1,
			.deny_unix = m & 2,
			.restrict_extras = m & 4,
			.deny_truncate = m & 8,
		};
		struct sock_fprog prog;
		int fd, r;
		struct stat st;

		r = seccomp_prebuilt_get(&o, &prog);
		if (r == -ENOENT)
			cr_skip("this build has no prebuilt filters (cross build)");
		cr_assert_eq(r, 0);

		r = seccomp_export_memfd(&o, &fd);
		cr_assert_eq(r, 0, "options %#x: %s", m, strerror(-r));
		cr_assert_eq(fstat(fd, &st), 0);
		cr_assert_eq((size_t)st.st_size, prog.len * sizeof(struct sock_filter),
			     "options %#x: %zu bytes prebuilt, %lld built", m,
			     prog.len * sizeof(struct sock_filter), (long long)st.st_size);
		_cleanup_free_ char *buf = xmalloc((size_t)st.st_size);
		cr_assert_eq(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
		cr_assert_eq(memcmp(buf, prog.filter, (size_t)st.st_size), 0, "options %#x differ", m);
		close(fd);
	}
}
