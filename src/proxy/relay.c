/* Both directions of an established connection. Bytes move with
 * splice(2) through a pipe per direction, so they are never copied into
 * the proxy: the pipe is the direction's bounded buffer. A direction reads
 * only when its pipe is empty and waits for the receiver while it is not,
 * so a slow receiver stops the sender (backpressure) and never makes the
 * proxy buffer more than one pipe. */
#include <fcntl.h>

#include "proxy/proxy_internal.h"

/* One callback moves at most this much before yielding to the others. */
#define PUMP_BUDGET (1024 * 1024)

static int open_pipe(struct half *h)
{
	if (pipe2(h->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	/* A larger pipe means fewer system calls per megabyte; the default
	 * (64 KiB) stays when the per-user pipe budget is used up. */
	(void)fcntl(h->pipe[1], F_SETPIPE_SZ, PROXY_PIPE_SIZE);
	return 0;
}

static void touch(struct conn *c)
{
	struct timeval now;

	event_base_gettimeofday_cached(c->proxy->base, &now);
	c->last_activity = now.tv_sec;
}

enum pump_result {
	PUMP_WAIT,  /* waiting for an event */
	PUMP_DONE,  /* this direction is finished */
	PUMP_ERROR, /* the connection must go */
};

static enum pump_result pump(struct conn *c, int d)
{
	struct half *h = &c->half[d];
	int src = d == 0 ? c->cfd : c->ufd, dst = d == 0 ? c->ufd : c->cfd;
	struct event *ev_read = d == 0 ? c->ev_cread : c->ev_uread;
	struct event *ev_write = d == 0 ? c->ev_uwrite : c->ev_cwrite;
	size_t budget = PUMP_BUDGET;
	enum pump_result r = PUMP_WAIT;
	ssize_t n;

	if (h->done)
		return PUMP_DONE;
	for (;;) {
		/* Out: what we hold goes first. */
		while (h->pre_off < h->pre_len) {
			n = send(dst, h->pre + h->pre_off, h->pre_len - h->pre_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN) {
				event_add(ev_write, NULL);
				goto out;
			}
			if (n <= 0) {
				r = PUMP_ERROR;
				goto out;
			}
			h->pre_off += (size_t)n;
		}
		while (h->in_pipe > 0) {
			n = splice(h->pipe[0], NULL, dst, NULL, h->in_pipe,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN) {
				event_add(ev_write, NULL);
				goto out;
			}
			if (n <= 0) {
				r = PUMP_ERROR;
				goto out;
			}
			h->in_pipe -= (size_t)n;
		}
		/* The sender ended and everything went out: pass the end on. */
		if (h->eof) {
			(void)shutdown(dst, SHUT_WR);
			h->done = true;
			r = PUMP_DONE;
			goto out;
		}
		if (budget == 0) {
			event_add(ev_read, NULL); /* level-triggered: runs again soon */
			goto out;
		}
		/* In, into an empty pipe: EAGAIN can only mean the socket has
		 * nothing now (an empty pipe always takes a buffer). */
		n = splice(src, NULL, h->pipe[1], NULL, PROXY_PIPE_SIZE,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			event_add(ev_read, NULL);
			goto out;
		}
		if (n < 0) {
			r = PUMP_ERROR;
			goto out;
		}
		if (n == 0) {
			h->eof = true;
			continue;
		}
		h->in_pipe = (size_t)n;
		budget = (size_t)n >= budget ? 0 : budget - (size_t)n;
	}
out:
	if (budget < PUMP_BUDGET || r == PUMP_DONE)
		touch(c);
	return r;
}

bool relay_pump(struct conn *c, int d)
{
	bool was_done = c->half[d].done;
	enum pump_result r = pump(c, d);

	if (r == PUMP_ERROR || (c->half[0].done && c->half[1].done)) {
		conn_free(c);
		return false;
	}
	if (r == PUMP_DONE && !was_done)
		conn_set_deadline(c, PROXY_TIMEOUT_HALF_OPEN);
	return true;
}

int relay_start(struct conn *c)
{
	for (int d = 0; d < 2; d++)
		if (open_pipe(&c->half[d]) < 0)
			return -EMFILE;
	touch(c);
	c->state = STATE_RELAY;
	conn_set_deadline(c, PROXY_TIMEOUT_IDLE);
	/* The client's early bytes and the reply to the client go out now;
	 * then each direction waits for its own events. */
	if (relay_pump(c, 0))
		relay_pump(c, 1);
	return 0;
}

void relay_check_idle(struct conn *c, time_t now)
{
	/* Once one direction has ended, the other gets the shorter
	 * half-open limit: a peer that half-closed and vanished must not
	 * hold descriptors for the full idle time. */
	bool half_open = c->half[0].done || c->half[1].done;
	int limit = half_open ? PROXY_TIMEOUT_HALF_OPEN : PROXY_TIMEOUT_IDLE;
	time_t idle = now - c->last_activity;

	if (idle >= limit) {
		conn_free(c);
		return;
	}
	conn_set_deadline(c, (int)(limit - idle));
}
