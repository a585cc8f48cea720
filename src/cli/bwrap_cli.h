/* bubblewrap's command line (as of bwrap 0.8.0, plus --argv0), parsed into
 * cordon's mount plan and process options, for `cordon bwrap` and for cordon
 * invoked under the name bwrap. Pure: no syscalls but through the
 * callbacks in struct bwrap_cli_env, so it is unit-tested and fuzzable.
 *
 * The semantics are bwrap's, option by option: ops in command-line order;
 * --perms and --size apply to the next op that takes them; --setenv,
 * --unsetenv and --clearenv edit the environment in order; the last of a
 * repeated single-valued option wins, with bwrap's warning. Options cordon
 * does not implement (--userns, --userns2, --pidns, --exec-label,
 * --file-label) are refused by name. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"
#include "util/error.h"

struct bwrap_cli_env {
	char *const *environ; /* the environment the command starts from */
	uint64_t caps;        /* what --cap-add/--cap-drop start from (root: its own) */
	/* --args FD: the NUL-separated arguments in FD (*RET_DATA is the
	 * caller's to free). 0 or -errno. */
	int (*read_fd)(void *userdata, int fd, char **ret_data, size_t *ret_len);
	void *userdata;
};

struct bwrap_cmdline {
	struct mount_plan *plan; /* ops, chdir */
	struct sandbox_process proc;
	char **argv;     /* the command */
	char **warnings; /* bwrap's warnings, without its "bwrap: " prefix */
	bool help;       /* --help: print the usage, exit 0 */
	bool version;    /* --version */
};

/* Parses ARGV (ARGC elements, without bwrap's own argv[0]). On an error
 * fills *RETERR with bwrap's message and returns -EINVAL (bwrap exits 1). */
int bwrap_cli_parse(int argc, char *const *argv, const struct bwrap_cli_env *env,
		    struct bwrap_cmdline *ret, struct error *reterr);
void bwrap_cmdline_done(struct bwrap_cmdline *c);
/* Whether S is one of bwrap's options (not --help or --version): an
 * argument list that starts with one is bwrap's syntax even when cordon
 * was started under another name (bwrap's tests re-run it as
 * /proc/self/exe). */
bool bwrap_cli_is_option(const char *s);
/* The usage text, for --help (to stdout) and for a missing command. */
void bwrap_cli_usage(FILE *f, const char *argv0);
/* Capability number for NAME ("cap_kill", "CAP_KILL" or "5"), or -EINVAL. */
int bwrap_cap_from_name(const char *name);
