/*
 * vectors: word vectors, their binary cache, and the item vector (see
 * vectors.h).
 *
 * The words are kept by their feature hash (text_word), not by name: a
 * word that is no token of ours could never be looked up and is dropped,
 * and of the words one token stands for ("The", "the") the first, the
 * most frequent in the files fastText and GloVe publish, is kept.  An open
 * addressing table maps the hash to the word's row of values.
 *
 * Parsing a large text file takes minutes, so the table and the rows are
 * written once to path.cache, in this machine's byte order, and mapped
 * on later runs:
 *
 *	8	magic "cascvec\1"
 *	u32	0x01020304, to refuse another byte order
 *	u32	dim, rows, slots (a power of 2 above rows)
 *	u64	checksum of the words and values
 *	u64	size, and i64 seconds and nanoseconds of the text's mtime
 *	8	zero
 *	16	per slot: u64 word hash (0: empty), u32 row, u32 zero
 *	f32	rows x dim values
 *
 * A cache that does not match the text's size and time is made again.  A
 * hostile cache can give wrong vectors but not a wrong access: every
 * field and row is checked as it is used, and an item vector that is not
 * finite is left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hint.h"
#include "vectors.h"

#define MAGIC	"cascvec\1"
#define ORDER	0x01020304u
#define HEAD	64
#define DENSE_SEED	0x7f4a7c159e3779b9ULL	/* text_dense's, for the vector */
#define VALUE_MAX	1e6f
#define PAIRS	2000	/* word pairs the collapse test measures */
#define PAIR_ROWS	5000	/* among this many of the first words */
#define PREFETCH	8	/* words looked up ahead */
#define CHUNK	32	/* words whose rows are asked for at once */

struct vslot {
	uint64_t key;
	uint32_t row, zero;
};

struct head {
	char magic[8];
	uint32_t order, dim, rows, slots;
	uint64_t sum, size;
	int64_t sec, nsec;
	char zero[8];
};

_Static_assert(sizeof(struct head) == HEAD, "the cache's head has no padding");

struct vectors {
	uint32_t dim, rows, mask;
	uint64_t sum;
	const struct vslot *slot;
	const float *val;
	void *map;		/* the cache mapped, */
	size_t maplen;
	struct vslot *own_slot;	/* or what the text made */
	float *own_val;
};

static char msg[256];

/* The row of the word of hash key, or -1. */
static inline int64_t
find(const struct vectors *v, uint64_t key)
{
	uint32_t i = (uint32_t)key & v->mask, n;

	if (key == 0)	/* an empty slot's */
		return -1;
	for (n = 0; n <= v->mask; n++, i = (i + 1) & v->mask) {
		if (v->slot[i].key == key)
			return v->slot[i].row < v->rows ?
			    (int64_t)v->slot[i].row : -1;
		if (v->slot[i].key == 0)
			return -1;
	}
	return -1;
}

/* Puts key, absent, in the table t of mask + 1 slots. */
static void
put(struct vslot *t, uint32_t mask, uint64_t key, uint32_t row)
{
	uint32_t i = (uint32_t)key & mask;

	while (t[i].key != 0)
		i = (i + 1) & mask;
	t[i].key = key;
	t[i].row = row;
}

/* The mean cosine of word pairs among the first words: 1 if collapsed. */
static double
mean_cosine(const float *val, uint32_t dim, uint32_t rows)
{
	uint32_t n = rows < PAIR_ROWS ? rows : PAIR_ROWS, k, d;
	uint64_t r = 0;
	double sum = 0;
	int pairs = 0;

	if (n < 2)
		return 0;
	for (k = 0; k < PAIRS; k++) {
		uint32_t i = (uint32_t)(text_mix(++r) % n);
		uint32_t j = (uint32_t)(text_mix(++r) % n);
		const float *a = val + (size_t)i * dim, *b = val + (size_t)j * dim;
		double ab = 0, aa = 0, bb = 0;

		if (i == j)
			continue;
		for (d = 0; d < dim; d++) {
			ab += (double)a[d] * b[d];
			aa += (double)a[d] * a[d];
			bb += (double)b[d] * b[d];
		}
		if (aa > 0 && bb > 0) {
			sum += ab / sqrt(aa * bb);
			pairs++;
		}
	}
	return pairs > 0 ? sum / pairs : 0;
}

/* Splits the next field off *p (spaces between): NULL when none is left. */
static char *
field(char **p)
{
	char *s = *p, *e;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return NULL;
	for (e = s; *e != ' ' && *e != '\0'; e++)
		;
	*p = *e == ' ' ? e + 1 : e;
	*e = '\0';
	return s;
}

/* Counts the fields of a line, which it leaves as it was. */
static size_t
fields(const char *s)
{
	size_t n = 0;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s != '\0')
			n++;
		while (*s != ' ' && *s != '\0')
			s++;
	}
	return n;
}

/* The growing arrays of a text being read. */
struct reading {
	uint64_t *key;
	float *val;
	uint32_t dim, rows, cap;
	struct vectors seen;	/* a table of the keys so far */
	uint64_t sum;
};

/* Makes room for one more row, the table kept half empty: -1 on ENOMEM. */
static int
grow(struct reading *r)
{
	uint32_t cap = r->cap ? 2 * r->cap : 64, i;
	struct vslot *t;
	uint64_t *k;
	float *v;

	if (r->rows < r->cap)
		return 0;
	if (cap > SIZE_MAX / sizeof(*v) / r->dim) {
		errno = ENOMEM;
		return -1;
	}
	if ((k = realloc(r->key, cap * sizeof(*k))) == NULL)
		return -1;
	r->key = k;
	if ((v = realloc(r->val, (size_t)cap * r->dim * sizeof(*v))) == NULL)
		return -1;
	r->val = v;
	if ((t = calloc(2 * (size_t)cap, sizeof(*t))) == NULL)
		return -1;
	free(r->seen.own_slot);
	r->seen.slot = r->seen.own_slot = t;
	r->seen.mask = 2 * cap - 1;
	for (i = 0; i < r->rows; i++)
		put(t, r->seen.mask, r->key[i], i);
	r->cap = cap;
	return 0;
}

/*
 * Reads one line of a .vec, cut of its end of line: 0 when it added a row
 * or dropped the word, -1 with msg set when it is not a word and dim
 * values.
 */
static int
line(struct reading *r, char *s, const char *path, unsigned long lineno)
{
	char *p = s, *word = field(&p), *x, *end;
	uint64_t key;
	uint32_t d;
	size_t n;
	float *row;

	if (word == NULL)
		return 0;	/* a blank line */
	n = fields(p);
	/* A word with spaces (GloVe has some) is no token: dropped. */
	if (n > r->dim)
		return 0;
	if (n < r->dim) {
		snprintf(msg, sizeof(msg), "'%.100s' line %lu: not a word and "
		    "%u values", path, lineno, (unsigned)r->dim);
		return -1;
	}
	r->seen.rows = r->rows;
	if (text_word(word, strlen(word), &key) == -1 || key == 0 ||
	    (r->rows > 0 && find(&r->seen, key) >= 0))
		return 0;
	if (r->rows == VECTORS_ROWS_MAX || grow(r) == -1) {
		snprintf(msg, sizeof(msg), "'%.100s': %s", path,
		    r->rows == VECTORS_ROWS_MAX ? "too many words" :
		    "out of memory");
		return -1;
	}
	row = r->val + (size_t)r->rows * r->dim;
	for (d = 0; d < r->dim; d++) {
		x = field(&p);
		errno = 0;
		row[d] = strtof(x, &end);
		/* ERANGE for a value too small for a float, which is fine. */
		if (*end != '\0' || (errno != 0 && fabsf(row[d]) >= FLT_MIN) ||
		    !(fabsf(row[d]) <= VALUE_MAX)) {
			snprintf(msg, sizeof(msg), "'%.100s' line %lu: '%.30s' "
			    "is not a value", path, lineno, x);
			return -1;
		}
	}
	r->sum = text_mix(r->sum ^ key);
	for (d = 0; d < r->dim; d++) {
		uint32_t bits;

		memcpy(&bits, &row[d], sizeof(bits));
		r->sum = (r->sum ^ bits) * 0x100000001b3ULL;
	}
	r->key[r->rows] = key;
	put(r->seen.own_slot, r->seen.mask, key, r->rows++);
	return 0;
}

/*
 * The dim of a .vec from its first line, cut of its end of line: 0 when
 * that line is the header "count dim" (*dim set), 1 when it is a word and
 * its values, -1 when it is neither.
 */
static int
first_line(const char *s, uint32_t *dim)
{
	size_t n = fields(s);
	unsigned long count, d;

	if (n == 2 && strspn(s, "0123456789 ") == strlen(s) &&
	    sscanf(s, "%lu %lu", &count, &d) == 2) {
		if (d < 1 || d > VECTORS_DIM_MAX)
			return -1;
		*dim = (uint32_t)d;
		return 0;
	}
	if (n < 2 || n - 1 > VECTORS_DIM_MAX)
		return -1;
	*dim = (uint32_t)(n - 1);
	return 1;
}

/* Reads the text of a .vec into v: 0, or -1 with msg set. */
static int
read_text(struct vectors *v, FILE *fp, const char *path)
{
	struct reading r = { 0 };
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = -1, first;
	double cos;

	while ((len = getline(&buf, &cap, fp)) != -1) {
		lineno++;
		while (len > 0 && (buf[len - 1] == '\n' ||
		    buf[len - 1] == '\r' || buf[len - 1] == ' '))
			buf[--len] = '\0';
		if (r.dim == 0) {
			/* A byte order mark some editors put first. */
			if (lineno == 1 && strncmp(buf, "\xef\xbb\xbf", 3) == 0)
				memmove(buf, buf + 3, (size_t)len - 2);
			if (fields(buf) == 0)
				continue;
			if ((first = first_line(buf, &r.dim)) == -1) {
				snprintf(msg, sizeof(msg), "'%.100s': not word "
				    "vectors (a .vec file of at most %d "
				    "dimensions)", path, VECTORS_DIM_MAX);
				goto out;
			}
			r.sum = text_mix(r.dim);
			if (first == 0)
				continue;
		}
		if (line(&r, buf, path, lineno) == -1)
			goto out;
	}
	if (ferror(fp)) {
		snprintf(msg, sizeof(msg), "cannot read '%.100s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (r.rows == 0) {
		snprintf(msg, sizeof(msg), "'%.100s': no word vectors", path);
		goto out;
	}
	if ((cos = mean_cosine(r.val, r.dim, r.rows)) > VECTORS_COLLAPSED) {
		snprintf(msg, sizeof(msg), "'%.100s': collapsed vectors (mean "
		    "cosine of word pairs %.2f): train with more epochs", path,
		    cos);
		goto out;
	}
	v->dim = r.dim;
	v->rows = r.rows;
	v->sum = r.sum;
	v->slot = v->own_slot = r.seen.own_slot;
	v->mask = r.seen.mask;
	v->val = v->own_val = r.val;
	r.seen.own_slot = NULL;
	r.val = NULL;
	rc = 0;
out:
	free(buf);
	free(r.key);
	free(r.val);
	free(r.seen.own_slot);
	return rc;
}

/* The head of a cache of v, made from a text of status st. */
static void
make_head(struct head *h, const struct vectors *v, const struct stat *st)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, MAGIC, sizeof(h->magic));
	h->order = ORDER;
	h->dim = v->dim;
	h->rows = v->rows;
	h->slots = v->mask + 1;
	h->sum = v->sum;
	h->size = (uint64_t)st->st_size;
	h->sec = (int64_t)st->st_mtim.tv_sec;
	h->nsec = (int64_t)st->st_mtim.tv_nsec;
}

/* The bytes of a cache of that head. */
static uint64_t
cache_len(const struct head *h)
{
	return HEAD + 16 * (uint64_t)h->slots +
	    4 * (uint64_t)h->rows * h->dim;
}

/*
 * Maps the cache at cpath into v when it was made from the text of status
 * st and is whole: 0, else -1.
 */
static int
map_cache(struct vectors *v, const char *cpath, const struct stat *st)
{
	struct head want, got;
	struct stat cst;
	void *map;
	int fd;

	/* Not to wait on a FIFO put in its place. */
	if ((fd = open(cpath, O_RDONLY | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &cst) == -1 || !S_ISREG(cst.st_mode) ||
	    cst.st_size < HEAD || read(fd, &got, sizeof(got)) != HEAD)
		goto fail;
	v->dim = got.dim;
	v->rows = got.rows;
	v->mask = got.slots - 1;
	v->sum = got.sum;
	make_head(&want, v, st);
	if (memcmp(&want, &got, sizeof(got)) != 0 || got.dim < 1 ||
	    got.dim > VECTORS_DIM_MAX || got.rows < 1 ||
	    got.rows > VECTORS_ROWS_MAX || got.slots < 2 * (uint64_t)got.rows ||
	    got.slots > 4 * (uint64_t)got.rows + 128 ||
	    (got.slots & (got.slots - 1)) != 0 ||
	    (uint64_t)cst.st_size != cache_len(&got) ||
	    cache_len(&got) > SIZE_MAX)
		goto fail;
	map = mmap(NULL, (size_t)cst.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		goto fail;
	close(fd);
	v->map = map;
	v->maplen = (size_t)cst.st_size;
	v->slot = (const struct vslot *)((char *)map + HEAD);
	v->val = (const float *)(v->slot + got.slots);
	return 0;
fail:
	close(fd);
	return -1;
}

/*
 * Writes v's cache at cpath, for the text of status st, atomically (runs
 * in parallel may make it at once): 0, or -1 and errno.
 */
static int
write_cache(const struct vectors *v, const char *cpath, const struct stat *st)
{
	char tmp[4096];
	struct head h;
	int fd, ok, e;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", cpath) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1)
		return -1;
	make_head(&h, v, st);
	ok = state_write_all(fd, &h, sizeof(h)) == 0 &&
	    state_write_all(fd, v->slot, (v->mask + (size_t)1) *
	    sizeof(*v->slot)) == 0 && state_write_all(fd, v->val,
	    (size_t)v->rows * v->dim * sizeof(*v->val)) == 0 &&
	    fchmod(fd, state_file_mode(cpath)) == 0;
	if (close(fd) == -1 || !ok || rename(tmp, cpath) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

struct vectors *
vectors_open(const char *path, const char **why)
{
	char cpath[4096];
	struct vectors *v;
	struct stat st;
	FILE *fp;

	*why = msg;
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL || fstat(fileno(fp), &st) == -1) {
		snprintf(msg, sizeof(msg), "cannot open '%.100s': %s", path,
		    strerror(errno));
		goto fail;
	}
	if (S_ISREG(st.st_mode) && snprintf(cpath, sizeof(cpath), "%s.cache",
	    path) < (int)sizeof(cpath)) {
		if (map_cache(v, cpath, &st) == 0) {
			fclose(fp);
			*why = NULL;
			return v;
		}
		if (read_text(v, fp, path) == -1)
			goto fail;
		*why = NULL;
		if (write_cache(v, cpath, &st) == -1) {
			snprintf(msg, sizeof(msg), "cannot write '%.100s': %s: "
			    "the next run reads the vectors' text again",
			    cpath, strerror(errno));
			*why = msg;
		}
		fclose(fp);
		return v;
	}
	if (read_text(v, fp, path) == -1)
		goto fail;
	fclose(fp);
	*why = NULL;
	return v;
fail:
	if (fp != NULL)
		fclose(fp);
	vectors_close(v);
	return NULL;
}

void
vectors_close(struct vectors *v)
{
	if (v == NULL)
		return;
	if (v->map != NULL)
		munmap(v->map, v->maplen);
	free(v->own_slot);
	free(v->own_val);
	free(v);
}

uint64_t
vectors_sum(const struct vectors *v)
{
	return v->sum;
}

uint32_t
vectors_dim(const struct vectors *v)
{
	return v->dim;
}

uint32_t
vectors_rows(const struct vectors *v)
{
	return v->rows;
}

struct vecstats *
vecstats_new(const struct vectors *v)
{
	struct vecstats *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->sum = v->sum;
	s->dim = v->dim;
	s->rows = v->rows;
	if ((s->df = calloc(s->rows, sizeof(*s->df))) == NULL ||
	    (s->mean = calloc(s->dim, sizeof(*s->mean))) == NULL) {
		vecstats_free(s);
		return NULL;
	}
	return s;
}

void
vecstats_free(struct vecstats *s)
{
	if (s == NULL)
		return;
	free(s->df);
	free(s->mean);
	free(s);
}

/*
 * The idf-weighted sum of the words' vectors is made a direction x; the
 * feature vector is x less the mean of the directions before it, scaled
 * to VECTORS_NORM.  Without the idf, common words, and without the
 * centring, what all items share, drown what tells items apart.
 */
int
vectors_item(const struct vectors *v, struct vecstats *s, struct feats *f,
    int count)
{
	float u[VECTORS_DIM_MAX], w[CHUNK];
	const float *row[CHUNK];
	double norm = 0, c = 0;
	uint32_t d, dim = v->dim;
	size_t i = 0, k, j;
	int64_t r;

	memset(u, 0, dim * sizeof(*u));
	while (i < f->nwords) {
		/*
		 * The words' slots and rows are mostly out of the caches: a
		 * chunk of words is looked up, slots asked for ahead, and its
		 * rows asked for, before any is added.
		 */
		for (k = 0; i < f->nwords && k < CHUNK; i++) {
			if (i + PREFETCH < f->nwords)
				prefetch(&v->slot[(uint32_t)f->hash[i + PREFETCH] &
				    v->mask]);
			if ((r = find(v, f->hash[i])) < 0)
				continue;
			w[k] = logf((float)(s->items + 1) /
			    (float)(s->df[r] + 1)) + 1;
			row[k] = v->val + (size_t)r * dim;
			for (d = 0; d < dim; d += 16)
				prefetch(row[k] + d);
			/* A hostile cache may give two words one row. */
			if (count && s->df[r] <= s->items &&
			    s->df[r] < UINT32_MAX)
				s->df[r]++;
			k++;
		}
		for (j = 0; j < k; j++) {
			const float *x = row[j];
			float wj = w[j];

			/* In blocks of 8, which the compiler makes vector code. */
			for (d = 0; d + 8 <= dim; d += 8) {
				u[d] += wj * x[d];
				u[d + 1] += wj * x[d + 1];
				u[d + 2] += wj * x[d + 2];
				u[d + 3] += wj * x[d + 3];
				u[d + 4] += wj * x[d + 4];
				u[d + 5] += wj * x[d + 5];
				u[d + 6] += wj * x[d + 6];
				u[d + 7] += wj * x[d + 7];
			}
			for (; d < dim; d++)
				u[d] += wj * x[d];
		}
	}
	s->items += count != 0;
	for (d = 0; d < dim; d++)
		norm += (double)u[d] * u[d];
	if (!(norm > 0 && isfinite(norm)))	/* no known word, or hostile */
		return 0;
	norm = sqrt(norm);
	for (d = 0; d < dim; d++) {
		float x = (float)(u[d] / norm);

		u[d] = s->placed > 0 ? x - (float)(s->mean[d] / s->placed) : x;
		if (count)
			s->mean[d] += x;
		c += (double)u[d] * u[d];
	}
	s->placed += count != 0;
	if (!(c > 0))
		return 0;
	c = VECTORS_NORM / sqrt(c);
	for (d = 0; d < dim; d++)
		u[d] = (float)(u[d] * c);
	return text_dense(f, DENSE_SEED, u, dim);
}

/*
 * u64 checksum, u32 dim and rows, u64 items and placed, f64 mean [dim],
 * u32 df [rows].
 */
void
vecstats_save(const struct vecstats *s, struct wbuf *b)
{
	uint32_t i;

	wbuf_u64(b, s->sum);
	wbuf_u32(b, s->dim);
	wbuf_u32(b, s->rows);
	wbuf_u64(b, s->items);
	wbuf_u64(b, s->placed);
	for (i = 0; i < s->dim; i++)
		wbuf_f64(b, s->mean[i]);
	for (i = 0; i < s->rows; i++)
		wbuf_u32(b, s->df[i]);
}

struct vecstats *
vecstats_load(struct rbuf *b)
{
	struct vecstats *s;
	uint32_t i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->sum = rbuf_u64(b);
	s->dim = rbuf_u32(b);
	s->rows = rbuf_u32(b);
	s->items = rbuf_u64(b);
	s->placed = rbuf_u64(b);
	/* Sizes the payload cannot hold are refused before they are made. */
	if (b->err || s->dim < 1 || s->dim > VECTORS_DIM_MAX || s->rows < 1 ||
	    s->rows > VECTORS_ROWS_MAX || s->placed > s->items ||
	    b->n - b->off < 8 * (uint64_t)s->dim + 4 * (uint64_t)s->rows ||
	    (s->df = calloc(s->rows, sizeof(*s->df))) == NULL ||
	    (s->mean = calloc(s->dim, sizeof(*s->mean))) == NULL)
		goto fail;
	/* Each placed item adds a direction: no more than 1 a dimension. */
	for (i = 0; i < s->dim; i++)
		if (!(fabs(s->mean[i] = rbuf_f64(b)) <= (double)s->placed))
			goto fail;
	for (i = 0; i < s->rows; i++)
		if ((s->df[i] = rbuf_u32(b)) > s->items)
			goto fail;
	if (b->err)
		goto fail;
	return s;
fail:
	vecstats_free(s);
	return NULL;
}

/* A count merged: d + what s counted since base, b. */
static uint64_t
since(uint64_t d, uint64_t s, uint64_t b)
{
	s = s > b ? s - b : 0;
	return d > UINT64_MAX - s ? UINT64_MAX : d + s;
}

void
vecstats_merge(struct vecstats *dst, const struct vecstats *src,
    const struct vecstats *base)
{
	uint32_t i;

	dst->items = since(dst->items, src->items, base ? base->items : 0);
	dst->placed = since(dst->placed, src->placed, base ? base->placed : 0);
	/*
	 * Within what vecstats_load accepts, whatever the base: a merge never
	 * writes a checkpoint that cannot be read.
	 */
	if (dst->placed > dst->items)
		dst->placed = dst->items;
	for (i = 0; i < dst->dim; i++) {
		dst->mean[i] += src->mean[i] - (base ? base->mean[i] : 0);
		dst->mean[i] = fmax(fmin(dst->mean[i], (double)dst->placed),
		    -(double)dst->placed);
	}
	for (i = 0; i < dst->rows; i++) {
		uint64_t n = since(dst->df[i], src->df[i], base ? base->df[i] : 0);

		n = n < dst->items ? n : dst->items;
		dst->df[i] = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
}
