/*
 * policy: when may a level answer an item itself?
 *
 * A small logistic model estimates the probability that the level's label
 * agrees with the expert's from cheap signals of the level's prediction
 * (its confidence, margin, how much of the item it has seen, how much it
 * has learned).  It is fitted to the last POLICY_KEEP items the expert
 * answered, again every few answers.  The level answers when that estimate reaches a threshold, and
 * the threshold moves after every decision so that the expected agreement
 * of the whole stream with the expert stays at the user's target: the
 * items most likely to agree are answered first.
 */
#ifndef CASCADE_POLICY_H
#define CASCADE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

#define POLICY_SIGNALS	6
#define POLICY_KEEP	2048	/* expert answers the model is fitted to */

/* What the level saw of an item, and whether the expert agreed. */
struct policy_obs {
	float x[POLICY_SIGNALS];
	float agreed, weight;
};

struct policy {
	float w[POLICY_SIGNALS];
	double thresh;		/* answer when the estimate reaches it */
	uint64_t trained;	/* expert answers learned */
	struct policy_obs obs[POLICY_KEEP];	/* a ring of the last ones */
	uint32_t nobs, next;
	double spread[POLICY_SIGNALS][POLICY_SIGNALS];	/* of the fit */
};

void policy_init(struct policy *p, double target);

/*
 * Computes the signals of a level's prediction prob[0..nlabels) into x.
 * seen is the share of the item's features the level knows; updates the
 * number of answers it has learned.  Returns the predicted label.
 */
size_t policy_signals(float *x, const float *prob, size_t nlabels,
    float seen, uint64_t updates);

/*
 * Returns the estimated probability that the level agrees with the expert,
 * and a cautious lower bound of it in *low.
 */
float policy_agree(const struct policy *p, const float *x, float *low);

/* Learns from one expert answer: did the level agree?  weight >= 1. */
void policy_learn(struct policy *p, const float *x, int agreed, float weight);

/*
 * Decides whether an item whose cautious estimate is `low` is answered by
 * the level (1) or deferred (0), and moves the threshold toward target,
 * counting an answer as agreeing with chance `agree`.
 */
int policy_decide(struct policy *p, float low, float agree, double target);

/*
 * Merges src into dst: the model is fitted again to a uniform sample of
 * both sides' answers, the threshold weighs by the answers each learned.
 */
/* Returns 0, or -1 when out of memory. */
int policy_merge(struct policy *dst, const struct policy *src);

void policy_save(const struct policy *p, struct wbuf *b);
int policy_load(struct policy *p, struct rbuf *b);

#endif
