/*
 * engine: the cascade itself.
 *
 * Items go in one line at a time (engine_push); each passes through the
 * levels in order, and the first level whose policy is sure enough answers
 * it; the others go to the expert, up to `jobs` at once.  Results come out
 * through the emit callback, one per line, in input order, held in a window
 * of at most `window` lines while earlier lines wait for the expert.
 * Every valid expert answer teaches every level and every policy.
 *
 * With one job the engine waits for each expert answer before the next
 * line, so that a run is deterministic for a given seed.
 */
#ifndef CASCADE_ENGINE_H
#define CASCADE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "expert.h"
#include "text.h"

#define ENGINE_LEVELS_MAX	4

struct engine_result {
	const char *label;	/* empty when nothing is known yet */
	size_t labellen;
	const char *source;	/* a level's name, "expert" or "fallback" */
	float conf;		/* estimated agreement with the expert */
	const char *line;	/* the input line, without its newline */
	size_t len;
	uint64_t lineno;
};

struct engine_opts {
	const char *models[ENGINE_LEVELS_MAX];	/* level kinds, cheapest first */
	size_t nmodels;		/* 0: the checkpoint's, or one lr */
	const char *labels;	/* closed set "a,b,c", or NULL for open */
	unsigned bits;		/* hash bits; 0: the checkpoint's or default */
	enum text_mode mode;
	int mode_given;		/* the checkpoint must have the same mode */
	unsigned field;		/* 1-based; 0 for the whole line */
	int delim;
	int expert_line;	/* the expert reads the whole line */
	double target;		/* (0,1] */
	int64_t budget;		/* most expert calls, or -1 */
	double budget_share;	/* most expert calls per item, or -1 */
	uint64_t seed;
	size_t window;
	struct expert_opts expert;	/* expert.cmd NULL: no expert */
	int (*emit)(void *arg, const struct engine_result *r);
	void (*warn)(void *arg, const char *msg);
	void *arg;
};

#define ENGINE_BITS_DEFAULT	20

#define LATENCY_BUCKETS	200	/* expert call durations, in buckets */
#define LATENCY_MIN	1e-4	/* of the first, in seconds, */
#define LATENCY_STEP	1.1	/* each 10% above the last */

struct engine_stats {
	uint64_t items;
	uint64_t cheap;			/* answered by a level */
	uint64_t expert;		/* answered by the expert */
	uint64_t fallback;
	uint64_t invalid;		/* expert answers that map to no label */
	uint64_t asked;			/* items sent to the expert */
	uint64_t calls, retries, failed, timeouts;
	uint64_t explored;
	double explored_weight, explored_agreed;	/* each weighs 1 / chance */
	uint64_t missing;		/* lines without the field */
	double cheap_agree;		/* sum of the cheap answers' estimates */
	double expert_secs;		/* summed duration of expert calls */
	uint64_t latency[LATENCY_BUCKETS];
};

struct engine;

/*
 * Makes an engine.  Returns NULL and sets *why (errno EINVAL for a bad
 * option, which *why names).
 */
struct engine *engine_new(const struct engine_opts *o, const char **why);

/* Stops every expert call and frees the engine.  Accepts NULL. */
void engine_free(struct engine *e);

/*
 * Loads the checkpoint at path.  Returns 1 when there is no such file, 0
 * when loaded, -1 with *why when it cannot be read, is not valid, or does
 * not fit the options (other levels, labels, hash size or input mode).
 * What the options leave open (levels, labels, hash size, input mode) is
 * taken from the file.
 */
int engine_load(struct engine *e, const char *path, const char **why);

/*
 * Merges the checkpoint at path into the engine, whose state came from
 * engine_load: labels joined by name, models averaged by how much each
 * learned, counts summed.  When both learned on from the state base
 * (else NULL), what base holds counts once.  Returns 0, or -1 with *why
 * when the file cannot be read or learned something else (hash size,
 * input mode, levels, labels in another order) or not from base.
 */
int engine_merge(struct engine *e, const char *path, const struct engine *base,
    const char **why);

/* Saves the models to path atomically; 0, or -1 with *why and errno. */
int engine_save(const struct engine *e, const char *path, const char **why);

/*
 * Takes the next line (n bytes, without its newline).  May wait for the
 * expert, and emit results.  Returns 0, or -1: errno EINTR when stopped,
 * else an emit or system error (*why).
 */
int engine_push(struct engine *e, const char *line, size_t n,
    const char **why);

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
