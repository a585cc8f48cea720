/* Capability sets of the builtin sandbox (see caps.h). */
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "linux/caps.h"
#include "util/macros.h"

int caps_drop_bounding(uint64_t keep)
{
	for (unsigned cap = 0; cap < 64; cap++) {
		if (keep & (UINT64_C(1) << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				return 0; /* past the last capability this kernel has */
			return -errno;
		}
	}
	return 0;
}

int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	for (int i = 0; i < 2; i++) {
		uint32_t v = (uint32_t)(keep >> (32 * i));
		data[i].effective = data[i].permitted = data[i].inheritable = v;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

int caps_raise_ambient(uint64_t keep)
{
	for (unsigned cap = 0; cap < 64 && keep; cap++) {
		if (!(keep & (UINT64_C(1) << cap)))
			continue;
		keep &= ~(UINT64_C(1) << cap);
		/* EINVAL: a capability this kernel does not know; EPERM: one
		 * not in the inheritable set (root keeping its own, which exec
		 * gives back to uid 0 anyway). NO_NEW_PRIVS, not this, is what
		 * keeps exec from adding any. */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EINVAL &&
		    errno != EPERM)
			return -errno;
	}
	return 0;
}

int caps_get_effective(uint64_t *ret)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	*ret = (uint64_t)data[0].effective | ((uint64_t)data[1].effective << 32);
	return 0;
}
