/* cordon: run a command inside the sandbox its permission profile describes.
 * This file only dispatches; the subcommands live next to it. */
#include <libgen.h>

#include "cordon-config.h"
#include "cli/bwrap_cli.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "util/macros.h"

static const char usage[] =
	"usage: cordon COMMAND [OPTIONS] [ARGS...]\n"
	"\n"
	"commands:\n"
	"  run [OPTIONS] [--] COMMAND [ARG...]\n"
	"                                run COMMAND in the sandbox of the selected profile\n"
	"  explain [OPTIONS] [PATH...]   show the resolved policy, or the access of each PATH\n"
	"  bwrap [BWRAP-OPTIONS] [--] COMMAND [ARG...]\n"
	"                                bubblewrap's command line, run by cordon itself\n"
	"  connect HOST PORT             relay stdin/stdout to HOST:PORT through the sandbox's\n"
	"                                proxy (for ssh's ProxyCommand, inside proxy-mode sandboxes)\n"
	"  doctor [OPTIONS]              what this machine lets cordon do, and the backend\n"
	"                                `run` would use (exit 1 when none can)\n"
	"  version                       print the version\n"
	"\n"
	"profile options (run, explain, doctor):\n"
	"  -p, --profile NAME      profile to use (default: default_permissions, else :workspace)\n"
	"  -C, --cd DIR            working directory and first workspace root\n"
	"  -w, --workspace DIR     another workspace root (repeatable)\n"
	"      --config FILE       read FILE after $CORDON_HOME/config.toml (repeatable)\n"
	"  -c KEY=VALUE            override a config key with a TOML value (repeatable)\n"
	"      --policy-json JSON  the whole profile as JSON (or @FILE)\n"
	"      --network MODE      off, on or proxy\n"
	"      --no-user-config    do not read $CORDON_HOME/config.toml\n"
	"      --json              machine-readable output (explain, doctor)\n"
	"      --format FORMAT     explain: text, json, plan (the mount plan), bwrap (the exact\n"
	"                          bwrap command line), seatbelt (the macOS sandbox-exec\n"
	"                          command line), seccomp-bpf (the compiled filter)\n"
	"\n"
	"run options:\n"
	"      --backend NAME      auto (default), bwrap, builtin or landlock\n"
	"      --allow-weaker      landlock: run even where it cannot enforce a carve-out\n"
	"      --timeout SECONDS   kill the whole sandbox after SECONDS (exit 124)\n"
	"      --no-proc           do not mount a /proc in the sandbox\n"
	"      --approver tty      ask on /dev/tty about hosts on neither list (approvals = \"ask\")\n"
	"      --approver-fd N     ask a program over descriptor N (JSON lines, read and written)\n"
	"      --approver-cmd CMD  ask the program CMD (sh -c) over its stdin and stdout\n"
	"      --events FILE       append one JSON line per network decision to FILE\n"
	"\n"
	"exit status: the command's own; 125 cordon failed (bad config, sandbox setup);\n"
	"126 not executable; 127 not found; 124 timeout.\n";

static int run_subcommand(enum cli_command command, int argc, char **argv)
{
	struct cli_options o = {};
	struct error err = {};
	int r;

	r = cli_options_parse(command, argc, argv, &o, &err);
	if (r == -EAGAIN) {
		fputs(usage, stdout);
		error_clear(&err);
		return 0;
	}
	if (r < 0) {
		r = cli_fail(&err);
		error_clear(&err);
		return r;
	}
	switch (command) {
	case CMD_EXPLAIN:
		r = cmd_explain(&o);
		break;
	case CMD_RUN:
		r = cmd_run(&o);
		break;
	case CMD_DOCTOR:
		r = cmd_doctor(&o);
		break;
	default:
		r = EXIT_CORDON;
		break;
	}
	cli_options_done(&o);
	return r;
}

int main(int argc, char **argv)
{
	/* Started as bwrap (a symlink named bwrap), or with bwrap's options
	 * where a subcommand would be (bwrap's tests re-run the binary as
	 * /proc/self/exe): bubblewrap's command line. */
	_cleanup_free_ char *copy = xstrdup(argc > 0 ? argv[0] : "cordon");
	if (streq(basename(copy), "bwrap") || (argc > 1 && bwrap_cli_is_option(argv[1])))
		return cmd_bwrap(argc, argv, argc > 0 ? argv[0] : "bwrap");
	if (argc >= 2 && streq(argv[1], "bwrap"))
		return cmd_bwrap(argc - 1, argv + 1, "cordon bwrap");

	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_CORDON;
	}
	const char *cmd = argv[1];
	if (streq(cmd, "run"))
		return run_subcommand(CMD_RUN, argc - 1, argv + 1);
	if (streq(cmd, "explain"))
		return run_subcommand(CMD_EXPLAIN, argc - 1, argv + 1);
	if (streq(cmd, "connect"))
		return cmd_connect(argc - 1, argv + 1);
	if (streq(cmd, "doctor"))
		return run_subcommand(CMD_DOCTOR, argc - 1, argv + 1);
	if (streq(cmd, "version") || streq(cmd, "--version")) {
		printf("cordon %s\n", CORDON_VERSION);
		return 0;
	}
	if (streq(cmd, "help") || streq(cmd, "--help") || streq(cmd, "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "cordon: %s: unknown command (try 'cordon help')\n", cmd);
	return EXIT_CORDON;
}
