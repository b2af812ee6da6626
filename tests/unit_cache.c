/*
 * unit_cache: tests of lib/cache.h: SipHash-2-4 against its published
 * vector, answers found by text and by nothing else, a full bucket, the
 * save/read round trip with hostile data, and merge.  Exits 0 when every
 * check passes; a failed assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cache.h"

/* The vector of the SipHash paper: key 00..0f, message 00..0e. */
static void
test_siphash(void)
{
	uint64_t k[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	unsigned char m[15];
	size_t i;

	for (i = 0; i < sizeof(m); i++)
		m[i] = (unsigned char)i;
	assert(cache_siphash(k, m, sizeof(m)) == 0xa129ca6149be45e5ULL);
	/* Every length hashes apart from its prefixes. */
	for (i = 0; i < sizeof(m); i++)
		assert(cache_siphash(k, m, i) != cache_siphash(k, m, i + 1));
}

static void
test_find(void)
{
	struct cache *c = cache_new(100);
	char s[32];
	int i;

	assert(c != NULL && cache_count(c) == 0);
	assert(cache_find(c, "good film", 9) == -1);
	cache_put(c, "good film", 9, 3);
	assert(cache_find(c, "good film", 9) == 3);
	assert(cache_find(c, "good film ", 10) == -1);
	assert(cache_find(c, "Good film", 9) == -1);
	assert(cache_find(c, "", 0) == -1);
	cache_put(c, "good film", 9, 1);	/* a newer answer */
	assert(cache_find(c, "good film", 9) == 1 && cache_count(c) == 1);
	cache_put(c, "", 0, 2);
	assert(cache_find(c, "", 0) == 2);
	/* Past its slots, older answers give way; the count stays bounded. */
	for (i = 0; i < 1000; i++) {
		snprintf(s, sizeof(s), "item %d", i);
		cache_put(c, s, strlen(s), i % 7);
	}
	assert(cache_count(c) == 100);
	assert(cache_find(c, s, strlen(s)) == 999 % 7);
	cache_free(c);
	assert(cache_new(0) == NULL && cache_new(CACHE_SLOTS_MAX + 1) == NULL);
}

/* Saved, read back at another size, hostile bytes refused. */
static void
test_save_read(void)
{
	/* Room enough that no bucket of four is full, whatever the key. */
	struct cache *c = cache_new(1024), *d, *e;
	struct wbuf w = { 0 };
	struct rbuf r;
	char s[32];
	size_t cut;
	int i;

	assert(c != NULL);
	for (i = 0; i < 40; i++) {
		snprintf(s, sizeof(s), "text %d", i);
		cache_put(c, s, strlen(s), i % 3);
	}
	cache_save(c, &w);
	assert(!w.err);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert((d = cache_read(&r, 0, 3)) != NULL && r.off == r.n);
	assert(cache_count(d) == cache_count(c));
	for (i = 0; i < 40; i++) {
		snprintf(s, sizeof(s), "text %d", i);
		assert(cache_find(d, s, strlen(s)) == cache_find(c, s, strlen(s)));
	}
	/* Into fewer slots: what fits, with the same key. */
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert((e = cache_read(&r, 8, 3)) != NULL && cache_count(e) == 8);
	cache_free(e);
	/* A label the model does not have, and every truncation. */
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(cache_read(&r, 0, 2) == NULL);
	for (cut = 0; cut < w.n; cut++) {
		r = (struct rbuf){ w.p, cut, 0, 0, 0 };
		assert(cache_read(&r, 0, 3) == NULL);
	}
	/* Merge: only with the same key. */
	e = cache_new(64);
	assert(e != NULL);
	cache_put(e, "other", 5, 0);
	cache_merge(e, c);
	assert(cache_count(e) == 1 && cache_find(e, "text 1", 6) == -1);
	cache_put(d, "other", 5, 2);
	cache_merge(d, c);
	assert(cache_count(d) == cache_count(c) + 1);
	assert(cache_find(d, "other", 5) == 2 && cache_find(d, "text 1", 6) == 1);
	wbuf_release(&w);
	cache_free(c);
	cache_free(d);
	cache_free(e);
}

int
main(void)
{
	test_siphash();
	test_find();
	test_save_read();
	printf("unit_cache: all passed\n");
	return 0;
}
