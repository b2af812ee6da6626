/*
 * unit_vectors: tests of lib/vectors.h: words hashed as the tokeniser
 * hashes them, the .vec text with and without its header, refusals
 * (malformed, collapsed), the binary cache made, used, made again and
 * survived when hostile, the item vector and its counts, and the
 * statistics saved, refused when hostile, and merged.  Exits 0 when every
 * check passes; a failed assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/vectors.h"

static char dir[] = "/tmp/unit_vectors.XXXXXX";
static char path[256], cpath[300];

static void
write_file(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	assert(f != NULL);
	assert(fputs(text, f) != EOF && fclose(f) == 0);
}

static struct vectors *
opened(const char *text, const char **why)
{
	write_file(path, text);
	unlink(cpath);
	return vectors_open(path, why);
}

static int
exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* A word of the vectors file is the token the text makes of it. */
static void
test_word(void)
{
	struct feats f;
	uint64_t h;

	feats_init(&f);
	assert(text_features(&f, TEXT_WORDS, "Don't", 5) == 0);
	assert(text_word("dont", 4, &h) == 0 && h == f.hash[0]);
	assert(text_word("don't", 5, &h) == 0 && h == f.hash[0]);
	assert(text_word("DONT", 4, &h) == 0 && h == f.hash[0]);
	assert(text_features(&f, TEXT_WORDS, "?", 1) == 0);
	assert(text_word("?", 1, &h) == 0 && h == f.hash[0]);
	assert(text_features(&f, TEXT_WORDS, "caf\xc3\xa9", 5) == 0);
	assert(text_word("caf\xc3\xa9", 5, &h) == 0 && h == f.hash[0]);
	/* Several tokens, or none, are no word of ours. */
	assert(text_word("a-b", 3, &h) == -1);
	assert(text_word("'a", 2, &h) == -1);
	assert(text_word(",", 1, &h) == -1);
	assert(text_word("</s>", 4, &h) == -1);
	assert(text_word("", 0, &h) == -1);
	feats_release(&f);
}

static void
test_read(void)
{
	const char *why;
	struct vectors *v, *w;

	/* A header; "The" repeats "the" (dropped), "," is no token. */
	v = opened("5 3\nthe 1 0 0\ngood 0 1 0\n, 0 0 1\nThe 0 0 1\n"
	    "bad 0 -1 0.5 \n", &why);
	assert(v != NULL);
	assert(vectors_dim(v) == 3 && vectors_rows(v) == 3);
	assert(exists(cpath));
	/* Without the header, the same vectors: the same identity. */
	w = opened("the 1 0 0\ngood 0 1 0\r\nbad 0 -1 0.5\n", &why);
	assert(w != NULL && vectors_sum(w) == vectors_sum(v));
	vectors_close(w);
	w = opened("the 1 0 0\ngood 0 1 0\nbad 0 -1 0.50001\n", &why);
	assert(w != NULL && vectors_sum(w) != vectors_sum(v));
	vectors_close(w);
	vectors_close(v);
	/* Passed over: a byte order mark, blank lines, a word with spaces;
	 * a value too small for a float is 0. */
	w = opened("\xef\xbb\xbf" "3 2\n\nthe 1 0\n. . . 1 2\ngood 0 1e-40\n"
	    "bad 1 1\n\n", &why);
	assert(w != NULL && vectors_rows(w) == 3 && vectors_dim(w) == 2);
	vectors_close(w);
	/* Refused, with a reason. */
	assert(opened("", &why) == NULL && strstr(why, "no word vectors"));
	assert(opened("word\n", &why) == NULL && strstr(why, "not word vectors"));
	assert(opened("2 3\na 1 2\n", &why) == NULL &&
	    strstr(why, "line 2: not a word and 3 values"));
	assert(opened("a 1 2\nb 1 x\n", &why) == NULL &&
	    strstr(why, "line 2: 'x' is not a value"));
	assert(opened("a 1 2\nb 1 nan\n", &why) == NULL);
	assert(opened("a 1 2\nb 1 1e30\n", &why) == NULL);
	assert(opened(", 1 2\n", &why) == NULL && strstr(why, "no word"));
	assert(opened("a 1 1\nb 2 2.01\nc 3 3\n", &why) == NULL &&
	    strstr(why, "collapsed"));
	assert(!exists(cpath));	/* nothing refused is cached */
	assert(vectors_open("/nonexistent/x.vec", &why) == NULL &&
	    strstr(why, "cannot open"));
}

/* Overwrites n bytes of the file p from offset off with 0xff. */
static void
spoil(const char *p, long off, long n)
{
	FILE *f = fopen(p, "r+");

	assert(f != NULL && fseek(f, off, SEEK_SET) == 0);
	while (n-- > 0)
		assert(fputc(0xff, f) != EOF);
	assert(fclose(f) == 0);
}

/* The features vectors_item adds to "good bad": 0, or -1. */
static size_t
added(const struct vectors *v)
{
	struct vecstats *s = vecstats_new(v);
	struct feats f;
	size_t n, before;

	assert(s != NULL);
	feats_init(&f);
	assert(text_features(&f, TEXT_WORDS, "good bad", 8) == 0);
	before = f.n;
	assert(vectors_item(v, s, &f, 1) == 0);
	n = f.n - before;
	feats_release(&f);
	vecstats_free(s);
	return n;
}

/*
 * The cache is used while it matches the text's size and time, made
 * again when not, and a hostile one gives no wrong access.
 */
static void
test_cache(void)
{
	struct vectors *v;
	struct stat st, cst;
	struct timespec t[2];
	const char *why;
	uint64_t sum;

	assert((v = opened("good 1 0\nbad -1 0.1\n", &why)) != NULL);
	sum = vectors_sum(v);
	vectors_close(v);
	/* The same size and time: the cache answers, not the text. */
	assert(stat(path, &st) == 0);
	write_file(path, "good 2 0\nbad -1 0.1\n");
	t[0] = st.st_atim;
	t[1] = st.st_mtim;
	assert(utimensat(AT_FDCWD, path, t, 0) == 0);
	assert((v = vectors_open(path, &why)) != NULL);
	assert(vectors_sum(v) == sum && added(v) == 2);
	vectors_close(v);
	/* Another time: made again. */
	t[1].tv_sec -= 10;
	assert(utimensat(AT_FDCWD, path, t, 0) == 0);
	assert((v = vectors_open(path, &why)) != NULL);
	assert(vectors_sum(v) != sum);
	sum = vectors_sum(v);
	vectors_close(v);
	/* Values that are not numbers: the item gets no vector. */
	assert(stat(cpath, &cst) == 0);
	spoil(cpath, (long)cst.st_size - 16, 16);
	assert((v = vectors_open(path, &why)) != NULL && added(v) == 0);
	vectors_close(v);
	/* A table with no free slot and rows out of range: no word found. */
	spoil(cpath, 64, (long)cst.st_size - 64 - 16);
	assert((v = vectors_open(path, &why)) != NULL && added(v) == 0);
	vectors_close(v);
	/* Cut short: refused, and made again from the text. */
	assert(truncate(cpath, 100) == 0);
	assert((v = vectors_open(path, &why)) != NULL);
	vectors_close(v);
	/* Two words given one row: no word counts more than once an item. */
	{
		FILE *c = fopen(cpath, "r+b");
		struct vecstats *s;
		struct feats ft;
		unsigned char slot[16];
		long off;

		assert(c != NULL);
		for (off = 64; off + 16 <= (long)cst.st_size - 16; off += 16) {
			assert(fseek(c, off, SEEK_SET) == 0);
			assert(fread(slot, 1, 16, c) == 16);
			if (memcmp(slot, "\0\0\0\0\0\0\0\0", 8) == 0)
				continue;
			memset(slot + 8, 0, 4);
			assert(fseek(c, off, SEEK_SET) == 0);
			assert(fwrite(slot, 1, 16, c) == 16);
		}
		assert(fclose(c) == 0);
		assert((v = vectors_open(path, &why)) != NULL);
		assert((s = vecstats_new(v)) != NULL);
		feats_init(&ft);
		assert(text_features(&ft, TEXT_WORDS, "good bad", 8) == 0);
		assert(vectors_item(v, s, &ft, 1) == 0);
		assert(s->items == 1 && s->df[0] == 1 && s->df[1] == 0);
		feats_release(&ft);
		vecstats_free(s);
		vectors_close(v);
	}
	/* A FIFO in the cache's place is not waited on, but replaced. */
	assert(unlink(cpath) == 0 && mkfifo(cpath, 0600) == 0);
	assert((v = vectors_open(path, &why)) != NULL && why == NULL);
	assert(stat(cpath, &cst) == 0 && S_ISREG(cst.st_mode));
	vectors_close(v);
	/* Cut short again: refused, and made again from the text. */
	assert(truncate(cpath, 100) == 0);
	assert((v = vectors_open(path, &why)) != NULL);
	assert(vectors_sum(v) == sum && added(v) == 2);
	vectors_close(v);
}

static double
norm_of(const struct feats *f, size_t from, size_t n)
{
	double ss = 0;
	size_t i;

	for (i = from; i < from + n; i++)
		ss += (double)f->val[i] * f->val[i];
	return sqrt(ss);
}

/* The item vector: where it goes, its norm, and what it counts. */
static void
test_item(void)
{
	struct vectors *v;
	struct vecstats *s;
	struct feats f;
	const char *why;
	size_t n, i;

	v = opened("good 1 0 0\nbad 0 1 0\nfilm 0 0 1\n", &why);
	assert(v != NULL && (s = vecstats_new(v)) != NULL);
	feats_init(&f);
	assert(text_features(&f, TEXT_WORDS, "good film", 9) == 0);
	n = f.n;
	assert(vectors_item(v, s, &f, 1) == 0);
	/* Three features before the bias, which stays last. */
	assert(f.n == n + 3 && f.hash[f.n - 1] == TEXT_BIAS);
	assert(f.val[f.n - 1] == 1);
	assert(f.hash[n - 1] != f.hash[n] && f.hash[n] != f.hash[n + 1]);
	assert(fabs(norm_of(&f, n - 1, 3) - VECTORS_NORM) < 1e-6);
	/* The first item is not centred: good and film, alike. */
	assert(fabsf(f.val[n - 1] - f.val[n + 1]) < 1e-6 && f.val[n] == 0);
	assert(s->items == 1 && s->placed == 1);
	assert(s->df[0] == 1 && s->df[1] == 0 && s->df[2] == 1);
	/* The next, centred on the first: film, shared, counts for nothing. */
	assert(text_features(&f, TEXT_WORDS, "bad film", 8) == 0);
	n = f.n;
	assert(vectors_item(v, s, &f, 1) == 0 && f.n == n + 3);
	assert(fabs(norm_of(&f, n - 1, 3) - VECTORS_NORM) < 1e-6);
	assert(f.val[n - 1] < 0 && f.val[n] > 0);
	assert(s->items == 2 && s->placed == 2 && s->df[2] == 2);
	/* Not counted: the same features, the statistics as they were. */
	assert(text_features(&f, TEXT_WORDS, "bad film", 8) == 0);
	assert(vectors_item(v, s, &f, 0) == 0);
	assert(s->items == 2 && s->placed == 2 && s->df[1] == 1);
	/* No known word: no vector, but the item counts for the idf. */
	assert(text_features(&f, TEXT_WORDS, "a plot", 6) == 0);
	n = f.n;
	assert(vectors_item(v, s, &f, 1) == 0 && f.n == n);
	assert(s->items == 3 && s->placed == 2);
	/* Feature input has no words: nothing is looked up. */
	assert(text_features(&f, TEXT_FEATURES, "good film", 9) == 0);
	n = f.n;
	assert(vectors_item(v, s, &f, 1) == 0 && f.n == n);
	for (i = 0; i < 3; i++)
		assert(s->mean[i] >= 0);
	feats_release(&f);
	vecstats_free(s);
	vectors_close(v);
}

/* Statistics of two items: saved, read back, hostile bytes refused. */
static void
test_stats(void)
{
	struct vectors *v;
	struct vecstats *s, *l;
	struct feats f;
	struct wbuf w = { 0 };
	struct rbuf r;
	const char *why;

	v = opened("good 1 0 0\nbad 0 1 0\nfilm 0 0 1\n", &why);
	assert(v != NULL && (s = vecstats_new(v)) != NULL);
	feats_init(&f);
	assert(text_features(&f, TEXT_WORDS, "good film", 9) == 0);
	assert(vectors_item(v, s, &f, 1) == 0);
	assert(text_features(&f, TEXT_WORDS, "bad", 3) == 0);
	assert(vectors_item(v, s, &f, 1) == 0);
	vecstats_save(s, &w);
	assert(!w.err && w.n == 32 + 8 * 3 + 4 * 3);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert((l = vecstats_load(&r)) != NULL && r.off == w.n);
	assert(l->sum == vectors_sum(v) && l->dim == 3 && l->rows == 3);
	assert(l->items == 2 && l->placed == 2);
	assert(memcmp(l->df, s->df, 3 * sizeof(*s->df)) == 0);
	assert(memcmp(l->mean, s->mean, 3 * sizeof(*s->mean)) == 0);
	/* Merged: what each counted since the base, the base once. */
	vecstats_merge(l, s, NULL);
	assert(l->items == 4 && l->df[0] == 2 && l->mean[1] == 2 * s->mean[1]);
	vecstats_merge(l, s, s);
	assert(l->items == 4 && l->df[0] == 2);
	/* A base that placed fewer than it counted: still loads. */
	l->items = l->placed = 2;
	s->placed = 0;
	vecstats_merge(l, l, s);
	assert(l->items == 2 && l->placed == 2 && l->df[0] <= 2);
	s->placed = 2;
	{
		struct wbuf m = { 0 };
		struct rbuf mr;
		struct vecstats *again;

		vecstats_save(l, &m);
		mr = (struct rbuf){ m.p, m.n, 0, 0, 0 };
		assert((again = vecstats_load(&mr)) != NULL);
		vecstats_free(again);
		wbuf_release(&m);
	}
	vecstats_free(l);
	/* Cut short at every length. */
	for (r.n = 0; r.n < w.n; r.n++) {
		r = (struct rbuf){ w.p, r.n, 0, 0, 0 };
		assert(vecstats_load(&r) == NULL);
	}
	/* More rows than the payload holds: refused before it is made. */
	w.p[12] = 0xff;
	w.p[13] = 0xff;
	w.p[14] = 0xff;
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(vecstats_load(&r) == NULL);
	w.p[12] = 3;
	w.p[13] = w.p[14] = 0;
	/* A word in more items than were counted. */
	w.p[w.n - 4] = 9;
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(vecstats_load(&r) == NULL);
	w.p[w.n - 4] = 1;
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert((l = vecstats_load(&r)) != NULL);
	vecstats_free(l);
	/* A mean past what the items could add. */
	memset(w.p + 32, 0x7f, 8);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(vecstats_load(&r) == NULL);
	wbuf_release(&w);
	feats_release(&f);
	vecstats_free(s);
	vectors_close(v);
}

int
main(void)
{
	assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/w.vec", dir);
	snprintf(cpath, sizeof(cpath), "%s.cache", path);
	test_word();
	test_read();
	test_cache();
	test_item();
	test_stats();
	unlink(cpath);
	unlink(path);
	rmdir(dir);
	printf("unit_vectors: all passed\n");
	return 0;
}
