/* The bridge between the sandbox's private network namespace and cordon's
 * proxy (network.mode = "proxy"): listening sockets made *inside* the
 * sandbox's namespace, handed to cordon outside. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* Creates one TCP socket listening on 127.0.0.1:PORTS[i] in the network
 * namespace of process PID (inside the sandbox, not yet running the
 * command) for each of the N ports, and returns them in RET_FDS. The
 * sockets keep that namespace for life: what the proxy accepts on them
 * comes from the sandbox, and nothing listens on the host. */
int netns_bridge_listen(pid_t pid, const uint16_t *ports, size_t n, int *ret_fds,
			struct error *reterr);
