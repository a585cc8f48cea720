/* The TOML lexer: the encoding check, positions, whitespace, comments,
 * strings and bare keys. */
#include <stdarg.h>
#include <stdint.h>

#include "config/toml_internal.h"

/* Length of the well-formed UTF-8 sequence at S (AVAIL bytes readable), or 0.
 * Overlong forms, surrogates and code points past U+10FFFF are not
 * well-formed (RFC 3629), and TOML documents must be valid UTF-8. */
static size_t utf8_len(const unsigned char *s, size_t avail, uint32_t *ret_cp)
{
	uint32_t cp, min;
	size_t n;

	if (s[0] < 0x80) {
		*ret_cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2, cp = s[0] & 0x1F, min = 0x80;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3, cp = s[0] & 0x0F, min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*ret_cp = cp;
	return n;
}

/* TOML 1.0.0 allows no control character anywhere in a document except tab
 * and the newlines LF and CRLF: not in comments (non-eol), not in any kind of
 * string (they must be escaped), not between tokens. Checking once here lets
 * the rest of the lexer rely on it. Returns the offset of the first bad byte
 * (LEN when all is well) and describes it. */
static size_t check_encoding(struct toml_lexer *lx, const unsigned char *s, size_t len)
{
	unsigned line = lx->line, col = lx->col;
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		uint32_t cp;
		size_t n;

		if (b == '\n') {
			line++, col = 1, i++;
			continue;
		}
		if (b == '\r' && i + 1 < len && s[i + 1] == '\n') {
			col++, i++;
			continue;
		}
		if (b == '\r') {
			snprintf(lx->bad_msg, sizeof(lx->bad_msg),
				 "carriage return not followed by a line feed");
			goto bad;
		}
		if (b == 0) {
			snprintf(lx->bad_msg, sizeof(lx->bad_msg), "NUL byte in the document");
			goto bad;
		}
		if ((b < 0x20 && b != '\t') || b == 0x7F) {
			snprintf(lx->bad_msg, sizeof(lx->bad_msg),
				 "control character U+%04X is not allowed (escape it in a string)",
				 b);
			goto bad;
		}
		n = utf8_len(s + i, len - i, &cp);
		if (n == 0) {
			snprintf(lx->bad_msg, sizeof(lx->bad_msg), "invalid UTF-8 (byte 0x%02X)",
				 b);
			goto bad;
		}
		col++, i += n;
	}
	return len;
bad:
	lx->bad_line = line;
	lx->bad_col = col;
	return i;
}

void toml_lex_init(struct toml_lexer *lx, const char *text, size_t len, const char *file,
		   struct error *err)
{
	*lx = (struct toml_lexer){
		.p = text, .end = text + len, .line = 1, .col = 1, .file = file, .err = err
	};
	/* A byte-order mark is allowed at the very start only; elsewhere
	 * U+FEFF is an ordinary character (and invalid outside strings). */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		lx->p += 3;

	size_t ok = check_encoding(lx, (const unsigned char *)lx->p, (size_t)(lx->end - lx->p));
	if (lx->p + ok < lx->end) {
		/* Parse only what precedes the bad byte, so that a syntax
		 * error before it is still reported first. */
		lx->end = lx->p + ok;
		lx->truncated = true;
	}
}

int toml_lex_finish(struct toml_lexer *lx)
{
	if (!lx->truncated)
		return 0;
	lx->eof_seen = true;
	return toml_lex_error(lx, 0, 0, "%s", lx->bad_msg);
}

int toml_lex_error(struct toml_lexer *lx, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[sizeof(((struct error *)NULL)->message)];
	va_list ap;

	if (lx->failed)
		return -EINVAL;
	lx->failed = true;
	if (lx->truncated && lx->eof_seen)
		return error_setf(lx->err, lx->file, lx->bad_line, lx->bad_col, "%s", lx->bad_msg);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_setf(lx->err, lx->file, line, col, "%s", msg);
}

const char *toml_lex_describe(struct toml_lexer *lx, char *buf, size_t size)
{
	int c = toml_lex_peek(lx);
	uint32_t cp;

	if (c < 0)
		return "end of file";
	if (c == '\n' || c == '\r')
		return "end of line";
	if (c == ' ')
		return "a space";
	if (c == '\t')
		return "a tab";
	if (c < 0x80) {
		snprintf(buf, size, "'%c'", c);
		return buf;
	}
	if (utf8_len((const unsigned char *)lx->p, (size_t)(lx->end - lx->p), &cp) == 0)
		cp = 0xFFFD;
	snprintf(buf, size, "U+%04X", cp);
	return buf;
}

void toml_lex_skip_ws(struct toml_lexer *lx)
{
	for (int c = toml_lex_peek(lx); c == ' ' || c == '\t'; c = toml_lex_peek(lx))
		toml_lex_advance(lx);
}

bool toml_lex_newline(struct toml_lexer *lx)
{
	int c = toml_lex_peek(lx);

	if (c == '\n') {
		toml_lex_advance(lx);
		return true;
	}
	if (c == '\r' && toml_lex_peek_at(lx, 1) == '\n') {
		toml_lex_advance(lx);
		toml_lex_advance(lx);
		return true;
	}
	return false;
}

void toml_lex_skip_comment(struct toml_lexer *lx)
{
	if (toml_lex_peek(lx) != '#')
		return;
	/* The encoding check already refused control characters, which
	 * comments may not hold either; a CR here always starts a CRLF. */
	for (int c = toml_lex_peek(lx); c >= 0 && c != '\n' && c != '\r'; c = toml_lex_peek(lx))
		toml_lex_advance(lx);
}

static void strbuf_clear(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static void put_utf8(struct strbuf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		strbuf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		strbuf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		strbuf_append(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		strbuf_append(b, u, 4);
	}
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX or \UXXXXXXXX; the cursor is on the 'u' or 'U', the backslash was
 * at LINE:COL. The code point must be a Unicode scalar value: no surrogate
 * halves, nothing past U+10FFFF (spec "String"). */
static int read_unicode_escape(struct toml_lexer *lx, unsigned line, unsigned col,
			       struct strbuf *out)
{
	int u = toml_lex_peek(lx);
	int ndigits = u == 'u' ? 4 : 8;
	uint32_t cp = 0;

	toml_lex_advance(lx);
	for (int i = 0; i < ndigits; i++) {
		int h = hex_value(toml_lex_peek(lx));
		if (h < 0)
			return toml_lex_error(lx, line, col,
					      "escape \\%c needs exactly %d hexadecimal digits", u,
					      ndigits);
		cp = (cp << 4) | (uint32_t)h;
		toml_lex_advance(lx);
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return toml_lex_error(lx, line, col,
				      "escape \\%c%0*X is not a Unicode scalar value", u, ndigits,
				      cp);
	put_utf8(out, cp);
	return 0;
}

/* One escape sequence in a basic string; the cursor is on the backslash. */
static int read_escape(struct toml_lexer *lx, bool multi, struct strbuf *out)
{
	unsigned line = lx->line, col = lx->col;
	char buf[32];
	int c;

	toml_lex_advance(lx);
	c = toml_lex_peek(lx);
	switch (c) {
	case 'b':
		strbuf_putc(out, '\b');
		break;
	case 't':
		strbuf_putc(out, '\t');
		break;
	case 'n':
		strbuf_putc(out, '\n');
		break;
	case 'f':
		strbuf_putc(out, '\f');
		break;
	case 'r':
		strbuf_putc(out, '\r');
		break;
	case '"':
		strbuf_putc(out, '"');
		break;
	case '\\':
		strbuf_putc(out, '\\');
		break;
	case 'u':
	case 'U':
		return read_unicode_escape(lx, line, col, out);
	case ' ':
	case '\t':
	case '\n':
	case '\r':
		if (!multi)
			goto invalid;
		/* A line-ending backslash: only whitespace may follow it on
		 * its line; it eats that whitespace, the newline and all
		 * whitespace and newlines up to the next other character. */
		toml_lex_skip_ws(lx);
		if (!toml_lex_newline(lx))
			return toml_lex_error(lx, line, col,
					      "a backslash at the end of a line may be followed "
					      "only by whitespace");
		do
			toml_lex_skip_ws(lx);
		while (toml_lex_newline(lx));
		return 0;
	default:
		goto invalid;
	}
	toml_lex_advance(lx);
	return 0;
invalid:
	if (c > 0x20 && c < 0x7F)
		return toml_lex_error(lx, line, col, "invalid escape sequence \\%c", c);
	return toml_lex_error(lx, line, col, "invalid escape sequence: backslash followed by %s",
			      toml_lex_describe(lx, buf, sizeof(buf)));
}

/* The body of a string after its opening delimiter, up to and including the
 * closing one. QUOTE is '"' (basic: escapes) or '\'' (literal: none). */
static int read_string_body(struct toml_lexer *lx, int quote, bool multi, unsigned line,
			    unsigned col, struct strbuf *out)
{
	for (;;) {
		int c = toml_lex_peek(lx);

		if (c < 0)
			return toml_lex_error(lx, lx->line, lx->col,
					      "unterminated %sstring (opened at line %u, "
					      "column %u)",
					      multi ? "multi-line " : "", line, col);
		if (c == quote) {
			size_t run = 0;

			if (!multi) {
				toml_lex_advance(lx);
				return 0;
			}
			while (toml_lex_peek_at(lx, run) == quote)
				run++;
			if (run >= 3 && run <= 5) {
				/* Up to two quotes may sit right before the
				 * closing three and belong to the content. */
				for (size_t i = 0; i < run; i++)
					toml_lex_advance(lx);
				for (size_t i = 3; i < run; i++)
					strbuf_putc(out, (char)quote);
				return 0;
			}
			if (run > 5)
				return toml_lex_error(lx, lx->line, lx->col,
						      "%zu quotes in a row in a multi-line string: "
						      "three end it, at most two may precede them",
						      run);
			for (size_t i = 0; i < run; i++) {
				toml_lex_advance(lx);
				strbuf_putc(out, (char)quote);
			}
			continue;
		}
		if (c == '\n' || c == '\r') {
			if (!multi)
				return toml_lex_error(lx, lx->line, lx->col,
						      "unterminated string (opened at line "
						      "%u, column %u): newline before the "
						      "closing quote",
						      line, col);
			/* CRLF reads as LF, so values do not depend on how
			 * the file was saved. */
			toml_lex_newline(lx);
			strbuf_putc(out, '\n');
			continue;
		}
		if (c == '\\' && quote == '"') {
			int r = read_escape(lx, multi, out);
			if (r < 0)
				return r;
			continue;
		}
		/* A run of ordinary characters; the encoding check has refused
		 * control characters other than tab already. */
		const char *start = lx->p;
		do
			toml_lex_advance(lx);
		while ((c = toml_lex_peek(lx)) >= 0 && c != quote && c != '\n' && c != '\r' &&
		       !(c == '\\' && quote == '"'));
		strbuf_append(out, start, (size_t)(lx->p - start));
	}
}

int toml_lex_string(struct toml_lexer *lx, bool allow_multi, struct strbuf *out)
{
	unsigned line = lx->line, col = lx->col;
	int quote = toml_lex_peek(lx);

	strbuf_clear(out);
	if (toml_lex_peek_at(lx, 1) == quote && toml_lex_peek_at(lx, 2) == quote) {
		if (!allow_multi)
			return toml_lex_error(lx, line, col,
					      "a multi-line string cannot be used as a key");
		for (int i = 0; i < 3; i++)
			toml_lex_advance(lx);
		/* A newline right after the opening delimiter is trimmed. */
		toml_lex_newline(lx);
		return read_string_body(lx, quote, true, line, col, out);
	}
	toml_lex_advance(lx);
	return read_string_body(lx, quote, false, line, col, out);
}

void toml_lex_bare_key(struct toml_lexer *lx, struct strbuf *out)
{
	const char *start = lx->p;

	strbuf_clear(out);
	while (toml_is_bare_key_char(toml_lex_peek(lx)))
		toml_lex_advance(lx);
	strbuf_append(out, start, (size_t)(lx->p - start));
}
