/* SOCKS5 UDP ASSOCIATE (RFC 1928 §7), with `allow_udp = true`.
 *
 *   command ──datagram──> relay socket           cordon's proxy thread        destination
 *   (sandbox)  + header   127.0.0.1:P in the ──> rules, approver, DNS, ──> up socket (host's
 *                         sandbox's netns        address guard              namespace) ──>
 *            <──────────────────────────────── header + data <───────── only from an open
 *                                                                       destination
 *
 * Each association gets its own relay socket, made inside the sandbox's
 * network namespace by the netns bridge (the proxy's udp_socket hook),
 * and lives as long as its control connection (the TCP connection that
 * asked for it). The relay takes datagrams only from the client: the
 * address and port the request named, or else the sender of the first
 * datagram.
 *
 * Every destination (host, port) is decided once per association, like a
 * connection: the domain rules, then the approver (protocol "udp"), then
 * DNS and the address guard; one line in the events log. An allowed
 * destination is "open" at the one checked address it resolved to:
 * datagrams go there, and only datagrams from there come back (the host
 * side is no open port for anyone to send into the sandbox). Datagrams
 * wait, a few per destination, while it is decided; more are dropped, as
 * UDP may. Fragments (FRAG != 0) are dropped. */
#include <arpa/inet.h>

#include "proxy/proxy_internal.h"
#include "proxy/socks5.h"

/* Concurrent associations per proxy: each one costs a fork to make its
 * relay socket and up to four descriptors. */
#define UDP_MAX_ASSOCS 64
/* Destinations per association. */
#define UDP_MAX_DESTS 256
/* Datagrams held per destination while it is being decided, and bytes
 * held per association in all. */
#define UDP_QUEUE_MAX 8
#define UDP_QUEUE_BYTES (1024 * 1024)
/* Datagrams moved per wakeup before yielding to the other events. */
#define UDP_BATCH 64
#define UDP_DATAGRAM_MAX 65535
#define UDP_BUF_SIZE (SOCKS5_UDP_HEADER_MAX + UDP_DATAGRAM_MAX)

enum dest_state {
	DEST_ASKING,
	DEST_RESOLVING,
	DEST_OPEN,
	DEST_BLOCKED,
};

struct pending {
	struct pending *next;
	size_t len;
	uint8_t data[];
};

struct udp_dest {
	struct udp_assoc *assoc;
	struct host host;
	uint16_t port;
	enum dest_state state;
	const char *rule;
	/* asking */
	struct approval_waiter *waiter;
	enum approval_answer answer;
	bool answer_remembered, answered;
	/* resolving */
	struct evdns_getaddrinfo_request *dns;
	struct evutil_addrinfo *ai;
	int dns_error;
	bool resolved;
	/* open: where datagrams go, and the only source of replies */
	struct sockaddr_storage addr;
	socklen_t addr_len;
	/* datagrams (without header) waiting for the decision */
	struct pending *queue, **queue_tail;
	size_t n_queued;
};

struct udp_assoc {
	struct conn *control;
	int relay_fd;
	int up_fd[2]; /* host side: [0] IPv4, [1] IPv6, made when first needed */
	struct event *ev_relay, *ev_up[2], *ev_step;
	struct sockaddr_in client; /* the client, once known */
	bool client_known;
	struct udp_dest **dests;
	size_t n_dests, cap_dests;
	size_t queued_bytes;
	time_t last_activity;
};

static void touch(struct udp_assoc *a)
{
	struct timeval now;

	event_base_gettimeofday_cached(a->control->proxy->base, &now);
	a->last_activity = now.tv_sec;
}

static void log_dest(struct udp_dest *d, bool allow, const char *reason, const char *address)
{
	struct proxy_event ev = {
		.host = d->host.name,
		.port = d->port,
		.protocol = "udp",
		.allow = allow,
		.rule = d->rule,
		.reason = reason,
		.address = address,
	};
	proxy_events_log(d->assoc->control->proxy->events, &ev);
}

static void drop_queue(struct udp_dest *d)
{
	while (d->queue) {
		struct pending *q = d->queue;
		d->queue = q->next;
		d->assoc->queued_bytes -= q->len;
		free(q);
	}
	d->queue_tail = &d->queue;
	d->n_queued = 0;
}

static void dest_free(struct udp_dest *d)
{
	if (d->dns) {
		/* Its callback runs with EVUTIL_EAI_CANCEL and touches nothing. */
		struct evdns_getaddrinfo_request *r = d->dns;
		d->dns = NULL;
		evdns_getaddrinfo_cancel(r);
	}
	approvals_cancel(d->waiter);
	if (d->ai)
		evutil_freeaddrinfo(d->ai);
	drop_queue(d);
	free(d);
}

static void dest_remove(struct udp_assoc *a, size_t i)
{
	dest_free(a->dests[i]);
	a->dests[i] = a->dests[--a->n_dests];
}

void udp_assoc_free(struct udp_assoc *a)
{
	if (!a)
		return;
	while (a->n_dests)
		dest_remove(a, a->n_dests - 1);
	free(a->dests);
	struct event *evs[] = { a->ev_relay, a->ev_up[0], a->ev_up[1], a->ev_step };
	for (size_t i = 0; i < ELEMENTSOF(evs); i++)
		if (evs[i])
			event_free(evs[i]);
	safe_close(a->relay_fd);
	safe_close(a->up_fd[0]);
	safe_close(a->up_fd[1]);
	a->control->proxy->n_udp--;
	free(a);
}

static bool same_endpoint(const struct sockaddr *x, const struct sockaddr *y)
{
	if (x->sa_family != y->sa_family)
		return false;
	if (x->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)x, *b = (const void *)y;
		return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *a = (const void *)x, *b = (const void *)y;
	return a->sin6_port == b->sin6_port &&
	       memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) == 0;
}

/* Destination -> client: the source's address in the header (RFC 1928:
 * DST.ADDR of a reply is where it came from). */
static void on_up_read(evutil_socket_t fd, short what, void *userdata)
{
	struct udp_assoc *a = userdata;
	uint8_t *buf = a->control->proxy->udp_buf;

	for (int i = 0; i < UDP_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(fd, buf + SOCKS5_UDP_HEADER_MAX, UDP_DATAGRAM_MAX, 0,
				     (struct sockaddr *)&from, &from_len);
		if (n < 0)
			return; /* EAGAIN, or an ICMP error of an earlier send */
		if (!a->client_known)
			continue;
		bool known = false;
		for (size_t j = 0; j < a->n_dests && !known; j++)
			known = a->dests[j]->state == DEST_OPEN &&
				same_endpoint((struct sockaddr *)&a->dests[j]->addr,
					      (struct sockaddr *)&from);
		if (!known)
			continue; /* nobody in the sandbox sent there */
		uint8_t head[SOCKS5_UDP_HEADER_MAX];
		size_t hl = socks5_build_udp_header((struct sockaddr *)&from, head);
		memcpy(buf + SOCKS5_UDP_HEADER_MAX - hl, head, hl);
		(void)sendto(a->relay_fd, buf + SOCKS5_UDP_HEADER_MAX - hl, hl + (size_t)n,
			     MSG_DONTWAIT, (struct sockaddr *)&a->client, sizeof(a->client));
		touch(a);
	}
}

static int up_socket(struct udp_assoc *a, int family)
{
	int i = family == AF_INET ? 0 : 1;

	if (a->up_fd[i] >= 0)
		return a->up_fd[i];
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	a->ev_up[i] = event_new(a->control->proxy->base, fd, EV_READ | EV_PERSIST, on_up_read, a);
	if (!a->ev_up[i] || event_add(a->ev_up[i], NULL) < 0) {
		safe_close(fd);
		return -1;
	}
	a->up_fd[i] = fd;
	return fd;
}

static void send_out(struct udp_dest *d, const uint8_t *data, size_t len)
{
	int fd = up_socket(d->assoc, d->addr.ss_family);

	if (fd >= 0)
		(void)sendto(fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&d->addr, d->addr_len);
}

static void block(struct udp_dest *d, const char *reason, const char *address)
{
	log_dest(d, false, reason, address);
	d->state = DEST_BLOCKED;
	drop_queue(d);
}

static void on_dns(int err, struct evutil_addrinfo *res, void *userdata)
{
	struct udp_dest *d = userdata;

	if (err == EVUTIL_EAI_CANCEL)
		return; /* the destination is being freed */
	d->dns = NULL;
	d->dns_error = err;
	d->ai = res;
	d->resolved = true;
	event_active(d->assoc->ev_step, EV_TIMEOUT, 0);
}

static void resolve(struct udp_dest *d)
{
	d->state = DEST_RESOLVING;
	/* The callback may run before this returns: it only records. */
	struct evdns_getaddrinfo_request *r = proxy_resolve(
		d->assoc->control->proxy, &d->host, d->port, SOCK_DGRAM, on_dns, d);
	if (r && !d->resolved)
		d->dns = r;
}

/* DNS answered: every address must pass the guard (see decide.c), and the
 * first one is the destination for the association's life. Returns false
 * when D was removed (a failed lookup is not remembered: a later datagram
 * asks again). */
static bool resolved(struct udp_assoc *a, size_t i)
{
	struct udp_dest *d = a->dests[i];
	struct evutil_addrinfo *pick = NULL;
	char addr[INET6_ADDRSTRLEN];

	d->resolved = false;
	for (struct evutil_addrinfo *ai = d->ai; ai && !d->dns_error; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (!proxy_address_allowed(a->control->proxy, ai->ai_addr)) {
			proxy_format_address(ai->ai_addr, addr, sizeof(addr));
			block(d, "address", addr);
			return true;
		}
		if (!pick)
			pick = ai;
	}
	if (!pick || pick->ai_addrlen > sizeof(d->addr)) {
		dest_remove(a, i);
		return false;
	}
	memcpy(&d->addr, pick->ai_addr, pick->ai_addrlen);
	d->addr_len = (socklen_t)pick->ai_addrlen;
	evutil_freeaddrinfo(d->ai);
	d->ai = NULL;
	proxy_format_address((struct sockaddr *)&d->addr, addr, sizeof(addr));
	log_dest(d, true,
		 d->rule ? "allowlist" : approval_answer_reason(d->answer, d->answer_remembered),
		 addr);
	d->state = DEST_OPEN;
	for (struct pending *q = d->queue; q; q = q->next)
		send_out(d, q->data, q->len);
	drop_queue(d);
	return true;
}

static void answered(struct udp_dest *d)
{
	d->answered = false;
	if (approval_answer_allows(d->answer))
		resolve(d);
	else
		block(d, approval_answer_reason(d->answer, d->answer_remembered), NULL);
}

static void on_answer(void *userdata, enum approval_answer answer, bool remembered)
{
	struct udp_dest *d = userdata;

	d->waiter = NULL;
	d->answer = answer;
	d->answer_remembered = remembered;
	d->answered = true;
	event_active(d->assoc->ev_step, EV_TIMEOUT, 0);
}

/* Approvals and DNS report here, from the event loop. */
static void on_step(evutil_socket_t fd, short what, void *userdata)
{
	struct udp_assoc *a = userdata;

	for (size_t i = 0; i < a->n_dests;) {
		struct udp_dest *d = a->dests[i];
		if (d->state == DEST_ASKING && d->answered)
			answered(d);
		if (d->state == DEST_RESOLVING && d->resolved && !resolved(a, i))
			continue; /* removed: another one is at I now */
		i++;
	}
}

/* The first datagram to (HOST, PORT): the rules, then maybe the approver. */
static struct udp_dest *dest_new(struct udp_assoc *a, const struct socks5_udp_header *h)
{
	struct proxy *p = a->control->proxy;
	const char *pattern = NULL;

	if (a->n_dests >= UDP_MAX_DESTS)
		return NULL;
	struct udp_dest *d = xcalloc(1, sizeof(*d));
	d->assoc = a;
	d->host = h->host;
	d->port = h->port;
	d->queue_tail = &d->queue;
	GROW(a->dests, a->cap_dests, a->n_dests + 1);
	a->dests[a->n_dests++] = d;

	switch (domain_rules_match(&p->rules, &d->host, &pattern)) {
	case VERDICT_DENY:
		d->rule = pattern;
		block(d, "denylist", NULL);
		return d;
	case VERDICT_ALLOW:
		d->rule = pattern;
		resolve(d);
		return d;
	default:
		break;
	}
	if (p->approvals_mode != APPROVALS_ASK) {
		block(d, "unlisted", NULL);
		return d;
	}
	d->state = DEST_ASKING;
	d->waiter = approvals_ask(p->approvals, d->host.name, "udp", d->port, on_answer, d,
				  &d->answer, &d->answer_remembered);
	if (!d->waiter)
		answered(d);
	return d;
}

static struct udp_dest *dest_find(struct udp_assoc *a, const struct socks5_udp_header *h)
{
	for (size_t i = 0; i < a->n_dests; i++)
		if (a->dests[i]->port == h->port && streq(a->dests[i]->host.name, h->host.name))
			return a->dests[i];
	return NULL;
}

static void enqueue(struct udp_dest *d, const uint8_t *data, size_t len)
{
	if (d->n_queued >= UDP_QUEUE_MAX || d->assoc->queued_bytes + len > UDP_QUEUE_BYTES)
		return;
	d->assoc->queued_bytes += len;
	struct pending *q = xmalloc(sizeof(*q) + len);
	q->next = NULL;
	q->len = len;
	memcpy(q->data, data, len);
	*d->queue_tail = q;
	d->queue_tail = &q->next;
	d->n_queued++;
}

/* Is FROM the client? The request named its address and port, or zeros
 * for "the first sender". */
static bool from_client(struct udp_assoc *a, const struct sockaddr_in *from)
{
	if (a->client_known)
		return from->sin_port == a->client.sin_port &&
		       from->sin_addr.s_addr == a->client.sin_addr.s_addr;
	const struct conn *c = a->control;
	if (c->host.kind == HOST_IPV4 && c->host.v4.s_addr != htonl(INADDR_ANY) &&
	    c->host.v4.s_addr != from->sin_addr.s_addr)
		return false;
	if (c->port != 0 && htons(c->port) != from->sin_port)
		return false;
	a->client = *from;
	a->client_known = true;
	return true;
}

/* Client -> destination. */
static void on_relay_read(evutil_socket_t fd, short what, void *userdata)
{
	struct udp_assoc *a = userdata;
	uint8_t *buf = a->control->proxy->udp_buf;

	for (int i = 0; i < UDP_BATCH; i++) {
		struct sockaddr_in from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, UDP_BUF_SIZE, 0, (struct sockaddr *)&from, &from_len);
		if (n < 0)
			return;
		if (from_len != sizeof(from) || from.sin_family != AF_INET || !from_client(a, &from))
			continue;
		struct socks5_udp_header h;
		int hl = socks5_parse_udp_header(buf, (size_t)n, &h);
		if (hl <= 0 || h.frag != 0)
			continue;
		touch(a);
		struct udp_dest *d = dest_find(a, &h);
		if (!d)
			d = dest_new(a, &h);
		if (!d)
			continue;
		const uint8_t *data = buf + hl;
		size_t len = (size_t)n - (size_t)hl;
		if (d->state == DEST_OPEN)
			send_out(d, data, len);
		else if (d->state != DEST_BLOCKED)
			enqueue(d, data, len);
	}
}

static void fail(struct conn *c, enum socks5_reply rep)
{
	conn_fail(c, 502, NULL, "UDP ASSOCIATE", rep);
}

void udp_assoc_start(struct conn *c)
{
	struct proxy *p = c->proxy;
	struct sockaddr_in bound;
	socklen_t len = sizeof(bound);
	uint8_t reply[SOCKS5_REPLY_LEN];
	int fd = -1;

	if (!p->allow_udp) {
		conn_fail(c, 403, NULL, "UDP ASSOCIATE", SOCKS5_NOT_ALLOWED);
		return;
	}
	/* The client says where it will send from: only IPv4 can be the
	 * sandbox's loopback, where the relay is; "::" means "not known". */
	if (c->host.kind == HOST_IPV6 && IN6_IS_ADDR_UNSPECIFIED(&c->host.v6)) {
		c->host.kind = HOST_IPV4;
		c->host.v4.s_addr = htonl(INADDR_ANY);
	}
	if (c->host.kind != HOST_IPV4) {
		fail(c, SOCKS5_ADDRESS_NOT_SUPPORTED);
		return;
	}
	if (!p->udp_socket || p->n_udp >= UDP_MAX_ASSOCS) {
		fail(c, SOCKS5_GENERAL_FAILURE);
		return;
	}
	if (!p->udp_buf)
		p->udp_buf = xmalloc(UDP_BUF_SIZE);
	if (p->udp_socket(p->udp_userdata, &fd) < 0 ||
	    getsockname(fd, (struct sockaddr *)&bound, &len) < 0 || bound.sin_family != AF_INET) {
		safe_close(fd);
		fail(c, SOCKS5_GENERAL_FAILURE);
		return;
	}

	struct udp_assoc *a = xcalloc(1, sizeof(*a));
	a->control = c;
	a->relay_fd = fd;
	a->up_fd[0] = a->up_fd[1] = -1;
	p->n_udp++;
	c->udp = a;
	a->ev_relay = event_new(p->base, fd, EV_READ | EV_PERSIST, on_relay_read, a);
	a->ev_step = event_new(p->base, -1, 0, on_step, a);
	socks5_build_reply_bound(SOCKS5_OK, bound.sin_addr.s_addr, ntohs(bound.sin_port), reply);
	if (!a->ev_relay || !a->ev_step || event_add(a->ev_relay, NULL) < 0 ||
	    send(c->cfd, reply, sizeof(reply), MSG_NOSIGNAL | MSG_DONTWAIT) != sizeof(reply)) {
		conn_free(c);
		return;
	}
	free(c->in);
	c->in = NULL;
	c->in_len = 0;
	c->state = STATE_UDP;
	touch(a);
	conn_set_deadline(c, PROXY_TIMEOUT_IDLE);
	event_add(c->ev_cread, NULL);
}

void udp_assoc_control_read(struct conn *c)
{
	char buf[512];
	ssize_t n = read(c->cfd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_free(c); /* RFC 1928: the association ends with it */
		return;
	}
	event_add(c->ev_cread, NULL);
}

void udp_assoc_check_idle(struct conn *c, time_t now)
{
	time_t idle = now - c->udp->last_activity;

	if (idle >= PROXY_TIMEOUT_IDLE) {
		conn_free(c);
		return;
	}
	conn_set_deadline(c, (int)(PROXY_TIMEOUT_IDLE - idle));
}
