/*
 * cache: the expert's answers by text (see cache.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

#define WAYS	4	/* slots a text may take: a bucket */

/* A slot: hash 0 is an empty one (a text that hashes to 0 is not kept). */
struct slot {
	uint64_t hash;
	int32_t label;
};

struct cache {
	uint64_t key[2];
	size_t nslots, used;
	struct slot slot[];
};

static uint64_t
rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* Inlined: it is most of the hash's time, on every item. */
static inline void
sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

/* Mixes the 8-byte word m into v, with two rounds. */
static inline void
compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t
cache_siphash(const uint64_t k[2], const void *s, size_t n)
{
	const unsigned char *p = s;
	uint64_t v[4], m;
	size_t i, j;

	v[0] = k[0] ^ 0x736f6d6570736575ULL;
	v[1] = k[1] ^ 0x646f72616e646f6dULL;
	v[2] = k[0] ^ 0x6c7967656e657261ULL;
	v[3] = k[1] ^ 0x7465646279746573ULL;
	for (i = 0; i + 8 <= n; i += 8) {
		for (m = 0, j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		compress(v, m);
	}
	for (m = (uint64_t)(n & 0xff) << 56, j = 0; i + j < n; j++)
		m |= (uint64_t)p[i + j] << (8 * j);
	compress(v, m);
	v[2] ^= 0xff;
	for (j = 0; j < 4; j++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* A key no one can guess: the system's random bytes, else the clock. */
static void
new_key(uint64_t k[2])
{
	struct timespec ts;
	ssize_t got = -1;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		got = read(fd, k, 2 * sizeof(k[0]));
		close(fd);
	}
	if (got != (ssize_t)(2 * sizeof(k[0]))) {
		clock_gettime(CLOCK_REALTIME, &ts);
		k[0] = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec;
		k[1] = (uint64_t)getpid() ^ (uint64_t)(uintptr_t)k;
	}
}

struct cache *
cache_new(size_t slots)
{
	struct cache *c;

	if (slots < 1 || slots > CACHE_SLOTS_MAX) {
		errno = EINVAL;
		return NULL;
	}
	slots = (slots + WAYS - 1) / WAYS * WAYS;
	if ((c = calloc(1, sizeof(*c) + slots * sizeof(c->slot[0]))) == NULL)
		return NULL;
	c->nslots = slots;
	new_key(c->key);
	return c;
}

void
cache_free(struct cache *c)
{
	free(c);
}

/*
 * The slot of h in its bucket: the one that holds it, else an empty one,
 * else the one h's top bits pick, whose text gives way.
 */
static struct slot *
slot_of(const struct cache *c, uint64_t h)
{
	struct slot *b = (struct slot *)&c->slot[h % (c->nslots / WAYS) * WAYS];
	int i, empty = -1;

	for (i = 0; i < WAYS; i++) {
		if (b[i].hash == h)
			return &b[i];
		if (b[i].hash == 0 && empty < 0)
			empty = i;
	}
	return &b[empty >= 0 ? empty : (int)(h >> 62)];
}

int
cache_find(const struct cache *c, const char *s, size_t n)
{
	uint64_t h;
	const struct slot *t;

	if (c->used == 0)	/* a model that answers alone: no hashing */
		return -1;
	h = cache_siphash(c->key, s, n);
	t = slot_of(c, h);
	return h != 0 && t->hash == h ? t->label : -1;
}

/* Keeps (h, label), in place of what its slot held. */
static void
put(struct cache *c, uint64_t h, int label)
{
	struct slot *t = slot_of(c, h);

	if (h == 0)
		return;
	c->used += t->hash == 0;
	t->hash = h;
	t->label = label;
}

void
cache_put(struct cache *c, const char *s, size_t n, int label)
{
	put(c, cache_siphash(c->key, s, n), label);
}

size_t
cache_count(const struct cache *c)
{
	return c->used;
}

size_t
cache_slots(const struct cache *c)
{
	return c->nslots;
}

void
cache_merge(struct cache *dst, const struct cache *src)
{
	size_t i;

	if (memcmp(dst->key, src->key, sizeof(dst->key)) != 0)
		return;
	for (i = 0; i < src->nslots; i++)
		if (src->slot[i].hash != 0 &&
		    slot_of(dst, src->slot[i].hash)->hash == 0)
			put(dst, src->slot[i].hash, src->slot[i].label);
}

void
cache_relabel(struct cache *c, const int *map, size_t nlabels)
{
	size_t i;

	for (i = 0; i < c->nslots; i++)
		if (c->slot[i].hash != 0 && (size_t)c->slot[i].label < nlabels)
			c->slot[i].label = map[c->slot[i].label];
}

void
cache_save(const struct cache *c, struct wbuf *b)
{
	size_t i;

	wbuf_u64(b, c->key[0]);
	wbuf_u64(b, c->key[1]);
	wbuf_u32(b, (uint32_t)c->nslots);
	wbuf_u32(b, (uint32_t)c->used);
	for (i = 0; i < c->nslots; i++)
		if (c->slot[i].hash != 0) {
			wbuf_u64(b, c->slot[i].hash);
			wbuf_u32(b, (uint32_t)c->slot[i].label);
		}
}

struct cache *
cache_read(struct rbuf *b, size_t slots, size_t nlabels)
{
	struct cache *c;
	uint64_t key[2], h;
	uint32_t saved, n, i, label;

	key[0] = rbuf_u64(b);
	key[1] = rbuf_u64(b);
	saved = rbuf_u32(b);
	n = rbuf_u32(b);
	/* Each answer takes 12 bytes: a count past the data is a lie. */
	if (b->err || saved < 1 || saved > CACHE_SLOTS_MAX || n > saved ||
	    n > (b->n - b->off) / 12 ||
	    (c = cache_new(slots ? slots : saved)) == NULL)
		return NULL;
	memcpy(c->key, key, sizeof(key));
	for (i = 0; i < n; i++) {
		h = rbuf_u64(b);
		label = rbuf_u32(b);
		if (b->err || h == 0 || label >= nlabels) {
			cache_free(c);
			return NULL;
		}
		put(c, h, (int)label);
	}
	return c;
}
