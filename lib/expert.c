/*
 * expert: the expert's processes (see expert.h).
 *
 * A slot is one call: free, running (a child and its two pipes), or
 * waiting to be tried again.  A child that exits without closing its
 * stdout (a background process of its holds the pipe) is seen by polling
 * waitpid() every few milliseconds, since poll() cannot wait for a child.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "expert.h"

#define GRACE		1.0	/* seconds between TERM and KILL */
#define BACKOFF		0.1	/* first pause before a retry, seconds */
#define TICK_MS		50	/* how often a silent child's exit is checked */

enum { FREE, RUNNING, PAUSED };

struct slot {
	int state;
	uint64_t tag;
	char *in;		/* the item, newline-terminated */
	size_t inlen, incap, inoff;
	char *out;		/* the first EXPERT_ANSWER_MAX bytes of output */
	size_t outlen;
	pid_t pid;
	int fdin, fdout;	/* -1 once closed */
	int exited, wstatus, killed;
	int tries;
	double first, start, wake;	/* wake: kill or retry time */
};

struct expert {
	struct expert_opts o;
	struct slot *slot;
	int busy;
	struct pollfd *pfd;
	struct slot **pslot;
};

static double
now(void)
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

	if (o->jobs < 1 || o->jobs > EXPERT_JOBS_MAX || o->retries < 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->o = *o;
	x->slot = calloc((size_t)o->jobs, sizeof(*x->slot));
	x->pfd = calloc(2 * (size_t)o->jobs, sizeof(*x->pfd));
	x->pslot = calloc(2 * (size_t)o->jobs, sizeof(*x->pslot));
	if (x->slot == NULL || x->pfd == NULL || x->pslot == NULL) {
		expert_free(x);
		return NULL;
	}
	for (i = 0; i < o->jobs; i++) {
		x->slot[i].fdin = x->slot[i].fdout = -1;
		if ((x->slot[i].out = malloc(EXPERT_ANSWER_MAX + 1)) == NULL) {
			expert_free(x);
			return NULL;
		}
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

/* Ends a running child for good: pipes closed, group killed, reaped. */
static void
finish(struct slot *s)
{
	closefd(&s->fdin);
	closefd(&s->fdout);
	/* The group outlives its leader while a background child lives. */
	kill(-s->pid, SIGKILL);
	if (!s->exited) {
		while (waitpid(s->pid, &s->wstatus, 0) == -1 && errno == EINTR)
			;
		s->exited = 1;
	}
}

void
expert_free(struct expert *x)
{
	int i;

	if (x == NULL)
		return;
	for (i = 0; x->slot != NULL && i < x->o.jobs; i++) {
		if (x->slot[i].state == RUNNING)
			finish(&x->slot[i]);
		free(x->slot[i].in);
		free(x->slot[i].out);
	}
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

/* Starts the child of slot s; returns 0 or -1 and errno. */
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
	s->inoff = 0;
	s->outlen = 0;
	s->exited = s->killed = 0;
	s->start = now();
	s->wake = x->o.timeout > 0 ? s->start + x->o.timeout : 0;
	s->state = RUNNING;
	return 0;
}

int
expert_submit(struct expert *x, uint64_t tag, const char *str, size_t n)
{
	struct slot *s = NULL;
	int i;

	for (i = 0; i < x->o.jobs && s == NULL; i++)
		if (x->slot[i].state == FREE)
			s = &x->slot[i];
	if (s == NULL) {
		errno = EBUSY;
		return -1;
	}
	if (n + 1 > s->incap) {
		char *p = realloc(s->in, n + 1);

		if (p == NULL)
			return -1;
		s->in = p;
		s->incap = n + 1;
	}
	memcpy(s->in, str, n);
	s->in[n] = '\n';
	s->inlen = n + 1;
	s->tag = tag;
	s->tries = 0;
	s->first = now();
	x->busy++;
	if (spawn(x, s) == -1) {
		/* Reported by expert_wait() like any failed call. */
		s->state = PAUSED;
		s->wake = s->first;
		s->tries = x->o.retries;
		s->wstatus = errno;
		s->pid = -1;
	}
	return 0;
}

char *
expert_answer(char *s, size_t n, size_t *len)
{
	size_t i, start = 0, end;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			if (s[i] != '\n')
				s[i] = ' ';
	for (;;) {
		while (start < n && s[start] == ' ')
			start++;
		if (start < n && s[start] == '\n') {
			start++;
			continue;
		}
		break;
	}
	for (end = start; end < n && s[end] != '\n'; end++)
		;
	while (end > start && s[end - 1] == ' ')
		end--;
	*len = end - start;
	return s + start;
}

/* Describes the call of s in *d; returns 1 if it is to be tried again. */
static int
outcome(struct expert *x, struct slot *s, struct expert_done *d)
{
	memset(d, 0, sizeof(*d));
	d->tag = s->tag;
	if (s->pid == -1) {
		d->status = EXPERT_ERROR;
		d->code = s->wstatus;
	} else if (s->killed) {
		d->status = EXPERT_TIMEOUT;
	} else if (WIFSIGNALED(s->wstatus)) {
		d->status = EXPERT_SIGNAL;
		d->code = WTERMSIG(s->wstatus);
	} else if (WEXITSTATUS(s->wstatus) != 0) {
		d->status = EXPERT_EXIT;
		d->code = WEXITSTATUS(s->wstatus);
	} else {
		s->out[s->outlen] = '\0';
		d->answer = expert_answer(s->out, s->outlen, &d->len);
		d->answer[d->len] = '\0';
		d->status = d->len > 0 ? EXPERT_OK : EXPERT_NOANSWER;
	}
	/* 126 and 127: the command cannot run; trying again is no use. */
	if (d->status != EXPERT_OK && s->tries < x->o.retries &&
	    !(d->status == EXPERT_EXIT && d->code >= 126 && d->code <= 127)) {
		s->tries++;
		s->state = PAUSED;
		s->wake = now() + BACKOFF * (double)(1 << (s->tries - 1));
		return 1;
	}
	d->secs = now() - s->first;
	d->retries = s->tries;
	s->state = FREE;
	x->busy--;
	return 0;
}

/* Reads what the child wrote; keeps the first EXPERT_ANSWER_MAX bytes. */
static void
drain(struct slot *s)
{
	char sink[4096];
	ssize_t r;

	for (;;) {
		if (s->outlen < EXPERT_ANSWER_MAX)
			r = read(s->fdout, s->out + s->outlen,
			    EXPERT_ANSWER_MAX - s->outlen);
		else
			r = read(s->fdout, sink, sizeof(sink));
		if (r > 0) {
			if (s->outlen < EXPERT_ANSWER_MAX)
				s->outlen += (size_t)r;
			continue;
		}
		if (r == 0 || (errno != EINTR))
			break;
	}
	if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		closefd(&s->fdout);
}

static void
feed(struct slot *s)
{
	ssize_t w;

	while (s->inoff < s->inlen) {
		w = write(s->fdin, s->in + s->inoff, s->inlen - s->inoff);
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
	closefd(&s->fdin);
}

/* Checks timers and exits; returns 1 and fills *d when a call ended. */
static int
check(struct expert *x, struct slot *s, double t, struct expert_done *d)
{
	if (s->state == PAUSED) {
		if (t < s->wake)
			return 0;
		if (s->pid == -1 || spawn(x, s) == -1) {
			s->pid = -1;
			s->wstatus = errno;
			s->tries = x->o.retries;
			return outcome(x, s, d) == 0;
		}
		return 0;
	}
	if (!s->exited && waitpid(s->pid, &s->wstatus, WNOHANG) == s->pid)
		s->exited = 1;
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
expert_wait(struct expert *x, struct expert_done *d)
{
	int i, n, ms;
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
		t = now();
		next = t + TICK_MS / 1000.0;
		n = 0;
		for (i = 0; i < x->o.jobs; i++) {
			struct slot *s = &x->slot[i];

			if (s->state == FREE)
				continue;
			if (check(x, s, t, d))
				return 0;
			if (s->state == PAUSED || s->wake > 0) {
				if (s->wake < next)
					next = s->wake;
			}
			if (s->state != RUNNING)
				continue;
			/* Its stdout is closed: it is about to exit. */
			if (s->fdout < 0 && t + 0.001 < next)
				next = t + 0.001;
			if (s->fdin >= 0) {
				x->pfd[n] = (struct pollfd){ s->fdin, POLLOUT, 0 };
				x->pslot[n++] = s;
			}
			if (s->fdout >= 0) {
				x->pfd[n] = (struct pollfd){ s->fdout, POLLIN, 0 };
				x->pslot[n++] = s;
			}
		}
		ms = (int)((next - t) * 1000 + 0.999);
		if (ms < 0)
			ms = 0;
		if (poll(x->pfd, (nfds_t)n, ms) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n; i++) {
			struct slot *s = x->pslot[i];

			if (x->pfd[i].revents == 0)
				continue;
			if (x->pfd[i].fd == s->fdin)
				feed(s);
			else if (x->pfd[i].fd == s->fdout)
				drain(s);
		}
	}
}
