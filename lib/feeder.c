/*
 * feeder: input lines and their features, made ahead in a thread (see
 * feeder.h).
 *
 * Two blocks take turns: the thread fills one while the caller reads the
 * other, and they lock only to hand a block over.  A block is full once
 * it holds BLOCK_ITEMS lines or BLOCK_BYTES of them.  A line longer than
 * BLOCK_BYTES ends its block uncopied and without features: it stays in
 * the reader's buffer, which the thread leaves alone (`pinned`) until the
 * caller, which makes its features as it did without a thread, is done
 * with it.  So a huge line takes no more memory than it did.
 *
 * The thread copies a block's lines first and makes their features after.
 * A caller that waits for the block asks to be hurried (`hurry`): the
 * thread hands it over at once, and the caller makes the features of the
 * lines still without (`made`), while the thread goes on to the next
 * block.  So when the caller is the faster, as when it only predicts, the
 * two share the tokenising instead of one of them waiting (predicting
 * IMDB took 0.86x the time).
 *
 * When the input stalls, the thread hands over what it has made and says
 * so (`starved`): only then does the caller hear that the input stalled
 * (feeder_next 0), so that a batch for the expert is sent before it is
 * full when nothing can be read, as it was without a thread, and not
 * when the thread is merely behind.  `waiting` says that the caller will
 * poll the notice pipe, which the thread then writes.
 *
 * The thread blocks every signal: they reach the caller, whose poll they
 * interrupt; its waits for the thread look at *stop every STOP_MS, and
 * the thread looks whether to stop at every read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "feeder.h"
#include "reader.h"

#define BLOCKS		2
#define BLOCK_ITEMS	256
#define BLOCK_BYTES	(256u << 10)
/* What a block keeps after its items. */
#define KEEP_BYTES	(1u << 20)
#define KEEP_FEATS	(1u << 18)
#define STOP_MS		100

struct entry {
	size_t line, len;	/* in the block's text */
	size_t feat, n, nwords;	/* in its features */
	int nomem;		/* the memory for them ran out */
	int huge;		/* the line is at the block's `huge` */
};

struct block {
	char *text;		/* the lines, back to back */
	size_t ntext, textcap;
	struct feats all;	/* the items' features, back to back */
	const char *huge;	/* its last line, in the reader's buffer, or NULL */
	struct entry item[BLOCK_ITEMS];
	size_t n;
	size_t made;		/* items with features: the caller makes the rest */
};

struct feeder {
	struct reader rd;
	enum text_mode mode;
	unsigned field;
	int delim;
	const volatile sig_atomic_t *stop;
	struct feats tf;		/* the thread's: features made */
	struct block block[BLOCKS];
	struct block *cur;		/* the caller's: the block it reads, */
	size_t next;			/* its next item, */
	struct feats view;		/* and the features of the one given */
	int drain;			/* the notice pipe may hold a byte */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t room;		/* the caller gave a block back */
	pthread_cond_t ready;		/* a block, the end, or a stall */
	uint64_t made, taken, freed;	/* blocks handed over, taken, given back */
	int pinned;			/* a block handed over holds a huge line */
	int hurry;			/* the caller waits for the block being made */
	int starved;			/* the input has nothing to read */
	int waiting, quit, done, err;	/* err: errno of a read */
	int notice[2];			/* a pipe to the caller */
};

/*
 * Empties b, given back, for the next items; memory past the KEEP sizes
 * goes back at once.
 */
static void
reset(struct block *b)
{
	b->n = b->made = b->ntext = b->all.n = 0;
	b->huge = NULL;
	if (b->textcap > KEEP_BYTES) {
		free(b->text);
		b->text = NULL;
		b->textcap = 0;
	}
	if (b->all.cap > KEEP_FEATS)
		feats_release(&b->all);
}

/* Makes room for n more bytes of text, and a buffer even for none. */
static int
text_room(struct block *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->text != NULL && b->ntext + n <= b->textcap)
		return 0;
	for (cap = b->textcap > 0 ? b->textcap : 4096; cap < b->ntext + n;
	    cap *= 2)
		;
	if ((p = realloc(b->text, cap)) == NULL)
		return -1;
	b->text = p;
	b->textcap = cap;
	return 0;
}

/* Adds the line of n bytes at line to b, without its features yet. */
static void
add(struct block *b, const char *line, size_t n)
{
	struct entry *it = &b->item[b->n++];

	memset(it, 0, sizeof(*it));
	it->line = b->ntext;
	if (text_room(b, n) == -1) {
		it->nomem = 1;
		return;
	}
	if (n > 0)
		memcpy(b->text + b->ntext, line, n);
	b->ntext += n;
	it->len = n;
}

/* A flag of fe that the other thread sets: *p, read under the lock. */
static int
flag(struct feeder *fe, const int *p)
{
	int v;

	pthread_mutex_lock(&fe->lock);
	v = *p;
	pthread_mutex_unlock(&fe->lock);
	return v;
}

/*
 * Makes the features of b's lines, in order, until the caller waits for
 * b: it makes those of the rest itself (see the top).
 */
static void
make(struct feeder *fe, struct block *b)
{
	struct entry *it;
	const char *text;
	size_t tlen;

	for (; b->made < b->n && !flag(fe, &fe->hurry); b->made++) {
		it = &b->item[b->made];
		if (it->huge)
			break;
		if (it->nomem)
			continue;
		it->feat = b->all.n;
		text_field(b->text + it->line, it->len, fe->delim, fe->field,
		    &text, &tlen);
		if (text_features(&fe->tf, fe->mode, text, tlen) == -1 ||
		    feats_append(&b->all, &fe->tf) == -1) {
			it->nomem = 1;
			continue;
		}
		it->n = fe->tf.n;
		it->nwords = fe->tf.nwords;
	}
}

/* Tells the caller that a block, the end or a stall came (lock held). */
static void
tell(struct feeder *fe)
{
	pthread_cond_signal(&fe->ready);
	if (fe->waiting) {
		fe->waiting = 0;
		/* A full pipe already says it. */
		(void)!write(fe->notice[1], "", 1);
	}
}

/*
 * Says that the input stalled and waits until it can be read.  Returns 0,
 * or -1 to stop.
 */
static int
await(struct feeder *fe)
{
	struct pollfd p = { fe->rd.fd, POLLIN, 0 };
	int r, quit = 0;

	pthread_mutex_lock(&fe->lock);
	fe->starved = 1;
	/* A caller that polls the notice pipe knows already: no byte. */
	pthread_cond_signal(&fe->ready);
	pthread_mutex_unlock(&fe->lock);
	while (!quit && (r = poll(&p, 1, STOP_MS)) <= 0) {
		if (r == -1)
			break;
		pthread_mutex_lock(&fe->lock);
		quit = fe->quit;
		pthread_mutex_unlock(&fe->lock);
	}
	pthread_mutex_lock(&fe->lock);
	fe->starved = 0;
	pthread_mutex_unlock(&fe->lock);
	return quit ? -1 : 0;
}

/*
 * Fills b from the input.  Returns 1 when b is full or the input stalled
 * with items in b, 0 at the end of the input, -1 to stop (fe->err set on
 * a read error).
 */
static int
fill(struct feeder *fe, struct block *b)
{
	struct pollfd p = { fe->rd.fd, POLLIN, 0 };
	char *line;
	size_t n;
	int got;

	while (b->n < BLOCK_ITEMS && b->ntext < BLOCK_BYTES) {
		if ((got = reader_line(&fe->rd, &line, &n)) == 1 &&
		    n > BLOCK_BYTES) {
			struct entry *it = &b->item[b->n++];

			memset(it, 0, sizeof(*it));
			it->len = n;
			it->huge = 1;
			b->huge = line;
			return 1;
		}
		if (got == 1) {
			add(b, line, n);
			continue;
		}
		if (got == -1)
			return 0;
		/* Readable, at its end, or an error to read: read. */
		if (poll(&p, 1, 0) == 0) {
			if (b->n > 0)
				return 1;	/* what is made goes first */
			if (await(fe) == -1)
				return -1;
		}
		if (flag(fe, &fe->quit))
			return -1;
		if (reader_fill(&fe->rd) == -1) {
			fe->err = errno;
			return -1;
		}
	}
	return 1;
}

static void *
feed(void *arg)
{
	struct feeder *fe = arg;
	struct block *b;
	int go = 1;

	while (go == 1) {
		pthread_mutex_lock(&fe->lock);
		while (!fe->quit && (fe->made - fe->freed == BLOCKS ||
		    fe->pinned))
			pthread_cond_wait(&fe->room, &fe->lock);
		go = !fe->quit;
		pthread_mutex_unlock(&fe->lock);
		if (!go)
			break;
		/* Block `made` is the thread's alone until it is counted. */
		b = &fe->block[fe->made % BLOCKS];
		if ((go = fill(fe, b)) != -1)
			make(fe, b);
		pthread_mutex_lock(&fe->lock);
		if (b->n > 0) {
			fe->made++;
			fe->pinned = b->huge != NULL;
			fe->hurry = 0;
			tell(fe);
		}
		pthread_mutex_unlock(&fe->lock);
	}
	pthread_mutex_lock(&fe->lock);
	fe->done = 1;
	tell(fe);
	pthread_mutex_unlock(&fe->lock);
	return NULL;
}

static int
pipe_nb(int p[2])
{
	if (pipe(p) == -1)
		return -1;
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(p[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(p[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return 0;
}

struct feeder *
feeder_new(int fd, enum text_mode mode, unsigned field, int delim,
    const volatile sig_atomic_t *stop)
{
	struct feeder *fe;
	sigset_t all, old;
	int r, i;

	/* Else the notice pipe could take a closed fd 0, and be read. */
	if (fcntl(fd, F_GETFD) == -1)
		return NULL;
	if ((fe = calloc(1, sizeof(*fe))) == NULL)
		return NULL;
	if (pipe_nb(fe->notice) == -1) {
		free(fe);
		return NULL;
	}
	reader_init(&fe->rd, fd);
	fe->mode = mode;
	fe->field = field;
	fe->delim = delim;
	fe->stop = stop;
	for (i = 0; i < BLOCKS; i++)
		feats_init(&fe->block[i].all);
	feats_init(&fe->tf);
	feats_init(&fe->view);
	pthread_mutex_init(&fe->lock, NULL);
	pthread_cond_init(&fe->room, NULL);
	pthread_cond_init(&fe->ready, NULL);
	text_init();	/* before two threads may tokenise */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&fe->thread, NULL, feed, fe);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		pthread_cond_destroy(&fe->ready);
		pthread_cond_destroy(&fe->room);
		pthread_mutex_destroy(&fe->lock);
		close(fe->notice[0]);
		close(fe->notice[1]);
		reader_release(&fe->rd);
		free(fe);
		errno = r;
		return NULL;
	}
	return fe;
}

/* Waits for the thread for at most STOP_MS (lock held). */
static void
wait_ready(struct feeder *fe)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += STOP_MS * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&fe->ready, &fe->lock, &t);
}

int
feeder_next(struct feeder *fe, const char **line, size_t *len,
    const struct feats **f)
{
	struct block *b = fe->cur;
	struct entry *it;
	char drain[64];
	int r = 1;

	if (fe->drain) {
		while (read(fe->notice[0], drain, sizeof(drain)) > 0)
			;
		fe->drain = 0;
	}
	if (b == NULL || fe->next == b->n) {
		pthread_mutex_lock(&fe->lock);
		if (b != NULL) {
			if (b->huge != NULL)
				fe->pinned = 0;
			reset(b);
			fe->freed++;
			fe->cur = b = NULL;
			pthread_cond_signal(&fe->room);
		}
		fe->hurry = 1;
		while (fe->made == fe->taken && !fe->done && !fe->starved &&
		    !*fe->stop)
			wait_ready(fe);
		fe->hurry = 0;
		if (fe->made > fe->taken) {
			fe->cur = b = &fe->block[fe->taken++ % BLOCKS];
			fe->next = 0;
		} else if (fe->done) {
			errno = fe->err;
			r = -1;
		} else if (*fe->stop) {
			errno = EINTR;
			r = -1;
		} else {
			fe->waiting = fe->drain = 1;
			r = 0;
		}
		pthread_mutex_unlock(&fe->lock);
		if (r != 1)
			return r;
	}
	it = &b->item[fe->next++];
	if (it->nomem)
		return -2;
	*len = it->len;
	if (it->huge) {
		*line = b->huge;
		*f = NULL;
		return 1;
	}
	*line = b->text + it->line;
	if (fe->next > b->made) {
		*f = NULL;
		return 1;
	}
	fe->view.hash = b->all.hash + it->feat;
	fe->view.val = b->all.val + it->feat;
	fe->view.n = it->n;
	fe->view.nwords = it->nwords;
	*f = &fe->view;
	return 1;
}

int
feeder_fd(const struct feeder *fe)
{
	return fe->notice[0];
}

void
feeder_free(struct feeder *fe)
{
	size_t i;

	if (fe == NULL)
		return;
	pthread_mutex_lock(&fe->lock);
	fe->quit = 1;
	pthread_cond_signal(&fe->room);
	pthread_mutex_unlock(&fe->lock);
	pthread_join(fe->thread, NULL);
	pthread_cond_destroy(&fe->ready);
	pthread_cond_destroy(&fe->room);
	pthread_mutex_destroy(&fe->lock);
	close(fe->notice[0]);
	close(fe->notice[1]);
	for (i = 0; i < BLOCKS; i++) {
		free(fe->block[i].text);
		feats_release(&fe->block[i].all);
	}
	feats_release(&fe->tf);
	reader_release(&fe->rd);
	free(fe);
}
