/* Shared by the proxy's parts; not for use outside src/proxy. */
#pragma once

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <pthread.h>
#include <sys/socket.h>

#include "proxy/approvals.h"
#include "proxy/domains.h"
#include "proxy/events.h"
#include "proxy/host.h"
#include "proxy/http_parse.h"
#include "proxy/proxy.h"
#include "util/strbuf.h"

/* Seconds. The head of a request (or the SOCKS handshake) must arrive
 * whole within HEAD; an established relay with no byte in either
 * direction for IDLE is closed, and one whose first direction has ended
 * for HALF_OPEN; each upstream address gets CONNECT_ONE, all of them
 * CONNECT_ALL (DNS included); an answer is written and the connection
 * drained for LINGER before it is closed. */
#define PROXY_TIMEOUT_HEAD        30
#define PROXY_TIMEOUT_IDLE        600
#define PROXY_TIMEOUT_HALF_OPEN   60
#define PROXY_TIMEOUT_CONNECT_ONE 10
#define PROXY_TIMEOUT_CONNECT_ALL 30
#define PROXY_TIMEOUT_LINGER      2
/* Each direction of a relay buffers at most this much (a pipe). */
#define PROXY_PIPE_SIZE (1024 * 1024)

enum front {
	FRONT_HTTP,
	FRONT_SOCKS,
};

enum conn_state {
	STATE_HEAD,       /* reading the request head / SOCKS handshake */
	STATE_ASKING,     /* waiting for the approver */
	STATE_RESOLVING,  /* waiting for DNS */
	STATE_CONNECTING, /* waiting for the upstream TCP handshake */
	STATE_RELAY,
	STATE_ANSWERING,  /* writing the proxy's own error answer */
	STATE_LINGER,     /* answer written: draining the client before close */
	STATE_UDP,        /* the control connection of a SOCKS5 UDP association */
};

/* One direction of a relay: bytes read from SRC are spliced into a pipe
 * and from there to DST, so they never cross into user space; PRE is sent
 * before them (a rewritten head, or the proxy's own reply). */
struct half {
	int pipe[2];
	size_t in_pipe;
	char *pre;
	size_t pre_len, pre_off;
	bool eof;  /* SRC ended */
	bool done; /* DST shut down for writing */
};

struct conn {
	struct proxy *proxy;
	struct conn *prev, *next;
	enum front front;
	enum conn_state state;
	int cfd, ufd;
	struct event *ev_cread, *ev_cwrite, *ev_uread, *ev_uwrite;
	struct event *ev_timer, *ev_step;
	time_t deadline;      /* of the current state; 0 = none */
	time_t last_activity; /* relay */

	/* the request */
	uint8_t *in;          /* HTTP_HEAD_MAX bytes while reading the head */
	size_t in_len;
	bool socks_greeted;
	const char *protocol; /* "http", "connect", "socks5" */
	struct host host;
	uint16_t port;
	char *to_upstream;    /* rewritten head and early bytes */
	size_t to_upstream_len;

	/* deciding and connecting */
	const char *rule;
	struct approval_waiter *waiter;
	enum approval_answer answer;
	bool answer_remembered;
	struct evdns_getaddrinfo_request *dns;
	struct evutil_addrinfo *ai;   /* owned: every address passed the guard */
	struct evutil_addrinfo *ai_next;
	int dns_error;
	int connect_errno;
	time_t connect_deadline;
	char address[64];             /* the address being connected to */

	/* answering */
	struct strbuf out;
	size_t out_off;

	struct half half[2]; /* [0] client -> upstream, [1] upstream -> client */

	struct udp_assoc *udp; /* STATE_UDP */
};

struct proxy {
	struct domain_rules rules;
	enum approvals approvals_mode;
	bool allow_local_binding;
	bool allow_udp;
	struct approver *approvals;
	struct proxy_events *events;
	uint16_t http_port, socks_port;

	struct event_base *base;
	struct evdns_base *dns;
	struct evconnlistener *listeners[2]; /* FRONT_HTTP, FRONT_SOCKS */
	struct event *ev_stop, *ev_resume;
	int stop_pipe[2];
	pthread_t thread;
	bool running;
	struct conn *conns;
	size_t n_conns;

	/* UDP ASSOCIATE: makes the relay's socket in the sandbox (NULL:
	 * none can be made, and UDP ASSOCIATE fails). */
	int (*udp_socket)(void *userdata, int *ret_fd);
	void *udp_userdata;
	size_t n_udp;
	uint8_t *udp_buf; /* one datagram and its header, in and out */
};

/* listener.c */
void conn_free(struct conn *c);
void conn_set_deadline(struct conn *c, int seconds);
/* Runs the connection's next step from the event loop (never from inside
 * a callback of approvals or DNS, whose callers do not expect it). */
void conn_schedule(struct conn *c);

/* front_http.c, front_socks.c: the request head */
void front_http_read(struct conn *c);
void front_socks_read(struct conn *c);

/* decide.c: rules, approvals, events, DNS, the address guard */
void decide_start(struct conn *c);
void decide_step(struct conn *c);
/* Answers the client with the proxy's own error and closes. HTTP gets
 * STATUS with an x-proxy-error field PROXY_ERROR and BODY; SOCKS gets
 * SOCKS_REPLY. */
void conn_fail(struct conn *c, int status, const char *proxy_error, const char *body,
	       int socks_reply);
void conn_answer_step(struct conn *c);

/* Looks up H (port PORT, SOCK_STREAM or SOCK_DGRAM) with the proxy's
 * resolver; an IP literal is answered at once, from inside the call. */
struct evdns_getaddrinfo_request *proxy_resolve(struct proxy *p, const struct host *h,
						uint16_t port, int socktype,
						evdns_getaddrinfo_cb cb, void *userdata);
/* The address guard (README, "Safety rules"), and an address for a
 * message or the events log. */
bool proxy_address_allowed(const struct proxy *p, const struct sockaddr *sa);
void proxy_format_address(const struct sockaddr *sa, char *buf, size_t size);

/* udp_relay.c: SOCKS5 UDP ASSOCIATE. C is the control connection, its
 * request parsed (c->host and c->port: where the client will send from,
 * or 0.0.0.0:0). Answers the client; C then stays in STATE_UDP for as
 * long as the association lives, which is until C closes. */
void udp_assoc_start(struct conn *c);
void udp_assoc_free(struct udp_assoc *a);
/* The control connection has data or an end: the data is ignored, the
 * end ends the association. */
void udp_assoc_control_read(struct conn *c);
void udp_assoc_check_idle(struct conn *c, time_t now);

/* upstream.c */
/* Connects to the next address of c->ai_next (each already checked), and
 * starts the relay once one answers; after the last, fails the request. */
void upstream_connect_next(struct conn *c);
void upstream_timeout(struct conn *c);

/* relay.c */
int relay_start(struct conn *c);
/* Moves what it can in direction DIR; false when the connection is gone. */
bool relay_pump(struct conn *c, int dir);
void relay_check_idle(struct conn *c, time_t now);
