/* Which destinations a proxied connection may reach without being listed
 * by address: the guard against a sandboxed command using an allowed name
 * (or a name it controls the DNS of) to reach the host's loopback, the
 * local network or a cloud metadata service. Pure. */
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include "util/macros.h"

enum addr_class {
	ADDR_PUBLIC,      /* globally routable: allowed */
	ADDR_UNSPECIFIED, /* 0.0.0.0/8, :: */
	ADDR_LOOPBACK,    /* 127/8, ::1 */
	ADDR_PRIVATE,     /* 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10 */
	ADDR_LINK_LOCAL,  /* 169.254/16 (cloud metadata), fe80::/10 */
	ADDR_CGNAT,       /* 100.64/10 */
	ADDR_MULTICAST,   /* 224/4, ff00::/8 */
	ADDR_RESERVED,    /* 240/4 and broadcast, 192.0.0/24, 198.18/15, 100::/64 */
	_ADDR_CLASS_MAX,
	_ADDR_CLASS_INVALID = -EINVAL,
};

/* Classifies an AF_INET or AF_INET6 address. IPv6 forms that carry an
 * IPv4 address (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) take the class of that IPv4 address. */
enum addr_class addr_classify(const struct sockaddr *sa);
enum addr_class addr_classify_v4(const struct in_addr *a);
enum addr_class addr_classify_v6(const struct in6_addr *a);
const char *addr_class_to_string(enum addr_class c);
