/*
 * unit_level: tests of lib/level.h on every kind: the kind table, learning
 * a rule, save and load, merge, counting each answer once, and strict
 * loading of hostile bytes (counts that are NaN, infinite, negative or too
 * large, a label count past LABELS_MAX).  Exits 0 when every check passes; a failed assert()
 * names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/labels.h"
#include "../lib/level.h"

#include "../lib/text.h"
#include "stream.h"

#define LABELS	2	/* of the items (stream.h) */

#define BITS	12

/* Item k of the stream (stream.h), with extra; label 1 holds "good". */
static void
item_with(struct feats *f, unsigned k, const char *extra, size_t *label)
{
	*label = (size_t)stream_item(f, k, extra);
}

static void
item(struct feats *f, unsigned k, size_t *label)
{
	item_with(f, k, "", label);
}

/* Learns items [from, to) into l, as kept answers learned again if again. */
static void
learn_as(struct level *l, unsigned from, unsigned to, int again)
{
	struct feats f;
	size_t label;
	unsigned k;

	feats_init(&f);
	for (k = from; k < to; k++) {
		item(&f, k, &label);
		l->kind->learn(l, &f, 2, label, again ? LEVEL_AGAIN : LEVEL_NEW);
		l->updates += !again;
	}
	feats_release(&f);
}

/* Learns items [from, to) into l. */
static void
learn(struct level *l, unsigned from, unsigned to)
{
	learn_as(l, from, to, 0);
}

/* The share of items [from, to) that l labels right. */
static double
accuracy(struct level *l, unsigned from, unsigned to)
{
	struct feats f;
	float p[2];
	size_t label;
	unsigned k, ok = 0;

	feats_init(&f);
	for (k = from; k < to; k++) {
		item(&f, k, &label);
		l->kind->predict(l, &f, 2, p);
		assert(isfinite(p[0]) && isfinite(p[1]));
		assert(fabsf(p[0] + p[1] - 1) < 1e-5f);
		ok += (p[1] > p[0]) == (label == 1);
	}
	feats_release(&f);
	return (double)ok / (to - from);
}

/* The predictions of a and b on the same items are the same. */
static void
expect_same(struct level *a, struct level *b)
{
	struct feats f;
	float pa[2], pb[2];
	size_t label;
	unsigned k;

	feats_init(&f);
	for (k = 1000; k < 1100; k++) {
		item(&f, k, &label);
		assert(a->kind->predict(a, &f, 2, pa) ==
		    b->kind->predict(b, &f, 2, pb));
		assert(fabsf(pa[0] - pb[0]) < 1e-4f);
	}
	feats_release(&f);
}

/*
 * A level saved and loaded in format `format` (0: today's): the tests of
 * hostile counts take the format before STATE_TABLES, where every count
 * has a place of its own.
 */
#define RAW	(STATE_TABLES - 1)

static void
save_as(const struct level *l, struct wbuf *b, uint32_t format)
{
	memset(b, 0, sizeof(*b));
	b->version = format;
	l->kind->save(l, b);
	assert(!b->err);
}

static void
save(const struct level *l, struct wbuf *b)
{
	save_as(l, b, 0);
}

static int
load_as(struct level *l, const unsigned char *p, size_t n, uint32_t format)
{
	struct rbuf r = { p, n, 0, 0, format };

	return l->kind->load(l, &r, LABELS) == 0 && r.off == r.n ? 0 : -1;
}

static int
load(struct level *l, const unsigned char *p, size_t n)
{
	return load_as(l, p, n, 0);
}

static void
test_kind(const char *name)
{
	const struct level_kind *kind = level_kind(name);
	struct level *a, *b, *c;
	struct wbuf w;
	size_t len;

	assert(kind != NULL && strcmp(kind->name, name) == 0);
	assert((a = level_new(kind, BITS)) != NULL);
	assert(a->kind == kind && a->bits == BITS && a->updates == 0);
	learn(a, 0, 400);
	if (accuracy(a, 1000, 1200) < 0.95) {
		fprintf(stderr, "%s: accuracy %.3f after 400 items\n", name,
		    accuracy(a, 1000, 1200));
		exit(1);
	}
	/* What is saved loads as the same level. */
	save(a, &w);
	assert((b = level_new(kind, BITS)) != NULL);
	assert(load(b, w.p, w.n) == 0);
	expect_same(a, b);
	/* Every truncation is refused. */
	for (len = 0; len < w.n; len += 1 + len / 8)
		assert(load(b, w.p, len) == -1);
	wbuf_release(&w);
	level_free(b);
	/* Two halves merged answer about as well as the whole. */
	assert((b = level_new(kind, BITS)) != NULL);
	assert((c = level_new(kind, BITS)) != NULL);
	learn(b, 0, 200);
	learn(c, 200, 400);
	b->kind->merge(b, c, NULL, LABELS);
	assert(accuracy(b, 1000, 1200) >= 0.95);
	level_free(a);
	level_free(b);
	level_free(c);
}

/* nb adds counts: learning two streams, or merging them, is the same. */
static void
test_nb_merge_is_sum(void)
{
	const struct level_kind *nb = level_kind("nb");
	struct level *whole, *a, *b;

	whole = level_new(nb, BITS);
	a = level_new(nb, BITS);
	b = level_new(nb, BITS);
	assert(whole != NULL && a != NULL && b != NULL);
	learn(whole, 0, 300);
	learn(a, 0, 100);
	learn(b, 100, 300);
	nb->merge(a, b, NULL, LABELS);
	expect_same(whole, a);
	level_free(whole);
	level_free(a);
	level_free(b);
}

/* A copy of l, through save and load. */
static struct level *
copy(const struct level *l)
{
	struct level *c = level_new(l->kind, l->bits);
	struct wbuf w;

	assert(c != NULL);
	save(l, &w);
	assert(load(c, w.p, w.n) == 0);
	wbuf_release(&w);
	c->updates = l->updates;
	return c;
}

/*
 * Shards that started from a base count it once: two copies of the base
 * merge back into exactly the base, and for nb, two shards that learned on
 * from it merge into what one learner of the whole stream has.
 */
static void
test_merge_base(const char *name)
{
	const struct level_kind *kind = level_kind(name);
	struct level *base, *a, *b, *whole;
	struct wbuf wa, wb;

	base = level_new(kind, BITS);
	assert(base != NULL);
	learn(base, 0, 100);
	a = copy(base);
	b = copy(base);
	kind->merge(a, b, base, LABELS);
	save(a, &wa);
	save(base, &wb);
	assert(wa.n == wb.n && memcmp(wa.p, wb.p, wa.n) == 0);
	wbuf_release(&wa);
	wbuf_release(&wb);
	level_free(a);
	level_free(b);
	a = copy(base);
	b = copy(base);
	learn(a, 100, 200);
	learn(b, 200, 300);
	kind->merge(a, b, base, LABELS);
	if (strcmp(name, "nb") == 0) {
		whole = level_new(kind, BITS);
		assert(whole != NULL);
		learn(whole, 0, 300);
		expect_same(whole, a);
		level_free(whole);
	}
	assert(accuracy(a, 1000, 1200) >= 0.95);
	level_free(base);
	level_free(a);
	level_free(b);
}

/* Overwrites the f64 (or, with f32, the f32) at off in w with v. */
static void
poke(struct wbuf *w, size_t off, double v, int f32)
{
	struct wbuf t = { 0 };

	if (f32)
		wbuf_f32(&t, (float)v);
	else
		wbuf_f64(&t, v);
	assert(!t.err);
	memcpy(w->p + off, t.p, t.n);
	wbuf_release(&t);
}

/* Counts no level could have made, as f32 and as f64. */
static const float bad32[] = { NAN, INFINITY, -1, 2e30f };
static const double bad64[] = { NAN, -INFINITY, -0.5, 1e31 };

/*
 * A level of kind `name` that learned 50 answers saves `size` bytes (RAW),
 * which load.  The save is refused with each bad f32 count at off32, with each
 * bad f64 count at each of at64[0..n64), and with a label count (a u32 at
 * nlabels_at) past LABELS_MAX.
 */
static void
refuses_hostile(const char *name, size_t size, size_t off32,
    const size_t *at64, size_t n64, size_t nlabels_at)
{
	const struct level_kind *kind = level_kind(name);
	struct level *a = level_new(kind, BITS), *b = level_new(kind, BITS);
	struct wbuf w;
	size_t i, j;

	assert(a != NULL && b != NULL);
	learn(a, 0, 50);
	save_as(a, &w, RAW);
	assert(w.n == size);
	assert(load_as(b, w.p, w.n, RAW) == 0);
	for (i = 0; i < sizeof(bad32) / sizeof(bad32[0]); i++) {
		struct wbuf c;

		save_as(a, &c, RAW);
		poke(&c, off32, bad32[i], 1);
		assert(load_as(b, c.p, c.n, RAW) == -1);
		wbuf_release(&c);
	}
	for (i = 0; i < sizeof(bad64) / sizeof(bad64[0]); i++)
		for (j = 0; j < n64; j++) {
			struct wbuf c;

			save_as(a, &c, RAW);
			poke(&c, at64[j], bad64[i], 0);
			assert(load_as(b, c.p, c.n, RAW) == -1);
			wbuf_release(&c);
		}
	w.p[nlabels_at] = 0xff;
	w.p[nlabels_at + 1] = 0xff;
	assert(load_as(b, w.p, w.n, RAW) == -1);
	wbuf_release(&w);
	level_free(a);
	level_free(b);
}

/* An nb level refuses counts it could not have made. */
static void
test_nb_hostile(void)
{
	size_t table = (size_t)4 << BITS;
	/* The features counted, then (sum, items) of labels 0 and 1. */
	const size_t at64[] = { table, table + 12, table + 20, table + 28,
	    table + 36 };

	/* The table, f64 features, u32 2, two pairs of (sum, items). */
	refuses_hostile("nb", table + 8 + 4 + 2 * 16, 4 * 7, at64,
	    sizeof(at64) / sizeof(at64[0]), table + 8);
}

/* The counts in an lr save: every slot's third f32, then the labels. */
static void
lr_counts(const struct level *l, struct wbuf *out)
{
	struct wbuf w;
	size_t i, table = (size_t)16 << l->bits;

	save_as(l, &w, RAW);
	assert(w.n > table);
	memset(out, 0, sizeof(*out));
	for (i = 8; i < table; i += 16)
		wbuf_bytes(out, w.p + i, 4);
	wbuf_bytes(out, w.p + table, w.n - table);
	assert(!out->err);
	wbuf_release(&w);
}

static int
same(const struct wbuf *a, const struct wbuf *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/*
 * lr counts each answer once: learning kept answers again moves its
 * weights, not its counts; and counts add up, so two halves merged count
 * what the whole does.
 */
static void
test_lr_counts(void)
{
	const struct level_kind *lr = level_kind("lr");
	struct level *a, *b, *whole;
	struct wbuf ca, cb;

	a = level_new(lr, BITS);
	assert(a != NULL);
	learn(a, 0, 100);
	b = copy(a);
	learn_as(b, 0, 100, 1);
	lr_counts(a, &ca);
	lr_counts(b, &cb);
	assert(same(&ca, &cb));
	wbuf_release(&cb);
	learn(b, 100, 101);
	lr_counts(b, &cb);
	assert(!same(&ca, &cb));
	wbuf_release(&ca);
	wbuf_release(&cb);
	level_free(b);

	whole = level_new(lr, BITS);
	b = level_new(lr, BITS);
	assert(whole != NULL && b != NULL);
	learn(whole, 0, 300);
	learn(b, 100, 300);
	lr->merge(a, b, NULL, LABELS);
	lr_counts(whole, &ca);
	lr_counts(a, &cb);
	assert(same(&ca, &cb));
	wbuf_release(&ca);
	wbuf_release(&cb);
	level_free(whole);
	level_free(a);
	level_free(b);
}

/* An lr level refuses counts it could not have made. */
static void
test_lr_hostile(void)
{
	size_t table = (size_t)16 << BITS;
	/* The answers of label 1. */
	const size_t at64[] = { table + 4 + 8 };

	/*
	 * The table, u32 2, the answers of labels 0 and 1; slot 7's count,
	 * then its emphasis.
	 */
	refuses_hostile("lr", table + 4 + 2 * 8, 16 * 7 + 8, at64, 1, table);
	refuses_hostile("lr", table + 4 + 2 * 8, 16 * 7 + 12, at64, 1, table);
	/* A count is a whole number, which lr looks its logarithm up by. */
	{
		const struct level_kind *kind = level_kind("lr");
		struct level *a = level_new(kind, BITS);
		struct level *b = level_new(kind, BITS);
		struct wbuf w;

		assert(a != NULL && b != NULL);
		learn(a, 0, 50);
		save_as(a, &w, RAW);
		poke(&w, 16 * 7 + 8, 3, 1);
		assert(load_as(b, w.p, w.n, RAW) == 0);
		poke(&w, 16 * 7 + 8, 2.5, 1);
		assert(load_as(b, w.p, w.n, RAW) == -1);
		poke(&w, 16 * 7 + 8, 5000.5, 1);
		assert(load_as(b, w.p, w.n, RAW) == -1);
		poke(&w, 16 * 7 + 8, 1e20, 1);
		assert(load_as(b, w.p, w.n, RAW) == 0);
		wbuf_release(&w);
		level_free(a);
		level_free(b);
	}
}

/*
 * lr, with items that each have a word of their own: the mean probability
 * of the right label, against the other answered one, on items that hold
 * the own word of a learned item of the other label.  Three labels, the
 * third never answered.
 */
static double
sure_with_own_words(size_t nlabels)
{
	struct level *l = level_new(level_kind("lr"), BITS);
	struct feats f;
	char own[32];
	float p[3];
	size_t label;
	double sum = 0;
	unsigned k;

	assert(l != NULL);
	feats_init(&f);
	for (k = 0; k < 400; k++) {
		snprintf(own, sizeof(own), "own%u", k);
		item_with(&f, k, own, &label);
		l->kind->learn(l, &f, nlabels, label, LEVEL_NEW);
		l->updates++;
	}
	for (k = 1000; k < 1200; k++) {
		snprintf(own, sizeof(own), "own%u", (k % 400) ^ 1);
		item_with(&f, k, own, &label);
		l->kind->predict(l, &f, nlabels, p);
		sum += p[label] / (p[0] + p[1]);
	}
	feats_release(&f);
	level_free(l);
	return sum / 200;
}

/*
 * lr: a label that no answer has named (listed with -l before it comes)
 * tells nothing of any word.  Counted as one, it made every word seen once
 * look telling (seen in no answer of that label), and such words swayed the
 * others' predictions: here 0.92 against 0.99 with two labels.
 */
static void
test_lr_unanswered_label(void)
{
	double two = sure_with_own_words(2), three = sure_with_own_words(3);

	if (fabs(two - three) > 0.02) {
		fprintf(stderr, "unanswered label: %.3f against %.3f\n", three,
		    two);
		exit(1);
	}
}

/*
 * lr judging an item ahead of learning it gives the probabilities plain
 * judging does, and leaves the level as judging then learning does, in
 * all the ways learning can follow: with the label foreseen, with another
 * label, and after another item was judged in the same memory and is
 * learned instead.  (The items' features fall
 * in distinct slots: where two shared one, the two would differ.)
 */
static void
test_lr_ahead(void)
{
	const struct level_kind *kind = level_kind("lr");
	struct level *a = level_new(kind, 18), *b = level_new(kind, 18);
	struct feats f;
	struct wbuf wa, wb;
	float pa[2], pb[2];
	size_t label, other;
	unsigned k;

	assert(a != NULL && b != NULL && kind->predict_ahead != NULL);
	feats_init(&f);
	for (k = 0; k < 300; k++) {
		item(&f, k, &label);
		assert(kind->predict(a, &f, 2, pa) ==
		    kind->predict_ahead(b, &f, 2, pb, label));
		assert(memcmp(pa, pb, sizeof(pa)) == 0);
		if (k % 3 == 2) {	/* another item, in the same memory */
			item(&f, k + 1, &other);
			kind->predict(a, &f, 2, pa);
			kind->predict(b, &f, 2, pb);
		}
		if (k % 3 == 1)
			label = 1 - label;
		kind->learn(a, &f, 2, label, LEVEL_NEW);
		kind->learn(b, &f, 2, label, LEVEL_NEW);
	}
	save(a, &wa);
	save(b, &wb);
	assert(wa.n == wb.n && memcmp(wa.p, wb.p, wa.n) == 0);
	wbuf_release(&wa);
	wbuf_release(&wb);
	feats_release(&f);
	level_free(a);
	level_free(b);
}

int
main(void)
{
	assert(level_kind("") == NULL && level_kind("LR") == NULL);
	assert(level_new(level_kind("nb"), LEVEL_BITS_MIN - 1) == NULL);
	assert(level_new(level_kind("nb"), LEVEL_BITS_MAX + 1) == NULL);
	level_free(NULL);
	test_kind("lr");
	test_kind("nb");
	test_nb_merge_is_sum();
	test_merge_base("lr");
	test_merge_base("nb");
	test_nb_hostile();
	test_lr_counts();
	test_lr_hostile();
	test_lr_unanswered_label();
	test_lr_ahead();
	printf("unit_level: all passed\n");
	return 0;
}
