/* The bridge between the sandbox's private network namespace and cordon's
 * proxy (network.mode = "proxy"): sockets made *inside* the sandbox's
 * namespace, handed to cordon outside. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* The sandbox's user and network namespaces, held open for the run. */
struct netns_bridge {
	int userns, netns;
};
#define NETNS_BRIDGE_INIT ((struct netns_bridge){ .userns = -1, .netns = -1 })

/* Opens the namespaces of process PID (inside the sandbox, not yet running
 * the command), checked against a pidfd so that they are that process's,
 * and refuses a network namespace that is cordon's own: nothing may ever
 * listen on the host. */
int netns_bridge_open(pid_t pid, struct netns_bridge *ret, struct error *reterr);
void netns_bridge_close(struct netns_bridge *b);

/* Creates one TCP socket listening on 127.0.0.1:PORTS[i] in the sandbox's
 * network namespace for each of the N ports, and returns them in RET_FDS.
 * The sockets keep that namespace for life: what the proxy accepts on
 * them comes from the sandbox. */
int netns_bridge_listen(const struct netns_bridge *b, const uint16_t *ports, size_t n,
			int *ret_fds, struct error *reterr);

/* A UDP socket bound to 127.0.0.1 (a port the kernel picks) in the
 * sandbox's network namespace: a SOCKS5 UDP relay's end there. Callable
 * from any thread (a forked child does the work). Returns 0 or -errno. */
int netns_bridge_udp_socket(const struct netns_bridge *b, int *ret_fd);
