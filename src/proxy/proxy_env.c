/* The environment that points a sandboxed command's tools at the proxy. */
#include "proxy/proxy.h"
#include "util/strbuf.h"
#include "util/strv.h"

char **proxy_environment(uint16_t http_port, uint16_t socks_port, const char *cordon_exe)
{
	char **v = NULL;
	_cleanup_free_ char *http = xasprintf("http://127.0.0.1:%u", (unsigned)http_port);
	_cleanup_free_ char *socks = xasprintf("socks5h://127.0.0.1:%u", (unsigned)socks_port);
	/* The names curl, wget, git, pip, Python, Go, Node's proxy agents and
	 * most other tools read; the lower-case ones win in some of them. */
	static const char *const http_vars[] = {
		"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
		"npm_config_proxy", "npm_config_https_proxy",
		"YARN_HTTP_PROXY", "YARN_HTTPS_PROXY",
		"PIP_PROXY",
	};

	for (size_t i = 0; i < ELEMENTSOF(http_vars); i++)
		strv_pushf(&v, "%s=%s", http_vars[i], http);
	/* socks5h: the proxy resolves names, never the sandbox. */
	strv_pushf(&v, "ALL_PROXY=%s", socks);
	strv_pushf(&v, "all_proxy=%s", socks);
	/* rsync speaks HTTP CONNECT to host:port given without a scheme. */
	strv_pushf(&v, "RSYNC_PROXY=127.0.0.1:%u", (unsigned)http_port);
	/* The sandbox's own loopback is its own: servers the command starts
	 * for itself must not be sent through the proxy. */
	strv_push(&v, "NO_PROXY=localhost,127.0.0.1,::1");
	strv_push(&v, "no_proxy=localhost,127.0.0.1,::1");
	strv_pushf(&v, "CORDON_HTTP_PROXY_PORT=%u", (unsigned)http_port);
	strv_pushf(&v, "CORDON_SOCKS_PORT=%u", (unsigned)socks_port);
	if (cordon_exe) {
		/* git runs GIT_SSH_COMMAND with a shell, and ssh runs the
		 * ProxyCommand with another: quote for both. */
		struct strbuf inner = {}, outer = {};
		strbuf_put_shell_quoted(&inner, cordon_exe);
		strbuf_puts(&inner, " connect %h %p");
		strbuf_puts(&outer, "GIT_SSH_COMMAND=ssh -o ");
		_cleanup_free_ char *opt = xasprintf("ProxyCommand=%s", inner.s);
		strbuf_put_shell_quoted(&outer, opt);
		strv_consume(&v, strbuf_steal(&outer));
		strbuf_free(&inner);
	}
	return v;
}
