/* `cordon run` in proxy mode: the proxy, its approver, the environment
 * and the attach hook the backend calls once the sandbox exists. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "cli/commands.h"
#include "linux/netns_bridge.h"
#include "util/strbuf.h"
#include "util/strv.h"

extern char **environ;

/* The proxy's hook for UDP ASSOCIATE, on its thread. */
static int make_udp_socket(void *userdata, int *ret_fd)
{
	struct run_proxy *rp = userdata;

	return netns_bridge_udp_socket(rp->bridge, ret_fd);
}

/* The backend's hook: the sandbox's namespaces exist, the command has
 * not started. Listeners go into its network namespace, and the proxy
 * starts serving them; the command starts only after this returns. A
 * relaunch (bwrap without /proc) calls it again for a new sandbox. */
static int attach_proxy(void *userdata, pid_t pid, struct error *reterr)
{
	struct run_proxy *rp = userdata;
	uint16_t ports[2] = { proxy_http_port(rp->proxy), proxy_socks_port(rp->proxy) };
	int fds[2];
	int r;

	/* The old sandbox's namespaces go only once the proxy's thread,
	 * which may be making a UDP socket in them, has stopped. */
	proxy_stop(rp->proxy);
	netns_bridge_close(rp->bridge);
	r = netns_bridge_open(pid, rp->bridge, reterr);
	if (r < 0)
		return r;
	r = netns_bridge_listen(rp->bridge, ports, 2, fds, reterr);
	if (r < 0)
		return r;
	proxy_set_udp_socket(rp->proxy, make_udp_socket, rp);
	return proxy_start(rp->proxy, fds[0], fds[1], reterr);
}

/* `sh -c CMD` with one end of a socketpair as its stdin and stdout. */
static int spawn_approver(const char *cmd, pid_t *ret_pid, int *ret_fd, struct error *reterr)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	int sp[2];
	int r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "--approver-cmd: socketpair: %s",
					strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sp[1], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, sp[1], STDOUT_FILENO);
	r = posix_spawn(ret_pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	safe_close(sp[1]);
	if (r != 0) {
		safe_close(sp[0]);
		return error_setf_errno(reterr, -r, NULL, 0, 0, "--approver-cmd: cannot run sh: %s",
					strerror(r));
	}
	*ret_fd = sp[0];
	return 0;
}

static char *command_line(char *const *args)
{
	struct strbuf b = {};

	STRV_FOREACH (a, args) {
		if (b.len)
			strbuf_putc(&b, ' ');
		strbuf_put_shell_quoted(&b, *a);
	}
	return strbuf_steal(&b);
}

/* The running cordon, for GIT_SSH_COMMAND's `cordon connect`, when the
 * sandbox can see it. */
static char *cordon_exe_for_sandbox(const struct policy *p)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if (n > 10 && streq(buf + n - 10, " (deleted)")) {
		fprintf(stderr, "cordon: warning: the cordon binary was replaced while running; "
				"GIT_SSH_COMMAND is not set\n");
		return NULL;
	}
	if (p->fs_kind == FS_RESTRICTED && policy_access(p, buf, NULL) < ACCESS_READ) {
		fprintf(stderr,
			"cordon: warning: %s is hidden by the profile, so `cordon connect` cannot "
			"run in the sandbox; GIT_SSH_COMMAND is not set (git over ssh will not "
			"reach the network)\n",
			buf);
		return NULL;
	}
	return xstrdup(buf);
}

int run_proxy_setup(const struct cli_options *o, const struct policy *policy,
		    struct run_proxy *rp, struct error *reterr)
{
	struct approver_options ao = { .kind = APPROVER_NONE, .fd = -1 };
	_cleanup_free_ char *cmdline = command_line(o->args);
	_cleanup_free_ char *exe = NULL;
	int given = !!o->approver + (o->approver_fd >= 0) + !!o->approver_cmd;
	int r;

	*rp = (struct run_proxy){ .approver_pid = -1 };
	if (given > 1)
		return error_setf(reterr, NULL, 0, 0,
				  "give only one of --approver, --approver-fd and --approver-cmd");
	if (given && policy->network.approvals != APPROVALS_ASK)
		fprintf(stderr, "cordon: warning: the profile's network approvals are \"never\": "
				"the approver will not be asked\n");
	if (o->approver) {
		ao.kind = APPROVER_TTY;
	} else if (o->approver_fd >= 0) {
		if (fcntl(o->approver_fd, F_GETFD) < 0)
			return error_setf(reterr, NULL, 0, 0,
					  "--approver-fd %d: not an open descriptor", o->approver_fd);
		ao.kind = APPROVER_JSON;
		ao.fd = o->approver_fd;
	} else if (o->approver_cmd && policy->network.approvals == APPROVALS_ASK) {
		r = spawn_approver(o->approver_cmd, &rp->approver_pid, &ao.fd, reterr);
		if (r < 0)
			return r;
		ao.kind = APPROVER_JSON;
	}
	ao.command = cmdline;
	ao.timeout = APPROVAL_TIMEOUT_SECONDS;

	struct proxy_config pc = {
		.network = &policy->network,
		.approver = ao,
		.events_file = o->events_file,
	};
	r = proxy_new(&pc, &rp->proxy, reterr);
	if (r < 0) {
		run_proxy_done(rp);
		return r;
	}
	exe = cordon_exe_for_sandbox(policy);
	rp->env = proxy_environment(proxy_http_port(rp->proxy), proxy_socks_port(rp->proxy), exe);
	rp->bridge = xmalloc(sizeof(*rp->bridge));
	*rp->bridge = NETNS_BRIDGE_INIT;
	rp->hooks = (struct sandbox_network_hooks){
		.setenv = rp->env,
		.attach = attach_proxy,
		.userdata = rp,
	};
	return 0;
}

void run_proxy_done(struct run_proxy *rp)
{
	proxy_free(rp->proxy);
	rp->proxy = NULL;
	if (rp->bridge) {
		netns_bridge_close(rp->bridge);
		free(rp->bridge);
		rp->bridge = NULL;
	}
	strv_free(rp->env);
	rp->env = NULL;
	if (rp->approver_pid > 0) {
		/* Its channel is closed now: a well-behaved approver exits on
		 * EOF. One that does not gets a second, then SIGTERM. */
		struct timespec step = { .tv_nsec = 20 * 1000 * 1000 };
		for (int i = 0; i < 50; i++) {
			if (waitpid(rp->approver_pid, NULL, WNOHANG) != 0)
				goto reaped;
			nanosleep(&step, NULL);
		}
		(void)kill(rp->approver_pid, SIGTERM);
		(void)waitpid(rp->approver_pid, NULL, 0);
reaped:
		rp->approver_pid = -1;
	}
}
