/* The landlock backend (DESIGN.md §5): no namespaces. The command runs as
 * cordon's child under a Landlock domain that grants the policy's read and
 * write hierarchies, the seccomp filter, NoNewPrivs and no capabilities;
 * cordon supervises it like the other backends' launchers, so timeouts,
 * signals and exit statuses mean the same.
 *
 * What a namespace gave the other backends is replaced here, or refused:
 *  - mount namespace (masks, placeholders, a /dev and /proc of its own):
 *    Landlock grants whole trees, so a policy that needs a mask below a
 *    grant is refused unless the user accepts the difference
 *    (landlock_plan.c); /dev/null and friends are granted one by one; /proc
 *    is the host's, whose other processes Landlock keeps out of reach
 *    (ptrace-style access, /proc/PID/root included, needs the target to be
 *    inside the same domain);
 *  - pid namespace: signals scoped (ABI 6), ptrace and process_vm_* refused
 *    by seccomp, and cordon becomes a child subreaper, so every process the
 *    command starts stays below cordon and dies with the sandbox;
 *  - network namespace: socket() of every family but AF_UNIX refused,
 *    Landlock TCP rules (ABI 4), abstract sockets scoped (ABI 6), and
 *    socket(AF_UNIX) refused too, because no Landlock ABI governs connect(2)
 *    to a host daemon's pathname socket;
 *  - user namespace: capabilities dropped outright (root included). */
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "linux/backend.h"
#include "linux/landlock_ruleset.h"
#include "linux/seccomp_filter.h"
#include "linux/supervise.h"
#include "plan/glob_scan.h"
#include "plan/landlock_plan.h"
#include "plan/plan.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/exit_code.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

/* The filesystem facts the plan asks for. */
static bool env_exists(void *userdata, const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int env_expand_glob(void *userdata, const struct policy *p, const char *pattern,
			   char ***ret, struct error *reterr)
{
	const struct sandbox_request *req = userdata;

	return glob_scan(pattern, p->glob_scan_max_depth, PLAN_DEFAULT_MAX_GLOB_MATCHES,
			 req->ripgrep, ret, reterr);
}

int backend_landlock_prepare(const struct sandbox_request *req, int *ret_abi,
			     struct landlock_plan **ret, struct error *reterr)
{
	struct landlock_env env = {
		.exists = env_exists,
		.expand_glob = env_expand_glob,
		.userdata = (void *)req,
	};
	int abi = landlock_abi_probe();

	if (abi < 0)
		return error_setf_errno(reterr, abi, NULL, 0, 0,
					"the landlock backend cannot run here: %s",
					landlock_abi_error(abi));
	if (req->policy->network.mode == NETWORK_PROXY) {
		int r = landlock_plan_check_proxy((unsigned)abi, reterr);
		if (r < 0)
			return r;
	}
	*ret_abi = abi;
	return landlock_plan_build(req->policy, (unsigned)abi, &env, ret, reterr);
}

/* The command's environment: cordon's, with the plan's variables set. */
static char **build_envp(char *const *setenv)
{
	char **v = NULL;

	for (char **e = environ; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		bool overridden = false;
		STRV_FOREACH (s, setenv)
			if (strneq(*s, *e, n) && (*s)[n] == '=')
				overridden = true;
		if (!overridden)
			strv_push(&v, *e);
	}
	STRV_FOREACH (s, setenv)
		strv_push(&v, *s);
	return v;
}

/* The seccomp filter, compiled at build time (seccomp_filter.h): the child
 * only has to hand it to the kernel. */
static void load_filter(const struct landlock_plan *lp, struct sock_fprog *ret)
{
	struct seccomp_options o = {
		.deny_inet = lp->deny_inet,
		.deny_unix = lp->deny_unix,
		.restrict_extras = lp->restrict_extras,
		.deny_truncate = lp->deny_truncate,
	};
	const struct sock_filter *prog;
	size_t len;

	seccomp_program(&o, &prog, &len);
	ret->len = (unsigned short)len;
	ret->filter = (struct sock_filter *)prog;
}

/* Where the child stops when it fails before exec. */
enum child_stage {
	STAGE_NONE,
	STAGE_PDEATHSIG,
	STAGE_SETSID,
	STAGE_CHDIR,
	STAGE_NNP,
	STAGE_CAPS,
	STAGE_LANDLOCK,
	STAGE_SECCOMP,
	STAGE_EXEC,
	_STAGE_MAX,
};

static const char *const stage_names[_STAGE_MAX] = {
	[STAGE_PDEATHSIG] = "prctl(PR_SET_PDEATHSIG)",
	[STAGE_SETSID] = "setsid",
	[STAGE_CHDIR] = "cannot enter the working directory",
	[STAGE_NNP] = "prctl(PR_SET_NO_NEW_PRIVS)",
	[STAGE_CAPS] = "cannot drop capabilities",
	[STAGE_LANDLOCK] = "landlock_restrict_self",
	[STAGE_SECCOMP] = "cannot load the seccomp filter",
	[STAGE_EXEC] = "execve",
};

/* Shared with the child, which runs on cordon's memory (CLONE_VM) until
 * it execs: everything it needs is prepared here, and it reports a
 * failure by writing STAGE and ERR before it exits. */
struct child_args {
	char *const *argv;
	char *const *envp;
	const char *cwd;
	int ruleset;
	const struct sock_fprog *filter;
	pid_t parent;
	enum child_stage stage;
	int err;
};

static _noreturn_ void child_fail(struct child_args *a, enum child_stage stage, int err)
{
	a->stage = stage;
	a->err = err;
	_exit(125);
}

/* No capability survives, for root too: the bounding set (so that nothing
 * exec'd can regain one; needs CAP_SETPCAP, which only a privileged caller
 * has, and without which there is nothing to lose), the ambient set, then
 * the rest. NoNewPrivs already keeps setuid binaries from raising them. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	if (d[0].effective & (1u << CAP_SETPCAP))
		for (int c = 0; c < 64; c++)
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
				if (errno == EINVAL)
					break; /* past the kernel's last capability */
				return -errno;
			}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

/* In the child, between clone and exec: syscalls only (it shares cordon's
 * memory, like posix_spawn's child). The order matters:
 *  - the death signal first, so that nothing below outlives cordon;
 *  - a new session: no controlling terminal to inject into, and the
 *    command's process group is the job cordon signals;
 *  - NoNewPrivs before Landlock (required without CAP_SYS_ADMIN) and
 *    seccomp (required too); capabilities dropped after it;
 *  - seccomp last: it may refuse calls the steps before still make. */
static int child_run(void *arg)
{
	struct child_args *a = arg;
	int r;

	supervise_restore_signals();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		child_fail(a, STAGE_PDEATHSIG, errno);
	if (getppid() != a->parent)
		_exit(125); /* cordon is gone already */
	if (setsid() < 0)
		child_fail(a, STAGE_SETSID, errno);
	/* Only stdio reaches the command; the ruleset is close-on-exec. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3; fd < 65536; fd++)
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (chdir(a->cwd) < 0)
		child_fail(a, STAGE_CHDIR, errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(a, STAGE_NNP, errno);
	r = drop_capabilities();
	if (r < 0)
		child_fail(a, STAGE_CAPS, -r);
	r = landlock_ruleset_enforce(a->ruleset);
	if (r < 0)
		child_fail(a, STAGE_LANDLOCK, -r);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, a->filter, 0, 0) < 0)
		child_fail(a, STAGE_SECCOMP, errno);
	execvpe(a->argv[0], a->argv, a->envp);
	child_fail(a, STAGE_EXEC, errno);
}

/* Every process the command left behind. cordon is their subreaper, so
 * orphans are re-parented to it, not to init: killing its children until
 * none is left reaches all of them, however they daemonised. A process the
 * kill misses while forking leaves its child to the next round. */
static void kill_descendants(void)
{
	char path[64];

	/* No child at all (the usual case: the command left nothing
	 * behind) spares reading /proc. */
	if (waitid(P_ALL, 0, &(siginfo_t){}, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD)
		return;
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	for (int round = 0; round < 10000; round++) {
		_cleanup_free_ char *children = NULL;
		bool any = false;

		if (read_file_max(path, 1 << 20, &children, NULL) < 0)
			break;
		for (char *s = children, *save = NULL, *tok; (tok = strtok_r(s, " \n", &save));
		     s = NULL) {
			pid_t pid = (pid_t)strtol(tok, NULL, 10);
			if (pid <= 0)
				continue;
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
			any = true;
		}
		if (!any)
			break;
	}
}

static int exec_failure(const char *cmd, int err)
{
	fprintf(stderr, "cordon: %s: %s\n", cmd, strerror(err));
	return err == ENOENT ? 127 : 126;
}

/* The child's stack while it shares cordon's memory; execvpe() may put a
 * PATH-long buffer on it. */
#define CHILD_STACK_SIZE (256 * 1024)

static int launch(const struct sandbox_request *req, const struct landlock_plan *lp, int ruleset,
		  const struct sock_fprog *filter, int *ret_status, struct error *reterr)
{
	_cleanup_strv_free_ char **envp = build_envp(lp->setenv);
	struct supervise_result res = {};
	void *stack;
	pid_t pid;
	int r;

	/* Before the clone: every process the command starts stays below
	 * cordon, whatever it does (prctl(2), PR_SET_CHILD_SUBREAPER). */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0,
					"prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
	stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "mmap: %s", strerror(errno));

	struct child_args a = {
		.argv = req->command,
		.envp = envp,
		.cwd = req->policy->cwd,
		.ruleset = ruleset,
		.filter = filter,
		.parent = getpid(),
	};
	/* CLONE_VM | CLONE_VFORK, as posix_spawn(3) does: no copy of cordon's
	 * page tables, and cordon resumes only once the child has exec'd or
	 * exited, with its report in A. */
	supervise_block_signals();
	pid = clone(child_run, (char *)stack + CHILD_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD,
		    &a);
	r = -errno;
	munmap(stack, CHILD_STACK_SIZE);
	if (pid < 0) {
		supervise_restore_signals();
		return error_setf_errno(reterr, r, NULL, 0, 0, "clone: %s", strerror(-r));
	}
	if (a.stage != STAGE_NONE) {
		(void)waitpid(pid, NULL, 0);
		supervise_restore_signals();
		if (a.stage == STAGE_EXEC) {
			*ret_status = exec_failure(req->command[0], a.err);
			return 0;
		}
		return error_setf_errno(reterr, -a.err, NULL, 0, 0, "landlock backend: %s: %s",
					stage_names[a.stage], strerror(a.err));
	}

	/* The command runs. Signals go to the process groups of cordon's
	 * children, the command's first: cordon is the sandbox's "init". */
	struct supervise_request sreq = {
		.pid = pid,
		.status_fd = -1,
		.timeout = req->timeout,
		.init_pid = getpid(),
	};
	r = supervise_wait(&sreq, &res);
	supervise_restore_signals();
	/* Like the end of a pid namespace: nothing of the sandbox outlives
	 * the command. */
	kill_descendants();
	if (r < 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		return error_setf_errno(reterr, r, NULL, 0, 0, "supervising the command: %s",
					strerror(-r));
	}
	if (res.timed_out) {
		*ret_status = backend_timed_out(req);
		return 0;
	}
	*ret_status = exit_code_of(res.wait_status);
	return 0;
}

static void backend_landlock_warn(const struct landlock_plan *lp, int abi)
{
	if (lp->n_losses > 0) {
		_cleanup_free_ char *w = landlock_plan_weaker_warning(lp);
		fprintf(stderr, "cordon: warning: %s\n", w);
	}
	_cleanup_free_ char *a = landlock_plan_abi_warning(lp, (unsigned)abi);
	if (a)
		fprintf(stderr, "cordon: warning: %s\n", a);
}

int backend_landlock_check(const struct sandbox_request *req, const struct landlock_plan *lp,
			   struct error *reterr)
{
	if (lp->n_losses == 0 || req->allow_weaker || req->policy->landlock_ignore_carveouts)
		return 0;
	_cleanup_free_ char *msg = landlock_plan_refusal(lp);
	return error_setf_errno(reterr, -EPERM, NULL, 0, 0, "%s", msg);
}

int backend_landlock_run(const struct sandbox_request *req, int *ret_status, struct error *reterr)
{
	_cleanup_landlock_plan_free_ struct landlock_plan *lp = NULL;
	_cleanup_close_ int ruleset = -1;
	struct sock_fprog filter = {};
	int abi = 0;
	int r;

	r = backend_landlock_prepare(req, &abi, &lp, reterr);
	if (r < 0)
		return r;
	r = backend_landlock_check(req, lp, reterr);
	if (r < 0)
		return r;
	backend_landlock_warn(lp, abi);

	r = landlock_ruleset_build(lp, (unsigned)abi, &ruleset, reterr);
	if (r < 0)
		return r;
	load_filter(lp, &filter);
	return launch(req, lp, ruleset, &filter, ret_status, reterr);
}
