/* Fuzzes bwrap's command-line parser (`cordon bwrap`): the input is an
 * argument list, NUL-separated; descriptor 3 given to --args holds the
 * input again. Any input must parse or fail with a message, without
 * reading past an argument, leaking or recursing without bound. */
#include <stdint.h>

#include "cli/bwrap_cli.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size;
};

static int read_fd(void *userdata, int fd, char **ret, size_t *ret_len)
{
	const struct input *in = userdata;

	if (fd != 3)
		return -EBADF;
	*ret = xmalloc(in->size + 1);
	memcpy(*ret, in->data, in->size);
	(*ret)[in->size] = '\0';
	*ret_len = in->size;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const env[] = { "HOME=/h", "A=1", NULL };
	struct input in = { .data = data, .size = size };
	struct bwrap_cli_env e = { .environ = env, .read_fd = read_fd, .userdata = &in };
	struct bwrap_cmdline c = {};
	struct error err = {};
	char **argv = NULL;

	for (size_t off = 0; off < size;) {
		size_t n = strnlen((const char *)data + off, size - off);
		strv_consume(&argv, xstrndup((const char *)data + off, n));
		off += n + 1;
	}
	if (bwrap_cli_parse((int)strv_length(argv), argv, &e, &c, &err) < 0) {
		if (!err.message[0])
			__builtin_trap();
	} else {
		for (size_t i = 0; i < c.plan->n_ops; i++)
			if (!c.plan->ops[i].dest)
				__builtin_trap();
		bwrap_cmdline_done(&c);
	}
	strv_free(argv);
	return 0;
}
