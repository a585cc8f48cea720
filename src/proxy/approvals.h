/* Questions about hosts on neither list (approvals = "ask"), keyed by
 * (host, protocol, port): concurrent requests for one key share one
 * question; "allow-session" and "deny" answers are remembered for the run.
 * No approver, no answer within the timeout, or a channel that closed mean
 * deny. Runs on the proxy's event loop. */
#pragma once

#include <stdint.h>

#include "util/error.h"

struct event_base;
struct approver;
struct approval_waiter;

enum approver_kind {
	APPROVER_NONE,
	APPROVER_TTY,  /* a prompt on /dev/tty */
	APPROVER_JSON, /* JSON lines over a descriptor: --approver-fd, --approver-cmd */
	_APPROVER_KIND_MAX,
	_APPROVER_KIND_INVALID = -EINVAL,
};

enum approval_answer {
	ANSWER_DENY,
	ANSWER_ALLOW_ONCE,
	ANSWER_ALLOW_SESSION,
	ANSWER_TIMEOUT,      /* no answer in time: deny */
	ANSWER_NO_APPROVER,  /* none configured, or its channel closed: deny */
	_APPROVAL_ANSWER_MAX,
	_APPROVAL_ANSWER_INVALID = -EINVAL,
};

#define APPROVAL_TIMEOUT_SECONDS 60

/* The reason an answer is logged with: "approval-once", "approval-deny"... */
const char *approval_answer_reason(enum approval_answer a, bool remembered);
static inline bool approval_answer_allows(enum approval_answer a)
{
	return a == ANSWER_ALLOW_ONCE || a == ANSWER_ALLOW_SESSION;
}

struct approver_options {
	enum approver_kind kind;
	int fd;                /* APPROVER_JSON: a socket or terminal, read and written; owned */
	const char *command;   /* the sandboxed command line, for the question */
	unsigned timeout;      /* seconds */
};

/* Takes ownership of O->fd. Opens /dev/tty for APPROVER_TTY. */
int approvals_new(const struct approver_options *o, struct approver **ret,
		  struct error *reterr);
/* Registers the approver's descriptor with BASE (the proxy thread's). */
int approvals_attach(struct approver *a, struct event_base *base);
void approvals_free(struct approver *a);

typedef void (*approval_cb)(void *userdata, enum approval_answer answer, bool remembered);

/* Asks about (HOST, PROTOCOL, PORT). When the answer is known at once (a
 * remembered answer, or no approver) returns NULL and sets *RET_ANSWER and
 * *RET_REMEMBERED; otherwise returns a waiter, and CB runs later, exactly
 * once, unless approvals_cancel() is called first. */
struct approval_waiter *approvals_ask(struct approver *a, const char *host,
				      const char *protocol, uint16_t port, approval_cb cb,
				      void *userdata, enum approval_answer *ret_answer,
				      bool *ret_remembered);
void approvals_cancel(struct approval_waiter *w);
