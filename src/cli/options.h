/* Command-line options shared by the subcommands that select a profile
 * (run, explain, doctor): they must mean the same thing everywhere. */
#pragma once

#include "policy/profile.h"
#include "util/error.h"

enum explain_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_PLAN,        /* the mount plan, one operation per line with its reason */
	FORMAT_BWRAP,       /* the exact bwrap command line `run` would use */
	FORMAT_SECCOMP_BPF, /* the compiled seccomp filter, raw, for tools and benchmarks */
	FORMAT_SEATBELT,    /* the sandbox-exec command line `run` would use on macOS */
	_FORMAT_MAX,
	_FORMAT_INVALID = -EINVAL,
};

struct cli_options {
	/* profile selection */
	const char *profile_name; /* -p/--profile */
	const char *cd;           /* -C/--cd */
	char **workspaces;        /* -w/--workspace, repeatable */
	char **config_files;      /* --config, repeatable */
	char **overrides;         /* -c KEY=VALUE, repeatable */
	const char *policy_json;  /* --policy-json JSON|@FILE */
	int network;              /* --network: enum network_mode, or -1 when not given */
	bool no_home_config;      /* --no-user-config: ignore $CORDON_HOME/config.toml */

	/* explain */
	enum explain_format format;

	/* run */
	const char *backend; /* --backend auto|bwrap|builtin|landlock */
	double timeout;      /* --timeout SECONDS; 0 = none */
	bool no_proc;        /* --no-proc */
	bool allow_weaker;   /* --allow-weaker */
	const char *approver;      /* --approver tty */
	int approver_fd;           /* --approver-fd N, -1 = none */
	const char *approver_cmd;  /* --approver-cmd CMD */
	const char *events_file;   /* --events FILE */

	/* The remaining arguments: paths for explain, the command for run. */
	char **args;
};

enum cli_command {
	CMD_RUN,
	CMD_EXPLAIN,
	CMD_DOCTOR,
};

/* Parses ARGV (argv[0] is the subcommand's name) for COMMAND. On a bad flag
 * fills *RETERR with a message naming the flag and returns -EINVAL. */
int cli_options_parse(enum cli_command command, int argc, char **argv, struct cli_options *ret,
		      struct error *reterr);
void cli_options_done(struct cli_options *o);
