/* The loopback interface of a new network namespace starts down: without
 * it even 127.0.0.1 is unreachable, and programs that talk to themselves
 * over it (test servers, language servers) fail. */
#pragma once

/* Brings "lo" up in the calling process's network namespace; the kernel
 * then gives it 127.0.0.1/8 and ::1 by itself. 0 or -errno. */
int netns_loopback_up(void);
