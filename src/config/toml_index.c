/* A hash index from (table, key) to the table's entry, used while parsing.
 * Every key/value line and every header looks keys up; with a linear scan a
 * table of n keys would cost O(n^2) to parse. One open-addressing table for
 * the whole document: tables live until the parse ends, so their addresses
 * are stable identities, and entries are found by index because a table's
 * item array moves as it grows. */
#include <stdint.h>

#include "config/toml_internal.h"

struct toml_index_slot {
	const struct toml_value *table; /* NULL: the slot is free */
	size_t idx;
	uint64_t hash;
};

static uint64_t hash_key(const struct toml_value *t, const char *key, size_t len)
{
	/* FNV-1a over the key, seeded with the table's address. */
	uint64_t h = 0xcbf29ce484222325ull ^ ((uint64_t)(uintptr_t)t * 0x9E3779B97F4A7C15ull);

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ull;
	}
	return h ^ (h >> 32);
}

static bool slot_matches(const struct toml_index_slot *s, const struct toml_value *t, uint64_t h,
			 const char *key, size_t len)
{
	const struct toml_keyval *kv;

	if (s->table != t || s->hash != h)
		return false;
	kv = &t->table.items[s->idx];
	return kv->key_len == len && memcmp(kv->key, key, len) == 0;
}

struct toml_keyval *toml_index_find(struct toml_index *ix, const struct toml_value *t,
				    const char *key, size_t len)
{
	uint64_t h = hash_key(t, key, len);

	if (ix->cap == 0)
		return NULL;
	for (size_t i = h & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		const struct toml_index_slot *s = &ix->slots[i];
		if (!s->table)
			return NULL;
		if (slot_matches(s, t, h, key, len))
			return &t->table.items[s->idx];
	}
}

static void insert_slot(struct toml_index *ix, struct toml_index_slot s)
{
	size_t i = s.hash & (ix->cap - 1);

	while (ix->slots[i].table)
		i = (i + 1) & (ix->cap - 1);
	ix->slots[i] = s;
}

void toml_index_add(struct toml_index *ix, const struct toml_value *t, size_t idx)
{
	const struct toml_keyval *kv = &t->table.items[idx];

	/* Keep the load under 3/4 so that probes stay short and a free
	 * slot always ends a search. */
	if ((ix->used + 1) * 4 > ix->cap * 3) {
		struct toml_index_slot *old = ix->slots;
		size_t old_cap = ix->cap;

		ix->cap = old_cap ? old_cap * 2 : 64;
		ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].table)
				insert_slot(ix, old[i]);
		free(old);
	}
	struct toml_index_slot s = {
		.table = t, .idx = idx, .hash = hash_key(t, kv->key, kv->key_len)
	};
	insert_slot(ix, s);
	ix->used++;
}

void toml_index_free(struct toml_index *ix)
{
	free(ix->slots);
	*ix = (struct toml_index){ 0 };
}
