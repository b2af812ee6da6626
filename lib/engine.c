/*
 * engine: the cascade (see engine.h).
 *
 * The window is a ring of items indexed by line number; `head` is the
 * oldest line not yet emitted, `tail` the next line to come.  An item
 * keeps what each level predicted and the signals its policy saw, so that
 * the expert's answer, whenever it comes, teaches the levels and the
 * policies with what they knew when they decided.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "labels.h"
#include "level.h"
#include "policy.h"
#include "state.h"

#define WARMUP		16	/* expert answers before a level may answer */
#define EXPLORE		0.04	/* share of sure items still sent on */
#define GAIN		0.01	/* threshold step per unit of error */
#define WARN_MAX	10	/* failed calls reported one by one */
#define REPLAY		512	/* expert-labelled items kept to learn again */
#define REPLAY_FEATS	4096	/* features kept of each */
#define REPLAYS		8	/* kept items learned again per new answer */

enum { NO_LABEL = -1, INVALID = -2 };

struct item {
	char *line;
	size_t len, cap;
	const char *text;
	size_t tlen;
	uint64_t lineno;
	int pending;
	int label;		/* an id, NO_LABEL or INVALID (see answer) */
	char *answer;		/* an invalid expert answer */
	size_t anslen, anscap;
	const char *source;
	float conf;
	int pred[ENGINE_LEVELS_MAX];	/* -1: the level knew no label */
	float x[ENGINE_LEVELS_MAX][POLICY_SIGNALS];
	int best;		/* the cheap levels' best guess, and */
	float bestconf;		/* its estimate, for a fallback */
	int explored;		/* the level that would have answered, or -1 */
	float weight;
};

struct engine {
	struct engine_opts o;
	struct labels labels;
	const struct level_kind *kind[ENGINE_LEVELS_MAX];
	struct level *level[ENGINE_LEVELS_MAX];
	struct policy policy[ENGINE_LEVELS_MAX];
	size_t nlevels;
	double thresh;		/* a level answers when sure enough (steer) */
	double doubt;		/* mean sqrt(1 - agree) of sure answers */
	struct feats f;
	float prob[LABELS_MAX];
	struct feats replay[REPLAY];
	int replay_label[REPLAY];
	size_t nreplay;
	struct item *win;
	uint64_t head, tail;
	struct expert *x;
	int gathered;		/* items waiting for a call to start */
	uint64_t rng;
	struct engine_stats st;
	int bits_given;		/* --hash-bits: the checkpoint must match */
	int models_given;	/* -m: so must its levels */
	int warned_field, warned_labels;
	char msg[256];
};

static double
uniform(struct engine *e)
{
	/* SplitMix64: a Weyl sequence through the hash's finaliser. */
	uint64_t z = text_mix(e->rng += 0x9e3779b97f4a7c15ULL);

	return (double)(z >> 11) / 9007199254740992.0;
}

static void
warn(struct engine *e)
{
	if (e->o.warn != NULL)
		e->o.warn(e->o.arg, e->msg);
}

static int
make_levels(struct engine *e, unsigned bits)
{
	size_t i;

	for (i = 0; i < e->nlevels; i++) {
		level_free(e->level[i]);
		if ((e->level[i] = level_new(e->kind[i], bits)) == NULL)
			return -1;
		policy_init(&e->policy[i]);
	}
	e->o.bits = bits;
	return 0;
}

struct engine *
engine_new(const struct engine_opts *o, const char **why)
{
	struct engine *e;
	size_t i;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	e->o = *o;
	labels_init(&e->labels);
	feats_init(&e->f);
	for (i = 0; i < REPLAY; i++)
		feats_init(&e->replay[i]);
	e->rng = o->seed;
	e->thresh = o->target;
	e->doubt = 0.3;
	e->bits_given = o->bits != 0;
	e->models_given = o->nmodels > 0;
	for (i = 0; i < (o->nmodels ? o->nmodels : 1); i++)
		if (i == ENGINE_LEVELS_MAX || (e->kind[e->nlevels++] =
		    level_kind(o->nmodels ? o->models[i] : "lr")) == NULL) {
			*why = "bad level list";
			errno = EINVAL;
			goto fail;
		}
	if (o->labels != NULL && labels_parse(&e->labels, o->labels) == -1) {
		*why = errno == ENOSPC ? "too many labels" : "bad label list";
		errno = EINVAL;
		goto fail;
	}
	if (make_levels(e, o->bits ? o->bits : ENGINE_BITS_DEFAULT) == -1) {
		*why = errno == EINVAL ? "bad hash size" : "out of memory";
		goto fail;
	}
	if (o->window < 1)
		e->o.window = 1;
	if ((e->win = calloc(e->o.window, sizeof(*e->win))) == NULL) {
		*why = "out of memory";
		goto fail;
	}
	if (o->expert.cmd != NULL && (e->x = expert_new(&o->expert)) == NULL) {
		*why = errno == EINVAL ? "bad expert options" : "out of memory";
		goto fail;
	}
	return e;
fail:
	engine_free(e);
	return NULL;
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	expert_free(e->x);
	for (i = 0; i < e->nlevels; i++)
		level_free(e->level[i]);
	for (i = 0; e->win != NULL && i < e->o.window; i++) {
		free(e->win[i].line);
		free(e->win[i].answer);
	}
	free(e->win);
	feats_release(&e->f);
	for (i = 0; i < REPLAY; i++)
		feats_release(&e->replay[i]);
	labels_release(&e->labels);
	free(e);
}

const struct engine_stats *
engine_stats(const struct engine *e)
{
	return &e->st;
}

static int
budget_left(const struct engine *e)
{
	if (e->x == NULL)
		return 0;
	if (e->o.budget >= 0 && e->st.asked >= (uint64_t)e->o.budget)
		return 0;
	if (e->o.budget_share >= 0 &&
	    (double)(e->st.asked + 1) > e->o.budget_share * (double)e->st.items)
		return 0;
	return 1;
}

static int
features(struct engine *e, const struct item *it, const char **why)
{
	if (text_features(&e->f, e->o.mode, it->text, it->tlen) == -1) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

/*
 * The threshold is an integral controller: each cheap answer adds its
 * expected disagreement (1 - agree), each item takes away the allowance
 * (1 - target).  While the levels answer more disagreement than the target
 * allows, the threshold rises; while they answer less, it falls.  Items
 * the expert answers agree: their allowance pays for later cheap answers.
 */
static void
steer(struct engine *e, double disagree)
{
	e->thresh += GAIN * (disagree - (1 - e->o.target));
	if (e->thresh < 0)
		e->thresh = 0;
	if (e->thresh > 1)
		e->thresh = 1;
}

/*
 * Runs the levels on an item; returns the level that answers, or -1.  The
 * first level whose cautious estimate reaches the threshold answers.  An
 * item it would answer is sent on instead (explored) with a chance of
 * EXPLORE on average, and learned with weight 1 / chance, to keep the
 * policies' estimates honest where they let the levels answer.  The chance
 * grows as sqrt(1 - agree): sure items rarely disagree, so sampling the
 * less sure ones more often measures the disagreement with less noise for
 * the same number of expert calls.
 */
static int
decide(struct engine *e, struct item *it)
{
	size_t nl = e->labels.n, i;
	int answer = -1, ready = 0;
	double u = uniform(e);

	it->best = NO_LABEL;
	it->bestconf = 0;
	for (i = 0; i < e->nlevels; i++) {
		struct level *l = e->level[i];
		struct policy *p = &e->policy[i];
		float seen, agree, low;

		it->pred[i] = -1;
		if (nl == 0)
			continue;
		seen = l->kind->predict(l, &e->f, nl, e->prob);
		it->pred[i] = (int)policy_signals(it->x[i], e->prob, nl, seen,
		    l->updates);
		agree = policy_agree(p, it->x[i], &low);
		if (it->best < 0 || agree > it->bestconf) {
			it->best = it->pred[i];
			it->bestconf = agree;
		}
		if (e->o.target >= 1 || l->updates < WARMUP ||
		    p->trained < WARMUP)
			continue;
		ready = 1;
		if (answer < 0 && it->explored < 0 && low >= e->thresh) {
			double d = sqrt(1 - agree), chance;

			chance = EXPLORE * d / e->doubt;
			if (chance < EXPLORE / 8)
				chance = EXPLORE / 8;
			if (chance > 1)
				chance = 1;
			e->doubt += 0.01 * (d - e->doubt);
			if (e->x != NULL && u < chance && budget_left(e)) {
				it->explored = (int)i;
				it->weight = (float)(1 / chance);
			} else {
				answer = (int)i;
				it->label = it->pred[i];
				it->conf = agree;
			}
		}
	}
	if (ready)
		steer(e, answer >= 0 ? 1 - it->conf : 0);
	return answer;
}

static void
answer_cheap(struct engine *e, struct item *it, int level)
{
	it->source = e->level[level]->kind->name;
	e->st.cheap++;
	e->st.cheap_agree += it->conf;
}

static int wait_one(struct engine *, const char **);

/*
 * Starts the call gathered so far.  With one job it also waits for the
 * answers, so that every decision sees every earlier answer.
 */
static int
send(struct engine *e, const char **why)
{
	while (expert_busy(e->x) == e->o.expert.jobs)
		if (wait_one(e, why) == -1)
			return -1;
	if (expert_send(e->x) == -1) {
		*why = "cannot start the expert";
		return -1;
	}
	e->gathered = 0;
	e->st.calls++;
	while (e->o.expert.jobs == 1 && expert_busy(e->x) > 0)
		if (wait_one(e, why) == -1)
			return -1;
	return 0;
}

/* Sends an item to the expert, in a batch once it is full. */
static int
submit(struct engine *e, struct item *it, const char **why)
{
	const char *s = e->o.expert_line ? it->line : it->text;
	size_t n = e->o.expert_line ? it->len : it->tlen;

	if (expert_add(e->x, it->lineno, s, n) == -1) {
		*why = "out of memory";
		return -1;
	}
	it->pending = 1;
	e->st.asked++;
	if (++e->gathered == e->o.expert.batch)
		return send(e, why);
	return 0;
}

/*
 * One pass over the expert's answers leaves a level far from what it could
 * learn from them; learning a few kept answers again with each new one
 * gets close to several passes at a fixed cost per answer.  The item in
 * e->f is then kept, in place of a random one once the memory is full.
 */
static int
remember(struct engine *e, int label)
{
	struct feats *m;
	size_t i, k, n;

	for (k = 0; k < REPLAYS && e->nreplay > 0; k++) {
		i = (size_t)(uniform(e) * (double)e->nreplay);
		for (n = 0; n < e->nlevels; n++)
			e->level[n]->kind->learn(e->level[n], &e->replay[i],
			    e->labels.n, (size_t)e->replay_label[i], 1);
	}
	i = e->nreplay < REPLAY ? e->nreplay++ :
	    (size_t)(uniform(e) * REPLAY);
	m = &e->replay[i];
	n = e->f.n < REPLAY_FEATS ? e->f.n : REPLAY_FEATS;
	if (m->cap < n) {
		feats_release(m);
		m->hash = malloc(n * sizeof(*m->hash));
		m->val = malloc(n * sizeof(*m->val));
		if (m->hash == NULL || m->val == NULL)
			return -1;
		m->cap = n;
	}
	memcpy(m->hash, e->f.hash, n * sizeof(*m->hash));
	memcpy(m->val, e->f.val, n * sizeof(*m->val));
	/* The bias is last: keep it when the item is cut. */
	m->hash[n - 1] = e->f.hash[e->f.n - 1];
	m->val[n - 1] = e->f.val[e->f.n - 1];
	m->n = n;
	e->replay_label[i] = label;
	return 0;
}

/*
 * Teaches the policies whether each level agreed with the expert's label
 * for an item, INVALID when the expert's answer is no label: no level can
 * give that answer, so it counts as a disagreement.
 */
static void
judge(struct engine *e, const struct item *it, int label)
{
	size_t i;

	for (i = 0; i < e->nlevels; i++)
		if (it->pred[i] >= 0)
			policy_learn(&e->policy[i], it->x[i],
			    it->pred[i] == label, it->weight);
	if (it->explored >= 0) {
		e->st.explored++;
		e->st.explored_weight += it->weight;
		if (it->pred[it->explored] == label)
			e->st.explored_agreed += it->weight;
	}
}

/* Teaches every level the expert's label for an item. */
static int
learn(struct engine *e, struct item *it, int label, const char **why)
{
	size_t i;

	if (features(e, it, why) == -1)
		return -1;
	for (i = 0; i < e->nlevels; i++) {
		struct level *l = e->level[i];

		l->kind->learn(l, &e->f, e->labels.n, (size_t)label, 0);
		l->updates++;
	}
	if (remember(e, label) == -1) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

static int
set_answer(struct item *it, const char *s, size_t n)
{
	if (n > it->anscap) {
		char *p = realloc(it->answer, n);

		if (p == NULL)
			return -1;
		it->answer = p;
		it->anscap = n;
	}
	memcpy(it->answer, s, n);
	it->anslen = n;
	return 0;
}

static const char *
failure(const struct expert_done *d, char *buf, size_t size)
{
	switch (d->status) {
	case EXPERT_OK:
		return "no answer";
	case EXPERT_COUNT:
		return "wrong number of answer lines for the batch";
	case EXPERT_TIMEOUT:
		return "timed out";
	case EXPERT_SIGNAL:
		snprintf(buf, size, "killed by signal %d", d->code);
		return buf;
	case EXPERT_ERROR:
		snprintf(buf, size, "cannot run: %s", strerror(d->code));
		return buf;
	default:
		snprintf(buf, size, "exit status %d%s", d->code,
		    d->code == 127 ? " (command not found)" :
		    d->code == 126 ? " (cannot execute)" : "");
		return buf;
	}
}

/* Answers an item by the cheap levels' best guess: the expert failed. */
static void
fall_back(struct engine *e, struct item *it, const char *reason)
{
	e->st.failed++;
	e->st.fallback++;
	it->source = "fallback";
	it->label = it->best;
	it->conf = it->bestconf;
	if (e->st.failed <= WARN_MAX) {
		snprintf(e->msg, sizeof(e->msg), "expert failed on line %llu: "
		    "%s%s", (unsigned long long)it->lineno, reason,
		    e->st.failed == WARN_MAX ? " (no more such warnings)" : "");
		warn(e);
	}
}

/* Takes an expert answer into its item. */
static int
take(struct engine *e, struct item *it, const char *answer, size_t len,
    const char **why)
{
	int label;

	e->st.expert++;
	it->source = "expert";
	it->conf = 1;
	if ((label = labels_map(&e->labels, answer, len)) >= 0) {
		it->label = label;
		judge(e, it, label);
		return learn(e, it, label, why);
	}
	if (errno == ENOSPC && !e->warned_labels++) {
		snprintf(e->msg, sizeof(e->msg), "label limit (%d) reached: "
		    "new answers are not learned", LABELS_MAX);
		warn(e);
	}
	e->st.invalid++;
	it->label = INVALID;
	judge(e, it, INVALID);
	if (set_answer(it, answer, len) == -1) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

/* Takes an expert call's outcome into its items. */
static int
complete(struct engine *e, const struct expert_done *d, const char **why)
{
	char buf[64];
	const char *reason = failure(d, buf, sizeof(buf));
	size_t i, k;

	e->st.retries += (uint64_t)d->retries;
	e->st.timeouts += d->status == EXPERT_TIMEOUT;
	e->st.expert_secs += d->secs;
	for (k = 0; k < LATENCY_BUCKETS - 1 &&
	    d->secs > LATENCY_MIN * pow(LATENCY_STEP, (double)k); k++)
		;
	e->st.latency[k]++;
	for (i = 0; i < d->n; i++) {
		struct item *it = &e->win[(d->tag[i] - 1) % e->o.window];

		it->pending = 0;
		if (d->status != EXPERT_OK)
			fall_back(e, it, reason);
		else if (d->len[i] == 0)
			fall_back(e, it, "no answer");
		else if (take(e, it, d->answer[i], d->len[i], why) == -1)
			return -1;
	}
	return 0;
}

/* Waits for an expert call to end, sending what is gathered if need be. */
static int
wait_one(struct engine *e, const char **why)
{
	struct expert_done d;

	if (expert_busy(e->x) == 0 && e->gathered > 0)
		return send(e, why);
	if (expert_wait(e->x, &d, -1) == -1) {
		*why = errno == EINTR ? "interrupted" : "cannot wait for the expert";
		return -1;
	}
	return complete(e, &d, why);
}

double
engine_latency(const struct engine *e, double q)
{
	uint64_t n = 0, seen = 0;
	size_t k;

	for (k = 0; k < LATENCY_BUCKETS; k++)
		n += e->st.latency[k];
	for (k = 0; k < LATENCY_BUCKETS; k++)
		if ((seen += e->st.latency[k]) >= q * (double)n && n > 0)
			return LATENCY_MIN * pow(LATENCY_STEP, (double)k);
	return 0;
}

/* Emits the finished lines at the head of the window. */
static int
flush(struct engine *e, const char **why)
{
	while (e->head < e->tail) {
		struct item *it = &e->win[e->head % e->o.window];
		struct engine_result r;

		if (it->pending)
			break;
		if (it->label >= 0) {
			r.label = e->labels.name[it->label];
			r.labellen = e->labels.len[it->label];
		} else if (it->label == INVALID) {
			r.label = it->answer;
			r.labellen = it->anslen;
		} else {
			r.label = "";
			r.labellen = 0;
		}
		r.source = it->source;
		r.conf = it->conf;
		r.line = it->line;
		r.len = it->len;
		r.lineno = it->lineno;
		if (e->o.emit(e->o.arg, &r) == -1) {
			*why = "cannot write output";
			return -1;
		}
		e->head++;
	}
	return 0;
}

int
engine_push(struct engine *e, const char *line, size_t n, const char **why)
{
	struct item *it;
	int level;

	while (e->tail - e->head == e->o.window) {
		if (flush(e, why) == -1)
			return -1;
		if (e->tail - e->head == e->o.window && wait_one(e, why) == -1)
			return -1;
	}
	it = &e->win[e->tail % e->o.window];
	if (n > it->cap || it->line == NULL) {
		char *p = realloc(it->line, n ? n : 1);

		if (p == NULL) {
			*why = "out of memory";
			return -1;
		}
		it->line = p;
		it->cap = n ? n : 1;
	}
	memcpy(it->line, line, n);
	it->len = n;
	it->lineno = ++e->st.items;
	it->label = NO_LABEL;
	it->explored = -1;
	it->weight = 1;
	it->pending = 0;
	if (text_field(it->line, n, e->o.delim, e->o.field, &it->text,
	    &it->tlen) == -1) {
		e->st.missing++;
		if (!e->warned_field++) {
			snprintf(e->msg, sizeof(e->msg), "line %llu has no field "
			    "%u: its text is empty (warned once)",
			    (unsigned long long)it->lineno, e->o.field);
			warn(e);
		}
	}
	e->tail++;
	if (features(e, it, why) == -1)
		return -1;
	level = decide(e, it);
	if (level < 0 && budget_left(e)) {
		if (submit(e, it, why) == -1)
			return -1;
	} else if (level >= 0) {
		answer_cheap(e, it, level);
	} else {
		/* No expert to ask: the best cheap guess. */
		it->label = it->best;
		it->conf = it->bestconf;
		answer_cheap(e, it, 0);
	}
	return flush(e, why);
}

int
engine_idle(struct engine *e, int fd, const char **why)
{
	struct expert_done d;
	struct pollfd p = { fd, POLLIN, 0 };
	int r;

	if (e->x == NULL || poll(&p, 1, 0) != 0)
		return 0;
	/* The input has stalled: a batch that is not full goes now. */
	if (e->gathered > 0 && expert_busy(e->x) < e->o.expert.jobs &&
	    send(e, why) == -1)
		return -1;
	while (expert_busy(e->x) > 0) {
		if ((r = expert_wait(e->x, &d, fd)) == 1)
			return 0;
		if (r == -1) {
			*why = errno == EINTR ? "interrupted" :
			    "cannot wait for the expert";
			return -1;
		}
		if (complete(e, &d, why) == -1 || flush(e, why) == -1)
			return -1;
	}
	return 0;
}

int
engine_finish(struct engine *e, const char **why)
{
	while (e->x != NULL && (expert_busy(e->x) > 0 || e->gathered > 0))
		if (wait_one(e, why) == -1)
			return -1;
	return flush(e, why);
}

/*
 * The checkpoint payload:
 *
 *	u32 hash bits, u32 input mode, u32 levels, each: u32 length, name
 *	u32 closed, u32 labels, each: u32 length, bytes
 *	f64 threshold
 *	per level: u64 updates, the level's data, the policy's data
 */
int
engine_save(const struct engine *e, const char *path, const char **why)
{
	struct wbuf b = { 0 };
	size_t i;

	wbuf_u32(&b, e->o.bits);
	wbuf_u32(&b, (uint32_t)e->o.mode);
	wbuf_u32(&b, (uint32_t)e->nlevels);
	for (i = 0; i < e->nlevels; i++) {
		wbuf_u32(&b, (uint32_t)strlen(e->kind[i]->name));
		wbuf_bytes(&b, e->kind[i]->name, strlen(e->kind[i]->name));
	}
	wbuf_u32(&b, (uint32_t)e->labels.closed);
	wbuf_u32(&b, (uint32_t)e->labels.n);
	for (i = 0; i < e->labels.n; i++) {
		wbuf_u32(&b, (uint32_t)e->labels.len[i]);
		wbuf_bytes(&b, e->labels.name[i], e->labels.len[i]);
	}
	wbuf_f64(&b, e->thresh);
	for (i = 0; i < e->nlevels; i++) {
		wbuf_u64(&b, e->level[i]->updates);
		e->level[i]->kind->save(e->level[i], &b);
		policy_save(&e->policy[i], &b);
	}
	*why = state_write(path, &b);
	wbuf_release(&b);
	return *why == NULL ? 0 : -1;
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

static int
load_payload(struct engine *e, struct rbuf *b, const char **why)
{
	const struct level_kind *kind[ENGINE_LEVELS_MAX];
	struct labels got;
	char name[LABEL_MAXLEN];
	uint32_t bits, mode, nlevels, closed, nlabels, i;
	size_t n;
	int same, same_levels;

	*why = "corrupt checkpoint";
	bits = rbuf_u32(b);
	mode = rbuf_u32(b);
	nlevels = rbuf_u32(b);
	if (b->err || bits < LEVEL_BITS_MIN || bits > LEVEL_BITS_MAX ||
	    mode > TEXT_FEATURES || nlevels < 1 ||
	    nlevels > ENGINE_LEVELS_MAX)
		return -1;
	if (mode != (uint32_t)e->o.mode) {
		if (e->o.mode_given) {
			*why = "checkpoint is for another input mode (--input)";
			return -1;
		}
		e->o.mode = (enum text_mode)mode;
	}
	same_levels = nlevels == e->nlevels;
	for (i = 0; i < nlevels; i++) {
		n = read_name(b, name, sizeof(name) - 1);
		name[n] = '\0';
		if (b->err)
			return -1;
		kind[i] = level_kind(name);
		same_levels = same_levels && kind[i] == e->kind[i];
		if (kind[i] == NULL || (e->models_given && !same_levels)) {
			*why = "checkpoint has other levels";
			return -1;
		}
	}
	closed = rbuf_u32(b);
	nlabels = rbuf_u32(b);
	if (b->err || closed > 1 || nlabels > LABELS_MAX)
		return -1;
	labels_init(&got);
	got.closed = (int)closed;
	for (i = 0; i < nlabels && !b->err; i++) {
		n = read_name(b, name, sizeof(name));
		if (!b->err && labels_add(&got, name, n) != (int)i)
			b->err = 1;
	}
	if (b->err) {
		labels_release(&got);
		return -1;
	}
	if (e->labels.closed) {
		same = got.closed && got.n == e->labels.n;
		for (i = 0; same && i < got.n; i++)
			same = labels_find(&e->labels, got.name[i], got.len[i]) ==
			    (int)i;
		labels_release(&got);
		if (!same) {
			*why = "checkpoint has another label set (-l)";
			return -1;
		}
	} else {
		labels_release(&e->labels);
		e->labels = got;
	}
	if (bits != e->o.bits && e->bits_given) {
		*why = "checkpoint has another hash size (--hash-bits)";
		return -1;
	}
	if (!same_levels) {
		for (i = 0; i < e->nlevels; i++) {
			level_free(e->level[i]);
			e->level[i] = NULL;
		}
		memcpy(e->kind, kind, nlevels * sizeof(kind[0]));
		e->nlevels = nlevels;
	}
	if ((bits != e->o.bits || !same_levels) && make_levels(e, bits) == -1) {
		*why = "out of memory";
		return -1;
	}
	*why = "corrupt checkpoint";
	e->thresh = rbuf_f64(b);
	if (!(e->thresh >= 0 && e->thresh <= 1))
		return -1;
	for (i = 0; i < nlevels; i++) {
		e->level[i]->updates = rbuf_u64(b);
		if (e->level[i]->kind->load(e->level[i], b) == -1 ||
		    policy_load(&e->policy[i], b) == -1)
			return -1;
	}
	if (b->err || b->off != b->n)
		return -1;
	*why = NULL;
	return 0;
}

int
engine_load(struct engine *e, const char *path, const char **why)
{
	struct wbuf payload;
	struct rbuf b;
	int r;

	if ((*why = state_read(path, &payload)) != NULL)
		return errno == ENOENT ? 1 : -1;
	b = (struct rbuf){ payload.p, payload.n, 0, 0 };
	r = load_payload(e, &b, why);
	wbuf_release(&payload);
	return r;
}

/*
 * Whether s can merge into e: the same hash size, input mode and levels,
 * and labels that agree where both have one (ids are positions).
 */
static int
compatible(const struct engine *e, const struct engine *s, const char **why)
{
	size_t i, common;

	if (s->o.bits != e->o.bits) {
		*why = "checkpoint has another hash size";
		return -1;
	}
	if (s->o.mode != e->o.mode) {
		*why = "checkpoint is for another input mode";
		return -1;
	}
	if (s->nlevels != e->nlevels) {
		*why = "checkpoint has other levels";
		return -1;
	}
	for (i = 0; i < e->nlevels; i++)
		if (s->kind[i] != e->kind[i]) {
			*why = "checkpoint has other levels";
			return -1;
		}
	common = s->labels.n < e->labels.n ? s->labels.n : e->labels.n;
	for (i = 0; i < common; i++)
		if (labels_find(&e->labels, s->labels.name[i],
		    s->labels.len[i]) != (int)i) {
			*why = "checkpoint has its labels in another order "
			    "(give every shard the same -l)";
			return -1;
		}
	return 0;
}

/* Whether s learned on from base: base's labels first, no fewer answers. */
static int
grew_from(const struct engine *s, const struct engine *base, const char **why)
{
	size_t i;

	if (base->labels.n > s->labels.n)
		goto no;
	for (i = 0; i < s->nlevels; i++)
		if (s->level[i]->updates < base->level[i]->updates ||
		    s->policy[i].trained < base->policy[i].trained)
			goto no;
	return 0;
no:
	*why = "checkpoint did not start from the base";
	return -1;
}

/* What s learned since base; all it learned without a base. */
static double
since(const struct engine *s, const struct engine *base)
{
	return (double)s->level[0]->updates -
	    (base != NULL ? (double)base->level[0]->updates : 0);
}

/*
 * Shards that learned on parts of a stream merge into what one learner
 * would roughly know: each level weighs what each side knows of a feature
 * by how much it learned of it, each policy is fitted again to both sides'
 * answers, and the threshold weighs by the answers each side learned.
 * Shards that started from a base state (else NULL; e too) count what it
 * holds once.  The longer label list wins.
 */
int
engine_merge(struct engine *e, const char *path, const struct engine *base,
    const char **why)
{
	struct engine_opts o = e->o;
	struct engine *s;
	size_t i;
	double wd, ws;
	int r = -1;

	o.nmodels = 0;
	o.labels = NULL;
	o.bits = 0;
	o.mode_given = 0;
	o.expert.cmd = NULL;
	o.window = 1;
	if ((s = engine_new(&o, why)) == NULL)
		return -1;
	if ((r = engine_load(s, path, why)) != 0) {
		if (r == 1)
			*why = "no such file";
		r = -1;
		goto out;
	}
	r = -1;
	if (compatible(e, s, why) == -1 || (base != NULL &&
	    (compatible(e, base, why) == -1 || grew_from(s, base, why) == -1 ||
	    grew_from(e, base, why) == -1)))
		goto out;
	for (i = e->labels.n; i < s->labels.n; i++)
		if (labels_add(&e->labels, s->labels.name[i],
		    s->labels.len[i]) == -1) {
			*why = "out of memory";
			goto out;
		}
	e->labels.closed = e->labels.closed && s->labels.closed;
	wd = since(e, base);
	ws = since(s, base);
	if (wd + ws > 0)
		e->thresh = (wd * e->thresh + ws * s->thresh) / (wd + ws);
	for (i = 0; i < e->nlevels; i++) {
		struct level *d = e->level[i];
		const struct level *b = base != NULL ? base->level[i] : NULL;

		d->kind->merge(d, s->level[i], b);
		d->updates += s->level[i]->updates - (b != NULL ? b->updates : 0);
		if (policy_merge(&e->policy[i], &s->policy[i],
		    base != NULL ? &base->policy[i] : NULL) == -1) {
			*why = "out of memory";
			goto out;
		}
	}
	r = 0;
out:
	engine_free(s);
	return r;
}
