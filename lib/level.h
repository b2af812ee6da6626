/*
 * level: the interface of a cheap model, a level of the cascade.
 *
 * A level maps an item's features to a probability for each label and
 * learns from the expert's answers, one at a time.  Its memory is fixed
 * when it is made (a hashed table of 2^bits slots), whatever the length of
 * the stream or the number of labels.  One file per kind implements it.
 */
#ifndef CASCADE_LEVEL_H
#define CASCADE_LEVEL_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "text.h"

struct level;

enum level_learn {
	LEVEL_NEW,	/* a new answer */
	/*
	 * A kept answer learned again, which gets close to several passes
	 * over the answers: a level that counts answers counts each once.
	 */
	LEVEL_AGAIN
};

struct level_kind {
	const char *name;
	/*
	 * A level is one zeroed block: `size` bytes that begin with struct
	 * level, then 2^bits slots of `slot` bytes.
	 */
	size_t size, slot;
	/*
	 * Fills prob[0..nlabels) and returns the share of the item's
	 * features that the level has learned something about.
	 */
	float (*predict)(struct level *, const struct feats *, size_t nlabels,
	    float *prob);
	/*
	 * Learns that the item's label is `label` (< nlabels), an answer of
	 * the kind `how` says.
	 */
	void (*learn)(struct level *, const struct feats *, size_t nlabels,
	    size_t label, enum level_learn how);
	/*
	 * Merges src, learned elsewhere with the same kind, size and labels,
	 * into dst: what each knows weighs by how much it learned of it.
	 * When both started from base (else NULL), base counts once: dst
	 * becomes base plus what each side learned since.
	 */
	void (*merge)(struct level *dst, const struct level *src,
	    const struct level *base, size_t nlabels);
	/*
	 * Gives label c (< nlabels) the id map[c] (distinct ids below
	 * LABELS_MAX), so that the level merges with one that numbered its
	 * labels otherwise.  Returns 0, or -1 when out of memory.
	 */
	int (*relabel)(struct level *, const int *map, size_t nlabels);
	void (*save)(const struct level *, struct wbuf *);
	/*
	 * Loads a level of a model of nlabels labels: 0, or -1 when the
	 * saved data is not valid.
	 */
	int (*load)(struct level *, struct rbuf *, size_t nlabels);
	/*
	 * As predict, for an item that learn() is given next, with label
	 * (< nlabels) and LEVEL_NEW, unless the level learns or predicts
	 * anything else first: the level may get ready to learn it as it
	 * judges it.  NULL: predict is used.
	 */
	float (*predict_ahead)(struct level *, const struct feats *,
	    size_t nlabels, float *prob, size_t label);
};

struct level {
	const struct level_kind *kind;
	unsigned bits;
	uint32_t mask;		/* 2^bits - 1 */
	uint64_t updates;	/* expert answers learned */
};

#define LEVEL_BITS_MIN	10
#define LEVEL_BITS_MAX	28

#define LEVEL_COUNT_MAX	1e30f	/* counts saturate here, and load checks it */

/* Returns the kind called name, or NULL. */
const struct level_kind *level_kind(const char *name);

/* Makes a level of that kind with 2^bits slots; NULL and errno on error. */
struct level *level_new(const struct level_kind *kind, unsigned bits);

void level_free(struct level *l);

/* Turns scores p[0..n) into probabilities that sum to 1, in place. */
void level_softmax(float *p, size_t n);

/*
 * Moves the (feature, label) slots of table (2^l->bits slots of
 * l->kind->slot bytes) for relabel: what was the slot of feature s and
 * label c becomes that of s and map[c].  Hashing shares a slot among
 * pairs, so where several pairs would move into one slot, the one of the
 * most mass (what the kind has learned in it) wins, as a collision would
 * have it.  Returns 0, or -1 when out of memory.
 */
int level_permute(const struct level *l, void *table, const int *map,
    size_t nlabels, double (*mass)(const void *slot));

/* A count merged: d + s - base, within [0, LEVEL_COUNT_MAX]. */
double level_merged(double d, double s, double base);

/*
 * Whether x is a count a level could have made (false for NaN).  Inline:
 * a load checks every slot of a table with it.
 */
static inline int
level_valid(double x)
{
	return x >= 0 && x <= LEVEL_COUNT_MAX;
}

#endif
