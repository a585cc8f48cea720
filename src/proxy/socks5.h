/* The proxy's SOCKS5 front end (RFC 1928), as pure functions over bytes:
 * the method negotiation, the request, the replies, and the header of
 * relayed UDP datagrams. Only "no authentication" is spoken, and CONNECT
 * and UDP ASSOCIATE; BIND is answered with an error (see README, "Network
 * proxy"). */
#pragma once

#include <stdint.h>
#include <sys/socket.h>

#include "proxy/host.h"

enum socks5_cmd {
	SOCKS5_CMD_CONNECT = 1,
	SOCKS5_CMD_BIND = 2,
	SOCKS5_CMD_UDP_ASSOCIATE = 3,
};

/* RFC 1928 §6 reply codes. */
enum socks5_reply {
	SOCKS5_OK = 0,
	SOCKS5_GENERAL_FAILURE = 1,
	SOCKS5_NOT_ALLOWED = 2, /* connection not allowed by ruleset */
	SOCKS5_NETWORK_UNREACHABLE = 3,
	SOCKS5_HOST_UNREACHABLE = 4,
	SOCKS5_CONNECTION_REFUSED = 5,
	SOCKS5_TTL_EXPIRED = 6,
	SOCKS5_COMMAND_NOT_SUPPORTED = 7,
	SOCKS5_ADDRESS_NOT_SUPPORTED = 8,
};

#define SOCKS5_NO_AUTH         0x00
#define SOCKS5_NO_ACCEPTABLE   0xff

/* The client's greeting: VER NMETHODS METHODS. Returns its length (> 0)
 * and sets *RET_NO_AUTH when method 0 is offered; 0 when more bytes are
 * needed; -EPROTO when it is not SOCKS5. */
int socks5_parse_greeting(const uint8_t *buf, size_t len, bool *ret_no_auth);

struct socks5_request {
	enum socks5_cmd cmd;
	struct host host; /* the address as given: a name, IPv4 or IPv6 */
	uint16_t port;
	size_t len;       /* bytes of the request */
};

/* The request: VER CMD RSV ATYP DST.ADDR DST.PORT. Returns its length
 * (> 0), 0 when more bytes are needed, or minus a socks5_reply code to
 * answer with: -SOCKS5_GENERAL_FAILURE (not version 5, RSV not 0, port 0
 * for CONNECT or BIND; UDP ASSOCIATE may give 0.0.0.0:0, "not known"),
 * -SOCKS5_ADDRESS_NOT_SUPPORTED (unknown ATYP, or a domain name that is not
 * a valid host name), -SOCKS5_COMMAND_NOT_SUPPORTED (an unknown command).
 * BIND and UDP ASSOCIATE parse; the caller decides. */
int socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *ret);

/* A reply with REP and an all-zero IPv4 bound address (clients ignore it
 * for CONNECT); always 10 bytes. */
#define SOCKS5_REPLY_LEN 10
void socks5_build_reply(enum socks5_reply rep, uint8_t out[SOCKS5_REPLY_LEN]);
/* The same with the bound address ADDR (IPv4, network byte order) and
 * PORT: where a UDP ASSOCIATE client sends its datagrams. */
void socks5_build_reply_bound(enum socks5_reply rep, uint32_t addr, uint16_t port,
			      uint8_t out[SOCKS5_REPLY_LEN]);

/* Each datagram between a UDP ASSOCIATE client and the relay starts with
 * RSV(2) = 0, FRAG, ATYP, DST.ADDR, DST.PORT (RFC 1928 §7). */
struct socks5_udp_header {
	struct host host; /* the destination (from the client) */
	uint16_t port;    /* never 0 */
	uint8_t frag;     /* 0: a whole datagram; the relay drops fragments */
};
/* Returns the header's length (> 0; the data follows), or -1 when BUF does
 * not start with a well-formed header: the datagram is dropped, since UDP
 * has no way to answer. */
int socks5_parse_udp_header(const uint8_t *buf, size_t len, struct socks5_udp_header *ret);
/* Writes the header of a datagram that came from SA (AF_INET or AF_INET6)
 * and returns its length: 10 or 22 bytes. */
#define SOCKS5_UDP_HEADER_MAX 22
size_t socks5_build_udp_header(const struct sockaddr *sa, uint8_t out[SOCKS5_UDP_HEADER_MAX]);
