/* macOS Seatbelt: a resolved policy as an SBPL profile for sandbox-exec(1),
 * and the runner that executes it (macOS only).
 *
 * The generator is pure and portable: `cordon explain --format seatbelt`
 * prints the same profile on any platform, and the unit tests check it
 * against policy_access() with an evaluator of the SBPL it emits. How each
 * policy construct maps to SBPL is written down in seatbelt.c. */
#pragma once

#include "policy/policy.h"
#include "util/error.h"

/* Executed by absolute path only, never looked up on $PATH: a sandboxed
 * command that could put a `sandbox-exec` earlier on $PATH could otherwise
 * replace the sandbox of every later run. */
#define SEATBELT_SANDBOX_EXEC "/usr/bin/sandbox-exec"

struct seatbelt_options {
	/* NETWORK_PROXY: the loopback ports of the proxy cordon started for
	 * this command. None: no connection at all is allowed. */
	const unsigned *proxy_ports;
	size_t n_proxy_ports;
};

struct seatbelt_profile {
	char *text;    /* the SBPL profile; no path of the policy is in it */
	char **params; /* "NAME=VALUE", each passed as `-D NAME=VALUE` */
	char **setenv; /* "NAME=VALUE" for the command's environment */
};

/* Builds the profile for policy P. Fails (-EINVAL, RETERR set) only for a
 * policy it cannot express. */
int seatbelt_profile_build(const struct policy *p, const struct seatbelt_options *o,
			   struct seatbelt_profile **ret, struct error *reterr);
void seatbelt_profile_free(struct seatbelt_profile *sp);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct seatbelt_profile *, seatbelt_profile_free)
#define _cleanup_seatbelt_profile_free_ _cleanup_(seatbelt_profile_freep)

/* The argv `cordon run` executes: SEATBELT_SANDBOX_EXEC, `-D NAME=VALUE`
 * for each parameter, `-p PROFILE`, `--`, then COMMAND. */
char **seatbelt_argv(const struct seatbelt_profile *sp, char *const *command);
/* The same as one POSIX shell command (`env` + the environment cordon
 * adds + that argv, quoted, one option per line), for `cordon explain
 * --format seatbelt`: pasted into a shell on a Mac it runs what `cordon
 * run` runs. */
char *seatbelt_shell_command(const struct seatbelt_profile *sp, char *const *command);

/* PATH (absolute, canonical) as macOS spells it canonically: /tmp, /var
 * and /etc are symlinks into /private there, and Seatbelt matches the
 * resolved path. A policy resolved on macOS already has these spellings;
 * one resolved elsewhere (explain on Linux, the tests) gets them here. */
char *seatbelt_macos_path(const char *path);

/* The policy the profile enforces: P with every path in its macOS
 * spelling and `:minimal` as seatbelt_minimal_paths (instead of the list
 * the resolver used), entries sorted. policy_access() over it is exactly
 * what the profile decides (tests/unit/test_seatbelt.c checks that). */
struct policy *seatbelt_macos_policy(const struct policy *p);

/* What `:minimal` grants on macOS (NULL-terminated); see seatbelt.c. */
extern const char *const seatbelt_minimal_paths[];

/* The loopback ports of the proxy URLs in SETENV ("HTTP_PROXY=http://
 * 127.0.0.1:3128", "ALL_PROXY=socks5h://localhost:1080"), each once, in
 * order. A proxy variable naming a host other than the loopback is an
 * error: the profile could not let the command reach it. */
int seatbelt_proxy_ports(char *const *setenv, unsigned **ret, size_t *ret_n,
			 struct error *reterr);

struct sandbox_request;
/* macOS only: runs the request under sandbox-exec and waits for it; sets
 * *RET_STATUS to the status cordon exits with. */
int seatbelt_run(const struct sandbox_request *req, int *ret_status, struct error *reterr);
