/* `cordon bwrap ARGS...`, and cordon started under the name bwrap:
 * bubblewrap's command line, run by the builtin executor. Errors and exit
 * statuses are bwrap's: one "bwrap: ..." line and exit 1 when cordon
 * refuses or cannot set up the sandbox; the command's status otherwise. */
#include <fcntl.h>

#include "cli/bwrap_cli.h"
#include "cli/commands.h"
#include "cordon-config.h"
#include "linux/bwrap_monitor.h"
#include "linux/caps.h"
#include "util/fs.h"
#include "util/strv.h"

extern char **environ;

/* The version bwrap's option set matches, for tools that check it. */
#define BWRAP_COMPAT_VERSION "0.8.0"
/* Most an --args descriptor may hold. */
#define BWRAP_FD_MAX (64u << 20)

/* --args FD: the whole descriptor, then it is closed, as bwrap does. */
static int read_args_fd(void *userdata, int fd, char **ret_data, size_t *ret_len)
{
	int r = read_fd_max(fd, BWRAP_FD_MAX, ret_data, ret_len);

	close(fd);
	return r;
}

static int die(const char *msg)
{
	fprintf(stderr, "bwrap: %s\n", msg);
	return 1;
}

/* bwrap's checks of option combinations, made before anything starts. */
static const char *check_combinations(struct sandbox_process *p)
{
	bool root = getuid() == 0;

	if (p->userns_block_fd >= 0 && !p->unshare_user)
		return "--userns-block-fd requires --unshare-user";
	if (p->userns_block_fd >= 0 && p->info_fd < 0)
		return "--userns-block-fd requires --info-fd";
	if (p->disable_userns && !p->unshare_user)
		return "--disable-userns requires --unshare-user";
	/* Only root can do anything without a user namespace. */
	if (!root)
		p->unshare_user = true;
	if (!p->unshare_user && !p->unshare_user_try) {
		if (p->uid != SANDBOX_ID_CALLER && p->uid != getuid())
			return "Specifying --uid requires --unshare-user or --userns";
		if (p->gid != SANDBOX_ID_CALLER && p->gid != getgid())
			return "Specifying --gid requires --unshare-user or --userns";
	}
	if (p->hostname && !p->unshare_uts)
		return "Specifying --hostname requires --unshare-uts";
	if (p->as_pid_1 && !p->unshare_pid)
		return "Specifying --as-pid-1 requires --unshare-pid";
	if (p->as_pid_1 && p->lock_files)
		return "Specifying --as-pid-1 and --lock-file is not permitted";
	if (strv_length(p->lock_files) > 64)
		return "too many --lock-file options (64 at most)";
	return NULL;
}

int cmd_bwrap(int argc, char **argv, const char *display_name)
{
	struct bwrap_cmdline cl = {};
	struct error err = {};
	uint64_t caps = 0;
	int status = 1, r;

	/* Answered before anything else, as bwrap does (flatpak's build
	 * runs `bwrap --version` in places where nothing else would work). */
	if (argc == 2 && streq(argv[1], "--version")) {
		printf("bubblewrap %s (cordon %s)\n", BWRAP_COMPAT_VERSION, CORDON_VERSION);
		return 0;
	}
	/* A caller that is root starts with its own capabilities (bwrap). */
	if (getuid() == 0 && caps_get_effective(&caps) < 0)
		caps = 0;
	struct bwrap_cli_env env = { .environ = environ, .caps = caps, .read_fd = read_args_fd };
	r = bwrap_cli_parse(argc - 1, argv + 1, &env, &cl, &err);
	if (r < 0)
		return die(err.message);
	STRV_FOREACH (w, cl.warnings)
		fprintf(stderr, "bwrap: %s\n", *w);
	if (cl.help) {
		bwrap_cli_usage(stdout, display_name);
		bwrap_cmdline_done(&cl);
		return 0;
	}
	if (cl.version) {
		printf("bubblewrap %s (cordon %s)\n", BWRAP_COMPAT_VERSION, CORDON_VERSION);
		bwrap_cmdline_done(&cl);
		return 0;
	}
	if (!cl.argv) {
		bwrap_cli_usage(stderr, display_name);
		bwrap_cmdline_done(&cl);
		return 1;
	}
	const char *bad = check_combinations(&cl.proc);
	if (bad) {
		bwrap_cmdline_done(&cl);
		return die(bad);
	}
	r = bwrap_monitor_run(cl.plan, &cl.proc, cl.argv, &status, &err);
	bwrap_cmdline_done(&cl);
	if (r < 0)
		return die(err.message);
	return status;
}
