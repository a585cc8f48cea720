/* The profile's domain rules, compiled once, and the verdict for a host
 * (DESIGN.md §2 "Network policy"). Pure. */
#pragma once

#include <sys/socket.h>

#include "policy/profile.h"
#include "proxy/host.h"
#include "util/error.h"

enum rule_kind {
	RULE_EXACT,      /* "example.com": that name only */
	RULE_SUBDOMAINS, /* "*.example.com": names below it, not the name itself */
	RULE_APEX_AND_SUBDOMAINS, /* "**.example.com": the name and names below it */
	RULE_ADDRESS,    /* an IPv4 or IPv6 literal: that address only */
	_RULE_KIND_MAX,
	_RULE_KIND_INVALID = -EINVAL,
};

struct compiled_rule {
	enum rule_kind kind;
	bool allow;
	struct host host;      /* the name (without "*." / "**.") or the address */
	const char *pattern;   /* as written, owned by the policy */
};

struct domain_rules {
	struct compiled_rule *rules;
	size_t n;
};

enum domain_verdict {
	VERDICT_UNLISTED, /* on neither list: deny, or ask the approver */
	VERDICT_ALLOW,
	VERDICT_DENY,
	_DOMAIN_VERDICT_MAX,
	_DOMAIN_VERDICT_INVALID = -EINVAL,
};

/* Compiles the N rules of a profile. Patterns are normalised like hosts
 * (host_parse). A pattern that is none of the four forms is an error that
 * names it and where it was written: a rule that silently matches nothing
 * would turn a deny into a question. */
int domain_rules_compile(const struct domain_rule *rules, size_t n, struct domain_rules *ret,
			 struct error *reterr);
void domain_rules_done(struct domain_rules *r);

/* Deny wins over allow whatever the order or the specificity; an IP
 * literal is matched only by an address rule (never by "*." patterns).
 * *RET_PATTERN (when not NULL) gets the deciding rule's pattern, or NULL. */
enum domain_verdict domain_rules_match(const struct domain_rules *r, const struct host *h,
				       const char **ret_pattern);
/* Whether an allow rule names the address SA itself: such a destination
 * passes the address guard (addr_class.h) even when it is private. */
bool domain_rules_allows_address(const struct domain_rules *r, const struct sockaddr *sa);
