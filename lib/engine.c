/*
 * engine: the cascade over a stream (see engine.h).
 *
 * The window is a ring of items indexed by line number; `head` is the
 * oldest line not yet emitted, `tail` the next line to come.  An item
 * keeps the model's verdict on it, so that the expert's answer, whenever
 * it comes, teaches the model with what it knew when it decided.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define WARN_MAX	10	/* failed calls reported one by one */
/*
 * Bytes a window slot keeps after its line: each slot sees every
 * window-th line, so with more the window's memory would creep up with
 * the stream toward window times the longest line.
 */
#define SLOT_KEEP	4096

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
	struct model_verdict v;
};

struct engine {
	struct engine_opts o;
	struct model *m;
	struct feats f;		/* made here, */
	const struct feats *fp;	/* the features of the item at hand, */
	uint64_t f_line;	/* the line they are of, or 0 */
	struct item *win;
	uint64_t head, tail;
	struct expert *x;
	int gathered;		/* items waiting for a call to start */
	int fails;		/* calls failed in a row */
	struct engine_stats st;
	int warned_field, warned_labels;
	char *answer;		/* scratch of recorded() */
	size_t anscap;
	char msg[256];
};

static void
warn(struct engine *e)
{
	if (e->o.warn != NULL)
		e->o.warn(e->o.arg, e->msg);
}

struct engine *
engine_new(const struct engine_opts *o, struct model *m, const char **why)
{
	struct engine *e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		model_free(m);
		*why = "out of memory";
		return NULL;
	}
	e->o = *o;
	e->m = m;
	feats_init(&e->f);
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
	model_free(e->m);
	for (i = 0; e->win != NULL && i < e->o.window; i++) {
		free(e->win[i].line);
		free(e->win[i].answer);
	}
	free(e->win);
	free(e->answer);
	feats_release(&e->f);
	free(e);
}

const struct model *
engine_model(const struct engine *e)
{
	return e->m;
}

const struct engine_stats *
engine_stats(const struct engine *e)
{
	return &e->st;
}

/* Whether there is an expert to ask: a command, or answers in the input. */
static int
asks(const struct engine *e)
{
	return e->x != NULL || e->o.expert_field > 0;
}

static int
budget_left(const struct engine *e)
{
	if (!asks(e) || e->st.gave_up)
		return 0;
	if (e->o.budget >= 0 && e->st.asked >= (uint64_t)e->o.budget)
		return 0;
	if (e->o.budget_share >= 0 &&
	    (double)(e->st.asked + 1) > e->o.budget_share * (double)e->st.items)
		return 0;
	return 1;
}

/*
 * Makes e->fp the item's features, from text, its text's features made by
 * the caller of engine_push, or else from its text; first: when it is
 * judged, the first time.  An answer that comes before the next line
 * (answers in the input, one call at a time) finds them made.
 */
static int
features(struct engine *e, const struct item *it, const struct feats *text,
    int first, const char **why)
{
	int r;

	if (e->f_line == it->lineno)
		return 0;
	e->f_line = 0;
	if (text != NULL)
		r = model_features_of(e->m, text, &e->f, &e->fp, first);
	else {
		e->fp = &e->f;
		r = model_features(e->m, it->text, it->tlen, &e->f, first);
	}
	if (r == -1) {
		*why = "out of memory";
		return -1;
	}
	e->f_line = it->lineno;
	return 0;
}

static void
answer_cheap(struct engine *e, struct item *it, int level)
{
	it->source = e->m->level[level]->kind->name;
	e->st.cheap++;
	e->st.by_level[level]++;
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
	while (expert_busy(e->x) >= expert_jobs(e->x))
		if (wait_one(e, why) == -1)
			return -1;
	if (e->gathered == 0)
		return 0;	/* the expert gave up meanwhile */
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

/* What the expert reads of an item, and what its answers are kept by. */
static void
expert_input(const struct engine *e, const struct item *it, const char **s,
    size_t *n)
{
	*s = e->o.expert_line ? it->line : it->text;
	*n = e->o.expert_line ? it->len : it->tlen;
}

/* Sends an item to the expert, in a batch once it is full. */
static int
submit(struct engine *e, struct item *it, const char **why)
{
	const char *s;
	size_t n;

	expert_input(e, it, &s, &n);
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

/* Counts what an explored item measured of the level that was sure. */
static void
count_explored(struct engine *e, const struct item *it, int label)
{
	const struct model_verdict *v = &it->v;

	if (v->explored >= 0) {
		e->st.explored++;
		e->st.explored_weight += v->weight;
		e->st.explored_weight2 += (double)v->weight * v->weight;
		if (v->pred[v->explored] == label)
			e->st.explored_agreed += v->weight;
	}
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
	case EXPERT_PROTOCOL:
		return "an answer line that does not start with the item's "
		    "number and a tab";
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
	it->label = it->v.best;
	it->conf = it->v.bestconf;
	if (e->st.failed <= WARN_MAX) {
		snprintf(e->msg, sizeof(e->msg), "expert failed on line %llu: "
		    "%s%s", (unsigned long long)it->lineno, reason,
		    e->st.failed == WARN_MAX ? " (no more such warnings)" : "");
		warn(e);
	}
}

/* Answers an item the expert will not be asked about by the best guess. */
static void
skip(struct engine *e, struct item *it)
{
	e->st.skipped++;
	e->st.fallback++;
	it->pending = 0;
	it->source = "fallback";
	it->label = it->v.best;
	it->conf = it->v.bestconf;
}

/*
 * Stops calling the expert: the items gathered for the next call, the
 * newest that are pending, are answered at once.
 */
static void
give_up(struct engine *e)
{
	uint64_t i;
	int n = e->gathered;

	e->st.gave_up = 1;
	snprintf(e->msg, sizeof(e->msg), "expert failed %d calls in a row: "
	    "not called again; the items left get the levels' best guess "
	    "(fallback)", e->fails);
	warn(e);
	for (i = e->tail; n > 0 && i > e->head; i--) {
		struct item *it = &e->win[(i - 1) % e->o.window];

		if (it->pending) {
			skip(e, it);
			e->st.asked--;	/* never sent */
			n--;
		}
	}
	expert_discard(e->x);
	e->gathered = 0;
}

/* Takes an expert answer into its item. */
static int
take(struct engine *e, struct item *it, const char *answer, size_t len,
    const char **why)
{
	const char *s;
	size_t n;
	int label;

	it->conf = 1;
	if ((label = model_label(e->m, answer, len)) >= 0) {
		e->st.expert++;
		it->source = "expert";
		it->label = label;
		expert_input(e, it, &s, &n);
		model_note(e->m, s, n, label);
		count_explored(e, it, label);
		if (features(e, it, NULL, 0, why) == -1 ||
		    model_learn(e->m, e->fp, &it->v, label) == -1) {
			*why = "out of memory";
			return -1;
		}
		return 0;
	}
	if (errno == ENOSPC && !e->warned_labels++) {
		snprintf(e->msg, sizeof(e->msg), "label limit (%d) reached: "
		    "new answers are not learned", LABELS_MAX);
		warn(e);
	} else if (errno != ENOSPC && e->st.invalid < WARN_MAX) {
		snprintf(e->msg, sizeof(e->msg), "line %llu: the expert's answer "
		    "is no label: '%.*s'%s", (unsigned long long)it->lineno,
		    len > 60 ? 60 : (int)len, answer,
		    e->st.invalid + 1 == WARN_MAX ?
		    " (no more such warnings)" : "");
		warn(e);
	}
	e->st.invalid++;
	it->source = "invalid";
	it->label = INVALID;
	count_explored(e, it, INVALID);
	model_learn(e->m, NULL, &it->v, -1);
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
	if (d->status == EXPERT_OK)
		e->fails = 0;
	else if (++e->fails == e->o.max_failures && !e->st.gave_up)
		give_up(e);
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
			r.label = e->m->labels.name[it->label];
			r.labellen = e->m->labels.len[it->label];
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
		/* One huge line does not keep its memory for the next. */
		if (it->cap > SLOT_KEEP) {
			free(it->line);
			it->line = NULL;
			it->cap = 0;
		}
		if (it->anscap > SLOT_KEEP) {
			free(it->answer);
			it->answer = NULL;
			it->anscap = 0;
		}
	}
	return 0;
}

/*
 * The answer in the item's line (--expert-field), cleaned, at *p (n
 * bytes): 1, or 0 when the line has no such field; -1 when out of memory.
 */
static int
recorded_answer(struct engine *e, const struct item *it, char **p, size_t *n)
{
	const char *s;
	char *q;

	if (text_field(it->line, it->len, e->o.delim, e->o.expert_field, &s,
	    n) == -1)
		return 0;
	if (*n + 1 > e->anscap) {
		if ((q = realloc(e->answer, *n + 1)) == NULL)
			return -1;
		e->answer = q;
		e->anscap = *n + 1;
	}
	memcpy(e->answer, s, *n);
	*p = expert_clean(e->answer, *n, n);
	return 1;
}

/*
 * Takes the answer the line already holds (expert_field) as the expert's,
 * cleaned as its output lines are; a line without it is a failed call.
 */
static int
recorded(struct engine *e, struct item *it, const char **why)
{
	char *p;
	size_t n;
	int r;

	e->st.asked++;
	e->st.calls++;
	if ((r = recorded_answer(e, it, &p, &n)) == -1) {
		*why = "out of memory";
		return -1;
	}
	if (r == 0) {
		fall_back(e, it, "no answer field");
		return 0;
	}
	if (n == 0) {
		fall_back(e, it, "no answer");
		return 0;
	}
	return take(e, it, p, n, why);
}

/* engine_push, the caller's features text (or NULL) being the item's. */
static int
push(struct engine *e, const char *line, size_t n, const struct feats *text,
    const char **why)
{
	struct item *it;
	const char *s;
	char *answer;
	size_t len;
	int level, label;

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
	expert_input(e, it, &s, &len);
	if ((label = model_recall(e->m, s, len)) >= 0) {
		/* The expert answered this text before: never ask again. */
		it->label = label;
		it->source = "cache";
		it->conf = 1;
		e->st.cached++;
		return flush(e, why);
	}
	if (features(e, it, text, 1, why) == -1)
		return -1;
	/* An answer in the input is learned as soon as the item is judged. */
	if (e->o.expert_field && budget_left(e) &&
	    recorded_answer(e, it, &answer, &len) == 1)
		model_expect(e->m, answer, len);
	level = model_judge(e->m, e->fp, budget_left(e), &it->v);
	if (level >= 0) {
		it->label = it->v.label;
		it->conf = it->v.conf;
	}
	if (level < 0 && budget_left(e)) {
		if ((e->o.expert_field ? recorded(e, it, why) :
		    submit(e, it, why)) == -1)
			return -1;
	} else if (level >= 0) {
		answer_cheap(e, it, level);
	} else if (e->st.gave_up) {
		skip(e, it);
	} else {
		/* No expert to ask: the best cheap guess. */
		it->label = it->v.best;
		it->conf = it->v.bestconf;
		answer_cheap(e, it, 0);
		e->st.unfunded += asks(e);
	}
	return flush(e, why);
}

int
engine_push(struct engine *e, const char *line, size_t n,
    const struct feats *text, const char **why)
{
	int r = push(e, line, n, text, why);

	/* The caller's features end with the call: later answers make them. */
	if (e->fp != &e->f)
		e->f_line = 0;
	return r;
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
	if (e->gathered > 0 && expert_busy(e->x) < expert_jobs(e->x) &&
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
