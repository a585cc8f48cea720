/* Loopback up with two ioctls (netdevice(7)) instead of a netlink
 * conversation: when lo goes up the kernel adds 127.0.0.1/8 and ::1 to it
 * (inetdev_event and addrconf handle IFF_LOOPBACK), which is all that
 * bubblewrap's RTM_NEWADDR + RTM_NEWLINK achieve. */
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "linux/netns_lo.h"
#include "util/macros.h"

int netns_loopback_up(void)
{
	struct ifreq ifr = {};
	int r = 0;
	/* Any socket reaches dev_ioctl(); AF_UNIX works on kernels built
	 * without IPv4 too. */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			r = -errno;
	}
	close(fd);
	return r;
}
