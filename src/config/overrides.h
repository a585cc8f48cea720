/* `-c dotted.key=VALUE`: Codex's override syntax. The key is a TOML dotted
 * key (parts may be quoted: `permissions.dev.filesystem."/x"`); the value is
 * a TOML value, or, when it does not parse as one and is a single bare word
 * (`-c permissions.dev.network.mode=proxy`), that word as a string. */
#pragma once

#include "config/toml.h"

struct override {
	char *source;              /* "-c ARG": names the override in errors and positions */
	char **parts;              /* the dotted key, unquoted */
	struct toml_value *doc;    /* owns `value` */
	const struct toml_value *value;
};

/* Parses ARG. Errors have file "-c ARG" and no line, so that they print as
 * "-c KEY=VALUE: message". */
int override_parse(const char *arg, struct override *ret, struct error *reterr);
void override_clear(struct override *o);
