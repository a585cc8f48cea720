/* The SOCKS5 proxy's side of a connection until the request is known. */
#include "proxy/proxy_internal.h"
#include "proxy/socks5.h"

/* Greeting (2 + 255) and request (4 + 1 + 255 + 2): never more. */
#define SOCKS_HANDSHAKE_MAX 600

static bool send_small(struct conn *c, const void *buf, size_t n)
{
	/* A reply of a few bytes on a connection that has sent nothing
	 * back yet: the socket buffer takes it whole, or the peer is gone. */
	return send(c->cfd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)n;
}

void front_socks_read(struct conn *c)
{
	ssize_t n = read(c->cfd, c->in + c->in_len, SOCKS_HANDSHAKE_MAX - c->in_len);
	int r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		event_add(c->ev_cread, NULL);
		return;
	}
	if (n <= 0) {
		conn_free(c);
		return;
	}
	c->in_len += (size_t)n;

	if (!c->socks_greeted) {
		bool no_auth = false;
		r = socks5_parse_greeting(c->in, c->in_len, &no_auth);
		if (r == 0 && c->in_len < SOCKS_HANDSHAKE_MAX) {
			event_add(c->ev_cread, NULL);
			return;
		}
		if (r <= 0) {
			conn_free(c); /* not SOCKS5: nothing it would understand */
			return;
		}
		uint8_t method[2] = { 5, no_auth ? SOCKS5_NO_AUTH : SOCKS5_NO_ACCEPTABLE };
		if (!send_small(c, method, 2) || !no_auth) {
			conn_free(c);
			return;
		}
		c->socks_greeted = true;
		memmove(c->in, c->in + r, c->in_len - (size_t)r);
		c->in_len -= (size_t)r;
	}

	struct socks5_request req;
	r = socks5_parse_request(c->in, c->in_len, &req);
	if (r == 0 && c->in_len < SOCKS_HANDSHAKE_MAX) {
		event_add(c->ev_cread, NULL);
		return;
	}
	c->protocol = "socks5";
	if (r <= 0) {
		conn_fail(c, 400, "bad-request", "malformed SOCKS5 request",
			  r < 0 ? -r : SOCKS5_GENERAL_FAILURE);
		return;
	}
	c->host = req.host;
	c->port = req.port;
	if (req.cmd == SOCKS5_CMD_UDP_ASSOCIATE) {
		event_del(c->ev_cread);
		udp_assoc_start(c);
		return;
	}
	if (req.cmd != SOCKS5_CMD_CONNECT) {
		conn_fail(c, 403, NULL, "BIND", SOCKS5_COMMAND_NOT_SUPPORTED);
		return;
	}
	c->to_upstream_len = c->in_len - (size_t)r;
	c->to_upstream = xmalloc(c->to_upstream_len + 1);
	memcpy(c->to_upstream, c->in + r, c->to_upstream_len);
	free(c->in);
	c->in = NULL;
	c->in_len = 0;
	decide_start(c);
}
