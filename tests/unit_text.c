/*
 * unit_text: tests of lib/text.h: fields, word and feature
 * tokenising, and the hash.  Exits 0 when every check passes; a failed
 * assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"

#define S(lit)	(lit), (sizeof(lit) - 1)

#define BIAS_VAL	1.0f

/* Field of a NUL-terminated line, as a NUL-terminated copy in buf. */
static int
field(const char *line, int delim, unsigned n, char *buf, size_t bufsz)
{
	const char *out = NULL;
	size_t len = 99;
	int r;

	r = text_field(line, strlen(line), delim, n, &out, &len);
	assert(out != NULL);
	assert(len < bufsz);
	memcpy(buf, out, len);
	buf[len] = '\0';
	if (r == -1)
		assert(len == 0);
	return r;
}

/* text_field: 0 is the whole line, N is the Nth field, missing is -1. */
static void
test_field(void)
{
	char b[64];

	assert(field("a\tbb\tccc", '\t', 0, b, sizeof(b)) == 0);
	assert(strcmp(b, "a\tbb\tccc") == 0);
	assert(field("a\tbb\tccc", '\t', 1, b, sizeof(b)) == 0);
	assert(strcmp(b, "a") == 0);
	assert(field("a\tbb\tccc", '\t', 2, b, sizeof(b)) == 0);
	assert(strcmp(b, "bb") == 0);
	assert(field("a\tbb\tccc", '\t', 3, b, sizeof(b)) == 0);
	assert(strcmp(b, "ccc") == 0);
	/* Missing fields: -1 and empty. */
	assert(field("a\tbb\tccc", '\t', 4, b, sizeof(b)) == -1);
	assert(field("a\tbb\tccc", '\t', 100, b, sizeof(b)) == -1);
	assert(field("", '\t', 2, b, sizeof(b)) == -1);
	/* A line without delimiters has one field. */
	assert(field("abc", '\t', 1, b, sizeof(b)) == 0);
	assert(strcmp(b, "abc") == 0);
	assert(field("", '\t', 1, b, sizeof(b)) == 0);
	assert(b[0] == '\0');
	/* Empty fields are fields. */
	assert(field("a\t\tc", '\t', 2, b, sizeof(b)) == 0);
	assert(b[0] == '\0');
	assert(field("a\t\tc", '\t', 3, b, sizeof(b)) == 0);
	assert(strcmp(b, "c") == 0);
	assert(field("\t", '\t', 1, b, sizeof(b)) == 0);
	assert(b[0] == '\0');
	assert(field("\t", '\t', 2, b, sizeof(b)) == 0);
	assert(b[0] == '\0');
	assert(field("a\t", '\t', 3, b, sizeof(b)) == -1);
	/* Another delimiter; TAB is then ordinary text. */
	assert(field("x,y\tz,w", ',', 2, b, sizeof(b)) == 0);
	assert(strcmp(b, "y\tz") == 0);
	assert(field("x,y\tz,w", ',', 3, b, sizeof(b)) == 0);
	assert(strcmp(b, "w") == 0);
	assert(field("x,y\tz,w", '\t', 2, b, sizeof(b)) == 0);
	assert(strcmp(b, "z,w") == 0);
}

/* text_field stays inside the n bytes it is given, NULs included. */
static void
test_field_bounds(void)
{
	const char line[] = "a\0b\tc\td";	/* n = 5 stops before "\td" */
	const char *out;
	size_t len;

	assert(text_field(line, 5, '\t', 2, &out, &len) == 0);
	assert(len == 1 && out[0] == 'c');
	assert(text_field(line, 5, '\t', 3, &out, &len) == -1);
	assert(len == 0);
	assert(text_field(line, 5, '\t', 1, &out, &len) == 0);
	assert(len == 3 && memcmp(out, "a\0b", 3) == 0);
}

/* Features of a NUL-terminated text. */
static void
feats(struct feats *f, enum text_mode m, const char *s)
{
	assert(text_features(f, m, s, strlen(s)) == 0);
}

static int
has_hash(const struct feats *f, uint64_t h)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->hash[i] == h)
			return 1;
	return 0;
}

static int
same_feats(const struct feats *a, const struct feats *b)
{
	return a->n == b->n &&
	    memcmp(a->hash, b->hash, a->n * sizeof(*a->hash)) == 0 &&
	    memcmp(a->val, b->val, a->n * sizeof(*a->val)) == 0;
}

/* Words: case and apostrophes do not matter. */
static void
test_words_normalise(void)
{
	struct feats a, b;

	feats_init(&a);
	feats_init(&b);
	feats(&a, TEXT_WORDS, "Good movie");
	feats(&b, TEXT_WORDS, "good MOVIE");
	assert(same_feats(&a, &b));
	feats(&a, TEXT_WORDS, "don't");
	feats(&b, TEXT_WORDS, "dont");
	assert(same_feats(&a, &b));
	feats(&a, TEXT_WORDS, "DON'T stop");
	feats(&b, TEXT_WORDS, "dont stop");
	assert(same_feats(&a, &b));
	/* Separators between words do not matter either. */
	feats(&a, TEXT_WORDS, "  good,\tmovie.  ");
	feats(&b, TEXT_WORDS, "good movie");
	assert(same_feats(&a, &b));
	/* Different words give different features. */
	feats(&a, TEXT_WORDS, "good");
	feats(&b, TEXT_WORDS, "fine");
	assert(a.n == b.n && a.hash[0] != b.hash[0]);
	/* Word order matters through the bigram. */
	feats(&a, TEXT_WORDS, "not good");
	feats(&b, TEXT_WORDS, "good not");
	assert(a.n == b.n && !same_feats(&a, &b));
	feats_release(&a);
	feats_release(&b);
}

/*
 * Words: n words give n unigrams, n - 1 bigrams and the bias (and no grams:
 * a word of one letter has none).
 */
static void
test_words_count(void)
{
	static const char *text[] = {
		"a", "a b", "a b c", "a b c d e f g h i j"
	};
	static const size_t words[] = { 1, 2, 3, 10 };
	struct feats f;
	size_t i, k, n;

	feats_init(&f);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		feats(&f, TEXT_WORDS, text[i]);
		n = 2 * words[i] - 1;
		if (f.n != n + 1) {
			fprintf(stderr, "'%s': %zu features, want %zu\n",
			    text[i], f.n, n + 1);
			exit(1);
		}
		for (k = 0; k < n; k++)
			assert(fabsf(f.val[k] - 1.0f / sqrtf((float)n)) <
			    1e-6f);
		assert(f.val[n] == BIAS_VAL);
	}
	/* The bias is the same for every item. */
	feats(&f, TEXT_WORDS, "x");
	{
		uint64_t bias = f.hash[f.n - 1];

		feats(&f, TEXT_WORDS, "y z");
		assert(f.hash[f.n - 1] == bias);
		feats(&f, TEXT_WORDS, "");
		assert(f.n == 1 && f.hash[0] == bias && f.val[0] == BIAS_VAL);
		feats(&f, TEXT_WORDS, " \t.,;-  ");
		assert(f.n == 1 && f.hash[0] == bias);
	}
	/* '!' and '?' are tokens of their own. */
	feats(&f, TEXT_WORDS, "a!");
	assert(f.n == 2 * 2 - 1 + 1);
	feats_release(&f);
}

/* Counts the features but the bias that a and b share. */
static size_t
shared(const struct feats *a, const struct feats *b)
{
	size_t i, n = 0;

	for (i = 0; i + 1 < a->n; i++)
		n += has_hash(b, a->hash[i]);
	return n;
}

/*
 * Grams: the 4-byte grams of "<word>", their norm 0.3 of the words' one;
 * words that share a stem share its grams.
 */
static void
test_grams(void)
{
	struct feats a, b;
	float sum = 0;
	size_t i;

	feats_init(&a);
	feats_init(&b);
	feats(&a, TEXT_WORDS, "hate");	/* the word, "<hat" "hate" "ate>" */
	assert(a.n == 1 + 3 + 1);
	assert(a.val[0] == 1.0f);
	for (i = 1; i < 4; i++)
		sum += a.val[i] * a.val[i];
	assert(fabsf(sum - 0.09f) < 1e-6f);
	feats(&b, TEXT_WORDS, "Hateful");
	assert(shared(&a, &b) == 2);	/* "<hat" and "hate" */
	feats(&b, TEXT_WORDS, "hated hater");
	assert(shared(&a, &b) == 2);
	/* A gram is no word: "hate" as a word is not the gram "hate". */
	feats(&b, TEXT_WORDS, "xhatex");
	assert(shared(&a, &b) == 1 && !has_hash(&b, a.hash[0]));
	/* Two letters give one gram, one letter none. */
	feats(&a, TEXT_WORDS, "ab");
	assert(a.n == 1 + 1 + 1);
	feats(&a, TEXT_WORDS, "a");
	assert(a.n == 1 + 1);
	/* A gram again is one feature. */
	feats(&a, TEXT_WORDS, "abab abab");
	/* "abab", "abab abab", "<aba" "abab" "bab>", the bias */
	assert(a.n == 2 + 3 + 1);
	feats_release(&a);
	feats_release(&b);
}

/* Counts f's grams (past its words, but the bias) whose hash is in the half kept. */
static size_t
halved(const struct feats *f)
{
	size_t i, n = 0;

	for (i = f->nwords; i + 1 < f->n; i++)
		n += f->hash[i] >> 63 == 0;
	return n;
}

/*
 * Grams of a long text: from 512 bytes on, a text keeps the half of its
 * grams whose hash has its top bit clear, the same half a short text of
 * the same words has, at the grams' norm.
 */
static void
test_grams_long(void)
{
	static const char words[] = "hated hater hateful haters hatefully ";
	char text[600];
	struct feats a, b;
	float sum = 0;
	size_t i, n;

	feats_init(&a);
	feats_init(&b);
	feats(&a, TEXT_WORDS, words);
	for (n = 0; n < 512; n += sizeof(words) - 1)
		memcpy(text + n, words, sizeof(words) - 1);
	assert(text_features(&b, TEXT_WORDS, text, n) == 0);
	assert(n == 14 * 37);
	n = a.n - a.nwords - 1;
	assert(halved(&a) > 0 && halved(&a) < n);
	assert(b.n - b.nwords - 1 == halved(&a) && halved(&b) == halved(&a));
	for (i = a.nwords; i + 1 < a.n; i++)
		assert(has_hash(&b, a.hash[i]) == (a.hash[i] >> 63 == 0));
	for (i = b.nwords; i + 1 < b.n; i++)
		sum += b.val[i] * b.val[i];
	assert(fabsf(sum - 0.09f) < 1e-5f);
	/* Short of 512 bytes, the same words keep them all. */
	assert(text_features(&b, TEXT_WORDS, text, 13 * 37) == 0);
	assert(b.n - b.nwords - 1 == n);
	feats_release(&a);
	feats_release(&b);
}

/* Words: NUL bytes and invalid UTF-8 are just bytes. */
static void
test_words_bytes(void)
{
	static const char nul[] = "ab\0cd\0\0ef";
	static const char bad[] = "\xff\xfe caf\xc3 \x80\x80 \xc3\xa9t\xc3\xa9";
	struct feats f, g;
	unsigned char all[256];
	int c;

	feats_init(&f);
	feats_init(&g);
	/* words, bigrams, grams ("<ab>" ...) and the bias */
	assert(text_features(&f, TEXT_WORDS, nul, sizeof(nul) - 1) == 0);
	assert(f.n == 2 * 3 - 1 + 3 + 1);
	assert(text_features(&f, TEXT_WORDS, bad, sizeof(bad) - 1) == 0);
	assert(f.n == 2 * 4 - 1 + 1 + 3 + 1 + 4 + 1);
	for (c = 0; c < 256; c++)
		all[c] = (unsigned char)c;
	assert(text_features(&f, TEXT_WORDS, (char *)all, sizeof(all)) == 0);
	assert(f.n >= 1 && f.n <= 2 * sizeof(all));
	/* A stable result: the same bytes give the same features. */
	assert(text_features(&g, TEXT_WORDS, (char *)all, sizeof(all)) == 0);
	assert(same_feats(&f, &g));
	feats_release(&f);
	feats_release(&g);
}

/*
 * Words: a 4 MB item of distinct words stops at TEXT_MAX_FEATURES, plus
 * the bias; the same word again and again is one feature.
 */
static void
test_words_huge(void)
{
	size_t n = 4u << 20, i, w = 0;
	char *s = malloc(n);
	struct feats f, g;

	assert(s != NULL);
	feats_init(&g);
	for (i = 0; i < n; i++) {
		if (i % 6 == 0)
			w = i / 6;	/* the word's number, in base 26 */
		s[i] = i % 6 == 5 ? ' ' : (char)('a' + w % 26);
		w /= 26;
	}
	feats_init(&f);
	assert(text_features(&f, TEXT_WORDS, s, n) == 0);
	assert(f.n == TEXT_MAX_FEATURES + 1);
	for (i = 0; i < n; i++)
		s[i] = i % 3 == 2 ? ' ' : 'a';
	assert(text_features(&f, TEXT_WORDS, s, n) == 0);
	/* "aa", "aa aa", the gram "<aa>" if it is of the half kept, the bias */
	feats(&g, TEXT_WORDS, "aa");
	assert(g.n == 3 && f.n == 3 + halved(&g));
	assert(f.val[f.n - 1] == BIAS_VAL);
	/* A short item after it still starts from zero. */
	feats(&f, TEXT_WORDS, "a b");
	assert(f.n == 4);
	/*
	 * One word of 4 MB is one feature.  Its grams are taken before
	 * repeats are dropped: the bound is reached if "xxxx" is of the half
	 * kept, and then "xxx>" is not, and else it is.
	 */
	memset(s, 'x', n);
	assert(text_features(&f, TEXT_WORDS, s, n) == 0);
	feats(&g, TEXT_WORDS, "xxxxx");	/* "<xxx" "xxxx" "xxx>" */
	assert(g.n == 5 && halved(&f) == f.n - 2);
	if (g.hash[2] >> 63 == 0)
		assert(f.n == 2 + (g.hash[1] >> 63 == 0) + 1);
	else
		assert(f.n == 2 + halved(&g));
	feats_release(&g);
	/* Features mode has the same bound. */
	for (i = 0; i < n; i++)
		s[i] = i % 2 ? ' ' : 'a';
	assert(text_features(&f, TEXT_FEATURES, s, n) == 0);
	assert(f.n == TEXT_MAX_FEATURES + 1);
	feats_release(&f);
	free(s);
}

/* Features: name[:value], value 1 when absent or not a number. */
static void
test_features_mode(void)
{
	struct feats f;

	feats_init(&f);
	feats(&f, TEXT_FEATURES, "a:2 b c:x");
	assert(f.n == 4);
	assert(f.hash[0] == text_hash(S("a")) && f.val[0] == 2.0f);
	assert(f.hash[1] == text_hash(S("b")) && f.val[1] == 1.0f);
	assert(f.hash[2] == text_hash(S("c:x")) && f.val[2] == 1.0f);
	assert(f.val[3] == BIAS_VAL);
	assert(!has_hash(&f, text_hash(S("c"))));
	/* Any white space separates; case is kept in names. */
	feats(&f, TEXT_FEATURES, "\t A:0.5\r\n\vb:-3 \f");
	assert(f.n == 3);
	assert(f.hash[0] == text_hash(S("A")) && f.val[0] == 0.5f);
	assert(f.hash[1] == text_hash(S("b")) && f.val[1] == -3.0f);
	assert(text_hash(S("A")) != text_hash(S("a")));
	/* The last colon splits: "k:v:2" is name "k:v", value 2. */
	feats(&f, TEXT_FEATURES, "k:v:2");
	assert(f.n == 2 && f.hash[0] == text_hash(S("k:v")) &&
	    f.val[0] == 2.0f);
	/* No name, or no value: the whole token is the name. */
	feats(&f, TEXT_FEATURES, ":5 a:");
	assert(f.n == 3);
	assert(f.hash[0] == text_hash(S(":5")) && f.val[0] == 1.0f);
	assert(f.hash[1] == text_hash(S("a:")) && f.val[1] == 1.0f);
	/* Empty text: the bias only. */
	feats(&f, TEXT_FEATURES, "");
	assert(f.n == 1 && f.val[0] == BIAS_VAL);
	feats(&f, TEXT_FEATURES, "  \t ");
	assert(f.n == 1);
	feats_release(&f);
}

/* Features: NaN and infinities are not values; huge ones are clamped. */
static void
test_features_values(void)
{
	static const char *bad[] = {
		"a:nan", "a:NaN", "a:inf", "a:-inf", "a:infinity", "a:1e400",
		"a:-1e400", "a:2x", "a:", "a:--1"
	};
	struct feats f;
	size_t i;

	feats_init(&f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feats(&f, TEXT_FEATURES, bad[i]);
		assert(f.n == 2);
		if (f.val[0] != 1.0f || !isfinite(f.val[0])) {
			fprintf(stderr, "'%s': value %g, want 1\n", bad[i],
			    (double)f.val[0]);
			exit(1);
		}
	}
	feats(&f, TEXT_FEATURES, "a:1e300 b:-1e300 c:1e6 d:1e7 e:3.4e38");
	assert(f.n == 6);
	assert(f.val[0] == 1e6f && f.val[1] == -1e6f && f.val[2] == 1e6f);
	assert(f.val[3] == 1e6f && f.val[4] == 1e6f);
	assert(f.hash[0] == text_hash(S("a")));
	for (i = 0; i < f.n; i++)
		assert(isfinite(f.val[i]));
	/* A value too long for any number is no value. */
	{
		char tok[200];

		memset(tok, '1', sizeof(tok) - 1);
		tok[0] = 'z';
		tok[1] = ':';
		tok[sizeof(tok) - 1] = '\0';
		feats(&f, TEXT_FEATURES, tok);
		assert(f.n == 2 && isfinite(f.val[0]) &&
		    fabsf(f.val[0]) <= 1e6f);
	}
	feats_release(&f);
}

/* text_hash: a function of the bytes only. */
static void
test_hash(void)
{
	static const char nul2[] = "a\0b";
	uint64_t h = text_hash(S("hello"));

	assert(text_hash(S("hello")) == h);
	assert(text_hash("hello world", 5) == h);
	assert(text_hash(S("hellp")) != h);
	assert(text_hash(S("Hello")) != h);
	assert(text_hash(S("")) != h);
	assert(text_hash(S("")) == text_hash(S("")));
	assert(text_hash(S("a")) != text_hash(S("b")));
	assert(text_hash(S("ab")) != text_hash(S("ba")));
	assert(text_hash(nul2, 3) != text_hash(nul2, 1));
	assert(text_hash(nul2, 3) != text_hash(S("a\0c")));
	/*
	 * Pinned values: levels reduce the hash to their table size and
	 * checkpoints hold those tables, so the hash must never change
	 * (FNV-1a 64, then the SplitMix64 finaliser).
	 */
	assert(text_hash(S("")) == 0xf52a15e9a9b5e89bULL);
	assert(text_hash(S("a")) == 0x02c0bdbf481420f8ULL);
}

/* Features depend on the text only, not on what came before. */
static void
test_stable(void)
{
	struct feats a, b;

	feats_init(&a);
	feats_init(&b);
	feats(&a, TEXT_WORDS, "the same words");
	feats(&b, TEXT_WORDS, "something else first, and longer than it");
	feats(&b, TEXT_WORDS, "the same words");
	assert(same_feats(&a, &b));
	feats_release(&a);
	feats_release(&a);	/* release twice is harmless */
	feats_release(&b);
}

int
main(void)
{
	test_field();
	test_field_bounds();
	test_words_normalise();
	test_words_count();
	test_grams();
	test_grams_long();
	test_words_bytes();
	test_words_huge();
	test_features_mode();
	test_features_values();
	test_hash();
	test_stable();
	printf("unit_text: all passed\n");
	return 0;
}
