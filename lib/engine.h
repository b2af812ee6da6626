/*
 * engine: the cascade over a stream.
 *
 * Items go in one line at a time (engine_push); the engine's model judges
 * each (model.h), and the items no level answers go to the expert, up to
 * `jobs` calls at once, within the budget.  Results come out through the
 * emit callback, one per line, in input order, held in a window of at most
 * `window` lines while earlier lines wait for the expert.  Every expert
 * answer is learned by the model.
 *
 * With one job the engine waits for each expert answer before the next
 * line, so that a run is deterministic for a given seed (but for a batch
 * sent before it is full because the input stalled: engine_idle).
 *
 * After max_failures expert calls in a row have failed, the expert is
 * not called again: every item it would have had, gathered ones included,
 * gets the levels' best guess as "fallback".
 */
#ifndef CASCADE_ENGINE_H
#define CASCADE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "expert.h"
#include "model.h"

struct engine_result {
	const char *label;	/* empty when nothing is known yet */
	size_t labellen;
	const char *source;	/* a level's name, "expert", "invalid" (an
				   answer that is no label), "cache" (an
				   answer given before) or "fallback" */
	float conf;		/* estimated agreement with the expert */
	const char *line;	/* the input line, without its newline */
	size_t len;
	uint64_t lineno;
};

struct engine_opts {
	unsigned field;		/* 1-based; 0 for the whole line */
	int delim;
	int expert_line;	/* the expert reads the whole line */
	unsigned expert_field;	/* 1-based: the line holds the expert's
				   answer in this field, and none is run */
	int64_t budget;		/* most items sent to the expert, or -1 */
	double budget_share;	/* most items sent per item, or -1 */
	size_t window;
	int max_failures;	/* failed calls in a row to give up; 0: never */
	struct expert_opts expert;	/* expert.cmd NULL: no expert */
	int (*emit)(void *arg, const struct engine_result *r);
	void (*warn)(void *arg, const char *msg);
	void *arg;
};

#define LATENCY_BUCKETS	200	/* expert call durations, in buckets */
#define LATENCY_MIN	1e-4	/* of the first, in seconds, */
#define LATENCY_STEP	1.1	/* each 10% above the last */

struct engine_stats {
	uint64_t items;
	uint64_t cheap;			/* answered by a level */
	uint64_t by_level[MODEL_LEVELS_MAX];	/* by each level */
	uint64_t unfunded;		/* of those, for want of budget */
	uint64_t expert;		/* answered by the expert, with a label */
	uint64_t cached;		/* by an answer the expert gave before */
	uint64_t fallback;
	uint64_t invalid;		/* expert answers that map to no label */
	uint64_t asked;			/* items sent to the expert */
	uint64_t calls, retries, failed, timeouts;
	uint64_t explored;
	double explored_weight, explored_agreed;	/* each weighs 1 / chance */
	double explored_weight2;	/* sum of the squared weights */
	uint64_t missing;		/* lines without the field */
	uint64_t skipped;		/* items not sent: the expert gave up */
	int gave_up;			/* the expert is not called any more */
	double cheap_agree;		/* sum of the cheap answers' estimates */
	double expert_secs;		/* summed duration of expert calls */
	uint64_t latency[LATENCY_BUCKETS];
};

struct engine;

/*
 * Makes an engine that answers with model m, which it owns from then on
 * (it frees m even when it fails).  Returns NULL and sets *why (errno
 * EINVAL for a bad option, which *why names).
 */
struct engine *engine_new(const struct engine_opts *o, struct model *m,
    const char **why);

/* Stops every expert call and frees the engine and its model.  Accepts NULL. */
void engine_free(struct engine *e);

/* The model, as it has learned so far (to save it). */
const struct model *engine_model(const struct engine *e);

/*
 * Takes the next line (n bytes, without its newline), and the features of
 * its text when they are made already (text_features of its field, in the
 * model's mode; valid until the call returns), else NULL.  May wait for
 * the expert, and emit results.  Returns 0, or -1: errno EINTR when
 * stopped, else an emit or system error (*why).
 */
int engine_push(struct engine *e, const char *line, size_t n,
    const struct feats *text, const char **why);

/*
 * Waits until fd can be read, taking the expert's answers meanwhile and
 * emitting the lines they finish, so that output keeps up with a slow
 * input.  A batch that is not full is sent if the input has stalled.
 * Returns 0, or -1 as push.
 */
int engine_idle(struct engine *e, int fd, const char **why);

/* Waits for every expert call and emits every line; 0 or -1 as push. */
int engine_finish(struct engine *e, const char **why);

const struct engine_stats *engine_stats(const struct engine *e);

/* Returns the q-quantile of the expert calls' durations, in seconds. */
double engine_latency(const struct engine *e, double q);

#endif
