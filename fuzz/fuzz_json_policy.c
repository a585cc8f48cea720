/* Feeds arbitrary bytes to the --policy-json parser: it must never crash,
 * leak or read outside the input, whatever it decides. */
#include <stdint.h>

#include "config/json_policy.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p = NULL;
	char **warnings = NULL;
	struct error err = { 0 };

	/* The parser takes a length and must not need a terminator: pass an
	 * exact-size copy so that ASan catches a read past the end. */
	char *text = xmalloc(size ? size : 1);
	if (size)
		memcpy(text, data, size);
	if (json_policy_parse(text, size, "fuzz.json", &p, &warnings, &err) >= 0) {
		/* A successful parse must leave a well-formed profile. */
		for (size_t i = 0; i < p->n_entries; i++)
			if (p->entries[i].access < 0 || p->entries[i].access >= _ACCESS_MAX)
				__builtin_trap();
		profile_free(p);
		strv_free(warnings);
	} else if (p || warnings || !err.message[0]) {
		/* Failure must return nothing and say why. */
		__builtin_trap();
	}
	error_clear(&err);
	free(text);
	return 0;
}
