#include <arpa/inet.h>

#include "proxy/host.h"

static bool is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* A label that inet_aton(3) or a WHATWG URL parser would take for a
 * number: decimal digits, or "0x" and hex digits. */
static bool label_is_number(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && s[0] == '0' && s[1] == 'x') {
		for (i = 2; i < n; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
				return false;
		return true;
	}
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static int parse_name(const char *s, size_t len, struct host *ret)
{
	size_t label_start = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > HOST_NAME_MAX_LEN)
		return -EINVAL;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			size_t n = i - label_start;
			if (n == 0 || n > 63)
				return -EINVAL;
			if (ret->name[label_start] == '-' || ret->name[i - 1] == '-')
				return -EINVAL;
			if (i == len && label_is_number(ret->name + label_start, n))
				return -EINVAL;
			if (i < len)
				ret->name[i] = '.';
			label_start = i + 1;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!is_label_char(c))
			return -EINVAL;
		ret->name[i] = (char)c;
	}
	ret->name[len] = '\0';
	ret->kind = HOST_NAME;
	return 0;
}

int host_parse(const char *s, size_t len, struct host *ret)
{
	char buf[INET6_ADDRSTRLEN + 2];
	struct host h = {};

	if (!s || len == 0 || memchr(s, '\0', len))
		return -EINVAL;
	if (s[0] == '[') {
		if (len < 3 || s[len - 1] != ']')
			return -EINVAL;
		s++;
		len -= 2;
		if (len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (inet_pton(AF_INET6, buf, &h.v6) != 1)
			return -EINVAL;
		h.kind = HOST_IPV6;
		inet_ntop(AF_INET6, &h.v6, h.name, sizeof(h.name));
		*ret = h;
		return 0;
	}
	if (len < sizeof(buf)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		/* inet_pton, unlike inet_aton, takes only the four-part decimal
		 * form: "127.1" and "0x7f000001" are not addresses here (and
		 * are refused as names below). */
		if (inet_pton(AF_INET, buf, &h.v4) == 1) {
			h.kind = HOST_IPV4;
			inet_ntop(AF_INET, &h.v4, h.name, sizeof(h.name));
			*ret = h;
			return 0;
		}
		if (memchr(buf, ':', len)) {
			if (inet_pton(AF_INET6, buf, &h.v6) != 1)
				return -EINVAL;
			h.kind = HOST_IPV6;
			inet_ntop(AF_INET6, &h.v6, h.name, sizeof(h.name));
			*ret = h;
			return 0;
		}
	}
	if (parse_name(s, len, &h) < 0)
		return -EINVAL;
	*ret = h;
	return 0;
}

const char *host_to_authority(const struct host *h, char *buf, size_t size)
{
	if (h->kind == HOST_IPV6)
		snprintf(buf, size, "[%s]", h->name);
	else
		snprintf(buf, size, "%s", h->name);
	return buf;
}
