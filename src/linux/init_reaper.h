/* PID 1 of the builtin sandbox. In a pid namespace the first process is
 * the init every orphan is reparented to: somebody must reap them, or
 * zombies pile up. It also stands between the launcher and the command:
 * signals sent to it are passed on, and the command's exit status becomes
 * its own. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/macros.h"

/* The signals init passes on to the command (SIGCHLD is its own). */
void init_reaper_signals(sigset_t *ret);
/* Reaps every child; passes each signal of init_reaper_signals() to
 * COMMAND while it runs; exits with COMMAND's status (128+N for a signal N,
 * as a shell reports it): at once when it has exited, or, with LINGER, when
 * its last child is gone too (bwrap's init: what the command left running
 * in the background goes on). Exiting PID 1 kills whatever is left in the
 * namespace: the kernel tears it down. The signals must already be blocked
 * (before COMMAND was forked, so none is lost). STATUS_FD, when not -1,
 * gets {"exit-code": N} (bwrap's status line) as soon as COMMAND has
 * exited: the launcher need not wait for anything else. */
_noreturn_ void init_reaper_run(pid_t command, int status_fd, bool linger);
