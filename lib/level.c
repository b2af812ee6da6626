/*
 * level: the table of level kinds.
 */
/* madvise(MADV_HUGEPAGE) is Linux's, outside POSIX. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "level.h"

#define HUGE ((size_t)2 << 20)

extern const struct level_kind level_lr, level_nb;

static const struct level_kind *const kinds[] = { &level_lr, &level_nb };

const struct level_kind *
level_kind(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

struct level *
level_new(const struct level_kind *kind, unsigned bits)
{
	struct level *l;
	size_t size;
	void *p;

	if (bits < LEVEL_BITS_MIN || bits > LEVEL_BITS_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((SIZE_MAX - kind->size) >> bits < kind->slot) {
		errno = ENOMEM;
		return NULL;
	}
	size = kind->size + (kind->slot << bits);
	if ((errno = posix_memalign(&p, HUGE, size)) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (size >= HUGE)
		(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	l = memset(p, 0, size);
	l->kind = kind;
	l->bits = bits;
	l->mask = (uint32_t)(((uint64_t)1 << bits) - 1);
	return l;
}

void
level_free(struct level *l)
{
	free(l);
}

void
level_softmax(float *p, size_t n)
{
	float max = p[0], sum = 0;
	size_t c;

	for (c = 1; c < n; c++)
		if (p[c] > max)
			max = p[c];
	for (c = 0; c < n; c++)
		sum += p[c] = expf(p[c] - max);
	for (c = 0; c < n; c++)
		p[c] /= sum;
}

int
level_permute(const struct level *l, void *table, const int *map,
    size_t nlabels, double (*mass)(const void *slot))
{
	size_t z = l->kind->slot, j, c, from, best;
	unsigned char *t = table, *old;
	double m, most;

	if ((old = malloc(z << l->bits)) == NULL)
		return -1;
	memcpy(old, t, z << l->bits);
	for (j = 0; j <= l->mask; j++) {
		best = j;
		most = -1;
		for (c = 0; c < nlabels; c++) {
			/* s = j ^ map[c], and the pair (s, c) was at s ^ c. */
			from = (j ^ (size_t)map[c] ^ c) & l->mask;
			if ((m = mass(old + from * z)) > most) {
				most = m;
				best = from;
			}
		}
		memcpy(t + j * z, old + best * z, z);
	}
	free(old);
	return 0;
}

double
level_merged(double d, double s, double base)
{
	double v = d + s - base;

	return v < 0 ? 0 : v > LEVEL_COUNT_MAX ? LEVEL_COUNT_MAX : v;
}

int
level_valid(double x)
{
	return x >= 0 && x <= LEVEL_COUNT_MAX;
}
