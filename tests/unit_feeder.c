/*
 * unit_feeder: tests of lib/feeder.h: every line in order with the
 * features text_features makes of its field, across blocks and around a
 * huge line, which comes without them; empty lines and a last line
 * without a newline; a stalled input said once what was read is given;
 * the end; a read error; a closed fd; a stop while the input stalls or
 * while a long line is read.  Exits 0 when every check passes; a failed
 * assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/feeder.h"

#define LINES	3000
#define HUGE	(3u << 20)	/* bytes of the huge line, past a block's */

static volatile sig_atomic_t stop;

/* Line k of the stream: its id, a tab, and words that vary with k. */
static size_t
line_of(unsigned k, char *s, size_t size)
{
	size_t n;
	unsigned i;

	n = (size_t)snprintf(s, size, "%u\t", k);
	for (i = 0; i < k % 23; i++)
		n += (size_t)snprintf(s + n, size - n, "w%u Don't! ",
		    (k * 31 + i) % 97);
	return n;
}

static void
put(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0)
			_exit(1);
		s += w;
		n -= (size_t)w;
	}
}

/*
 * Whether f holds what text_features makes of field 2 of line; NULL, a
 * line the caller makes the features of, does.
 */
static int
same(const struct feats *f, const char *line, size_t len)
{
	struct feats g;
	const char *text;
	size_t tlen;
	int r;

	if (f == NULL)
		return 1;
	feats_init(&g);
	text_field(line, len, '\t', 2, &text, &tlen);
	assert(text_features(&g, TEXT_WORDS, text, tlen) == 0);
	r = f->n == g.n && f->nwords == g.nwords && f->ndense == 0 &&
	    memcmp(f->hash, g.hash, g.n * sizeof(*g.hash)) == 0 &&
	    memcmp(f->val, g.val, g.n * sizeof(*g.val)) == 0;
	feats_release(&g);
	return r;
}

/* Waits for feeder_next's next answer that is not a stall. */
static int
next(struct feeder *fe, const char **line, size_t *len,
    const struct feats **f)
{
	struct pollfd p = { feeder_fd(fe), POLLIN, 0 };
	int got;

	while ((got = feeder_next(fe, line, len, f)) == 0)
		assert(poll(&p, 1, 5000) == 1);
	return got;
}

/*
 * LINES lines, the huge one among them, written by a child in pieces of
 * odd sizes: each comes back in order, whole, with its features.
 */
static void
test_order(void)
{
	static char buf[HUGE + 64];
	const struct feats *f;
	struct feeder *fe;
	const char *line;
	size_t len, n;
	unsigned k;
	int fd[2];
	pid_t pid;

	assert(pipe(fd) == 0);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		for (k = 0; k < LINES; k++) {
			if (k == LINES / 2) {
				memset(buf, 'a', HUGE);
				buf[0] = '0';
				buf[1] = '\t';
				buf[HUGE] = '\n';
				put(fd[1], buf, HUGE + 1);
			}
			n = line_of(k, buf, sizeof(buf));
			buf[n++] = '\n';
			put(fd[1], buf, n / 2);
			put(fd[1], buf + n / 2, n - n / 2);
		}
		_exit(0);
	}
	assert(pid > 0);
	close(fd[1]);
	assert((fe = feeder_new(fd[0], TEXT_WORDS, 2, '\t', &stop)) != NULL);
	for (k = 0; k < LINES; k++) {
		if (k == LINES / 2) {
			assert(next(fe, &line, &len, &f) == 1);
			assert(len == HUGE && line[0] == '0' &&
			    line[HUGE - 1] == 'a');
			assert(f == NULL);	/* the caller makes them */
		}
		assert(next(fe, &line, &len, &f) == 1);
		n = line_of(k, buf, sizeof(buf));
		assert(len == n && memcmp(line, buf, n) == 0);
		assert(same(f, line, len));
	}
	errno = EINVAL;
	assert(next(fe, &line, &len, &f) == -1 && errno == 0);
	feeder_free(fe);
	close(fd[0]);
	assert(waitpid(pid, NULL, 0) == pid);
}

/* Writes `lines` lines of line_of() words to fd, in a child. */
static pid_t
writer(int fd, unsigned lines, unsigned words)
{
	static char buf[1 << 16];
	size_t n, w;
	unsigned k;
	pid_t pid;

	if ((pid = fork()) != 0)
		return pid;
	for (k = 0; k < lines; k++) {
		n = (size_t)snprintf(buf, sizeof(buf), "%u\t", k);
		for (w = 0; w < words; w++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "word%u ", (unsigned)((k * 7 + w * 13) % 997));
		buf[n++] = '\n';
		put(fd, buf, n);
	}
	_exit(0);
}

/*
 * A caller that comes late finds the features of every line made.  One
 * that takes lines faster than the thread makes their features is handed
 * blocks before they are all made, and makes the rest itself (no
 * features): the lines still come whole and in order.
 */
static void
test_ahead(void)
{
	const struct feats *f;
	struct feeder *fe;
	const char *line;
	size_t len;
	unsigned k, bare = 0, lines;
	int fd[2], late;
	pid_t pid;
	struct timespec t = { 0, 300000000 };

	for (late = 1; late >= 0; late--) {
		/* late: all of it in the pipe's buffer, so in one block */
		lines = late ? 30 : 20 * 256;
		assert(pipe(fd) == 0);
		assert((pid = writer(fd[1], lines, late ? 50 : 200)) > 0);
		close(fd[1]);
		if (late)
			assert(waitpid(pid, NULL, 0) == pid);
		assert((fe = feeder_new(fd[0], TEXT_WORDS, 2, '\t',
		    &stop)) != NULL);
		if (late)
			nanosleep(&t, NULL);
		for (k = 0; k < lines; k++) {
			assert(next(fe, &line, &len, &f) == 1);
			assert(strtoul(line, NULL, 10) == k && line[len - 1] == ' ');
			assert(same(f, line, len));
			bare += f == NULL;
		}
		assert(next(fe, &line, &len, &f) == -1 && errno == 0);
		feeder_free(fe);
		close(fd[0]);
		if (late)
			assert(bare == 0);
		else
			assert(waitpid(pid, NULL, 0) == pid && bare > 0);
		bare = 0;
	}
}

/*
 * Lines that are all there is for now come out, then the stall, once;
 * the notice says when there is more; the end comes after.
 */
static void
test_stall(void)
{
	const struct feats *f;
	struct feeder *fe;
	struct pollfd p;
	const char *line;
	size_t len;
	int fd[2];

	assert(pipe(fd) == 0);
	put(fd[1], "1\tone\n2\ttwo\n", 12);
	assert((fe = feeder_new(fd[0], TEXT_WORDS, 2, '\t', &stop)) != NULL);
	assert(feeder_next(fe, &line, &len, &f) == 1);
	assert(len == 5 && memcmp(line, "1\tone", 5) == 0);
	assert(feeder_next(fe, &line, &len, &f) == 1);
	assert(len == 5 && memcmp(line, "2\ttwo", 5) == 0);
	assert(feeder_next(fe, &line, &len, &f) == 0);
	p.fd = feeder_fd(fe);
	p.events = POLLIN;
	assert(poll(&p, 1, 200) == 0);	/* nothing new: no notice */
	put(fd[1], "3\tthree", 7);	/* no newline yet: no line */
	assert(poll(&p, 1, 300) == 0);
	put(fd[1], "\n", 1);
	assert(poll(&p, 1, 5000) == 1);
	assert(next(fe, &line, &len, &f) == 1);
	assert(len == 7 && memcmp(line, "3\tthree", 7) == 0);
	assert(same(f, line, len));
	close(fd[1]);
	assert(next(fe, &line, &len, &f) == -1 && errno == 0);
	feeder_free(fe);
	close(fd[0]);
}

/* A feeder stopped while its input stalls, or before it is read, ends. */
static void
test_stop(void)
{
	struct feeder *fe;
	int fd[2];
	struct timespec t = { 0, 10000000 };

	assert(pipe(fd) == 0);
	assert((fe = feeder_new(fd[0], TEXT_WORDS, 0, '\t', &stop)) != NULL);
	nanosleep(&t, NULL);
	feeder_free(fe);
	assert((fe = feeder_new(fd[0], TEXT_WORDS, 0, '\t', &stop)) != NULL);
	feeder_free(fe);
	feeder_free(NULL);
	close(fd[0]);
	close(fd[1]);
}

/* Empty lines, and a last line without a newline, come out as they are. */
static void
test_edges(void)
{
	static const char in[] = "\n\n1\tgood film\n\n2\tlast";
	const struct feats *f;
	struct feeder *fe;
	const char *line;
	size_t len;
	int fd[2];

	assert(pipe(fd) == 0);
	put(fd[1], in, sizeof(in) - 1);
	close(fd[1]);
	assert((fe = feeder_new(fd[0], TEXT_WORDS, 2, '\t', &stop)) != NULL);
	assert(next(fe, &line, &len, &f) == 1 && len == 0 && same(f, line, 0));
	assert(next(fe, &line, &len, &f) == 1 && len == 0);
	assert(next(fe, &line, &len, &f) == 1 && len == 11);
	assert(memcmp(line, "1\tgood film", 11) == 0 && same(f, line, len));
	/* words and their pair, grams, bias */
	assert(f == NULL || f->n == 3 + 6 + 1);
	assert(next(fe, &line, &len, &f) == 1 && len == 0);
	assert(next(fe, &line, &len, &f) == 1 && len == 6);
	assert(memcmp(line, "2\tlast", 6) == 0 && same(f, line, len));
	assert(next(fe, &line, &len, &f) == -1 && errno == 0);
	feeder_free(fe);
	close(fd[0]);
}

/* A directory cannot be read: its errno, not the end; a closed fd: EBADF. */
static void
test_errors(void)
{
	const struct feats *f;
	struct feeder *fe;
	const char *line;
	size_t len;
	int fd;

	assert((fd = open(".", O_RDONLY)) >= 0);
	assert((fe = feeder_new(fd, TEXT_WORDS, 0, '\t', &stop)) != NULL);
	assert(next(fe, &line, &len, &f) == -1 && errno == EISDIR);
	feeder_free(fe);
	close(fd);
	errno = 0;
	assert(feeder_new(fd, TEXT_WORDS, 0, '\t', &stop) == NULL &&
	    errno == EBADF);
}

/*
 * A stop (what a signal handler sets) ends a wait for a line that is
 * still being read, and the thread with it.
 */
static void
on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

static void
test_stop_long(void)
{
	static char buf[1 << 16];
	struct sigaction sa;
	struct pollfd p;
	int got;
	const struct feats *f;
	struct feeder *fe;
	const char *line;
	size_t len;
	int fd[2];
	pid_t pid;

	assert(pipe(fd) == 0);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		memset(buf, 'a', sizeof(buf));
		for (;;)	/* a line without end */
			put(fd[1], buf, sizeof(buf));
	}
	assert(pid > 0);
	close(fd[1]);
	assert((fe = feeder_new(fd[0], TEXT_WORDS, 0, '\t', &stop)) != NULL);
	/* The alarm's handler sets stop while feeder_next waits. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	assert(sigaction(SIGALRM, &sa, NULL) == 0);
	alarm(1);
	p.fd = feeder_fd(fe);
	p.events = POLLIN;
	/* The thread may outrun the writer: stalls, until the alarm. */
	while ((got = feeder_next(fe, &line, &len, &f)) == 0)
		poll(&p, 1, -1);
	assert(got == -1 && errno == EINTR && stop == 1);
	feeder_free(fe);
	stop = 0;
	close(fd[0]);
	assert(waitpid(pid, NULL, 0) == pid);
}

int
main(void)
{
	test_order();
	test_ahead();
	test_edges();
	test_stall();
	test_errors();
	test_stop();
	test_stop_long();
	return 0;
}
