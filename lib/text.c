/*
 * text: line fields, tokens and feature hashing (see text.h).
 *
 * Words are runs of ASCII letters and digits (lower-cased) and of bytes
 * >= 0x80, so UTF-8 words stay whole and invalid UTF-8 is just bytes.  An
 * apostrophe inside a word is dropped ("don't" is "dont"); '!' and '?' are
 * tokens of their own, as they carry sentiment.  Every word gives a unigram
 * and, with the word before it, a bigram.  Every word also gives the 4-byte
 * grams of itself between '<' and '>' ("<hat", "hate", "ate>"), so that
 * "hate", "hateful" and "hater" share what is learned of any of them.
 * A text of LONG_TEXT bytes or more keeps half of its grams, the same half in
 * every text (those whose hash has its top bit clear): its words say
 * enough, and learning or judging it then costs a third less.
 * Values are 1/sqrt(count) within each group, words and grams, so that
 * every item has about the same norm whatever its length; grams weigh
 * GRAMS of the words (see words()).  A bias feature of value 1 is always
 * added.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hint.h"
#include "text.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL
#define VALUE_MAX	1e6
#define GRAM_SEED	0x9ae16a3b2f90404fULL
#define GRAMS		0.3f	/* norm of the grams, the words' being 1 */
#define SPARSE_MAX	(1u << 14)	/* hashes deduplicated at four slots each */
#define LONG_TEXT	512	/* bytes of a text that keeps half its grams */

enum { SEP, PUNCT, WORD, SKIP };	/* from WORD on, bytes of a word */

static unsigned char byteclass[256];
static unsigned char lower[256];

void
text_init(void)
{
	int c;

	if (lower['A'] == 'a')
		return;
	for (c = 0; c < 256; c++) {
		lower[c] = (unsigned char)c;
		if (c >= 'A' && c <= 'Z')
			lower[c] = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c >= 0x80)
			byteclass[c] = WORD;
		else if (c == '!' || c == '?')
			byteclass[c] = PUNCT;
		else if (c == '\'')
			byteclass[c] = SKIP;
		else
			byteclass[c] = SEP;
	}
}

/* SplitMix64's finaliser: spreads FNV's weak low bits over the word. */
uint64_t
text_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
text_hash(const char *s, size_t n)
{
	uint64_t h = FNV_OFFSET;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
	return text_mix(h);
}

void
feats_init(struct feats *f)
{
	memset(f, 0, sizeof(*f));
}

void
feats_release(struct feats *f)
{
	free(f->hash);
	free(f->val);
	free(f->grams);
	free(f->seen);
	feats_init(f);
}

/* Makes room for n features in the list; -1 on ENOMEM. */
static int
feats_room(struct feats *f, size_t n)
{
	size_t cap = f->cap ? f->cap : 256;
	uint64_t *h;
	float *v;

	if (n <= f->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	if ((h = realloc(f->hash, cap * sizeof(*h))) == NULL)
		return -1;
	f->hash = h;
	if ((v = realloc(f->val, cap * sizeof(*v))) == NULL)
		return -1;
	f->val = v;
	f->cap = cap;
	return 0;
}

/* Makes *p hold at least n hashes; -1 on ENOMEM. */
static int
room(uint64_t **p, size_t *cap, size_t n)
{
	size_t c = *cap ? *cap : 256;
	uint64_t *q;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	if ((q = realloc(*p, c * sizeof(*q))) == NULL)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

int
feats_append(struct feats *dst, const struct feats *src)
{
	if (feats_room(dst, dst->n + src->n) == -1) {
		errno = ENOMEM;
		return -1;
	}
	if (src->n > 0) {
		memcpy(dst->hash + dst->n, src->hash,
		    src->n * sizeof(*src->hash));
		memcpy(dst->val + dst->n, src->val, src->n * sizeof(*src->val));
	}
	dst->n += src->n;
	return 0;
}

int
feats_copy(struct feats *dst, const struct feats *src)
{
	dst->n = 0;
	if (feats_append(dst, src) == -1)
		return -1;
	dst->nwords = src->nwords;
	dst->ndense = src->ndense;
	return 0;
}

/* Appends a feature; returns 1 when the item is full, -1 on ENOMEM. */
static inline int
feats_push(struct feats *f, uint64_t h, float v)
{
	if (f->n == TEXT_MAX_FEATURES)
		return 1;
	if (f->n == f->cap && feats_room(f, f->n + 1) == -1)
		return -1;
	f->hash[f->n] = h;
	f->val[f->n++] = v;
	return 0;
}

/*
 * Keeps the first of each of the n hashes at h, moved to the front, and
 * returns how many are kept: what a text says is in which words it has,
 * not in how often it repeats them.  An open addressing set of the hashes
 * kept, 0 meaning empty, finds repeats in linear time; a hash of 0, which
 * the finaliser gives only for 0, is always kept.  The set has four slots
 * a hash or more, so that probes seldom collide: a collision is a branch
 * that cannot be foretold, and at two slots a hash predicting took 1.06x
 * the time.  Past SPARSE_MAX hashes it has two, as a line of megabytes
 * would make a set of tens of them.  Returns -1 (ENOMEM) when the set
 * cannot grow.
 */
static ptrdiff_t
dedupe(struct feats *f, uint64_t *h, size_t n)
{
	size_t size = 64, i, j = 0, k;
	uint64_t *set;

	while (size < (n <= SPARSE_MAX ? 4 : 2) * n)
		size *= 2;
	if (room(&f->seen, &f->seencap, size) == -1)
		return -1;
	set = f->seen;
	memset(set, 0, size * sizeof(*set));
	for (k = 0; k < n; k++) {
		uint64_t x = h[k], y;

		/*
		 * The hashes are mixed: their low bits are as good as any.
		 * Whether x is new cannot be foretold, so nothing branches
		 * on it: the probe's one branch is on a collision, rare.
		 */
		for (i = x & (size - 1); y = set[i], (y == 0) + (y == x) == 0;
		    i = (i + 1) & (size - 1))
			;
		h[j] = x;
		j += y == 0;
		set[i] = x;
	}
	return (ptrdiff_t)j;
}

/* Gives the features from `from` on the same value, their norm being norm. */
static void
normalise(struct feats *f, size_t from, float norm)
{
	size_t k;
	float v;

	if (f->n > from) {
		v = norm / sqrtf((float)(f->n - from));
		for (k = from; k < f->n; k++)
			f->val[k] = v;
	}
}

/*
 * The hashes of the words and word pairs of the n bytes at s, to w, and
 * of their grams whose hash is at most keep, to g; *nw and *ng say how
 * many.  A gram's hash is the finaliser on its four bytes, first byte
 * highest, XOR GRAM_SEED.  When capped, each array stops at max hashes;
 * else it has room for all, which the compiler then does not check at
 * every byte: tokenising took 1.15x the instructions with the checks.
 */
static INLINE void
scan(const unsigned char *s, size_t n, uint64_t keep, int capped, size_t max,
    uint64_t *w, size_t *nw, uint64_t *g, size_t *ng)
{
	uint64_t h, prev = 0;
	uint32_t gram;
	size_t i = 0, kw = 0, kg = 0, len;
	int hasprev = 0, cl;

	while (i < n) {
		cl = byteclass[s[i]];
		if (cl == PUNCT) {
			h = (FNV_OFFSET ^ s[i++]) * FNV_PRIME;
		} else if (cl != WORD) {
			i++;	/* a separator, or an apostrophe between words */
			continue;
		} else {
			/* "<word>": its grams, as its bytes come */
			h = FNV_OFFSET;
			gram = '<';
			len = 1;
			for (; i < n && (cl = byteclass[s[i]]) >= WORD; i++) {
				if (cl == SKIP)
					continue;
				h = (h ^ lower[s[i]]) * FNV_PRIME;
				gram = gram << 8 | lower[s[i]];
				if (++len >= 4 && (!capped || kg < max)) {
					g[kg] = text_mix(gram ^ GRAM_SEED);
					kg += g[kg] <= keep;
				}
			}
			/* "<a>" has no gram */
			if (len >= 3 && (!capped || kg < max)) {
				g[kg] = text_mix((gram << 8 | '>') ^ GRAM_SEED);
				kg += g[kg] <= keep;
			}
		}
		if (!capped || kw < max)
			w[kw++] = text_mix(h);
		if (hasprev && (!capped || kw < max))
			w[kw++] = text_mix(prev * FNV_PRIME + h);
		prev = h;
		hasprev = 1;
	}
	*nw = kw;
	*ng = kg;
}

/*
 * The words, word pairs and grams of s, in one pass over its bytes.  The
 * grams' norm is GRAMS that of the words: that way a few labelled short
 * texts teach more, and long texts, whose words say enough, are not
 * drowned in grams.  The words come first in the list, then the grams.
 */
static int
words(struct feats *f, const unsigned char *s, size_t n)
{
	/*
	 * Each byte gives at most two features: it ends a word of one byte
	 * (a unigram and a bigram) or is a '!' or '?' (the same), or it is
	 * one of a longer word, which gives one gram a byte and the two.
	 */
	size_t max = n < TEXT_MAX_FEATURES / 2 ? 2 * n : TEXT_MAX_FEATURES;
	/* a gram is kept when its hash is at most this */
	uint64_t keep = n < LONG_TEXT ? UINT64_MAX : UINT64_MAX >> 1;
	size_t nw, ng;
	ptrdiff_t kept;

	if (feats_room(f, max + 1) == -1 ||
	    room(&f->grams, &f->gramcap, max) == -1)
		return -1;
	if (max == 2 * n)	/* room for all */
		scan(s, n, keep, 0, max, f->hash, &nw, f->grams, &ng);
	else
		scan(s, n, keep, 1, max, f->hash, &nw, f->grams, &ng);
	if ((kept = dedupe(f, f->hash, nw)) == -1)
		return -1;
	f->n = f->nwords = (size_t)kept;
	normalise(f, 0, 1);
	if ((kept = dedupe(f, f->grams, ng)) == -1)
		return -1;
	ng = (size_t)kept < max - f->n ? (size_t)kept : max - f->n;
	if (ng > 0)	/* grams is NULL while no text had a gram */
		memcpy(f->hash + f->n, f->grams, ng * sizeof(*f->grams));
	f->n += ng;
	normalise(f, f->n - ng, GRAMS);
	return 0;
}

static int
isspace_c(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* A "name:value" token: value when it is a plain finite number. */
static int
token(struct feats *f, const char *t, size_t n)
{
	char buf[64], *end;
	const char *colon = NULL;
	double v = 1;
	size_t i, vlen;

	for (i = n; i > 0; i--)
		if (t[i - 1] == ':') {
			colon = t + i - 1;
			break;
		}
	if (colon != NULL && colon > t &&
	    (vlen = (size_t)(t + n - colon - 1)) > 0 && vlen < sizeof(buf)) {
		memcpy(buf, colon + 1, vlen);
		buf[vlen] = '\0';
		errno = 0;
		v = strtod(buf, &end);
		if (*end == '\0' && errno == 0 && isfinite(v))
			n = (size_t)(colon - t);
		else
			v = 1;
	}
	if (v > VALUE_MAX)
		v = VALUE_MAX;
	if (v < -VALUE_MAX)
		v = -VALUE_MAX;
	return feats_push(f, text_hash(t, n), (float)v);
}

static int
tokens(struct feats *f, const char *s, size_t n)
{
	size_t i = 0, start;
	int r = 0;

	while (i < n && r == 0) {
		while (i < n && isspace_c((unsigned char)s[i]))
			i++;
		start = i;
		while (i < n && !isspace_c((unsigned char)s[i]))
			i++;
		if (i > start)
			r = token(f, s + start, i - start);
	}
	return r == -1 ? -1 : 0;
}

int
text_features(struct feats *f, enum text_mode mode, const char *s, size_t n)
{
	int r;

	text_init();
	f->n = f->nwords = f->ndense = 0;
	if (mode == TEXT_FEATURES)
		r = tokens(f, s, n);
	else
		r = words(f, (const unsigned char *)s, n);
	if (r == -1) {
		errno = ENOMEM;
		return -1;
	}
	/* The bias goes last and past the cap: every item has it. */
	if (feats_room(f, f->n + 1) == -1)
		return -1;
	f->hash[f->n] = TEXT_BIAS;
	f->val[f->n++] = 1;
	return 0;
}

int
text_dense(struct feats *f, uint64_t seed, const float *v, size_t n)
{
	size_t i, bias = f->n - 1;	/* text_features put it there */

	if (feats_room(f, f->n + n) == -1) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++) {
		f->hash[bias + i] = text_mix(seed + i);
		f->val[bias + i] = v[i];
	}
	f->hash[bias + n] = TEXT_BIAS;
	f->val[bias + n] = 1;
	f->n += n;
	f->ndense += n;
	return 0;
}

/* As words() hashes: a '!' or '?' alone, or a word, apostrophes dropped. */
int
text_word(const char *s, size_t n, uint64_t *h)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t x = FNV_OFFSET;
	size_t i;

	text_init();
	if (n == 1 && byteclass[u[0]] == PUNCT) {
		*h = text_mix((FNV_OFFSET ^ u[0]) * FNV_PRIME);
		return 0;
	}
	if (n == 0 || byteclass[u[0]] != WORD)
		return -1;
	for (i = 0; i < n; i++) {
		if (byteclass[u[i]] < WORD)
			return -1;
		if (byteclass[u[i]] == WORD)
			x = (x ^ lower[u[i]]) * FNV_PRIME;
	}
	*h = text_mix(x);
	return 0;
}

int
text_field(const char *line, size_t n, int delim, unsigned field,
    const char **out, size_t *outlen)
{
	const char *p = line, *end = line + n, *q;

	if (field == 0) {
		*out = line;
		*outlen = n;
		return 0;
	}
	while (--field > 0) {
		if ((q = memchr(p, delim, (size_t)(end - p))) == NULL) {
			*out = end;
			*outlen = 0;
			return -1;
		}
		p = q + 1;
	}
	q = memchr(p, delim, (size_t)(end - p));
	*out = p;
	*outlen = (size_t)((q ? q : end) - p);
	return 0;
}
