/* Host normalisation, domain rules and the address guard, table-driven. */
#include <criterion/criterion.h>

#include <arpa/inet.h>

#include "proxy/addr_class.h"
#include "proxy/domains.h"
#include "proxy/host.h"

static const struct {
	const char *in;
	int ret;
	enum host_kind kind;
	const char *norm;
} host_cases[] = {
	{ "example.com", 0, HOST_NAME, "example.com" },
	{ "Example.COM", 0, HOST_NAME, "example.com" },
	{ "example.com.", 0, HOST_NAME, "example.com" },
	{ "xn--bcher-kva.example", 0, HOST_NAME, "xn--bcher-kva.example" },
	{ "a-b.c_d.example", 0, HOST_NAME, "a-b.c_d.example" },
	{ "localhost", 0, HOST_NAME, "localhost" },
	{ "10.0.0.1", 0, HOST_IPV4, "10.0.0.1" },
	{ "::1", 0, HOST_IPV6, "::1" },
	{ "[::1]", 0, HOST_IPV6, "::1" },
	{ "[0:0::1]", 0, HOST_IPV6, "::1" },
	{ "[::FFFF:127.0.0.1]", 0, HOST_IPV6, "::ffff:127.0.0.1" },
	{ "2001:DB8::1", 0, HOST_IPV6, "2001:db8::1" },
	{ "", -EINVAL },
	{ ".", -EINVAL },
	{ "example..com", -EINVAL },
	{ ".example.com", -EINVAL },
	{ "example.com..", -EINVAL },
	{ "-a.example", -EINVAL },
	{ "a-.example", -EINVAL },
	{ "bücher.example", -EINVAL },
	{ "exa mple.com", -EINVAL },
	{ "exa%2ecom", -EINVAL },
	{ "evil.com/x", -EINVAL },
	{ "user@host", -EINVAL },
	{ "host:80", -EINVAL },
	{ "127.1", -EINVAL },
	{ "0x7f.1", -EINVAL },
	{ "2130706433", -EINVAL },
	{ "0x7f000001", -EINVAL },
	{ "127.0.0.01", -EINVAL },
	{ "1.2.3.4.5", -EINVAL },
	{ "[::1", -EINVAL },
	{ "[]", -EINVAL },
	{ "[10.0.0.1]", -EINVAL },
	{ "fe80::1%eth0", -EINVAL },
	{ "[fe80::1%25eth0]", -EINVAL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", -EINVAL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 0, HOST_NAME,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com" },
};

Test(host, parse_and_normalise)
{
	for (size_t i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++) {
		struct host h;
		int r = host_parse(host_cases[i].in, strlen(host_cases[i].in), &h);
		cr_assert_eq(r, host_cases[i].ret, "case %zu (%s): got %d", i, host_cases[i].in, r);
		if (r == 0) {
			cr_assert_eq(h.kind, host_cases[i].kind, "case %zu (%s)", i, host_cases[i].in);
			cr_assert_str_eq(h.name, host_cases[i].norm, "case %zu", i);
		}
	}
}

Test(host, too_long_and_embedded_nul)
{
	char name[300];
	struct host h;

	/* 4 labels of 63 + dots = 255 > 253. */
	memset(name, 'a', sizeof(name));
	for (int i = 63; i < 255; i += 64)
		name[i] = '.';
	cr_assert_eq(host_parse(name, 255, &h), -EINVAL);
	cr_assert_eq(host_parse(name, 253, &h), 0);
	cr_assert_eq(host_parse("a\0b.com", 7, &h), -EINVAL);
}

static struct domain_rule mk(const char *pattern, bool allow)
{
	return (struct domain_rule){ .pattern = (char *)pattern, .allow = allow };
}

enum { U = VERDICT_UNLISTED, A = VERDICT_ALLOW, D = VERDICT_DENY };

Test(domains, match_table)
{
	struct domain_rule rules[] = {
		mk("example.com", true),        mk("*.sub.test", true),
		mk("**.apex.test", true),       mk("bad.apex.test", false),
		mk("**.evil.test", false),      mk("ok.evil.test", true),
		mk("10.1.2.3", true),           mk("[2001:db8::7]", true),
		mk("Upper.Case.", true),        mk("*.both.test", true),
		mk("both.test", false),
	};
	static const struct {
		const char *host;
		int want;
		const char *pattern;
	} cases[] = {
		{ "example.com", A, "example.com" },
		{ "EXAMPLE.com.", A, "example.com" },
		{ "www.example.com", U, NULL },
		{ "notexample.com", U, NULL },
		{ "sub.test", U, NULL },
		{ "a.sub.test", A, "*.sub.test" },
		{ "a.b.sub.test", A, "*.sub.test" },
		{ "xsub.test", U, NULL },
		{ "apex.test", A, "**.apex.test" },
		{ "w.apex.test", A, "**.apex.test" },
		{ "bad.apex.test", D, "bad.apex.test" },  /* deny wins over a wider allow */
		{ "x.bad.apex.test", A, "**.apex.test" },
		{ "evil.test", D, "**.evil.test" },
		{ "ok.evil.test", D, "**.evil.test" },    /* deny wins over a narrower allow */
		{ "10.1.2.3", A, "10.1.2.3" },
		{ "10.1.2.4", U, NULL },
		{ "2001:db8::7", A, "[2001:db8::7]" },
		{ "[2001:0db8:0::7]", A, "[2001:db8::7]" },
		{ "upper.case", A, "Upper.Case." },
		{ "both.test", D, "both.test" },
		{ "x.both.test", A, "*.both.test" },
		{ "com", U, NULL },
	};
	struct domain_rules dr;
	struct error err = {};

	cr_assert_eq(domain_rules_compile(rules, sizeof(rules) / sizeof(rules[0]), &dr, &err), 0,
		     "%s", err.message);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct host h;
		const char *pattern = NULL;
		cr_assert_eq(host_parse(cases[i].host, strlen(cases[i].host), &h), 0, "case %zu", i);
		int got = domain_rules_match(&dr, &h, &pattern);
		cr_assert_eq(got, cases[i].want, "case %zu (%s): got %d", i, cases[i].host, got);
		if (cases[i].pattern)
			cr_assert_str_eq(pattern, cases[i].pattern, "case %zu", i);
		else
			cr_assert_null(pattern, "case %zu", i);
	}
	domain_rules_done(&dr);
}

Test(domains, names_never_match_addresses)
{
	/* "*.0.0.1" is refused; a name rule never matches an IP literal. */
	struct domain_rule bad[] = { mk("*.0.0.1", true) };
	struct domain_rule bad2[] = { mk("foo*bar.com", true) };
	struct domain_rule bad3[] = { mk("*", true) };
	struct domain_rule bad4[] = { mk("**", true) };
	struct domain_rules dr;
	struct error err = {};

	cr_assert_lt(domain_rules_compile(bad, 1, &dr, &err), 0);
	cr_assert(strstr(err.message, "*.0.0.1"), "%s", err.message);
	cr_assert_lt(domain_rules_compile(bad2, 1, &dr, &err), 0);
	cr_assert_lt(domain_rules_compile(bad3, 1, &dr, &err), 0);
	cr_assert_lt(domain_rules_compile(bad4, 1, &dr, &err), 0);
}

static struct sockaddr_storage sa_of(const char *s)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
	} else {
		cr_assert_eq(inet_pton(AF_INET6, s, &in6->sin6_addr), 1, "%s", s);
		in6->sin6_family = AF_INET6;
	}
	return ss;
}

Test(addr_class, table)
{
	static const struct {
		const char *addr;
		enum addr_class want;
	} cases[] = {
		{ "8.8.8.8", ADDR_PUBLIC },
		{ "198.51.100.10", ADDR_PUBLIC }, /* documentation: not local */
		{ "0.0.0.0", ADDR_UNSPECIFIED },
		{ "0.1.2.3", ADDR_UNSPECIFIED },
		{ "127.0.0.1", ADDR_LOOPBACK },
		{ "127.255.0.9", ADDR_LOOPBACK },
		{ "10.0.0.1", ADDR_PRIVATE },
		{ "172.16.0.1", ADDR_PRIVATE },
		{ "172.31.255.255", ADDR_PRIVATE },
		{ "172.32.0.1", ADDR_PUBLIC },
		{ "192.168.1.1", ADDR_PRIVATE },
		{ "169.254.169.254", ADDR_LINK_LOCAL },
		{ "100.64.0.1", ADDR_CGNAT },
		{ "100.127.255.255", ADDR_CGNAT },
		{ "100.128.0.1", ADDR_PUBLIC },
		{ "224.0.0.1", ADDR_MULTICAST },
		{ "239.255.255.250", ADDR_MULTICAST },
		{ "240.0.0.1", ADDR_RESERVED },
		{ "255.255.255.255", ADDR_RESERVED },
		{ "192.0.0.170", ADDR_RESERVED },
		{ "198.18.0.1", ADDR_RESERVED },
		{ "::", ADDR_UNSPECIFIED },
		{ "::1", ADDR_LOOPBACK },
		{ "fe80::1", ADDR_LINK_LOCAL },
		{ "febf::1", ADDR_LINK_LOCAL },
		{ "fec0::1", ADDR_PRIVATE },
		{ "fc00::1", ADDR_PRIVATE },
		{ "fd00:ec2::254", ADDR_PRIVATE },
		{ "ff02::1", ADDR_MULTICAST },
		{ "::ffff:127.0.0.1", ADDR_LOOPBACK },
		{ "::ffff:169.254.169.254", ADDR_LINK_LOCAL },
		{ "::ffff:8.8.8.8", ADDR_PUBLIC },
		{ "::10.0.0.1", ADDR_PRIVATE },
		{ "64:ff9b::a00:1", ADDR_PRIVATE },
		{ "64:ff9b::808:808", ADDR_PUBLIC },
		{ "2002:7f00:1::", ADDR_LOOPBACK },
		{ "2002:0808:0808::1", ADDR_PUBLIC },
		{ "100::1", ADDR_RESERVED },
		{ "2001:db8::1", ADDR_PUBLIC },
		{ "2606:4700::1111", ADDR_PUBLIC },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss = sa_of(cases[i].addr);
		enum addr_class got = addr_classify((struct sockaddr *)&ss);
		cr_assert_eq(got, cases[i].want, "case %zu (%s): got %s", i, cases[i].addr,
			     addr_class_to_string(got));
	}
}

Test(domains, explicit_address_passes_guard)
{
	struct domain_rule rules[] = { mk("10.0.0.5", true), mk("10.0.0.6", false),
				       mk("**.corp.test", true) };
	struct domain_rules dr;
	struct error err = {};

	cr_assert_eq(domain_rules_compile(rules, 3, &dr, &err), 0);
	struct sockaddr_storage a = sa_of("10.0.0.5"), b = sa_of("10.0.0.6"), c = sa_of("10.0.0.7");
	cr_assert(domain_rules_allows_address(&dr, (struct sockaddr *)&a));
	cr_assert(!domain_rules_allows_address(&dr, (struct sockaddr *)&b));
	/* An allowed *name* does not make its private address allowed. */
	cr_assert(!domain_rules_allows_address(&dr, (struct sockaddr *)&c));
	domain_rules_done(&dr);
}
