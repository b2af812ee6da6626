/*
 * policy: the deferral policy of a level (see policy.h).
 *
 * The threshold is an integral controller: each cheap answer adds its
 * expected disagreement (1 - agree), each item takes away the allowance
 * (1 - target).  While the level answers more disagreement than the
 * target allows, the threshold rises; while it answers less, it falls.
 */
#include <math.h>
#include <string.h>

#include "policy.h"

#define ETA		0.05f	/* AdaGrad step of the agreement model */
#define GAIN		0.01	/* threshold step per unit of error */

void
policy_init(struct policy *p, double target)
{
	memset(p, 0, sizeof(*p));
	p->thresh = target;
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

float
policy_agree(const struct policy *p, const float *x)
{
	float z = 0;
	int i;

	for (i = 0; i < POLICY_SIGNALS; i++)
		z += p->w[i] * x[i];
	return 1 / (1 + expf(-z));
}

void
policy_learn(struct policy *p, const float *x, int agreed, float weight)
{
	float err = (policy_agree(p, x) - (agreed ? 1 : 0)) * weight;
	int i;

	for (i = 0; i < POLICY_SIGNALS; i++) {
		float g = err * x[i];

		if (g * g > 0) {	/* g * g may underflow to 0 */
			p->g[i] += g * g;
			p->w[i] -= ETA * g / sqrtf(p->g[i]);
		}
	}
	p->trained++;
}

int
policy_decide(struct policy *p, float agree, double target)
{
	int answer = agree >= p->thresh;

	p->thresh += GAIN * ((answer ? 1 - agree : 0) - (1 - target));
	if (p->thresh < 0)
		p->thresh = 0;
	if (p->thresh > 1)
		p->thresh = 1;
	return answer;
}

void
policy_merge(struct policy *dst, const struct policy *src)
{
	double wd = (double)dst->trained, ws = (double)src->trained;
	double total = wd + ws;
	int i;

	if (total == 0)
		return;
	for (i = 0; i < POLICY_SIGNALS; i++) {
		dst->w[i] = (float)((wd * dst->w[i] + ws * src->w[i]) / total);
		dst->g[i] += src->g[i];
	}
	dst->thresh = (wd * dst->thresh + ws * src->thresh) / total;
	dst->trained += src->trained;
}

void
policy_save(const struct policy *p, struct wbuf *b)
{
	int i;

	for (i = 0; i < POLICY_SIGNALS; i++) {
		wbuf_f32(b, p->w[i]);
		wbuf_f32(b, p->g[i]);
	}
	wbuf_f64(b, p->thresh);
	wbuf_u64(b, p->trained);
}

int
policy_load(struct policy *p, struct rbuf *b)
{
	int i;

	for (i = 0; i < POLICY_SIGNALS; i++) {
		p->w[i] = rbuf_f32(b);
		p->g[i] = rbuf_f32(b);
		if (!isfinite(p->w[i]) || !isfinite(p->g[i]) || p->g[i] < 0)
			return -1;
	}
	p->thresh = rbuf_f64(b);
	p->trained = rbuf_u64(b);
	if (!(p->thresh >= 0 && p->thresh <= 1))
		return -1;
	return b->err ? -1 : 0;
}
