#include <getopt.h>
#include <math.h>

#include "cli/options.h"
#include "util/strv.h"

enum {
	OPT_CONFIG = 0x100,
	OPT_POLICY_JSON,
	OPT_NETWORK,
	OPT_NO_USER_CONFIG,
	OPT_JSON,
	OPT_FORMAT,
	OPT_BACKEND,
	OPT_TIMEOUT,
	OPT_NO_PROC,
	OPT_ALLOW_WEAKER,
	OPT_APPROVER,
	OPT_APPROVER_FD,
	OPT_APPROVER_CMD,
	OPT_EVENTS,
};

/* Which subcommands accept an option; everything else is refused by name. */
#define FOR_ALL     ((1u << CMD_RUN) | (1u << CMD_EXPLAIN) | (1u << CMD_DOCTOR))
#define FOR_RUN     (1u << CMD_RUN)
#define FOR_EXPLAIN (1u << CMD_EXPLAIN)
#define FOR_RUN_EXPLAIN ((1u << CMD_RUN) | (1u << CMD_EXPLAIN))
#define FOR_DOCTOR  (1u << CMD_DOCTOR)

static const struct option long_options[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "cd", required_argument, NULL, 'C' },
	{ "workspace", required_argument, NULL, 'w' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "policy-json", required_argument, NULL, OPT_POLICY_JSON },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "no-user-config", no_argument, NULL, OPT_NO_USER_CONFIG },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "no-proc", no_argument, NULL, OPT_NO_PROC },
	{ "allow-weaker", no_argument, NULL, OPT_ALLOW_WEAKER },
	{ "approver", required_argument, NULL, OPT_APPROVER },
	{ "approver-fd", required_argument, NULL, OPT_APPROVER_FD },
	{ "approver-cmd", required_argument, NULL, OPT_APPROVER_CMD },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static unsigned option_scope(int c)
{
	switch (c) {
	case 'p':
	case 'C':
	case 'w':
	case 'c':
	case OPT_CONFIG:
	case OPT_POLICY_JSON:
	case OPT_NETWORK:
	case OPT_NO_USER_CONFIG:
	case OPT_BACKEND:
		return FOR_ALL;
	case OPT_JSON:
		return FOR_EXPLAIN | FOR_DOCTOR;
	case OPT_FORMAT:
		return FOR_EXPLAIN;
	case OPT_ALLOW_WEAKER:
		return FOR_RUN_EXPLAIN;
	default:
		return FOR_RUN;
	}
}

static const char *option_name(int c, int longindex, char *buf, size_t n)
{
	if (longindex >= 0)
		snprintf(buf, n, "--%s", long_options[longindex].name);
	else if (c > 0 && c < 0x100)
		snprintf(buf, n, "-%c", c);
	else
		for (const struct option *o = long_options; o->name; o++)
			if (o->val == c) {
				snprintf(buf, n, "--%s", o->name);
				break;
			}
	return buf;
}

static const char *const command_names[] = {
	[CMD_RUN] = "run",
	[CMD_EXPLAIN] = "explain",
	[CMD_DOCTOR] = "doctor",
};

static int parse_format(const char *s)
{
	static const char *const names[_FORMAT_MAX] = {
		[FORMAT_TEXT] = "text",
		[FORMAT_JSON] = "json",
		[FORMAT_PLAN] = "plan",
		[FORMAT_BWRAP] = "bwrap",
		[FORMAT_SECCOMP_BPF] = "seccomp-bpf",
		[FORMAT_SEATBELT] = "seatbelt",
	};
	for (int i = 0; i < _FORMAT_MAX; i++)
		if (names[i] && streq(s, names[i]))
			return i;
	return -EINVAL;
}

int cli_options_parse(enum cli_command command, int argc, char **argv, struct cli_options *ret,
		      struct error *reterr)
{
	struct cli_options o = {
		.network = -1,
		.approver_fd = -1,
		.format = FORMAT_TEXT,
	};
	char name[64];
	int c, longindex;
	int r = 0;

	/* "+": stop at the first non-option, so `cordon run ls -l` leaves "-l" to ls. */
	optind = 0;
	opterr = 0;
	while ((longindex = -1, c = getopt_long(argc, argv, "+p:C:w:c:h", long_options,
						 &longindex)) != -1) {
		if (c == '?') {
			if (optopt && optopt < 0x100)
				r = error_setf(reterr, NULL, 0, 0, "-%c: unknown option or missing value",
					       optopt);
			else
				r = error_setf(reterr, NULL, 0, 0, "%s: unknown option or missing value",
					       argv[optind - 1]);
			goto fail;
		}
		if (c == 'h') {
			r = error_setf_errno(reterr, -EAGAIN, NULL, 0, 0, "help");
			goto fail;
		}
		option_name(c, longindex, name, sizeof(name));
		if (!(option_scope(c) & (1u << command))) {
			r = error_setf(reterr, NULL, 0, 0, "%s: not an option of 'cordon %s'", name,
				       command_names[command]);
			goto fail;
		}
		switch (c) {
		case 'p':
			o.profile_name = optarg;
			break;
		case 'C':
			o.cd = optarg;
			break;
		case 'w':
			strv_push(&o.workspaces, optarg);
			break;
		case 'c':
			strv_push(&o.overrides, optarg);
			break;
		case OPT_CONFIG:
			strv_push(&o.config_files, optarg);
			break;
		case OPT_POLICY_JSON:
			o.policy_json = optarg;
			break;
		case OPT_NETWORK:
			o.network = network_mode_from_string(optarg);
			if (o.network < 0) {
				r = error_setf(reterr, NULL, 0, 0,
					       "--network: expected off, on or proxy; got \"%s\"", optarg);
				goto fail;
			}
			break;
		case OPT_NO_USER_CONFIG:
			o.no_home_config = true;
			break;
		case OPT_JSON:
			o.format = FORMAT_JSON;
			break;
		case OPT_FORMAT: {
			int f = parse_format(optarg);
			if (f < 0) {
				r = error_setf(reterr, NULL, 0, 0,
					       "--format: expected text, json, plan, bwrap, seccomp-bpf or seatbelt; got \"%s\"",
					       optarg);
				goto fail;
			}
			o.format = (enum explain_format)f;
			break;
		}
		case OPT_BACKEND:
			if (!streq(optarg, "auto") && !streq(optarg, "bwrap") &&
			    !streq(optarg, "builtin")) {
				r = error_setf(reterr, NULL, 0, 0,
					       "--backend: expected auto, bwrap or builtin; got \"%s\"",
					       optarg);
				goto fail;
			}
			o.backend = optarg;
			break;
		case OPT_TIMEOUT: {
			char *end;
			errno = 0;
			double t = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(t) || t <= 0 || t > 1e9) {
				r = error_setf(reterr, NULL, 0, 0,
					       "--timeout: expected a positive number of seconds; got \"%s\"",
					       optarg);
				goto fail;
			}
			o.timeout = t;
			break;
		}
		case OPT_NO_PROC:
			o.no_proc = true;
			break;
		case OPT_ALLOW_WEAKER:
			o.allow_weaker = true;
			break;
		case OPT_APPROVER:
			if (!streq(optarg, "tty")) {
				r = error_setf(reterr, NULL, 0, 0, "--approver: expected tty; got \"%s\"",
					       optarg);
				goto fail;
			}
			o.approver = optarg;
			break;
		case OPT_APPROVER_FD: {
			char *end;
			errno = 0;
			long fd = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || fd < 0 || fd > 65535) {
				r = error_setf(reterr, NULL, 0, 0,
					       "--approver-fd: expected a file descriptor number; got \"%s\"",
					       optarg);
				goto fail;
			}
			o.approver_fd = (int)fd;
			break;
		}
		case OPT_APPROVER_CMD:
			o.approver_cmd = optarg;
			break;
		case OPT_EVENTS:
			o.events_file = optarg;
			break;
		}
	}

	for (int i = optind; i < argc; i++)
		strv_push(&o.args, argv[i]);

	if (command == CMD_RUN && strv_length(o.args) == 0) {
		r = error_setf(reterr, NULL, 0, 0, "run: no command given (usage: cordon run [OPTIONS] [--] COMMAND [ARG...])");
		goto fail;
	}
	if (command == CMD_DOCTOR && o.args) {
		r = error_setf(reterr, NULL, 0, 0, "doctor: unexpected argument \"%s\"", o.args[0]);
		goto fail;
	}
	*ret = o;
	return 0;

fail:
	cli_options_done(&o);
	return r;
}

void cli_options_done(struct cli_options *o)
{
	strv_free(o->workspaces);
	strv_free(o->config_files);
	strv_free(o->overrides);
	strv_free(o->args);
	*o = (struct cli_options){ 0 };
}
