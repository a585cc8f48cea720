/* The child's half of the setup report (see setup_report.h). */
#include "linux/setup_report.h"

_noreturn_ void setup_report_fail(int fd, enum setup_step step, int error, int op, int detail)
{
	struct setup_report rep = { .step = step, .error = error, .op = op, .detail = detail };

	/* One write of a few bytes to a pipe is atomic. If the launcher is
	 * gone there is nobody to tell. */
	if (fd >= 0) {
		ssize_t n = write(fd, &rep, sizeof(rep));
		(void)n;
	}
	_exit(125);
}
