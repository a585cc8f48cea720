/* Feeds arbitrary bytes to the proxy's parsers, which see whatever a
 * sandboxed command sends: the HTTP request head (and its rewrite), the
 * SOCKS5 greeting and request, host names, and the header of a SOCKS5
 * UDP datagram. The first byte picks the parser; the rest is the input,
 * in an exact-size buffer so that ASan catches a read past its end. None
 * may crash, leak or read outside it, and a success must describe a
 * well-formed request. */
#include <stdint.h>

#include "proxy/domains.h"
#include "proxy/http_parse.h"
#include "proxy/socks5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_host(const struct host *h)
{
	struct host again;

	if (h->kind < 0 || h->kind >= _HOST_KIND_MAX)
		__builtin_trap();
	/* The normal form is a fixed point. */
	if (host_parse(h->name, strlen(h->name), &again) < 0 || !streq(again.name, h->name))
		__builtin_trap();
}

static void fuzz_http(const char *p, size_t n)
{
	struct http_request r;
	int k = http_parse_request(p, n, &r);

	if (k > 0) {
		if ((size_t)k > n || (size_t)k != r.head_len || r.port == 0)
			__builtin_trap();
		check_host(&r.host);
		struct strbuf b = {};
		http_rewrite_request(&r, &b);
		/* The rewritten head is complete. */
		if (!r.connect && (b.len < 4 || memcmp(b.s + b.len - 4, "\r\n\r\n", 4) != 0))
			__builtin_trap();
		strbuf_free(&b);
	} else if (k < 0) {
		int s = http_error_status(k);
		if (s != 400 && s != 431 && s != 505)
			__builtin_trap();
	} else if (n >= HTTP_HEAD_MAX) {
		__builtin_trap(); /* "need more" past the cap would buffer forever */
	}
}

static void fuzz_socks(const uint8_t *p, size_t n)
{
	bool no_auth;
	int k = socks5_parse_greeting(p, n, &no_auth);

	if (k > (int)n)
		__builtin_trap();
	if (k > 0) {
		p += k;
		n -= (size_t)k;
	}
	struct socks5_request r;
	k = socks5_parse_request(p, n, &r);
	if (k > 0) {
		if ((size_t)k > n || (r.port == 0 && r.cmd != SOCKS5_CMD_UDP_ASSOCIATE))
			__builtin_trap();
		check_host(&r.host);
	}
}

/* A datagram a sandboxed command sends to a UDP relay. */
static void fuzz_socks_udp(const uint8_t *p, size_t n)
{
	struct socks5_udp_header h;
	int k = socks5_parse_udp_header(p, n, &h);

	if (k > 0) {
		if ((size_t)k > n || h.port == 0)
			__builtin_trap();
		check_host(&h.host);
	} else if (k != -1) {
		__builtin_trap();
	}
}

static void fuzz_host(const char *p, size_t n)
{
	struct host h;

	if (host_parse(p, n, &h) == 0) {
		check_host(&h);
		struct domain_rule rule = { .pattern = h.name, .allow = true };
		struct domain_rules dr;
		struct error err = {};
		if (domain_rules_compile(&rule, 1, &dr, &err) < 0)
			__builtin_trap();
		if (domain_rules_match(&dr, &h, NULL) != VERDICT_ALLOW)
			__builtin_trap();
		domain_rules_done(&dr);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = size - 1;
	char *buf = xmalloc(n ? n : 1);
	if (n)
		memcpy(buf, data + 1, n);
	switch (data[0] % 4) {
	case 0:
		fuzz_http(buf, n);
		break;
	case 1:
		fuzz_socks((const uint8_t *)buf, n);
		break;
	case 2:
		fuzz_host(buf, n);
		break;
	default:
		fuzz_socks_udp((const uint8_t *)buf, n);
		break;
	}
	free(buf);
	return 0;
}
