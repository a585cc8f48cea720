/* The SBPL evaluator used as the tests' oracle (see sbpl_eval.h). */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbpl_eval.h"

/* The operations the generator may use. */
static const char *const known_ops[] = {
	"default",
	"file*",
	"file-read*",
	"file-read-data",
	"file-read-metadata",
	"file-test-existence",
	"file-map-executable",
	"file-write*",
	"file-write-data",
	"file-write-create",
	"file-write-unlink",
	"file-ioctl",
	"process-exec",
	"process-fork",
	"process-info*",
	"signal",
	"sysctl-read",
	"ipc-posix-sem",
	"ipc-posix-shm",
	"mach-lookup",
	"network*",
	"network-outbound",
	"network-inbound",
	"network-bind",
	"system-socket",
	NULL,
};

/* ---- s-expressions ---- */

enum sx_type { SX_LIST, SX_SYMBOL, SX_STRING };

struct sx {
	enum sx_type type;
	char *text; /* symbol or string */
	struct sx **items;
	size_t n;
};

static void sx_free(struct sx *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		sx_free(x->items[i]);
	free(x->items);
	free(x->text);
	free(x);
}

struct reader {
	const char *s;
	size_t line;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed)
		return;
	r->failed = true;
	n = snprintf(r->err, r->errlen, "line %zu: ", r->line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void skip_space(struct reader *r)
{
	for (;;) {
		if (*r->s == '\n') {
			r->line++;
			r->s++;
		} else if (*r->s == ' ' || *r->s == '\t' || *r->s == '\r')
			r->s++;
		else if (*r->s == ';') {
			while (*r->s && *r->s != '\n')
				r->s++;
		} else
			return;
	}
}

static struct sx *sx_new(enum sx_type t)
{
	struct sx *x = calloc(1, sizeof(*x));

	if (!x)
		abort();
	x->type = t;
	return x;
}

static void sx_push(struct sx *list, struct sx *item)
{
	list->items = realloc(list->items, (list->n + 1) * sizeof(*list->items));
	if (!list->items)
		abort();
	list->items[list->n++] = item;
}

static struct sx *read_sx(struct reader *r, unsigned depth);

static struct sx *read_string(struct reader *r, bool raw)
{
	size_t cap = 16, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		abort();
	r->s++; /* the opening quote */
	for (;;) {
		char c = *r->s;
		if (!c) {
			free(buf);
			fail(r, "unterminated string");
			return NULL;
		}
		r->s++;
		if (c == '"')
			break;
		if (c == '\n')
			r->line++;
		if (c == '\\' && !raw) {
			c = *r->s++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c != '\\' && c != '"') {
				free(buf);
				fail(r, "unknown string escape");
				return NULL;
			}
		}
		if (n + 2 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	struct sx *x = sx_new(SX_STRING);
	x->text = buf;
	return x;
}

static struct sx *read_sx(struct reader *r, unsigned depth)
{
	skip_space(r);
	if (depth > 64) {
		fail(r, "nesting too deep");
		return NULL;
	}
	if (*r->s == '(') {
		struct sx *list = sx_new(SX_LIST);
		r->s++;
		for (;;) {
			skip_space(r);
			if (*r->s == ')') {
				r->s++;
				return list;
			}
			if (!*r->s) {
				fail(r, "unterminated list");
				sx_free(list);
				return NULL;
			}
			struct sx *item = read_sx(r, depth + 1);
			if (!item) {
				sx_free(list);
				return NULL;
			}
			sx_push(list, item);
		}
	}
	if (*r->s == '"')
		return read_string(r, false);
	if (r->s[0] == '#' && r->s[1] == '"') {
		r->s++;
		return read_string(r, true);
	}
	const char *start = r->s;
	while (*r->s && !strchr(" \t\r\n();\"", *r->s))
		r->s++;
	if (r->s == start) {
		fail(r, "unexpected '%c'", *r->s);
		return NULL;
	}
	struct sx *x = sx_new(SX_SYMBOL);
	x->text = strndup(start, (size_t)(r->s - start));
	return x;
}

static bool is_symbol(const struct sx *x, const char *s)
{
	return x && x->type == SX_SYMBOL && strcmp(x->text, s) == 0;
}

static bool is_form(const struct sx *x, const char *head)
{
	return x && x->type == SX_LIST && x->n > 0 && is_symbol(x->items[0], head);
}

/* ---- compiled profile ---- */

enum filter_kind {
	F_SUBPATH,
	F_LITERAL,
	F_REGEX,
	F_ALL,
	F_ANY,
	F_NOT,
	F_GLOBAL_NAME,
	F_SYSCTL_NAME_PREFIX,
	F_TARGET_SAME_SANDBOX,
	F_REMOTE_IP,
	F_LOCAL_IP,
};

struct filter {
	enum filter_kind kind;
	char *s;
	regex_t re;
	struct filter **kids;
	size_t n;
};

struct rule {
	bool allow;
	char **ops;
	size_t n_ops;
	struct filter *filter; /* NULL: matches everything */
};

struct sbpl_profile {
	struct rule *rules;
	size_t n;
};

static void filter_free(struct filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		filter_free(f->kids[i]);
	free(f->kids);
	if (f->kind == F_REGEX)
		regfree(&f->re);
	free(f->s);
	free(f);
}

void sbpl_free(struct sbpl_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		for (size_t j = 0; j < p->rules[i].n_ops; j++)
			free(p->rules[i].ops[j]);
		free(p->rules[i].ops);
		filter_free(p->rules[i].filter);
	}
	free(p->rules);
	free(p);
}

size_t sbpl_rule_count(const struct sbpl_profile *p)
{
	return p->n;
}

struct compiler {
	struct reader *r;
	char *const *params;
};

/* Evaluates a string expression; returns a malloc'd string or NULL. */
static char *eval_string(struct compiler *c, const struct sx *x)
{
	if (x->type == SX_STRING)
		return strdup(x->text);
	if (is_form(x, "param")) {
		if (x->n != 2 || x->items[1]->type != SX_STRING) {
			fail(c->r, "param takes one string");
			return NULL;
		}
		size_t len = strlen(x->items[1]->text);
		for (char *const *p = c->params; p && *p; p++)
			if (strncmp(*p, x->items[1]->text, len) == 0 && (*p)[len] == '=')
				return strdup(*p + len + 1);
		fail(c->r, "parameter %s is not set", x->items[1]->text);
		return NULL;
	}
	if (is_form(x, "string-append")) {
		size_t total = 0;
		char *out = strdup("");
		for (size_t i = 1; i < x->n; i++) {
			char *part = eval_string(c, x->items[i]);
			if (!part) {
				free(out);
				return NULL;
			}
			total += strlen(part);
			out = realloc(out, total + 1);
			if (!out)
				abort();
			strcat(out, part);
			free(part);
		}
		return out;
	}
	fail(c->r, "not a string expression");
	return NULL;
}

static bool valid_address(const char *s)
{
	const char *colon = strrchr(s, ':');

	if (!colon)
		return false;
	size_t hl = (size_t)(colon - s);
	if (!((hl == 1 && s[0] == '*') || (hl == 9 && strncmp(s, "localhost", 9) == 0)))
		return false;
	if (strcmp(colon + 1, "*") == 0)
		return true;
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	return end != colon + 1 && !*end && port > 0 && port < 65536;
}

static struct filter *compile_filter(struct compiler *c, const struct sx *x)
{
	static const struct {
		const char *name;
		enum filter_kind kind;
	} string_filters[] = {
		{ "subpath", F_SUBPATH },
		{ "literal", F_LITERAL },
		{ "regex", F_REGEX },
		{ "global-name", F_GLOBAL_NAME },
		{ "sysctl-name-prefix", F_SYSCTL_NAME_PREFIX },
	};

	if (x->type != SX_LIST || x->n == 0 || x->items[0]->type != SX_SYMBOL) {
		fail(c->r, "a filter must be a list");
		return NULL;
	}
	struct filter *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	const char *head = x->items[0]->text;

	for (size_t i = 0; i < sizeof(string_filters) / sizeof(*string_filters); i++) {
		if (strcmp(head, string_filters[i].name) != 0)
			continue;
		enum filter_kind kind = string_filters[i].kind;
		/* F_REGEX only once regcomp() succeeded, for filter_free(). */
		f->kind = kind == F_REGEX ? F_LITERAL : kind;
		if (x->n != 2 || !(f->s = eval_string(c, x->items[1]))) {
			fail(c->r, "%s takes one string", head);
			goto error;
		}
		if ((kind == F_SUBPATH || kind == F_LITERAL) &&
		    (f->s[0] != '/' || (strlen(f->s) > 1 && f->s[strlen(f->s) - 1] == '/'))) {
			fail(c->r, "%s needs an absolute path without a trailing slash", head);
			goto error;
		}
		if (kind == F_REGEX) {
			int k = regcomp(&f->re, f->s, REG_EXTENDED | REG_NOSUB);
			if (k != 0) {
				char msg[128];
				regerror(k, &f->re, msg, sizeof(msg));
				fail(c->r, "bad regex '%s': %s", f->s, msg);
				goto error;
			}
			f->kind = F_REGEX;
		}
		return f;
	}
	if (!strcmp(head, "require-all") || !strcmp(head, "require-any") ||
	    !strcmp(head, "require-not")) {
		f->kind = !strcmp(head, "require-all")	 ? F_ALL
			  : !strcmp(head, "require-any") ? F_ANY
							 : F_NOT;
		if (x->n < 2 || (f->kind == F_NOT && x->n != 2)) {
			fail(c->r, "%s: wrong number of filters", head);
			goto error;
		}
		for (size_t i = 1; i < x->n; i++) {
			struct filter *kid = compile_filter(c, x->items[i]);
			if (!kid)
				goto error;
			f->kids = realloc(f->kids, (f->n + 1) * sizeof(*f->kids));
			if (!f->kids)
				abort();
			f->kids[f->n++] = kid;
		}
		return f;
	}
	if (!strcmp(head, "target")) {
		if (x->n != 2 || !is_symbol(x->items[1], "same-sandbox")) {
			fail(c->r, "target: only same-sandbox is modelled");
			goto error;
		}
		f->kind = F_TARGET_SAME_SANDBOX;
		return f;
	}
	if (!strcmp(head, "remote") || !strcmp(head, "local")) {
		f->kind = !strcmp(head, "remote") ? F_REMOTE_IP : F_LOCAL_IP;
		if (x->n != 3 || !is_symbol(x->items[1], "ip") || !(f->s = eval_string(c, x->items[2]))) {
			fail(c->r, "%s: expected (%s ip \"HOST:PORT\")", head, head);
			goto error;
		}
		if (!valid_address(f->s)) {
			fail(c->r, "%s ip: '%s' is not localhost:PORT or *:PORT", head, f->s);
			goto error;
		}
		return f;
	}
	fail(c->r, "unknown filter '%s'", head);
error:
	filter_free(f);
	return NULL;
}

static bool known_op(const char *op)
{
	for (size_t i = 0; known_ops[i]; i++)
		if (!strcmp(op, known_ops[i]))
			return true;
	return false;
}

static int compile_rule(struct compiler *c, const struct sx *x, struct rule *ret)
{
	struct rule rule = { .allow = is_symbol(x->items[0], "allow") };
	size_t i = 1;

	for (; i < x->n && x->items[i]->type == SX_SYMBOL; i++) {
		if (!known_op(x->items[i]->text)) {
			fail(c->r, "unknown operation '%s'", x->items[i]->text);
			goto error;
		}
		rule.ops = realloc(rule.ops, (rule.n_ops + 1) * sizeof(*rule.ops));
		if (!rule.ops)
			abort();
		rule.ops[rule.n_ops++] = strdup(x->items[i]->text);
	}
	if (rule.n_ops == 0) {
		fail(c->r, "a rule needs an operation");
		goto error;
	}
	if (i < x->n) {
		/* Several filters: any of them. */
		struct filter *any = calloc(1, sizeof(*any));
		if (!any)
			abort();
		any->kind = F_ANY;
		rule.filter = any;
		for (; i < x->n; i++) {
			struct filter *f = compile_filter(c, x->items[i]);
			if (!f)
				goto error;
			any->kids = realloc(any->kids, (any->n + 1) * sizeof(*any->kids));
			if (!any->kids)
				abort();
			any->kids[any->n++] = f;
		}
	}
	*ret = rule;
	return 0;
error:
	for (size_t k = 0; k < rule.n_ops; k++)
		free(rule.ops[k]);
	free(rule.ops);
	filter_free(rule.filter);
	return -EINVAL;
}

int sbpl_compile(const char *text, char *const *params, struct sbpl_profile **ret, char *err,
		 size_t errlen)
{
	struct reader r = { .s = text, .line = 1, .err = err, .errlen = errlen };
	struct compiler c = { .r = &r, .params = params };
	struct sbpl_profile *p = calloc(1, sizeof(*p));
	bool version = false;

	if (!p)
		abort();
	if (errlen)
		err[0] = '\0';
	for (;;) {
		skip_space(&r);
		if (!*r.s)
			break;
		struct sx *x = read_sx(&r, 0);
		if (!x)
			goto error;
		if (is_form(x, "version")) {
			if (version || p->n || x->n != 2 || !is_symbol(x->items[1], "1"))
				fail(&r, "(version 1) must come first, once");
			version = true;
		} else if (is_form(x, "allow") || is_form(x, "deny")) {
			if (!version)
				fail(&r, "a rule before (version 1)");
			else {
				struct rule rule;
				if (compile_rule(&c, x, &rule) == 0) {
					p->rules = realloc(p->rules, (p->n + 1) * sizeof(*p->rules));
					if (!p->rules)
						abort();
					p->rules[p->n++] = rule;
				}
			}
		} else
			fail(&r, "unknown top-level form");
		sx_free(x);
		if (r.failed)
			goto error;
	}
	if (!version) {
		fail(&r, "no (version 1)");
		goto error;
	}
	*ret = p;
	return 0;
error:
	sbpl_free(p);
	return -EINVAL;
}

static bool op_matches(const char *rule_op, const char *op)
{
	size_t n = strlen(rule_op);

	if (!strcmp(rule_op, "default"))
		return true;
	if (n > 0 && rule_op[n - 1] == '*')
		return strncmp(rule_op, op, n - 1) == 0;
	return strcmp(rule_op, op) == 0;
}

static bool address_matches(const char *filter, const char *addr)
{
	const char *fc = strrchr(filter, ':'), *ac = addr ? strrchr(addr, ':') : NULL;

	if (!ac)
		return false;
	bool host = (fc - filter == 1 && filter[0] == '*') ||
		    ((size_t)(ac - addr) == (size_t)(fc - filter) &&
		     strncmp(filter, addr, (size_t)(fc - filter)) == 0);
	bool port = !strcmp(fc + 1, "*") || !strcmp(fc + 1, ac + 1);
	return host && port;
}

static bool filter_matches(const struct filter *f, const struct sbpl_query *q)
{
	switch (f->kind) {
	case F_SUBPATH: {
		if (!q->path)
			return false;
		size_t n = strlen(f->s);
		if (!strcmp(f->s, "/"))
			return q->path[0] == '/';
		return strncmp(q->path, f->s, n) == 0 && (q->path[n] == '\0' || q->path[n] == '/');
	}
	case F_LITERAL:
		return q->path && !strcmp(q->path, f->s);
	case F_REGEX:
		return q->path && regexec(&f->re, q->path, 0, NULL, 0) == 0;
	case F_ALL:
		for (size_t i = 0; i < f->n; i++)
			if (!filter_matches(f->kids[i], q))
				return false;
		return true;
	case F_ANY:
		for (size_t i = 0; i < f->n; i++)
			if (filter_matches(f->kids[i], q))
				return true;
		return false;
	case F_NOT:
		return !filter_matches(f->kids[0], q);
	case F_GLOBAL_NAME:
		return q->name && !strcmp(q->name, f->s);
	case F_SYSCTL_NAME_PREFIX:
		return q->name && !strncmp(q->name, f->s, strlen(f->s));
	case F_TARGET_SAME_SANDBOX:
		return q->same_sandbox;
	case F_REMOTE_IP:
		return address_matches(f->s, q->remote);
	case F_LOCAL_IP:
		return address_matches(f->s, q->local);
	}
	return false;
}

bool sbpl_allows(const struct sbpl_profile *p, const struct sbpl_query *q)
{
	/* Last match wins: walk backwards. Nothing matching is a deny, as a
	 * profile with no default rule would be. */
	for (size_t i = p->n; i > 0; i--) {
		const struct rule *r = &p->rules[i - 1];
		bool op = false;
		for (size_t j = 0; j < r->n_ops && !op; j++)
			op = op_matches(r->ops[j], q->op);
		if (op && (!r->filter || filter_matches(r->filter, q)))
			return r->allow;
	}
	return false;
}
