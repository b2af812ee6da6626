/*
 * level: the table of level kinds.
 */
/* MAP_ANONYMOUS and madvise(MADV_HUGEPAGE) are outside POSIX 2008. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "level.h"

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

/* The bytes of a level of kind with 2^bits slots, or 0 past SIZE_MAX. */
static size_t
level_size(const struct level_kind *kind, unsigned bits)
{
	if ((SIZE_MAX - kind->size) >> bits < kind->slot)
		return 0;
	return kind->size + (kind->slot << bits);
}

/*
 * A table is mapped, not allocated: its pages cost memory only once they
 * are written, as most of a big sparse model's are not.  They are asked
 * to be huge pages, where the kernel gives them on request: on 4 KiB
 * pages a table of megabytes misses the TLB on nearly every feature.  A
 * write then commits the 2 MiB around it, not 4 KiB.
 */
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
	if ((size = level_size(kind, bits)) == 0) {
		errno = ENOMEM;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	l = p;
	l->kind = kind;
	l->bits = bits;
	l->mask = (uint32_t)(((uint64_t)1 << bits) - 1);
	return l;
}

void
level_free(struct level *l)
{
	if (l != NULL)
		munmap(l, level_size(l->kind, l->bits));
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
