/* The diagnoses behind `auto` and `cordon doctor`, on made-up machines. */
#include <criterion/criterion.h>

#include "linux/probe.h"

static const struct {
	const char *osrelease, *version;
	enum wsl_version want;
} wsl_cases[] = {
	{ "6.1.0-18-amd64", "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)", WSL_NONE },
	{ "4.4.0-19041-Microsoft", "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com)", WSL_1 },
	{ "4.4.0-22621-Microsoft", NULL, WSL_1 },
	{ "5.15.90.1-microsoft-standard-WSL2", "Linux version 5.15.90.1-microsoft-standard-WSL2", WSL_2 },
	{ "5.10.16.3-microsoft-standard", NULL, WSL_2 }, /* early WSL2 kernels lack "WSL2" */
	{ NULL, NULL, WSL_NONE },
};

Test(probe, wsl_classify)
{
	for (size_t i = 0; i < ELEMENTSOF(wsl_cases); i++)
		cr_assert_eq(probe_wsl_classify(wsl_cases[i].osrelease, wsl_cases[i].version),
			     wsl_cases[i].want, "case %zu (%s)", i,
			     wsl_cases[i].osrelease ? wsl_cases[i].osrelease : "NULL");
}

/* A machine: clone's errno, created-without-capabilities, then the sysctls
 * user.max_user_namespaces, kernel.unprivileged_userns_clone and
 * kernel.apparmor_restrict_unprivileged_userns (-1: absent), our seccomp
 * mode, root, WSL. */
#define M(err, caps, max, clone, aa, sec, root, wsl) \
	{ err, caps, max, clone, aa, sec, root, wsl }

static const struct {
	const char *what;
	struct userns_facts f;
	enum userns_cause want;
	const char *message_has; /* in the message, or NULL */
	const char *fix_has;     /* in the fix, or NULL for no fix */
} userns_cases[] = {
	{ "works", M(0, false, 15000, -1, -1, 0, false, WSL_NONE), USERNS_OK, NULL, NULL },
	{ "WSL1 whatever else", M(0, false, 15000, -1, -1, 0, false, WSL_1), USERNS_WSL1, "WSL1",
	  "WSL2" },
	{ "no CONFIG_USER_NS", M(EINVAL, false, 15000, -1, -1, 0, false, WSL_NONE),
	  USERNS_NO_KERNEL, "CONFIG_USER_NS", NULL },
	{ "limit zero", M(ENOSPC, false, 0, -1, -1, 0, false, WSL_NONE), USERNS_MAX_ZERO,
	  "user.max_user_namespaces = 0", "sysctl -w user.max_user_namespaces=" },
	{ "limit zero, EPERM", M(EPERM, false, 0, -1, -1, 0, false, WSL_NONE), USERNS_MAX_ZERO,
	  "max_user_namespaces", "sysctl" },
	{ "limit reached", M(ENOSPC, false, 15000, -1, -1, 0, false, WSL_NONE),
	  USERNS_MAX_REACHED, "15000", "raise" },
	{ "Debian's switch", M(EPERM, false, 15000, 0, -1, 0, false, WSL_NONE),
	  USERNS_UNPRIVILEGED_CLONE, "kernel.unprivileged_userns_clone = 0",
	  "kernel.unprivileged_userns_clone=1" },
	{ "Debian's switch does not stop root", M(EPERM, false, 15000, 0, -1, 2, true, WSL_NONE),
	  USERNS_SECCOMP, "seccomp", "seccomp" },
	{ "AppArmor: created without capabilities",
	  M(0, true, 15000, -1, 1, 0, false, WSL_NONE), USERNS_APPARMOR,
	  "apparmor_restrict_unprivileged_userns = 1", "/usr/bin/bwrap" },
	{ "AppArmor: refused", M(EACCES, false, 15000, -1, 1, 0, false, WSL_NONE),
	  USERNS_APPARMOR, "AppArmor", "bwrap-userns-restrict" },
	{ "AppArmor sysctl off is no cause", M(EPERM, false, 15000, -1, 0, 0, false, WSL_NONE),
	  USERNS_OTHER, "Operation not permitted", NULL },
	{ "container seccomp profile", M(EPERM, false, 15000, -1, -1, 2, false, WSL_NONE),
	  USERNS_SECCOMP, "seccomp filter", "security-opt" },
	{ "unknown", M(EPERM, false, 15000, -1, -1, 0, false, WSL_NONE), USERNS_OTHER, "fails",
	  NULL },
};

Test(probe, userns_diagnose)
{
	for (size_t i = 0; i < ELEMENTSOF(userns_cases); i++) {
		struct userns_status s;
		probe_userns_diagnose(&userns_cases[i].f, &s);
		const char *what = userns_cases[i].what;

		cr_assert_eq(s.cause, userns_cases[i].want, "case %zu (%s): got %s", i, what,
			     userns_cause_to_string(s.cause));
		if (userns_cases[i].want == USERNS_OK) {
			cr_assert_null(s.message, "case %zu (%s)", i, what);
		} else {
			cr_assert_not_null(s.message, "case %zu (%s)", i, what);
			cr_assert(!strchr(s.message, '\n'), "case %zu (%s): one line", i, what);
		}
		if (userns_cases[i].message_has)
			cr_assert(strstr(s.message, userns_cases[i].message_has),
				  "case %zu (%s): %s", i, what, s.message);
		if (userns_cases[i].fix_has)
			cr_assert(s.fix && strstr(s.fix, userns_cases[i].fix_has),
				  "case %zu (%s): fix %s", i, what, s.fix ? s.fix : "NULL");
		else if (userns_cases[i].want != USERNS_WSL1)
			cr_assert_null(s.fix, "case %zu (%s): fix %s", i, what, s.fix);
		userns_status_done(&s);
	}
}

Test(probe, userns_here_is_consistent)
{
	/* Whatever this machine allows, a refusal comes with a message. */
	struct userns_status s;

	probe_userns(&s);
	cr_assert_eq(s.cause == USERNS_OK, s.message == NULL);
	userns_status_done(&s);
}
