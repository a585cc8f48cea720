/* The proxy's HTTP/1.x front end, as pure functions over bytes: parse a
 * request head (absolute-form or CONNECT), rewrite it for the origin, and
 * build the proxy's own answers. Nothing here reads a socket, so the
 * parser is unit-tested table-driven and fuzzed (fuzz/fuzz_proxy_request.c). */
#pragma once

#include <stdint.h>

#include "proxy/host.h"
#include "util/strbuf.h"

/* A request head (request line and headers) larger than this is refused
 * with 431; so is one with more than HTTP_HEADERS_MAX header fields. */
#define HTTP_HEAD_MAX    16384
#define HTTP_HEADERS_MAX 128

struct http_span {
	const char *p;
	size_t n;
};

struct http_header {
	struct http_span name, value;
};

struct http_request {
	struct http_span method;
	bool connect;            /* CONNECT host:port */
	struct host host;        /* the request line's authority: the only target */
	uint16_t port;
	bool port_given;         /* the authority named a port */
	struct http_span path;   /* origin-form path and query (absolute-form only) */
	unsigned minor;          /* HTTP/1.minor */
	struct http_header headers[HTTP_HEADERS_MAX];
	size_t n_headers;
	size_t head_len;         /* bytes of BUF the head took, blank line included */
};

/* Parses the request head at the start of BUF (LEN bytes, no terminator
 * needed). Returns the head's length (> 0) when it is complete, 0 when more
 * bytes are needed, or:
 *   -EMSGSIZE         head over HTTP_HEAD_MAX, or too many fields  (431)
 *   -EPROTONOSUPPORT  not HTTP/1.0 or HTTP/1.1                     (505)
 *   -EPROTOTYPE       absolute-form with a scheme other than http  (400; https must use CONNECT)
 *   -EINVAL           anything malformed, including a target that is not
 *                     absolute-form or authority-form, userinfo in the
 *                     authority, an invalid host, a port of 0, two Host
 *                     fields, Content-Length with Transfer-Encoding, obs-fold,
 *                     whitespace before a field's colon                  (400)
 * *RET is filled only on success; its spans point into BUF. */
int http_parse_request(const char *buf, size_t len, struct http_request *ret);

/* The head to send the origin: "METHOD PATH HTTP/1.x", then the client's
 * fields without the hop-by-hop ones (Connection and the fields it names,
 * Proxy-Connection, Keep-Alive, Proxy-Authorization, Proxy-Authenticate,
 * TE, Trailer, Upgrade) and without its Host, then "Host:" from the
 * request line (a conflicting Host field is replaced, never believed), then
 * "Connection: close": one request per connection. */
void http_rewrite_request(const struct http_request *r, struct strbuf *out);

/* The HTTP status a negative http_parse_request result is answered with. */
int http_error_status(int parse_error);
/* A complete response of the proxy's own with a one-line text body;
 * PROXY_ERROR, when not NULL, becomes an "x-proxy-error" field. */
void http_proxy_response(int status, const char *proxy_error, const char *body,
			 struct strbuf *out);
