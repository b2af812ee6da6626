/*
 * nb: multinomial naive Bayes over hashed features, a level that learns
 * by counting, which is cheaper than lr's gradient steps.
 *
 * One table holds the count of every (feature, label) pair, in the slot of
 * the feature XOR the label id, as in lr; per label there is also the sum
 * of its counts and the number of its items.  The bias feature (last) is
 * not counted: the number of items gives the prior.  Smoothing adds one
 * feature's worth to every count (Laplace's rule, in the stream's own
 * units: the mean value a feature has added).  Learning adds, so merging
 * adds too, in any order; and since counts are all there is to learn, one
 * pass over the answers is all it needs (kept answers learned again are
 * not counted, see level.h).
 *
 * The features of an item count with values scaled to unit norm, which is
 * what text mode gives already (1/sqrt(n) each): the log-odds of plain
 * naive Bayes add up the evidence of n features as if they were
 * independent, and saturate the probability on most items of a long
 * text, which leaves the deferral policy nothing to rank them by; at unit norm they are divided by sqrt(n), on the scale of
 * lr's, and the surest items are the right ones more often.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "level.h"

#define ALPHA_MIN	1e-6f	/* least smoothing, if a checkpoint lied */

struct nb {
	struct level base;
	double used;	/* slots with a count: the vocabulary for smoothing */
	double feats;	/* features counted */
	double total[LABELS_MAX];	/* sum of the label's counts */
	double items[LABELS_MAX];	/* items learned with the label */
	float t[];	/* 2^bits */
};

/* Returns what scales the values of f's first nf features to unit norm. */
static float
unit(const struct feats *f, size_t nf)
{
	float ss = 0;
	size_t i;

	for (i = 0; i < nf; i++)
		ss += f->val[i] * f->val[i];
	return ss > 0 && isfinite(ss) ? 1 / sqrtf(ss) : 0;
}

/*
 * The slot of feature i, its value made non-negative: counts cannot be
 * negative, so a negative value is evidence for another feature (the hash
 * inverted), not against this one.
 */
static inline uint32_t
slot_of(const struct nb *m, const struct feats *f, size_t i, float *v)
{
	uint64_t h = f->hash[i];

	*v = f->val[i];
	if (*v < 0) {
		h = ~h;
		*v = -*v;
	}
	return (uint32_t)(h >> (64 - m->base.bits));
}

static float
nb_predict(struct level *l, const struct feats *f, size_t nlabels, float *p)
{
	const struct nb *m = (const struct nb *)l;
	size_t i, c, seen = 0, nf = f->n > 0 ? f->n - 1 : 0;
	float v, any, alpha, vsum = 0, scale = unit(f, nf);
	double n = 0, sum = 0;

	for (c = 0; c < nlabels; c++) {
		n += m->items[c];
		sum += m->total[c];
		p[c] = 0;
	}
	/*
	 * Values at unit norm are at most 1, and so is their mean, unless a
	 * checkpoint lied.
	 */
	alpha = m->feats > 0 ? (float)(sum / m->feats) : 1;
	if (!(alpha >= ALPHA_MIN))
		alpha = ALPHA_MIN;
	if (alpha > 1)
		alpha = 1;
	for (i = 0; i < nf; i++) {
		uint32_t s = slot_of(m, f, i, &v);

		any = 0;
		v *= scale;
		for (c = 0; c < nlabels; c++) {
			float k = m->t[(s ^ c) & m->base.mask];

			any += k;
			p[c] += v * logf(k + alpha);
		}
		seen += any > 0;
		vsum += v;
	}
	for (c = 0; c < nlabels; c++)
		p[c] += (float)(log((m->items[c] + 1) / (n + (double)nlabels)) -
		    vsum * log(m->total[c] + alpha * (m->used + 1)));
	if (nlabels > 0)
		level_softmax(p, nlabels);
	return nf ? (float)seen / (float)nf : 0;
}

static void
nb_learn(struct level *l, const struct feats *f, size_t nlabels, size_t label,
    enum level_learn how)
{
	struct nb *m = (struct nb *)l;
	size_t i, nf = f->n > 0 ? f->n - 1 : 0;
	float v, scale;

	(void)nlabels;
	if (how == LEVEL_AGAIN)
		return;
	scale = unit(f, nf);
	for (i = 0; i < nf; i++) {
		uint32_t s = slot_of(m, f, i, &v);
		float *k = &m->t[(s ^ label) & m->base.mask];

		if (v * scale == 0)
			continue;	/* not an occurrence */
		m->used += *k == 0;
		if ((*k += v * scale) > LEVEL_COUNT_MAX)
			*k = LEVEL_COUNT_MAX;
		if ((m->total[label] += v * scale) > LEVEL_COUNT_MAX)
			m->total[label] = LEVEL_COUNT_MAX;
		if (m->feats < LEVEL_COUNT_MAX)
			m->feats++;
	}
	if (m->items[label] < LEVEL_COUNT_MAX)
		m->items[label]++;
}

static void
count_used(struct nb *m)
{
	size_t i;

	m->used = 0;
	for (i = 0; i <= m->base.mask; i++)
		m->used += m->t[i] > 0;
}

/*
 * Counts add up, as if one learner had seen both streams; the base's
 * counts, in both sides, count once.
 */
static void
nb_merge(struct level *dst, const struct level *src, const struct level *base,
    size_t nlabels)
{
	(void)nlabels;
	struct nb *d = (struct nb *)dst;
	const struct nb *s = (const struct nb *)src, *b = (const struct nb *)base;
	size_t i;

	for (i = 0; i <= d->base.mask; i++)
		d->t[i] = (float)level_merged(d->t[i], s->t[i], b != NULL ? b->t[i] : 0);
	for (i = 0; i < LABELS_MAX; i++) {
		d->total[i] = level_merged(d->total[i], s->total[i],
		    b != NULL ? b->total[i] : 0);
		d->items[i] = level_merged(d->items[i], s->items[i],
		    b != NULL ? b->items[i] : 0);
	}
	d->feats = level_merged(d->feats, s->feats, b != NULL ? b->feats : 0);
	count_used(d);
}

/* What a slot has learned: its count. */
static double
nb_mass(const void *slot)
{
	return *(const float *)slot;
}

static int
nb_relabel(struct level *l, const int *map, size_t nlabels)
{
	struct nb *m = (struct nb *)l;
	double total[LABELS_MAX], items[LABELS_MAX];
	size_t c;

	if (level_permute(l, m->t, map, nlabels, nb_mass) == -1)
		return -1;
	memcpy(total, m->total, sizeof(total));
	memcpy(items, m->items, sizeof(items));
	for (c = 0; c < nlabels; c++) {
		m->total[map[c]] = total[c];
		m->items[map[c]] = items[c];
	}
	count_used(m);
	return 0;
}

/*
 * The table, f64 features counted, then the labels up to the last one
 * learned: u32 n, and n pairs of f64 (sum of counts, items).
 */
static void
nb_save(const struct level *l, struct wbuf *b)
{
	const struct nb *m = (const struct nb *)l;
	size_t i, n = LABELS_MAX;

	wbuf_table(b, m->t, (size_t)m->base.mask + 1, 1);
	wbuf_f64(b, m->feats);
	while (n > 0 && m->total[n - 1] == 0 && m->items[n - 1] == 0)
		n--;
	wbuf_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		wbuf_f64(b, m->total[i]);
		wbuf_f64(b, m->items[i]);
	}
}

static int
nb_load(struct level *l, struct rbuf *b, size_t nlabels)
{
	(void)nlabels;
	struct nb *m = (struct nb *)l;
	uint32_t n;
	size_t i;

	rbuf_table(b, m->t, (size_t)m->base.mask + 1, 1);
	for (i = 0; i <= m->base.mask && !b->err; i++)
		if (!level_valid(m->t[i]))
			return -1;
	if (!level_valid(m->feats = rbuf_f64(b)) ||
	    (n = rbuf_u32(b)) > LABELS_MAX)
		return -1;
	for (i = 0; i < LABELS_MAX && !b->err; i++) {
		m->total[i] = i < n ? rbuf_f64(b) : 0;
		m->items[i] = i < n ? rbuf_f64(b) : 0;
		if (!level_valid(m->total[i]) || !level_valid(m->items[i]))
			return -1;
	}
	count_used(m);
	return b->err ? -1 : 0;
}

const struct level_kind level_nb = {
	"nb", sizeof(struct nb), sizeof(float),
	nb_predict, nb_learn, nb_merge, nb_relabel, nb_save, nb_load, NULL
};
