#include "proxy/domains.h"

static int compile_one(const struct domain_rule *d, struct compiled_rule *ret)
{
	const char *p = d->pattern;
	struct compiled_rule c = { .allow = d->allow, .pattern = d->pattern };

	if (strneq(p, "**.", 3)) {
		c.kind = RULE_APEX_AND_SUBDOMAINS;
		p += 3;
	} else if (strneq(p, "*.", 2)) {
		c.kind = RULE_SUBDOMAINS;
		p += 2;
	} else {
		c.kind = RULE_EXACT;
	}
	if (host_parse(p, strlen(p), &c.host) < 0)
		return -EINVAL;
	if (c.host.kind != HOST_NAME) {
		if (c.kind != RULE_EXACT)
			return -EINVAL; /* "*.10.0.0.1" means nothing */
		c.kind = RULE_ADDRESS;
	}
	*ret = c;
	return 0;
}

int domain_rules_compile(const struct domain_rule *rules, size_t n, struct domain_rules *ret,
			 struct error *reterr)
{
	struct domain_rules r = { .rules = xcalloc(n ? n : 1, sizeof(*r.rules)), .n = n };

	for (size_t i = 0; i < n; i++) {
		if (compile_one(&rules[i], &r.rules[i]) < 0) {
			const struct source_location *w = &rules[i].where;
			domain_rules_done(&r);
			return error_setf(reterr, w->file, w->line, w->column,
					  "network.domains: \"%s\" is not a host name, "
					  "\"*.name\", \"**.name\" or an IP address",
					  rules[i].pattern);
		}
	}
	*ret = r;
	return 0;
}

void domain_rules_done(struct domain_rules *r)
{
	free(r->rules);
	*r = (struct domain_rules){};
}

/* NAME is strictly below SUFFIX: "a.b.example.com" below "example.com". */
static bool is_subdomain(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s + 1 && name[n - s - 1] == '.' && streq(name + n - s, suffix);
}

static bool rule_matches(const struct compiled_rule *c, const struct host *h)
{
	switch (c->kind) {
	case RULE_ADDRESS:
		if (h->kind != c->host.kind)
			return false;
		return h->kind == HOST_IPV4 ? c->host.v4.s_addr == h->v4.s_addr
					    : memcmp(&c->host.v6, &h->v6, sizeof(h->v6)) == 0;
	case RULE_EXACT:
		return h->kind == HOST_NAME && streq(h->name, c->host.name);
	case RULE_SUBDOMAINS:
		return h->kind == HOST_NAME && is_subdomain(h->name, c->host.name);
	case RULE_APEX_AND_SUBDOMAINS:
		return h->kind == HOST_NAME &&
		       (streq(h->name, c->host.name) || is_subdomain(h->name, c->host.name));
	default:
		return false;
	}
}

enum domain_verdict domain_rules_match(const struct domain_rules *r, const struct host *h,
				       const char **ret_pattern)
{
	const char *allowed_by = NULL;

	for (size_t i = 0; i < r->n; i++) {
		if (!rule_matches(&r->rules[i], h))
			continue;
		if (!r->rules[i].allow) {
			if (ret_pattern)
				*ret_pattern = r->rules[i].pattern;
			return VERDICT_DENY;
		}
		if (!allowed_by)
			allowed_by = r->rules[i].pattern;
	}
	if (ret_pattern)
		*ret_pattern = allowed_by;
	return allowed_by ? VERDICT_ALLOW : VERDICT_UNLISTED;
}

bool domain_rules_allows_address(const struct domain_rules *r, const struct sockaddr *sa)
{
	struct host h = {};

	if (sa->sa_family == AF_INET) {
		h.kind = HOST_IPV4;
		h.v4 = ((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		h.kind = HOST_IPV6;
		h.v6 = ((const struct sockaddr_in6 *)sa)->sin6_addr;
	} else {
		return false;
	}
	return domain_rules_match(r, &h, NULL) == VERDICT_ALLOW;
}
