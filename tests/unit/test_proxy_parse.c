/* The HTTP request and SOCKS5 parsers of the proxy, table-driven: every
 * byte sequence a sandboxed client can send. */
#include <arpa/inet.h>
#include <criterion/criterion.h>

#include "proxy/http_parse.h"
#include "proxy/socks5.h"

static const struct {
	const char *req;
	int ret; /* > 0: whole length expected; 0: need more; < 0 error */
	bool connect;
	const char *host;
	unsigned port;
	const char *path;
} http_cases[] = {
	{ "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", 1, false,
	  "example.com", 80, "/" },
	{ "GET http://Example.COM:8080/a?b=c HTTP/1.0\r\n\r\n", 1, false, "example.com", 8080,
	  "/a?b=c" },
	{ "GET http://example.com HTTP/1.1\r\n\r\n", 1, false, "example.com", 80, "" },
	{ "GET http://example.com?q HTTP/1.1\r\n\r\n", 1, false, "example.com", 80, "?q" },
	{ "GET http://[::1]:81/x HTTP/1.1\r\n\r\n", 1, false, "::1", 81, "/x" },
	{ "GET HTTP://example.com:/ HTTP/1.1\n\n", 1, false, "example.com", 80, "/" },
	{ "\r\nGET http://example.com/ HTTP/1.1\r\n\r\n", 1, false, "example.com", 80, "/" },
	{ "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 1, true,
	  "example.com", 443, NULL },
	{ "CONNECT [2001:db8::1]:22 HTTP/1.1\r\n\r\n", 1, true, "2001:db8::1", 22, NULL },
	{ "CONNECT 10.0.0.1:8443 HTTP/1.1\r\n\r\n", 1, true, "10.0.0.1", 8443, NULL },
	{ "POST http://a.test/ HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 1, false, "a.test",
	  80, "/" },
	/* incomplete */
	{ "", 0 },
	{ "GET http://example.com/ HTTP/1.1\r\n", 0 },
	{ "GET http://example.com/ HTTP/1.1\r\nHost: x\r\n\r", 0 },
	{ "GET http://exa", 0 },
	/* malformed */
	{ "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", -EINVAL },
	{ "GET https://example.com/ HTTP/1.1\r\n\r\n", -EPROTOTYPE },
	{ "GET ftp://example.com/ HTTP/1.1\r\n\r\n", -EPROTOTYPE },
	{ "GET http://example.com/ HTTP/2.0\r\n\r\n", -EPROTONOSUPPORT },
	{ "GET http://example.com/ HTTP/1.2\r\n\r\n", -EPROTONOSUPPORT },
	{ "GET http://example.com/ HTTP/1.1 \r\n\r\n", -EINVAL },
	{ "GET  http://example.com/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://example.com/\tx HTTP/1.1\r\n\r\n", -EINVAL },
	{ "G@T http://example.com/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://allowed.test@evil.test/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://evil.test#@allowed.test/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://example.com:0/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://example.com:65536/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://example.com:8x/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://127.1/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http://[::1/ HTTP/1.1\r\n\r\n", -EINVAL },
	{ "GET http:///x HTTP/1.1\r\n\r\n", -EINVAL },
	{ "CONNECT example.com HTTP/1.1\r\n\r\n", -EINVAL },
	{ "CONNECT example.com: HTTP/1.1\r\n\r\n", -EINVAL },
	{ "CONNECT http://example.com:443 HTTP/1.1\r\n\r\n", -EINVAL },
	{ "connect example.com:443 HTTP/1.1\r\n\r\n", -EPROTOTYPE }, /* not CONNECT: a URL */
	{ "GET http://a.test/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
	  -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
	  -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\nX : a\r\n\r\n", -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\n: a\r\n\r\n", -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\nX: a\rb\r\n\r\n", -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\nX: a\x01\r\n\r\n", -EINVAL },
	{ "GET http://a.test/ HTTP/1.1\r\nNoColon\r\n\r\n", -EINVAL },
	{ "\x16\x03\x01\x02\x05\x01\x05\x01\xfc\x03\x03\r\n\r\n", -EINVAL },
};

Test(http_parse, table)
{
	for (size_t i = 0; i < sizeof(http_cases) / sizeof(http_cases[0]); i++) {
		struct http_request r;
		const char *s = http_cases[i].req;
		int got = http_parse_request(s, strlen(s), &r);
		int want = http_cases[i].ret;
		if (want > 0) {
			cr_assert_gt(got, 0, "case %zu: got %d", i, got);
			cr_assert_eq(r.connect, http_cases[i].connect, "case %zu", i);
			cr_assert_str_eq(r.host.name, http_cases[i].host, "case %zu", i);
			cr_assert_eq(r.port, http_cases[i].port, "case %zu", i);
			if (http_cases[i].path) {
				cr_assert_eq(r.path.n, strlen(http_cases[i].path), "case %zu", i);
				cr_assert(memcmp(r.path.p, http_cases[i].path, r.path.n) == 0,
					  "case %zu", i);
			}
		} else {
			cr_assert_eq(got, want, "case %zu (%s): got %d", i, s, got);
		}
	}
}

Test(http_parse, head_length_and_leftover)
{
	const char *s = "POST http://a.test/ HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
	struct http_request r;
	int n = http_parse_request(s, strlen(s), &r);

	cr_assert_eq(n, (int)strlen(s) - 3);
	cr_assert_eq(r.head_len, strlen(s) - 3);
}

Test(http_parse, size_limits)
{
	char *big = malloc(HTTP_HEAD_MAX + 100);
	struct http_request r;
	size_t n = 0;

	n += (size_t)sprintf(big, "GET http://a.test/ HTTP/1.1\r\nX: ");
	while (n < HTTP_HEAD_MAX + 10)
		big[n++] = 'a';
	/* No end of head within the cap: 431, without waiting for more. */
	cr_assert_eq(http_parse_request(big, HTTP_HEAD_MAX, &r), -EMSGSIZE);
	cr_assert_eq(http_parse_request(big, HTTP_HEAD_MAX - 1, &r), 0);
	memcpy(big + n, "\r\n\r\n", 4);
	cr_assert_eq(http_parse_request(big, n + 4, &r), -EMSGSIZE);
	cr_assert_eq(http_error_status(-EMSGSIZE), 431);
	free(big);

	/* Too many fields. */
	struct strbuf b = {};
	strbuf_puts(&b, "GET http://a.test/ HTTP/1.1\r\n");
	for (int i = 0; i <= HTTP_HEADERS_MAX; i++)
		strbuf_printf(&b, "X%d: y\r\n", i);
	strbuf_puts(&b, "\r\n");
	cr_assert_eq(http_parse_request(b.s, b.len, &r), -EMSGSIZE);
	strbuf_free(&b);
}

static char *rewrite(const char *s)
{
	struct http_request r;
	struct strbuf b = {};

	cr_assert_gt(http_parse_request(s, strlen(s), &r), 0, "%s", s);
	http_rewrite_request(&r, &b);
	return strbuf_steal(&b);
}

Test(http_parse, rewrite)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "GET http://a.test/x?y HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\n\r\n",
		  "GET /x?y HTTP/1.1\r\nAccept: */*\r\nHost: a.test\r\nConnection: close\r\n\r\n" },
		/* the request line decides; a conflicting Host is replaced */
		{ "GET http://a.test:8080 HTTP/1.0\r\nHost: evil.test\r\n\r\n",
		  "GET / HTTP/1.0\r\nHost: a.test:8080\r\nConnection: close\r\n\r\n" },
		{ "GET http://[::1]:81?q HTTP/1.1\r\n\r\n",
		  "GET /?q HTTP/1.1\r\nHost: [::1]:81\r\nConnection: close\r\n\r\n" },
		/* hop-by-hop fields and the ones Connection names go */
		{ "POST http://a.test/ HTTP/1.1\r\nConnection: keep-alive, X-Secret\r\n"
		  "Proxy-Authorization: Basic Zm9v\r\nProxy-Connection: keep-alive\r\n"
		  "Keep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\nx-secret: 1\r\n"
		  "Content-Length: 0\r\n\r\n",
		  "POST / HTTP/1.1\r\nContent-Length: 0\r\nHost: a.test\r\nConnection: close\r\n\r\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = rewrite(cases[i].in);
		cr_assert_str_eq(got, cases[i].out, "case %zu", i);
		free(got);
	}
}

Test(http_parse, proxy_response)
{
	struct strbuf b = {};

	http_proxy_response(403, "blocked-by-denylist", "no", &b);
	cr_assert_str_eq(b.s, "HTTP/1.1 403 Forbidden\r\nx-proxy-error: blocked-by-denylist\r\n"
			      "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
			      "Connection: close\r\n\r\nno\n");
	strbuf_free(&b);
}

#define B(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

Test(socks5, greeting)
{
	bool no_auth = false;

	cr_assert_eq(socks5_parse_greeting(B(5, 1, 0), &no_auth), 3);
	cr_assert(no_auth);
	cr_assert_eq(socks5_parse_greeting(B(5, 2, 2, 0), &no_auth), 4);
	cr_assert(no_auth);
	cr_assert_eq(socks5_parse_greeting(B(5, 1, 2), &no_auth), 3);
	cr_assert(!no_auth);
	cr_assert_eq(socks5_parse_greeting(B(5, 0), &no_auth), 2);
	cr_assert(!no_auth);
	cr_assert_eq(socks5_parse_greeting(B(5, 3, 0), &no_auth), 0);
	cr_assert_eq(socks5_parse_greeting(B(5), &no_auth), 0);
	cr_assert_eq(socks5_parse_greeting(B(4, 1, 0), &no_auth), -EPROTO);
	cr_assert_eq(socks5_parse_greeting(B('G', 'E', 'T'), &no_auth), -EPROTO);
}

static const struct {
	const uint8_t *b;
	size_t n;
	int ret;
	enum socks5_cmd cmd;
	const char *host;
	unsigned port;
} socks_cases[] = {
	{ B(5, 1, 0, 1, 10, 0, 0, 1, 0x1f, 0x90), 10, SOCKS5_CMD_CONNECT, "10.0.0.1", 8080 },
	{ B(5, 1, 0, 3, 7, 'e', 'x', '.', 'T', 'E', 'S', 'T', 0, 80), 14, SOCKS5_CMD_CONNECT,
	  "ex.test", 80 },
	{ B(5, 1, 0, 3, 9, '1', '0', '.', '0', '.', '0', '.', '0', '1', 0, 80), -SOCKS5_ADDRESS_NOT_SUPPORTED },
	{ B(5, 1, 0, 3, 8, '1', '0', '.', '0', '.', '0', '.', '1', 0, 80), 15, SOCKS5_CMD_CONNECT,
	  "10.0.0.1", 80 },
	{ B(5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 22), 22,
	  SOCKS5_CMD_CONNECT, "::1", 22 },
	{ B(5, 3, 0, 1, 0, 0, 0, 0, 0, 53), 10, SOCKS5_CMD_UDP_ASSOCIATE, "0.0.0.0", 53 },
	/* UDP ASSOCIATE may say "source not known yet"; CONNECT needs a port. */
	{ B(5, 3, 0, 1, 0, 0, 0, 0, 0, 0), 10, SOCKS5_CMD_UDP_ASSOCIATE, "0.0.0.0", 0 },
	{ B(5, 2, 0, 1, 1, 2, 3, 4, 0, 0), -SOCKS5_GENERAL_FAILURE },
	{ B(5, 2, 0, 1, 1, 2, 3, 4, 0, 1), 10, SOCKS5_CMD_BIND, "1.2.3.4", 1 },
	{ B(5, 1, 0, 1, 10, 0), 0 },
	{ B(5, 1, 0, 3, 20, 'a'), 0 },
	{ B(5, 1, 0), 0 },
	{ B(4, 1, 0, 1, 10, 0, 0, 1, 0, 80), -SOCKS5_GENERAL_FAILURE },
	{ B(5, 1, 1, 1, 10, 0, 0, 1, 0, 80), -SOCKS5_GENERAL_FAILURE },
	{ B(5, 9, 0, 1, 10, 0, 0, 1, 0, 80), -SOCKS5_COMMAND_NOT_SUPPORTED },
	{ B(5, 1, 0, 2, 10, 0, 0, 1, 0, 80), -SOCKS5_ADDRESS_NOT_SUPPORTED },
	{ B(5, 1, 0, 3, 0, 0, 80), -SOCKS5_ADDRESS_NOT_SUPPORTED },
	{ B(5, 1, 0, 3, 3, 'a', '/', 'b', 0, 80), -SOCKS5_ADDRESS_NOT_SUPPORTED },
	{ B(5, 1, 0, 3, 5, 'a', 0, 'b', 'c', 'd', 0, 80), -SOCKS5_ADDRESS_NOT_SUPPORTED },
	{ B(5, 1, 0, 1, 10, 0, 0, 1, 0, 0), -SOCKS5_GENERAL_FAILURE },
};

Test(socks5, request_table)
{
	for (size_t i = 0; i < sizeof(socks_cases) / sizeof(socks_cases[0]); i++) {
		struct socks5_request r;
		int got = socks5_parse_request(socks_cases[i].b, socks_cases[i].n, &r);
		cr_assert_eq(got, socks_cases[i].ret, "case %zu: got %d", i, got);
		if (got > 0) {
			cr_assert_eq(r.cmd, socks_cases[i].cmd, "case %zu", i);
			cr_assert_str_eq(r.host.name, socks_cases[i].host, "case %zu", i);
			cr_assert_eq(r.port, socks_cases[i].port, "case %zu", i);
		}
	}
}

Test(socks5, reply)
{
	uint8_t out[SOCKS5_REPLY_LEN];

	socks5_build_reply(SOCKS5_NOT_ALLOWED, out);
	cr_assert(memcmp(out, (uint8_t[]){ 5, 2, 0, 1, 0, 0, 0, 0, 0, 0 }, 10) == 0);
}

Test(socks5, reply_bound)
{
	uint8_t out[SOCKS5_REPLY_LEN];

	socks5_build_reply_bound(SOCKS5_OK, htonl(0x7f000001), 40000, out);
	cr_assert(memcmp(out, (uint8_t[]){ 5, 0, 0, 1, 127, 0, 0, 1, 0x9c, 0x40 }, 10) == 0);
}

static const struct {
	const uint8_t *b;
	size_t n;
	int ret;
	const char *host;
	unsigned port;
	unsigned frag;
} udp_cases[] = {
	{ B(0, 0, 0, 1, 198, 51, 100, 10, 0, 53, 'q'), 10, "198.51.100.10", 53, 0 },
	{ B(0, 0, 0, 3, 4, 'a', '.', 'T', 'e', 1, 0), 11, "a.te", 256, 0 },
	{ B(0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 7), 22, "::1", 7, 0 },
	{ B(0, 0, 2, 1, 1, 2, 3, 4, 0, 9), 10, "1.2.3.4", 9, 2 }, /* a fragment: parsed, dropped */
	{ B(0, 0, 0, 1, 1, 2, 3, 4, 0, 0), -1 },                  /* port 0 */
	{ B(0, 1, 0, 1, 1, 2, 3, 4, 0, 9), -1 },                  /* RSV not 0 */
	{ B(0, 0, 0, 1, 1, 2, 3, 4, 0), -1 },                     /* short */
	{ B(0, 0, 0, 3, 0, 0, 9), -1 },                           /* empty name */
	{ B(0, 0, 0, 3, 3, 'a', '/', 'b', 0, 9), -1 },            /* not a host */
	{ B(0, 0, 0, 7, 1, 2, 3, 4, 0, 9), -1 },                  /* ATYP */
	{ B(0, 0, 0), -1 },
};

Test(socks5, udp_header_table)
{
	for (size_t i = 0; i < sizeof(udp_cases) / sizeof(udp_cases[0]); i++) {
		struct socks5_udp_header h;
		int got = socks5_parse_udp_header(udp_cases[i].b, udp_cases[i].n, &h);
		cr_assert_eq(got, udp_cases[i].ret, "case %zu: got %d", i, got);
		if (got > 0) {
			cr_assert_str_eq(h.host.name, udp_cases[i].host, "case %zu", i);
			cr_assert_eq(h.port, udp_cases[i].port, "case %zu", i);
			cr_assert_eq(h.frag, udp_cases[i].frag, "case %zu", i);
		}
	}
}

Test(socks5, udp_header_build_parses_back)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	uint8_t out[SOCKS5_UDP_HEADER_MAX];
	struct socks5_udp_header h;

	inet_pton(AF_INET, "198.51.100.10", &in.sin_addr);
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	cr_assert_eq(socks5_build_udp_header((struct sockaddr *)&in, out), 10);
	cr_assert_eq(socks5_parse_udp_header(out, 10, &h), 10);
	cr_assert_str_eq(h.host.name, "198.51.100.10");
	cr_assert_eq(h.port, 53);
	cr_assert_eq(socks5_build_udp_header((struct sockaddr *)&in6, out), 22);
	cr_assert_eq(socks5_parse_udp_header(out, 22, &h), 22);
	cr_assert_str_eq(h.host.name, "2001:db8::1");
	cr_assert_eq(h.port, 443);
}
