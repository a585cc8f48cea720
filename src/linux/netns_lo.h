/* The sandbox's network namespace: created with only a loopback interface,
 * which starts down. Without lo up even 127.0.0.1 is unreachable, and
 * programs that talk to themselves over it (test servers, language
 * servers) fail.
 *
 * Creating a network namespace is the slowest step of a sandbox's start
 * (every network subsystem sets up its per-namespace state), so the
 * builtin backend may have it made in parallel: a helper forked by the
 * launcher joins the sandbox's user namespace, creates the network
 * namespace there, brings lo up, and hands a descriptor of it to the
 * sandbox's child over a socket, which joins it when its mounts are done.
 * The helper lives in the launcher's pid namespace, so the sandbox's pids
 * stay what they would be (init 1, command 2). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Brings "lo" up in the calling process's network namespace; the kernel
 * then gives it 127.0.0.1/8 and ::1 by itself. 0 or -errno. */
int netns_loopback_up(void);

/* In the launcher: forks the helper for the sandbox child SANDBOX (whose
 * user namespace it joins first when JOIN_USERNS). It sends the namespace,
 * or an error, on SOCK (a SOCK_SEQPACKET end). 0 or -errno. */
int netns_helper_start(pid_t sandbox, bool join_userns, int sock, pid_t *ret_pid);
/* In the sandbox's child: receives the namespace from SOCK and enters it.
 * Syscalls only. 0 or -errno (the helper's error, when it failed). */
int netns_helper_join(int sock);
