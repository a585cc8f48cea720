/* The subcommands. Each returns cordon's exit status. */
#pragma once

#include "cli/options.h"
#include "linux/backend.h"
#include "proxy/proxy.h"
#include "policy/policy.h"
#include "util/error.h"

int cmd_explain(const struct cli_options *o);
int cmd_run(const struct cli_options *o);
/* bubblewrap's command line; ARGV[0] is bwrap's own name, DISPLAY_NAME
 * what --help calls it. Returns bwrap's exit status. */
int cmd_bwrap(int argc, char **argv, const char *display_name);
/* `cordon connect HOST PORT`: ARGV[0] is "connect". */
int cmd_connect(int argc, char **argv);
int cmd_doctor(const struct cli_options *o);

/* Prints E as one "cordon: …" line on stderr and returns EXIT_CORDON. */
int cli_fail(const struct error *e);

struct sandbox_request;
/* The directories no helper binary (bwrap, rg) may come from: the
 * workspace roots and the working directory. */
char **cli_untrusted_dirs(const struct policy *p);
/* The backend request for the options O and POLICY. */
void cli_sandbox_request(const struct cli_options *o, const struct policy *policy,
			 char *const *untrusted, char *ripgrep, struct sandbox_request *ret);

/* Proxy mode for `cordon run` (run_proxy.c). */
struct netns_bridge;
struct run_proxy {
	struct proxy *proxy;
	struct netns_bridge *bridge; /* the sandbox's namespaces, once it exists */
	pid_t approver_pid; /* --approver-cmd */
	char **env;
	struct sandbox_network_hooks hooks; /* for sandbox_request.network */
};
/* Creates the proxy and its approver for POLICY (network.mode = proxy). */
int run_proxy_setup(const struct cli_options *o, const struct policy *policy,
		    struct run_proxy *ret, struct error *reterr);
/* Stops the proxy and reaps the approver. */
void run_proxy_done(struct run_proxy *rp);
