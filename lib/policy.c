/*
 * policy: the agreement model of a level (see policy.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "text.h"

#define REFIT		16	/* answers between two fits */
#define STEPS		2	/* Newton steps per fit; the last fit is close */
#define MERGE_STEPS	12	/* Newton steps for a fit from nothing */
#define RIDGE		1.0	/* keeps the fit finite on separable answers */
#define CAUTION		1.0	/* standard errors off the estimate */
#define MERGED		0.3	/* what an answer seen by another model weighs */
#define HALF_LIFE	256	/* answers after which an answer weighs half */
#define DECAY		exp2(-1.0 / HALF_LIFE)	/* per answer */
#define WEIGHT_MAX	1e4f	/* bounds what a checkpoint may claim */
#define SIGNAL_MAX	1e3f
#define LOGIT_MAX	30	/* |logit| is cut here: the estimate is never 0 or 1 */

void
policy_init(struct policy *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < POLICY_SIGNALS; i++)
		p->spread[i][i] = sqrt(RIDGE);
}

static float
logit(float q)
{
	const float eps = 1e-4f;

	if (q < eps)
		q = eps;
	if (q > 1 - eps)
		q = 1 - eps;
	return logf(q / (1 - q));
}

static double
sigmoid(double z)
{
	if (z > LOGIT_MAX)
		z = LOGIT_MAX;
	if (z < -LOGIT_MAX)
		z = -LOGIT_MAX;
	return 1 / (1 + exp(-z));
}

size_t
policy_signals(float *x, const float *prob, size_t nlabels, float seen,
    uint64_t updates)
{
	size_t c, best = 0;
	float second = 0;

	for (c = 1; c < nlabels; c++)
		if (prob[c] > prob[best])
			best = c;
	for (c = 0; c < nlabels; c++)
		if (c != best && prob[c] > second)
			second = prob[c];
	x[0] = 1;
	x[1] = nlabels ? logit(prob[best]) / 4 : 0;
	x[2] = nlabels ? prob[best] - second : 0;
	x[3] = seen;
	x[4] = logf(1 + (float)updates) / 8;
	x[5] = x[1] * x[4];
	return best;
}

/*
 * Factors a symmetric positive definite a (lower triangle) as L L^T, in
 * place.  The ridge makes it positive definite; returns -1 if it is not.
 */
static int
cholesky(double a[POLICY_SIGNALS][POLICY_SIGNALS])
{
	int i, j, k;

	for (j = 0; j < POLICY_SIGNALS; j++) {
		for (k = 0; k < j; k++)
			a[j][j] -= a[j][k] * a[j][k];
		if (!(a[j][j] > 0))
			return -1;
		a[j][j] = sqrt(a[j][j]);
		for (i = j + 1; i < POLICY_SIGNALS; i++) {
			for (k = 0; k < j; k++)
				a[i][j] -= a[i][k] * a[j][k];
			a[i][j] /= a[j][j];
		}
	}
	return 0;
}

/* Solves L y = b in place. */
static void
forward(const double l[POLICY_SIGNALS][POLICY_SIGNALS], double *b)
{
	int i, k;

	for (i = 0; i < POLICY_SIGNALS; i++) {
		for (k = 0; k < i; k++)
			b[i] -= l[i][k] * b[k];
		b[i] /= l[i][i];
	}
}

/* Solves L^T x = b in place. */
static void
backward(const double l[POLICY_SIGNALS][POLICY_SIGNALS], double *b)
{
	int i, k;

	for (i = POLICY_SIGNALS - 1; i >= 0; i--) {
		for (k = i + 1; k < POLICY_SIGNALS; k++)
			b[i] -= l[k][i] * b[k];
		b[i] /= l[i][i];
	}
}

/*
 * What a kept answer weighs in the fit: its weight (or 1, for how much it
 * tells), less when another model saw it, and less the older it is.  The
 * level keeps learning, so how often it agrees at given signals drifts:
 * with every kept answer weighing the same, the fit lagged behind the
 * level and its estimates were off by a point or two on new items.  The
 * signals of the shards' models say little of how the merged one will do:
 * its fit must follow its own answers as soon as there are some.  Age 0 is
 * the newest answer; a merge leaves its answers in hash order, as if they
 * had come in that order.
 */
static double
worth(const struct policy_obs *o, double age_decay, int weighted)
{
	return (weighted ? o->weight : 1) * (o->merged ? MERGED : 1) *
	    age_decay;
}

/* The kept answer of age a. */
static const struct policy_obs *
aged(const struct policy *p, uint32_t a)
{
	return &p->obs[(p->next + POLICY_KEEP - 1 - a) % POLICY_KEEP];
}

/*
 * The weighted, ridged log loss of the kept answers at w, with its
 * gradient g and curvature h (lower triangles), in one pass.  hu is the
 * curvature with every answer counted once: the information the answers
 * really hold, which the weights of rare explored answers overstate.  A
 * fit needs g and h (made together) only where it steps from, and hu only
 * where it stops: g and h, or hu, may be NULL, and are then not made.
 */
static double
slopes(const struct policy *p, const double *w, double *g,
    double h[POLICY_SIGNALS][POLICY_SIGNALS],
    double hu[POLICY_SIGNALS][POLICY_SIGNALS])
{
	double sum = 0, decay = 1;
	uint32_t a;
	int i, j;

	for (i = 0; i < POLICY_SIGNALS; i++) {
		for (j = 0; j < POLICY_SIGNALS; j++) {
			if (h != NULL)
				h[i][j] = i == j ? RIDGE : 0;
			if (hu != NULL)
				hu[i][j] = i == j ? RIDGE : 0;
		}
		if (g != NULL)
			g[i] = RIDGE * w[i];
		sum += RIDGE / 2 * w[i] * w[i];
	}
	for (a = 0; a < p->nobs; a++, decay *= DECAY) {
		const struct policy_obs *o = aged(p, a);
		double x[POLICY_SIGNALS], z = 0, e, q, m, c, cu, d, cx;
		double ow = worth(o, decay, 1);

		for (i = 0; i < POLICY_SIGNALS; i++) {
			x[i] = o->x[i];
			z += w[i] * x[i];
		}
		/*
		 * One exp gives both: e^-|z|, |z| cut as sigmoid() cuts it.
		 * No fmin() or fmax(): they are calls into libm.
		 */
		e = exp(-(fabs(z) < LOGIT_MAX ? fabs(z) : LOGIT_MAX));
		q = z >= 0 ? 1 / (1 + e) : e / (1 + e);
		/* log(1 + e^-z) for an agreement, log(1 + e^z) otherwise */
		m = o->agreed ? -z : z;
		sum += ow * (log1p(e) + (m > 0 ? m : 0));
		if (h != NULL) {
			c = q * (1 - q) * ow;
			d = (q - o->agreed) * ow;
			for (i = 0; i < POLICY_SIGNALS; i++) {
				cx = c * x[i];
				g[i] += d * x[i];
				for (j = 0; j <= i; j++)
					h[i][j] += cx * x[j];
			}
		}
		if (hu != NULL) {
			cu = q * (1 - q) * worth(o, decay, 0);
			for (i = 0; i < POLICY_SIGNALS; i++) {
				cx = cu * x[i];
				for (j = 0; j <= i; j++)
					hu[i][j] += cx * x[j];
			}
		}
	}
	return sum;
}

/*
 * Newton steps on the weighted, ridged log loss of the kept answers, each
 * halved until the loss falls: a full step from far away can saturate the
 * model, where the curvature vanishes.  A fitted model tracks the level as
 * it learns; the online steps it replaces lagged far behind and
 * underestimated agreement.  Then the uncertainty of the fit, for
 * policy_agree: made with the last step, or in a pass of its own where
 * the fit stopped short.
 */
static void
fit(struct policy *p, int steps)
{
	double h[POLICY_SIGNALS][POLICY_SIGNALS], hu[POLICY_SIGNALS][POLICY_SIGNALS];
	double nh[POLICY_SIGNALS][POLICY_SIGNALS], nhu[POLICY_SIGNALS][POLICY_SIGNALS];
	double g[POLICY_SIGNALS], ng[POLICY_SIGNALS];
	double w[POLICY_SIGNALS], next[POLICY_SIGNALS], now, t, l = 0;
	int i, s, last, spread = 0;

	for (i = 0; i < POLICY_SIGNALS; i++)
		w[i] = p->w[i];
	now = slopes(p, w, g, h, NULL);
	for (s = 0; s < steps; s++) {
		last = s + 1 == steps;
		if (cholesky(h) == -1)
			break;
		/* C11 adds no const to a pointer to rows by itself. */
		forward((const double (*)[POLICY_SIGNALS])h, g);
		backward((const double (*)[POLICY_SIGNALS])h, g);
		for (t = 1; t > 1e-3; t /= 2) {
			for (i = 0; i < POLICY_SIGNALS; i++)
				next[i] = w[i] - t * g[i];
			l = last ? slopes(p, next, NULL, NULL, nhu) :
			    slopes(p, next, ng, nh, NULL);
			if (l < now)
				break;
		}
		if (t <= 1e-3)
			break;
		now = l;
		memcpy(w, next, sizeof(w));
		if (last) {
			memcpy(hu, nhu, sizeof(hu));
			spread = 1;
		} else {
			memcpy(g, ng, sizeof(g));
			memcpy(h, nh, sizeof(h));
		}
	}
	if (!spread)
		slopes(p, w, NULL, NULL, hu);
	for (i = 0; i < POLICY_SIGNALS; i++)
		p->w[i] = (float)w[i];
	if (cholesky(hu) == 0)
		memcpy(p->spread, hu, sizeof(hu));
	p->unfitted = 0;
}

/*
 * The cautious estimate is the fitted logit less CAUTION standard errors
 * of it.  A fit to few answers, or one that reaches beyond them, would
 * otherwise let the level answer on hope, and once it answers it gets few
 * answers back to learn that it was wrong.
 */
float
policy_agree(const struct policy *p, const float *x, float *low)
{
	double z = 0, v[POLICY_SIGNALS], var = 0;
	int i;

	for (i = 0; i < POLICY_SIGNALS; i++) {
		z += p->w[i] * x[i];
		v[i] = x[i];
	}
	forward(p->spread, v);
	for (i = 0; i < POLICY_SIGNALS; i++)
		var += v[i] * v[i];
	*low = (float)sigmoid(z - CAUTION * sqrt(var));
	return (float)sigmoid(z);
}

/*
 * Whether the policy is fitted again after its trained-th answer: every
 * REFIT answers, and half as often each time the answers double past
 * twice POLICY_KEEP.  A mature level changes slowly, and on a long
 * labelled stream the fits were a fifth of the time of learning.
 */
static int
refit_due(uint64_t trained)
{
	uint64_t every = REFIT, t;

	for (t = trained; t >= 2 * POLICY_KEEP; t /= 2)
		every *= 2;
	return trained % every == 0;
}

void
policy_learn(struct policy *p, const float *x, int agreed, float weight,
    int deciding)
{
	struct policy_obs *o = &p->obs[p->next];

	memcpy(o->x, x, sizeof(o->x));
	o->agreed = agreed ? 1 : 0;
	o->weight = weight;
	o->merged = 0;
	p->next = (p->next + 1) % POLICY_KEEP;
	if (p->nobs < POLICY_KEEP)
		p->nobs++;
	/*
	 * Where the estimates decide nothing, the fits were an eighth of the
	 * time of learning IMDB from its labels.
	 */
	p->trained++;
	if (deciding) {
		if (refit_due(p->trained))
			fit(p, STEPS);
	} else if (++p->unfitted >= POLICY_KEEP)
		fit(p, STEPS);
}

/* The hash of what was seen and answered, whether merged or not. */
static uint64_t
obs_hash(const struct policy_obs *o)
{
	uint32_t u[POLICY_SIGNALS + 2];
	uint64_t h = 0;
	size_t i;

	memcpy(u, o, sizeof(u));
	for (i = 0; i < POLICY_SIGNALS + 2; i++)
		h = text_mix(h ^ u[i]);
	return h;
}

static int
by_hash(const void *a, const void *b)
{
	uint64_t x = obs_hash(a), y = obs_hash(b);

	return x < y ? -1 : x > y;
}

/*
 * The kept answers of both sides with the smallest hashes, each once: a
 * uniform sample of the union whatever the order of merges, so that
 * merging is associative.
 */
int
policy_merge(struct policy *dst, const struct policy *src,
    const struct policy *base)
{
	struct policy_obs *all;
	uint32_t n = dst->nobs + src->nobs, i, k = 0;
	uint64_t from = base != NULL ? base->trained : 0;

	if ((all = malloc(n * sizeof(*all) + 1)) == NULL)
		return -1;
	memcpy(all, dst->obs, dst->nobs * sizeof(*all));
	memcpy(all + dst->nobs, src->obs, src->nobs * sizeof(*all));
	qsort(all, n, sizeof(*all), by_hash);
	for (i = 0; i < n && k < POLICY_KEEP; i++)
		if (k == 0 || obs_hash(&all[i]) != obs_hash(&dst->obs[k - 1])) {
			dst->obs[k] = all[i];
			dst->obs[k++].merged = 1;
		}
	free(all);
	dst->nobs = k;
	dst->next = k % POLICY_KEEP;
	memset(dst->w, 0, sizeof(dst->w));
	fit(dst, MERGE_STEPS);
	dst->trained = from + (dst->trained > from ? dst->trained - from : 0) +
	    (src->trained > from ? src->trained - from : 0);
	return 0;
}

void
policy_save(const struct policy *p, struct wbuf *b)
{
	struct policy *fitted = NULL;
	uint32_t n;
	int i;

	/*
	 * A copy is fitted, not p: what a run learns then does not hang on
	 * when it saved (--save-every).  Without the memory for it, p's own
	 * fit is saved: it is only older.
	 */
	if (p->unfitted > 0 && (fitted = malloc(sizeof(*fitted))) != NULL) {
		*fitted = *p;
		fit(fitted, MERGE_STEPS);
		p = fitted;
	}
	for (i = 0; i < POLICY_SIGNALS; i++)
		wbuf_f32(b, p->w[i]);
	wbuf_u64(b, p->trained);
	wbuf_u32(b, p->nobs);
	wbuf_u32(b, p->next);
	for (n = 0; n < p->nobs; n++) {
		for (i = 0; i < POLICY_SIGNALS; i++)
			wbuf_f32(b, p->obs[n].x[i]);
		wbuf_f32(b, p->obs[n].agreed);
		wbuf_f32(b, p->obs[n].weight);
		wbuf_u32(b, p->obs[n].merged);
	}
	free(fitted);
}

int
policy_load(struct policy *p, struct rbuf *b)
{
	uint32_t n;
	int i;

	for (i = 0; i < POLICY_SIGNALS; i++)
		if (!isfinite(p->w[i] = rbuf_f32(b)))
			return -1;
	p->trained = rbuf_u64(b);
	p->nobs = rbuf_u32(b);
	p->next = rbuf_u32(b);
	if (b->err || p->nobs > POLICY_KEEP || p->next >= POLICY_KEEP ||
	    p->nobs > p->trained)
		return -1;
	for (n = 0; n < p->nobs; n++) {
		struct policy_obs *o = &p->obs[n];

		for (i = 0; i < POLICY_SIGNALS; i++) {
			o->x[i] = rbuf_f32(b);
			if (!(fabsf(o->x[i]) <= SIGNAL_MAX))
				return -1;
		}
		o->agreed = rbuf_f32(b);
		o->weight = rbuf_f32(b);
		o->merged = rbuf_u32(b);
		if ((o->agreed != 0 && o->agreed != 1) || o->merged > 1 ||
		    !(o->weight > 0 && o->weight <= WEIGHT_MAX))
			return -1;
	}
	if (b->err)
		return -1;
	fit(p, 0);
	return 0;
}
