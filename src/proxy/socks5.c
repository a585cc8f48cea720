#include <arpa/inet.h>

#include "proxy/socks5.h"

int socks5_parse_greeting(const uint8_t *buf, size_t len, bool *ret_no_auth)
{
	if (len < 1)
		return 0;
	if (buf[0] != 5)
		return -EPROTO;
	if (len < 2)
		return 0;
	size_t n = buf[1];
	if (len < 2 + n)
		return 0;
	bool no_auth = false;
	for (size_t i = 0; i < n; i++)
		if (buf[2 + i] == SOCKS5_NO_AUTH)
			no_auth = true;
	*ret_no_auth = no_auth;
	return (int)(2 + n);
}

/* ATYP DST.ADDR DST.PORT at BUF, the part a request and a UDP datagram's
 * header share. Returns its length (> 0), 0 when more bytes are needed,
 * or -SOCKS5_ADDRESS_NOT_SUPPORTED. */
static int parse_address(const uint8_t *buf, size_t len, struct host *ret_host,
			 uint16_t *ret_port)
{
	size_t addr_len, off;

	if (len < 2)
		return 0;
	switch (buf[0]) {
	case 1:
		addr_len = 4;
		off = 1;
		break;
	case 4:
		addr_len = 16;
		off = 1;
		break;
	case 3:
		addr_len = buf[1];
		off = 2;
		if (addr_len == 0)
			return -SOCKS5_ADDRESS_NOT_SUPPORTED;
		break;
	default:
		return -SOCKS5_ADDRESS_NOT_SUPPORTED;
	}
	if (len < off + addr_len + 2)
		return 0;
	*ret_host = (struct host){};
	if (buf[0] == 1) {
		ret_host->kind = HOST_IPV4;
		memcpy(&ret_host->v4, buf + off, 4);
		inet_ntop(AF_INET, &ret_host->v4, ret_host->name, sizeof(ret_host->name));
	} else if (buf[0] == 4) {
		ret_host->kind = HOST_IPV6;
		memcpy(&ret_host->v6, buf + off, 16);
		inet_ntop(AF_INET6, &ret_host->v6, ret_host->name, sizeof(ret_host->name));
	} else {
		/* A name may also spell an address ("10.0.0.1"): host_parse
		 * gives it the same form as ATYP 1 or 4, so rules see one. */
		if (host_parse((const char *)buf + off, addr_len, ret_host) < 0)
			return -SOCKS5_ADDRESS_NOT_SUPPORTED;
	}
	*ret_port = (uint16_t)(buf[off + addr_len] << 8 | buf[off + addr_len + 1]);
	return (int)(off + addr_len + 2);
}

int socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *ret)
{
	struct socks5_request r = {};
	int k;

	if (len >= 1 && buf[0] != 5)
		return -SOCKS5_GENERAL_FAILURE;
	if (len < 5)
		return 0;
	if (buf[2] != 0)
		return -SOCKS5_GENERAL_FAILURE;
	k = parse_address(buf + 3, len - 3, &r.host, &r.port);
	if (k <= 0)
		return k;
	switch (buf[1]) {
	case SOCKS5_CMD_CONNECT:
	case SOCKS5_CMD_BIND:
	case SOCKS5_CMD_UDP_ASSOCIATE:
		r.cmd = (enum socks5_cmd)buf[1];
		break;
	default:
		return -SOCKS5_COMMAND_NOT_SUPPORTED;
	}
	/* A destination needs a port; UDP ASSOCIATE names where the client
	 * will send from, and 0 there means "not known yet". */
	if (r.port == 0 && r.cmd != SOCKS5_CMD_UDP_ASSOCIATE)
		return -SOCKS5_GENERAL_FAILURE;
	r.len = 3 + (size_t)k;
	*ret = r;
	return (int)r.len;
}

void socks5_build_reply(enum socks5_reply rep, uint8_t out[SOCKS5_REPLY_LEN])
{
	socks5_build_reply_bound(rep, 0, 0, out);
}

void socks5_build_reply_bound(enum socks5_reply rep, uint32_t addr, uint16_t port,
			      uint8_t out[SOCKS5_REPLY_LEN])
{
	out[0] = 5;
	out[1] = (uint8_t)rep;
	out[2] = 0;
	out[3] = 1; /* ATYP IPv4 */
	memcpy(out + 4, &addr, 4);
	out[8] = (uint8_t)(port >> 8);
	out[9] = (uint8_t)port;
}

int socks5_parse_udp_header(const uint8_t *buf, size_t len, struct socks5_udp_header *ret)
{
	struct socks5_udp_header h = {};
	int k;

	if (len < 4 || buf[0] != 0 || buf[1] != 0)
		return -1;
	h.frag = buf[2];
	k = parse_address(buf + 3, len - 3, &h.host, &h.port);
	if (k <= 0 || h.port == 0)
		return -1;
	*ret = h;
	return 3 + k;
}

size_t socks5_build_udp_header(const struct sockaddr *sa, uint8_t out[SOCKS5_UDP_HEADER_MAX])
{
	out[0] = out[1] = out[2] = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		out[3] = 1;
		memcpy(out + 4, &in->sin_addr, 4);
		memcpy(out + 8, &in->sin_port, 2);
		return 10;
	}
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	out[3] = 4;
	memcpy(out + 4, &in6->sin6_addr, 16);
	memcpy(out + 20, &in6->sin6_port, 2);
	return 22;
}
