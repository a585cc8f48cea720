/* Deny globs and literal paths as regexes for SBPL (see seatbelt_regex.h).
 *
 * The parser follows policy/glob.c rule for rule (a class with no closing
 * ']' is a literal '[', "**" inside a component is '*', '\' makes the next
 * character literal), and the tests check the two against each other on
 * generated patterns, so a pattern means the same path set here as it does
 * to policy_access(). */
#include <assert.h>
#include <stdint.h>

#include "macos/seatbelt_regex.h"
#include "policy/glob.h"
#include "util/path.h"

/* Regex metacharacters outside brackets. ']' and '}' are ordinary there,
 * and escaping an ordinary character is undefined in POSIX, so they are
 * left alone. This is the set libsandbox's own regex-quote escapes. */
#define REGEX_META "\\^$.|?*+()[{"

struct byteset {
	uint64_t w[4];
};

static void set_add(struct byteset *s, unsigned char c)
{
	s->w[c >> 6] |= UINT64_C(1) << (c & 63);
}

static bool set_has(const struct byteset *s, unsigned char c)
{
	return s->w[c >> 6] & (UINT64_C(1) << (c & 63));
}

static unsigned set_count(const struct byteset *s)
{
	unsigned n = 0;

	for (int i = 0; i < 4; i++)
		n += (unsigned)__builtin_popcountll(s->w[i]);
	return n;
}

static bool is_ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char swap_case(unsigned char c)
{
	return c ^ 0x20;
}

/* Path components never hold '/' or NUL: no set ever contains them. */
static void set_normalise(struct byteset *s, bool anycase)
{
	s->w[0] &= ~(UINT64_C(1) | (UINT64_C(1) << '/'));
	if (!anycase)
		return;
	for (unsigned c = 'A'; c <= 'z'; c++)
		if (is_ascii_alpha((unsigned char)c) && set_has(s, (unsigned char)c))
			set_add(s, swap_case((unsigned char)c));
}

enum item_kind {
	ITEM_SET,  /* exactly one byte from the set */
	ITEM_STAR, /* any run of bytes (a component holds no '/') */
};

struct item {
	enum item_kind kind;
	struct byteset set;
};

struct component {
	bool globstar; /* "**": zero or more whole components */
	struct item *items;
	size_t n_items;
};

struct seatbelt_glob {
	struct component *comps;
	size_t n;
};

void seatbelt_glob_free(struct seatbelt_glob *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->comps[i].items);
	free(g->comps);
	free(g);
}

size_t seatbelt_glob_length(const struct seatbelt_glob *g)
{
	return g->n;
}

bool seatbelt_glob_is_globstar(const struct seatbelt_glob *g, size_t i)
{
	return i < g->n && g->comps[i].globstar;
}

static void push_item(struct component *c, size_t *cap, struct item it)
{
	GROW(c->items, *cap, c->n_items + 1);
	c->items[c->n_items++] = it;
}

static void push_literal(struct component *c, size_t *cap, unsigned char ch, bool anycase)
{
	struct item it = { .kind = ITEM_SET };

	set_add(&it.set, ch);
	set_normalise(&it.set, anycase);
	push_item(c, cap, it);
}

static void parse_component(const char *s, size_t n, bool anycase, struct component *ret)
{
	const char *p = s, *end = s + n;
	struct component c = { 0 };
	size_t cap = 0;

	if (n == 2 && s[0] == '*' && s[1] == '*') {
		c.globstar = true;
		*ret = c;
		return;
	}
	while (p < end) {
		if (*p == '*') {
			while (p < end && *p == '*')
				p++;
			push_item(&c, &cap, (struct item){ .kind = ITEM_STAR });
			continue;
		}
		if (*p == '?') {
			struct item it = { .kind = ITEM_SET };
			memset(&it.set, 0xff, sizeof(it.set));
			set_normalise(&it.set, false);
			push_item(&c, &cap, it);
			p++;
			continue;
		}
		if (*p == '[') {
			/* The class syntax is glob.c's, parsed by its parser. */
			struct glob_class cls;
			const char *after = glob_class_parse(p, end, &cls);
			if (after) {
				struct item it = { .kind = ITEM_SET };
				for (int i = 0; i < 4; i++)
					it.set.w[i] = cls.negate ? ~cls.members[i] : cls.members[i];
				set_normalise(&it.set, anycase);
				push_item(&c, &cap, it);
				p = after;
				continue;
			}
			/* No closing ']': a literal '[' (glob.c's element_match). */
			push_literal(&c, &cap, '[', anycase);
			p++;
			continue;
		}
		if (*p == '\\' && p + 1 < end)
			p++;
		push_literal(&c, &cap, (unsigned char)*p, anycase);
		p++;
	}
	*ret = c;
}

int seatbelt_glob_compile(const char *pattern, bool anycase, struct seatbelt_glob **ret)
{
	if (!pattern || pattern[0] != '/')
		return -EINVAL;

	struct seatbelt_glob *g = xcalloc(1, sizeof(*g));
	size_t cap = 0;

	/* A backslash never escapes '/' (glob_validate() refuses it). */
	size_t len;
	for (const char *c, *s = pattern; (c = path_next_component(&s, &len));) {
		GROW(g->comps, cap, g->n + 1);
		parse_component(c, len, anycase, &g->comps[g->n++]);
	}
	*ret = g;
	return 0;
}

bool seatbelt_glob_is_empty(const struct seatbelt_glob *g)
{
	for (size_t i = 0; i < g->n; i++)
		for (size_t j = 0; j < g->comps[i].n_items; j++)
			if (g->comps[i].items[j].kind == ITEM_SET &&
			    set_count(&g->comps[i].items[j].set) == 0)
				return true;
	return false;
}

/* glob.c's component_match() over items: only the last star is ever
 * backtracked to, which is exact because every other item takes one byte. */
static bool component_match(const struct component *c, const char *s, size_t n)
{
	size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;

	while (i < n) {
		if (p < c->n_items && c->items[p].kind == ITEM_STAR) {
			while (p < c->n_items && c->items[p].kind == ITEM_STAR)
				p++;
			star_p = p;
			star_i = i;
			continue;
		}
		if (p < c->n_items && set_has(&c->items[p].set, (unsigned char)s[i])) {
			p++;
			i++;
			continue;
		}
		if (star_p == SIZE_MAX)
			return false;
		p = star_p;
		i = ++star_i;
	}
	while (p < c->n_items && c->items[p].kind == ITEM_STAR)
		p++;
	return p == c->n_items;
}

/* A "**" at position I lets position I+1 be reached without consuming. */
static void closure(const struct seatbelt_glob *g, bool *states)
{
	for (size_t i = 0; i < g->n; i++)
		if (states[i] && g->comps[i].globstar)
			states[i + 1] = true;
}

void seatbelt_glob_residual(const struct seatbelt_glob *g, const char *path, bool *ret_states)
{
	_cleanup_free_ bool *next = xcalloc(g->n + 1, sizeof(bool));

	memset(ret_states, 0, (g->n + 1) * sizeof(bool));
	ret_states[0] = true;
	closure(g, ret_states);
	size_t len;
	for (const char *c, *s = path; (c = path_next_component(&s, &len));) {
		memset(next, 0, (g->n + 1) * sizeof(bool));
		for (size_t i = 0; i < g->n; i++) {
			if (!ret_states[i])
				continue;
			if (g->comps[i].globstar)
				next[i] = true;
			else if (component_match(&g->comps[i], c, len))
				next[i + 1] = true;
		}
		memcpy(ret_states, next, (g->n + 1) * sizeof(bool));
		closure(g, ret_states);
	}
}

bool seatbelt_glob_match(const struct seatbelt_glob *g, const char *path)
{
	_cleanup_free_ bool *states = xcalloc(g->n + 1, sizeof(bool));

	if (!path || path[0] != '/')
		return false;
	seatbelt_glob_residual(g, path, states);
	return states[g->n];
}

static void put_escaped(struct strbuf *out, unsigned char c)
{
	if (strchr(REGEX_META, c) && c != '\0')
		strbuf_putc(out, '\\');
	strbuf_putc(out, (char)c);
}

void seatbelt_regex_literal(struct strbuf *out, const char *s, bool anycase)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (anycase && is_ascii_alpha(c)) {
			char pair[] = { '[', (char)(c | 0x20), (char)(c & ~0x20), ']', '\0' };
			strbuf_puts(out, pair);
		} else
			put_escaped(out, c);
	}
}

/* Characters with a meaning inside a bracket expression: ']' closes it
 * unless first, '^' negates when first, '-' makes a range unless first or
 * last, '[' opens "[:", "[." or "[=", and '\' is a literal to POSIX but an
 * escape to other engines. They are placed where they are plain, or (the
 * backslash) kept out of brackets altogether. */
static bool bracket_plain(unsigned char c)
{
	return c != ']' && c != '^' && c != '-' && c != '[' && c != '\\';
}

/* Appends a bracket expression for MEMBERS (which must not contain '\'
 * and must have at least two members), negated when NEGATE. */
static void put_bracket(struct strbuf *out, const struct byteset *members, bool negate)
{
	bool runs = false;

	strbuf_putc(out, '[');
	if (negate)
		strbuf_putc(out, '^');
	if (set_has(members, ']'))
		strbuf_putc(out, ']');
	for (unsigned c = 1; c < 256;) {
		if (!bracket_plain((unsigned char)c) || !set_has(members, (unsigned char)c)) {
			c++;
			continue;
		}
		unsigned hi = c;
		while (hi + 1 < 256 && bracket_plain((unsigned char)(hi + 1)) &&
		       set_has(members, (unsigned char)(hi + 1)))
			hi++;
		strbuf_putc(out, (char)c);
		if (hi >= c + 2) {
			strbuf_putc(out, '-');
			strbuf_putc(out, (char)hi);
		} else if (hi == c + 1)
			strbuf_putc(out, (char)hi);
		runs = true;
		c = hi + 1;
	}
	if (set_has(members, '['))
		strbuf_putc(out, '[');
	bool caret = set_has(members, '^'), dash = set_has(members, '-');
	/* A '^' right after the opening '[' would negate: put '-' first. */
	bool caret_first = !negate && !runs && !set_has(members, ']') && !set_has(members, '[');
	if (caret && caret_first && dash) {
		strbuf_puts(out, "-^");
		dash = false;
	} else if (caret)
		strbuf_putc(out, '^');
	if (dash)
		strbuf_putc(out, '-');
	strbuf_putc(out, ']');
}

static void put_set(struct strbuf *out, const struct byteset *set)
{
	unsigned n = set_count(set);
	bool backslash = set_has(set, '\\');

	/* Callers skip globs with an empty set (seatbelt_glob_is_empty()). */
	assert(n > 0);
	if (n == 1) {
		for (unsigned c = 1; c < 256; c++)
			if (set_has(set, (unsigned char)c))
				put_escaped(out, (unsigned char)c);
		return;
	}
	if (backslash && n > 128) {
		/* Negated: the complement holds '/' and never the backslash. */
		struct byteset complement;
		for (int i = 0; i < 4; i++)
			complement.w[i] = ~set->w[i];
		complement.w[0] &= ~UINT64_C(1);
		put_bracket(out, &complement, true);
		return;
	}
	struct byteset rest = *set;
	rest.w['\\' >> 6] &= ~(UINT64_C(1) << ('\\' & 63));
	unsigned m = set_count(&rest);
	if (backslash)
		strbuf_putc(out, '(');
	if (m == 1)
		put_set(out, &rest);
	else if (m > 1)
		put_bracket(out, &rest, false);
	if (backslash)
		strbuf_puts(out, m > 0 ? "|\\\\)" : "\\\\)");
}

static void put_component(struct strbuf *out, const struct component *c)
{
	if (c->globstar) {
		strbuf_puts(out, "(/[^/]+)*");
		return;
	}
	strbuf_putc(out, '/');
	for (size_t i = 0; i < c->n_items; i++) {
		const struct item *it = &c->items[i];
		if (it->kind == ITEM_STAR)
			strbuf_puts(out, "[^/]*");
		else
			put_set(out, &it->set);
	}
}

void seatbelt_glob_regex(const struct seatbelt_glob *g, size_t from, struct strbuf *out)
{
	for (size_t i = from; i < g->n; i++)
		put_component(out, &g->comps[i]);
}
