/* Supervision of a sandbox launcher process: signal forwarding, timeout,
 * exit status. Shared by the backends that run the sandbox in a child
 * (bwrap and builtin). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct supervise_request {
	pid_t pid;           /* the launcher (bwrap, or cordon's own child) */
	int status_fd;       /* read end of bwrap's --json-status-fd, or -1 */
	double timeout;      /* seconds; 0 = none */
	/* When the launcher does not report the command's pid on status_fd,
	 * the host pid of the sandbox's init, whose children are signalled. */
	pid_t init_pid;
	/* Called once, as soon as the sandbox's init pid is known (from
	 * status_fd, or init_pid at once). A negative return kills the
	 * launcher before anything else happens; supervise_wait then returns
	 * that value. */
	int (*on_started)(void *userdata, pid_t init_pid);
	void *userdata;
	/* The "exit-code" status_fd reports is final: return with it at
	 * once, without waiting for the launcher to finish exiting (the
	 * builtin sandbox's init reports it, then tears the namespaces down,
	 * which takes a while; bwrap's monitor returns at that point too). */
	bool exit_code_ends;
	/* The init (init_pid, or the child-pid status_fd reports) is the
	 * init of the sandbox's own pid namespace: supervise_wait returns
	 * only once it, and with it everything in the sandbox, is gone (see
	 * end_sandbox in supervise.c). False where cordon itself stands in
	 * for init (the landlock backend). */
	bool own_pid_namespace;
};

struct supervise_result {
	int wait_status;  /* of the launcher, as from waitpid */
	bool timed_out;
	bool command_started; /* bwrap reported "exit-code": the command ran */
};

/* Blocks the signals it forwards; call before forking the launcher, so
 * that none is lost in between. The child must unblock them. */
void supervise_block_signals(void);
/* Restores the signal mask saved by supervise_block_signals (for the child). */
void supervise_restore_signals(void);
int supervise_wait(const struct supervise_request *req, struct supervise_result *ret);
