/* The HTTP proxy's side of a connection until the request is known. */
#include "proxy/http_parse.h"
#include "proxy/proxy_internal.h"

/* Reads what is there; returns 1 when bytes were added, 0 at EOF, -1 when
 * nothing is there yet or on error (the connection is then gone or still
 * waiting: *GONE tells). */
static int read_more(struct conn *c, size_t cap, bool *gone)
{
	*gone = false;
	if (c->in_len >= cap)
		return 1; /* full: the parser decides */
	ssize_t n = read(c->cfd, c->in + c->in_len, cap - c->in_len);
	if (n > 0) {
		c->in_len += (size_t)n;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		event_add(c->ev_cread, NULL);
		return -1;
	}
	/* EOF or error before a whole request: nothing to answer. */
	conn_free(c);
	*gone = true;
	return 0;
}

void front_http_read(struct conn *c)
{
	struct http_request req;
	bool gone;
	int r;

	if (read_more(c, HTTP_HEAD_MAX, &gone) <= 0)
		return;
	r = http_parse_request((const char *)c->in, c->in_len, &req);
	if (r == 0) {
		event_add(c->ev_cread, NULL);
		return;
	}
	if (r < 0) {
		int status = http_error_status(r);
		const char *body = r == -EMSGSIZE	      ? "request head too large"
				   : r == -EPROTOTYPE	      ? "only http:// URLs are proxied; use CONNECT for https"
				   : r == -EPROTONOSUPPORT ? "only HTTP/1.0 and HTTP/1.1 are spoken"
							   : "malformed proxy request";
		conn_fail(c, status, status == 431 ? "header-too-large" : "bad-request", body, -1);
		return;
	}

	c->host = req.host;
	c->port = req.port;
	c->protocol = req.connect ? "connect" : "http";

	struct strbuf b = {};
	if (!req.connect)
		http_rewrite_request(&req, &b);
	/* Bytes after the head (a body, or a client that did not wait for
	 * the tunnel) go upstream after it, unparsed and unchanged. */
	strbuf_append(&b, (const char *)c->in + req.head_len, c->in_len - req.head_len);
	c->to_upstream_len = b.len;
	c->to_upstream = strbuf_steal(&b);
	free(c->in);
	c->in = NULL;
	c->in_len = 0;
	decide_start(c);
}
