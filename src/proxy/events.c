#include <fcntl.h>
#include <jansson.h>
#include <time.h>

#include "proxy/events.h"

struct proxy_events {
	int fd;
	char *path;
};

int proxy_events_open(const char *path, struct proxy_events **ret, struct error *reterr)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);

	if (fd < 0)
		return error_setf_errno(reterr, -errno, NULL, 0, 0, "--events %s: %s", path,
					strerror(errno));
	struct proxy_events *e = xcalloc(1, sizeof(*e));
	e->fd = fd;
	e->path = xstrdup(path);
	*ret = e;
	return 0;
}

static void rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

void proxy_events_log(struct proxy_events *e, const struct proxy_event *ev)
{
	char now[64];

	if (!e || e->fd < 0)
		return;
	rfc3339_now(now, sizeof(now));
	json_t *o = json_pack("{s:s, s:o, s:i, s:s, s:s, s:o, s:s, s:o}", "time", now, "host",
			      str_or_null(ev->host), "port", (int)ev->port, "protocol", ev->protocol,
			      "decision", ev->allow ? "allow" : "deny", "rule", str_or_null(ev->rule),
			      "reason", ev->reason, "address", str_or_null(ev->address));
	if (!o)
		return;
	/* Invalid UTF-8 cannot reach here: hosts are validated ASCII. */
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return;
	size_t n = strlen(line);
	line[n] = '\n';
	/* One write(2) per line with O_APPEND: lines of concurrent writers
	 * (two runs sharing a log) do not interleave. */
	ssize_t w = write(e->fd, line, n + 1);
	if (w != (ssize_t)(n + 1)) {
		fprintf(stderr, "cordon: warning: --events %s: %s; no more events are written\n",
			e->path, w < 0 ? strerror(errno) : "short write");
		e->fd = safe_close(e->fd);
	}
	free(line);
}

void proxy_events_close(struct proxy_events *e)
{
	if (!e)
		return;
	safe_close(e->fd);
	free(e->path);
	free(e);
}
