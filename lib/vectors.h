/*
 * vectors: word vectors from a file, and the item vector they give.
 *
 * Word vectors (fastText's or GloVe's text .vec format, or scripts/vectors)
 * know what words mean from far more text than the expert will ever
 * label.  An item's vector is the sum of its words' vectors, each weighed
 * by its inverse document frequency, as a direction; less the mean
 * direction of the items before it; scaled to VECTORS_NORM.  It enters the
 * levels as dense features beside the words (text_dense), whose weights
 * they learn with the rest (lr as any feature; nb as counts, a negative
 * value counting for a feature of its own).
 *
 * The vectors are read-only and live in a file, or in its binary cache,
 * mapped.  What the stream teaches of them (the document frequencies and
 * the mean) is the model's: struct vecstats, kept in the checkpoint with
 * the vectors' checksum, their identity.
 */
#ifndef CASCADE_VECTORS_H
#define CASCADE_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "text.h"

#define VECTORS_DIM_MAX	1024
#define VECTORS_ROWS_MAX	(1u << 26)	/* words: 64 Mi */
#define VECTORS_NORM	0.5f	/* of the item vector; the words' is 1 */
/* Mean cosine of word pairs from which vectors are collapsed, refused. */
#define VECTORS_COLLAPSED	0.9

struct vectors;

/*
 * Opens the vectors file at path: the binary cache beside it (path.cache)
 * when it was made from the file as it is now; else the text, which then
 * makes the cache.  NULL with *why on error; else *why is NULL, or says
 * why the cache could not be made (the vectors are read all the same).
 * A message stays valid until the next call.
 */
struct vectors *vectors_open(const char *path, const char **why);

/* Accepts NULL. */
void vectors_close(struct vectors *v);

/* The vectors' identity: a checksum of their words and values. */
uint64_t vectors_sum(const struct vectors *v);
uint32_t vectors_dim(const struct vectors *v);
uint32_t vectors_rows(const struct vectors *v);

/* What the stream taught of some vectors. */
struct vecstats {
	uint64_t sum;		/* vectors_sum() of them */
	uint32_t dim, rows;
	uint64_t items;		/* items counted */
	uint64_t placed;	/* of them, those with a vector */
	uint32_t *df;		/* [rows]: items that hold each word */
	double *mean;		/* [dim]: the sum of the placed directions */
};

/* New statistics for v; NULL when out of memory. */
struct vecstats *vecstats_new(const struct vectors *v);

/* Accepts NULL. */
void vecstats_free(struct vecstats *s);

/*
 * Adds the item vector of f (text_features of words) to f, v's and s's
 * (s made for v).  With count, s counts the item: once per item.
 * Returns 0, or -1 (errno ENOMEM).
 */
int vectors_item(const struct vectors *v, struct vecstats *s,
    struct feats *f, int count);

void vecstats_save(const struct vecstats *s, struct wbuf *b);

/* Reads statistics saved by vecstats_save: NULL when not valid. */
struct vecstats *vecstats_load(struct rbuf *b);

/*
 * Adds what src learned to dst, both of the same vectors: what base (else
 * NULL) holds counts once.
 */
void vecstats_merge(struct vecstats *dst, const struct vecstats *src,
    const struct vecstats *base);

#endif
