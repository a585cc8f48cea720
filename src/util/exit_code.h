/* The status a shell gives a finished child, which is the status cordon and
 * its inits pass on (DESIGN.md §6): its exit code, or 128+N when signal N
 * killed it. */
#pragma once

#include <sys/wait.h>

static inline int exit_code_of(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	/* Stopped or continued: waitpid reports neither without WUNTRACED
	 * or WCONTINUED. What bwrap's init gives for "anything else". */
	return 255;
}
