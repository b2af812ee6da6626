/*
 * expert: running the expert command, up to `jobs` calls at once.
 *
 * Each call is `/bin/sh -c CMD` in a process group of its own, the item on
 * its stdin (never on a command line), its answer the first non-blank line
 * of its stdout.  One poll() loop writes every child's stdin and reads every
 * child's stdout together, so no item is too large for the pipes; it kills
 * a call that runs past its timeout (TERM, then KILL a second later) and
 * always reaps it.  A failed call is retried up to `retries` times, after a
 * pause that doubles each time.
 */
#ifndef CASCADE_EXPERT_H
#define CASCADE_EXPERT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define EXPERT_JOBS_MAX		256
#define EXPERT_ANSWER_MAX	65536	/* bytes of output kept per call */

enum expert_status {
	EXPERT_OK,		/* exit 0 with an answer */
	EXPERT_NOANSWER,	/* exit 0, nothing but white space */
	EXPERT_EXIT,		/* non-zero exit (code) */
	EXPERT_SIGNAL,		/* killed by signal (code) */
	EXPERT_TIMEOUT,		/* ran past the timeout, killed */
	EXPERT_ERROR		/* could not be started: errno in code */
};

struct expert_opts {
	const char *cmd;
	int jobs;
	double timeout;		/* seconds per try, 0 for none */
	int retries;
	/* when set and nonzero, waiting stops with EINTR */
	const volatile sig_atomic_t *stop;
};

struct expert_done {
	uint64_t tag;
	enum expert_status status;
	int code;
	char *answer;		/* NUL-terminated; valid until the next call */
	size_t len;
	double secs;		/* from the first try to the end */
	int retries;		/* tries after the first */
};

struct expert;

/* Returns a pool for opts (cmd is not copied), or NULL and errno. */
struct expert *expert_new(const struct expert_opts *opts);

/* Kills and reaps every call still running, and frees the pool. */
void expert_free(struct expert *x);

/* Returns the number of calls in flight. */
int expert_busy(const struct expert *x);

/*
 * Starts a call on the n bytes at s (copied, and a newline added), tagged
 * tag.  Needs expert_busy(x) < jobs.  Returns 0, or -1 and errno.
 */
int expert_submit(struct expert *x, uint64_t tag, const char *s, size_t n);

/*
 * Waits until a call ends and describes it in *d.  Returns 0, or -1: errno
 * EINTR when *stop was set, EINVAL when no call is in flight.
 */
int expert_wait(struct expert *x, struct expert_done *d);

/*
 * Finds the answer in the n bytes of a call's output: the first line that
 * is not blank, with control bytes turned into spaces and white space
 * trimmed.  Modifies s; returns the answer's start and sets *len.
 */
char *expert_answer(char *s, size_t n, size_t *len);

#endif
