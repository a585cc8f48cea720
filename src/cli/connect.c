/* `cordon connect HOST PORT`: a tiny SOCKS5 client that relays stdin and
 * stdout to HOST:PORT through the sandbox's proxy, for ssh's
 * ProxyCommand (GIT_SSH_COMMAND points here in proxy mode). It runs inside
 * the sandbox, where the proxy is 127.0.0.1:$CORDON_SOCKS_PORT. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "proxy/host.h"
#include "proxy/socks5.h"

static const char connect_usage[] =
	"usage: cordon connect [--proxy PORT] HOST PORT\n"
	"relays stdin and stdout to HOST:PORT through the SOCKS5 proxy at\n"
	"127.0.0.1:PORT (default: $CORDON_SOCKS_PORT, set in proxy-mode sandboxes)\n";

static int parse_port(const char *s, uint16_t *ret)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_exact(int fd, uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -ECONNRESET : -errno;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static const char *reply_text(int rep)
{
	static const char *const t[] = {
		"succeeded", "general failure", "connection not allowed by ruleset",
		"network unreachable", "host unreachable", "connection refused",
		"TTL expired", "command not supported", "address type not supported",
	};
	return rep >= 0 && rep < (int)ELEMENTSOF(t) ? t[rep] : "unknown error";
}

/* RFC 1928: greeting, then CONNECT with the address as given. */
static int socks_connect(int fd, const struct host *h, uint16_t port, int *ret_rep)
{
	uint8_t buf[300];
	size_t n = 0;
	int r;

	r = write_all(fd, (const uint8_t[]){ 5, 1, SOCKS5_NO_AUTH }, 3);
	if (r < 0 || (r = read_exact(fd, buf, 2)) < 0)
		return r;
	if (buf[0] != 5 || buf[1] != SOCKS5_NO_AUTH)
		return -EPROTO;
	buf[n++] = 5;
	buf[n++] = SOCKS5_CMD_CONNECT;
	buf[n++] = 0;
	if (h->kind == HOST_IPV4) {
		buf[n++] = 1;
		memcpy(buf + n, &h->v4, 4);
		n += 4;
	} else if (h->kind == HOST_IPV6) {
		buf[n++] = 4;
		memcpy(buf + n, &h->v6, 16);
		n += 16;
	} else {
		size_t len = strlen(h->name);
		buf[n++] = 3;
		buf[n++] = (uint8_t)len;
		memcpy(buf + n, h->name, len);
		n += len;
	}
	buf[n++] = (uint8_t)(port >> 8);
	buf[n++] = (uint8_t)port;
	r = write_all(fd, buf, n);
	if (r < 0 || (r = read_exact(fd, buf, 4)) < 0)
		return r;
	if (buf[0] != 5)
		return -EPROTO;
	*ret_rep = buf[1];
	/* The bound address that follows: its length depends on ATYP. */
	size_t rest = buf[3] == 1 ? 4 + 2 : buf[3] == 4 ? 16 + 2 : 0;
	if (buf[3] == 3) {
		if ((r = read_exact(fd, buf, 1)) < 0)
			return r;
		rest = (size_t)buf[0] + 2;
	}
	if (rest == 0)
		return -EPROTO;
	return read_exact(fd, buf, rest);
}

static int relay(int sock)
{
	static uint8_t buf[65536];
	bool in_open = true;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = sock, .events = POLLIN },
		};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents) {
			ssize_t n = read(sock, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return n == 0 ? 0 : -errno; /* the destination is done */
			int r = write_all(STDOUT_FILENO, buf, (size_t)n);
			if (r < 0)
				return r;
		}
		if (in_open && p[0].revents) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* Our side is done; the answer may still come. */
				in_open = false;
				(void)shutdown(sock, SHUT_WR);
				continue;
			}
			int r = write_all(sock, buf, (size_t)n);
			if (r < 0)
				return r;
		}
	}
}

int cmd_connect(int argc, char **argv)
{
	const char *proxy_port = getenv("CORDON_SOCKS_PORT");
	struct host host;
	uint16_t port, pport;
	int i = 1, rep = -1, r;

	if (argc > 1 && (streq(argv[1], "-h") || streq(argv[1], "--help"))) {
		fputs(connect_usage, stdout);
		return 0;
	}
	if (argc > 2 && streq(argv[1], "--proxy")) {
		proxy_port = argv[2];
		i = 3;
	}
	if (argc - i != 2) {
		fputs(connect_usage, stderr);
		return EXIT_CORDON;
	}
	if (host_parse(argv[i], strlen(argv[i]), &host) < 0) {
		fprintf(stderr, "cordon: connect: %s: not a valid host name or address\n", argv[i]);
		return EXIT_CORDON;
	}
	if (parse_port(argv[i + 1], &port) < 0) {
		fprintf(stderr, "cordon: connect: %s: not a valid port\n", argv[i + 1]);
		return EXIT_CORDON;
	}
	if (!proxy_port || parse_port(proxy_port, &pport) < 0) {
		fprintf(stderr, "cordon: connect: no proxy port (CORDON_SOCKS_PORT is not set: "
				"not in a proxy-mode sandbox?)\n");
		return EXIT_CORDON;
	}

	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(pport),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	_cleanup_close_ int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "cordon: connect: cannot reach the proxy at 127.0.0.1:%u: %m\n",
			(unsigned)pport);
		return 1;
	}
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	r = socks_connect(fd, &host, port, &rep);
	if (r < 0 && rep < 0) {
		fprintf(stderr, "cordon: connect: proxy handshake failed: %s\n", strerror(-r));
		return 1;
	}
	if (rep != SOCKS5_OK) {
		fprintf(stderr, "cordon: connect: %s port %u: %s\n", host.name, (unsigned)port,
			reply_text(rep));
		return 1;
	}
	r = relay(fd);
	if (r < 0 && r != -EPIPE) {
		fprintf(stderr, "cordon: connect: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
