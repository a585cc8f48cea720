/* Two approvers: JSON lines over one descriptor (a program), and a prompt
 * on the terminal (a person), one question at a time. */
#include <event2/event.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <sys/socket.h>

#include "proxy/approvals.h"

#define LINE_MAX_BYTES 65536

struct approval_waiter {
	struct question *q;
	approval_cb cb;
	void *userdata;
	struct approval_waiter *next;
};

struct question {
	struct approver *a;
	uint64_t id;
	char *host;
	char *protocol;
	uint16_t port;
	bool shown; /* tty: on the screen now; json: sent */
	struct event *timer;
	struct approval_waiter *waiters;
	struct question *next;
};

struct remembered {
	char *host;
	char *protocol;
	uint16_t port;
	enum approval_answer answer;
};

struct approver {
	enum approver_kind kind;
	int fd;
	bool closed; /* the channel is gone: deny from now on */
	char *command;
	unsigned timeout;
	struct event_base *base;
	struct event *ev_read;
	struct event *ev_closed;
	char *in;
	size_t in_len;
	uint64_t next_id;
	struct question *questions; /* oldest first */
	struct remembered *memory;
	size_t n_memory, cap_memory;
};

static const char *const reasons[_APPROVAL_ANSWER_MAX] = {
	[ANSWER_DENY] = "approval-deny",
	[ANSWER_ALLOW_ONCE] = "approval-once",
	[ANSWER_ALLOW_SESSION] = "approval-session",
	[ANSWER_TIMEOUT] = "approval-timeout",
	[ANSWER_NO_APPROVER] = "no-approver",
};

const char *approval_answer_reason(enum approval_answer a, bool remembered)
{
	if (remembered)
		return a == ANSWER_ALLOW_SESSION ? "approval-session-remembered"
						 : "approval-deny-remembered";
	return a >= 0 && a < _APPROVAL_ANSWER_MAX ? reasons[a] : "invalid";
}

int approvals_new(const struct approver_options *o, struct approver **ret,
		  struct error *reterr)
{
	struct approver *a = xcalloc(1, sizeof(*a));

	a->kind = o->kind;
	a->fd = o->fd;
	a->command = xstrdup(o->command ? o->command : "");
	a->timeout = o->timeout ? o->timeout : APPROVAL_TIMEOUT_SECONDS;
	a->in = xmalloc(LINE_MAX_BYTES);
	if (a->kind == APPROVER_TTY) {
		a->fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (a->fd < 0) {
			int r = -errno;
			approvals_free(a);
			return error_setf_errno(reterr, r, NULL, 0, 0,
						"--approver tty: cannot open /dev/tty: %s",
						strerror(-r));
		}
	}
	if (a->fd >= 0) {
		/* The descriptor came from our caller: it must not leak into
		 * the sandbox (bwrap_launch closes the rest, but a builtin
		 * launcher may not) and must never block the event loop. */
		(void)fcntl(a->fd, F_SETFD, FD_CLOEXEC);
		(void)fcntl(a->fd, F_SETFL, fcntl(a->fd, F_GETFL) | O_NONBLOCK);
	}
	*ret = a;
	return 0;
}

static void question_free(struct question *q)
{
	if (q->timer)
		event_free(q->timer);
	free(q->host);
	free(q->protocol);
	free(q);
}

static void unlink_question(struct question *q)
{
	for (struct question **p = &q->a->questions; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

static void show_next(struct approver *a);

/* Every waiter gets the answer; the question goes. */
static void answer_question(struct question *q, enum approval_answer ans)
{
	struct approver *a = q->a;
	struct approval_waiter *w = q->waiters;

	if (ans == ANSWER_ALLOW_SESSION || ans == ANSWER_DENY) {
		GROW(a->memory, a->cap_memory, a->n_memory + 1);
		a->memory[a->n_memory++] = (struct remembered){
			.host = xstrdup(q->host),
			.protocol = xstrdup(q->protocol),
			.port = q->port,
			.answer = ans,
		};
	}
	unlink_question(q);
	q->waiters = NULL;
	while (w) {
		struct approval_waiter *next = w->next;
		w->cb(w->userdata, ans, false);
		free(w);
		w = next;
	}
	question_free(q);
	show_next(a);
}

/* The channel is gone. Its questions are answered (deny) from the event
 * loop, never from inside approvals_ask(), whose caller does not expect
 * its callback before the call returns. */
static void mark_closed(struct approver *a)
{
	if (a->closed)
		return;
	a->closed = true;
	if (a->ev_read)
		event_del(a->ev_read);
	if (a->ev_closed)
		event_active(a->ev_closed, EV_TIMEOUT, 0);
}

static void write_all(struct approver *a, const char *s, size_t n)
{
	while (n > 0 && !a->closed) {
		/* MSG_NOSIGNAL: a dead approver must not kill cordon with
		 * SIGPIPE. A terminal is not a socket: plain write. */
		ssize_t w = a->kind == APPROVER_JSON ? send(a->fd, s, n, MSG_NOSIGNAL) : -1;
		if (w < 0 && (a->kind != APPROVER_JSON || errno == ENOTSOCK))
			w = write(a->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			/* Questions are small: an approver that has not read
			 * the last ones for a second is as good as gone. */
			struct pollfd p = { .fd = a->fd, .events = POLLOUT };
			if (poll(&p, 1, 1000) == 1)
				continue;
		}
		if (w <= 0) {
			mark_closed(a);
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void on_closed(evutil_socket_t fd, short what, void *userdata)
{
	struct approver *a = userdata;

	while (a->questions)
		answer_question(a->questions, ANSWER_NO_APPROVER);
}

static void on_timeout(evutil_socket_t fd, short what, void *userdata)
{
	struct question *q = userdata;

	if (q->a->kind == APPROVER_TTY && q->shown) {
		static const char msg[] = "\ncordon: no answer in time: denied\n";
		write_all(q->a, msg, sizeof(msg) - 1);
	}
	answer_question(q, ANSWER_TIMEOUT);
}

static void send_json(struct approver *a, struct question *q)
{
	json_t *o = json_pack("{s:I, s:s, s:i, s:s, s:s}", "id", (json_int_t)q->id, "host", q->host,
			      "port", (int)q->port, "protocol", q->protocol, "command", a->command);
	char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	q->shown = true;
	if (line) {
		write_all(a, line, strlen(line));
		write_all(a, "\n", 1);
		free(line);
	}
}

static void show_tty(struct approver *a, struct question *q)
{
	char *msg = xasprintf("\ncordon: %s wants to connect to %s port %u (%s).\n"
			      "cordon: allow? [y]es once, [a]lways for this run, [n]o (default; "
			      "%u s): ",
			      a->command, q->host, (unsigned)q->port, q->protocol, a->timeout);
	q->shown = true;
	write_all(a, msg, strlen(msg));
	free(msg);
}

/* The terminal shows one question at a time, the oldest first. */
static void show_next(struct approver *a)
{
	if (a->kind != APPROVER_TTY || a->closed || !a->questions || a->questions->shown)
		return;
	a->in_len = 0; /* type-ahead belongs to no question */
	show_tty(a, a->questions);
}

static enum approval_answer parse_decision(const char *s)
{
	if (streq(s, "allow-once"))
		return ANSWER_ALLOW_ONCE;
	if (streq(s, "allow-session"))
		return ANSWER_ALLOW_SESSION;
	return ANSWER_DENY; /* "deny", and anything we do not understand */
}

static void handle_json_line(struct approver *a, const char *line, size_t n)
{
	json_error_t jerr;
	json_t *o = json_loadb(line, n, 0, &jerr);
	json_t *id, *dec;
	uint64_t want;

	if (!o || !json_is_object(o))
		goto out;
	id = json_object_get(o, "id");
	dec = json_object_get(o, "decision");
	if (json_is_integer(id) && json_integer_value(id) >= 0)
		want = (uint64_t)json_integer_value(id);
	else if (json_is_string(id))
		want = strtoull(json_string_value(id), NULL, 10);
	else
		goto out;
	for (struct question *q = a->questions; q; q = q->next)
		if (q->id == want) {
			answer_question(q, parse_decision(json_is_string(dec) ? json_string_value(dec)
									     : ""));
			break;
		}
out:
	json_decref(o);
}

static void handle_tty_line(struct approver *a, const char *line, size_t n)
{
	struct question *q = a->questions;
	enum approval_answer ans = ANSWER_DENY;

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	while (n > 0 && *line == ' ')
		line++, n--;
	if (!q || !q->shown)
		return;
	if ((n == 1 && (line[0] == 'y' || line[0] == 'Y')) || (n == 3 && strneq(line, "yes", 3)))
		ans = ANSWER_ALLOW_ONCE;
	else if ((n == 1 && (line[0] == 'a' || line[0] == 'A')) ||
		 (n == 6 && strneq(line, "always", 6)))
		ans = ANSWER_ALLOW_SESSION;
	answer_question(q, ans);
}

static void on_readable(evutil_socket_t fd, short what, void *userdata)
{
	struct approver *a = userdata;

	for (;;) {
		ssize_t n = read(a->fd, a->in + a->in_len, LINE_MAX_BYTES - a->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			mark_closed(a);
			return;
		}
		a->in_len += (size_t)n;
		char *nl;
		while (!a->closed && (nl = memchr(a->in, '\n', a->in_len))) {
			size_t len = (size_t)(nl - a->in);
			if (a->kind == APPROVER_JSON)
				handle_json_line(a, a->in, len);
			else
				handle_tty_line(a, a->in, len);
			/* handle_* may have reset in_len (show_next). */
			if (a->in_len > len) {
				memmove(a->in, nl + 1, a->in_len - len - 1);
				a->in_len -= len + 1;
			} else {
				a->in_len = 0;
			}
		}
		if (a->in_len == LINE_MAX_BYTES) {
			/* A line longer than any answer: the approver speaks
			 * another protocol; trust none of it. */
			mark_closed(a);
			return;
		}
	}
}

int approvals_attach(struct approver *a, struct event_base *base)
{
	a->base = base;
	if (a->fd < 0 || a->ev_read)
		return 0;
	a->ev_closed = event_new(base, -1, 0, on_closed, a);
	a->ev_read = event_new(base, a->fd, EV_READ | EV_PERSIST, on_readable, a);
	if (!a->ev_closed || !a->ev_read || event_add(a->ev_read, NULL) < 0)
		return -ENOMEM;
	return 0;
}

void approvals_free(struct approver *a)
{
	if (!a)
		return;
	while (a->questions) {
		struct question *q = a->questions;
		a->questions = q->next;
		while (q->waiters) {
			struct approval_waiter *w = q->waiters;
			q->waiters = w->next;
			free(w);
		}
		question_free(q);
	}
	if (a->ev_read)
		event_free(a->ev_read);
	if (a->ev_closed)
		event_free(a->ev_closed);
	for (size_t i = 0; i < a->n_memory; i++) {
		free(a->memory[i].host);
		free(a->memory[i].protocol);
	}
	free(a->memory);
	safe_close(a->fd);
	free(a->command);
	free(a->in);
	free(a);
}

struct approval_waiter *approvals_ask(struct approver *a, const char *host,
				      const char *protocol, uint16_t port, approval_cb cb,
				      void *userdata, enum approval_answer *ret_answer,
				      bool *ret_remembered)
{
	struct question *q;

	for (size_t i = 0; i < a->n_memory; i++) {
		struct remembered *m = &a->memory[i];
		if (m->port == port && streq(m->host, host) && streq(m->protocol, protocol)) {
			*ret_answer = m->answer;
			*ret_remembered = true;
			return NULL;
		}
	}
	if (a->kind == APPROVER_NONE || a->closed || !a->base) {
		*ret_answer = ANSWER_NO_APPROVER;
		*ret_remembered = false;
		return NULL;
	}

	for (q = a->questions; q; q = q->next)
		if (q->port == port && streq(q->host, host) && streq(q->protocol, protocol))
			break;
	if (!q) {
		struct timeval tv = { .tv_sec = a->timeout };
		q = xcalloc(1, sizeof(*q));
		q->a = a;
		q->id = ++a->next_id;
		q->host = xstrdup(host);
		q->protocol = xstrdup(protocol);
		q->port = port;
		q->timer = evtimer_new(a->base, on_timeout, q);
		if (!q->timer || evtimer_add(q->timer, &tv) < 0) {
			question_free(q);
			*ret_answer = ANSWER_NO_APPROVER;
			*ret_remembered = false;
			return NULL;
		}
		struct question **tail = &a->questions;
		while (*tail)
			tail = &(*tail)->next;
		*tail = q;
	}
	struct approval_waiter *w = xcalloc(1, sizeof(*w));
	w->q = q;
	w->cb = cb;
	w->userdata = userdata;
	w->next = q->waiters;
	q->waiters = w;

	if (!q->shown) {
		if (a->kind == APPROVER_JSON)
			send_json(a, q);
		else
			show_next(a);
	}
	return w;
}

void approvals_cancel(struct approval_waiter *w)
{
	if (!w)
		return;
	for (struct approval_waiter **p = &w->q->waiters; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	/* The question stays: its answer may still be remembered for the
	 * others that ask next. */
	free(w);
}
