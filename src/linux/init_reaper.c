/* The builtin sandbox's PID 1 (see init_reaper.h). */
#include <sys/wait.h>

#include "linux/init_reaper.h"
#include "util/macros.h"
#include "util/exit_code.h"

void init_reaper_signals(sigset_t *ret)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

	sigemptyset(ret);
	for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
		sigaddset(ret, forwarded[i]);
	sigaddset(ret, SIGCHLD);
}

static void report_exit(int fd, int code)
{
	char line[32] = "{ \"exit-code\": ";
	size_t n = strlen(line);
	char digits[4];
	int k = 0;

	do {
		digits[k++] = (char)('0' + code % 10);
		code /= 10;
	} while (code && k < 3);
	while (k > 0)
		line[n++] = digits[--k];
	memcpy(line + n, " }\n", 4);
	/* Short and atomic on a pipe; nobody to tell if it fails. */
	ssize_t w = write(fd, line, n + 3);
	(void)w;
}

_noreturn_ void init_reaper_run(pid_t command, int status_fd, bool linger)
{
	sigset_t set;
	int code = -1;

	init_reaper_signals(&set);
	for (;;) {
		siginfo_t si;
		/* sigwaitinfo rather than handlers: the signals stay blocked, so
		 * none can arrive between a check and the wait. A SIGCHLD that
		 * came before this loop is still pending and is seen at once. */
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (code < 0)
				(void)kill(command, sig);
			continue;
		}
		for (;;) {
			int status;
			pid_t pid = waitpid(-1, &status, WNOHANG);
			if (pid < 0 && errno == ECHILD && code >= 0)
				_exit(code); /* the last one is gone */
			if (pid <= 0)
				break;
			if (pid == command) {
				code = exit_code_of(status);
				if (status_fd >= 0)
					report_exit(status_fd, code);
				if (!linger)
					_exit(code);
			}
		}
	}
}
