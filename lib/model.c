/*
 * model: the learned state of a cascade (see model.h).
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define WARMUP		16	/* expert answers before a level may answer */
/*
 * The mean share of sure items still sent on (explored): EXPLORE until a
 * level has been explored EXPLORE_SURE times, and then in proportion to
 * the standard error of the agreement measured on the n explored items,
 * sqrt(p (1 - p) / n): each explored item tells less than the last, and a
 * mature stream should not pay 4% for ever.  The floor keeps the estimate
 * following a level that keeps learning.
 */
#define EXPLORE		0.04
#define EXPLORE_SURE	64
#define EXPLORE_FLOOR	0.005
/*
 * The surest items are still explored at an eighth of the mean share: a
 * policy that is wrong about them would otherwise never be told.
 */
#define EXPLORE_LEAST	8
/*
 * The mean sqrt(1 - agree) of sure answers before any is seen: that of
 * answers that agree 91% of the time, about what a new policy lets a
 * level answer at the default target.
 */
#define DOUBT		0.3
#define DOUBT_STEP	0.01	/* the mean follows about the last 100 */
#define GAIN		0.01	/* threshold step per unit of error */
#define REPLAY_FEATS	4096	/* features kept of each answer kept */
#define REPLAYS		8	/* kept answers learned again per new one */

static double
uniform(struct model *m)
{
	/* SplitMix64: a Weyl sequence through the hash's finaliser. */
	uint64_t z = text_mix(m->rng += 0x9e3779b97f4a7c15ULL);

	return (double)(z >> 11) / 9007199254740992.0;
}

int
model_kind_known(const char *name)
{
	return level_kind(name) != NULL;
}

/* Fills kind[] with the level kinds o asks for; returns how many, 0: bad. */
static size_t
kinds_of(const struct model_opts *o, const struct level_kind **kind)
{
	size_t i, n = o->nkinds ? o->nkinds : 1;

	if (n > MODEL_LEVELS_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((kind[i] = level_kind(o->nkinds ? o->kinds[i] : "lr")) ==
		    NULL)
			return 0;
	return n;
}

int
model_check(const struct model_opts *o, const char **why)
{
	const struct level_kind *kind[MODEL_LEVELS_MAX];
	struct labels l;
	int r = 0;

	if (kinds_of(o, kind) == 0) {
		*why = "bad level list";
		r = -1;
	} else if (o->labels != NULL) {
		labels_init(&l);
		if ((r = labels_parse(&l, o->labels)) == -1)
			*why = errno == ENOSPC ? "too many labels" :
			    "bad label list";
		labels_release(&l);
	}
	if (r == 0 && o->bits != 0 &&
	    (o->bits < MODEL_BITS_MIN || o->bits > MODEL_BITS_MAX)) {
		*why = "bad hash size";
		r = -1;
	}
	if (r == 0 && o->cache > CACHE_SLOTS_MAX) {
		*why = "bad cache size";
		r = -1;
	}
	if (r == -1)
		errno = EINVAL;
	return r;
}

/* A model with no levels and no labels yet. */
static struct model *
blank(const struct model_opts *o)
{
	struct model *m;
	size_t i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	labels_init(&m->labels);
	for (i = 0; i < MODEL_REPLAY; i++)
		feats_init(&m->replay[i]);
	m->format = STATE_VERSION;
	m->mode = o->mode;
	m->target = o->target;
	m->explore = o->explore;
	m->explore_given = o->explore_given;
	m->thresh = o->target;
	m->doubt = DOUBT;
	m->rng = o->seed;
	m->vec = o->vectors;
	m->expect = -1;
	return m;
}

static int
make_levels(struct model *m, const struct level_kind **kind, size_t n,
    unsigned bits)
{
	size_t i;

	m->nlevels = n;
	m->bits = bits;
	for (i = 0; i < n; i++) {
		if ((m->level[i] = level_new(kind[i], bits)) == NULL)
			return -1;
		policy_init(&m->policy[i]);
	}
	return 0;
}

struct model *
model_new(const struct model_opts *o, const char **why)
{
	const struct level_kind *kind[MODEL_LEVELS_MAX];
	struct model *m;

	if (model_check(o, why) == -1)
		return NULL;
	if ((m = blank(o)) == NULL ||
	    (o->labels != NULL && labels_parse(&m->labels, o->labels) == -1) ||
	    make_levels(m, kind, kinds_of(o, kind),
	    o->bits ? o->bits : MODEL_BITS_DEFAULT) == -1 ||
	    (o->cache > 0 && (m->cache = cache_new(o->cache)) == NULL) ||
	    (o->vectors != NULL &&
	    (m->vs = vecstats_new(o->vectors)) == NULL)) {
		*why = "out of memory";
		model_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void
model_free(struct model *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nlevels; i++)
		level_free(m->level[i]);
	for (i = 0; i < MODEL_REPLAY; i++)
		feats_release(&m->replay[i]);
	labels_release(&m->labels);
	cache_free(m->cache);
	vecstats_free(m->vs);
	free(m);
}

/*
 * The threshold is an integral controller: each cheap answer adds its
 * expected disagreement (1 - agree), each item takes away the allowance
 * (1 - target).  While the levels answer more disagreement than the target
 * allows, the threshold rises; while they answer less, it falls.  Items
 * the expert answers agree: their allowance pays for later cheap answers.
 */
static void
steer(struct model *m, double disagree)
{
	m->thresh += GAIN * (disagree - (1 - m->target));
	if (m->thresh < 0) {
		/*
		 * The levels answer all they can, and still agree more than
		 * the target: that allowance is lost, not spent.
		 */
		m->unspent -= m->thresh / GAIN;
		m->thresh = 0;
	}
	if (m->thresh > 1)
		m->thresh = 1;
}

/* The mean share of the sure items of level i to explore. */
static double
explore_share(const struct model *m, size_t i)
{
	double n = (double)m->explored[i], share;

	if (m->explore_given)
		return m->explore;
	if (n <= EXPLORE_SURE)
		return EXPLORE;
	share = EXPLORE * sqrt(EXPLORE_SURE / n);
	return share > EXPLORE_FLOOR ? share : EXPLORE_FLOOR;
}

int
model_features(struct model *m, const char *s, size_t n, struct feats *f,
    int count)
{
	if (text_features(f, m->mode, s, n) == -1)
		return -1;
	return m->vec != NULL ? vectors_item(m->vec, m->vs, f, count) : 0;
}

int
model_features_of(struct model *m, const struct feats *text,
    struct feats *f, const struct feats **out, int count)
{
	*out = text;
	if (m->vec == NULL)
		return 0;
	*out = f;
	if (feats_copy(f, text) == -1)
		return -1;
	return vectors_item(m->vec, m->vs, f, count);
}

/*
 * Whether the levels answer at all: at target 1 every item goes to the
 * expert, and nothing the levels learn is for answering soon.
 */
static int
answering(const struct model *m)
{
	return m->target < 1;
}

/* Whether level i may answer an item: it has learned enough to. */
static int
may_answer(const struct model *m, size_t i)
{
	return answering(m) && m->level[i]->updates >= WARMUP &&
	    m->policy[i].trained >= WARMUP;
}

void
model_expect(struct model *m, const char *s, size_t n)
{
	m->expect = labels_find(&m->labels, s, n);
}

/*
 * The first level whose cautious estimate reaches the threshold answers.
 * An item it would answer is sent on instead (explored) with a chance of
 * explore_share on average, and learned with weight 1 / chance, to keep
 * the policies' estimates honest where they let the levels answer.  The
 * chance grows as sqrt(1 - agree): sure items rarely disagree, so sampling
 * the less sure ones more often measures the disagreement with less noise
 * for the same number of expert calls.
 */
int
model_judge(struct model *m, const struct feats *f, int explore,
    struct model_verdict *v)
{
	size_t nl = m->labels.n, i;
	int ready = 0, expect = m->expect;
	double u = uniform(m);

	m->expect = -1;
	for (i = 0; i < m->nlevels && expect >= 0; i++)
		if (may_answer(m, i))
			expect = -1;	/* the item may not be learned */

	v->answer = -1;
	v->label = -1;
	v->conf = 0;
	v->best = -1;
	v->bestconf = 0;
	v->explored = -1;
	v->weight = 1;
	for (i = 0; i < m->nlevels; i++) {
		struct level *l = m->level[i];
		struct policy *p = &m->policy[i];
		float seen, agree, low;

		v->pred[i] = -1;
		if (nl == 0)
			continue;
		seen = expect >= 0 && l->kind->predict_ahead != NULL ?
		    l->kind->predict_ahead(l, f, nl, m->prob, (size_t)expect) :
		    l->kind->predict(l, f, nl, m->prob);
		v->pred[i] = (int)policy_signals(v->x[i], m->prob, nl, seen,
		    l->updates);
		agree = policy_agree(p, v->x[i], &low);
		if (v->best < 0 || agree > v->bestconf) {
			v->best = v->pred[i];
			v->bestconf = agree;
		}
		if (!may_answer(m, i))
			continue;
		ready = 1;
		if (v->answer < 0 && v->explored < 0 && low >= m->thresh) {
			double d = sqrt(1 - agree), share, chance;

			share = explore_share(m, i);
			chance = share * d / m->doubt;
			if (chance < share / EXPLORE_LEAST)
				chance = share / EXPLORE_LEAST;
			if (chance > 1)
				chance = 1;
			m->doubt += DOUBT_STEP * (d - m->doubt);
			if (explore && u < chance) {
				v->explored = (int)i;
				v->weight = (float)(1 / chance);
			} else {
				v->answer = (int)i;
				v->label = v->pred[i];
				v->conf = agree;
			}
		}
	}
	if (ready)
		steer(m, v->answer >= 0 ? 1 - v->conf : 0);
	return v->answer;
}

/*
 * One pass over the expert's answers leaves a young level far from what it
 * could learn from them; learning a few kept answers again with each new
 * one gets close to several passes at a fixed cost per answer.  Only the
 * first MODEL_REPLAY answers are kept: past them one pass is enough (on
 * the replay benchmarks, replaying later answers bought nothing that the
 * seeds' noise did not hide), so a mature model learns an answer at the
 * cost of one pass and lets the memory go.
 */
static int
remember(struct model *m, const struct feats *f, int label)
{
	struct feats *k;
	size_t i, j, n, tail;

	if (m->level[0]->updates > MODEL_REPLAY) {
		for (i = 0; i < m->nreplay; i++)
			feats_release(&m->replay[i]);
		m->nreplay = 0;
		return 0;
	}
	for (j = 0; j < REPLAYS && m->nreplay > 0; j++) {
		i = (size_t)(uniform(m) * (double)m->nreplay);
		for (n = 0; n < m->nlevels; n++)
			m->level[n]->kind->learn(m->level[n], &m->replay[i],
			    m->labels.n, (size_t)m->replay_label[i],
			    LEVEL_AGAIN);
	}
	assert(m->nreplay < MODEL_REPLAY);	/* each one kept was learned */
	k = &m->replay[m->nreplay];
	n = f->n < REPLAY_FEATS ? f->n : REPLAY_FEATS;
	k->hash = malloc(n * sizeof(*k->hash));
	k->val = malloc(n * sizeof(*k->val));
	if (k->hash == NULL || k->val == NULL) {
		feats_release(k);
		return -1;
	}
	/* An item cut short keeps its end: the dense features and the bias. */
	assert(f->n > 0 && f->hash[f->n - 1] == TEXT_BIAS);
	tail = f->ndense + 1 < n ? f->ndense + 1 : n;
	memcpy(k->hash, f->hash, (n - tail) * sizeof(*k->hash));
	memcpy(k->val, f->val, (n - tail) * sizeof(*k->val));
	memcpy(k->hash + n - tail, f->hash + f->n - tail,
	    tail * sizeof(*k->hash));
	memcpy(k->val + n - tail, f->val + f->n - tail, tail * sizeof(*k->val));
	k->n = k->cap = n;
	k->ndense = tail - 1;
	m->replay_label[m->nreplay++] = label;
	return 0;
}

int
model_learn(struct model *m, const struct feats *f,
    const struct model_verdict *v, int label)
{
	size_t i;

	for (i = 0; i < m->nlevels; i++)
		if (v->pred[i] >= 0)
			policy_learn(&m->policy[i], v->x[i],
			    v->pred[i] == label, v->weight, answering(m));
	if (v->explored >= 0)
		m->explored[v->explored]++;
	if (label < 0)
		return 0;
	for (i = 0; i < m->nlevels; i++) {
		struct level *l = m->level[i];

		l->kind->learn(l, f, m->labels.n, (size_t)label, LEVEL_NEW);
		l->updates++;
	}
	/*
	 * Replays hurry a young level towards answering well; where no level
	 * answers, each answer is learned once (learning IMDB, the levels
	 * took 0.91x the instructions).
	 */
	if (answering(m) && remember(m, f, label) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

double
model_agreed(const struct model *m, size_t level, uint32_t *kept)
{
	const struct policy *p = &m->policy[level];
	double agreed = 0;
	uint32_t i;

	for (i = 0; i < p->nobs; i++)
		agreed += p->obs[i].agreed;
	*kept = p->nobs;
	return p->nobs ? agreed / p->nobs : 0;
}

int
model_recall(const struct model *m, const char *s, size_t n)
{
	return m->cache != NULL ? cache_find(m->cache, s, n) : -1;
}

void
model_note(struct model *m, const char *s, size_t n, int label)
{
	if (m->cache != NULL)
		cache_put(m->cache, s, n, label);
}

int
model_label(struct model *m, const char *s, size_t n)
{
	return labels_map(&m->labels, s, n);
}

/*
 * The checkpoint payload:
 *
 *	u32 hash bits, u32 input mode, u32 levels, each: u32 length, name
 *	u32 closed, u32 labels, each: u32 length, bytes
 *	f64 threshold
 *	per level: u64 updates, the level's data, the policy's data,
 *	    u64 items explored
 *	u32 1 and the answer cache's data (cache.h), or u32 0 for none
 *
 * Format 4 ended before the cache, and loads with an empty one.  Formats
 * 4 to 6 had no count of items explored: their levels are explored again
 * as new ones, at the full share, until they have been explored enough.
 */
void
model_write(const struct model *m, struct wbuf *b)
{
	size_t i;

	wbuf_u32(b, m->bits);
	wbuf_u32(b, (uint32_t)m->mode);
	wbuf_u32(b, (uint32_t)m->nlevels);
	for (i = 0; i < m->nlevels; i++) {
		const char *name = m->level[i]->kind->name;

		wbuf_u32(b, (uint32_t)strlen(name));
		wbuf_bytes(b, name, strlen(name));
	}
	wbuf_u32(b, (uint32_t)m->labels.closed);
	wbuf_u32(b, (uint32_t)m->labels.n);
	for (i = 0; i < m->labels.n; i++) {
		wbuf_u32(b, (uint32_t)m->labels.len[i]);
		wbuf_bytes(b, m->labels.name[i], m->labels.len[i]);
	}
	wbuf_f64(b, m->thresh);
	for (i = 0; i < m->nlevels; i++) {
		wbuf_u64(b, m->level[i]->updates);
		m->level[i]->kind->save(m->level[i], b);
		policy_save(&m->policy[i], b);
		wbuf_u64(b, m->explored[i]);
	}
	wbuf_u32(b, m->cache != NULL);
	if (m->cache != NULL)
		cache_save(m->cache, b);
	wbuf_u32(b, m->vs != NULL);
	if (m->vs != NULL)
		vecstats_save(m->vs, b);
}

/*
 * Reads the cache of a payload (none in format 4): of the size o gives, or
 * the payload's; or checks and drops it when o wants none.
 */
static int
read_cache(struct model *m, struct rbuf *b, const struct model_opts *o)
{
	uint32_t has = b->version == 4 ? 0 : rbuf_u32(b);
	struct cache *c;

	if (b->err || has > 1)
		return -1;
	if (has == 0)
		return o->cache > 0 && (m->cache = cache_new(o->cache)) == NULL ?
		    -1 : 0;
	if ((c = cache_read(b, o->cache_given ? o->cache : 0,
	    m->labels.n)) == NULL)
		return -1;
	if (o->cache_given && o->cache == 0)
		cache_free(c);
	else
		m->cache = c;
	return 0;
}

/*
 * Reads what a payload learned of word vectors (none before format 8), of
 * the vectors o gives, if any; the payload has none and o gives some, they
 * start now.
 */
static int
read_vectors(struct model *m, struct rbuf *b, const struct model_opts *o,
    const char **why)
{
	uint32_t has = b->version != 0 && b->version < 8 ? 0 : rbuf_u32(b);

	if (b->err || has > 1 || (has && (m->vs = vecstats_load(b)) == NULL))
		return -1;
	if (o->vectors == NULL)
		return 0;
	/* The sizes too: the checkpoint is not trusted to match its sum. */
	if (m->vs != NULL && (m->vs->sum != vectors_sum(o->vectors) ||
	    m->vs->dim != vectors_dim(o->vectors) ||
	    m->vs->rows != vectors_rows(o->vectors))) {
		*why = "checkpoint was learned with other word vectors "
		    "(--vectors)";
		return -1;
	}
	if (m->vs == NULL && (m->vs = vecstats_new(o->vectors)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

/* Reads a length-prefixed string of at most max bytes into buf. */
static size_t
read_name(struct rbuf *b, char *buf, size_t max)
{
	uint32_t n = rbuf_u32(b);

	if (n > max) {
		b->err = 1;
		return 0;
	}
	rbuf_bytes(b, buf, n);
	return n;
}

/*
 * model_read's reason when the payload does not fit the options: it names
 * both sides, and stays valid until the next model_read.
 */
static char refusal[512];

/* Writes the n names of l (or of kinds) to buf, comma separated. */
static void
join(char *buf, size_t size, const struct labels *l,
    const struct level_kind *const *kind, size_t n)
{
	size_t i, k = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n && k < size; i++, k += (size_t)w)
		if ((w = kind != NULL ?
		    snprintf(buf + k, size - k, "%s%s", i ? "," : "",
		    kind[i]->name) :
		    snprintf(buf + k, size - k, "%s%.*s", i ? "," : "",
		    (int)l->len[i], l->name[i])) < 0)
			break;
}

/* Sets refusal to "checkpoint has WHAT HAS; OPTION gave GAVE". */
static const char *
refuse(const char *what, const char *has, const char *option,
    const char *gave)
{
	snprintf(refusal, sizeof(refusal), "checkpoint has %s %s; %s gave %s",
	    what, has, option, gave);
	return refusal;
}

/*
 * Fits the labels m read to the closed set given as list, by name: every
 * label of m must be in it, and the labels of list that m lacks are added
 * (a closed set can grow).  The names are spelled as in list, the user's
 * own.  Returns 0, or -1 with *why (or out of memory).
 */
static int
fit_labels(struct model *m, const char *list, const char **why)
{
	char has[200], gave[200];
	struct labels want, got;
	size_t i;
	int k;

	labels_init(&want);
	labels_init(&got);
	if (labels_parse(&want, list) == -1)
		goto fail;
	for (i = 0; i < m->labels.n; i++) {
		if ((k = labels_find(&want, m->labels.name[i],
		    m->labels.len[i])) == -1) {
			join(has, sizeof(has), &m->labels, NULL, m->labels.n);
			join(gave, sizeof(gave), &want, NULL, want.n);
			*why = refuse("labels", has, "-l", gave);
			goto fail;
		}
		if (labels_add(&got, want.name[k], want.len[k]) == -1)
			goto oom;
	}
	for (i = 0; i < want.n; i++)
		if (labels_add(&got, want.name[i], want.len[i]) == -1)
			goto oom;
	got.closed = 1;
	labels_release(&m->labels);
	labels_release(&want);
	m->labels = got;
	return 0;
oom:
	*why = "out of memory";
fail:
	labels_release(&want);
	labels_release(&got);
	return -1;
}

/* model_read's checks, in the order a user should hear of them. */
static int
read_into(struct model *m, struct rbuf *b, const struct model_opts *o,
    const char **why)
{
	const struct level_kind *kind[MODEL_LEVELS_MAX], *want[MODEL_LEVELS_MAX];
	char name[LABEL_MAXLEN];
	uint32_t bits, mode, nlevels, closed, nlabels, i;
	size_t n, nwant = kinds_of(o, want);

	*why = "corrupt checkpoint";
	bits = rbuf_u32(b);
	mode = rbuf_u32(b);
	nlevels = rbuf_u32(b);
	if (b->err || bits < MODEL_BITS_MIN || bits > MODEL_BITS_MAX ||
	    mode > TEXT_FEATURES || nlevels < 1 || nlevels > MODEL_LEVELS_MAX)
		return -1;
	if (mode != (uint32_t)o->mode && o->mode_given) {
		*why = refuse("--input", mode == TEXT_WORDS ? "text" :
		    "features", "--input", o->mode == TEXT_WORDS ? "text" :
		    "features");
		return -1;
	}
	m->mode = (enum text_mode)mode;
	for (i = 0; i < nlevels; i++) {
		n = read_name(b, name, sizeof(name) - 1);
		name[n] = '\0';
		if (b->err)
			return -1;
		if ((kind[i] = level_kind(name)) == NULL) {
			*why = "checkpoint has a level of an unknown kind";
			return -1;
		}
	}
	if (o->nkinds > 0 && (nlevels != nwant ||
	    memcmp(kind, want, nwant * sizeof(kind[0])) != 0)) {
		char has[64], gave[64];

		join(has, sizeof(has), NULL, kind, nlevels);
		join(gave, sizeof(gave), NULL, want, nwant);
		*why = refuse("levels", has, "-m", gave);
		return -1;
	}
	closed = rbuf_u32(b);
	nlabels = rbuf_u32(b);
	if (b->err || closed > 1 || nlabels > LABELS_MAX)
		return -1;
	m->labels.closed = (int)closed;
	for (i = 0; i < nlabels && !b->err; i++) {
		n = read_name(b, name, sizeof(name));
		if (!b->err && labels_add(&m->labels, name, n) != (int)i)
			b->err = 1;
	}
	if (b->err)
		return -1;
	if (o->labels != NULL && fit_labels(m, o->labels, why) == -1)
		return -1;
	if (bits != o->bits && o->bits != 0) {
		char has[16], gave[16];

		snprintf(has, sizeof(has), "%u", (unsigned)bits);
		snprintf(gave, sizeof(gave), "%u", o->bits);
		*why = refuse("--hash-bits", has, "--hash-bits", gave);
		return -1;
	}
	*why = "corrupt checkpoint";
	/*
	 * Every kind saves at least 8 bytes for 64 slots (state_tables; else
	 * 4 bytes a slot): a payload too short for its levels is refused
	 * before they are made, so that a small file cannot ask for a large
	 * allocation.  The slots it does not hold are never written: they
	 * take no memory.
	 */
	if ((uint64_t)(b->n - b->off) < (uint64_t)nlevels <<
	    (state_tables(b->version) ? bits - 3 : bits + 2))
		return -1;
	if (make_levels(m, kind, nlevels, bits) == -1) {
		*why = "out of memory";
		return -1;
	}
	m->thresh = rbuf_f64(b);
	if (!(m->thresh >= 0 && m->thresh <= 1))
		return -1;
	for (i = 0; i < nlevels; i++) {
		m->level[i]->updates = rbuf_u64(b);
		if (m->level[i]->kind->load(m->level[i], b,
		    m->labels.n) == -1 ||
		    policy_load(&m->policy[i], b) == -1)
			return -1;
		if (b->version == 0 || b->version > 6)
			m->explored[i] = rbuf_u64(b);
		/* The policy learned every item explored. */
		if (m->explored[i] > m->policy[i].trained)
			return -1;
	}
	if (read_cache(m, b, o) == -1 || read_vectors(m, b, o, why) == -1)
		return -1;
	return b->err || b->off != b->n ? -1 : 0;
}

int
model_read(struct rbuf *b, const struct model_opts *o, struct model **out,
    const char **why)
{
	struct model *m;

	if (model_check(o, why) == -1)
		return -1;
	if ((m = blank(o)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	if (b->version != 0)
		m->format = b->version;
	if (read_into(m, b, o, why) == -1) {
		model_free(m);
		return -1;
	}
	*why = NULL;
	*out = m;
	return 0;
}

static void
fill(const void *arg, struct wbuf *b)
{
	model_write(arg, b);
}

int
model_save(const struct model *m, struct state_file *f, const char **why)
{
	*why = state_save(f, fill, m);
	return *why == NULL ? 0 : -1;
}

uint64_t
model_size_max(const struct model *m)
{
	/* Labels, threshold, and each policy's ring: a generous bound. */
	uint64_t n = 4096 + (uint64_t)LABELS_MAX * (4 + LABEL_MAXLEN);
	size_t i;

	for (i = 0; i < m->nlevels; i++)
		n += ((uint64_t)m->level[i]->kind->slot << m->level[i]->bits) +
		    (uint64_t)LABELS_MAX * 16 + ((uint64_t)1 << 20);
	if (m->cache != NULL)
		n += 24 + 12 * (uint64_t)cache_slots(m->cache);
	if (m->vs != NULL)
		n += 32 + 8 * (uint64_t)m->vs->dim + 4 * (uint64_t)m->vs->rows;
	return n;
}

/* model_read of a payload that a checkpoint gave, which it releases. */
static int
read_payload(struct wbuf *payload, const struct model_opts *o,
    struct model **m, const char **why)
{
	struct rbuf b = { payload->p, payload->n, 0, 0, payload->version };
	int r = model_read(&b, o, m, why);

	wbuf_release(payload);
	return r;
}

int
model_load_file(struct state_file *f, const struct model_opts *o,
    struct model **m, const char **why)
{
	struct wbuf payload;

	if ((*why = state_load(f, &payload)) != NULL)
		return -1;
	if (payload.n == 0)
		return 1;
	return read_payload(&payload, o, m, why);
}

int
model_load(const char *path, const struct model_opts *o, struct model **m,
    const char **why)
{
	struct wbuf payload;

	if ((*why = state_read(path, &payload)) != NULL)
		return errno == ENOENT ? 1 : -1;
	return read_payload(&payload, o, m, why);
}

/* Whether s can merge into d: the same hash size, input mode and levels. */
static int
compatible(const struct model *d, const struct model *s, const char **why)
{
	size_t i;

	if (s->bits != d->bits) {
		*why = "checkpoint has another hash size";
		return -1;
	}
	if (s->mode != d->mode) {
		*why = "checkpoint is for another input mode";
		return -1;
	}
	if (s->nlevels != d->nlevels) {
		*why = "checkpoint has other levels";
		return -1;
	}
	for (i = 0; i < d->nlevels; i++)
		if (s->level[i]->kind != d->level[i]->kind) {
			*why = "checkpoint has other levels";
			return -1;
		}
	return 0;
}

/* Whether a and b (or neither) learned of the same word vectors. */
static int
same_vectors(const struct vecstats *a, const struct vecstats *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->sum == b->sum && a->dim == b->dim && a->rows == b->rows;
}

/*
 * Gives s the label ids of d, by name, adding to d the labels it lacks:
 * shards whose open label sets grew in other orders merge as one.
 * Returns 0, or -1 with *why.
 */
static int
align_labels(struct model *d, struct model *s, const char **why)
{
	int map[LABELS_MAX], k, moved = 0;
	size_t i;

	*why = "out of memory";
	for (i = 0; i < s->labels.n; i++) {
		if ((k = labels_find(&d->labels, s->labels.name[i],
		    s->labels.len[i])) < 0 && (k = labels_add(&d->labels,
		    s->labels.name[i], s->labels.len[i])) < 0) {
			if (errno == ENOSPC)
				*why = "the shards have more labels than one "
				    "checkpoint may hold";
			return -1;
		}
		map[i] = k;
		moved |= k != (int)i;
	}
	if (!moved)
		return 0;
	for (i = 0; i < s->nlevels; i++)
		if (s->level[i]->kind->relabel(s->level[i], map,
		    s->labels.n) == -1)
			return -1;
	if (s->cache != NULL)
		cache_relabel(s->cache, map, s->labels.n);
	return 0;
}

/* Whether the labels of base come first, in order, in m. */
static int
labels_from(const struct model *m, const struct model *base, const char **why)
{
	size_t i;

	for (i = 0; i < base->labels.n; i++)
		if (i >= m->labels.n || labels_find(&m->labels,
		    base->labels.name[i], base->labels.len[i]) != (int)i) {
			*why = "checkpoint did not start from the base";
			return -1;
		}
	return 0;
}

/* Whether s learned on from base: base's labels first, no fewer answers. */
static int
grew_from(const struct model *s, const struct model *base, const char **why)
{
	size_t i;

	if (base->labels.n > s->labels.n)
		goto no;
	for (i = 0; i < s->nlevels; i++)
		if (s->level[i]->updates < base->level[i]->updates ||
		    s->policy[i].trained < base->policy[i].trained)
			goto no;
	/* Items the levels answered count here, and nowhere above. */
	if (s->vs != NULL && base->vs != NULL &&
	    (s->vs->items < base->vs->items ||
	    s->vs->placed < base->vs->placed))
		goto no;
	return 0;
no:
	*why = "checkpoint did not start from the base";
	return -1;
}

/* What s learned since base; all it learned without a base. */
static double
since(const struct model *s, const struct model *base)
{
	return (double)s->level[0]->updates -
	    (base != NULL ? (double)base->level[0]->updates : 0);
}

/*
 * Shards that learned on parts of a stream merge into what one learner
 * would roughly know: each level weighs what each side knows of a feature
 * by how much it learned of it, each policy is fitted again to both sides'
 * answers, and the threshold weighs by the answers each side learned.
 */
int
model_merge(struct model *d, struct model *s, const struct model *base,
    const char **why)
{
	size_t i;
	double wd, ws;
	uint64_t from;

	if (compatible(d, s, why) == -1 || (base != NULL &&
	    (compatible(d, base, why) == -1 || grew_from(s, base, why) == -1 ||
	    grew_from(d, base, why) == -1 || labels_from(s, base, why) == -1 ||
	    labels_from(d, base, why) == -1)))
		return -1;
	/* A base may be from before the shards took up vectors. */
	if (!same_vectors(d->vs, s->vs) || (base != NULL && base->vs != NULL &&
	    !same_vectors(d->vs, base->vs))) {
		*why = (d->vs == NULL) != (s->vs == NULL) ? "one checkpoint was "
		    "learned with word vectors, the other without" :
		    "checkpoint was learned with other word vectors";
		return -1;
	}
	if (align_labels(d, s, why) == -1)
		return -1;
	*why = "out of memory";
	d->labels.closed = d->labels.closed && s->labels.closed;
	wd = since(d, base);
	ws = since(s, base);
	if (wd + ws > 0)
		d->thresh = (wd * d->thresh + ws * s->thresh) / (wd + ws);
	for (i = 0; i < d->nlevels; i++) {
		struct level *l = d->level[i];
		const struct level *b = base != NULL ? base->level[i] : NULL;

		l->kind->merge(l, s->level[i], b, d->labels.n);
		l->updates += s->level[i]->updates - (b != NULL ? b->updates : 0);
		from = base != NULL ? base->explored[i] : 0;
		if (s->explored[i] > from)
			d->explored[i] += s->explored[i] - from;
		if (policy_merge(&d->policy[i], &s->policy[i],
		    base != NULL ? &base->policy[i] : NULL) == -1)
			return -1;
		/* As model_read wants, whatever the shards' formats were. */
		if (d->explored[i] > d->policy[i].trained)
			d->explored[i] = d->policy[i].trained;
	}
	if (d->cache != NULL && s->cache != NULL)
		cache_merge(d->cache, s->cache);
	if (d->vs != NULL)
		vecstats_merge(d->vs, s->vs, base != NULL ? base->vs : NULL);
	*why = NULL;
	return 0;
}
