/*
 * expert: the expert's processes (see expert.h).
 *
 * A slot runs one call at a time: free, running, or paused before a retry.
 * The items of the next call are gathered in the pool, then handed to a
 * free slot by swapping buffers, so that nothing is copied twice and no
 * buffer is allocated once the stream has settled.  A child that exits
 * without closing its stdout (a background process of its holds the pipe)
 * is seen by polling waitpid() every few milliseconds, since poll() cannot
 * wait for a child.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "expert.h"

#define GRACE		1.0	/* seconds between TERM and KILL */
#define BACKOFF		0.1	/* first pause before a retry, seconds */
#define BACKOFF_MAX	5.0	/* longest pause before a retry, seconds */
#define TICK		0.05	/* how often a silent child's exit is checked */
#define OUT_MIN		256	/* first size of a slot's output buffer */

enum { FREE, RUNNING, PAUSED };

struct call {
	uint64_t *tag;
	size_t n, cap;
	char *in;		/* the items, each newline-terminated */
	size_t inlen, incap;
};

struct slot {
	int state;
	struct call c;
	size_t inoff;
	char *out;		/* what the child wrote, up to outmax */
	size_t outlen, outcap, outmax, lines, linelen;
	int oom;		/* the output could not be kept */
	char **answer;
	size_t *len, ncap;
	pid_t pid;		/* -1: no process */
	int fdin, fdout;	/* -1 once closed */
	int exited, wstatus, killed, err;
	int tries;
	double first, start, wake;	/* wake: kill or retry time */
	double eof;		/* when a persistent one closed its stdout */
};

struct expert {
	struct expert_opts o;
	struct slot *slot;
	int busy;
	int limit;		/* calls at once that the system allows */
	struct call gather;
	int next;		/* the slot to check first */
	struct pollfd *pfd;
	struct slot **pslot;
};

double
expert_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct expert *
expert_new(const struct expert_opts *o)
{
	struct expert *x;
	int i;

	if (o->jobs < 1 || o->jobs > EXPERT_JOBS_MAX || o->batch < 1 ||
	    o->batch > EXPERT_BATCH_MAX || o->retries < 0 || o->timeout < 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->o = *o;
	x->limit = o->jobs;
	x->slot = calloc((size_t)o->jobs, sizeof(*x->slot));
	x->pfd = calloc(2 * (size_t)o->jobs + 1, sizeof(*x->pfd));
	x->pslot = calloc(2 * (size_t)o->jobs, sizeof(*x->pslot));
	if (x->slot == NULL || x->pfd == NULL || x->pslot == NULL) {
		expert_free(x);
		return NULL;
	}
	for (i = 0; i < o->jobs; i++) {
		x->slot[i].pid = -1;
		x->slot[i].fdin = x->slot[i].fdout = -1;
	}
	return x;
}

static void
closefd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* Ends a slot's process for good: pipes closed, group killed, reaped. */
static void
finish(struct slot *s)
{
	closefd(&s->fdin);
	closefd(&s->fdout);
	if (s->pid == -1)
		return;
	/* The group outlives its leader while a background child lives. */
	kill(-s->pid, SIGKILL);
	if (!s->exited)
		while (waitpid(s->pid, &s->wstatus, 0) == -1 && errno == EINTR)
			;
	s->exited = 1;
	s->pid = -1;
}

static void
call_release(struct call *c)
{
	free(c->tag);
	free(c->in);
}

void
expert_free(struct expert *x)
{
	int i;

	if (x == NULL)
		return;
	for (i = 0; x->slot != NULL && i < x->o.jobs; i++) {
		struct slot *s = &x->slot[i];

		finish(s);
		call_release(&s->c);
		free(s->out);
		free(s->answer);
		free(s->len);
	}
	call_release(&x->gather);
	free(x->slot);
	free(x->pfd);
	free(x->pslot);
	free(x);
}

int
expert_busy(const struct expert *x)
{
	return x->busy;
}

int
expert_jobs(const struct expert *x)
{
	return x->limit;
}

void
expert_discard(struct expert *x)
{
	x->gather.n = x->gather.inlen = 0;
}

double
expert_backoff(int tries)
{
	double d = BACKOFF;

	while (--tries > 0 && d < BACKOFF_MAX)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

int
expert_add(struct expert *x, uint64_t tag, const char *s, size_t n)
{
	struct call *c = &x->gather;
	char seq[24];
	size_t k = 0;

	/* In persistent mode an item goes out as SEQ TAB TEXT. */
	if (x->o.persistent)
		k = (size_t)snprintf(seq, sizeof(seq), "%llu\t",
		    (unsigned long long)tag);
	if (c->n == (size_t)x->o.batch) {
		errno = ENOSPC;
		return -1;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4;
		uint64_t *t = realloc(c->tag, cap * sizeof(*t));

		if (t == NULL)
			return -1;
		c->tag = t;
		c->cap = cap;
	}
	if (n > SIZE_MAX - 32 - c->inlen) {
		errno = ENOMEM;
		return -1;
	}
	if (k + n + 1 > c->incap - c->inlen) {
		size_t cap = c->incap ? c->incap : 256;
		char *p;

		while (k + n + 1 > cap - c->inlen)
			cap *= 2;
		if ((p = realloc(c->in, cap)) == NULL)
			return -1;
		c->in = p;
		c->incap = cap;
	}
	memcpy(c->in + c->inlen, seq, k);
	memcpy(c->in + c->inlen + k, s, n);
	c->in[c->inlen + k + n] = '\n';
	c->inlen += k + n + 1;
	c->tag[c->n++] = tag;
	return (int)c->n;
}

static int
cloexec_pipe(int fd[2])
{
	if (pipe(fd) == -1)
		return -1;
	if (fcntl(fd[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd[1], F_SETFD, FD_CLOEXEC) == -1) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	return 0;
}

/* Starts the process of slot s; returns 0, or -1 and errno. */
static int
spawn(struct expert *x, struct slot *s)
{
	int pin[2], pout[2], e;
	pid_t pid;

	if (cloexec_pipe(pin) == -1)
		return -1;
	if (cloexec_pipe(pout) == -1) {
		e = errno;
		close(pin[0]);
		close(pin[1]);
		errno = e;
		return -1;
	}
	if ((pid = fork()) == -1) {
		e = errno;
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		/* A group of its own, so a timeout kills its children too. */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(pin[0], 0) == -1 || dup2(pout[1], 1) == -1)
			_exit(126);
		execl("/bin/sh", "sh", "-c", x->o.cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pin[0]);
	close(pout[1]);
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	fcntl(pout[0], F_SETFL, O_NONBLOCK);
	s->pid = pid;
	s->fdin = pin[1];
	s->fdout = pout[0];
	s->exited = 0;
	s->eof = 0;
	return 0;
}

/*
 * Keeps what the child wrote: each line cut to EXPERT_ANSWER_MAX bytes,
 * and no more than outmax bytes in all, but every newline counted, so that
 * a batch's answers are counted right whatever their length.  The buffer
 * grows as the answers come (one byte more for a NUL), so that a large
 * batch costs memory only for what it is answered.
 */
static void
keep(struct slot *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			s->lines++;
			s->linelen = 0;
		} else if (s->linelen++ >= EXPERT_ANSWER_MAX)
			continue;
		if (s->outlen == s->outmax)
			continue;
		if (s->outlen == s->outcap) {
			size_t cap = s->outcap ? 2 * s->outcap : OUT_MIN;
			char *q;

			if (cap > s->outmax)
				cap = s->outmax;
			if ((q = realloc(s->out, cap + 1)) == NULL) {
				s->oom = 1;
				continue;
			}
			s->out = q;
			s->outcap = cap;
		}
		s->out[s->outlen++] = p[i];
	}
}

/* Reads all the child has written so far; closes its stdout at the end. */
static void
drain(struct slot *s)
{
	char buf[16384];
	ssize_t r;

	while ((r = read(s->fdout, buf, sizeof(buf))) != 0) {
		if (r > 0)
			keep(s, buf, (size_t)r);
		else if (errno != EINTR)
			break;
	}
	if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		closefd(&s->fdout);
}

/* Whether a spawn that failed with e may work later. */
static int
transient(int e)
{
	return e == EMFILE || e == ENFILE || e == EAGAIN || e == ENOMEM;
}

/*
 * The system refused slot s a process or descriptors: no more calls at
 * once than the others that run, and an idle persistent process gives
 * its descriptors to s.
 */
static void
shrink(struct expert *x, struct slot *s)
{
	struct slot *idle = NULL;
	int i, live = 0;

	for (i = 0; i < x->o.jobs; i++) {
		struct slot *t = &x->slot[i];

		if (t == s)
			continue;
		if (t->state == RUNNING || t->pid != -1)
			live++;
		if (t->state == FREE && t->pid != -1)
			idle = t;
	}
	if (live < x->limit)
		x->limit = live > 0 ? live : 1;
	if (idle != NULL)
		finish(idle);
}

/* Starts (or, persistent, resumes) a try of slot s's call. */
static int
try(struct expert *x, struct slot *s)
{
	if (x->o.persistent && s->pid != -1) {
		/* A live process that wrote out of turn cannot be trusted. */
		s->outlen = s->lines = s->linelen = 0;
		if (!s->exited &&
		    waitpid(s->pid, &s->wstatus, WNOHANG) == s->pid)
			s->exited = 1;
		if (s->fdout >= 0)
			drain(s);
		if (s->exited || s->outlen > 0 || s->fdin < 0 || s->fdout < 0)
			finish(s);
	}
	if (s->pid == -1 && spawn(x, s) == -1) {
		if (!transient(errno))
			return -1;
		shrink(x, s);
		if (spawn(x, s) == -1)
			return -1;
	}
	s->inoff = 0;
	s->outlen = s->lines = s->linelen = 0;
	s->oom = 0;
	s->killed = 0;
	s->start = expert_now();
	s->wake = x->o.timeout > 0 ? s->start + x->o.timeout : 0;
	s->state = RUNNING;
	return 0;
}

int
expert_send(struct expert *x)
{
	struct slot *s = NULL;
	struct call c;
	int i;

	/* A free slot, one whose process lives if there is one. */
	for (i = 0; i < x->o.jobs; i++)
		if (x->slot[i].state == FREE && (s == NULL ||
		    (s->pid == -1 && x->slot[i].pid != -1)))
			s = &x->slot[i];
	if (s == NULL || x->gather.n == 0) {
		errno = s == NULL ? EBUSY : EINVAL;
		return -1;
	}
	if (s->outcap > 4 * (size_t)EXPERT_ANSWER_MAX) {
		/* A large batch's answers are not kept for the next call. */
		free(s->out);
		s->out = NULL;
		s->outcap = 0;
	}
	s->outmax = x->gather.n * (EXPERT_ANSWER_MAX + 1);
	if (s->out == NULL) {
		if ((s->out = malloc(OUT_MIN + 1)) == NULL)
			return -1;
		s->outcap = OUT_MIN;
	}
	if (x->gather.n > s->ncap) {
		char **a = realloc(s->answer, x->gather.n * sizeof(*a));
		size_t *l;

		if (a == NULL)
			return -1;
		s->answer = a;
		if ((l = realloc(s->len, x->gather.n * sizeof(*l))) == NULL)
			return -1;
		s->len = l;
		s->ncap = x->gather.n;
	}
	c = s->c;
	s->c = x->gather;
	x->gather = c;
	x->gather.n = x->gather.inlen = 0;
	s->tries = 0;
	s->first = expert_now();
	x->busy++;
	if (try(x, s) == -1) {
		/* Reported by expert_wait() like any failed call. */
		s->err = errno;
		s->state = PAUSED;
		s->wake = s->first;
	}
	return 0;
}

char *
expert_clean(char *s, size_t n, size_t *len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = ' ';
	while (n > 0 && s[0] == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	*len = n;
	return s;
}

char *
expert_answer(char *s, size_t n, size_t *len)
{
	char *end = s + n, *nl;

	for (;;) {
		nl = memchr(s, '\n', (size_t)(end - s));
		s = expert_clean(s, (size_t)((nl ? nl : end) - s), len);
		if (*len > 0 || nl == NULL)
			return s;
		s = nl + 1;
	}
}

char *
expert_seq(char *s, size_t n, uint64_t seq, size_t *len)
{
	char want[24];
	size_t k;

	k = (size_t)snprintf(want, sizeof(want), "%llu\t",
	    (unsigned long long)seq);
	if (n < k || memcmp(s, want, k) != 0)
		return NULL;
	return expert_clean(s + k, n - k, len);
}

/*
 * Splits the output of a call of several items, or of a persistent one,
 * whose every line must carry its item's sequence number.
 */
static enum expert_status
split(struct slot *s, int persistent)
{
	char *p = s->out, *end = s->out + s->outlen, *nl;
	size_t i, n = s->c.n;

	/* A last line without its newline still counts. */
	if (s->lines + (s->outlen > 0 && end[-1] != '\n') != n)
		return persistent ? EXPERT_PROTOCOL : EXPERT_COUNT;
	for (i = 0; i < n; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (!persistent)
			s->answer[i] = expert_clean(p, (size_t)(nl - p),
			    &s->len[i]);
		else if ((s->answer[i] = expert_seq(p, (size_t)(nl - p),
		    s->c.tag[i], &s->len[i])) == NULL)
			return EXPERT_PROTOCOL;
		s->answer[i][s->len[i]] = '\0';
		p = nl + 1;
	}
	return EXPERT_OK;
}

/* Describes the try of s; returns 1 if it is to be tried again. */
static int
outcome(struct expert *x, struct slot *s, struct expert_done *d)
{
	int retries = x->o.retries + (x->o.persistent != 0);

	memset(d, 0, sizeof(*d));
	if (s->err) {
		d->status = EXPERT_ERROR;
		d->code = s->err;
	} else if (s->killed) {
		d->status = EXPERT_TIMEOUT;
	} else if (s->oom) {
		d->status = EXPERT_ERROR;
		d->code = ENOMEM;
	} else if (!x->o.persistent && WIFSIGNALED(s->wstatus)) {
		d->status = EXPERT_SIGNAL;
		d->code = WTERMSIG(s->wstatus);
	} else if (!x->o.persistent && WEXITSTATUS(s->wstatus) != 0) {
		d->status = EXPERT_EXIT;
		d->code = WEXITSTATUS(s->wstatus);
	} else if (x->o.persistent && s->lines < s->c.n) {
		/* It died before answering everything. */
		d->status = s->exited && WIFSIGNALED(s->wstatus) ?
		    EXPERT_SIGNAL : EXPERT_EXIT;
		d->code = !s->exited ? 0 : WIFSIGNALED(s->wstatus) ?
		    WTERMSIG(s->wstatus) : WEXITSTATUS(s->wstatus);
	} else if (s->c.n == 1 && !x->o.persistent) {
		s->out[s->outlen] = '\0';
		s->answer[0] = expert_answer(s->out, s->outlen, &s->len[0]);
		s->answer[0][s->len[0]] = '\0';
		d->status = EXPERT_OK;
	} else
		d->status = split(s, x->o.persistent);
	if (d->status != EXPERT_OK)
		finish(s);
	/*
	 * 126 and 127: the command cannot run, and a system call that failed
	 * for good: trying again is no use.  Lack of processes, descriptors
	 * or memory may pass.
	 */
	if (d->status != EXPERT_OK && s->tries < retries &&
	    (!s->err || transient(s->err)) &&
	    !(d->status == EXPERT_EXIT && d->code >= 126 && d->code <= 127)) {
		s->tries++;
		s->err = 0;
		s->state = PAUSED;
		s->wake = expert_now() + expert_backoff(s->tries);
		return 1;
	}
	d->n = s->c.n;
	d->tag = s->c.tag;
	d->answer = s->answer;
	d->len = s->len;
	d->secs = expert_now() - s->first;
	d->retries = s->tries;
	s->err = 0;
	s->state = FREE;
	x->busy--;
	return 0;
}

static void
feed(struct slot *s, int persistent)
{
	ssize_t w;

	while (s->inoff < s->c.inlen) {
		w = write(s->fdin, s->c.in + s->inoff, s->c.inlen - s->inoff);
		if (w > 0) {
			s->inoff += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break;	/* EPIPE: it stopped reading, and may still answer */
	}
	/* End of input tells a one-off call to answer; a persistent one waits. */
	if (!persistent || s->inoff < s->c.inlen)
		closefd(&s->fdin);
}

/* Checks timers and exits; returns 1 and fills *d when a call ended. */
static int
check(struct expert *x, struct slot *s, double t, struct expert_done *d)
{
	if (s->state == PAUSED) {
		if (t < s->wake)
			return 0;
		if (s->err == 0 && try(x, s) == 0)
			return 0;
		if (s->err == 0)
			s->err = errno;
		return outcome(x, s, d) == 0;
	}
	if (!s->exited && waitpid(s->pid, &s->wstatus, WNOHANG) == s->pid)
		s->exited = 1;
	/*
	 * Every answer line carries its item's number: a stray line makes the
	 * call fail, and one that comes after is seen by the next call.
	 */
	if (x->o.persistent && s->lines >= s->c.n)
		return outcome(x, s, d) == 0;
	/* A persistent expert that closed its stdout is dying: its status. */
	if (x->o.persistent && s->fdout < 0 && !s->exited) {
		if (s->eof == 0)
			s->eof = t;
		if (t - s->eof > GRACE)
			finish(s);
	}
	if (s->exited) {
		if (s->fdout >= 0)
			drain(s);
		finish(s);
		return outcome(x, s, d) == 0;
	}
	if (s->wake > 0 && t >= s->wake) {
		kill(-s->pid, s->killed ? SIGKILL : SIGTERM);
		s->killed++;
		s->wake = t + GRACE;
	}
	return 0;
}

int
expert_wait(struct expert *x, struct expert_done *d, int fd)
{
	int i, k, n, ms;
	double t, next;

	if (x->busy == 0) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		if (x->o.stop != NULL && *x->o.stop) {
			errno = EINTR;
			return -1;
		}
		t = expert_now();
		next = t + TICK;
		n = 0;
		/* Start where the last scan stopped: no call waits on another. */
		for (k = 0; k < x->o.jobs; k++) {
			struct slot *s = &x->slot[i = (x->next + k) % x->o.jobs];

			if (s->state == FREE)
				continue;
			if (check(x, s, t, d)) {
				x->next = (i + 1) % x->o.jobs;
				return 0;
			}
			if (s->state == FREE)
				continue;
			if (s->wake > 0 && s->wake < next)
				next = s->wake;
			if (s->state != RUNNING)
				continue;
			/* Its stdout is closed: it is about to exit. */
			if (s->fdout < 0 && t + 0.001 < next)
				next = t + 0.001;
			if (s->fdin >= 0 && s->inoff < s->c.inlen) {
				x->pfd[n] = (struct pollfd){ s->fdin, POLLOUT, 0 };
				x->pslot[n++] = s;
			}
			if (s->fdout >= 0) {
				x->pfd[n] = (struct pollfd){ s->fdout, POLLIN, 0 };
				x->pslot[n++] = s;
			}
		}
		if (fd >= 0)
			x->pfd[n] = (struct pollfd){ fd, POLLIN, 0 };
		ms = (int)((next - t) * 1000 + 0.999);
		if (poll(x->pfd, (nfds_t)n + (fd >= 0), ms < 0 ? 0 : ms) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (fd >= 0 && x->pfd[n].revents != 0)
			return 1;
		for (i = 0; i < n; i++) {
			struct slot *s = x->pslot[i];

			if (x->pfd[i].revents == 0)
				continue;
			if (x->pfd[i].fd == s->fdin)
				feed(s, x->o.persistent);
			else if (x->pfd[i].fd == s->fdout)
				drain(s);
		}
	}
}
