/* The proxy's side towards the destination: a non-blocking connect from
 * the host's network namespace to each checked address in turn. */
#include <netinet/tcp.h>

#include "proxy/proxy_internal.h"
#include "proxy/socks5.h"

static void on_uwrite(evutil_socket_t fd, short what, void *userdata);
static void on_uread(evutil_socket_t fd, short what, void *userdata)
{
	struct conn *c = userdata;

	if (c->state == STATE_RELAY)
		relay_pump(c, 1);
}

static int socks_reply_for(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return SOCKS5_CONNECTION_REFUSED;
	case ENETUNREACH:
	case ENETDOWN:
		return SOCKS5_NETWORK_UNREACHABLE;
	default:
		return SOCKS5_HOST_UNREACHABLE;
	}
}

static void drop_upstream(struct conn *c)
{
	if (c->ev_uread) {
		event_free(c->ev_uread);
		c->ev_uread = NULL;
	}
	if (c->ev_uwrite) {
		event_free(c->ev_uwrite);
		c->ev_uwrite = NULL;
	}
	c->ufd = safe_close(c->ufd);
}

static void fail_all(struct conn *c)
{
	char body[512];

	drop_upstream(c);
	snprintf(body, sizeof(body), "cordon: cannot connect to %s port %u: %s", c->host.name,
		 (unsigned)c->port, strerror(c->connect_errno ? c->connect_errno : ETIMEDOUT));
	conn_fail(c, c->connect_errno ? 502 : 504, "connect-failed", body,
		  socks_reply_for(c->connect_errno));
}

static void connected(struct conn *c)
{
	static const char established[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	int one = 1;

	(void)setsockopt(c->ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	evutil_freeaddrinfo(c->ai);
	c->ai = c->ai_next = NULL;

	/* The client's first bytes towards the destination, and the
	 * proxy's reply towards the client, go ahead of the relayed data. */
	struct half *up = &c->half[0], *down = &c->half[1];
	up->pre = TAKE_PTR(c->to_upstream);
	up->pre_len = c->to_upstream_len;
	if (streq(c->protocol, "connect")) {
		down->pre = xstrdup(established);
		down->pre_len = sizeof(established) - 1;
	} else if (streq(c->protocol, "socks5")) {
		down->pre = xmalloc(SOCKS5_REPLY_LEN);
		socks5_build_reply(SOCKS5_OK, (uint8_t *)down->pre);
		down->pre_len = SOCKS5_REPLY_LEN;
	}
	if (relay_start(c) < 0) {
		c->connect_errno = EMFILE;
		fail_all(c);
	}
}

static void on_uwrite(evutil_socket_t fd, short what, void *userdata)
{
	struct conn *c = userdata;
	int err = 0;
	socklen_t len = sizeof(err);

	if (c->state == STATE_RELAY) {
		relay_pump(c, 0);
		return;
	}
	if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0) {
		connected(c);
		return;
	}
	c->connect_errno = err;
	upstream_connect_next(c);
}

void upstream_timeout(struct conn *c)
{
	struct timeval now;

	event_base_gettimeofday_cached(c->proxy->base, &now);
	c->connect_errno = ETIMEDOUT;
	if (now.tv_sec >= c->connect_deadline) {
		c->ai_next = NULL;
		c->connect_errno = 0;
	}
	upstream_connect_next(c);
}

void upstream_connect_next(struct conn *c)
{
	struct proxy *p = c->proxy;

	drop_upstream(c);
	while (c->ai_next) {
		struct evutil_addrinfo *ai = c->ai_next;
		c->ai_next = ai->ai_next;
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			c->connect_errno = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			c->connect_errno = errno;
			safe_close(fd);
			continue;
		}
		c->ufd = fd;
		c->ev_uread = event_new(p->base, fd, EV_READ, on_uread, c);
		c->ev_uwrite = event_new(p->base, fd, EV_WRITE, on_uwrite, c);
		if (!c->ev_uread || !c->ev_uwrite) {
			c->connect_errno = ENOMEM;
			drop_upstream(c);
			continue;
		}
		struct timeval now;
		event_base_gettimeofday_cached(p->base, &now);
		time_t left = c->connect_deadline - now.tv_sec;
		conn_set_deadline(c, (int)(left < PROXY_TIMEOUT_CONNECT_ONE ? (left > 0 ? left : 1)
									    : PROXY_TIMEOUT_CONNECT_ONE));
		event_add(c->ev_uwrite, NULL);
		return;
	}
	fail_all(c);
}
