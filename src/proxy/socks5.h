/* The proxy's SOCKS5 front end (RFC 1928), as pure functions over bytes:
 * the method negotiation, the request, and the replies. Only "no
 * authentication" and CONNECT are spoken; UDP ASSOCIATE and BIND are
 * answered with an error (see README, "Network proxy"). */
#pragma once

#include <stdint.h>

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
 * answer with: -SOCKS5_GENERAL_FAILURE (not version 5, RSV not 0, port 0),
 * -SOCKS5_ADDRESS_NOT_SUPPORTED (unknown ATYP, or a domain name that is not
 * a valid host name), -SOCKS5_COMMAND_NOT_SUPPORTED (an unknown command).
 * BIND and UDP ASSOCIATE parse; the caller decides. */
int socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *ret);

/* A reply with REP and an all-zero IPv4 bound address (clients ignore it
 * for CONNECT); always 10 bytes. */
#define SOCKS5_REPLY_LEN 10
void socks5_build_reply(enum socks5_reply rep, uint8_t out[SOCKS5_REPLY_LEN]);
