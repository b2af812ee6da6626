/*
 * unit_model: tests of lib/model.h without a subprocess: judging before
 * and after the warm-up, learning a rule, answers that name no label, the
 * replay memory, the save/load round trip, loads refused without making
 * anything, exploration, merge, and word vectors.  Exits 0 when every
 * check passes; a failed assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/model.h"
#include "stream.h"

#define BITS	12

/* Item k of the stream (stream.h); label 0 ("pos") holds "good". */
static int
item(struct feats *f, unsigned k)
{
	return stream_item(f, k, "") ? 0 : 1;
}

static struct model_opts
opts(const char *labels, const char *kind)
{
	struct model_opts o;

	memset(&o, 0, sizeof(o));
	o.labels = labels;
	o.bits = BITS;
	o.target = 0.9;
	o.seed = 7;
	if (kind != NULL) {
		o.kinds[0] = kind;
		o.nkinds = 1;
	}
	return o;
}

static struct model *
made(const struct model_opts *o)
{
	const char *why = NULL;
	struct model *m = model_new(o, &why);

	assert(m != NULL && why == NULL);
	return m;
}

/*
 * Runs items [from, to) through m as the engine does, every one answered
 * by the expert with its label; returns how many a level answered.
 */
static unsigned
stream(struct model *m, unsigned from, unsigned to)
{
	static const char *const name[] = { "pos", "neg" };
	struct model_verdict v;
	struct feats f;
	unsigned k, cheap = 0;
	int label;

	feats_init(&f);
	for (k = from; k < to; k++) {
		label = item(&f, k);
		if (model_judge(m, &f, 1, &v) >= 0) {
			assert(v.label == v.pred[v.answer]);
			cheap++;
			continue;
		}
		label = model_label(m, name[label], strlen(name[label]));
		assert(label >= 0);
		assert(model_learn(m, &f, &v, label) == 0);
	}
	feats_release(&f);
	return cheap;
}

/* The payload of m. */
/* m's payload in format `format`: 0 for today's (see payload()). */
static struct wbuf
payload_as(const struct model *m, uint32_t format)
{
	struct wbuf b = { 0 };

	b.version = format;
	model_write(m, &b);
	assert(!b.err && b.n > 0);
	return b;
}

static struct wbuf
payload(const struct model *m)
{
	return payload_as(m, 0);
}

static int
same_payload(const struct model *a, const struct model *b)
{
	struct wbuf pa = payload(a), pb = payload(b);
	int same = pa.n == pb.n && memcmp(pa.p, pb.p, pa.n) == 0;

	wbuf_release(&pa);
	wbuf_release(&pb);
	return same;
}

/* Reads m's payload back with options o: the result of model_read. */
static int
reread(const struct model *m, const struct model_opts *o, struct model **out,
    const char **why)
{
	struct wbuf w = payload(m);
	struct rbuf r = { w.p, w.n, 0, 0, 0 };
	int ret = model_read(&r, o, out, why);

	wbuf_release(&w);
	return ret;
}

/* Options are checked before anything is made. */
static void
test_check(void)
{
	struct model_opts o = opts(NULL, NULL);
	const char *why = NULL;

	assert(model_check(&o, &why) == 0);
	o.labels = "a,,b";
	assert(model_check(&o, &why) == -1 && errno == EINVAL);
	assert(strcmp(why, "bad label list") == 0);
	assert(model_new(&o, &why) == NULL);
	o = opts(NULL, "svm");
	assert(model_check(&o, &why) == -1 && strcmp(why, "bad level list") == 0);
	o = opts(NULL, NULL);
	o.bits = MODEL_BITS_MAX + 1;
	assert(model_check(&o, &why) == -1 && strcmp(why, "bad hash size") == 0);
	assert(model_kind_known("lr") && model_kind_known("nb") &&
	    !model_kind_known("svm"));
}

/*
 * A new model knows no label and answers nothing; after its warm-up the
 * levels answer most items, and rightly.
 */
static void
test_judge_learn(void)
{
	struct model_opts o = opts(NULL, NULL);
	struct model *m = made(&o);
	struct model_verdict v;
	struct feats f;
	unsigned cheap, k, right = 0, answered = 0;
	int label;

	feats_init(&f);
	item(&f, 0);
	assert(model_judge(m, &f, 1, &v) == -1);
	assert(v.pred[0] == -1 && v.best == -1 && v.explored == -1);
	assert(m->labels.n == 0);
	/* No level answers before WARMUP (16) answers. */
	assert(stream(m, 0, 16) == 0);
	assert(m->labels.n == 2 && !m->labels.closed);
	/* The first item came before any label: no level predicted it. */
	assert(m->level[0]->updates == 16 && m->policy[0].trained == 15);
	cheap = stream(m, 16, 2000);
	assert(cheap > 1000);
	for (k = 2000; k < 2400; k++) {
		label = item(&f, k);
		if (model_judge(m, &f, 0, &v) >= 0) {
			answered++;
			right += v.label == label;
		}
		assert(v.explored == -1);	/* explore 0: never */
	}
	assert(answered > 300 && right == answered);
	feats_release(&f);
	model_free(m);
}

/* An answer that names no label teaches the policies, not the levels. */
static void
test_no_label(void)
{
	struct model_opts o = opts("pos,neg", NULL);
	struct model *m = made(&o);
	struct model_verdict v;
	struct feats f;
	uint64_t updates, trained;

	stream(m, 0, 100);
	updates = m->level[0]->updates;
	trained = m->policy[0].trained;
	assert(model_label(m, "maybe", 5) == -1);
	feats_init(&f);
	item(&f, 101);
	model_judge(m, &f, 1, &v);
	assert(v.pred[0] >= 0);
	assert(model_learn(m, NULL, &v, -1) == 0);
	assert(m->level[0]->updates == updates);
	assert(m->policy[0].trained == trained + 1);
	assert(m->nreplay == updates);
	feats_release(&f);
	model_free(m);
}

/* Learns the expert's answer to items [from, to), whatever the levels said. */
static void
teach(struct model *m, unsigned from, unsigned to)
{
	static const char *const name[] = { "pos", "neg" };
	struct model_verdict v;
	struct feats f;
	unsigned k;
	int label;

	feats_init(&f);
	for (k = from; k < to; k++) {
		label = item(&f, k);
		model_judge(m, &f, 1, &v);
		label = model_label(m, name[label], strlen(name[label]));
		assert(model_learn(m, &f, &v, label) == 0);
	}
	feats_release(&f);
}

/*
 * The first MODEL_REPLAY answers are kept to learn again, then let go; an
 * item kept cut short keeps its bias last.  At target 1, where no level
 * answers, none is kept.
 */
static void
test_replay(void)
{
	struct model_opts o = opts("pos,neg", NULL);
	struct model *m;
	struct model_verdict v;
	struct feats f;
	char *s;
	size_t i, n = 0;

	o.target = 1;
	m = made(&o);
	stream(m, 0, 10);
	assert(m->level[0]->updates == 10 && m->nreplay == 0);
	model_free(m);
	o.target = 0.9;
	m = made(&o);
	teach(m, 0, 10);
	assert(m->nreplay == 10);
	/* An item of 10,000 distinct words. */
	if ((s = malloc(10000 * 8)) == NULL)
		abort();
	for (i = 0; i < 10000; i++)
		n += (size_t)snprintf(s + n, 10000 * 8 - n, "w%zu ", i);
	feats_init(&f);
	assert(text_features(&f, TEXT_WORDS, s, n) == 0 && f.n > 4096);
	model_judge(m, &f, 1, &v);
	assert(model_learn(m, &f, &v, 0) == 0);
	assert(m->nreplay == 11 && m->replay[10].n == 4096);
	assert(m->replay[10].hash[4095] == TEXT_BIAS);
	assert(m->replay[10].val[4095] == 1);
	teach(m, 11, MODEL_REPLAY);
	assert(m->nreplay == MODEL_REPLAY);
	teach(m, MODEL_REPLAY, MODEL_REPLAY + 1);
	assert(m->nreplay == 0 && m->replay[10].hash == NULL);
	free(s);
	feats_release(&f);
	model_free(m);
}

/* What is written reads back the same, and judges the same. */
static void
test_round_trip(const char *kind)
{
	struct model_opts o = opts(NULL, kind), any;
	struct model *m = made(&o), *l = NULL;
	struct model_verdict va, vb;
	struct feats f;
	const char *why = NULL;
	unsigned k, i;

	stream(m, 0, 600);
	memset(&any, 0, sizeof(any));
	any.target = 0.9;
	assert(reread(m, &any, &l, &why) == 0 && l != NULL && why == NULL);
	assert(same_payload(m, l));
	assert(l->bits == BITS && l->nlevels == 1 &&
	    l->level[0]->kind == m->level[0]->kind);
	assert(l->thresh == m->thresh && l->labels.n == 2);
	feats_init(&f);
	for (k = 600; k < 700; k++) {
		item(&f, k);
		model_judge(m, &f, 0, &va);
		model_judge(l, &f, 0, &vb);
		assert(va.pred[0] == vb.pred[0] && va.best == vb.best);
		assert(va.bestconf == vb.bestconf);
		for (i = 0; i < POLICY_SIGNALS; i++)
			assert(va.x[0][i] == vb.x[0][i]);
	}
	feats_release(&f);
	model_free(l);
	model_free(m);
}

/*
 * A load that fails makes nothing and leaves *m alone: for each option
 * the payload does not fit, and for every payload cut short.
 */
static void
test_refused(void)
{
	struct model_opts o = opts("pos,neg", "nb"), want;
	struct model *m = made(&o), *sentinel = (struct model *)&o, *l;
	struct wbuf w;
	struct rbuf r;
	const char *why;
	size_t cut;

	stream(m, 0, 100);
	want = o;
	want.bits = BITS + 1;
	l = sentinel;
	assert(reread(m, &want, &l, &why) == -1 && l == sentinel);
	assert(strcmp(why, "checkpoint has --hash-bits 12; --hash-bits gave 13") ==
	    0);
	want = opts("pos,other", "nb");
	assert(reread(m, &want, &l, &why) == -1 && l == sentinel);
	assert(strcmp(why, "checkpoint has labels pos,neg; -l gave pos,other") ==
	    0);
	want = opts("pos,neg", "lr");
	assert(reread(m, &want, &l, &why) == -1 && l == sentinel);
	assert(strcmp(why, "checkpoint has levels nb; -m gave lr") == 0);
	want = opts("pos,neg", "nb");
	want.mode = TEXT_FEATURES;
	want.mode_given = 1;
	assert(reread(m, &want, &l, &why) == -1 && l == sentinel);
	assert(strcmp(why, "checkpoint has --input text; --input gave features") ==
	    0);
	/*
	 * Labels match by name, in the checkpoint's order, spelled as -l
	 * spells them; -l's new labels come after.
	 */
	want = opts("Other,NEG,pos", "nb");
	assert(reread(m, &want, &l, &why) == 0 && l != sentinel);
	assert(l->labels.n == 3 && l->labels.closed);
	assert(memcmp(l->labels.name[0], "pos", 3) == 0);
	assert(memcmp(l->labels.name[1], "NEG", 3) == 0);
	assert(memcmp(l->labels.name[2], "Other", 5) == 0);
	model_free(l);
	w = payload(m);
	for (cut = 0; cut < w.n; cut += 1 + cut / 3) {
		r = (struct rbuf){ w.p, cut, 0, 0, 0 };
		l = sentinel;
		assert(model_read(&r, &o, &l, &why) == -1 && l == sentinel);
		assert(strcmp(why, "corrupt checkpoint") == 0);
	}
	/* A short payload that claims 2^28 slots is refused, not allocated. */
	w.p[0] = 28;
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	want = opts(NULL, NULL);
	want.bits = 0;
	assert(model_read(&r, &want, &l, &why) == -1 && l == sentinel);
	wbuf_release(&w);
	model_free(m);
}

/*
 * The answer cache is saved with the model; format 4 had none, and a
 * payload read as format 4 must end where format 4 ended.
 */
static void
test_cache(void)
{
	struct model_opts o = opts("pos,neg", NULL), none;
	struct model *m, *l = NULL;
	struct wbuf w;
	struct rbuf r;
	const char *why;

	o.cache = 100;
	m = made(&o);
	assert(model_recall(m, "a text", 6) == -1);
	model_note(m, "a text", 6, 1);
	assert(model_recall(m, "a text", 6) == 1);
	stream(m, 0, 50);
	w = payload(m);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(model_read(&r, &o, &l, &why) == 0);
	assert(model_recall(l, "a text", 6) == 1);
	assert(cache_count(l->cache) == cache_count(m->cache));
	model_free(l);
	/* --cache 0 drops it; format 4 has no place for it. */
	none = o;
	none.cache = 0;
	none.cache_given = 1;
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(model_read(&r, &none, &l, &why) == 0 && l->cache == NULL);
	assert(model_recall(l, "a text", 6) == -1);
	model_free(l);
	wbuf_release(&w);
	/* Older payloads have the tables of the format before STATE_TABLES. */
	w = payload_as(m, STATE_TABLES - 1);
	r = (struct rbuf){ w.p, w.n, 0, 0, 4 };
	assert(model_read(&r, &o, &l, &why) == -1);
	wbuf_release(&w);
	/*
	 * A format 7 payload: today's without the u32 0 of no word vectors
	 * at its end; format 6, without the level's u64 count of items
	 * explored before the cache's u32 0 either; and format 4, without
	 * that u32 either, of an nb level (an lr table had no emphases then).
	 */
	model_free(m);
	none.kinds[0] = "nb";
	none.nkinds = 1;
	m = made(&none);
	stream(m, 0, 400);
	assert(m->explored[0] > 0);
	w = payload_as(m, STATE_TABLES - 1);
	r = (struct rbuf){ w.p, w.n - 4, 0, 0, 7 };
	assert(model_read(&r, &none, &l, &why) == 0);
	assert(l->vs == NULL && l->explored[0] == m->explored[0]);
	model_free(l);
	memmove(w.p + w.n - 16, w.p + w.n - 8, 4);
	r = (struct rbuf){ w.p, w.n - 12, 0, 0, 6 };
	assert(model_read(&r, &none, &l, &why) == 0);
	assert(l->cache == NULL && l->explored[0] == 0);
	model_free(l);
	r = (struct rbuf){ w.p, w.n - 16, 0, 0, 4 };
	assert(model_read(&r, &o, &l, &why) == 0);
	assert(l->cache != NULL && cache_count(l->cache) == 0);
	assert(l->explored[0] == 0);
	model_free(l);
	wbuf_release(&w);
	model_free(m);
}

/*
 * Runs items [from, to) through m as stream() does; returns the share of
 * the items a level was sure of that were explored.
 */
static double
explored(struct model *m, unsigned from, unsigned to)
{
	static const char *const name[] = { "pos", "neg" };
	struct model_verdict v;
	struct feats f;
	unsigned k, sure = 0, asked = 0;
	uint64_t before = m->explored[0];
	int label;

	feats_init(&f);
	for (k = from; k < to; k++) {
		label = item(&f, k);
		if (model_judge(m, &f, 1, &v) >= 0) {
			sure++;
			continue;
		}
		sure += v.explored == 0;
		asked += v.explored == 0;
		label = model_label(m, name[label], strlen(name[label]));
		assert(model_learn(m, &f, &v, label) == 0);
	}
	feats_release(&f);
	assert(m->explored[0] == before + asked);
	return sure ? (double)asked / sure : 0;
}

/*
 * A level explores less as it is explored more; a share given by hand
 * stays, and 0 explores nothing.  The count of items explored is saved.
 */
static void
test_explore(void)
{
	struct model_opts o = opts("pos,neg", NULL);
	struct model *m = made(&o), *l = NULL;
	double early, late;
	const char *why;

	early = explored(m, 0, 3000);
	late = explored(m, 3000, 20000);
	/* 4% at first; 64 explored, and it falls as 1 / sqrt(explored). */
	assert(early > 0.025 && early < 0.05);
	assert(late > 0.005 && late < early * 0.8);
	assert(reread(m, &o, &l, &why) == 0);
	assert(l->explored[0] == m->explored[0]);
	model_free(l);
	model_free(m);
	o.explore_given = 1;
	o.explore = 0.2;
	m = made(&o);
	early = explored(m, 0, 3000);
	late = explored(m, 3000, 20000);
	assert(fabs(early - 0.2) < 0.05 && fabs(late - 0.2) < 0.05);
	model_free(m);
	o.explore = 0;
	m = made(&o);
	assert(explored(m, 0, 3000) == 0 && m->explored[0] == 0);
	model_free(m);
}

/*
 * Two shards merge into a model that holds the answers of both; a shard of
 * another hash size is refused and the destination is unchanged.
 */
static void
test_merge(void)
{
	struct model_opts o = opts(NULL, NULL), other = opts(NULL, NULL);
	struct model *a = made(&o), *b = made(&o), *c;
	struct wbuf before;
	const char *why;
	uint64_t ua, ub, ea, eb;

	stream(a, 0, 300);
	stream(b, 300, 700);
	ua = a->level[0]->updates;
	ub = b->level[0]->updates;
	ea = a->explored[0];
	eb = b->explored[0];
	assert(model_merge(a, b, NULL, &why) == 0);
	assert(a->level[0]->updates == ua + ub);
	assert(a->explored[0] == ea + eb);
	assert(a->labels.n == 2);
	other.bits = BITS + 1;
	c = made(&other);
	stream(c, 0, 50);
	before = payload(a);
	assert(model_merge(a, c, NULL, &why) == -1);
	assert(strcmp(why, "checkpoint has another hash size") == 0);
	{
		struct wbuf after = payload(a);

		assert(after.n == before.n &&
		    memcmp(after.p, before.p, after.n) == 0);
		wbuf_release(&after);
	}
	/* From a base: what the base learned counts once. */
	model_free(b);
	b = made(&o);
	stream(b, 0, 300);
	{
		struct model *base = NULL, *d = NULL;
		struct model_opts any;

		memset(&any, 0, sizeof(any));
		any.target = 0.9;
		assert(reread(b, &any, &base, &why) == 0);
		assert(reread(b, &any, &d, &why) == 0);
		stream(b, 300, 500);
		stream(d, 500, 700);
		ua = b->level[0]->updates - base->level[0]->updates;
		ub = d->level[0]->updates - base->level[0]->updates;
		ea = b->explored[0] - base->explored[0];
		eb = d->explored[0] - base->explored[0];
		assert(model_merge(b, d, base, &why) == 0);
		assert(b->level[0]->updates ==
		    base->level[0]->updates + ua + ub);
		assert(b->explored[0] == base->explored[0] + ea + eb);
		/* A shard that did not grow from the base is refused. */
		assert(model_merge(base, b, d, &why) == -1);
		assert(strcmp(why, "checkpoint did not start from the base") ==
		    0);
		model_free(base);
		model_free(d);
	}
	wbuf_release(&before);
	model_free(a);
	model_free(b);
	model_free(c);
}

/*
 * Word vectors: the features the model makes carry them, its payload their
 * statistics, which are read back only with the same vectors, and a
 * payload whose sizes do not match its checksum is refused.
 */
static void
test_vectors(void)
{
	char path[] = "/tmp/unit_model.XXXXXX", cpath[64];
	struct model_opts o = opts("pos,neg", NULL), none = o;
	struct model *m, *l = NULL;
	struct vectors *v;
	struct feats f, g;
	struct wbuf w;
	struct rbuf r;
	const char *why;
	FILE *fp;
	int fd;

	assert((fd = mkstemp(path)) != -1 && (fp = fdopen(fd, "w")) != NULL);
	fputs("good 1 0 0\nbad -1 0.2 0\nfilm 0 0 1\n", fp);
	assert(fclose(fp) == 0);
	assert((v = vectors_open(path, &why)) != NULL);
	o.vectors = v;
	m = made(&o);
	feats_init(&f);
	feats_init(&g);
	assert(model_features(m, "good film", 9, &f, 1) == 0);
	assert(text_features(&g, TEXT_WORDS, "good film", 9) == 0);
	assert(f.n == g.n + 3 && m->vs->items == 1);
	assert(model_features(m, "good film", 9, &f, 0) == 0 &&
	    m->vs->items == 1);
	/* An answer kept to learn again, cut short, keeps its vector. */
	{
		struct model_verdict verdict;
		char *text = malloc(6 * 5000 + 9), *p = text;
		int k;

		assert(text != NULL);
		p += sprintf(p, "bad film");
		for (k = 0; k < 5000; k++)
			p += sprintf(p, " w%d", k);
		assert(model_features(m, text, strlen(text), &f, 0) == 0);
		assert(f.n > 4096 && f.ndense == 3);
		model_judge(m, &f, 1, &verdict);
		assert(model_learn(m, &f, &verdict, 0) == 0);
		assert(m->nreplay == 1 && m->replay[0].n == 4096);
		assert(m->replay[0].ndense == 3);
		assert(memcmp(m->replay[0].hash + 4092, f.hash + f.n - 4,
		    4 * sizeof(*f.hash)) == 0);
		free(text);
	}
	stream(m, 0, 100);
	/* The stream's features were made without: only the first counted. */
	assert(reread(m, &o, &l, &why) == 0 && l->vs->items == 1);
	assert(l->vec == v && l->vs->df[0] == 1);
	model_free(l);
	/* Read without them: kept, for a merge, but no vector is made. */
	assert(reread(m, &none, &l, &why) == 0 && l->vs != NULL && !l->vec);
	assert(model_features(l, "good film", 9, &f, 1) == 0 && f.n == g.n);
	assert(model_merge(l, m, NULL, &why) == 0 && l->vs->items == 2);
	model_free(l);
	/* A model learned without takes them up. */
	l = made(&none);
	assert(model_merge(l, m, NULL, &why) == -1 &&
	    strstr(why, "the other without"));
	w = payload(l);
	model_free(l);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(model_read(&r, &o, &l, &why) == 0 && l->vs->items == 0);
	model_free(l);
	wbuf_release(&w);
	/* A base that counted more items than a shard is no base of it. */
	{
		struct model *d, *b;

		assert(reread(m, &o, &d, &why) == 0);
		assert(reread(m, &o, &b, &why) == 0);
		assert(model_features(b, "bad film", 8, &f, 1) == 0);
		assert(model_merge(d, m, b, &why) == -1 &&
		    strstr(why, "did not start from the base"));
		model_free(d);
		model_free(b);
	}
	/* One row fewer, its count cut off: the checksum is not trusted. */
	w = payload(m);
	w.p[w.n - 4 * 3 - 8 * 3 - 16 - 4] = 2;
	r = (struct rbuf){ w.p, w.n - 4, 0, 0, 0 };
	assert(model_read(&r, &o, &l, &why) == -1);
	assert(strstr(why, "other word vectors"));
	r = (struct rbuf){ w.p, w.n - 4, 0, 0, 0 };
	assert(model_read(&r, &none, &l, &why) == 0 && l->vs->rows == 2);
	model_free(l);
	wbuf_release(&w);
	feats_release(&f);
	feats_release(&g);
	model_free(m);
	vectors_close(v);
	snprintf(cpath, sizeof(cpath), "%s.cache", path);
	unlink(cpath);
	unlink(path);
}

int
main(void)
{
	test_check();
	test_judge_learn();
	test_no_label();
	test_replay();
	test_round_trip("lr");
	test_round_trip("nb");
	test_refused();
	test_cache();
	test_explore();
	test_merge();
	test_vectors();
	printf("unit_model: all passed\n");
	return 0;
}
