/* Fuzzes the TOML parser: any input must parse or fail cleanly, without
 * reading past the buffer, leaking or recursing without bound; a tree that
 * parses must survive a deep copy. */
#include <stdint.h>

#include "config/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct toml_value *root = NULL, *copy;
	struct error err = { 0 };

	if (toml_parse((const char *)data, size, "fuzz.toml", &root, &err) < 0) {
		/* A failure always says where. */
		if (!error_is_set(&err) || err.line == 0)
			__builtin_trap();
		error_clear(&err);
		return 0;
	}
	copy = toml_copy(root);
	toml_free(root);
	toml_free(copy);
	return 0;
}
