/*
 * policy: how likely is a level to agree with the expert on an item?
 *
 * A small logistic model estimates the probability that the level's label
 * agrees with the expert's from cheap signals of the level's prediction
 * (its confidence, margin, how much of the item it has seen, how much it
 * has learned).  It is fitted to the last POLICY_KEEP items the expert
 * answered, again every few answers.  The model lets a level answer the
 * items it is most likely to agree on (see model.c).
 */
#ifndef CASCADE_POLICY_H
#define CASCADE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

#define POLICY_SIGNALS	6
#define POLICY_KEEP	2048	/* expert answers the model is fitted to */

/*
 * What the level saw of an item, and whether the expert agreed; merged
 * when another model than this one saw it (see policy_merge).
 */
struct policy_obs {
	float x[POLICY_SIGNALS];
	float agreed, weight;
	uint32_t merged;
};

struct policy {
	float w[POLICY_SIGNALS];
	uint64_t trained;	/* expert answers learned */
	struct policy_obs obs[POLICY_KEEP];	/* a ring of the last ones */
	uint32_t nobs, next;
	double spread[POLICY_SIGNALS][POLICY_SIGNALS];	/* of the fit */
	uint32_t unfitted;	/* answers not fitted to, while deciding nothing */
};

void policy_init(struct policy *p);

/*
 * Computes the signals of a level's prediction prob[0..nlabels) into x.
 * seen is the share of the item's features the level knows, and updates
 * the number of answers it has learned.  Returns the predicted label.
 */
size_t policy_signals(float *x, const float *prob, size_t nlabels,
    float seen, uint64_t updates);

/*
 * Returns the estimated probability that the level agrees with the expert,
 * and a cautious lower bound of it in *low.
 */
float policy_agree(const struct policy *p, const float *x, float *low);

/*
 * Learns from one expert answer: did the level agree?  weight >= 1.
 * deciding says whether the estimates may let the level answer in this
 * run: when they may not (--target 1), the fits, then only the estimates
 * of the fallbacks, are made every POLICY_KEEP answers, not every few,
 * and policy_save saves the policy fitted to the last answers.
 */
void policy_learn(struct policy *p, const float *x, int agreed, float weight,
    int deciding);

/*
 * Merges src into dst: the model is fitted again to a uniform sample of
 * both sides' answers (an answer both kept, from a state both started
 * from, counts once), which then weigh less than the answers the merged
 * level will see itself.  base (or NULL) is the state both started from.
 * Returns 0, or -1 when out of memory.
 */
int policy_merge(struct policy *dst, const struct policy *src,
    const struct policy *base);

/* Saves p, fitted first to the answers it learned deciding nothing. */
void policy_save(const struct policy *p, struct wbuf *b);
int policy_load(struct policy *p, struct rbuf *b);

#endif
