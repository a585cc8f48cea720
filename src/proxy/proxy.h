/* cordon's network proxy (DESIGN.md §2 "Network policy", README "Network
 * proxy"): an HTTP proxy (absolute-form requests and CONNECT) and a SOCKS5
 * proxy (CONNECT, and UDP ASSOCIATE when allowed) that apply a profile's
 * domain rules, ask an approver about hosts on neither list, refuse private
 * destinations, and log every decision.
 *
 * It never listens on the host: it is handed two listening sockets that
 * the netns bridge (src/linux/netns_bridge.c) made inside the sandbox's own
 * network namespace, and accepts there from its own thread, outside the
 * sandbox. */
#pragma once

#include <stdint.h>

#include "policy/profile.h"
#include "proxy/approvals.h"
#include "util/error.h"

struct proxy;

struct proxy_config {
	const struct network_policy *network;
	struct approver_options approver; /* .fd is taken over */
	const char *events_file;          /* --events, or NULL */
};

/* Compiles the rules, opens the events log, sets up the approver and
 * picks the two ports; starts no thread and opens no listener. */
int proxy_new(const struct proxy_config *c, struct proxy **ret, struct error *reterr);
uint16_t proxy_http_port(const struct proxy *p);
uint16_t proxy_socks_port(const struct proxy *p);

/* How SOCKS5 UDP ASSOCIATE (allow_udp = true) gets its relay socket: FN
 * returns in *RET_FD a UDP socket bound to 127.0.0.1 in the sandbox's
 * network namespace, or -errno. Called on the proxy's thread. Without
 * it, UDP ASSOCIATE fails with a general failure. */
void proxy_set_udp_socket(struct proxy *p, int (*fn)(void *userdata, int *ret_fd),
			  void *userdata);

/* Serves the listening sockets HTTP_FD and SOCKS_FD (taken over) on the
 * proxy's own thread. Call with the signals that cordon's supervisor
 * handles already blocked: the thread inherits the mask, so that they
 * reach the supervisor's signalfd and never this thread. Called again (a
 * relaunch of the sandbox), it drops the old listeners and connections
 * first. */
int proxy_start(struct proxy *p, int http_fd, int socks_fd, struct error *reterr);
/* Stops the thread and closes every connection and listener; P can be
 * started again. */
void proxy_stop(struct proxy *p);
/* Stops the thread, closes every connection, frees P. */
void proxy_free(struct proxy *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct proxy *, proxy_free)
#define _cleanup_proxy_free_ _cleanup_(proxy_freep)

/* The environment the sandboxed command gets ("NAME=VALUE"): HTTP_PROXY
 * and friends pointing at the two ports, NO_PROXY for loopback, and, when
 * CORDON_EXE is not NULL, GIT_SSH_COMMAND with a ProxyCommand that runs
 * `CORDON_EXE connect %h %p`. Pure. */
char **proxy_environment(uint16_t http_port, uint16_t socks_port, const char *cordon_exe);
