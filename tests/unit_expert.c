/*
 * unit_expert: tests of lib/expert.h: the answer parser, and the pool of
 * expert processes run through /bin/sh: answers, exit codes, signals,
 * timeouts, retries, -j, large items, background children holding the
 * pipe, batches, persistent processes, and reaping.  Like cascade itself, the test ignores SIGPIPE (an
 * expert may exit without reading its item).  Exits 0 when every check
 * passes; a failed check names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/expert.h"

/* Fails unless no child of ours is left, running or zombie. */
static void
no_children(const char *where)
{
	errno = 0;
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
		fprintf(stderr, "%s: a child is left unreaped\n", where);
		exit(1);
	}
}

static struct expert *
pool_opts(const char *cmd, int jobs, int batch, int persistent,
    double timeout, int retries)
{
	struct expert_opts o = {
		.cmd = cmd, .jobs = jobs, .batch = batch,
		.persistent = persistent, .timeout = timeout,
		.retries = retries, .stop = NULL
	};
	struct expert *x = expert_new(&o);

	assert(x != NULL);
	return x;
}

/* A pool of one-off calls of one item each. */
static struct expert *
pool(const char *cmd, int jobs, double timeout, int retries)
{
	return pool_opts(cmd, jobs, 1, 0, timeout, retries);
}

/* Starts a call of one item. */
static int
submit(struct expert *x, uint64_t tag, const char *s, size_t n)
{
	if (expert_add(x, tag, s, n) != 1)
		return -1;
	return expert_send(x);
}

/*
 * One call of cmd on item in a pool of its own: fills *d (status, code,
 * retries, secs; not its arrays) and copies the answer to ans.
 */
static double
call(const char *cmd, double timeout, int retries, const char *item,
    size_t n, struct expert_done *d, char *ans, size_t anssz)
{
	struct expert *x = pool(cmd, 1, timeout, retries);
	double t0 = expert_now(), t;

	assert(submit(x, 7, item, n) == 0);
	assert(expert_busy(x) == 1);
	assert(expert_wait(x, d, -1) == 0);
	t = expert_now() - t0;
	assert(d->n == 1 && d->tag[0] == 7);
	assert(expert_busy(x) == 0);
	if (ans != NULL) {
		ans[0] = '\0';
		if (d->status == EXPERT_OK) {
			assert(d->n == 1 && d->answer[0][d->len[0]] == '\0');
			snprintf(ans, anssz, "%s", d->answer[0]);
		}
	}
	/* d's arrays belong to the pool: gone with it. */
	d->tag = NULL;
	d->answer = NULL;
	d->len = NULL;
	expert_free(x);
	no_children(cmd);
	return t;
}

static double
call_s(const char *cmd, double timeout, int retries, const char *item,
    struct expert_done *d, char *ans, size_t anssz)
{
	return call(cmd, timeout, retries, item, strlen(item), d, ans, anssz);
}

/* expert_answer on a NUL-terminated copy of s; the answer in out. */
static size_t
answer(const char *s, size_t n, char *out)
{
	char buf[256];
	char *a;
	size_t len;

	assert(n < sizeof(buf));
	memcpy(buf, s, n);
	a = expert_answer(buf, n, &len);
	assert(a >= buf && a + len <= buf + n);
	memcpy(out, a, len);
	out[len] = '\0';
	return len;
}

#define ANSWER(lit, want) do {						\
	char out_[256];							\
	answer((lit), sizeof(lit) - 1, out_);				\
	if (strcmp(out_, (want)) != 0) {				\
		fprintf(stderr, "expert_answer(\"%s\") = \"%s\", "	\
		    "want \"%s\"\n", #lit, out_, (want));		\
		exit(1);						\
	}								\
} while (0)

/* expert_answer: the first non-blank line, controls to spaces, trimmed. */
static void
test_answer(void)
{
	ANSWER("  positive \n", "positive");
	ANSWER("positive\n", "positive");
	ANSWER("positive", "positive");
	ANSWER("\n\n  \n\t\npositive\nnegative\n", "positive");
	ANSWER("\tpos\titive\t\n", "pos itive");
	ANSWER("yes\r\n", "yes");
	ANSWER("\r\n\r\nyes\r\nno\r\n", "yes");
	ANSWER("a\x01" "b\x7f" "c\x1b" "d\n", "a b c d");
	ANSWER("a\0b\n", "a b");
	ANSWER("very good\n", "very good");
	ANSWER("caf\xc3\xa9\n", "caf\xc3\xa9");
	ANSWER("", "");
	ANSWER("\n", "");
	ANSWER("   \n \t \n", "");
	ANSWER("   ", "");
	{
		char out[4];

		assert(answer("", 0, out) == 0);
		assert(answer(" \n\n ", 4, out) == 0);
	}
}

/* expert_new refuses bad options; wait with nothing in flight is EINVAL. */
static void
test_new_wait_errors(void)
{
	struct expert_opts o = { .cmd = "cat", .jobs = 0, .batch = 1 };
	struct expert_done d;
	struct expert *x;

	errno = 0;
	assert(expert_new(&o) == NULL && errno == EINVAL);
	o.jobs = EXPERT_JOBS_MAX + 1;
	errno = 0;
	assert(expert_new(&o) == NULL && errno == EINVAL);
	o.jobs = 1;
	o.retries = -1;
	errno = 0;
	assert(expert_new(&o) == NULL && errno == EINVAL);
	o.retries = 0;
	o.batch = 0;
	errno = 0;
	assert(expert_new(&o) == NULL && errno == EINVAL);
	o.batch = EXPERT_BATCH_MAX + 1;
	errno = 0;
	assert(expert_new(&o) == NULL && errno == EINVAL);
	o.batch = 1;
	o.timeout = -1;
	errno = 0;
	assert(expert_new(&o) == NULL && errno == EINVAL);
	expert_free(NULL);

	x = pool("cat", 1, 0, 0);
	assert(expert_busy(x) == 0);
	errno = 0;
	assert(expert_wait(x, &d, -1) == -1 && errno == EINVAL);
	/* More calls than jobs: refused, not queued. */
	assert(submit(x, 1, "a", 1) == 0);
	assert(submit(x, 2, "b", 1) == -1);
	assert(expert_busy(x) == 1);
	assert(expert_wait(x, &d, -1) == 0 && d.n == 1 && d.tag[0] == 1);
	assert(d.status == EXPERT_OK && strcmp(d.answer[0], "a") == 0);
	errno = 0;
	assert(expert_wait(x, &d, -1) == -1 && errno == EINVAL);
	expert_free(x);
	no_children("errors");
}

/* cat: the answer is the item; the item is never parsed by the shell. */
static void
test_cat(void)
{
	struct expert_done d;
	char ans[256];

	call_s("cat", 5, 0, "positive", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && d.code == 0);
	assert(strcmp(ans, "positive") == 0);
	assert(d.retries == 0 && d.secs >= 0 && d.secs < 5);
	call_s("cat", 5, 0, "  The answer: Yes.  ", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && strcmp(ans, "The answer: Yes.") == 0);
	call_s("cat", 5, 0, "$(echo injected) `echo x` ; exit 9 'a\"", &d,
	    ans, sizeof(ans));
	assert(d.status == EXPERT_OK);
	assert(strcmp(ans, "$(echo injected) `echo x` ; exit 9 'a\"") == 0);
	/* More than one line back: the first that is not blank. */
	call_s("echo; echo '  '; echo first; echo second", 5, 0, "x", &d, ans,
	    sizeof(ans));
	assert(d.status == EXPERT_OK && strcmp(ans, "first") == 0);
	/* An item with a NUL byte reaches the expert whole. */
	call("tr '\\000' '#'", 5, 0, "a\0b", 3, &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && strcmp(ans, "a#b") == 0);
	/* The expert sees the item and a newline. */
	call_s("wc -l", 5, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && strcmp(ans, "1") == 0);
	call_s("wc -c", 5, 0, "", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && strcmp(ans, "1") == 0);
}

/* Exit codes, no answer, signals, commands that cannot run. */
static void
test_failures(void)
{
	struct expert_done d;
	char ans[256];
	double t;

	call_s("exit 3", 5, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_EXIT && d.code == 3);
	/* A non-zero exit is a failure even with an answer. */
	call_s("echo positive; exit 1", 5, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_EXIT && d.code == 1);
	/* Exit 0 without an answer: OK, and the answer is empty. */
	call_s("true", 5, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && ans[0] == '\0');
	call_s("printf '  \\n\\t\\n'", 5, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && ans[0] == '\0');
	call_s("kill -9 $$", 5, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_SIGNAL && d.code == SIGKILL);
	call_s("kill -TERM $$", 5, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_SIGNAL && d.code == SIGTERM);
	/* 127 is not retried: the command will not appear. */
	t = call_s("nonexistent-cascade-expert 2>/dev/null", 5, 2, "x", &d,
	    ans, sizeof(ans));
	assert(d.status == EXPERT_EXIT && d.code == 127);
	assert(d.retries == 0 && t < 2);
	/* An expert that answers without reading a large item. */
	{
		size_t n = 1 << 20;
		char *big = malloc(n);

		assert(big != NULL);
		memset(big, 'z', n);
		call("echo early", 5, 0, big, n, &d, ans, sizeof(ans));
		assert(d.status == EXPERT_OK && strcmp(ans, "early") == 0);
		call("head -c 3", 5, 0, big, n, &d, ans, sizeof(ans));
		assert(d.status == EXPERT_OK && strcmp(ans, "zzz") == 0);
		free(big);
	}
}

/* A call past its timeout is killed and reported promptly. */
static void
test_timeout(void)
{
	struct expert_done d;
	double t;

	t = call_s("sleep 5", 0.3, 0, "x", &d, NULL, 0);
	assert(d.status == EXPERT_TIMEOUT);
	if (t < 0.3 || t > 1.5) {
		fprintf(stderr, "timeout 0.3 of sleep 5 took %.2f s\n", t);
		exit(1);
	}
	/* Its children die with it (it runs in a group of its own). */
	t = call_s("sleep 5 & sleep 6; wait", 0.3, 0, "x", &d, NULL, 0);
	assert(d.status == EXPERT_TIMEOUT && t < 1.5);
	/* TERM ignored: KILL after the grace period. */
	t = call_s("trap '' TERM; sleep 5", 0.2, 0, "x", &d, NULL, 0);
	assert(d.status == EXPERT_TIMEOUT);
	if (t > 3.5) {
		fprintf(stderr, "TERM-proof expert took %.2f s\n", t);
		exit(1);
	}
	/* A timeout of 0 is none. */
	call_s("sleep 0.3; echo late", 0, 0, "x", &d, NULL, 0);
	assert(d.status == EXPERT_OK);
}

/* Four jobs run at once: four 0.2 s calls take well under 0.8 s. */
static void
test_jobs(void)
{
	struct expert *x = pool("sleep 0.2; cat", 4, 5, 0);
	struct expert_done d;
	char item[16];
	int seen[4] = { 0 }, i;
	double t0 = expert_now(), t;

	for (i = 0; i < 4; i++) {
		snprintf(item, sizeof(item), "item%d", i);
		assert(submit(x, (uint64_t)(100 + i), item,
		    strlen(item)) == 0);
	}
	assert(expert_busy(x) == 4);
	assert(submit(x, 999, "no room", 7) == -1);
	for (i = 0; i < 4; i++) {
		assert(expert_wait(x, &d, -1) == 0);
		assert(d.status == EXPERT_OK);
		assert(d.n == 1 && d.tag[0] >= 100 && d.tag[0] < 104);
		snprintf(item, sizeof(item), "item%d", (int)(d.tag[0] - 100));
		assert(strcmp(d.answer[0], item) == 0);
		assert(!seen[d.tag[0] - 100]);
		seen[d.tag[0] - 100] = 1;
	}
	t = expert_now() - t0;
	assert(expert_busy(x) == 0);
	expert_free(x);
	no_children("jobs");
	if (t >= 0.6) {
		fprintf(stderr, "4 jobs of 0.2 s took %.2f s\n", t);
		exit(1);
	}
}

/* A pool is reused: many calls through few slots, tags kept apart. */
static void
test_reuse(void)
{
	struct expert *x = pool("cat", 3, 5, 0);
	struct expert_done d;
	char item[32];
	int next = 0, done = 0, total = 20;

	while (done < total) {
		while (next < total && expert_busy(x) < 3) {
			snprintf(item, sizeof(item), "answer %d", next);
			assert(submit(x, (uint64_t)next, item,
			    strlen(item)) == 0);
			next++;
		}
		assert(expert_wait(x, &d, -1) == 0);
		snprintf(item, sizeof(item), "answer %d", (int)d.tag[0]);
		assert(d.status == EXPERT_OK && strcmp(d.answer[0], item) == 0);
		done++;
	}
	expert_free(x);
	no_children("reuse");
}

/* A 4 MB item through cat: no deadlock, the answer capped. */
static void
test_big_item(void)
{
	size_t n = 4u << 20;
	char *big = malloc(n);
	struct expert *x = pool("cat", 1, 30, 0);
	struct expert_done d;
	size_t i;
	double t0 = expert_now();

	assert(big != NULL);
	memset(big, 'a', n);
	assert(submit(x, 1, big, n) == 0);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK);
	assert(d.len[0] == EXPERT_ANSWER_MAX);
	for (i = 0; i < d.len[0]; i++)
		assert(d.answer[0][i] == 'a');
	assert(d.answer[0][d.len[0]] == '\0');
	assert(expert_now() - t0 < 10);
	/* The slot is clean for the next call. */
	assert(submit(x, 2, "x", 1) == 0);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK && strcmp(d.answer[0], "x") == 0);
	expert_free(x);
	free(big);
	no_children("big item");
}

/* A failing call is tried again, retries times. */
static void
test_retries(void)
{
	struct expert_done d;
	char dirt[] = "/tmp/unit_expert.XXXXXX", cmd[128], ans[64];
	double t;

	t = call_s("exit 1", 5, 2, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_EXIT && d.code == 1);
	assert(d.retries == 2);
	assert(t >= 0.25 && t < 3);	/* pauses of 0.1 s, then 0.2 s */
	assert(d.secs >= 0.25);
	call_s("kill -9 $$", 5, 1, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_SIGNAL && d.retries == 1);
	call_s("sleep 5", 0.1, 1, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_TIMEOUT && d.retries == 1);
	/* Fails once, then answers: OK after one retry. */
	assert(mkdtemp(dirt) != NULL);
	snprintf(cmd, sizeof(cmd),
	    "if [ -e %s/once ]; then cat; else touch %s/once; exit 1; fi",
	    dirt, dirt);
	call_s(cmd, 5, 3, "second try", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && d.retries == 1);
	assert(strcmp(ans, "second try") == 0);
	snprintf(cmd, sizeof(cmd), "%s/once", dirt);
	assert(unlink(cmd) == 0);
	assert(rmdir(dirt) == 0);
}

/* A background child holding stdout does not hold the call. */
static void
test_background(void)
{
	struct expert_done d;
	char ans[64];
	double t;

	t = call_s("echo ok; sleep 10 &", 30, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && strcmp(ans, "ok") == 0);
	if (t > 2) {
		fprintf(stderr, "background child held the call %.2f s\n", t);
		exit(1);
	}
	/* It does not need a timeout either. */
	t = call_s("echo ok; sleep 10 &", 0, 0, "x", &d, ans, sizeof(ans));
	assert(d.status == EXPERT_OK && strcmp(ans, "ok") == 0 && t < 2);
}

/* Gathers the items of a NULL-terminated list (tags 1, 2, ...), sends. */
static void
send_items(struct expert *x, const char **items)
{
	int i;

	for (i = 0; items[i] != NULL; i++)
		assert(expert_add(x, (uint64_t)(i + 1), items[i],
		    strlen(items[i])) == i + 1);
	assert(expert_send(x) == 0);
}

/* A batch: one line back per item, in order; any other count fails. */
static void
test_batch(void)
{
	static const char *items[] = { "one", "  two  ", "three", NULL };
	struct expert *x = pool_opts("cat", 1, 3, 0, 5, 0);
	struct expert_done d;
	int i;

	/* Nothing gathered: EINVAL. */
	errno = 0;
	assert(expert_send(x) == -1 && errno == EINVAL);
	send_items(x, items);
	assert(expert_busy(x) == 1);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK && d.n == 3);
	for (i = 0; i < 3; i++)
		assert(d.tag[i] == (uint64_t)(i + 1));
	assert(strcmp(d.answer[0], "one") == 0 && d.len[0] == 3);
	assert(strcmp(d.answer[1], "two") == 0 && d.len[1] == 3);
	assert(strcmp(d.answer[2], "three") == 0);
	assert(expert_add(x, 1, "a", 1) == 1);
	assert(expert_add(x, 2, "b", 1) == 2);
	assert(expert_add(x, 3, "c", 1) == 3);
	/* More than batch items: ENOSPC. */
	errno = 0;
	assert(expert_add(x, 4, "d", 1) == -1 && errno == ENOSPC);
	assert(expert_send(x) == 0);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK && d.n == 3);
	assert(strcmp(d.answer[2], "c") == 0);
	/* A partial batch is a batch. */
	assert(expert_add(x, 9, "only", 4) == 1);
	assert(expert_send(x) == 0);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK && d.n == 1 && d.tag[0] == 9);
	assert(strcmp(d.answer[0], "only") == 0);
	expert_free(x);
	no_children("batch");

	/* Blank lines are items without an answer, not skipped. */
	x = pool_opts("echo a; echo; echo c", 1, 3, 0, 5, 0);
	send_items(x, items);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK && d.n == 3);
	assert(d.len[1] == 0 && strcmp(d.answer[2], "c") == 0);
	expert_free(x);
	/* The last line may lack its newline. */
	x = pool_opts("printf 'a\\nb\\nc'", 1, 3, 0, 5, 0);
	send_items(x, items);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK && strcmp(d.answer[2], "c") == 0);
	expert_free(x);
	no_children("batch lines");
}

/* A batch answered with too few or too many lines fails as a whole. */
static void
test_batch_count(void)
{
	static const char *items[] = { "a", "b", "c", NULL };
	static const char *cmds[] = {
		"head -n 2", "cat; echo extra", "true", "echo one line"
	};
	struct expert *x;
	struct expert_done d;
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		x = pool_opts(cmds[i], 1, 3, 0, 5, 0);
		send_items(x, items);
		assert(expert_wait(x, &d, -1) == 0);
		if (d.status != EXPERT_COUNT) {
			fprintf(stderr, "batch of 3 through '%s': status %d, "
			    "want EXPERT_COUNT\n", cmds[i], (int)d.status);
			exit(1);
		}
		assert(d.n == 3 && d.tag[2] == 3);
		expert_free(x);
	}
	/* With retries, it is tried again. */
	x = pool_opts("head -n 1", 1, 3, 0, 5, 1);
	send_items(x, items);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_COUNT && d.retries == 1);
	expert_free(x);
	no_children("batch count");
}

/* Persistent: one process per slot answers call after call. */
static void
test_persistent(void)
{
	/* Answers "N TAB PID item", so that the process can be told apart. */
	const char *cmd = "t=$(printf '\\t'); while IFS=\"$t\" read -r n l; do "
	    "printf '%s\\t%s %s\\n' \"$n\" $$ \"$l\"; done";
	struct expert *x = pool_opts(cmd, 1, 2, 1, 5, 0);
	struct expert_done d;
	char pid[32] = "", *sp;
	static const char *two[] = { "x", "y", NULL };
	int i;

	for (i = 0; i < 5; i++) {
		char item[16];

		snprintf(item, sizeof(item), "item%d", i);
		assert(submit(x, (uint64_t)i, item, strlen(item)) == 0);
		assert(expert_wait(x, &d, -1) == 0);
		if (d.status != EXPERT_OK) {
			fprintf(stderr, "persistent call %d: status %d code "
			    "%d\n", i, (int)d.status, d.code);
			exit(1);
		}
		assert(d.n == 1 && d.tag[0] == (uint64_t)i);
		assert((sp = strchr(d.answer[0], ' ')) != NULL);
		assert(strcmp(sp + 1, item) == 0);
		*sp = '\0';
		if (i == 0)
			snprintf(pid, sizeof(pid), "%s", d.answer[0]);
		else if (strcmp(pid, d.answer[0]) != 0) {
			fprintf(stderr, "persistent: call %d ran in a new "
			    "process\n", i);
			exit(1);
		}
	}
	/* A batch to the same process. */
	send_items(x, two);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_OK && d.n == 2);
	assert(strncmp(d.answer[0], pid, strlen(pid)) == 0);
	assert(strcmp(d.answer[1] + strlen(pid), " y") == 0);
	/* Freed while idle: killed and reaped. */
	expert_free(x);
	no_children("persistent");
}

/* Persistent: a process that dies is started again, the call retried. */
static void
test_persistent_restart(void)
{
	/* Answers one item, then exits. */
	struct expert *x = pool_opts("IFS= read -r l; echo \"$l\"", 1, 1, 1,
	    5, 0);
	struct expert_done d;
	int i;

	for (i = 0; i < 3; i++) {
		assert(submit(x, (uint64_t)i, "again", 5) == 0);
		assert(expert_wait(x, &d, -1) == 0);
		if (d.status != EXPERT_OK || strcmp(d.answer[0], "again")) {
			fprintf(stderr, "persistent restart, call %d: status "
			    "%d\n", i, (int)d.status);
			exit(1);
		}
	}
	expert_free(x);
	no_children("persistent restart");

	/* One that never answers: a timeout, and the pool still works. */
	x = pool_opts("cat >/dev/null", 1, 1, 1, 0.2, 0);
	{
		double t0 = expert_now();

		assert(submit(x, 1, "x", 1) == 0);
		assert(expert_wait(x, &d, -1) == 0);
		assert(d.status == EXPERT_TIMEOUT);
		assert(expert_now() - t0 < 3);
	}
	expert_free(x);
	no_children("persistent timeout");

	/* One that dies at once: a failure, not a hang. */
	x = pool_opts("exit 4", 1, 1, 1, 5, 0);
	assert(submit(x, 1, "x", 1) == 0);
	assert(expert_wait(x, &d, -1) == 0);
	if (d.status != EXPERT_EXIT || d.code != 4) {
		fprintf(stderr, "persistent 'exit 4': status %d code %d, "
		    "want EXPERT_EXIT 4\n", (int)d.status, d.code);
		exit(1);
	}
	expert_free(x);
	no_children("persistent exit");
}

/*
 * Persistent: a line that does not carry the item's number (a banner, an
 * answer to the item before) fails the call; it is never taken.
 */
static void
test_persistent_seq(void)
{
	struct expert *x;
	struct expert_done d;
	char line[32];
	size_t len;

	strcpy(line, "12\t yes ");
	assert(strcmp(expert_seq(line, strlen(line), 12, &len), "yes ") == 0);
	assert(len == 3);
	strcpy(line, "12\tyes");
	assert(expert_seq(line, strlen(line), 1, &len) == NULL);
	assert(expert_seq(line, strlen(line), 123, &len) == NULL);
	strcpy(line, "12 yes");
	assert(expert_seq(line, strlen(line), 12, &len) == NULL);
	assert(expert_seq(line, 0, 0, &len) == NULL);

	x = pool_opts("echo banner; while IFS= read -r l; do echo \"$l\"; done",
	    1, 1, 1, 5, 2);
	assert(submit(x, 7, "seven", 5) == 0);
	assert(expert_wait(x, &d, -1) == 0);
	assert(d.status == EXPERT_PROTOCOL && d.retries == 3);
	expert_free(x);
	no_children("persistent banner");
}

/* The pause before a retry doubles, up to a cap, and never overflows. */
static void
test_backoff(void)
{
	int i;

	assert(expert_backoff(1) > 0);
	assert(expert_backoff(2) == 2 * expert_backoff(1));
	for (i = 1; i < 1000; i++) {
		assert(expert_backoff(i + 1) >= expert_backoff(i));
		assert(expert_backoff(i) <= 5);
	}
	assert(expert_backoff(1 << 30) == expert_backoff(40));
}

/* *stop set: expert_wait returns EINTR; the call is still there. */
static void
test_stop(void)
{
	static volatile sig_atomic_t stop;
	struct expert_opts o = {
		.cmd = "cat", .jobs = 1, .batch = 1, .timeout = 5, .stop = &stop
	};
	struct expert *x = expert_new(&o);
	struct expert_done d;

	assert(x != NULL);
	assert(submit(x, 5, "x", 1) == 0);
	stop = 1;
	errno = 0;
	assert(expert_wait(x, &d, -1) == -1 && errno == EINTR);
	assert(expert_busy(x) == 1);
	stop = 0;
	assert(expert_wait(x, &d, -1) == 0 && d.tag[0] == 5);
	assert(d.status == EXPERT_OK && strcmp(d.answer[0], "x") == 0);
	expert_free(x);
	no_children("stop");
}

/* expert_free with calls in flight kills and reaps them at once. */
static void
test_free_busy(void)
{
	struct expert *x = pool("sleep 10", 4, 0, 0);
	struct expert_done d;
	double t0;
	int i;

	for (i = 0; i < 4; i++)
		assert(submit(x, (uint64_t)i, "x", 1) == 0);
	nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	t0 = expert_now();
	expert_free(x);
	assert(expert_now() - t0 < 2);
	no_children("expert_free");

	/* Also a call that never read its item, and one that ended. */
	x = pool("sleep 10", 2, 0, 0);
	{
		size_t n = 1 << 20;
		char *big = calloc(1, n);

		assert(big != NULL);
		assert(submit(x, 1, big, n) == 0);
		free(big);
	}
	expert_free(x);
	no_children("expert_free, big item");

	x = pool("cat", 2, 0, 0);
	assert(submit(x, 1, "x", 1) == 0);
	assert(expert_wait(x, &d, -1) == 0);
	assert(submit(x, 2, "y", 1) == 0);
	expert_free(x);
	no_children("expert_free after a call");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_answer();
	test_new_wait_errors();
	test_cat();
	test_failures();
	test_timeout();
	test_jobs();
	test_reuse();
	test_big_item();
	test_retries();
	test_background();
	test_batch();
	test_batch_count();
	test_persistent();
	test_persistent_restart();
	test_persistent_seq();
	test_backoff();
	test_stop();
	test_free_busy();
	no_children("the end");
	printf("unit_expert: all passed\n");
	return 0;
}
