/* Host names and IP literals as a client names them (an HTTP request
 * line, a SOCKS5 request, a domain rule), in one normal form, so that a
 * rule and a request are compared as the same string. Pure. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/macros.h"

enum host_kind {
	HOST_NAME, /* a DNS name: lower-case LDH labels, no trailing dot */
	HOST_IPV4, /* a dotted quad */
	HOST_IPV6, /* an IPv6 literal (the brackets of a URL removed) */
	_HOST_KIND_MAX,
	_HOST_KIND_INVALID = -EINVAL,
};

#define HOST_NAME_MAX_LEN 253

struct host {
	enum host_kind kind;
	/* HOST_NAME: the normalised name; HOST_IPV4/6: the address as
	 * inet_ntop(3) prints it ("::1", never "0:0::1" or "[::1]"). */
	char name[HOST_NAME_MAX_LEN + 1];
	struct in_addr v4;
	struct in6_addr v6;
};

/* Parses the LEN bytes at S (no terminator needed) as a host: an IPv4
 * dotted quad, an IPv6 literal with or without brackets (no zone id), or a
 * DNS name. Names are lower-cased and lose one trailing dot; each label is
 * 1..63 characters of letters, digits, '-' and '_', not starting or ending
 * with '-'; the whole is at most 253 characters. Anything else is -EINVAL:
 * non-ASCII (IDNA names must be given as punycode, "xn--…"), percent
 * escapes, and names whose last label is a number ("127.1", "0x7f.1",
 * "2130706433"), which some resolvers would read as an IPv4 address. */
int host_parse(const char *s, size_t len, struct host *ret);

/* "[v6]" for IPv6, the name otherwise: how a host goes back into an
 * authority or a URL. BUF must hold HOST_NAME_MAX_LEN + 3 bytes. */
const char *host_to_authority(const struct host *h, char *buf, size_t size);
