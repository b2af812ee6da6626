/*
 * unit_policy: tests of lib/policy.h: the fitted agreement model is
 * calibrated on answers drawn from a known one, cautious when it has seen
 * few, follows a level that changes, unmoved by a hostile checkpoint,
 * merges in any order to the same model, counting a shared base once, and
 * where it decides nothing is fitted seldom but saved fitted.
 * Exits 0 when every check passes; a failed assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/policy.h"
#include "../lib/text.h"

static uint64_t rng = 1;

static double
uniform(void)
{
	return (double)(text_mix(rng++) >> 11) / 9007199254740992.0;
}

/* Signals of a made-up two-label prediction with confidence q. */
static void
signals(float *x, float q, uint64_t updates)
{
	float prob[2] = { q, 1 - q };

	policy_signals(x, prob, 2, 0.9f, updates);
}

static double drift;	/* how much worse the level has become */
static int deciding = 1;	/* policy_learn's: the estimates may decide */

/* The truth: agreement rises with confidence, 0.6 at q = 0.5. */
static double
truth(float q)
{
	return 0.6 - drift + 0.75 * (q - 0.5);
}

/* Teaches p n answers at confidences drawn uniformly from [lo, hi). */
static void
teach(struct policy *p, int n, float lo, float hi)
{
	float x[POLICY_SIGNALS];
	int i;

	for (i = 0; i < n; i++) {
		float q = lo + (hi - lo) * (float)uniform();

		signals(x, q, p->trained);
		policy_learn(p, x, uniform() < truth(q), 1, deciding);
	}
}

/*
 * Mean estimate against mean truth over confidences in [lo, hi), and the
 * mean distance of the cautious bound below the estimate in *gap.
 */
static double
bias(const struct policy *p, float lo, float hi, double *gap)
{
	float x[POLICY_SIGNALS], low;
	double est = 0, want = 0;
	int i;

	*gap = 0;
	for (i = 0; i < 100; i++) {
		float q = lo + (hi - lo) * ((float)i + 0.5f) / 100;
		float agree;

		signals(x, q, p->trained);
		est += agree = policy_agree(p, x, &low);
		*gap += agree - low;
		want += truth(q);
	}
	*gap /= 100;
	return (est - want) / 100;
}

static void
test_calibrated(void)
{
	static struct policy p;
	float x[POLICY_SIGNALS], low;
	double b, gap, first;

	policy_init(&p);
	signals(x, 0.9f, 0);
	/* Nothing learned: an even guess, and no confidence in it. */
	assert(policy_agree(&p, x, &low) == 0.5f && low < 0.4f);
	teach(&p, 20, 0.5f, 1);
	bias(&p, 0.5f, 1, &first);
	teach(&p, 4000, 0.5f, 1);
	b = bias(&p, 0.5f, 1, &gap);
	fprintf(stderr, "unit_policy: after 20 answers the bound is %.3f "
	    "below, after 4020 %.3f, and the estimate is %+.4f off\n", first,
	    gap, b);
	/*
	 * Cautious while it knows little, calibrated once it knows more (to
	 * within about two standard errors of a fit to the ~370 answers that
	 * a half-life of 256 leaves).
	 */
	assert(first > 0.05 && gap < first / 3);
	assert(fabs(b) < 0.05);
}

/*
 * When the level's agreement changes, the fit follows the recent answers:
 * 4000 answers, then 600 at 0.2 less agreement.  Were every kept answer
 * to weigh the same, the estimate would be 0.13 too high.
 */
static void
test_follows(void)
{
	static struct policy p;
	double b, gap;

	policy_init(&p);
	drift = 0;
	teach(&p, 4000, 0.5f, 1);
	drift = 0.2;
	teach(&p, 600, 0.5f, 1);
	b = bias(&p, 0.5f, 1, &gap);
	drift = 0;
	fprintf(stderr, "unit_policy: 600 answers after a drop of 0.2, the "
	    "estimate is %+.4f off\n", b);
	assert(fabs(b) < 0.05);
}

/* A saved policy, with byte `at` of its ring replaced by float v. */
static int
load_with(const struct policy *p, size_t at, float v)
{
	static struct policy q;
	struct wbuf b = { 0 };
	struct rbuf r;
	int ret;

	policy_save(p, &b);
	assert(!b.err && at + 4 <= b.n);
	memcpy(b.p + at, &v, 4);
	r = (struct rbuf){ b.p, b.n, 0, 0, 0 };
	policy_init(&q);
	ret = policy_load(&q, &r);
	if (ret == 0)
		assert(r.off == r.n);
	wbuf_release(&b);
	return ret;
}

static void
test_hostile(void)
{
	static struct policy p;
	/* w[6], trained, nobs, next, then the first answer: x[6], agreed,
	 * weight, merged */
	const size_t obs = 6 * 4 + 8 + 4 + 4;

	policy_init(&p);
	teach(&p, 100, 0.5f, 1);
	assert(load_with(&p, obs, 0.5f) == 0);	/* a signal may be 0.5 */
	assert(load_with(&p, obs, NAN) == -1);
	assert(load_with(&p, obs, INFINITY) == -1);
	assert(load_with(&p, obs + 6 * 4, 0.5f) == -1);	/* agreed */
	assert(load_with(&p, obs + 7 * 4, 0) == -1);	/* weight */
	assert(load_with(&p, obs + 7 * 4, -1) == -1);
	assert(load_with(&p, obs + 8 * 4, 2.0f) == -1);	/* merged */
	assert(load_with(&p, 0, NAN) == -1);		/* w[0] */
}

static void
test_merge(void)
{
	static struct policy a, b, c, ab, ba, ab_c, bc, a_bc, fresh;
	int i;

	policy_init(&a);
	policy_init(&b);
	policy_init(&c);
	teach(&a, 1500, 0.5f, 1);
	teach(&b, 1200, 0.5f, 0.8f);
	teach(&c, 900, 0.7f, 1);
	ab = a;
	assert(policy_merge(&ab, &b, NULL) == 0);
	ba = b;
	assert(policy_merge(&ba, &a, NULL) == 0);
	assert(ab.trained == 2700 && ab.nobs == POLICY_KEEP);
	/* Another model saw the merged answers; new ones are the level's. */
	for (i = 0; i < POLICY_KEEP; i++)
		assert(ab.obs[i].merged == 1);
	fresh = ab;
	teach(&fresh, 1, 0.5f, 1);
	assert(fresh.obs[0].merged == 0 && fresh.obs[1].merged == 1);
	for (i = 0; i < POLICY_SIGNALS; i++)
		assert(fabsf(ab.w[i] - ba.w[i]) < 1e-4f);
	ab_c = ab;
	assert(policy_merge(&ab_c, &c, NULL) == 0);
	bc = b;
	assert(policy_merge(&bc, &c, NULL) == 0);
	a_bc = a;
	assert(policy_merge(&a_bc, &bc, NULL) == 0);
	assert(memcmp(ab_c.obs, a_bc.obs, sizeof(ab_c.obs)) == 0);
	for (i = 0; i < POLICY_SIGNALS; i++)
		assert(fabsf(ab_c.w[i] - a_bc.w[i]) < 1e-4f);
}

/*
 * Shards that learned on from a base state keep its answers in their
 * rings and count its answers in theirs: merged, they count once.
 */
static void
test_merge_base(void)
{
	static struct policy base, a, b;

	policy_init(&base);
	teach(&base, 700, 0.5f, 1);
	a = base;
	b = base;
	teach(&a, 300, 0.5f, 1);
	teach(&b, 200, 0.5f, 1);
	assert(policy_merge(&a, &b, &base) == 0);
	assert(a.trained == 1200 && a.nobs == 1200);
}

/*
 * Deciding nothing (--target 1), a policy is fitted only every
 * POLICY_KEEP answers; what it saves is fitted to every answer it
 * learned, as calibrated as a policy fitted all along, and saving it
 * leaves it as it was.
 */
static void
test_undecided(void)
{
	static struct policy p, q;
	struct wbuf b = { 0 };
	struct rbuf r;
	double est, gap;
	int i, moved = 0;

	policy_init(&p);
	deciding = 0;
	teach(&p, 1500, 0.5f, 1);
	for (i = 0; i < POLICY_SIGNALS; i++)
		assert(p.w[i] == 0);	/* not fitted yet */
	policy_save(&p, &b);
	assert(!b.err);
	for (i = 0; i < POLICY_SIGNALS; i++)
		assert(p.w[i] == 0);	/* a copy was fitted */
	r = (struct rbuf){ b.p, b.n, 0, 0, 0 };
	policy_init(&q);
	assert(policy_load(&q, &r) == 0 && q.trained == 1500);
	wbuf_release(&b);
	est = bias(&q, 0.5f, 1, &gap);
	fprintf(stderr, "unit_policy: fitted as saved after 1500 answers "
	    "that decided nothing, the estimate is %+.4f off\n", est);
	assert(fabs(est) < 0.05);
	teach(&p, POLICY_KEEP - 1500, 0.5f, 1);
	for (i = 0; i < POLICY_SIGNALS; i++)
		moved |= p.w[i] != 0;
	assert(moved);	/* fitted at the POLICY_KEEP-th answer */
	deciding = 1;
}

int
main(void)
{
	test_calibrated();
	test_follows();
	test_hostile();
	test_merge();
	test_merge_base();
	test_undecided();
	return 0;
}
