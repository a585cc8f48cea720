/* Config loading past the TOML parser: the merged view, a `-c` override and
 * profile selection (extends chains, legacy mode, every value check).
 * Input: the first line is a `-c` argument, the rest a config file. */
#include <stdint.h>

#include "config/config_merge.h"
#include "config/config_profile.h"
#include "config/overrides.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void select_profiles(const struct cfg_node *root)
{
	/* Once as selected by the file, once as `-p dev`. */
	for (int i = 0; i < 2; i++) {
		struct error err = { 0 };
		struct cfg_ctx c = { .err = &err };
		struct profile *p = NULL;

		if (config_profile_select(&c, root, i ? "dev" : NULL, &p) >= 0)
			profile_free(p);
		else if (p || !err.message[0])
			__builtin_trap(); /* failure must return nothing and say why */
		strv_free(c.warnings);
		error_clear(&err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t first = nl ? (size_t)(nl - data) : size;
	size_t rest = nl ? size - first - 1 : 0;
	_cleanup_free_ char *arg = xstrndup((const char *)data, first);
	/* An exact-size copy, so that ASan sees a read past the end. */
	_cleanup_free_ char *text = xmalloc(rest ? rest : 1);
	_cleanup_toml_free_ struct toml_value *doc = NULL;
	struct cfg_node root = { .is_table = true };
	struct override o = { 0 };
	struct error err = { 0 };

	if (rest)
		memcpy(text, nl + 1, rest);
	if (toml_parse(text, rest, "fuzz.toml", &doc, &err) >= 0 &&
	    cfg_merge_toml(&root, doc, &err) >= 0) {
		/* A -c argument cannot hold a NUL byte. */
		if (strlen(arg) == first && override_parse(arg, &o, &err) >= 0)
			(void)cfg_set(&root, o.parts, o.value, o.source, &err);
		select_profiles(&root);
	}
	cfg_node_clear(&root);
	override_clear(&o);
	error_clear(&err);
	return 0;
}
