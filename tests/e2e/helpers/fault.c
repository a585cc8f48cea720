/* cordon-fault: runs a program under a seccomp filter that makes chosen
 * syscalls fail, to show how cordon behaves on kernels or in containers
 * that refuse them (e2e fault tests). Nothing in cordon knows about it.
 *
 *   cordon-fault SYSCALL=ERRNO... -- PROGRAM [ARG...]
 *
 * ERRNO is a name (ENOSYS, EPERM, EOPNOTSUPP, EACCES, ENOSPC) or a number.
 * The filter is inherited by everything PROGRAM starts, as a container's
 * would be. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int errno_from_name(const char *s)
{
	static const struct {
		const char *name;
		int value;
	} names[] = {
		{ "ENOSYS", ENOSYS }, { "EPERM", EPERM },   { "EOPNOTSUPP", EOPNOTSUPP },
		{ "EACCES", EACCES }, { "ENOSPC", ENOSPC }, { "EINVAL", EINVAL },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].value;
	char *end;
	long v = strtol(s, &end, 10);
	return *s && !*end && v > 0 && v < 4096 ? (int)v : -1;
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int i;

	if (!ctx)
		return 125;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "cordon-fault: expected SYSCALL=ERRNO, got %s\n", argv[i]);
			return 125;
		}
		*eq = '\0';
		int nr = seccomp_syscall_resolve_name(argv[i]);
		int e = errno_from_name(eq + 1);
		if (nr == __NR_SCMP_ERROR || e < 0) {
			fprintf(stderr, "cordon-fault: unknown syscall or errno: %s=%s\n", argv[i],
				eq + 1);
			return 125;
		}
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(e), nr, 0) < 0)
			return 125;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: cordon-fault SYSCALL=ERRNO... -- PROGRAM [ARG...]\n");
		return 125;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0) {
		perror("cordon-fault: seccomp");
		return 125;
	}
	seccomp_release(ctx);
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
