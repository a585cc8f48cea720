#include "config/json_pos.h"

static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* I is at the opening quote; returns the offset after the closing one. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i + 1;
	}
	return len;
}

/* Skips one value. Iterative on purpose: nesting depth is the input's to
 * choose, and the stack is not. */
static size_t skip_value(const char *t, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len) {
		char c = t[i];
		if (c == '"') {
			i = skip_string(t, len, i);
			if (depth == 0)
				return i;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i; /* the end of the enclosing container */
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' ||
					  c == '\r')) {
			return i;
		}
		i++;
	}
	return len;
}

int json_pos_locate(const char *text, size_t len, const struct json_pos_step *steps, size_t n,
		    bool want_key, size_t *ret_offset)
{
	size_t i = skip_ws(text, len, 0);

	for (size_t s = 0; s < n; s++) {
		if (i >= len || (text[i] != '{' && text[i] != '['))
			return -ENOENT;
		bool object = text[i] == '{';
		i++;
		for (size_t k = 0;; k++) {
			i = skip_ws(text, len, i);
			if (i >= len || text[i] == '}' || text[i] == ']')
				return -ENOENT;
			size_t key = i;
			if (object) {
				if (text[i] != '"')
					return -ENOENT;
				i = skip_ws(text, len, skip_string(text, len, i));
				if (i >= len || text[i] != ':')
					return -ENOENT;
				i = skip_ws(text, len, i + 1);
			}
			if (k == steps[s].index) {
				if (s + 1 == n && want_key && object) {
					*ret_offset = key;
					return 0;
				}
				break;
			}
			i = skip_ws(text, len, skip_value(text, len, i));
			if (i >= len || text[i] != ',')
				return -ENOENT;
			i++;
		}
	}
	if (i >= len)
		return -ENOENT;
	*ret_offset = i;
	return 0;
}

void json_pos_line_column(const char *text, size_t len, size_t offset, unsigned *ret_line,
			  unsigned *ret_column)
{
	unsigned line = 1, column = 1;

	for (size_t i = 0; i < offset && i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n') {
			line++;
			column = 1;
		} else if ((c & 0xc0) != 0x80) {
			/* UTF-8 continuation bytes belong to the previous character. */
			column++;
		}
	}
	*ret_line = line;
	*ret_column = column;
}
