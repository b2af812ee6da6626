/*
 * model: the learned state of a cascade and its rules.
 *
 * A model is the label set, the levels (cheap models, cheapest first), the
 * deferral policy of each level, and the threshold that decides when a
 * level is sure enough to answer.  It judges an item from its features
 * (model_judge: what each level predicts, and which one answers), learns
 * from the expert's answer to an item it judged (model_learn), and is
 * saved, loaded and merged as a checkpoint.  It knows nothing of lines,
 * the expert or the order of a stream: that is the engine's (engine.h).
 *
 * The fields of struct model may be read by any caller; only model.c
 * changes them.
 */
#ifndef CASCADE_MODEL_H
#define CASCADE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "labels.h"
#include "level.h"
#include "policy.h"
#include "state.h"
#include "text.h"
#include "vectors.h"

#define MODEL_LEVELS_MAX	4
#define MODEL_BITS_DEFAULT	20
#define MODEL_BITS_MIN		LEVEL_BITS_MIN
#define MODEL_BITS_MAX		LEVEL_BITS_MAX
#define MODEL_REPLAY		512	/* expert answers kept to learn again */

/* What the command line asks of a model; what it leaves open is free. */
struct model_opts {
	const char *kinds[MODEL_LEVELS_MAX];	/* level kinds, cheapest first */
	size_t nkinds;		/* 0: the checkpoint's, or one lr */
	const char *labels;	/* closed set "a,b,c", or NULL for open */
	unsigned bits;		/* hash bits; 0: the checkpoint's or default */
	enum text_mode mode;
	int mode_given;		/* the checkpoint must have the same mode */
	double target;		/* (0,1]: agreement the cheap answers aim at */
	double explore;		/* [0,1]: the mean share of sure items */
	int explore_given;	/* explored; else it falls (model_judge) */
	uint64_t seed;		/* of exploration and of the replays */
	size_t cache;		/* slots of the answer cache; 0: none */
	int cache_given;	/* else a checkpoint's cache keeps its size */
	const struct vectors *vectors;	/* word vectors, or NULL */
};

/* What a model said of one item, kept until the expert answers it. */
struct model_verdict {
	int answer;		/* the level that answers, or -1 */
	int label;		/* its label, when a level answers */
	float conf;		/* and its estimated agreement */
	int best;		/* the levels' likeliest label, or -1, and */
	float bestconf;		/* its estimate: what to say if no one answers */
	int explored;		/* the level that was sure but is asked, or -1 */
	float weight;		/* 1 / the chance it was explored with */
	int pred[MODEL_LEVELS_MAX];	/* -1: the level knew no label */
	float x[MODEL_LEVELS_MAX][POLICY_SIGNALS];	/* its policy's signals */
};

struct model {
	uint32_t format;	/* of the checkpoint it was read from, or new */
	struct labels labels;
	enum text_mode mode;
	unsigned bits;
	size_t nlevels;
	struct level *level[MODEL_LEVELS_MAX];
	struct policy policy[MODEL_LEVELS_MAX];
	double target;
	double explore;		/* as in model_opts, */
	int explore_given;	/* which a checkpoint does not keep */
	uint64_t explored[MODEL_LEVELS_MAX];	/* items explored, learned */
	double thresh;		/* a level answers when sure enough (steer) */
	double unspent;		/* disagreement allowed, not spent: thresh 0 */
	double doubt;		/* mean sqrt(1 - agree) of sure answers */
	uint64_t rng;
	struct feats replay[MODEL_REPLAY];	/* answers to learn again */
	int replay_label[MODEL_REPLAY];
	size_t nreplay;
	struct cache *cache;	/* the expert's answers by text, or NULL */
	/*
	 * What the stream taught of the word vectors the model learned with,
	 * or NULL; and the vectors, or NULL when the model was read without
	 * them (it may then be merged or described, but not judge).
	 */
	struct vecstats *vs;
	const struct vectors *vec;
	float prob[LABELS_MAX];	/* scratch of model_judge */
	int expect;		/* model_expect's label, or -1 */
};

/* Whether name is a level kind. */
int model_kind_known(const char *name);

/*
 * Checks the options without making a model: 0, or -1 with *why naming
 * the bad one.
 */
int model_check(const struct model_opts *o, const char **why);

/* A new, empty model; NULL with *why and errno (EINVAL: a bad option). */
struct model *model_new(const struct model_opts *o, const char **why);

/* Accepts NULL. */
void model_free(struct model *m);

/*
 * Makes f the features of the n bytes at s: text_features, and with word
 * vectors the item's vector.  count says it is the first time for this
 * item, which the vectors' statistics then count.  Returns 0, or -1 with
 * errno (ENOMEM).
 */
int model_features(struct model *m, const char *s, size_t n, struct feats *f,
    int count);

/*
 * The same from text, the features text_features made of the item in the
 * model's mode: *out is text itself, or, with word vectors, f made of it.
 */
int model_features_of(struct model *m, const struct feats *text,
    struct feats *f, const struct feats **out, int count);

/*
 * Judges an item by its features f: fills v and returns the level that
 * answers, or -1 when the item goes to the expert.  A level that is sure
 * may still send the item on, to measure its agreement, when explore says
 * the expert can take it.  Call once per item, in stream order.
 */
int model_judge(struct model *m, const struct feats *f, int explore,
    struct model_verdict *v);

/*
 * Says that the item judged next, if it goes to the expert, will get the
 * answer at s (n bytes) and be learned at once (an answer recorded in the
 * input): when no level can answer it, the levels get ready to learn it
 * as they judge it, which saves them a pass over its features.  A wrong
 * answer only costs that pass back.
 */
void model_expect(struct model *m, const char *s, size_t n);

/*
 * Learns the expert's label for an item with features f that was judged
 * v: the policies learn whether each level agreed, the levels learn the
 * label.  label -1 is an answer that names no label, which no level could
 * have given: only the policies learn it (f may be NULL).  Returns 0, or
 * -1 when out of memory.
 */
int model_learn(struct model *m, const struct feats *f,
    const struct model_verdict *v, int label);

/*
 * Maps the expert's answer (n bytes at s) to a label id, adding it to an
 * open set; -1 when it names no label (errno ENOSPC when the set is full).
 */
int model_label(struct model *m, const char *s, size_t n);

/*
 * The share of the expert answers kept by level's policy (*kept of them,
 * the last ones) on which the level agreed with the expert: these are the
 * items it was unsure of, and those explored.
 */
double model_agreed(const struct model *m, size_t level, uint32_t *kept);

/*
 * The label the expert gave an item whose expert input (what the expert
 * reads of it) is the n bytes at s, or -1: see cache.h.
 */
int model_recall(const struct model *m, const char *s, size_t n);

/* Keeps label as the expert's answer to the n bytes at s. */
void model_note(struct model *m, const char *s, size_t n, int label);

/* The checkpoint payload of m. */
void model_write(const struct model *m, struct wbuf *b);

/*
 * Reads a model from a checkpoint payload into a new *m.  What o gives
 * (levels, hash size, input mode, word vectors) the payload must have;
 * what o leaves open is the payload's.  A payload without vectors takes
 * o's: they start to learn.  A payload with vectors read without (o's are
 * NULL) has m->vec NULL.  Labels match by name: o's closed set must hold
 * every label of the payload, and adds those it lacks.  Returns 0, or -1
 * with *why, which names both sides when the payload does not fit o and
 * then stays valid until the next model_read; nothing is made then.
 */
int model_read(struct rbuf *b, const struct model_opts *o, struct model **m,
    const char **why);

/* Saves m to the checkpoint f atomically: 0, or -1, *why and errno. */
int model_save(const struct model *m, struct state_file *f, const char **why);

/*
 * The most bytes m's checkpoint payload may take, whatever it learns
 * (labels and policies included): more than STATE_MAXLEN, and it could
 * not be saved.
 */
uint64_t model_size_max(const struct model *m);

/* Loads the checkpoint f as model_load; 1 when f is empty (new). */
int model_load_file(struct state_file *f, const struct model_opts *o,
    struct model **m, const char **why);

/*
 * Loads the checkpoint at path as model_read.  Returns 0, 1 when there is
 * no such file (*m untouched), or -1 with *why.
 */
int model_load(const char *path, const struct model_opts *o,
    struct model **m, const char **why);

/*
 * Merges src into dst, both learned on parts of a stream: labels joined by
 * name (src takes dst's ids, which may change src), levels and policies
 * weighing what each side learned, the threshold by the answers each side
 * learned.  When both learned on from base (else NULL), what base holds
 * counts once.  Returns 0, or -1 with *why when src learned something
 * else (hash size, input mode, levels) or not from base; dst is then
 * unchanged, but for out of memory or a label set past LABELS_MAX.
 */
int model_merge(struct model *dst, struct model *src,
    const struct model *base, const char **why);

#endif
