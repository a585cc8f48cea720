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

int socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *ret)
{
	struct socks5_request r = {};
	size_t addr_len, off;

	if (len >= 1 && buf[0] != 5)
		return -SOCKS5_GENERAL_FAILURE;
	if (len < 5)
		return 0;
	if (buf[2] != 0)
		return -SOCKS5_GENERAL_FAILURE;
	switch (buf[3]) {
	case 1:
		addr_len = 4;
		off = 4;
		break;
	case 4:
		addr_len = 16;
		off = 4;
		break;
	case 3:
		addr_len = buf[4];
		off = 5;
		if (addr_len == 0)
			return -SOCKS5_ADDRESS_NOT_SUPPORTED;
		break;
	default:
		return -SOCKS5_ADDRESS_NOT_SUPPORTED;
	}
	if (len < off + addr_len + 2)
		return 0;
	switch (buf[1]) {
	case SOCKS5_CMD_CONNECT:
	case SOCKS5_CMD_BIND:
	case SOCKS5_CMD_UDP_ASSOCIATE:
		r.cmd = (enum socks5_cmd)buf[1];
		break;
	default:
		return -SOCKS5_COMMAND_NOT_SUPPORTED;
	}
	if (buf[3] == 1) {
		r.host.kind = HOST_IPV4;
		memcpy(&r.host.v4, buf + off, 4);
		inet_ntop(AF_INET, &r.host.v4, r.host.name, sizeof(r.host.name));
	} else if (buf[3] == 4) {
		r.host.kind = HOST_IPV6;
		memcpy(&r.host.v6, buf + off, 16);
		inet_ntop(AF_INET6, &r.host.v6, r.host.name, sizeof(r.host.name));
	} else {
		/* A name may also spell an address ("10.0.0.1"): host_parse
		 * gives it the same form as ATYP 1 or 4, so rules see one. */
		if (host_parse((const char *)buf + off, addr_len, &r.host) < 0)
			return -SOCKS5_ADDRESS_NOT_SUPPORTED;
	}
	r.port = (uint16_t)(buf[off + addr_len] << 8 | buf[off + addr_len + 1]);
	if (r.port == 0)
		return -SOCKS5_GENERAL_FAILURE;
	r.len = off + addr_len + 2;
	*ret = r;
	return (int)r.len;
}

void socks5_build_reply(enum socks5_reply rep, uint8_t out[SOCKS5_REPLY_LEN])
{
	memset(out, 0, SOCKS5_REPLY_LEN);
	out[0] = 5;
	out[1] = (uint8_t)rep;
	out[3] = 1; /* ATYP IPv4, 0.0.0.0:0 */
}
