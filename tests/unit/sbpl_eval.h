/* A small evaluator of the SBPL subset cordon's Seatbelt generator emits,
 * used as an oracle in the tests (nothing here runs on macOS).
 *
 * Semantics modelled (Apple's profiles and sandbox-exec(1) behaviour):
 *  - a profile is `(version 1)` then rules `(allow OP... FILTER...)` and
 *    `(deny OP... FILTER...)`; `default` as an operation matches every
 *    operation; a trailing `*` makes an operation a prefix ("file*" covers
 *    "file-read-data", "file-read*" covers "file-read-metadata");
 *  - the last rule whose operation and filter match decides; several
 *    filters in one rule match when any does; no filter matches always;
 *  - filters: (subpath S) the path S or below, (literal S) exactly S,
 *    (regex S) POSIX extended regex search (regcomp(3), C locale),
 *    (require-all F...), (require-any F...), (require-not F),
 *    (global-name S), (sysctl-name-prefix S), (target same-sandbox),
 *    (remote ip "HOST:PORT"),
 *    (local ip "HOST:PORT") with HOST localhost or *, PORT a number or *;
 *  - expressions: "strings", #"raw strings", (param "NAME") (unset is an
 *    error, as sandbox-exec refuses it), (string-append E...).
 * Anything else (an unknown form, filter or operation) is a compile error,
 * so the generator cannot emit something the oracle does not understand. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct sbpl_profile;

struct sbpl_query {
	const char *op;     /* "file-read-data", "network-outbound", "mach-lookup", … */
	const char *path;   /* file operations */
	const char *name;   /* mach-lookup: the global name; sysctl-read: the sysctl */
	const char *remote; /* network-outbound: "localhost:8080" or "example.com:443" */
	const char *local;  /* network-bind / network-inbound */
	bool same_sandbox;  /* signal / process-info*: the target is in this sandbox */
};

/* Compiles TEXT with PARAMS ("NAME=VALUE", NULL-terminated). On failure
 * returns -EINVAL and writes a message into ERR. */
int sbpl_compile(const char *text, char *const *params, struct sbpl_profile **ret, char *err,
		 size_t errlen);
void sbpl_free(struct sbpl_profile *p);
/* Whether the profile allows Q. */
bool sbpl_allows(const struct sbpl_profile *p, const struct sbpl_query *q);
/* The number of rules (for tests of the evaluator itself). */
size_t sbpl_rule_count(const struct sbpl_profile *p);
