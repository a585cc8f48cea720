#include <arpa/inet.h>

#include "proxy/addr_class.h"

static const char *const class_names[_ADDR_CLASS_MAX] = {
	[ADDR_PUBLIC] = "public",
	[ADDR_UNSPECIFIED] = "unspecified",
	[ADDR_LOOPBACK] = "loopback",
	[ADDR_PRIVATE] = "private",
	[ADDR_LINK_LOCAL] = "link-local",
	[ADDR_CGNAT] = "cgnat",
	[ADDR_MULTICAST] = "multicast",
	[ADDR_RESERVED] = "reserved",
};

const char *addr_class_to_string(enum addr_class c)
{
	return c >= 0 && c < _ADDR_CLASS_MAX ? class_names[c] : "invalid";
}

static bool in_net4(uint32_t a, uint32_t net, unsigned bits)
{
	uint32_t mask = bits == 0 ? 0 : ~0u << (32 - bits);
	return (a & mask) == net;
}

enum addr_class addr_classify_v4(const struct in_addr *in)
{
	static const struct {
		uint32_t net;
		unsigned bits;
		enum addr_class c;
	} table[] = {
		{ 0x00000000, 8, ADDR_UNSPECIFIED }, /* 0/8 "this network" */
		{ 0x0a000000, 8, ADDR_PRIVATE },     /* 10/8 */
		{ 0x64400000, 10, ADDR_CGNAT },      /* 100.64/10 */
		{ 0x7f000000, 8, ADDR_LOOPBACK },    /* 127/8 */
		{ 0xa9fe0000, 16, ADDR_LINK_LOCAL }, /* 169.254/16, 169.254.169.254 */
		{ 0xac100000, 12, ADDR_PRIVATE },    /* 172.16/12 */
		{ 0xc0000000, 24, ADDR_RESERVED },   /* 192.0.0/24 IETF assignments */
		{ 0xc0a80000, 16, ADDR_PRIVATE },    /* 192.168/16 */
		{ 0xc6120000, 15, ADDR_RESERVED },   /* 198.18/15 benchmarking */
		{ 0xe0000000, 4, ADDR_MULTICAST },   /* 224/4 */
		{ 0xf0000000, 4, ADDR_RESERVED },    /* 240/4, 255.255.255.255 */
	};
	uint32_t a = ntohl(in->s_addr);

	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (in_net4(a, table[i].net, table[i].bits))
			return table[i].c;
	return ADDR_PUBLIC;
}

static enum addr_class embedded_v4(const uint8_t *b)
{
	struct in_addr v4;

	memcpy(&v4.s_addr, b, 4);
	return addr_classify_v4(&v4);
}

enum addr_class addr_classify_v6(const struct in6_addr *in)
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
	static const uint8_t discard[8] = { 0x01, 0x00 };
	const uint8_t *b = in->s6_addr;

	if (memcmp(b, zero, 16) == 0)
		return ADDR_UNSPECIFIED;
	if (memcmp(b, zero, 15) == 0 && b[15] == 1)
		return ADDR_LOOPBACK;
	/* Forms that the kernel or a translator turn into an IPv4
	 * destination: judge the IPv4 address they carry. */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return embedded_v4(b + 12);
	if (b[0] == 0x20 && b[1] == 0x02) /* 6to4: 2002:AABB:CCDD::/48 */
		return embedded_v4(b + 2);
	if (b[0] == 0xff)
		return ADDR_MULTICAST;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return ADDR_LINK_LOCAL;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* deprecated site-local */
		return ADDR_PRIVATE;
	if ((b[0] & 0xfe) == 0xfc) /* unique local, incl. fd00:ec2::254 */
		return ADDR_PRIVATE;
	if (memcmp(b, discard, 8) == 0)
		return ADDR_RESERVED;
	return ADDR_PUBLIC;
}

enum addr_class addr_classify(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return addr_classify_v4(&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return addr_classify_v6(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return ADDR_RESERVED;
}
