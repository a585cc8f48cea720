/* TOML scalars other than strings: integers, floats, booleans and the four
 * kinds of date and time. */
#include <math.h>
#include <stdint.h>

#include "config/toml_internal.h"

/* Longest piece of a bad token quoted back in a message. */
#define SHOW_MAX 40

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Characters that can make up a number or a bare word value. Reading the
 * whole run first means "1.2.3" or "truex" is reported as one bad token. */
static bool is_token_char(int c)
{
	return toml_is_bare_key_char(c) || c == '+' || c == '.';
}

static int digit_value(int c, int radix)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < radix ? d : -1;
}

/* Reads digits of RADIX from S[*POS..N), where an underscore is allowed only
 * between two digits (spec "Integer", "Float"). Returns how many digits, or
 * -1 with *WHY set. */
static int scan_digits(const char *s, size_t n, size_t *pos, int radix, const char **why)
{
	size_t i = *pos;
	int count = 0;

	while (i < n) {
		if (digit_value(s[i], radix) >= 0) {
			count++;
			i++;
			continue;
		}
		if (s[i] != '_')
			break;
		if (count == 0 || i + 1 >= n || digit_value(s[i + 1], radix) < 0) {
			*why = "an underscore must sit between two digits";
			return -1;
		}
		i++;
	}
	*pos = i;
	return count > INT32_MAX ? INT32_MAX : count;
}

static int number_error(struct toml_lexer *lx, unsigned line, unsigned col, const char *s,
			size_t n, const char *why)
{
	int shown = (int)(n > SHOW_MAX ? SHOW_MAX : n);

	return toml_lex_error(lx, line, col, "invalid number \"%.*s%s\": %s", shown, s,
			      n > SHOW_MAX ? "..." : "", why);
}

/* Integers must be represented losslessly as 64-bit signed values; anything
 * else is an error, not a wrap-around (spec "Integer"). */
static int to_int64(const char *s, size_t n, int radix, bool neg, int64_t *ret)
{
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t acc = 0;

	for (size_t i = 0; i < n; i++) {
		int d = digit_value(s[i], radix);
		if (d < 0)
			continue; /* an underscore */
		if (acc > (limit - (uint64_t)d) / (uint64_t)radix)
			return -ERANGE;
		acc = acc * (uint64_t)radix + (uint64_t)d;
	}
	if (neg)
		*ret = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	else
		*ret = (int64_t)acc;
	return 0;
}

static int parse_prefixed(struct toml_lexer *lx, unsigned line, unsigned col, const char *s,
			  size_t n, struct toml_value *v)
{
	static const struct {
		char letter;
		int radix;
		const char *name;
	} kinds[] = {
		{ 'x', 16, "hexadecimal" },
		{ 'o', 8, "octal" },
		{ 'b', 2, "binary" },
	};
	const char *why = NULL;
	size_t pos = 2;
	int radix = 0;
	const char *name = NULL;
	int64_t val;
	int nd;

	for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
		if (s[1] == kinds[i].letter)
			radix = kinds[i].radix, name = kinds[i].name;
	nd = scan_digits(s, n, &pos, radix, &why);
	if (nd < 0)
		return number_error(lx, line, col, s, n, why);
	if (pos < n) {
		char m[64];
		snprintf(m, sizeof(m), "'%c' is not a %s digit", s[pos], name);
		return number_error(lx, line, col, s, n, m);
	}
	if (nd == 0)
		return number_error(lx, line, col, s, n, "no digits after the prefix");
	if (to_int64(s + 2, n - 2, radix, false, &val) < 0)
		return number_error(lx, line, col, s, n, "out of range for a 64-bit integer");
	v->type = TOML_INTEGER;
	v->integer = val;
	return 0;
}

static int parse_float(struct toml_lexer *lx, unsigned line, unsigned col, const char *s,
		       size_t n, locale_t *loc, struct toml_value *v)
{
	_cleanup_free_ char *clean = xmalloc(n + 1);
	size_t m = 0;
	char *end;
	double d;

	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			clean[m++] = s[i];
	clean[m] = '\0';
	/* strtod() follows LC_NUMERIC; a program that called setlocale()
	 * could otherwise read "1.5" as 1. */
	if (!*loc) {
		*loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		if (!*loc)
			return toml_lex_error(lx, line, col, "cannot create the C locale: %s",
					      strerror(errno));
	}
	d = strtod_l(clean, &end, *loc);
	if (*end != '\0')
		return number_error(lx, line, col, s, n, "not a float");
	/* Rounding to the nearest double is inherent to floats, but turning
	 * a finite literal into infinity would change its meaning. */
	if (isinf(d))
		return number_error(lx, line, col, s, n, "out of range for a 64-bit float");
	v->type = TOML_FLOAT;
	v->floating = d;
	return 0;
}

int toml_scalar_number(struct toml_lexer *lx, locale_t *loc, struct toml_value *v)
{
	unsigned line = lx->line, col = lx->col;
	const char *s = lx->p;
	const char *why = NULL;
	size_t n, i = 0, int_start;
	bool neg = false, is_float = false;
	int64_t val;
	int nd;

	while (is_token_char(toml_lex_peek(lx)))
		toml_lex_advance(lx);
	n = (size_t)(lx->p - s);

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (n - i == 3 && (memcmp(s + i, "inf", 3) == 0 || memcmp(s + i, "nan", 3) == 0)) {
		v->type = TOML_FLOAT;
		v->floating = s[i] == 'i' ? INFINITY : NAN;
		if (neg)
			v->floating = -v->floating;
		return 0;
	}
	if (n - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
		if (i > 0)
			return number_error(lx, line, col, s, n,
					    "a sign is not allowed before 0x, 0o or 0b");
		return parse_prefixed(lx, line, col, s, n, v);
	}

	int_start = i;
	nd = scan_digits(s, n, &i, 10, &why);
	if (nd < 0)
		return number_error(lx, line, col, s, n, why);
	if (nd == 0)
		return number_error(lx, line, col, s, n, "expected a digit");
	if (nd > 1 && s[int_start] == '0')
		return number_error(lx, line, col, s, n, "leading zeros are not allowed");
	if (i < n && s[i] == '.') {
		i++;
		is_float = true;
		nd = scan_digits(s, n, &i, 10, &why);
		if (nd < 0)
			return number_error(lx, line, col, s, n, why);
		if (nd == 0)
			return number_error(lx, line, col, s, n,
					    "a decimal point must be followed by a digit");
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		is_float = true;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		nd = scan_digits(s, n, &i, 10, &why);
		if (nd < 0)
			return number_error(lx, line, col, s, n, why);
		if (nd == 0)
			return number_error(lx, line, col, s, n, "the exponent has no digits");
	}
	if (i < n) {
		char m[64];
		snprintf(m, sizeof(m), "unexpected '%c'", s[i]);
		return number_error(lx, line, col, s, n, m);
	}
	if (is_float)
		return parse_float(lx, line, col, s, n, loc, v);
	if (to_int64(s + int_start, n - int_start, 10, neg, &val) < 0)
		return number_error(lx, line, col, s, n, "out of range for a 64-bit integer");
	v->type = TOML_INTEGER;
	v->integer = val;
	return 0;
}

int toml_scalar_word(struct toml_lexer *lx, struct toml_value *v)
{
	unsigned line = lx->line, col = lx->col;
	const char *s = lx->p;
	size_t n;

	while (is_token_char(toml_lex_peek(lx)))
		toml_lex_advance(lx);
	n = (size_t)(lx->p - s);
	if (n == 4 && memcmp(s, "true", 4) == 0) {
		v->type = TOML_BOOL;
		v->boolean = true;
	} else if (n == 5 && memcmp(s, "false", 5) == 0) {
		v->type = TOML_BOOL;
		v->boolean = false;
	} else if (n == 3 && (memcmp(s, "inf", 3) == 0 || memcmp(s, "nan", 3) == 0)) {
		v->type = TOML_FLOAT;
		v->floating = s[0] == 'i' ? INFINITY : NAN;
	} else {
		return toml_lex_error(lx, line, col,
				      "invalid value \"%.*s%s\" (strings must be quoted; booleans "
				      "are true and false)",
				      (int)(n > SHOW_MAX ? SHOW_MAX : n), s,
				      n > SHOW_MAX ? "..." : "");
	}
	return 0;
}

bool toml_scalar_is_datetime(struct toml_lexer *lx)
{
	/* A date starts with four digits and '-', a time with two and ':';
	 * no number can. */
	for (size_t i = 0; i < 4; i++) {
		int c = toml_lex_peek_at(lx, i);
		if (i == 2 && c == ':')
			return true;
		if (!is_digit(c))
			return false;
	}
	return toml_lex_peek_at(lx, 4) == '-';
}

/* Reads exactly N digits into *RET and appends them to TEXT. */
static int read_field(struct toml_lexer *lx, int n, const char *what, struct strbuf *text,
		      int *ret)
{
	char buf[32];
	int val = 0;

	for (int i = 0; i < n; i++) {
		int c = toml_lex_peek(lx);
		if (!is_digit(c))
			return toml_lex_error(lx, lx->line, lx->col,
					      "expected %d digits for the %s, found %s", n, what,
					      toml_lex_describe(lx, buf, sizeof(buf)));
		val = val * 10 + (c - '0');
		strbuf_putc(text, (char)c);
		toml_lex_advance(lx);
	}
	*ret = val;
	return 0;
}

static int expect_char(struct toml_lexer *lx, char want, const char *what, struct strbuf *text)
{
	char buf[32];

	if (toml_lex_peek(lx) != want)
		return toml_lex_error(lx, lx->line, lx->col, "expected '%c' %s, found %s", want,
				      what, toml_lex_describe(lx, buf, sizeof(buf)));
	strbuf_putc(text, want);
	toml_lex_advance(lx);
	return 0;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* full-date = YYYY-MM-DD (RFC 3339 section 5.6). */
static int read_date(struct toml_lexer *lx, struct strbuf *text)
{
	unsigned line = lx->line, col = lx->col;
	int year, month, day, r;

	if ((r = read_field(lx, 4, "year", text, &year)) < 0 ||
	    (r = expect_char(lx, '-', "after the year", text)) < 0 ||
	    (r = read_field(lx, 2, "month", text, &month)) < 0 ||
	    (r = expect_char(lx, '-', "after the month", text)) < 0 ||
	    (r = read_field(lx, 2, "day", text, &day)) < 0)
		return r;
	if (month < 1 || month > 12)
		return toml_lex_error(lx, line, col, "invalid date %s: month %02d does not exist",
				      text->s, month);
	if (day < 1 || day > days_in_month(year, month))
		return toml_lex_error(lx, line, col, "invalid date %s: day %02d does not exist",
				      text->s, day);
	return 0;
}

/* partial-time = HH:MM:SS[.fraction]. Second 60 is a leap second. */
static int read_time(struct toml_lexer *lx, struct strbuf *text)
{
	unsigned line = lx->line, col = lx->col;
	size_t start = text->len;
	int hour, minute, second, r;

	if ((r = read_field(lx, 2, "hour", text, &hour)) < 0 ||
	    (r = expect_char(lx, ':', "after the hour", text)) < 0 ||
	    (r = read_field(lx, 2, "minute", text, &minute)) < 0 ||
	    (r = expect_char(lx, ':', "after the minutes (seconds are required)", text)) < 0 ||
	    (r = read_field(lx, 2, "second", text, &second)) < 0)
		return r;
	if (toml_lex_peek(lx) == '.') {
		strbuf_putc(text, '.');
		toml_lex_advance(lx);
		if (!is_digit(toml_lex_peek(lx)))
			return toml_lex_error(lx, lx->line, lx->col,
					      "a decimal point in a time must be followed by a "
					      "digit");
		while (is_digit(toml_lex_peek(lx))) {
			strbuf_putc(text, *lx->p);
			toml_lex_advance(lx);
		}
	}
	if (hour > 23 || minute > 59 || second > 60)
		return toml_lex_error(lx, line, col, "invalid time %s", text->s + start);
	return 0;
}

/* time-offset = "Z" / ("+" / "-") HH:MM; written back with an upper-case Z. */
static int read_offset(struct toml_lexer *lx, struct strbuf *text, bool *ret_has)
{
	unsigned line = lx->line, col = lx->col;
	size_t start = text->len;
	int c = toml_lex_peek(lx), hour, minute, r;

	*ret_has = false;
	if (c == 'Z' || c == 'z') {
		strbuf_putc(text, 'Z');
		toml_lex_advance(lx);
		*ret_has = true;
		return 0;
	}
	if (c != '+' && c != '-')
		return 0;
	strbuf_putc(text, (char)c);
	toml_lex_advance(lx);
	if ((r = read_field(lx, 2, "offset hours", text, &hour)) < 0 ||
	    (r = expect_char(lx, ':', "in the offset", text)) < 0 ||
	    (r = read_field(lx, 2, "offset minutes", text, &minute)) < 0)
		return r;
	if (hour > 23 || minute > 59)
		return toml_lex_error(lx, line, col, "invalid time offset %s", text->s + start);
	*ret_has = true;
	return 0;
}

int toml_scalar_datetime(struct toml_lexer *lx, struct toml_value *v)
{
	_cleanup_(strbuf_free) struct strbuf text = { 0 };
	enum toml_type type;
	bool has_offset;
	int c, r;

	if (toml_lex_peek_at(lx, 2) == ':') {
		r = read_time(lx, &text);
		if (r < 0)
			return r;
		type = TOML_TIME_LOCAL;
		goto done;
	}
	r = read_date(lx, &text);
	if (r < 0)
		return r;
	/* RFC 3339 allows a space instead of the 'T'; in TOML a space that is
	 * not followed by a digit ends a plain date. */
	c = toml_lex_peek(lx);
	if (!(c == 'T' || c == 't' || (c == ' ' && is_digit(toml_lex_peek_at(lx, 1))))) {
		type = TOML_DATE_LOCAL;
		goto done;
	}
	strbuf_putc(&text, 'T');
	toml_lex_advance(lx);
	r = read_time(lx, &text);
	if (r < 0)
		return r;
	r = read_offset(lx, &text, &has_offset);
	if (r < 0)
		return r;
	type = has_offset ? TOML_DATETIME : TOML_DATETIME_LOCAL;
done:
	v->type = type;
	v->datetime = strbuf_steal(&text);
	return 0;
}
