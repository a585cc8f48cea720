/* toml-conformance DECODER TOML_TEST_DIR
 *
 * Runs DECODER on every TOML 1.0.0 case of toml-test (the files listed in
 * TOML_TEST_DIR/tests/files-toml-1.0.0): a valid case must exit 0 and print
 * JSON equal to the expected .json; an invalid case must exit non-zero
 * without crashing. Equality is semantic: key order is free, floats compare
 * by value (nan equals nan), date-times by the instant or fields they name,
 * integers by value.
 *
 * The expected files can hold "\u0000" in object keys, which jansson's
 * reader refuses, so JSON is read here with a small reader of our own and
 * stored in jansson values (which accept such keys through the *n calls). */
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "util/strbuf.h"

#define CASE_TIMEOUT_MS 10000
#define JSON_MAX_DEPTH 2000

/* ---- a JSON reader (RFC 8259) ------------------------------------------ */

struct jreader {
	const char *p, *end;
	int depth;
	const char *err;
};

static void jr_ws(struct jreader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int jr_hex4(struct jreader *r, uint32_t *ret)
{
	uint32_t v = 0;

	if (r->end - r->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*ret = v;
	return 0;
}

static void put_utf8(struct strbuf *b, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		strbuf_putc(b, (char)(0xC0 | (cp >> 6)));
		strbuf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		strbuf_putc(b, (char)(0xE0 | (cp >> 12)));
		strbuf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		strbuf_putc(b, (char)(0xF0 | (cp >> 18)));
		strbuf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		strbuf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/* A string; the cursor is on the opening quote. */
static int jr_string(struct jreader *r, struct strbuf *out)
{
	out->len = 0;
	strbuf_append(out, "", 0);
	r->p++;
	while (r->p < r->end) {
		char c = *r->p++;
		uint32_t cp, lo;

		if (c == '"')
			return 0;
		if (c != '\\') {
			strbuf_putc(out, c);
			continue;
		}
		if (r->p >= r->end)
			break;
		c = *r->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			strbuf_putc(out, c);
			break;
		case 'b':
			strbuf_putc(out, '\b');
			break;
		case 'f':
			strbuf_putc(out, '\f');
			break;
		case 'n':
			strbuf_putc(out, '\n');
			break;
		case 'r':
			strbuf_putc(out, '\r');
			break;
		case 't':
			strbuf_putc(out, '\t');
			break;
		case 'u':
			if (jr_hex4(r, &cp) < 0)
				goto bad;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
					goto bad;
				r->p += 2;
				if (jr_hex4(r, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
					goto bad;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				goto bad;
			}
			put_utf8(out, cp);
			break;
		default:
			goto bad;
		}
	}
bad:
	r->err = "bad string";
	return -1;
}

static json_t *jr_value(struct jreader *r);

static json_t *jr_object(struct jreader *r)
{
	json_t *o = json_object();
	_cleanup_(strbuf_free) struct strbuf key = { 0 };

	r->p++;
	jr_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return o;
	}
	for (;;) {
		json_t *v;

		jr_ws(r);
		if (r->p >= r->end || *r->p != '"' || jr_string(r, &key) < 0)
			goto bad;
		jr_ws(r);
		if (r->p >= r->end || *r->p != ':')
			goto bad;
		r->p++;
		v = jr_value(r);
		if (!v)
			goto bad;
		json_object_setn_new_nocheck(o, key.s, key.len, v);
		jr_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return o;
		}
		goto bad;
	}
bad:
	if (!r->err)
		r->err = "bad object";
	json_decref(o);
	return NULL;
}

static json_t *jr_array(struct jreader *r)
{
	json_t *a = json_array();

	r->p++;
	jr_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return a;
	}
	for (;;) {
		json_t *v = jr_value(r);
		if (!v)
			goto bad;
		json_array_append_new(a, v);
		jr_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return a;
		}
		goto bad;
	}
bad:
	if (!r->err)
		r->err = "bad array";
	json_decref(a);
	return NULL;
}

static bool jr_literal(struct jreader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

static json_t *jr_value(struct jreader *r)
{
	json_t *v = NULL;

	jr_ws(r);
	if (r->p >= r->end) {
		r->err = "unexpected end";
		return NULL;
	}
	if (++r->depth > JSON_MAX_DEPTH) {
		r->err = "too deep";
		return NULL;
	}
	switch (*r->p) {
	case '{':
		v = jr_object(r);
		break;
	case '[':
		v = jr_array(r);
		break;
	case '"': {
		_cleanup_(strbuf_free) struct strbuf s = { 0 };
		if (jr_string(r, &s) == 0)
			v = json_stringn_nocheck(s.s, s.len);
		break;
	}
	default:
		if (jr_literal(r, "true"))
			v = json_true();
		else if (jr_literal(r, "false"))
			v = json_false();
		else if (jr_literal(r, "null"))
			v = json_null();
		else
			r->err = "unexpected character";
		/* Numbers never occur in tagged JSON: every leaf is a string. */
	}
	r->depth--;
	return v;
}

static json_t *json_read(const char *s, size_t len, const char **why)
{
	struct jreader r = { .p = s, .end = s + len };
	json_t *v = jr_value(&r);

	if (v) {
		jr_ws(&r);
		if (r.p != r.end) {
			json_decref(v);
			v = NULL;
			r.err = "trailing data";
		}
	}
	*why = r.err;
	return v;
}

/* ---- semantic comparison ----------------------------------------------- */

struct datetime {
	bool has_date, has_time, has_offset;
	int year, month, day, hour, minute, second, offset_min;
	char frac[40]; /* fractional second digits without trailing zeros */
};

static bool read_int(const char **s, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return false;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*ret = v;
	return true;
}

static bool parse_datetime(const char *s, struct datetime *dt)
{
	*dt = (struct datetime){ 0 };
	if (strlen(s) >= 10 && s[4] == '-') {
		if (!read_int(&s, 4, &dt->year) || *s++ != '-' || !read_int(&s, 2, &dt->month) ||
		    *s++ != '-' || !read_int(&s, 2, &dt->day))
			return false;
		dt->has_date = true;
		if (*s == '\0')
			return true;
		if (*s != 'T' && *s != 't' && *s != ' ')
			return false;
		s++;
	}
	if (!read_int(&s, 2, &dt->hour) || *s++ != ':' || !read_int(&s, 2, &dt->minute) ||
	    *s++ != ':' || !read_int(&s, 2, &dt->second))
		return false;
	dt->has_time = true;
	if (*s == '.') {
		size_t n = 0;
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (n + 1 < sizeof(dt->frac))
				dt->frac[n++] = *s;
		while (n > 0 && dt->frac[n - 1] == '0')
			dt->frac[--n] = '\0';
	}
	if (*s == 'Z' || *s == 'z') {
		dt->has_offset = true;
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1, h, m;
		if (!read_int(&s, 2, &h) || *s++ != ':' || !read_int(&s, 2, &m))
			return false;
		dt->has_offset = true;
		dt->offset_min = sign * (h * 60 + m);
	}
	return *s == '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool same_datetime(const char *a, const char *b)
{
	struct datetime x, y;

	if (!parse_datetime(a, &x) || !parse_datetime(b, &y))
		return false;
	if (x.has_date != y.has_date || x.has_time != y.has_time ||
	    x.has_offset != y.has_offset || !streq(x.frac, y.frac))
		return false;
	if (x.has_offset) {
		/* The same instant, whatever the offset it is written in. */
		int64_t sx = days_from_civil(x.year, x.month, x.day) * 86400 + x.hour * 3600 +
			     x.minute * 60 + x.second - x.offset_min * 60;
		int64_t sy = days_from_civil(y.year, y.month, y.day) * 86400 + y.hour * 3600 +
			     y.minute * 60 + y.second - y.offset_min * 60;
		return sx == sy;
	}
	return x.year == y.year && x.month == y.month && x.day == y.day && x.hour == y.hour &&
	       x.minute == y.minute && x.second == y.second;
}

static bool parse_float_text(const char *s, double *ret)
{
	const char *t = s + (*s == '+' || *s == '-');
	char *end;

	if (streq(t, "inf") || streq(t, "nan")) {
		*ret = t[0] == 'i' ? INFINITY : NAN;
		if (*s == '-')
			*ret = -*ret;
		return true;
	}
	errno = 0;
	*ret = strtod(s, &end);
	return *s && *end == '\0';
}

static bool same_float(const char *a, const char *b)
{
	double x, y;

	if (!parse_float_text(a, &x) || !parse_float_text(b, &y))
		return false;
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	return x == y && signbit(x) == signbit(y);
}

static bool same_integer(const char *a, const char *b)
{
	char *ea, *eb;
	long long x, y;

	errno = 0;
	x = strtoll(a, &ea, 10);
	if (errno || *ea || !*a)
		return false;
	y = strtoll(b, &eb, 10);
	if (errno || *eb || !*b)
		return false;
	return x == y;
}

/* A tagged leaf: {"type": "<string>", "value": "<string>"}. A TOML table
 * with keys "type" and "value" prints those as objects, not strings. */
static bool is_leaf(const json_t *j)
{
	return json_is_object(j) && json_object_size(j) == 2 &&
	       json_is_string(json_object_get(j, "type")) &&
	       json_is_string(json_object_get(j, "value"));
}

static bool same_leaf(const json_t *want, const json_t *got, struct strbuf *why)
{
	const char *wt = json_string_value(json_object_get(want, "type"));
	const char *gt = json_string_value(json_object_get(got, "type"));
	const json_t *wvj = json_object_get(want, "value"), *gvj = json_object_get(got, "value");
	const char *wv = json_string_value(wvj), *gv = json_string_value(gvj);
	bool same;

	if (!streq(wt, gt)) {
		strbuf_printf(why, ": type %s, want %s", gt, wt);
		return false;
	}
	if (streq(wt, "float"))
		same = same_float(wv, gv);
	else if (streq(wt, "integer"))
		same = same_integer(wv, gv);
	else if (streq(wt, "datetime") || streq(wt, "datetime-local") ||
		 streq(wt, "date-local") || streq(wt, "time-local"))
		same = same_datetime(wv, gv);
	else
		same = json_string_length(wvj) == json_string_length(gvj) &&
		       memcmp(wv, gv, json_string_length(wvj)) == 0;
	if (!same)
		strbuf_printf(why, ": %s %s, want %s", wt, gv, wv);
	return same;
}

static bool same_json(const json_t *want, const json_t *got, struct strbuf *why)
{
	size_t saved = why->len;

	if (is_leaf(want) || is_leaf(got)) {
		if (!is_leaf(want) || !is_leaf(got)) {
			strbuf_puts(why, ": a value and a table or array");
			return false;
		}
		return same_leaf(want, got, why);
	}
	if (json_is_array(want) && json_is_array(got)) {
		if (json_array_size(want) != json_array_size(got)) {
			strbuf_printf(why, ": %zu array elements, want %zu", json_array_size(got),
				      json_array_size(want));
			return false;
		}
		for (size_t i = 0; i < json_array_size(want); i++) {
			strbuf_printf(why, "[%zu]", i);
			if (!same_json(json_array_get(want, i), json_array_get(got, i), why))
				return false;
			why->len = saved;
			why->s[saved] = '\0';
		}
		return true;
	}
	if (json_is_object(want) && json_is_object(got)) {
		const char *key;
		size_t klen;
		json_t *wv;

		if (json_object_size(want) != json_object_size(got)) {
			strbuf_printf(why, ": %zu keys, want %zu", json_object_size(got),
				      json_object_size(want));
			return false;
		}
		json_object_keylen_foreach((json_t *)want, key, klen, wv)
		{
			json_t *gv = json_object_getn(got, key, klen);

			strbuf_putc(why, '.');
			strbuf_append(why, key, strnlen(key, klen));
			if (!gv) {
				strbuf_puts(why, ": missing");
				return false;
			}
			if (!same_json(wv, gv, why))
				return false;
			why->len = saved;
			why->s[saved] = '\0';
		}
		return true;
	}
	strbuf_puts(why, ": a table and an array");
	return false;
}

/* ---- running the decoder ----------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs DECODER with INPUT on stdin; collects stdout and stderr. Returns the
 * wait status, or -ETIMEDOUT after killing a decoder that took too long. */
static int run_decoder(const char *decoder, const char *input, struct strbuf *out,
		       struct strbuf *err)
{
	_cleanup_close_ int in = open(input, O_RDONLY | O_CLOEXEC);
	int po[2], pe[2], status;
	int64_t deadline = now_ms() + CASE_TIMEOUT_MS;
	bool timed_out = false;
	pid_t pid;

	if (in < 0)
		return -errno;
	if (pipe2(po, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		safe_close(po[0]);
		safe_close(po[1]);
		return -errno;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (dup2(in, STDIN_FILENO) < 0 || dup2(po[1], STDOUT_FILENO) < 0 ||
		    dup2(pe[1], STDERR_FILENO) < 0)
			_exit(126);
		execl(decoder, decoder, (char *)NULL);
		_exit(127);
	}
	safe_close(po[1]);
	safe_close(pe[1]);

	struct pollfd fds[2] = {
		{ .fd = po[0], .events = POLLIN },
		{ .fd = pe[0], .events = POLLIN },
	};
	struct strbuf *bufs[2] = { out, err };
	int open_fds = 2;
	while (open_fds > 0) {
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(fds, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char buf[65536];
			ssize_t n;

			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i].fd, buf, sizeof(buf));
			if (n > 0) {
				strbuf_append(bufs[i], buf, (size_t)n);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			safe_close(fds[i].fd);
			fds[i].fd = -1;
			open_fds--;
		}
	}
	for (int i = 0; i < 2; i++)
		safe_close(fds[i].fd);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return timed_out ? -ETIMEDOUT : status;
}

static char *read_file(const char *path, size_t *ret_len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "rbe");
	struct strbuf b = { 0 };
	char buf[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_append(&b, buf, n);
	if (ferror(f)) {
		strbuf_free(&b);
		return NULL;
	}
	*ret_len = b.len;
	return strbuf_steal(&b);
}

/* Why the decoder exited as it did, for a failure report. */
static void describe_status(int status, const struct strbuf *err, struct strbuf *why)
{
	if (status == -ETIMEDOUT)
		strbuf_printf(why, "timed out after %d ms", CASE_TIMEOUT_MS);
	else if (status < 0)
		strbuf_printf(why, "cannot run the decoder: %s", strerror(-status));
	else if (WIFSIGNALED(status))
		strbuf_printf(why, "killed by signal %d", WTERMSIG(status));
	else
		strbuf_printf(why, "exit status %d", WEXITSTATUS(status));
	if (err->len)
		strbuf_printf(why, ": %.*s", (int)strcspn(err->s, "\n"), err->s);
}

/* Checks one case; returns true when it passes, else fills WHY. */
static bool check_case(const char *decoder, const char *dir, const char *name, bool valid,
		       struct strbuf *why)
{
	_cleanup_free_ char *toml = xasprintf("%s/tests/%s", dir, name);
	_cleanup_(strbuf_free) struct strbuf out = { 0 }, err = { 0 };
	int status = run_decoder(decoder, toml, &out, &err);

	if (!valid) {
		/* A rejection is a clean non-zero exit; a crash or a hang
		 * is a bug even on bad input. */
		if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
			return true;
		if (status >= 0 && WIFEXITED(status))
			strbuf_puts(why, "accepted invalid TOML");
		else
			describe_status(status, &err, why);
		return false;
	}
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_status(status, &err, why);
		return false;
	}

	_cleanup_free_ char *json_path = xasprintf("%.*s.json", (int)(strlen(toml) - 5), toml);
	size_t len;
	_cleanup_free_ char *want_text = read_file(json_path, &len);
	const char *jerr = NULL;
	if (!want_text) {
		strbuf_printf(why, "cannot read %s: %m", json_path);
		return false;
	}
	json_t *want = json_read(want_text, len, &jerr);
	if (!want) {
		strbuf_printf(why, "cannot parse the expected JSON: %s", jerr);
		return false;
	}
	json_t *got = json_read(out.s ? out.s : "", out.len, &jerr);
	if (!got) {
		strbuf_printf(why, "decoder printed invalid JSON: %s", jerr);
		json_decref(want);
		return false;
	}
	strbuf_puts(why, "mismatch at $");
	bool same = same_json(want, got, why);
	json_decref(want);
	json_decref(got);
	return same;
}

int main(int argc, char **argv)
{
	unsigned valid = 0, valid_ok = 0, invalid = 0, invalid_ok = 0;
	_cleanup_free_ char *list = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	size_t cap = 0;
	bool must_work;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DECODER TOML_TEST_DIR\n", argv[0]);
		return 2;
	}
	must_work = getenv("CORDON_MUST_WORK") && streq(getenv("CORDON_MUST_WORK"), "1");
	list = xasprintf("%s/tests/files-toml-1.0.0", argv[2]);
	f = fopen(list, "re");
	if (!f) {
		/* Without the suite there is nothing to check: a skip (77),
		 * which CI turns into a failure. */
		fprintf(stderr, "toml-conformance: %s: %m\n", list);
		return must_work ? 1 : 77;
	}

	_cleanup_free_ char *line = NULL;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		_cleanup_(strbuf_free) struct strbuf why = { 0 };
		bool is_valid;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n < 5 || !streq(line + n - 5, ".toml"))
			continue;
		is_valid = strneq(line, "valid/", 6);
		if (!is_valid && !strneq(line, "invalid/", 8))
			continue;
		if (is_valid)
			valid++;
		else
			invalid++;
		if (check_case(argv[1], argv[2], line, is_valid, &why)) {
			if (is_valid)
				valid_ok++;
			else
				invalid_ok++;
			continue;
		}
		printf("FAIL %s: %s\n", line, why.s ? why.s : "");
	}
	printf("toml-test 1.0.0: valid %u/%u passed, invalid %u/%u rejected\n", valid_ok, valid,
	       invalid_ok, invalid);
	if (valid + invalid == 0)
		return 1;
	return valid_ok == valid && invalid_ok == invalid ? 0 : 1;
}
