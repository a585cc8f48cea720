/* How the proxy's sockets get into the sandbox without a process there:
 *
 *   cordon                         child (fork)                 sandbox
 *   pidfd_open(pid), open           setns(user), setns(net)     lo, no route out
 *   /proc/pid/ns/{user,net},   ──>  socket, bind 127.0.0.1:P,
 *   check pid still alive           listen, SCM_RIGHTS back ──> the sockets live in
 *   recvmsg <────────────────────── _exit                       the sandbox's netns
 *
 * The namespaces are opened once and kept: the listeners are made before
 * the command starts, and a UDP relay socket each time the command asks
 * the SOCKS5 proxy for one. Each child exits at once: nothing of cordon
 * runs inside the sandbox's pid namespace (the command cannot ptrace or
 * signal it), and there is no UNIX socket path on either side for the
 * command to find. */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "linux/netns_bridge.h"
#include "util/macros.h"

#define BRIDGE_MAX_FDS 4

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_alive(int pidfd)
{
	/* Signal 0 through the pidfd: ESRCH once the process is gone, even
	 * when its pid has been reused since. */
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0 ? 0 : -errno;
}

/* What a child makes in the namespace: N TCP listeners on PORTS, or (N ==
 * 0) one UDP socket. */
struct bridge_order {
	const uint16_t *ports;
	size_t n;
};

static int make_listener(uint16_t port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	/* bwrap brings lo up in the sandbox, but maybe not yet: 127.0.0.1
	 * exists only once lo is up (the kernel adds it then), so bind
	 * "freely" now; connections arrive as soon as it is up, which is
	 * before the command starts. */
	if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		return -errno;
	/* This hop never leaves the sandbox's loopback, where congestion
	 * control has nothing to do. A pacing one (the host's default may
	 * be bbr) spends timers and softirq time on every send and halves
	 * the proxy's throughput; the accepted connections inherit the
	 * listener's choice. "reno" is built into every kernel; we own this
	 * network namespace, so any available algorithm may be set here.
	 * Best effort: a refusal only costs speed. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0)
		return -errno;
	return fd;
}

static int make_udp(void)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return fd;
}

/* In the child: only system calls from here to _exit. The exit status
 * says which step failed, as an errno value. */
static _noreturn_ void bridge_child(const struct netns_bridge *b, const struct bridge_order *o,
				    int sock)
{
	int fds[BRIDGE_MAX_FDS];
	size_t n = o->n ? o->n : 1;

	/* The user namespace first: its owner (the user who ran bwrap, that
	 * is us) gets every capability in it by entering, which setns into
	 * the network namespace then needs (setns(2): CAP_SYS_ADMIN in the
	 * user namespace that owns the target). The reverse order fails for
	 * an unprivileged caller. A forked child is single-threaded, which
	 * entering a user namespace requires. */
	if (setns(b->userns, CLONE_NEWUSER) < 0)
		_exit(errno);
	if (setns(b->netns, CLONE_NEWNET) < 0)
		_exit(errno);
	for (size_t i = 0; i < n; i++) {
		fds[i] = o->n ? make_listener(o->ports[i]) : make_udp();
		if (fds[i] < 0)
			_exit(-fds[i]);
	}

	char cbuf[CMSG_SPACE(sizeof(fds))] = {};
	char byte = 'b';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		_exit(errno);
	_exit(0);
}

static int receive_fds(int sock, size_t n, int *ret_fds)
{
	char cbuf[CMSG_SPACE(BRIDGE_MAX_FDS * sizeof(int))] = {};
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	ssize_t r;

	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r != 1)
		return -EIO; /* the child failed before sending */
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(n * sizeof(int)) || (msg.msg_flags & MSG_CTRUNC))
		return -EIO;
	memcpy(ret_fds, CMSG_DATA(cm), n * sizeof(int));
	return 0;
}

/* Forks a child that carries out O in the namespaces; returns 0 with the
 * sockets in RET_FDS, or -errno (the child's, when it says why). */
static int run_order(const struct netns_bridge *b, const struct bridge_order *o, int *ret_fds)
{
	int sp[2] = { -1, -1 };
	size_t n = o->n ? o->n : 1;
	pid_t child;
	int r, status = 0;

	if (n > BRIDGE_MAX_FDS)
		return -EINVAL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	child = fork();
	if (child < 0) {
		r = -errno;
		safe_close(sp[0]);
		safe_close(sp[1]);
		return r;
	}
	if (child == 0) {
		close(sp[0]);
		bridge_child(b, o, sp[1]);
	}
	safe_close(sp[1]);
	r = receive_fds(sp[0], n, ret_fds);
	safe_close(sp[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0 && WIFEXITED(status) && WEXITSTATUS(status))
		r = -WEXITSTATUS(status);
	return r;
}

static int open_ns(pid_t pid, const char *name, int *ret)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	*ret = open(path, O_RDONLY | O_CLOEXEC);
	return *ret < 0 ? -errno : 0;
}

void netns_bridge_close(struct netns_bridge *b)
{
	b->userns = safe_close(b->userns);
	b->netns = safe_close(b->netns);
}

int netns_bridge_open(pid_t pid, struct netns_bridge *ret, struct error *reterr)
{
	_cleanup_close_ int pidfd = -1, ownnet = -1;
	struct netns_bridge b = NETNS_BRIDGE_INIT;
	struct stat a, s;
	int r;

	/* pidfd first, namespaces next, then "is it still alive": if it is,
	 * the namespace files we opened are that process's, not those of a
	 * process that got its pid after it died. */
	pidfd = pidfd_open_(pid);
	if (pidfd < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0,
					"netns bridge: the sandbox (pid %d) is gone: %s", (int)pid,
					strerror(errno));
	r = open_ns(pid, "user", &b.userns);
	if (r >= 0)
		r = open_ns(pid, "net", &b.netns);
	if (r >= 0)
		r = pidfd_alive(pidfd);
	if (r < 0) {
		netns_bridge_close(&b);
		return error_setf_errno(reterr, r, NULL, 0, 0,
					"netns bridge: cannot open the sandbox's namespaces: %s",
					strerror(-r));
	}
	/* Never listen on the host: the sandbox must have a network
	 * namespace of its own (proxy mode always asks for one). */
	ownnet = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ownnet < 0 || fstat(ownnet, &a) < 0 || fstat(b.netns, &s) < 0) {
		r = -errno;
		netns_bridge_close(&b);
		return error_setf_errno(reterr, r, NULL, 0, 0, "netns bridge: fstat: %s",
					strerror(-r));
	}
	if (a.st_dev == s.st_dev && a.st_ino == s.st_ino) {
		netns_bridge_close(&b);
		return error_setf_errno(reterr, -EPERM, NULL, 0, 0,
					"netns bridge: the sandbox shares cordon's network "
					"namespace; refusing to listen on the host");
	}
	*ret = b;
	return 0;
}

int netns_bridge_listen(const struct netns_bridge *b, const uint16_t *ports, size_t n,
			int *ret_fds, struct error *reterr)
{
	struct bridge_order o = { .ports = ports, .n = n };
	int r;

	if (n == 0 || n > BRIDGE_MAX_FDS)
		return error_setf_errno(reterr, -EINVAL, NULL, 0, 0, "netns bridge: bad port count");
	r = run_order(b, &o, ret_fds);
	if (r < 0)
		return error_setf_errno(reterr, r, NULL, 0, 0,
					"netns bridge: cannot listen in the sandbox's network "
					"namespace: %s",
					strerror(-r));
	return 0;
}

int netns_bridge_udp_socket(const struct netns_bridge *b, int *ret_fd)
{
	struct bridge_order o = { .n = 0 };

	return run_order(b, &o, ret_fd);
}
