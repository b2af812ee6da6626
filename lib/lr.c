/*
 * lr: multinomial logistic regression over hashed features, the first
 * level of the cascade.
 *
 * One table holds the weights of every (feature, label) pair: the pair's
 * slot is the feature's slot XOR the label id, so a label's weights for a
 * feature share a cache line with the other labels' (for ids < 8) and
 * memory does not grow with the label set.  Learning is AdaGrad: each
 * weight's step shrinks with the gradients it has already seen, which
 * suits sparse text, where rare words must still move fast.
 */
#include <math.h>
#include <stdlib.h>

#include "labels.h"
#include "level.h"

#define ETA	0.2f	/* AdaGrad's base step */

#define PREFETCH 8	/* features looked up ahead */

#ifdef __GNUC__
#define prefetch(p)	__builtin_prefetch(p)
#else
#define prefetch(p)	((void)(p))
#endif

struct slot {
	float w, g;	/* weight, sum of squared gradients */
};

struct lr {
	struct level base;
	uint32_t mask;
	float p[LABELS_MAX];	/* scratch for learn() */
	struct slot t[];	/* 2^bits */
};

static struct level *
lr_create(unsigned bits)
{
	struct lr *m;

	if ((m = calloc(1, sizeof(*m) + sizeof(m->t[0]) * ((size_t)1 << bits))) ==
	    NULL)
		return NULL;
	m->mask = (uint32_t)(((uint64_t)1 << bits) - 1);
	return &m->base;
}

static inline uint32_t
slot_of(const struct lr *m, uint64_t h)
{
	return (uint32_t)(h >> (64 - m->base.bits));
}

static float
lr_predict(struct level *l, const struct feats *f, size_t nlabels, float *p)
{
	const struct lr *m = (const struct lr *)l;
	size_t i, c, seen = 0;

	for (c = 0; c < nlabels; c++)
		p[c] = 0;
	for (i = 0; i < f->n; i++) {
		uint32_t s = slot_of(m, f->hash[i]);
		float v = f->val[i];

		/* The table is larger than the caches: ask for slots early. */
		if (i + PREFETCH < f->n)
			prefetch(&m->t[slot_of(m, f->hash[i + PREFETCH])]);
		seen += m->t[s].g > 0;
		for (c = 0; c < nlabels; c++)
			p[c] += v * m->t[(s ^ c) & m->mask].w;
	}
	if (nlabels > 0)
		level_softmax(p, nlabels);
	return f->n ? (float)seen / (float)f->n : 0;
}

static void
lr_learn(struct level *l, const struct feats *f, size_t nlabels, size_t label)
{
	struct lr *m = (struct lr *)l;
	size_t i, c;

	lr_predict(l, f, nlabels, m->p);
	for (c = 0; c < nlabels; c++)
		m->p[c] -= c == label;
	for (i = 0; i < f->n; i++) {
		uint32_t s = slot_of(m, f->hash[i]);

		for (c = 0; c < nlabels; c++) {
			struct slot *t = &m->t[(s ^ c) & m->mask];
			float g = m->p[c] * f->val[i];

			if (g * g > 0) {	/* g * g may underflow to 0 */
				t->g += g * g;
				t->w -= ETA * g / sqrtf(t->g);
			}
		}
	}
}

/*
 * Each weight averages the two sides' weights, each weighing by the sum of
 * its squared gradients there since the base: a side that learned nothing
 * of a feature has no say in its weight (a plain average would halve what
 * the other learned).  The sums add up, as if one learner had seen both
 * streams; the base's part of them counts once.
 */
static void
lr_merge(struct level *dst, const struct level *src, const struct level *base)
{
	struct lr *d = (struct lr *)dst;
	const struct lr *s = (const struct lr *)src, *b = (const struct lr *)base;
	size_t i;

	for (i = 0; i <= d->mask; i++) {
		float g0 = b != NULL ? b->t[i].g : 0;
		float gd = fmaxf(d->t[i].g - g0, 0), gs = fmaxf(s->t[i].g - g0, 0);

		if (gd + gs > 0)
			d->t[i].w = (gd * d->t[i].w + gs * s->t[i].w) /
			    (gd + gs);
		d->t[i].g = g0 + gd + gs;
	}
}

static void
lr_save(const struct level *l, struct wbuf *b)
{
	const struct lr *m = (const struct lr *)l;
	size_t i;

	for (i = 0; i <= m->mask; i++) {
		wbuf_f32(b, m->t[i].w);
		wbuf_f32(b, m->t[i].g);
	}
}

static int
lr_load(struct level *l, struct rbuf *b)
{
	struct lr *m = (struct lr *)l;
	size_t i;

	for (i = 0; i <= m->mask && !b->err; i++) {
		m->t[i].w = rbuf_f32(b);
		m->t[i].g = rbuf_f32(b);
		if (!isfinite(m->t[i].w) || !isfinite(m->t[i].g) ||
		    m->t[i].g < 0)
			return -1;
	}
	return b->err ? -1 : 0;
}

const struct level_kind level_lr = {
	"lr", lr_create, lr_predict, lr_learn, lr_merge, lr_save,
	lr_load, 0
};
