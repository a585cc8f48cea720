/* The proxy object, its thread and event loop, and accepting: each
 * accepted connection becomes a `struct conn` driven by the events below. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/resource.h>

#include "proxy/proxy_internal.h"

/* Two distinct ports in the default ephemeral range (32768-60999): any
 * port is free in the sandbox's fresh network namespace, so they are
 * chosen before the launch and the environment can name them. Random, so
 * that a command cannot count on finding the proxy at a fixed place and
 * is unlikely to want the same port for a server of its own. */
static void pick_ports(uint16_t *http, uint16_t *socks)
{
	uint32_t r[2] = { 0, 0 };

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != sizeof(r)) {
		r[0] = (uint32_t)getpid() * 2654435761u;
		r[1] = r[0] >> 7;
	}
	*http = (uint16_t)(32768 + r[0] % (61000 - 32768));
	do {
		*socks = (uint16_t)(32768 + r[1] % (61000 - 32768));
		r[1] += 7919;
	} while (*socks == *http);
}

uint16_t proxy_http_port(const struct proxy *p)
{
	return p->http_port;
}

uint16_t proxy_socks_port(const struct proxy *p)
{
	return p->socks_port;
}

void proxy_set_udp_socket(struct proxy *p, int (*fn)(void *userdata, int *ret_fd),
			  void *userdata)
{
	p->udp_socket = fn;
	p->udp_userdata = userdata;
}

int proxy_new(const struct proxy_config *c, struct proxy **ret, struct error *reterr)
{
	struct proxy *p = xcalloc(1, sizeof(*p));
	struct approver_options ao = c->approver;
	int r;

	p->stop_pipe[0] = p->stop_pipe[1] = -1;
	p->approvals_mode = c->network->approvals;
	p->allow_local_binding = c->network->allow_local_binding;
	p->allow_udp = c->network->allow_udp;
	r = domain_rules_compile(c->network->domains, c->network->n_domains, &p->rules, reterr);
	if (r < 0) {
		safe_close(ao.fd);
		goto fail;
	}
	if (p->approvals_mode != APPROVALS_ASK) {
		/* Nothing is ever asked: do not open a terminal for nothing. */
		ao.fd = safe_close(ao.fd);
		ao.kind = APPROVER_NONE;
	}
	r = approvals_new(&ao, &p->approvals, reterr);
	if (r < 0)
		goto fail;
	if (c->events_file) {
		r = proxy_events_open(c->events_file, &p->events, reterr);
		if (r < 0)
			goto fail;
	}
	pick_ports(&p->http_port, &p->socks_port);
	*ret = p;
	return 0;
fail:
	proxy_free(p);
	return r;
}

static void on_stop(evutil_socket_t fd, short what, void *userdata)
{
	struct proxy *p = userdata;
	char b[16];

	(void)!read(fd, b, sizeof(b));
	event_base_loopbreak(p->base);
}

static void *proxy_thread(void *userdata)
{
	struct proxy *p = userdata;
	sigset_t s;

	/* A write to a connection the peer has reset raises SIGPIPE in the
	 * writing thread; send() says MSG_NOSIGNAL, splice(2) cannot. */
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	event_base_dispatch(p->base);
	return NULL;
}

void conn_free(struct conn *c)
{
	struct proxy *p = c->proxy;

	if (c->dns) {
		/* Its callback runs with EVUTIL_EAI_CANCEL and touches nothing. */
		struct evdns_getaddrinfo_request *d = c->dns;
		c->dns = NULL;
		evdns_getaddrinfo_cancel(d);
	}
	approvals_cancel(c->waiter);
	udp_assoc_free(c->udp);
	struct event *evs[] = { c->ev_cread, c->ev_cwrite, c->ev_uread,
				c->ev_uwrite, c->ev_timer, c->ev_step };
	for (size_t i = 0; i < ELEMENTSOF(evs); i++)
		if (evs[i])
			event_free(evs[i]);
	for (int d = 0; d < 2; d++) {
		safe_close(c->half[d].pipe[0]);
		safe_close(c->half[d].pipe[1]);
		free(c->half[d].pre);
	}
	safe_close(c->cfd);
	safe_close(c->ufd);
	if (c->ai)
		evutil_freeaddrinfo(c->ai);
	free(c->in);
	free(c->to_upstream);
	strbuf_free(&c->out);
	if (c->prev)
		c->prev->next = c->next;
	else
		p->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	p->n_conns--;
	free(c);
}

void conn_set_deadline(struct conn *c, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };
	struct timeval now;

	event_base_gettimeofday_cached(c->proxy->base, &now);
	c->deadline = seconds ? now.tv_sec + seconds : 0;
	if (seconds)
		evtimer_add(c->ev_timer, &tv);
	else
		evtimer_del(c->ev_timer);
}

void conn_schedule(struct conn *c)
{
	event_active(c->ev_step, EV_TIMEOUT, 0);
}

static void on_step(evutil_socket_t fd, short what, void *userdata)
{
	decide_step(userdata);
}

static void on_timer(evutil_socket_t fd, short what, void *userdata)
{
	struct conn *c = userdata;
	struct timeval now;

	event_base_gettimeofday_cached(c->proxy->base, &now);
	switch (c->state) {
	case STATE_HEAD:
		conn_fail(c, 408, "timeout", "the request head did not arrive in time", -1);
		break;
	case STATE_RELAY:
		relay_check_idle(c, now.tv_sec);
		break;
	case STATE_CONNECTING:
		upstream_timeout(c);
		break;
	case STATE_RESOLVING:
	case STATE_ASKING:
		/* The per-address connect timer lives in upstream.c; this is
		 * the bound on the whole attempt. */
		conn_fail(c, 504, "timeout", "the destination did not answer in time", 4);
		break;
	case STATE_UDP:
		udp_assoc_check_idle(c, now.tv_sec);
		break;
	case STATE_ANSWERING:
	case STATE_LINGER:
		conn_free(c);
		break;
	}
}

static void on_cread(evutil_socket_t fd, short what, void *userdata)
{
	struct conn *c = userdata;

	switch (c->state) {
	case STATE_HEAD:
		if (c->front == FRONT_HTTP)
			front_http_read(c);
		else
			front_socks_read(c);
		break;
	case STATE_RELAY:
		relay_pump(c, 0);
		break;
	case STATE_UDP:
		udp_assoc_control_read(c);
		break;
	case STATE_LINGER: {
		char buf[4096];
		ssize_t n = read(c->cfd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			conn_free(c);
		else
			event_add(c->ev_cread, NULL);
		break;
	}
	default:
		break;
	}
}

static void on_cwrite(evutil_socket_t fd, short what, void *userdata)
{
	struct conn *c = userdata;

	if (c->state == STATE_ANSWERING)
		conn_answer_step(c);
	else if (c->state == STATE_RELAY)
		relay_pump(c, 1);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *userdata)
{
	struct proxy *p = userdata;
	enum front front = l == p->listeners[FRONT_HTTP] ? FRONT_HTTP : FRONT_SOCKS;
	struct conn *c = xcalloc(1, sizeof(*c));

	c->proxy = p;
	c->front = front;
	c->cfd = fd;
	c->ufd = -1;
	c->dns_error = 0;
	for (int d = 0; d < 2; d++)
		c->half[d].pipe[0] = c->half[d].pipe[1] = -1;
	c->in = xmalloc(HTTP_HEAD_MAX + 1);
	c->ev_cread = event_new(p->base, fd, EV_READ, on_cread, c);
	c->ev_cwrite = event_new(p->base, fd, EV_WRITE, on_cwrite, c);
	c->ev_timer = evtimer_new(p->base, on_timer, c);
	c->ev_step = event_new(p->base, -1, 0, on_step, c);
	c->next = p->conns;
	if (p->conns)
		p->conns->prev = c;
	p->conns = c;
	p->n_conns++;
	if (!c->ev_cread || !c->ev_cwrite || !c->ev_timer || !c->ev_step) {
		conn_free(c);
		return;
	}
	c->state = STATE_HEAD;
	conn_set_deadline(c, PROXY_TIMEOUT_HEAD);
	event_add(c->ev_cread, NULL);
}

static void on_resume(evutil_socket_t fd, short what, void *userdata)
{
	struct proxy *p = userdata;

	for (int i = 0; i < 2; i++)
		if (p->listeners[i])
			evconnlistener_enable(p->listeners[i]);
}

/* Out of descriptors (EMFILE/ENFILE): the pending connection stays in the
 * backlog and would wake the loop at once, forever. Pause accepting for a
 * moment; closing connections frees descriptors meanwhile. */
static void on_accept_error(struct evconnlistener *l, void *userdata)
{
	struct proxy *p = userdata;
	struct timeval tv = { .tv_usec = 100 * 1000 };
	int e = EVUTIL_SOCKET_ERROR();

	if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
		return;
	for (int i = 0; i < 2; i++)
		if (p->listeners[i])
			evconnlistener_disable(p->listeners[i]);
	evtimer_add(p->ev_resume, &tv);
}

static void halt(struct proxy *p)
{
	if (p->running) {
		(void)!write(p->stop_pipe[1], "x", 1);
		pthread_join(p->thread, NULL);
		p->running = false;
	}
	while (p->conns)
		conn_free(p->conns);
	for (int i = 0; i < 2; i++)
		if (p->listeners[i]) {
			evconnlistener_free(p->listeners[i]);
			p->listeners[i] = NULL;
		}
}

/* The proxy serves many connections at once: 4 to 6 descriptors each
 * (two sockets, two pipes). The soft limit goes up to the hard one; the
 * sandbox was forked before this runs and keeps the limit it had. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

void proxy_stop(struct proxy *p)
{
	halt(p);
}

static int setup_base(struct proxy *p, struct error *reterr)
{
	if (p->base)
		return 0;
	p->base = event_base_new();
	if (!p->base)
		return error_setf_errno(reterr, -ENOMEM, NULL, 0, 0, "proxy: event_base_new failed");
	/* The host's resolver configuration (/etc/resolv.conf, /etc/hosts):
	 * names are resolved here, outside, never in the sandbox. */
	p->dns = evdns_base_new(p->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
						 EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (!p->dns)
		p->dns = evdns_base_new(p->base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (!p->dns)
		return error_setf_errno(reterr, -ENOMEM, NULL, 0, 0, "proxy: evdns_base_new failed");
	(void)evdns_base_set_option(p->dns, "timeout:", "5");
	(void)evdns_base_set_option(p->dns, "attempts:", "2");
	if (pipe2(p->stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "proxy: pipe: %s",
					strerror(errno));
	p->ev_stop = event_new(p->base, p->stop_pipe[0], EV_READ | EV_PERSIST, on_stop, p);
	p->ev_resume = evtimer_new(p->base, on_resume, p);
	if (!p->ev_stop || !p->ev_resume || event_add(p->ev_stop, NULL) < 0)
		return error_setf_errno(reterr, -ENOMEM, NULL, 0, 0, "proxy: event_new failed");
	if (approvals_attach(p->approvals, p->base) < 0)
		return error_setf_errno(reterr, -ENOMEM, NULL, 0, 0, "proxy: approver events");
	raise_nofile();
	return 0;
}

int proxy_start(struct proxy *p, int http_fd, int socks_fd, struct error *reterr)
{
	int fds[2] = { http_fd, socks_fd };
	int r;

	halt(p);
	r = setup_base(p, reterr);
	if (r < 0)
		goto fail;
	for (int i = 0; i < 2; i++) {
		p->listeners[i] = evconnlistener_new(p->base, on_accept, p,
						     LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
						     -1, fds[i]);
		if (!p->listeners[i]) {
			r = error_setf_errno(reterr, -ENOMEM, NULL, 0, 0,
					     "proxy: cannot listen on the bridge socket");
			goto fail;
		}
		fds[i] = -1;
		evconnlistener_set_error_cb(p->listeners[i], on_accept_error);
	}
	r = pthread_create(&p->thread, NULL, proxy_thread, p);
	if (r != 0) {
		r = error_setf_errno(reterr, -r, NULL, 0, 0, "proxy: pthread_create: %s",
				     strerror(r));
		goto fail;
	}
	p->running = true;
	return 0;
fail:
	safe_close(fds[0]);
	safe_close(fds[1]);
	halt(p);
	return r;
}

void proxy_free(struct proxy *p)
{
	if (!p)
		return;
	halt(p);
	approvals_free(p->approvals);
	if (p->ev_stop)
		event_free(p->ev_stop);
	if (p->ev_resume)
		event_free(p->ev_resume);
	if (p->dns)
		evdns_base_free(p->dns, 0);
	if (p->base)
		event_base_free(p->base);
	safe_close(p->stop_pipe[0]);
	safe_close(p->stop_pipe[1]);
	proxy_events_close(p->events);
	domain_rules_done(&p->rules);
	free(p->udp_buf);
	free(p);
}
