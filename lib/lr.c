/*
 * lr: multinomial logistic regression over hashed features, the first
 * level of the cascade.
 *
 * One table holds the weights of every (feature, label) pair: the pair's
 * slot is the feature's slot XOR the label id, so a label's weights for a
 * feature share a cache line with the other labels' (for ids < 4: the
 * table starts on a line) and memory does not grow with the label set.
 * Learning is AdaGrad: each weight's step shrinks with the gradients it
 * has already seen, which suits sparse text, where rare words must still
 * move fast.
 *
 * Each feature's value is scaled by its emphasis, 1 + GAMMA ln q, where q
 * is the most that the share of one label's answers holding the feature
 * exceeds the share of the other answers holding it (naive Bayes' ratio of
 * rates, smoothed by ALPHA answers): a feature that tells labels apart
 * moves the score more than one every label has, as in Wang and Manning's
 * NBSVM; it matters most where the words that matter are few among common
 * ones.  So each slot also counts the answers that hold its pair, once
 * each: never for a kept answer learned again.
 *
 * A feature's emphasis is kept in its slot (that of label 0), made again
 * whenever an answer holding the feature is counted, and for every slot
 * after a merge: scoring an item then costs a look-up per
 * feature, where computing the emphasis was most of it.  Meanwhile the
 * labels' totals move the emphasis of the features no new answer holds;
 * they move slowly, and the next answer with the feature sets it right.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hint.h"
#include "labels.h"
#include "level.h"

#define ETA	0.2f	/* AdaGrad's base step */
#define GAMMA	2.0f	/* weight of the emphasis */
#define ALPHA	8.0f	/* answers that smooth the rates */
/*
 * The ratio stops here (an emphasis of 28.6): any counts a checkpoint may
 * hold then give a finite emphasis, and no stream of fewer than about 8
 * million answers reaches it.
 */
#define Q_MAX	1e6f
#define LN_Q_MAX	13.8155106f	/* ln Q_MAX */
#define E_MAX	(GAMMA * 13.82f)	/* the emphasis at Q_MAX, less 1, and more */

#define PREFETCH 16	/* features looked up ahead */
#define LNCOUNTS 4096	/* counts whose logarithm is looked up */
#define READY_MAX 8192	/* features of an item a level gets ready to learn */

struct slot {
	float w, g;	/* weight, sum of squared gradients */
	float n;	/* answers with the feature and the label */
	float e;	/* the feature's emphasis less 1 */
};

/* The table is saved and loaded as its floats, in one piece. */
_Static_assert(sizeof(struct slot) == 4 * sizeof(float), "slot padding");

struct lr {
	struct level base;
	double items[LABELS_MAX];	/* answers with the label */
	float lncount[LNCOUNTS];	/* ln(n + ALPHA) of whole n: see lnc() */
	float p[LABELS_MAX];	/* and of learn() */
	/*
	 * The item that learn() is ready for (see lr_predict_ahead), or
	 * NULL: its label and label count, the scale of its features and
	 * their emphases once its answer is counted.
	 */
	const struct feats *ready;
	size_t ready_label, ready_nlabels;
	float ready_k;
	float enew[READY_MAX];
	_Alignas(64) struct slot t[];	/* 2^bits, from a cache line on */
};

static inline uint32_t
slot_of(const struct lr *m, uint64_t h)
{
	return (uint32_t)(h >> (64 - m->base.bits));
}

/*
 * The slot of label c of the feature in slot s (see the top).  With two
 * labels it is in the table whatever its size, and the mask is left out:
 * scoring an item ahead of learning it took 1.12x the instructions with.
 */
static inline uint32_t
pair(const struct lr *m, uint32_t s, size_t c, size_t nlabels)
{
	return nlabels == 2 ? s ^ (uint32_t)c : (s ^ (uint32_t)c) & m->base.mask;
}

/* fmaxf() of numbers, not NaN, with no call into libm */
static inline float
max(float a, float b)
{
	return a > b ? a : b;
}

/*
 * ln x for finite x >= 1, within 6e-7 of it, and with no division: the
 * divisions were most of the cost of scoring a new answer.  x is 2^k y,
 * y in [sqrt(1/2), sqrt(2)) taken from x's bits with no branch, and ln y
 * is a polynomial of degree 7 in y - 1 that interpolates it at the
 * Chebyshev nodes of that interval, its terms summed in Estrin's order
 * rather than Horner's: learning waited on the chain of their sums, and
 * took 3% more time.
 */
static inline float
ln(float x)
{
	uint32_t u, ix;
	float y, t, t2;

	memcpy(&u, &x, sizeof(u));
	ix = u - 0x3f3504f3;	/* sqrt(1/2)'s bits: x >= 1 makes ix > 0 */
	u = (ix & 0x7fffff) + 0x3f3504f3;
	memcpy(&y, &u, sizeof(y));
	t = y - 1;
	t2 = t * t;
	/* Estrin's scheme: the terms in pairs, for a short chain of waits */
	return (float)(ix >> 23) * 0.693147181f +
	    ((3.5902293e-08f + 1.00000422f * t) +
	    (-0.500014284f + 0.332982997f * t) * t2) +
	    ((-0.249028028f + 0.206900397f * t) +
	    (-0.18732522f + 0.113242185f * t) * t2) * (t2 * t2);
}

/*
 * ln(n + ALPHA), looked up for the counts below LNCOUNTS that nearly every
 * feature has, as ln() made them: a load, not a polynomial, and the same
 * float.  A count is a whole number (whole()), so it need not be checked
 * here: scoring ahead of learning took 1.08x the instructions with the
 * check.  odds() fills the table.
 */
static INLINE float
lnc(const struct lr *m, float n)
{
	if (n < LNCOUNTS)
		return m->lncount[(uint32_t)n];
	return ln(n + ALPHA);
}

/*
 * Whether n is a whole number, as every count is: one is added at a
 * time, and merged counts are sums.  Every float from 2^24 up is whole.
 */
static int
whole(float n)
{
	return n >= 16777216.0f || n == (float)(uint32_t)n;
}

/*
 * The part of each label's rate ratio (see emphasis()) that is the same
 * for every feature, as a logarithm: the other answers over the label's,
 * smoothed; for a label no answer named yet, minus infinity, as it tells
 * nothing of a feature.
 */
static void
odds(struct lr *m, size_t nlabels, float *lnodds)
{
	double all = 0;
	size_t c;

	if (m->lncount[0] == 0)	/* ln ALPHA: the level is new */
		for (c = 0; c < LNCOUNTS; c++)
			m->lncount[c] = ln((float)c + ALPHA);
	for (c = 0; c < nlabels; c++)
		all += m->items[c];
	for (c = 0; c < nlabels; c++)
		lnodds[c] = m->items[c] == 0 ? -HUGE_VALF : (float)log(fmin(
		    (all - m->items[c] + ALPHA) / (m->items[c] + ALPHA), Q_MAX));
}

/*
 * The emphasis less 1 of a feature with two labels, n0 and n1 its counts
 * with them, lnodds made by odds(): see emphasis().
 */
static INLINE float
emphasis2(const struct lr *m, const float *lnodds, float n0, float n1)
{
	float l0, l1, q;

	if (n0 + n1 == 0)
		return 0;
	l0 = lnc(m, n0);
	l1 = lnc(m, n1);
	q = max(max(lnodds[0] + l0 - l1, lnodds[1] + l1 - l0), 0);
	return GAMMA * (q < LN_Q_MAX ? q : LN_Q_MAX);
}

/*
 * The emphasis less 1 of the feature in slot s (see the top), lnodds
 * made by odds(), as if one more answer of label `plus` held it (none if
 * plus >= nlabels): for label c the ratio is odds[c] (n + ALPHA) / (sum -
 * n + ALPHA), n being the feature's count with c and sum its count with
 * all labels, and it is summed as logarithms.  With two labels, sum - n is
 * the other label's count.  Floats of any size give no NaN: sum >= n, and
 * an infinite ratio is cut.
 */
static INLINE float
emphasis(const struct lr *m, uint32_t s, size_t nlabels, const float *lnodds,
    size_t plus)
{
	float sum = 0, q = 0, n;
	size_t c;

	if (nlabels == 2)
		return emphasis2(m, lnodds, m->t[s].n + (plus == 0),
		    m->t[s ^ 1].n + (plus == 1));
	for (c = 0; c < nlabels; c++)
		sum += m->t[pair(m, s, c, nlabels)].n + (c == plus);
	if (sum == 0)
		return 0;
	for (c = 0; c < nlabels; c++) {
		n = m->t[pair(m, s, c, nlabels)].n + (c == plus);
		q = max(q, lnodds[c] + lnc(m, n) - lnc(m, sum - n));
	}
	return GAMMA * (q < LN_Q_MAX ? q : LN_Q_MAX);
}

/*
 * Makes the emphasis of every slot again, once the counts have changed
 * under them (a merge, new label ids, a checkpoint of format 4 or 5).
 */
static void
emphasise(struct lr *m, size_t nlabels)
{
	float lnodds[LABELS_MAX];
	uint32_t s;

	odds(m, nlabels, lnodds);
	for (s = 0; s <= m->base.mask; s++)
		m->t[s].e = emphasis(m, s, nlabels, lnodds, nlabels);
}

/*
 * Fills p with f's probability of each label and returns the scale k of its
 * features but the bias (last): emphasised, they keep the norm they had,
 * so that the scores do not grow as the counts do (the deferral policy
 * reads them at one scale over the whole stream).  Counts in *seen the
 * features the level has learned something about.  With count, a new
 * answer of label `count`, each feature is counted first and its emphasis
 * made: a word first seen in the answers of a rare label then moves the
 * score at once.  With before too, the answer is counted only as if
 * (lr_predict_ahead): the table is left as it is, the emphases go to
 * m->enew, and before gets the probabilities as the table has them.
 */
static INLINE float
score_of(struct lr *m, const struct feats *f, size_t nlabels, float *p,
    size_t *seen, const size_t *count, float *before)
{
	size_t i, c, nf = f->n > 0 ? f->n - 1 : 0, known = 0;
	float plain = 0, norm = 0, k = 1, sum[LABELS_MAX];
	float bnorm = 0, bsum[LABELS_MAX];
	/*
	 * Local, as the sums are: the compiler would read the odds again
	 * from *m after every count stored.
	 */
	float lnodds[LABELS_MAX];

	if (count != NULL) {
		/* A float count stops at 2^24 answers: more say nothing new. */
		m->items[*count]++;
		odds(m, nlabels, lnodds);
		if (before != NULL)
			m->items[*count]--;
	}
	/*
	 * The sums are local, not p's: p may be a float of *m, so the
	 * compiler would store each one back at every feature.
	 */
	for (c = 0; c < nlabels; c++)
		sum[c] = bsum[c] = 0;
	for (i = 0; i < f->n; i++) {
		uint32_t s = slot_of(m, f->hash[i]);
		float v = f->val[i], bv = v, e = m->t[s].e;

		/* The table is larger than the caches: ask for slots early. */
		if (i + PREFETCH < f->n)
			prefetch(&m->t[slot_of(m, f->hash[i + PREFETCH])]);
		known += m->t[s].g > 0;
		if (count != NULL) {
			/*
			 * The emphasis with the answer counted, made before
			 * the count is stored: from registers, not read back
			 * from memory.
			 */
			e = emphasis(m, s, nlabels, lnodds, *count);
			if (before != NULL)
				m->enew[i] = e;
			else {
				m->t[pair(m, s, *count, nlabels)].n++;
				m->t[s].e = e;
			}
		}
		if (i < nf) {
			plain += v * v;
			v *= 1 + e;
			norm += v * v;
			if (before != NULL) {
				bv *= 1 + m->t[s].e;
				bnorm += bv * bv;
			}
		} else {
			if (norm > 0) {
				k = sqrtf(plain / norm);
				for (c = 0; c < nlabels; c++)
					sum[c] *= k;
			}
			if (before != NULL && bnorm > 0)
				for (c = 0; c < nlabels; c++)
					bsum[c] *= sqrtf(plain / bnorm);
		}
		for (c = 0; c < nlabels; c++) {
			float w = m->t[pair(m, s, c, nlabels)].w;

			sum[c] += v * w;
			if (before != NULL)
				bsum[c] += bv * w;
		}
	}
	for (c = 0; c < nlabels; c++) {
		p[c] = sum[c];
		if (before != NULL)
			before[c] = bsum[c];
	}
	*seen += known;
	if (nlabels > 0)
		level_softmax(p, nlabels);
	if (before != NULL && nlabels > 0)
		level_softmax(before, nlabels);
	return k;
}

/*
 * Two labels, the common case, get copies of their own, in which the
 * loops over the labels unroll: the compiler knows their count.  Scoring
 * an item ahead of learning it, the most of learning, and scoring it to
 * answer, the most of predicting, get one each, with no test of count
 * and before at every feature: 0.92x and 0.82x the instructions.
 */
static float
score(struct lr *m, const struct feats *f, size_t nlabels, float *p,
    size_t *seen, const size_t *count, float *before)
{
	if (nlabels == 2 && count != NULL && before != NULL)
		return score_of(m, f, 2, p, seen, count, before);
	if (nlabels == 2 && count == NULL && before == NULL)
		return score_of(m, f, 2, p, seen, NULL, NULL);
	return nlabels == 2 ? score_of(m, f, 2, p, seen, count, before) :
	    score_of(m, f, nlabels, p, seen, count, before);
}

/* One weight's AdaGrad step, g its gradient. */
static INLINE void
adagrad(struct slot *t, float g)
{
	if (g * g > 0) {	/* g * g may underflow to 0 */
		t->g += g * g;
		t->w -= ETA * g / sqrtf(t->g);
	}
}

/*
 * The AdaGrad step of lr_learn(), m->p holding the gradient's factors.
 * With count, each feature is first counted with that label and given the
 * emphasis in m->enew, as lr_predict_ahead made them.
 */
static INLINE void
step(struct lr *m, const struct feats *f, size_t nlabels, float k,
    const size_t *count)
{
	size_t i, c;

	for (i = 0; i < f->n; i++) {
		uint32_t s = slot_of(m, f->hash[i]);
		float v = f->val[i];

		if (i + PREFETCH < f->n)
			prefetch(&m->t[slot_of(m, f->hash[i + PREFETCH])]);
		if (count != NULL) {
			m->t[pair(m, s, *count, nlabels)].n++;
			m->t[s].e = m->enew[i];
		}
		if (i + 1 < f->n)
			v *= k * (1 + m->t[s].e);
		if (nlabels == 2) {	/* the compiler leaves the loop a loop */
			adagrad(&m->t[s], m->p[0] * v);
			adagrad(&m->t[s ^ 1], m->p[1] * v);
		} else
			for (c = 0; c < nlabels; c++)
				adagrad(&m->t[pair(m, s, c, nlabels)],
				    m->p[c] * v);
	}
}

static float
lr_predict(struct level *l, const struct feats *f, size_t nlabels, float *p)
{
	struct lr *m = (struct lr *)l;
	size_t seen = 0;

	m->ready = NULL;
	score(m, f, nlabels, p, &seen, NULL, NULL);
	return f->n ? (float)seen / (float)f->n : 0;
}

/*
 * As lr_predict, for an item that is learned next with label: scoring it
 * as learning will, once its answer is counted, in the same pass over its
 * features, leaves learn() one pass to make, not two; learning IMDB from
 * its labels took 0.91x the time.  Where two of the item's features share
 * a slot, the second is scored without the first's count, which learning
 * alone would have made first.
 */
static float
lr_predict_ahead(struct level *l, const struct feats *f, size_t nlabels,
    float *p, size_t label)
{
	struct lr *m = (struct lr *)l;
	size_t seen = 0;

	if (f->n > READY_MAX)
		return lr_predict(l, f, nlabels, p);
	m->ready_k = score(m, f, nlabels, m->p, &seen, &label, p);
	m->ready = f;
	m->ready_label = label;
	m->ready_nlabels = nlabels;
	return f->n ? (float)seen / (float)f->n : 0;
}

/*
 * One AdaGrad step on the item, a new answer counted first (score()), or
 * as lr_predict_ahead made ready.
 */
static void
lr_learn(struct level *l, const struct feats *f, size_t nlabels, size_t label,
    enum level_learn how)
{
	struct lr *m = (struct lr *)l;
	size_t c, seen = 0, *count = NULL;
	float k;

	if (how == LEVEL_NEW && m->ready == f && m->ready_label == label &&
	    m->ready_nlabels == nlabels) {
		m->items[label]++;
		k = m->ready_k;
		count = &label;
	} else
		k = score(m, f, nlabels, m->p, &seen,
		    how == LEVEL_NEW ? &label : NULL, NULL);
	m->ready = NULL;
	for (c = 0; c < nlabels; c++)
		m->p[c] -= c == label;
	/* As score() does: count is tested once, not at every feature. */
	if (nlabels == 2 && count != NULL)
		step(m, f, 2, k, count);
	else if (nlabels == 2)
		step(m, f, 2, k, NULL);
	else
		step(m, f, nlabels, k, count);
}

/*
 * Each weight averages the two sides' weights, each weighing by the sum of
 * its squared gradients there since the base: a side that learned nothing
 * of a feature has no say in its weight (a plain average would halve what
 * the other learned).  The sums and the counts add up, as if one learner
 * had seen both streams; the base's part of them counts once.
 */
static void
lr_merge(struct level *dst, const struct level *src, const struct level *base,
    size_t nlabels)
{
	struct lr *d = (struct lr *)dst;
	const struct lr *s = (const struct lr *)src, *b = (const struct lr *)base;
	size_t i;
	int changed = 0;
	double n;

	d->ready = NULL;
	for (i = 0; i <= d->base.mask; i++) {
		float g0 = b != NULL ? b->t[i].g : 0;
		float gd = fmaxf(d->t[i].g - g0, 0), gs = fmaxf(s->t[i].g - g0, 0);

		if (gd + gs > 0)
			d->t[i].w = (gd * d->t[i].w + gs * s->t[i].w) /
			    (gd + gs);
		d->t[i].g = g0 + gd + gs;
		n = level_merged(d->t[i].n, s->t[i].n, b != NULL ? b->t[i].n : 0);
		changed |= (float)n != d->t[i].n;
		d->t[i].n = (float)n;
	}
	for (i = 0; i < LABELS_MAX; i++) {
		n = level_merged(d->items[i], s->items[i],
		    b != NULL ? b->items[i] : 0);
		changed |= n != d->items[i];
		d->items[i] = n;
	}
	/* New counts make every emphasis again; a merge of nothing new keeps d. */
	if (changed)
		emphasise(d, nlabels);
}

/* What a slot has learned: the sum of its squared gradients. */
static double
lr_mass(const void *slot)
{
	return ((const struct slot *)slot)->g;
}

static int
lr_relabel(struct level *l, const int *map, size_t nlabels)
{
	struct lr *m = (struct lr *)l;
	double items[LABELS_MAX];
	size_t c;

	m->ready = NULL;
	if (level_permute(l, m->t, map, nlabels, lr_mass) == -1)
		return -1;
	memcpy(items, m->items, sizeof(items));
	for (c = 0; c < nlabels; c++)
		m->items[map[c]] = items[c];
	emphasise(m, nlabels);
	return 0;
}

/*
 * The table, f32 (weight, sum, count, emphasis less 1) per slot, then the
 * labels up to the last one learned: u32 n, and n f64 answers.  The
 * emphases are saved, though the counts make them, so that a loaded
 * model answers as the one saved would have.
 */
static void
lr_save(const struct level *l, struct wbuf *b)
{
	const struct lr *m = (const struct lr *)l;
	size_t i, n = LABELS_MAX;

	wbuf_table(b, m->t, (size_t)m->base.mask + 1, 4);
	while (n > 0 && m->items[n - 1] == 0)
		n--;
	wbuf_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++)
		wbuf_f64(b, m->items[i]);
}

static int
lr_load(struct level *l, struct rbuf *b, size_t nlabels)
{
	struct lr *m = (struct lr *)l;
	int made = b->version == 4 || b->version == 5;	/* no emphases */
	uint32_t n;
	size_t i;

	if (made)
		for (i = 0; i <= m->base.mask && !b->err; i++) {
			m->t[i].w = rbuf_f32(b);
			m->t[i].g = rbuf_f32(b);
			m->t[i].n = rbuf_f32(b);
			m->t[i].e = 0;
		}
	else
		rbuf_table(b, m->t, (size_t)m->base.mask + 1, 4);
	for (i = 0; i <= m->base.mask && !b->err; i++)
		if (!isfinite(m->t[i].w) || !isfinite(m->t[i].g) ||
		    m->t[i].g < 0 || !level_valid(m->t[i].n) ||
		    !whole(m->t[i].n) ||
		    !(m->t[i].e >= 0 && m->t[i].e <= E_MAX))
			return -1;
	if ((n = rbuf_u32(b)) > LABELS_MAX)
		return -1;
	for (i = 0; i < LABELS_MAX && !b->err; i++)
		if (!level_valid(m->items[i] = i < n ? rbuf_f64(b) : 0))
			return -1;
	if (b->err)
		return -1;
	/* Formats 4 and 5 kept no emphases: they are made from the counts. */
	if (made)
		emphasise(m, nlabels);
	return 0;
}

const struct level_kind level_lr = {
	"lr", sizeof(struct lr), sizeof(struct slot),
	lr_predict, lr_learn, lr_merge, lr_relabel, lr_save, lr_load,
	lr_predict_ahead
};
