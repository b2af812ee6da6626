/*
 * expert: running the expert command, up to `jobs` calls at once.
 *
 * A call is one run of `/bin/sh -c CMD` in a process group of its own, its
 * items on its stdin one per line (never on a command line), its answers
 * the lines of its stdout, in order.  A call of one item takes the first
 * line that is not blank as the answer; a batch of n items needs exactly n
 * lines back, or every item of the batch fails: an answer is never put on
 * the wrong item.  Items are input lines, so they hold no newline.
 *
 * In persistent mode each of the `jobs` slots starts the command once and
 * keeps it: a call writes its items and reads as many lines back, and the
 * process waits for the next call.  There each item goes out as its tag in
 * decimal, a TAB and the item, and each answer line must start with the
 * same tag and a TAB: a line that does not (a banner, a blank line, an
 * answer late from an earlier call) fails the call, so that an answer
 * never lands on another item.  If the process dies, times out or writes
 * such a line, it is started again and the call is retried.
 *
 * One poll() loop writes every child's stdin and reads every child's
 * stdout together, so no item is too large for the pipes; it kills a call
 * that runs past its timeout (TERM, then KILL a second later) and always
 * reaps the child.  A failed call is tried again up to `retries` times,
 * after a pause that doubles each time, up to a few seconds.  When the
 * system refuses a process or descriptors, the call is retried the same
 * way, and no more calls run at once than the processes that did start
 * (expert_jobs).
 *
 * The caller must ignore SIGPIPE: an expert may exit without reading.
 */
#ifndef CASCADE_EXPERT_H
#define CASCADE_EXPERT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define EXPERT_JOBS_MAX		256
#define EXPERT_BATCH_MAX	1024
#define EXPERT_ANSWER_MAX	65536	/* bytes of output kept per item */

enum expert_status {
	EXPERT_OK,		/* answered: see each answer's length */
	EXPERT_COUNT,		/* a batch got the wrong number of lines */
	EXPERT_EXIT,		/* non-zero exit (code) */
	EXPERT_SIGNAL,		/* killed by signal (code) */
	EXPERT_TIMEOUT,		/* ran past the timeout, killed */
	EXPERT_PROTOCOL,	/* persistent: a line without its item's tag */
	EXPERT_ERROR		/* could not be started: errno in code */
};

struct expert_opts {
	const char *cmd;
	int jobs;
	int batch;		/* most items per call */
	int persistent;		/* keep one process per slot */
	double timeout;		/* seconds per try, 0 for none */
	int retries;
	/* when set and nonzero, waiting stops with EINTR */
	const volatile sig_atomic_t *stop;
};

/* A finished call; its arrays are valid until the next expert_ call. */
struct expert_done {
	enum expert_status status;
	int code;
	size_t n;		/* items */
	const uint64_t *tag;
	char **answer;		/* NUL-terminated; empty: no answer */
	const size_t *len;
	double secs;		/* from the first try to the end */
	int retries;		/* tries after the first */
};

struct expert;

/* Returns a pool for opts (cmd is not copied), or NULL and errno. */
struct expert *expert_new(const struct expert_opts *opts);

/* Kills and reaps every process still running, and frees the pool. */
void expert_free(struct expert *x);

/* Returns the number of calls in flight. */
int expert_busy(const struct expert *x);

/*
 * Returns the most calls that may be in flight: `jobs`, or fewer once the
 * system refused a process or descriptors.
 */
int expert_jobs(const struct expert *x);

/* Drops the items gathered by expert_add: they are not sent. */
void expert_discard(struct expert *x);

/* The pause in seconds before try number tries + 1 (tries >= 1). */
double expert_backoff(int tries);

/*
 * Adds an item (the n bytes at s, copied) to the call being gathered,
 * tagged tag.  Returns the number of items gathered, or -1 and errno.
 */
int expert_add(struct expert *x, uint64_t tag, const char *s, size_t n);

/*
 * Starts the call gathered by expert_add.  Needs expert_busy(x) <
 * expert_jobs(x).
 * Returns 0, or -1 and errno.
 */
int expert_send(struct expert *x);

/*
 * Waits until a call ends and describes it in *d, and returns 0; or, when
 * fd is not -1, until fd can be read, and returns 1.  Returns -1: errno
 * EINTR when *stop was set, EINVAL when no call is in flight.
 */
int expert_wait(struct expert *x, struct expert_done *d, int fd);

/*
 * Cleans one answer line in place: control bytes become spaces, white
 * space is trimmed.  Returns the answer's start and sets *len.
 */
char *expert_clean(char *s, size_t n, size_t *len);

/*
 * Finds the answer of a call of one item in the n bytes of its output:
 * the first line that is not blank, cleaned.  Modifies s; returns the
 * answer's start and sets *len.
 */
char *expert_answer(char *s, size_t n, size_t *len);

/*
 * Finds the answer in one line (n bytes at s, no newline) of a persistent
 * expert's output, which must start with seq in decimal and a TAB: returns
 * its start, cleaned in place, and sets *len; or NULL when the line does
 * not carry seq.
 */
char *expert_seq(char *s, size_t n, uint64_t seq, size_t *len);

/* Seconds on the monotonic clock, which timeouts and latencies use. */
double expert_now(void);

#endif
