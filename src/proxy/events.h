/* `--events FILE`: one JSON line per decision of the proxy, appended as
 * it is made, for the person or program that watches a run. */
#pragma once

#include <stdint.h>

#include "util/error.h"

struct proxy_events;

struct proxy_event {
	const char *host;
	uint16_t port;
	const char *protocol; /* "http", "connect", "socks5" or "udp" */
	bool allow;
	const char *rule;     /* the deciding domain rule's pattern, or NULL */
	const char *reason;   /* allowlist, denylist, unlisted, approval-once, ... */
	const char *address;  /* the address connected to or refused, or NULL */
};

/* Opens PATH for appending (created 0600 when missing). */
int proxy_events_open(const char *path, struct proxy_events **ret, struct error *reterr);
/* Writes one line: {"time": RFC 3339 UTC, "host", "port", "protocol",
 * "decision": "allow"|"deny", "rule", "reason", "address"}. A write error
 * is reported once on stderr and the log is given up: the command is not
 * stopped because its log is full. */
void proxy_events_log(struct proxy_events *e, const struct proxy_event *ev);
void proxy_events_close(struct proxy_events *e);
