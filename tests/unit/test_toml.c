/* Unit tests of the TOML parser (src/config/toml*.c). The toml-test suite
 * (tests/toml/) covers the language; these cover what it does not: the
 * tree API, positions, messages, limits and hostile bytes. */
#include <criterion/criterion.h>
#include <math.h>

#include "config/toml.h"
#include "util/strbuf.h"

/* Parses S (its strlen) and fails the test with the error if it does not
 * parse. */
static struct toml_value *parse_ok(const char *s)
{
	struct error err = { 0 };
	struct toml_value *v = NULL;
	int r = toml_parse(s, strlen(s), "t.toml", &v, &err);

	cr_assert_eq(r, 0, "parse of <<%s>> failed: %u:%u: %s", s, err.line, err.column,
		     err.message);
	cr_assert_not_null(v);
	error_clear(&err);
	return v;
}

/* Parses LEN bytes of S and expects an error; returns it (caller clears). */
static struct error parse_fail_n(const char *s, size_t len)
{
	struct error err = { 0 };
	struct toml_value *v = NULL;
	int r = toml_parse(s, len, "t.toml", &v, &err);

	cr_assert_eq(r, -EINVAL, "<<%s>> parsed but should not", s);
	cr_assert_null(v);
	cr_assert(error_is_set(&err));
	return err;
}

static struct error parse_fail(const char *s)
{
	return parse_fail_n(s, strlen(s));
}

/* Walks a dotted path of plain keys. */
static struct toml_value *get_path(struct toml_value *t, const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;

	for (char *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		t = toml_table_get(t, k);
		if (!t)
			return NULL;
	}
	return t;
}

Test(toml, empty_documents)
{
	static const char *const docs[] = { "", " ", "\n", "\r\n", "# c", "\xEF\xBB\xBF",
					    "\t\n  # x\n" };
	for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
		_cleanup_toml_free_ struct toml_value *v = parse_ok(docs[i]);
		cr_assert_eq(v->type, TOML_TABLE, "case %zu", i);
		cr_assert_eq(v->table.n, 0, "case %zu", i);
	}
	/* No text at all is an empty document, too. */
	struct toml_value *v = NULL;
	cr_assert_eq(toml_parse(NULL, 0, "t.toml", &v, NULL), 0);
	toml_free(v);
}

Test(toml, integers)
{
	static const struct {
		const char *text;
		int64_t want;
	} cases[] = {
		{ "0", 0 },
		{ "+0", 0 },
		{ "-0", 0 },
		{ "42", 42 },
		{ "+17", 17 },
		{ "-17", -17 },
		{ "1_000_000", 1000000 },
		{ "9223372036854775807", INT64_MAX },
		{ "-9223372036854775808", INT64_MIN },
		{ "0xDEADbeef", 0xDEADBEEF },
		{ "0x7FFF_FFFF_FFFF_FFFF", INT64_MAX },
		{ "0x00ff", 255 },
		{ "0o755", 0755 },
		{ "0b1101_0110", 0xD6 },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *doc = xasprintf("v = %s", cases[i].text);
		_cleanup_toml_free_ struct toml_value *t = parse_ok(doc);
		struct toml_value *v = toml_table_get(t, "v");
		cr_assert_eq(v->type, TOML_INTEGER, "case %zu", i);
		cr_assert_eq(v->integer, cases[i].want, "case %zu: %s", i, cases[i].text);
	}
}

Test(toml, floats)
{
	static const struct {
		const char *text;
		double want;
	} cases[] = {
		{ "1.0", 1.0 }, { "-0.5", -0.5 }, { "3.1415", 3.1415 },
		{ "5e+22", 5e22 }, { "1E6", 1e6 }, { "-2E-2", -2e-2 },
		{ "6.626e-34", 6.626e-34 }, { "224_617.445_991", 224617.445991 },
		{ "1e0_1", 10.0 }, { "0.0", 0.0 }, { "1e-400", 0.0 },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *doc = xasprintf("v = %s", cases[i].text);
		_cleanup_toml_free_ struct toml_value *t = parse_ok(doc);
		struct toml_value *v = toml_table_get(t, "v");
		cr_assert_eq(v->type, TOML_FLOAT, "case %zu", i);
		cr_assert_eq(v->floating, cases[i].want, "case %zu: %s", i, cases[i].text);
	}

	_cleanup_toml_free_ struct toml_value *t =
		parse_ok("a = inf\nb = -inf\nc = +inf\nd = nan\ne = -nan\nf = -0.0\n");
	cr_assert(isinf(toml_table_get(t, "a")->floating) && toml_table_get(t, "a")->floating > 0);
	cr_assert(isinf(toml_table_get(t, "b")->floating) && toml_table_get(t, "b")->floating < 0);
	cr_assert(isinf(toml_table_get(t, "c")->floating));
	cr_assert(isnan(toml_table_get(t, "d")->floating));
	cr_assert(isnan(toml_table_get(t, "e")->floating));
	cr_assert(signbit(toml_table_get(t, "f")->floating));
}

Test(toml, bad_numbers)
{
	static const char *const cases[] = {
		"01", "-01", "1__0", "_1", "1_", "0x", "0X10", "+0x1", "-0o7", "0o8", "0b2",
		"0xg", "1.", ".5", "1.e5", "1e", "1e+", "1.0.0", "1_.0", "1._0", "Inf", "NaN",
		"+inf_", "1e_5", "9223372036854775808", "-9223372036854775809",
		"0x8000000000000000", "1e400", "-1e400", "0b", "1x", "12-34", "infinity", "+",
		"++1", "1__",
};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *doc = xasprintf("v = %s", cases[i]);
		struct error err = parse_fail(doc);
		cr_assert_eq(err.line, 1, "case %zu: %s", i, cases[i]);
		cr_assert_eq(err.column, 5, "case %zu: %s -> %u: %s", i, cases[i], err.column,
			     err.message);
		error_clear(&err);
	}
}

Test(toml, bool_and_strings)
{
	_cleanup_toml_free_ struct toml_value *t = parse_ok(
		"t = true\nf = false\n"
		"basic = \"a\\tb\\n\\\"c\\\\ \\u00e9 \\U0001F600\"\n"
		"lit = 'C:\\path\\n'\n"
		"ml = \"\"\"\nline1\nline2\\\n    \n   joined\"\"\"\n"
		"mll = '''\n  raw \\n '' '''\n"
		"quotes = \"\"\"a\"\"b\"\"\"\"\"\n"
		"nul = \"x\\u0000y\"\n"
		"crlf = \"\"\"a\r\nb\"\"\"\r\n");

	cr_assert_eq(toml_table_get(t, "t")->type, TOML_BOOL);
	cr_assert(toml_table_get(t, "t")->boolean);
	cr_assert(!toml_table_get(t, "f")->boolean);
	cr_assert_str_eq(toml_table_get(t, "basic")->string.s,
			 "a\tb\n\"c\\ \xC3\xA9 \xF0\x9F\x98\x80");
	cr_assert_str_eq(toml_table_get(t, "lit")->string.s, "C:\\path\\n");
	cr_assert_str_eq(toml_table_get(t, "ml")->string.s, "line1\nline2joined");
	cr_assert_str_eq(toml_table_get(t, "mll")->string.s, "  raw \\n '' ");
	cr_assert_str_eq(toml_table_get(t, "quotes")->string.s, "a\"\"b\"\"");
	struct toml_value *nul = toml_table_get(t, "nul");
	cr_assert_eq(nul->string.len, 3);
	cr_assert_eq(memcmp(nul->string.s, "x\0y", 3), 0);
	/* CRLF inside a multi-line string reads as LF. */
	cr_assert_str_eq(toml_table_get(t, "crlf")->string.s, "a\nb");
}

Test(toml, bad_strings)
{
	static const struct {
		const char *doc;
		unsigned line, col;
		const char *msg;
	} cases[] = {
		{ "a = \"abc", 1, 9, "unterminated string" },
		{ "a = \"abc\nb = 1", 1, 9, "newline before the closing quote" },
		{ "a = 'abc\n", 1, 9, "unterminated string" },
		{ "a = \"\\x41\"", 1, 6, "invalid escape sequence \\x" },
		{ "a = \"\\ \"", 1, 6, "invalid escape" },
		{ "a = \"\\uD800\"", 1, 6, "not a Unicode scalar value" },
		{ "a = \"\\U00110000\"", 1, 6, "not a Unicode scalar value" },
		{ "a = \"\\u12\"", 1, 6, "exactly 4 hexadecimal digits" },
		{ "a = \"\"\"abc", 1, 11, "unterminated multi-line string" },
		{ "a = \"\"\"a\\ b\"\"\"", 1, 9, "only by whitespace" },
		{ "a = '''a''''''", 1, 9, "quotes in a row" },
		{ "\"\"\"k\"\"\" = 1", 1, 1, "multi-line string cannot be used as a key" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct error err = parse_fail(cases[i].doc);
		cr_assert(strstr(err.message, cases[i].msg), "case %zu: message <<%s>>", i,
			  err.message);
		cr_assert_eq(err.line, cases[i].line, "case %zu: line %u", i, err.line);
		cr_assert_eq(err.column, cases[i].col, "case %zu: column %u (%s)", i, err.column,
			     err.message);
		error_clear(&err);
	}
}

Test(toml, datetimes)
{
	static const struct {
		const char *text;
		enum toml_type type;
		const char *want;
	} cases[] = {
		{ "1979-05-27T07:32:00Z", TOML_DATETIME, "1979-05-27T07:32:00Z" },
		{ "1979-05-27 07:32:00z", TOML_DATETIME, "1979-05-27T07:32:00Z" },
		{ "1979-05-27t00:32:00.999999-07:00", TOML_DATETIME,
		  "1979-05-27T00:32:00.999999-07:00" },
		{ "1979-05-27T07:32:00", TOML_DATETIME_LOCAL, "1979-05-27T07:32:00" },
		{ "1979-05-27 07:32:00.5", TOML_DATETIME_LOCAL, "1979-05-27T07:32:00.5" },
		{ "1979-05-27", TOML_DATE_LOCAL, "1979-05-27" },
		{ "2000-02-29", TOML_DATE_LOCAL, "2000-02-29" },
		{ "07:32:00", TOML_TIME_LOCAL, "07:32:00" },
		{ "00:32:00.123456789", TOML_TIME_LOCAL, "00:32:00.123456789" },
		{ "23:59:60", TOML_TIME_LOCAL, "23:59:60" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *doc = xasprintf("v = %s # c", cases[i].text);
		_cleanup_toml_free_ struct toml_value *t = parse_ok(doc);
		struct toml_value *v = toml_table_get(t, "v");
		cr_assert_eq(v->type, cases[i].type, "case %zu", i);
		cr_assert_str_eq(v->datetime, cases[i].want, "case %zu", i);
	}
}

Test(toml, bad_datetimes)
{
	static const char *const cases[] = {
		"1979-13-01", "1979-00-01", "1979-01-00",
		"1979-01-32", "1900-02-29", "2023-02-29",
		"1979-04-31", "1979-05-27T24:00:00", "1979-05-27T23:60:00",
		"1979-05-27T23:59:61", "1979-05-27T07:32", "1979-05-27T",
		"1979-05-27T07:32:00.", "1979-05-27T07:32:00+24:00", "1979-05-27T07:32:00+05:60",
		"1979-05-27T07:32:00+0500", "1979-5-27", "10000-01-01",
		"07:32", "7:32:00", "07:32:00Z",
		"1979-05-27x", "1979-05-27T07:32:00Zx",
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *doc = xasprintf("v = %s", cases[i]);
		struct error err = parse_fail(doc);
		cr_assert_eq(err.line, 1, "case %zu: %s", i, cases[i]);
		error_clear(&err);
	}
}

Test(toml, arrays_and_inline_tables)
{
	_cleanup_toml_free_ struct toml_value *t = parse_ok(
		"a = [ 1, 'two', [3.0], {x = 4}, ]\n"
		"b = [\n  # comment\n  1,\n  2 # more\n]\n"
		"c = []\n"
		"d = { x = 1, y.z = 'deep', w = { } }\n");
	struct toml_value *a = toml_table_get(t, "a");

	cr_assert_eq(a->type, TOML_ARRAY);
	cr_assert_eq(a->array.n, 4);
	cr_assert_eq(a->array.items[0]->type, TOML_INTEGER);
	cr_assert_eq(a->array.items[1]->type, TOML_STRING);
	cr_assert_eq(a->array.items[2]->type, TOML_ARRAY);
	cr_assert_eq(a->array.items[3]->type, TOML_TABLE);
	cr_assert_eq(toml_table_get(a->array.items[3], "x")->integer, 4);
	cr_assert_eq(toml_table_get(t, "b")->array.n, 2);
	cr_assert_eq(toml_table_get(t, "c")->array.n, 0);
	cr_assert_str_eq(get_path(t, "d.y.z")->string.s, "deep");
	cr_assert_eq(get_path(t, "d.w")->type, TOML_TABLE);
}

Test(toml, tables_in_document_order)
{
	_cleanup_toml_free_ struct toml_value *t = parse_ok("z = 1\n"
							    "[b]\n"
							    "k = 1\n"
							    "[a.x]\n"
							    "[[arr]]\n"
							    "n = 1\n"
							    "[[arr]]\n"
							    "n = 2\n"
							    "[arr.sub]\n"
							    "m = 3\n"
							    "[a]\n"
							    "y = 2\n");
	static const char *const order[] = { "z", "b", "a", "arr" };

	cr_assert_eq(t->table.n, ELEMENTSOF(order));
	for (size_t i = 0; i < ELEMENTSOF(order); i++)
		cr_assert_str_eq(t->table.items[i].key, order[i]);
	struct toml_value *arr = toml_table_get(t, "arr");
	cr_assert_eq(arr->type, TOML_ARRAY);
	cr_assert_eq(arr->array.n, 2);
	cr_assert_eq(get_path(arr->array.items[1], "sub.m")->integer, 3);
	cr_assert_eq(get_path(t, "a.y")->integer, 2);
	cr_assert_str_eq(toml_table_get(t, "a")->table.items[0].key, "x");
}

Test(toml, value_and_key_positions)
{
	_cleanup_toml_free_ struct toml_value *t = parse_ok("# header\n"
							    "a = 1\n"
							    "\n"
							    "\"é\" = \"é\"\n"
							    "  [tbl]\n"
							    "  key   =   [ 10,\n"
							    "    20 ]\n"
							    "\tx.y = true\r\n"
							    "z = { q = 1 }\n");
	struct toml_value *a = toml_table_get(t, "a");
	cr_assert_eq(a->line, 2);
	cr_assert_eq(a->column, 5);
	cr_assert_str_eq(a->file, "t.toml");
	cr_assert_eq(t->table.items[0].line, 2);
	cr_assert_eq(t->table.items[0].column, 1);

	struct toml_value *e = toml_table_get(t, "é");
	cr_assert_eq(e->line, 4);
	cr_assert_eq(e->column, 7);

	struct toml_value *tbl = toml_table_get(t, "tbl");
	cr_assert_eq(tbl->line, 5);
	cr_assert_eq(tbl->column, 3);
	struct toml_value *key = toml_table_get(tbl, "key");
	cr_assert_eq(key->line, 6);
	cr_assert_eq(key->column, 13);
	cr_assert_eq(key->array.items[0]->line, 6);
	cr_assert_eq(key->array.items[0]->column, 15);
	cr_assert_eq(key->array.items[1]->line, 7);
	cr_assert_eq(key->array.items[1]->column, 5);

	/* A dotted key's tables sit where their part of the key is written. */
	struct toml_value *x = toml_table_get(tbl, "x");
	cr_assert_eq(x->line, 8);
	cr_assert_eq(x->column, 2);
	struct toml_value *y = toml_table_get(x, "y");
	cr_assert_eq(y->line, 8);
	cr_assert_eq(y->column, 8);
	cr_assert_eq(x->table.items[0].column, 4);

	struct toml_value *q = get_path(tbl, "z.q");
	cr_assert_eq(q->line, 9);
	cr_assert_eq(q->column, 11);
}

/* An implied table takes the position of the header that defines it. */
Test(toml, implied_table_position)
{
	_cleanup_toml_free_ struct toml_value *t = parse_ok("[a.b]\n[a]\n");
	struct toml_value *a = toml_table_get(t, "a");

	cr_assert_eq(a->line, 2);
	cr_assert_eq(a->column, 1);
}

Test(toml, syntax_errors)
{
	static const struct {
		const char *doc;
		unsigned line, col;
		const char *msg;
	} cases[] = {
		{ "a", 1, 2, "expected '=' after a key" },
		{ "a b = 1", 1, 3, "expected '=' after a key, found 'b'" },
		{ "a = 1 b = 2", 1, 7, "unexpected 'b' after a value" },
		{ "a =", 1, 4, "expected a value, found end of file" },
		{ "a = \n", 1, 5, "expected a value, found end of line" },
		{ "= 1", 1, 1, "expected a key, found '='" },
		{ "a = tru", 1, 5, "invalid value \"tru\"" },
		{ "a = bare", 1, 5, "strings must be quoted" },
		{ "\n\n[a\n", 3, 3, "expected ']' to close the table header" },
		{ "[[a]\n", 1, 5, "expected ']]' to close the array of tables header, found end" },
		{ "[a", 1, 3, "expected ']' to close the table header, found end of file" },
		{ "[a] b = 1", 1, 5, "after a table header" },
		{ "[]", 1, 2, "expected a key, found ']'" },
		{ "a..b = 1", 1, 3, "expected a key, found '.'" },
		{ "a = [1 2]", 1, 8, "expected ',' or ']'" },
		{ "a = [1,,2]", 1, 8, "expected a value, found ','" },
		{ "a = [1", 1, 7, "expected ',' or ']'" },
		{ "a = {x = 1,}", 1, 12, "trailing comma" },
		{ "a = {x = 1\n}", 1, 11, "must be on one line" },
		{ "a = {x = 1,\ny = 2}", 1, 12, "must be on one line" },
		{ "a = {\n}", 1, 6, "must be on one line" },
		{ "a = {x = 1 y = 2}", 1, 12, "expected ',' or '}'" },
		{ "a = 1\n\u3000b = 2", 2, 1, "expected a key, found U+3000" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct error err = parse_fail(cases[i].doc);
		cr_assert(strstr(err.message, cases[i].msg), "case %zu: message <<%s>>", i,
			  err.message);
		cr_assert_str_eq(err.file, "t.toml");
		cr_assert_eq(err.line, cases[i].line, "case %zu: line %u (%s)", i, err.line,
			     err.message);
		cr_assert_eq(err.column, cases[i].col, "case %zu: column %u (%s)", i, err.column,
			     err.message);
		error_clear(&err);
	}
}

Test(toml, redefinition_errors)
{
	static const struct {
		const char *doc;
		unsigned line, col;
		const char *msg;
	} cases[] = {
		{ "a = 1\na = 2", 2, 1, "duplicate key \"a\" (first defined at line 1, column 1)" },
		{ "[t]\nk = 1\nk = 2", 3, 1, "duplicate key \"t.k\"" },
		{ "a.b = 1\na.b = 2", 2, 3, "duplicate key \"a.b\"" },
		{ "\"a\" = 1\na = 2", 2, 1, "duplicate key" },
		{ "'~/.ssh' = 1\n\"~/.ssh\" = 2", 2, 1, "duplicate key \"'~/.ssh'\"" },
		{ "[a]\n[a]", 2, 2, "table \"a\" is already defined (line 1)" },
		{ "[a.b]\n[a]\n[a]", 3, 2, "table \"a\" is already defined" },
		{ "[a]\nb.c = 1\n[a.b]", 3, 4, "already defined by dotted keys" },
		{ "a.b = 1\n[a]", 2, 2, "already defined by dotted keys" },
		{ "[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 3, "defined by the header at line 1" },
		{ "a = {}\n[a]", 2, 2, "already defined as an inline table" },
		{ "a = {}\n[a.b]", 2, 2, "cannot add a table to inline table \"a\"" },
		{ "a = {b = 1}\na.c = 2", 2, 1, "cannot add keys to inline table \"a\"" },
		{ "a = {b = {}, b.c = 1}", 1, 14, "cannot add keys to inline table \"a.b\"" },
		{ "a = {b = 1, b = 2}", 1, 13, "duplicate key \"a.b\"" },
		{ "a = 1\na.b = 2", 2, 1, "cannot add keys to \"a\": it is an integer" },
		{ "a = 1\n[a]", 2, 2, "cannot define table \"a\": it is already an integer" },
		{ "a = [1]\n[[a]]", 2, 3, "array value" },
		{ "a = []\n[a.b]", 2, 2, "cannot add a table to \"a\": it is an array" },
		{ "[[a]]\n[a]", 2, 2, "cannot define table \"a\": it is already an array" },
		{ "[a]\n[[a]]", 2, 3, "cannot define array of tables \"a\": it is already a" },
		{ "[[a.b]]\n[a]\nb.y = 2", 3, 1, "cannot add keys to \"a.b\": it is an array" },
		{ "[a.b]\n[a]\nb = 1", 3, 1, "already defined as a table" },
		{ "a.b = 1\na = {}", 2, 1, "already defined as a table" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct error err = parse_fail(cases[i].doc);
		cr_assert(strstr(err.message, cases[i].msg), "case %zu: message <<%s>>", i,
			  err.message);
		cr_assert_eq(err.line, cases[i].line, "case %zu: line %u (%s)", i, err.line,
			     err.message);
		cr_assert_eq(err.column, cases[i].col, "case %zu: column %u (%s)", i, err.column,
			     err.message);
		error_clear(&err);
	}
}

/* What the redefinition rules still allow. */
Test(toml, allowed_redefinitions)
{
	static const char *const docs[] = {
		"[a.b]\n[a]\n",			   /* an implied table defined later */
		"[a]\nb.c = 1\n[a.b.d]\n",	   /* a header below a dotted table */
		"a.b = 1\na.c = 2\n",		   /* dotted keys extend their own tables */
		"[a.b.c]\n[a]\nb.x = 1\n",	   /* a dotted key through an implied table */
		"[[a]]\n[a.b]\n[[a]]\n[a.b]\n",	   /* each element is a fresh table */
		"[[a]]\nb.c = 1\n[[a]]\nb.c = 2\n",
		"[[a.b]]\n[[a.b]]\n[a]\nc = 1\n", /* the implied parent of an array of tables */
		"x = {a.b = 1, a.c = 2}\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
		_cleanup_toml_free_ struct toml_value *t = parse_ok(docs[i]);
		cr_assert_not_null(t, "case %zu", i);
	}
}

Test(toml, table_get_and_nul_keys)
{
	static const char doc[] = "\"a\\u0000b\" = 1\na = 2\n\"\" = 3\n";
	_cleanup_toml_free_ struct toml_value *t = parse_ok(doc);

	cr_assert_eq(t->table.n, 3);
	cr_assert_eq(t->table.items[0].key_len, 3);
	cr_assert(toml_key_has_nul(&t->table.items[0]));
	cr_assert(!toml_key_has_nul(&t->table.items[1]));
	/* A key with a NUL never matches its C-string prefix. */
	cr_assert_eq(toml_table_get(t, "a")->integer, 2);
	cr_assert_eq(toml_table_getn(t, "a\0b", 3)->integer, 1);
	cr_assert_eq(toml_table_get(t, "")->integer, 3);
	cr_assert_null(toml_table_get(t, "b"));
	cr_assert_null(toml_table_get(toml_table_get(t, "a"), "x"));
	cr_assert_null(toml_table_get(NULL, "a"));
	cr_assert_null(toml_table_get(t, NULL));

	/* An entry built by hand, without key_len. */
	struct toml_keyval kv = { .key = (char *)"hand", .value = NULL };
	struct toml_value tbl = { .type = TOML_TABLE, .table = { .items = &kv, .n = 1 } };
	cr_assert_eq(toml_table_get(&tbl, "hand"), NULL);
	cr_assert(!toml_key_has_nul(&kv));
	struct toml_value one = { .type = TOML_INTEGER, .integer = 1 };
	kv.value = &one;
	cr_assert_eq(toml_table_get(&tbl, "hand"), &one);
}

static void assert_same_tree(const struct toml_value *a, const struct toml_value *b)
{
	cr_assert_neq(a, b);
	cr_assert_eq(a->type, b->type);
	cr_assert_eq(a->line, b->line);
	cr_assert_eq(a->column, b->column);
	cr_assert_eq(a->flags, b->flags);
	switch (a->type) {
	case TOML_STRING:
		cr_assert_neq(a->string.s, b->string.s);
		cr_assert_eq(a->string.len, b->string.len);
		cr_assert_eq(memcmp(a->string.s, b->string.s, a->string.len + 1), 0);
		break;
	case TOML_INTEGER:
		cr_assert_eq(a->integer, b->integer);
		break;
	case TOML_FLOAT:
		cr_assert(a->floating == b->floating ||
			  (isnan(a->floating) && isnan(b->floating)));
		break;
	case TOML_BOOL:
		cr_assert_eq(a->boolean, b->boolean);
		break;
	case TOML_ARRAY:
		cr_assert_eq(a->array.n, b->array.n);
		for (size_t i = 0; i < a->array.n; i++)
			assert_same_tree(a->array.items[i], b->array.items[i]);
		break;
	case TOML_TABLE:
		cr_assert_eq(a->table.n, b->table.n);
		for (size_t i = 0; i < a->table.n; i++) {
			cr_assert_eq(a->table.items[i].key_len, b->table.items[i].key_len);
			cr_assert_eq(memcmp(a->table.items[i].key, b->table.items[i].key,
					    a->table.items[i].key_len + 1),
				     0);
			cr_assert_eq(a->table.items[i].line, b->table.items[i].line);
			assert_same_tree(a->table.items[i].value, b->table.items[i].value);
		}
		break;
	default:
		cr_assert_str_eq(a->datetime, b->datetime);
		cr_assert_neq(a->datetime, b->datetime);
	}
}

Test(toml, copy)
{
	struct toml_value *t = parse_ok("s = \"x\\u0000y\"\ni = 7\nf = nan\nb = true\n"
					"d = 1979-05-27T07:32:00Z\nl = 07:32:00\n"
					"\"k\\u0000\" = [1, [2], {a = 'b'}]\n"
					"[[aot]]\nx.y = 1\n[[aot]]\n");
	struct toml_value *c = toml_copy(t);

	assert_same_tree(t, c);
	/* The copy owns everything: freeing the original leaves it whole. */
	toml_free(t);
	cr_assert_eq(toml_table_get(c, "i")->integer, 7);
	cr_assert_eq(toml_table_get(c, "aot")->array.n, 2);
	toml_free(c);
	cr_assert_null(toml_copy(NULL));
}

static char *nested(const char *open, const char *close, int depth, const char *prefix,
		    const char *middle)
{
	struct strbuf b = { 0 };

	strbuf_puts(&b, prefix);
	for (int i = 0; i < depth; i++)
		strbuf_puts(&b, open);
	strbuf_puts(&b, middle);
	for (int i = 0; i < depth; i++)
		strbuf_puts(&b, close);
	return strbuf_steal(&b);
}

/* The root is at depth 0; a value of key a at depth 1. */
Test(toml, depth_limit)
{
	_cleanup_free_ char *arrays_ok = nested("[", "]", TOML_MAX_DEPTH, "a = ", "");
	_cleanup_free_ char *arrays_deep = nested("[", "]", TOML_MAX_DEPTH + 1, "a = ", "");
	_cleanup_free_ char *tables_ok = nested("{b=", "}", TOML_MAX_DEPTH, "a = 1\nc = ", "1");
	_cleanup_free_ char *tables_deep = nested("{b=", "}", TOML_MAX_DEPTH + 1, "c = ", "1");
	_cleanup_free_ char *huge = nested("[", "]", 1000000, "a = ", "");
	struct strbuf dotted = { 0 }, header = { 0 };

	toml_free(parse_ok(arrays_ok));
	toml_free(parse_ok(tables_ok));

	struct error err = parse_fail(arrays_deep);
	cr_assert(strstr(err.message, "nested more than 512 levels"), "%s", err.message);
	cr_assert_eq(err.column, 5 + TOML_MAX_DEPTH);
	error_clear(&err);
	err = parse_fail(tables_deep);
	cr_assert(strstr(err.message, "nested more than"), "%s", err.message);
	error_clear(&err);
	/* A million levels must fail cleanly, not overflow the stack. */
	err = parse_fail(huge);
	error_clear(&err);

	for (int i = 0; i < 1000; i++)
		strbuf_puts(&dotted, "k.");
	strbuf_puts(&dotted, "k = 1");
	err = parse_fail(dotted.s);
	cr_assert(strstr(err.message, "nested more than"), "%s", err.message);
	error_clear(&err);

	strbuf_puts(&header, "[k");
	for (int i = 0; i < 1000; i++)
		strbuf_puts(&header, ".k");
	strbuf_puts(&header, "]");
	err = parse_fail(header.s);
	cr_assert(strstr(err.message, "nested more than"), "%s", err.message);
	error_clear(&err);
	strbuf_free(&dotted);
	strbuf_free(&header);
}

Test(toml, nul_bytes)
{
	static const struct {
		const char *doc;
		size_t len;
		unsigned line, col;
	} cases[] = {
		{ "\0", 1, 1, 1 },
		{ "a = 1\0", 6, 1, 6 },
		{ "a = \"x\0y\"", 9, 1, 7 },
		{ "# c\0\n", 5, 1, 4 },
		{ "a = 1\nb = 'é\0'", 15, 2, 7 },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct error err = parse_fail_n(cases[i].doc, cases[i].len);
		cr_assert(strstr(err.message, "NUL"), "case %zu: %s", i, err.message);
		cr_assert_eq(err.line, cases[i].line, "case %zu", i);
		cr_assert_eq(err.column, cases[i].col, "case %zu: column %u", i, err.column);
		error_clear(&err);
	}
}

Test(toml, not_nul_terminated)
{
	static const char text[] = "a = 12345\nb = 'xyz'";
	struct toml_value *t = NULL;

	/* Only the first LEN bytes count: "a = 1". */
	cr_assert_eq(toml_parse(text, 5, "t.toml", &t, NULL), 0);
	cr_assert_eq(toml_table_get(t, "a")->integer, 1);
	toml_free(t);

	/* Cut inside a string: an error, and nothing read past the end
	 * (an exact-size heap copy lets AddressSanitizer check that). */
	for (size_t len = 0; len < sizeof(text) - 1; len++) {
		char *copy = xmalloc(len ? len : 1);
		memcpy(copy, text, len);
		struct error err = { 0 };
		t = NULL;
		int r = toml_parse(copy, len, "t.toml", &t, &err);
		bool want_ok = len == 0 || (len >= 5 && len <= 10) || len == sizeof(text) - 1;
		cr_assert_eq(r == 0, want_ok, "len %zu: %s", len, err.message);
		toml_free(t);
		error_clear(&err);
		free(copy);
	}
}

Test(toml, invalid_utf8)
{
	static const struct {
		const char *doc;
		unsigned line, col;
		const char *msg;
	} cases[] = {
		{ "a = \"\xff\"", 1, 6, "invalid UTF-8 (byte 0xFF)" },
		{ "a = \"\xC0\xAF\"", 1, 6, "invalid UTF-8" },		/* overlong '/' */
		{ "a = \"\xE0\x80\xAF\"", 1, 6, "invalid UTF-8" },	/* overlong */
		{ "a = \"\xED\xA0\x80\"", 1, 6, "invalid UTF-8" },	/* surrogate */
		{ "a = \"\xF4\x90\x80\x80\"", 1, 6, "invalid UTF-8" }, /* > U+10FFFF */
		{ "a = \"\x80\"", 1, 6, "invalid UTF-8" },		/* lone continuation */
		{ "a = 'é'\n# \xC3", 2, 3, "invalid UTF-8" },		/* cut at the end */
		{ "\xFE\xFF", 1, 1, "invalid UTF-8" },			/* UTF-16 BOM */
		{ "a = 1\n\xEF\xBB\xBF", 2, 1, "expected a key, found U+FEFF" },
		{ "a = 1\rb = 2", 1, 6, "carriage return" },
		{ "a = \"\x7f\"", 1, 6, "control character U+007F" },
		{ "a = '''\x0c'''", 1, 8, "control character U+000C" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct error err = parse_fail(cases[i].doc);
		cr_assert(strstr(err.message, cases[i].msg), "case %zu: message <<%s>>", i,
			  err.message);
		cr_assert_eq(err.line, cases[i].line, "case %zu: line %u", i, err.line);
		cr_assert_eq(err.column, cases[i].col, "case %zu: column %u", i, err.column);
		error_clear(&err);
	}
}

/* The first error in the file wins, even when the encoding check found a
 * bad byte further on. */
Test(toml, first_error_first)
{
	struct error err = parse_fail("a = = 1\nb = \"\xff\"\n");

	cr_assert_eq(err.line, 1);
	cr_assert(strstr(err.message, "expected a value"), "%s", err.message);
	error_clear(&err);

	err = parse_fail("a = 1\nb = \"x\xff\"\n");
	cr_assert_eq(err.line, 2);
	cr_assert_eq(err.column, 7);
	cr_assert(strstr(err.message, "invalid UTF-8"), "%s", err.message);
	error_clear(&err);
}

Test(toml, bom_and_crlf)
{
	_cleanup_toml_free_ struct toml_value *t =
		parse_ok("\xEF\xBB\xBF" "a = 1\r\n[t]\r\nb = \"\"\"\r\nx\\\r\n  y\"\"\"\r\n");

	cr_assert_eq(toml_table_get(t, "a")->integer, 1);
	cr_assert_eq(toml_table_get(t, "a")->column, 5);
	cr_assert_str_eq(get_path(t, "t.b")->string.s, "xy");
}

Test(toml, type_names)
{
	cr_assert_str_eq(toml_type_name(TOML_STRING), "string");
	cr_assert_str_eq(toml_type_name(TOML_TABLE), "table");
	cr_assert_str_eq(toml_type_name(TOML_DATETIME), "offset date-time");
	cr_assert_str_eq(toml_type_name(_TOML_TYPE_MAX), "invalid");
}

Test(toml, many_keys)
{
	struct strbuf b = { 0 };

	for (int i = 0; i < 20000; i++)
		strbuf_printf(&b, "k%d = %d\n", i, i);
	_cleanup_toml_free_ struct toml_value *t = parse_ok(b.s);
	cr_assert_eq(t->table.n, 20000);
	cr_assert_eq(toml_table_get(t, "k19999")->integer, 19999);
	strbuf_printf(&b, "k123 = 0\n");
	struct error err = parse_fail(b.s);
	cr_assert_eq(err.line, 20001);
	error_clear(&err);
	strbuf_free(&b);
}
