/* bwrap's monitor, on the builtin executor (see bwrap_monitor.h). */
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "linux/builtin_exec.h"
#include "linux/bwrap_monitor.h"
#include "linux/init_reaper.h"
#include "linux/supervise.h"
#include "util/strbuf.h"
#include "util/exit_code.h"

/* The namespaces bwrap reports, in its order, and when. */
static const struct {
	const char *name;
	int flag; /* reported when created; 0: always (the mount namespace) */
} ns_kinds[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mnt", 0 },
	{ "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "uts", CLONE_NEWUTS },
};

static int flag_of(const struct sandbox_process *p, int flag)
{
	switch (flag) {
	case CLONE_NEWCGROUP:
		return p->unshare_cgroup ||
		       (p->unshare_cgroup_try && access("/proc/self/ns/cgroup", F_OK) == 0);
	case CLONE_NEWIPC:
		return p->unshare_ipc;
	case CLONE_NEWNET:
		return p->unshare_net;
	case CLONE_NEWPID:
		return p->unshare_pid;
	case CLONE_NEWUTS:
		return p->unshare_uts;
	default:
		return true;
	}
}

/* {"child-pid": N, "ipc-namespace": INODE, ...}: SEP goes before each
 * namespace entry (", " on one line for --json-status-fd, a newline and
 * indentation for --info-fd). */
static void describe_child(struct strbuf *b, pid_t pid, const struct sandbox_process *proc,
			   const char *sep)
{
	char path[64];
	struct stat st;

	strbuf_printf(b, "\"child-pid\": %d", (int)pid);
	for (size_t i = 0; i < ELEMENTSOF(ns_kinds); i++) {
		if (!flag_of(proc, ns_kinds[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_kinds[i].name);
		if (stat(path, &st) < 0)
			continue;
		strbuf_printf(b, ",%s\"%s-namespace\": %ju", sep, ns_kinds[i].name,
			      (uintmax_t)st.st_ino);
	}
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* init's {"exit-code": N} line, or -1 at end-of-file without one. */
static int read_exit_code(int fd)
{
	char buf[128];
	size_t len = 0;

	while (fd >= 0 && len < sizeof(buf) - 1) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		const char *p = strstr(buf, "\"exit-code\":");
		if (p && strchr(p, '\n'))
			return (int)strtol(p + strlen("\"exit-code\":"), NULL, 10);
	}
	return -1;
}

int bwrap_monitor_run(const struct mount_plan *plan, const struct sandbox_process *proc,
		      char *const *argv, int *ret_exit, struct error *reterr)
{
	struct builtin_child child = { .pid = -1, .report_fd = -1, .status_fd = -1,
				       .release_fd = -1, .setup_release_fd = -1,
				       .netns_helper = -1 };
	struct builtin_spec spec = {
		.plan = plan,
		.proc = proc,
		.argv = argv,
		.bwrap_words = true,
		/* The namespaces must still exist when the monitor reports
		 * them, and --userns-block-fd waits before the uid map. */
		.hold_setup = proc->info_fd >= 0 || proc->json_status_fd >= 0 ||
			      proc->userns_block_fd >= 0,
		/* bwrap's init outlives the command while anything it started
		 * runs; its monitor returns when the command exits. */
		.report_exit = true,
		.init_lingers = true,
	};
	struct setup_report rep;
	int status = 0, r;

	r = builtin_spawn(&spec, &child, reterr);
	if (r < 0)
		return r;
	/* bwrap's monitor keeps the default dispositions: a signal that kills
	 * it leaves the sandbox to --die-with-parent. */
	supervise_restore_signals();
	if (proc->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

	if (proc->info_fd >= 0) {
		struct strbuf b = {};
		strbuf_puts(&b, "{\n    ");
		describe_child(&b, child.pid, proc, "\n    ");
		strbuf_puts(&b, "\n}\n");
		write_all(proc->info_fd, b.s);
		strbuf_free(&b);
		close(proc->info_fd);
	}
	if (proc->json_status_fd >= 0) {
		struct strbuf b = {};
		strbuf_puts(&b, "{ ");
		describe_child(&b, child.pid, proc, " ");
		strbuf_puts(&b, " }\n");
		write_all(proc->json_status_fd, b.s);
		strbuf_free(&b);
	}
	if (proc->userns_block_fd >= 0) {
		char c;
		while (read(proc->userns_block_fd, &c, 1) < 0 && errno == EINTR)
			;
		close(proc->userns_block_fd);
	}
	(void)builtin_release_setup(&child);

	/* The command's status, from init as soon as it has it; else (no
	 * init, or init gone before the command ran) from the process. */
	int code = read_exit_code(child.status_fd);
	if (code >= 0)
		status = W_EXITCODE(code & 0xff, 0);
	else
		while (waitpid(child.pid, &status, 0) < 0)
			if (errno != EINTR) {
				r = -errno;
				builtin_child_done(&child);
				return error_setf_errno(reterr, r, NULL, 0, 0, "waitpid: %s",
							strerror(-r));
			}
	if (builtin_collect(&child, &rep) > 0) {
		char msg[1024];
		builtin_describe(&child, &rep, msg, sizeof(msg));
		builtin_child_done(&child);
		return error_setf_errno(reterr, -(rep.error ? rep.error : EIO), NULL, 0, 0, "%s", msg);
	}
	builtin_child_done(&child);

	/* Only a command that was executed has an exit code to report. */
	*ret_exit = exit_code_of(status);
	if (proc->json_status_fd >= 0) {
		char line[64];
		snprintf(line, sizeof(line), "{ \"exit-code\": %d }\n", *ret_exit);
		write_all(proc->json_status_fd, line);
		close(proc->json_status_fd);
	}
	return 0;
}
