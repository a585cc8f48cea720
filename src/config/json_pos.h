/* Finds where a value sits in JSON text. jansson keeps no positions for
 * values, only for syntax errors, so semantic errors in a JSON policy would
 * otherwise point nowhere: this re-scans the (already validated) text along
 * a path of member and element indexes. */
#pragma once

#include "util/macros.h"

/* One step down: the INDEX-th member of an object or element of an array,
 * counted in document order. */
struct json_pos_step {
	size_t index;
};

/* Sets *RET_OFFSET to the byte offset of the value at STEPS (or, with
 * WANT_KEY and an object member as the last step, of that member's key).
 * TEXT must be JSON that parsed; on a mismatch returns -ENOENT. */
int json_pos_locate(const char *text, size_t len, const struct json_pos_step *steps, size_t n,
		    bool want_key, size_t *ret_offset);
/* 1-based line and column (in characters, as jansson counts them) of OFFSET. */
void json_pos_line_column(const char *text, size_t len, size_t offset, unsigned *ret_line,
			  unsigned *ret_column);
