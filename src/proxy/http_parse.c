#include <strings.h>

#include "proxy/http_parse.h"

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

static bool span_ieq(struct http_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

/* Finds the end of the line starting at BUF+POS: returns the offset of the
 * line's end (the CR of CRLF, or a bare LF), sets *NEXT past the line
 * break; 0 when no full line is there yet; -EINVAL on a bare CR. */
static int line_end(const char *buf, size_t len, size_t pos, size_t *end, size_t *next)
{
	for (size_t i = pos; i < len; i++) {
		if (buf[i] == '\n') {
			*end = i;
			*next = i + 1;
			return 1;
		}
		if (buf[i] == '\r') {
			if (i + 1 >= len)
				return 0;
			if (buf[i + 1] != '\n')
				return -EINVAL;
			*end = i;
			*next = i + 2;
			return 1;
		}
	}
	return 0;
}

static int parse_port(const char *p, size_t n, uint16_t *ret)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

/* "host", "host:port", "[v6]", "[v6]:port". */
static int parse_authority(const char *p, size_t n, bool need_port, struct http_request *r)
{
	size_t host_len = n;
	const char *colon = NULL;

	if (n == 0 || memchr(p, '@', n))
		return -EINVAL; /* userinfo: "http://allowed@evil/" must not be misread */
	if (p[0] == '[') {
		const char *close = memchr(p, ']', n);
		if (!close)
			return -EINVAL;
		host_len = (size_t)(close - p) + 1;
		if (host_len < n) {
			if (p[host_len] != ':')
				return -EINVAL;
			colon = p + host_len;
		}
	} else {
		colon = memchr(p, ':', n);
		if (colon)
			host_len = (size_t)(colon - p);
	}
	if (host_parse(p, host_len, &r->host) < 0)
		return -EINVAL;
	r->port = 80;
	r->port_given = false;
	if (colon) {
		size_t plen = n - (size_t)(colon + 1 - p);
		if (plen > 0) {
			if (parse_port(colon + 1, plen, &r->port) < 0)
				return -EINVAL;
			r->port_given = true;
		}
	}
	if (need_port && !r->port_given)
		return -EINVAL;
	return 0;
}

static int parse_target(const char *t, size_t n, struct http_request *r)
{
	if (memchr(t, '#', n))
		return -EINVAL;
	if (r->connect)
		return parse_authority(t, n, true, r);
	if (n >= 8 && strncasecmp(t, "https://", 8) == 0)
		return -EPROTOTYPE;
	if (n < 7 || strncasecmp(t, "http://", 7) != 0) {
		/* Origin-form ("GET / HTTP/1.1") is for origin servers; a
		 * scheme other than http is not ours to speak. */
		const char *colon = memchr(t, ':', n);
		return colon && colon != t && !memchr(t, '/', (size_t)(colon - t)) ? -EPROTOTYPE
										  : -EINVAL;
	}
	t += 7;
	n -= 7;
	size_t a = 0;
	while (a < n && t[a] != '/' && t[a] != '?')
		a++;
	int r2 = parse_authority(t, a, false, r);
	if (r2 < 0)
		return r2;
	r->path = (struct http_span){ t + a, n - a };
	return 0;
}

static int parse_request_line(const char *p, size_t n, struct http_request *r)
{
	size_t i = 0, t0, t1;

	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return -EINVAL;
	r->method = (struct http_span){ p, i };
	r->connect = i == 7 && memcmp(p, "CONNECT", 7) == 0; /* methods are case-sensitive */
	t0 = ++i;
	while (i < n && (unsigned char)p[i] > ' ' && (unsigned char)p[i] < 0x7f)
		i++;
	t1 = i;
	if (t1 == t0 || i >= n || p[i] != ' ')
		return -EINVAL;
	i++;
	if (n - i != 8 || memcmp(p + i, "HTTP/1.", 7) != 0) {
		if (n - i == 8 && memcmp(p + i, "HTTP/", 5) == 0 && p[i + 6] == '.')
			return -EPROTONOSUPPORT;
		return -EINVAL;
	}
	if (p[i + 7] != '0' && p[i + 7] != '1')
		return -EPROTONOSUPPORT;
	r->minor = (unsigned)(p[i + 7] - '0');
	return parse_target(p + t0, t1 - t0, r);
}

static int parse_field(const char *p, size_t n, struct http_header *h)
{
	size_t i = 0;

	if (n > 0 && (p[0] == ' ' || p[0] == '\t'))
		return -EINVAL; /* obs-fold (RFC 9112 §5.2): refused */
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ':')
		return -EINVAL; /* includes "Name :" (RFC 9112 §5.1) */
	h->name = (struct http_span){ p, i };
	i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	size_t end = n;
	while (end > i && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	for (size_t k = i; k < end; k++) {
		unsigned char c = (unsigned char)p[k];
		if ((c < ' ' && c != '\t') || c == 0x7f)
			return -EINVAL;
	}
	h->value = (struct http_span){ p + i, end - i };
	return 0;
}

static int check_fields(const struct http_request *r)
{
	int hosts = 0;
	bool cl = false, te = false;
	struct http_span cl_value = {};

	for (size_t i = 0; i < r->n_headers; i++) {
		const struct http_header *h = &r->headers[i];
		if (span_ieq(h->name, "Host"))
			hosts++;
		else if (span_ieq(h->name, "Transfer-Encoding"))
			te = true;
		else if (span_ieq(h->name, "Content-Length")) {
			if (cl && (cl_value.n != h->value.n ||
				   memcmp(cl_value.p, h->value.p, h->value.n) != 0))
				return -EINVAL;
			cl = true;
			cl_value = h->value;
		}
	}
	/* Two Host fields, or both framings: whoever reads the body next
	 * could split it differently from us (request smuggling). */
	if (hosts > 1 || (cl && te))
		return -EINVAL;
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *ret)
{
	struct http_request r = {};
	size_t pos = 0, end, next;
	bool first = true;
	int k;

	for (;;) {
		k = line_end(buf, len, pos, &end, &next);
		if (k < 0)
			return k;
		if (k == 0)
			return len >= HTTP_HEAD_MAX ? -EMSGSIZE : 0;
		if (next > HTTP_HEAD_MAX)
			return -EMSGSIZE;
		if (first) {
			/* RFC 9112 §2.2: a server SHOULD ignore at least one
			 * empty line before the request line. */
			if (end == pos && pos == 0) {
				pos = next;
				continue;
			}
			k = parse_request_line(buf + pos, end - pos, &r);
			if (k < 0)
				return k;
			first = false;
		} else if (end == pos) {
			break;
		} else {
			if (r.n_headers >= HTTP_HEADERS_MAX)
				return -EMSGSIZE;
			k = parse_field(buf + pos, end - pos, &r.headers[r.n_headers]);
			if (k < 0)
				return k;
			r.n_headers++;
		}
		pos = next;
	}
	k = check_fields(&r);
	if (k < 0)
		return k;
	r.head_len = next;
	*ret = r;
	return (int)next;
}

static bool in_list(struct http_span list, struct http_span name)
{
	size_t i = 0;

	while (i < list.n) {
		while (i < list.n && (list.p[i] == ',' || list.p[i] == ' ' || list.p[i] == '\t'))
			i++;
		size_t s = i;
		while (i < list.n && list.p[i] != ',' && list.p[i] != ' ' && list.p[i] != '\t')
			i++;
		if (i > s && i - s == name.n && strncasecmp(list.p + s, name.p, name.n) == 0)
			return true;
	}
	return false;
}

static bool is_hop_by_hop(const struct http_request *r, struct http_span name)
{
	static const char *const hop[] = {
		"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authorization",
		"Proxy-Authenticate", "TE", "Trailer", "Upgrade", "Host",
	};
	for (size_t i = 0; i < ELEMENTSOF(hop); i++)
		if (span_ieq(name, hop[i]))
			return true;
	for (size_t i = 0; i < r->n_headers; i++)
		if (span_ieq(r->headers[i].name, "Connection") && in_list(r->headers[i].value, name))
			return true;
	return false;
}

void http_rewrite_request(const struct http_request *r, struct strbuf *out)
{
	char auth[HOST_NAME_MAX_LEN + 3];

	strbuf_append(out, r->method.p, r->method.n);
	strbuf_putc(out, ' ');
	if (r->path.n == 0 || r->path.p[0] != '/')
		strbuf_putc(out, '/');
	if (r->path.n > 0)
		strbuf_append(out, r->path.p, r->path.n);
	strbuf_printf(out, " HTTP/1.%u\r\n", r->minor);
	for (size_t i = 0; i < r->n_headers; i++) {
		const struct http_header *h = &r->headers[i];
		if (is_hop_by_hop(r, h->name))
			continue;
		strbuf_append(out, h->name.p, h->name.n);
		strbuf_puts(out, ": ");
		strbuf_append(out, h->value.p, h->value.n);
		strbuf_puts(out, "\r\n");
	}
	strbuf_printf(out, "Host: %s", host_to_authority(&r->host, auth, sizeof(auth)));
	if (r->port != 80)
		strbuf_printf(out, ":%u", (unsigned)r->port);
	strbuf_puts(out, "\r\nConnection: close\r\n\r\n");
}

int http_error_status(int parse_error)
{
	switch (parse_error) {
	case -EMSGSIZE:
		return 431;
	case -EPROTONOSUPPORT:
		return 505;
	default:
		return 400;
	}
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200: return "Connection established";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

void http_proxy_response(int status, const char *proxy_error, const char *body,
			 struct strbuf *out)
{
	strbuf_printf(out, "HTTP/1.1 %d %s\r\n", status, reason_phrase(status));
	if (proxy_error)
		strbuf_printf(out, "x-proxy-error: %s\r\n", proxy_error);
	strbuf_printf(out,
		      "Content-Type: text/plain; charset=utf-8\r\n"
		      "Content-Length: %zu\r\n"
		      "Connection: close\r\n\r\n%s\n",
		      strlen(body) + 1, body);
}
