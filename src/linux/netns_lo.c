/* The sandbox's network namespace (see netns_lo.h). Loopback up with two
 * ioctls (netdevice(7)) rather than a netlink conversation: when lo goes
 * up the kernel adds 127.0.0.1/8 and ::1 to it (inetdev_event and addrconf
 * handle IFF_LOOPBACK), which is all bubblewrap's RTM_NEWADDR + RTM_NEWLINK
 * achieve. */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
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

/* One int32 (0, or -errno) with the namespace's descriptor attached when 0. */
static void send_result(int sock, int32_t result, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {};
	struct iovec iov = { .iov_base = &result, .iov_len = sizeof(result) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	(void)sendmsg(sock, &msg, MSG_NOSIGNAL);
}

static _noreturn_ void helper(pid_t sandbox, bool join_userns, int sock)
{
	char path[64];
	int fd, r = 0;

	/* Useless once the launcher is gone. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* In the sandbox's user namespace (the launcher owns it, so the
	 * helper gets every capability there), the new network namespace is
	 * owned by it: exactly what clone(CLONE_NEWNET) in the child gives. */
	if (join_userns) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)sandbox);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0)
			r = -errno;
		if (fd >= 0)
			close(fd);
	}
	if (r == 0 && unshare(CLONE_NEWNET) < 0)
		r = -errno;
	if (r == 0)
		r = netns_loopback_up();
	fd = -1;
	if (r == 0 && (fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		r = -errno;
	send_result(sock, r, fd);
	_exit(r == 0 ? 0 : 1);
}

int netns_helper_start(pid_t sandbox, bool join_userns, int sock, pid_t *ret_pid)
{
	/* fork(), not a clone child: this is the launcher, and glibc's fork
	 * keeps its allocator consistent even if another thread runs. */
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		helper(sandbox, join_userns, sock);
	*ret_pid = pid;
	return 0;
}

int netns_helper_join(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	int32_t result = -EIO;
	struct iovec iov = { .iov_base = &result, .iov_len = sizeof(result) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	int fd = -1, r;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(result))
		return -EIO; /* the helper died without a word */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (result < 0) {
		if (fd >= 0)
			close(fd);
		return result;
	}
	if (fd < 0)
		return -EIO;
	r = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	return r;
}
