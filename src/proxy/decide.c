/* What happens to a request once its destination is known: the domain
 * rules, then the approver for hosts on neither list, then DNS and the
 * address guard; every outcome is one line in the events log. */
#include <arpa/inet.h>

#include "proxy/addr_class.h"
#include "proxy/http_parse.h"
#include "proxy/proxy_internal.h"
#include "proxy/socks5.h"

static void log_decision(struct conn *c, bool allow, const char *reason, const char *address)
{
	struct proxy_event ev = {
		.host = c->host.name,
		.port = c->port,
		.protocol = c->protocol,
		.allow = allow,
		.rule = c->rule,
		.reason = reason,
		.address = address,
	};
	proxy_events_log(c->proxy->events, &ev);
}

void conn_answer_step(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->cfd, c->out.s + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			event_add(c->ev_cwrite, NULL);
			return;
		}
		if (n <= 0) {
			conn_free(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	/* Written. Close gracefully: a close() with unread request bytes
	 * (a body we did not want) sends a RST that can destroy the answer
	 * before the client read it, so shut down our side and drain. */
	(void)shutdown(c->cfd, SHUT_WR);
	c->state = STATE_LINGER;
	conn_set_deadline(c, PROXY_TIMEOUT_LINGER);
	event_del(c->ev_cwrite);
	event_add(c->ev_cread, NULL);
}

void conn_fail(struct conn *c, int status, const char *proxy_error, const char *body,
	       int socks_reply)
{
	if (c->front == FRONT_HTTP) {
		http_proxy_response(status, proxy_error, body, &c->out);
	} else {
		uint8_t rep[SOCKS5_REPLY_LEN];
		socks5_build_reply(socks_reply > 0 ? (enum socks5_reply)socks_reply
						   : SOCKS5_GENERAL_FAILURE,
				   rep);
		strbuf_append(&c->out, (const char *)rep, sizeof(rep));
	}
	/* Whatever was going on stops: no more reads, no upstream. */
	if (c->ev_uread)
		event_del(c->ev_uread);
	if (c->ev_uwrite)
		event_del(c->ev_uwrite);
	c->ufd = safe_close(c->ufd);
	event_del(c->ev_cread);
	c->state = STATE_ANSWERING;
	conn_set_deadline(c, PROXY_TIMEOUT_LINGER);
	conn_answer_step(c);
}

static void block(struct conn *c, const char *proxy_error, const char *reason,
		  const char *address)
{
	char body[512];

	log_decision(c, false, reason, address);
	snprintf(body, sizeof(body), "cordon: %s:%u %s", c->host.name, (unsigned)c->port,
		 streq(proxy_error, "blocked-by-denylist")    ? "is denied by the profile"
		 : streq(proxy_error, "blocked-by-allowlist") ? "is not on the profile's allow list"
		 : streq(proxy_error, "blocked-by-approval")  ? "was not approved"
							      : "resolves to a local or private address");
	conn_fail(c, 403, proxy_error, body, SOCKS5_NOT_ALLOWED);
}

static void on_dns(int err, struct evutil_addrinfo *res, void *userdata)
{
	struct conn *c = userdata;

	if (err == EVUTIL_EAI_CANCEL)
		return; /* the connection is being freed: do not touch it */
	c->dns = NULL;
	c->dns_error = err;
	c->ai = res;
	conn_schedule(c);
}

struct evdns_getaddrinfo_request *proxy_resolve(struct proxy *p, const struct host *h,
						uint16_t port, int socktype,
						evdns_getaddrinfo_cb cb, void *userdata)
{
	struct evutil_addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = socktype,
		.ai_protocol = socktype == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP,
		.ai_flags = EVUTIL_AI_ADDRCONFIG,
	};
	char service[8];

	snprintf(service, sizeof(service), "%u", (unsigned)port);
	if (h->kind != HOST_NAME)
		hints.ai_flags |= EVUTIL_AI_NUMERICHOST;
	return evdns_getaddrinfo(p->dns, h->name, service, &hints, cb, userdata);
}

static void resolve(struct conn *c)
{
	c->state = STATE_RESOLVING;
	conn_set_deadline(c, PROXY_TIMEOUT_CONNECT_ALL);
	c->connect_deadline = c->deadline;
	/* The callback may run before this returns (an IP literal, a
	 * hosts-file name): it only records the result and schedules. */
	struct evdns_getaddrinfo_request *r =
		proxy_resolve(c->proxy, &c->host, c->port, SOCK_STREAM, on_dns, c);
	if (r && !c->ai && !c->dns_error)
		c->dns = r;
}

bool proxy_address_allowed(const struct proxy *p, const struct sockaddr *sa)
{
	if (p->allow_local_binding)
		return true;
	if (addr_classify(sa) == ADDR_PUBLIC)
		return true;
	return domain_rules_allows_address(&p->rules, sa);
}

void proxy_format_address(const struct sockaddr *sa, char *buf, size_t size)
{
	const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
						 : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* DNS answered. Every address must pass the guard, not just one: an
 * answer that mixes a public and a private address is how DNS rebinding
 * reaches the local network. The addresses checked are the very ones
 * connected to; there is no second lookup. */
static void resolved(struct conn *c)
{
	char addr[INET6_ADDRSTRLEN];

	if (c->dns_error || !c->ai) {
		conn_fail(c, 502, "dns-failure", "cordon: the host name could not be resolved",
			  SOCKS5_HOST_UNREACHABLE);
		return;
	}
	for (struct evutil_addrinfo *ai = c->ai; ai; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (!proxy_address_allowed(c->proxy, ai->ai_addr)) {
			proxy_format_address(ai->ai_addr, addr, sizeof(addr));
			block(c, "blocked-by-address", "address", addr);
			return;
		}
	}
	proxy_format_address(c->ai->ai_addr, addr, sizeof(addr));
	log_decision(c, true,
		     c->rule ? "allowlist" : approval_answer_reason(c->answer, c->answer_remembered),
		     addr);
	c->ai_next = c->ai;
	c->state = STATE_CONNECTING;
	upstream_connect_next(c);
}

static void on_answer(void *userdata, enum approval_answer answer, bool remembered)
{
	struct conn *c = userdata;

	c->waiter = NULL;
	c->answer = answer;
	c->answer_remembered = remembered;
	conn_schedule(c);
}

static void answered(struct conn *c)
{
	if (approval_answer_allows(c->answer)) {
		resolve(c);
		return;
	}
	block(c, "blocked-by-approval", approval_answer_reason(c->answer, c->answer_remembered),
	      NULL);
}

void decide_start(struct conn *c)
{
	struct proxy *p = c->proxy;
	const char *pattern = NULL;

	event_del(c->ev_cread);
	switch (domain_rules_match(&p->rules, &c->host, &pattern)) {
	case VERDICT_DENY:
		c->rule = pattern;
		block(c, "blocked-by-denylist", "denylist", NULL);
		return;
	case VERDICT_ALLOW:
		c->rule = pattern;
		resolve(c);
		return;
	default:
		break;
	}
	if (p->approvals_mode != APPROVALS_ASK) {
		block(c, "blocked-by-allowlist", "unlisted", NULL);
		return;
	}
	c->state = STATE_ASKING;
	/* The approver's own timeout answers first; this is a backstop. */
	conn_set_deadline(c, APPROVAL_TIMEOUT_SECONDS + 10);
	c->waiter = approvals_ask(p->approvals, c->host.name, c->protocol, c->port, on_answer, c,
				  &c->answer, &c->answer_remembered);
	if (!c->waiter)
		answered(c);
}

void decide_step(struct conn *c)
{
	switch (c->state) {
	case STATE_ASKING:
		answered(c);
		break;
	case STATE_RESOLVING:
		resolved(c);
		break;
	default:
		break;
	}
}
