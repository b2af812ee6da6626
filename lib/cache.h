/*
 * cache: the expert's answers by text, so that the expert is never asked
 * twice about the same text.
 *
 * A fixed table of slots, each the 64-bit hash of a text the expert
 * answered and the label it gave; a text may take one of the four slots
 * of the bucket its hash names, and when all four are taken it takes the
 * place of one of them.  The hash is
 * SipHash-2-4 under a random 128-bit key made with the cache and kept
 * with it, so that no one who cannot read the checkpoint can make two
 * texts collide: two texts share an answer by chance with a probability of
 * about 2^-64 per lookup.  The texts themselves are not kept.
 */
#ifndef CASCADE_CACHE_H
#define CASCADE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

#define CACHE_SLOTS_DEFAULT	65536
#define CACHE_SLOTS_MAX		(1 << 26)	/* 1 GiB of slots */

struct cache;

/*
 * A cache of `slots` answers (1 to CACHE_SLOTS_MAX) with a new random key;
 * NULL and errno.
 */
struct cache *cache_new(size_t slots);

/* Accepts NULL. */
void cache_free(struct cache *c);

/* The label the expert gave the n bytes at s, or -1. */
int cache_find(const struct cache *c, const char *s, size_t n);

/* Keeps label (>= 0) as the answer for the n bytes at s. */
void cache_put(struct cache *c, const char *s, size_t n, int label);

/* The answers kept, and the most it can keep. */
size_t cache_count(const struct cache *c);
size_t cache_slots(const struct cache *c);

/*
 * Adds the answers of src that dst lacks, where dst has room for them,
 * when both hash with the same key (they grew from one checkpoint); else
 * nothing, since the texts are not kept to hash again.
 */
void cache_merge(struct cache *dst, const struct cache *src);

/* Gives every answer of label c (< nlabels) the label map[c]. */
void cache_relabel(struct cache *c, const int *map, size_t nlabels);

/* u64 key[2], u32 slots, u32 answers, each: u64 hash, u32 label. */
void cache_save(const struct cache *c, struct wbuf *b);

/*
 * Reads what cache_save wrote into a new cache of `slots` slots (0: as
 * many as were saved), with the saved key; answers past its slots give
 * way as cache_put does.  Returns NULL when out of memory or when the
 * data is not valid (a label >= nlabels).
 */
struct cache *cache_read(struct rbuf *b, size_t slots, size_t nlabels);

/* SipHash-2-4 of the n bytes at s under key k (exposed for its test). */
uint64_t cache_siphash(const uint64_t k[2], const void *s, size_t n);

#endif
