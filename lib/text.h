/*
 * text: from an input line to hashed features.
 *
 * An item is one line.  Its text (the whole line or one field of it) is
 * turned into a list of features, each a 64-bit hash and a value, in one
 * pass over the bytes and without allocating once the list has grown to
 * the size of the longest item seen.  Levels reduce the hashes to their
 * own table size, so the hash is fixed and documented: FNV-1a over the
 * lower-cased token bytes, then the finaliser of SplitMix64 (for the
 * 4-byte grams of words, the finaliser of the bytes themselves; text.c).
 */
#ifndef CASCADE_TEXT_H
#define CASCADE_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum text_mode {
	TEXT_WORDS,	/* prose: words and word pairs */
	TEXT_FEATURES	/* white-space separated name[:value] tokens */
};

/* At most this many features are taken from one item (a bound on memory). */
#define TEXT_MAX_FEATURES (1u << 20)

/*
 * Every item's last feature is the bias, this hash with value 1, past the
 * cap: levels learn the labels' prior by it and leave it out of what
 * scales the others, and a list cut short keeps it.
 */
#define TEXT_BIAS	0x5bd1e9955bd1e995ULL

struct feats {
	uint64_t *hash;
	float *val;
	size_t n, cap;
	size_t nwords;		/* the first nwords are words and word pairs, */
	size_t ndense;		/* the ndense before the bias dense ones */
	uint64_t *grams, *seen;	/* scratch of text_features: the grams, */
	size_t gramcap, seencap;	/* and a hash set */
};

void feats_init(struct feats *f);
void feats_release(struct feats *f);

/*
 * Appends src's features to dst's list, or makes dst a copy of src.
 * Return 0, or -1 (errno ENOMEM).
 */
int feats_append(struct feats *dst, const struct feats *src);
int feats_copy(struct feats *dst, const struct feats *src);

/*
 * Makes the tables of text_features, which its first call makes too: call
 * it before two threads may call text_features or text_word.
 */
void text_init(void);

/*
 * Replaces the contents of f with the features of the n bytes at s.
 * Returns 0, or -1 (errno ENOMEM) when the list cannot grow.
 */
int text_features(struct feats *f, enum text_mode mode, const char *s,
    size_t n);

/*
 * Puts n features before the bias: hash text_mix(seed + i) and value v[i]
 * for i < n, past the cap as the bias is.  Returns 0, or -1 (errno
 * ENOMEM).
 */
int text_dense(struct feats *f, uint64_t seed, const float *v, size_t n);

/*
 * Whether the n bytes at s are one token of words: 0 and its feature hash
 * in *h, or -1 (they would be cut into several, or none).
 */
int text_word(const char *s, size_t n, uint64_t *h);

/*
 * Finds field `field` (1-based; 0 is the whole line) of the n bytes at
 * line, fields separated by delim.  Sets *out and *outlen and returns 0,
 * or returns -1 when the line has fewer fields (*out is then empty).
 */
int text_field(const char *line, size_t n, int delim, unsigned field,
    const char **out, size_t *outlen);

/*
 * The finaliser of that hash (SplitMix64's): every bit of z reaches every
 * bit of the result, so it also turns a counter into random numbers.
 */
uint64_t text_mix(uint64_t z);

/* The documented 64-bit hash of the n bytes at s. */
uint64_t text_hash(const char *s, size_t n);

#endif
