/* Reads tests/cases/access.table (see access_table.h). */
#include <stdarg.h>

#include "access_table.h"
#include "util/strv.h"

/* What `:minimal` means in the table: the paths every platform's list has. */
static const char *const shared_minimal[] = { "/bin", "/sbin", "/usr" };

static int failf(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, ...)
	_printf_(5, 6);
static int failf(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%u: ", file, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void add_entry(struct policy *p, const char *path, enum access a, bool glob,
		      const char *spec)
{
	p->entries = xrealloc(p->entries, (p->n_entries + 1) * sizeof(*p->entries));
	p->entries[p->n_entries++] = (struct policy_entry){
		.path = xstrdup(path),
		.access = a,
		.glob = glob,
		.origin = ORIGIN_PROFILE,
		.spec = xstrdup(spec ? spec : path),
	};
}

void access_table_free(struct access_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cases[i].name);
		policy_free(cases[i].policy);
		free(cases[i].proxy_ports);
		for (size_t j = 0; j < cases[i].n_expects; j++)
			free(cases[i].expects[j].path);
		free(cases[i].expects);
	}
	free(cases);
}

static bool valid_path(const char *p)
{
	return p[0] == '/' && (p[1] == '\0' || p[strlen(p) - 1] != '/') && !strstr(p, "//");
}

int access_table_load(const char *file, struct access_case **ret, size_t *ret_n, char *err,
		      size_t errlen)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	struct access_case *cases = NULL;
	size_t n = 0;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int r = 0;

	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return r;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		char *s = line + strspn(line, " \t");
		if (!*s || *s == '#')
			continue;
		char *arg = strchr(s, ' ');
		if (arg)
			*arg++ = '\0';
		const char *kw = s;
		struct access_case *c = n ? &cases[n - 1] : NULL;

		if (streq(kw, "case")) {
			if (!arg || !*arg) {
				r = failf(err, errlen, file, lineno, "case needs a name");
				break;
			}
			cases = xrealloc(cases, (n + 1) * sizeof(*cases));
			c = &cases[n++];
			*c = (struct access_case){ .name = xstrdup(arg), .line = lineno };
			c->policy = xcalloc(1, sizeof(*c->policy));
			c->policy->profile_name = xstrdup(arg);
			c->policy->cwd = xstrdup("/");
			continue;
		}
		if (!c) {
			r = failf(err, errlen, file, lineno, "'%s' before the first case", kw);
			break;
		}
		if (!arg || !*arg) {
			if (streq(kw, "local-binding")) {
				c->policy->network.allow_local_binding = true;
				continue;
			}
			r = failf(err, errlen, file, lineno, "'%s' needs an argument", kw);
			break;
		}
		enum access a = access_from_string(kw);
		if (a >= 0) {
			if (streq(arg, ":minimal")) {
				for (size_t i = 0; i < ELEMENTSOF(shared_minimal); i++)
					add_entry(c->policy, shared_minimal[i], a, false, ":minimal");
				continue;
			}
			if (!valid_path(arg)) {
				r = failf(err, errlen, file, lineno, "'%s' is not a normalised absolute path",
					  arg);
				break;
			}
			add_entry(c->policy, arg, a, false, NULL);
		} else if (streq(kw, "deny-glob")) {
			if (arg[0] != '/') {
				r = failf(err, errlen, file, lineno, "a glob must be absolute");
				break;
			}
			add_entry(c->policy, arg, ACCESS_NONE, true, NULL);
		} else if (streq(kw, "kind")) {
			enum fs_kind k = fs_kind_from_string(arg);
			if (k < 0) {
				r = failf(err, errlen, file, lineno, "unknown kind '%s'", arg);
				break;
			}
			c->policy->fs_kind = k;
		} else if (streq(kw, "network")) {
			enum network_mode m = network_mode_from_string(arg);
			if (m < 0) {
				r = failf(err, errlen, file, lineno, "unknown network mode '%s'", arg);
				break;
			}
			c->policy->network.mode = m;
		} else if (streq(kw, "proxy-ports")) {
			for (char *t = strtok(arg, " "); t; t = strtok(NULL, " ")) {
				c->proxy_ports = xrealloc(c->proxy_ports,
							  (c->n_proxy_ports + 1) * sizeof(unsigned));
				c->proxy_ports[c->n_proxy_ports++] = (unsigned)strtoul(t, NULL, 10);
			}
		} else if (streq(kw, "cwd")) {
			if (!valid_path(arg)) {
				r = failf(err, errlen, file, lineno, "cwd must be an absolute path");
				break;
			}
			free(c->policy->cwd);
			c->policy->cwd = xstrdup(arg);
		} else if (streq(kw, "expect")) {
			char *path = strchr(arg, ' ');
			if (!path) {
				r = failf(err, errlen, file, lineno, "expect ACCESS PATH");
				break;
			}
			*path++ = '\0';
			enum access want = access_from_string(arg);
			if (want < 0 || !valid_path(path)) {
				r = failf(err, errlen, file, lineno, "expect ACCESS PATH");
				break;
			}
			c->expects = xrealloc(c->expects, (c->n_expects + 1) * sizeof(*c->expects));
			c->expects[c->n_expects++] =
				(struct access_expect){ .path = xstrdup(path), .want = want, .line = lineno };
		} else {
			r = failf(err, errlen, file, lineno, "unknown keyword '%s'", kw);
			break;
		}
	}
	free(line);
	if (r < 0) {
		access_table_free(cases, n);
		return r;
	}
	for (size_t i = 0; i < n; i++)
		if (cases[i].policy->n_entries > 0)
			policy_sort_entries(cases[i].policy);
	*ret = cases;
	*ret_n = n;
	return 0;
}
