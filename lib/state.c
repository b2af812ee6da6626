/*
 * state: checkpoint files (see state.h).
 *
 * A save streams the payload through deflate into the temporary file: the
 * model writes into a small wbuf whose sink compresses each full buffer,
 * so that saving needs little memory beyond the model's.  The header goes
 * last, at the start of the file, once the CRC and the length are known.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "state.h"

static const unsigned char magic[8] = "\x89" "CASCKP\n";

#define HEADER	24
#define CHUNK	65536	/* bytes of the buffers of a streamed save */
#define LINKS	40	/* symbolic links followed to the checkpoint */

void
wbuf_release(struct wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void
wbuf_bytes(struct wbuf *b, const void *s, size_t n)
{
	const unsigned char *q = s;
	size_t k;

	if (b->err)
		return;
	if (b->sink != NULL) {
		while (n > 0 && !b->err) {
			k = b->cap - b->n < n ? b->cap - b->n : n;
			memcpy(b->p + b->n, q, k);
			b->n += k;
			q += k;
			n -= k;
			if (b->n == b->cap) {
				b->err = b->sink(b->arg, b->p, b->n) == -1;
				b->n = 0;
			}
		}
		return;
	}
	if (n > b->cap - b->n) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *p;

		while (n > cap - b->n)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->err = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void
put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void
wbuf_u32(struct wbuf *b, uint32_t v)
{
	unsigned char p[4];

	put_le(p, v, 4);
	wbuf_bytes(b, p, 4);
}

void
wbuf_u64(struct wbuf *b, uint64_t v)
{
	unsigned char p[8];

	put_le(p, v, 8);
	wbuf_bytes(b, p, 8);
}

void
wbuf_f32(struct wbuf *b, float v)
{
	uint32_t u;

	memcpy(&u, &v, 4);
	wbuf_u32(b, u);
}

void
wbuf_f64(struct wbuf *b, double v)
{
	uint64_t u;

	memcpy(&u, &v, 8);
	wbuf_u64(b, u);
}

/* Whether this host keeps numbers little-endian, as checkpoints do. */
static int
little(void)
{
	const uint32_t one = 1;
	unsigned char c;

	memcpy(&c, &one, 1);
	return c == 1;
}

void
wbuf_f32s(struct wbuf *b, const void *v, size_t n)
{
	const unsigned char *p = v;
	float f;
	size_t i;

	if (little()) {
		wbuf_bytes(b, v, n * 4);
		return;
	}
	for (i = 0; i < n; i++) {
		memcpy(&f, p + 4 * i, 4);
		wbuf_f32(b, f);
	}
}

/* Whether the unit of k floats at p has a byte that is not zero. */
static int
used(const unsigned char *p, size_t k)
{
	uint64_t any = 0, u;
	uint32_t v;
	size_t i;

	for (i = 0; i + 2 <= k; i += 2) {	/* eight bytes at a time */
		memcpy(&u, p + 4 * i, 8);
		any |= u;
	}
	if (i < k) {
		memcpy(&v, p + 4 * i, 4);
		any |= v;
	}
	return any != 0;
}

/* How many bits of mask are set in a row from bit j: units in one piece. */
static size_t
run(uint64_t mask, size_t j)
{
	size_t r = 0;

	while (j + r < 64 && (mask >> (j + r) & 1))
		r++;
	return r;
}

int
state_tables(uint32_t version)
{
	return version == 0 || version >= STATE_TABLES;
}

void
wbuf_table(struct wbuf *b, const void *v, size_t n, size_t k)
{
	const unsigned char *p = v;
	size_t g, j, r, units, size = 4 * k;
	uint64_t mask;

	if (!state_tables(b->version)) {
		wbuf_f32s(b, v, n * k);
		return;
	}
	for (g = 0; g < n; g += 64) {
		units = n - g < 64 ? n - g : 64;
		mask = 0;
		for (j = 0; j < units; j++)
			mask |= (uint64_t)used(p + (g + j) * size, k) << j;
		wbuf_u64(b, mask);
		/* All units or none, as in most of a table: no run to find. */
		if (mask == ~(uint64_t)0)
			wbuf_f32s(b, p + g * size, 64 * k);
		else if (mask != 0)
			for (j = 0; j < 64; j += r ? r : 1)
				if ((r = run(mask, j)) > 0)
					wbuf_f32s(b, p + (g + j) * size,
					    r * k);
	}
}

void
rbuf_bytes(struct rbuf *b, void *dst, size_t n)
{
	if (b->err || n > b->n - b->off) {
		b->err = 1;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, b->p + b->off, n);
	b->off += n;
}

uint32_t
rbuf_u32(struct rbuf *b)
{
	unsigned char p[4];

	rbuf_bytes(b, p, 4);
	return (uint32_t)get_le(p, 4);
}

uint64_t
rbuf_u64(struct rbuf *b)
{
	unsigned char p[8];

	rbuf_bytes(b, p, 8);
	return get_le(p, 8);
}

float
rbuf_f32(struct rbuf *b)
{
	uint32_t u = rbuf_u32(b);
	float v;

	memcpy(&v, &u, 4);
	return v;
}

void
rbuf_f32s(struct rbuf *b, void *v, size_t n)
{
	unsigned char *p = v;
	float f;
	size_t i;

	if (little()) {
		rbuf_bytes(b, v, n * 4);
		return;
	}
	for (i = 0; i < n; i++) {
		f = rbuf_f32(b);
		memcpy(p + 4 * i, &f, 4);
	}
}

void
rbuf_table(struct rbuf *b, void *v, size_t n, size_t k)
{
	unsigned char *p = v;
	size_t g, j, r, size = 4 * k;
	uint64_t mask;

	if (!state_tables(b->version)) {
		rbuf_f32s(b, v, n * k);
		return;
	}
	for (g = 0; g < n && !b->err; g += 64) {
		mask = rbuf_u64(b);
		if (n - g < 64 && mask >> (n - g) != 0) {
			b->err = 1;	/* units past the table */
			return;
		}
		for (j = 0; j < 64 && !b->err; j += r ? r : 1)
			if ((r = run(mask, j)) > 0)
				rbuf_f32s(b, p + (g + j) * size, r * k);
	}
}

double
rbuf_f64(struct rbuf *b)
{
	uint64_t u = rbuf_u64(b);
	double v;

	memcpy(&v, &u, 8);
	return v;
}

int
state_write_all(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Syncs the directory of path, so that the rename itself is durable. */
static void
sync_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (dir == NULL)
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

mode_t
state_file_mode(const char *path)
{
	struct stat st;
	mode_t mask;

	if (stat(path, &st) == 0)
		return st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* A save in progress: the deflate stream into the temporary file. */
struct save {
	int fd;
	z_stream z;
	unsigned char out[CHUNK];
	uint32_t crc;
	uint64_t len;		/* payload bytes */
	int level;		/* deflate's, now */
	const char *why;
};

/* Writes what deflate made into v->out to the file, and checksums it. */
static int
emit(struct save *v)
{
	size_t n = sizeof(v->out) - v->z.avail_out;

	v->crc = (uint32_t)crc32(v->crc, v->out, (uInt)n);
	if (state_write_all(v->fd, v->out, n) == -1) {
		v->why = "cannot write";
		return -1;
	}
	return 0;
}

/*
 * Deflates n bytes at p (flush: Z_NO_FLUSH, Z_BLOCK or Z_FINISH) into the
 * file.
 */
static int
deflate_out(struct save *v, const unsigned char *p, size_t n, int flush)
{
	int r;

	v->z.next_in = (unsigned char *)(uintptr_t)p;
	v->z.avail_in = (uInt)n;
	do {
		v->z.next_out = v->out;
		v->z.avail_out = sizeof(v->out);
		r = deflate(&v->z, flush);
		if (r == Z_STREAM_ERROR) {
			v->why = "cannot compress";
			errno = ENOMEM;
			return -1;
		}
		if (emit(v) == -1)
			return -1;
	} while (v->z.avail_out == 0 ||
	    (flush == Z_FINISH && r != Z_STREAM_END));
	return 0;
}

/* Makes deflate go on at level; -1 if it cannot. */
static int
deflate_level(struct save *v, int level)
{
	int r;

	/* All that came before goes out at the old level. */
	if (deflate_out(v, NULL, 0, Z_BLOCK) == -1)
		return -1;
	v->z.next_out = v->out;
	v->z.avail_out = sizeof(v->out);
	r = deflateParams(&v->z, level, Z_DEFAULT_STRATEGY);
	if (emit(v) == -1)
		return -1;
	if (r != Z_OK) {
		v->why = "cannot compress";
		errno = ENOMEM;
		return -1;
	}
	v->level = level;
	return 0;
}

/*
 * The zero bytes of p[0..n), eight at a time: a byte at a time, the count
 * was a fifth of the time of saving a new model.
 */
static size_t
zero_bytes(const unsigned char *p, size_t n)
{
	const uint64_t low = 0x7f7f7f7f7f7f7f7fULL;
	size_t i, zeros = 0;
	uint64_t w;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		/* each byte's top bit, set where the byte is 0, the rest clear */
		w = ~(((w & low) + low) | w | low);
		zeros += (size_t)((w >> 7) * 0x0101010101010101ULL >> 56);
	}
	for (; i < n; i++)
		zeros += p[i] == 0;
	return zeros;
}

/*
 * The sink of the save's wbuf.  A chunk less than a third of whose bytes
 * are zeros is stored, not compressed: it is dense floats, the level
 * tables of a model that has learned a while, which deflate shrank by a
 * third at 45 MB/s: saving a model of 2^20 slots took 0.37 s, loading it
 * 0.08 s.  The rest is compressed; a table's empty slots are not among
 * it, as wbuf_table leaves them out.
 */
static int
save_sink(void *arg, const unsigned char *p, size_t n)
{
	struct save *v = arg;
	int level;

	if (n > STATE_MAXLEN - v->len) {
		v->why = "checkpoint too big (its payload would pass 4 GiB)";
		errno = EFBIG;
		return -1;
	}
	v->len += n;
	level = 3 * zero_bytes(p, n) >= n ? Z_BEST_SPEED : Z_NO_COMPRESSION;
	if (level != v->level && deflate_level(v, level) == -1)
		return -1;
	return deflate_out(v, p, n, Z_NO_FLUSH);
}

/*
 * Writes the checkpoint filled by fill(arg) to the temporary file of
 * path, and renames it over path.  When lockfd is not NULL the new file
 * is locked before it takes path's name, *lockfd is closed and becomes
 * the new file's descriptor.  NULL, or a reason with errno.
 */
static const char *
save(const char *path, int *lockfd, void (*fill)(const void *, struct wbuf *),
    const void *arg)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	unsigned char head[HEADER];
	struct wbuf b = { 0 };
	struct save *v;
	char *tmp;
	const char *why = NULL;
	int e, zinit = 0;

	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (b.p = malloc(CHUNK)) == NULL ||
	    (tmp = malloc(strlen(path) + 8)) == NULL) {
		free(v);
		free(b.p);
		errno = ENOMEM;
		return "out of memory";
	}
	b.cap = CHUNK;
	b.sink = save_sink;
	b.arg = v;
	sprintf(tmp, "%s.XXXXXX", path);
	if ((v->fd = mkstemp(tmp)) < 0) {
		free(v);
		free(b.p);
		free(tmp);
		return "cannot create temporary file";
	}
	memset(head, 0, sizeof(head));
	if (fchmod(v->fd, state_file_mode(path)) == -1)
		why = "cannot set the file mode";
	else if (lockfd != NULL && fcntl(v->fd, F_SETLK, &fl) == -1)
		why = "cannot lock";
	else if (state_write_all(v->fd, head, HEADER) == -1)
		why = "cannot write";
	else if (deflateInit(&v->z, Z_BEST_SPEED) != Z_OK) {
		why = "cannot compress";
		errno = ENOMEM;
	} else {
		zinit = 1;
		v->level = Z_BEST_SPEED;
	}
	if (why == NULL) {
		fill(arg, &b);
		if (!b.err && b.n > 0)
			b.err = save_sink(v, b.p, b.n) == -1;
		if (!b.err && deflate_out(v, NULL, 0, Z_FINISH) == -1)
			b.err = 1;
		if (b.err)
			why = v->why != NULL ? v->why : "out of memory";
	}
	if (why == NULL) {
		memcpy(head, magic, 8);
		put_le(head + 8, STATE_VERSION, 4);
		put_le(head + 12, v->crc, 4);
		put_le(head + 16, v->len, 8);
		if (pwrite(v->fd, head, HEADER, 0) != HEADER)
			why = "cannot write";
		else if (fsync(v->fd) == -1)
			why = "cannot sync";
	}
	e = errno;
	if (zinit)
		deflateEnd(&v->z);
	errno = e;
	if (why == NULL && rename(tmp, path) == -1)
		why = "cannot rename temporary file";
	if (why != NULL) {
		e = errno;
		unlink(tmp);
		close(v->fd);
		errno = e;
	} else {
		sync_dir(path);
		if (lockfd != NULL) {
			/* The old file, and its lock, are gone from path. */
			if (*lockfd >= 0)
				close(*lockfd);
			*lockfd = v->fd;
		} else if (close(v->fd) == -1)
			why = "cannot write";
	}
	free(v);
	free(b.p);
	free(tmp);
	return why;
}

static void
fill_payload(const void *arg, struct wbuf *b)
{
	const struct wbuf *payload = arg;

	wbuf_bytes(b, payload->p, payload->n);
}

const char *
state_write(const char *path, const struct wbuf *payload)
{
	if (payload->err) {
		errno = ENOMEM;
		return "out of memory";
	}
	return save(path, NULL, fill_payload, payload);
}

/*
 * Checks the header at p of a file of n bytes (p holds HEADER of them when
 * n is as large); sets *len to the payload's length.  NULL, or a reason.
 */
static const char *
header(const unsigned char *p, size_t n, uint64_t *len)
{
	errno = EINVAL;
	if (n < HEADER)
		return "not a cascade checkpoint (too short)";
	if (memcmp(p, magic, 8) != 0)
		return "not a cascade checkpoint (bad magic)";
	if (get_le(p + 8, 4) < STATE_VERSION_OLDEST ||
	    get_le(p + 8, 4) > STATE_VERSION)
		return "unsupported checkpoint format version";
	*len = get_le(p + 16, 8);
	/* Deflate shrinks by at most about 1032 to 1: no bigger payload fits. */
	if (*len > STATE_MAXLEN || *len > (uint64_t)(n - HEADER) * 1032 + 64)
		return "bad payload length";
	return NULL;
}

/*
 * Where the deflated bytes of a checkpoint come from: memory (fd < 0), or
 * a file, read into buf a chunk at a time, so that a checkpoint is never
 * held whole twice over (loading one of 16 MB took 0.8x the time).
 */
struct source {
	const unsigned char *p;	/* in memory: the bytes still to come */
	int fd;
	unsigned char *buf;	/* CHUNK bytes */
	uint64_t left;		/* bytes still to come */
};

/*
 * Reads n bytes of fd to p: NULL, or a reason and errno (EINVAL when the
 * file ends first).
 */
static const char *
read_all(int fd, unsigned char *p, size_t n)
{
	ssize_t r;
	size_t got = 0;

	while (got < n) {
		if ((r = read(fd, p + got, n - got)) > 0)
			got += (size_t)r;
		else if (r == 0) {
			errno = EINVAL;
			return "truncated";
		} else if (errno != EINTR)
			return "cannot read";
	}
	return NULL;
}

/* The next piece of src's bytes, in *p and *n: NULL, or a reason and errno. */
static const char *
piece(struct source *src, const unsigned char **p, size_t *n)
{
	size_t want = src->left < CHUNK ? (size_t)src->left : CHUNK;
	const char *why;

	if (src->fd < 0) {
		*p = src->p;
		src->p += want;
	} else if ((why = read_all(src->fd, src->buf, want)) != NULL)
		return why;
	else
		*p = src->buf;
	*n = want;
	src->left -= want;
	return NULL;
}

/*
 * Inflates the deflated bytes of src, after the header head (which
 * header() checked), into *payload, and checks them against the header's
 * checksum, which is the first fault named: a file with a bad byte is
 * read to its end before its data are called corrupt.  NULL, or a reason.
 */
static const char *
unpack(const unsigned char *head, struct source *src, struct wbuf *payload)
{
	uint64_t len = get_le(head + 16, 8);
	uLong crc = crc32(0, Z_NULL, 0);
	const unsigned char *p;
	const char *why = NULL;
	z_stream z;
	size_t n;
	int r = Z_OK, bad = 0;

	memset(payload, 0, sizeof(*payload));
	memset(&z, 0, sizeof(z));
	if ((payload->p = malloc((size_t)len + 1)) == NULL ||
	    inflateInit(&z) != Z_OK) {
		wbuf_release(payload);
		errno = ENOMEM;
		return "out of memory";
	}
	z.next_out = payload->p;
	while (src->left > 0 && (why = piece(src, &p, &n)) == NULL) {
		crc = crc32(crc, p, (uInt)n);
		/* Past the end of the stream, or a fault, only the sum goes on. */
		bad |= r == Z_STREAM_END;
		if (bad)
			continue;
		z.next_in = (unsigned char *)(uintptr_t)p;
		z.avail_in = (uInt)n;
		do {
			/* A payload of 4 GiB passes what avail_out holds. */
			z.avail_out = (uInt)(len - z.total_out < UINT_MAX ?
			    len - z.total_out : UINT_MAX);
			r = inflate(&z, Z_NO_FLUSH);
		} while (r == Z_OK && z.avail_in > 0 && z.avail_out == 0 &&
		    z.total_out < len);
		bad = (r != Z_OK && r != Z_STREAM_END) || z.avail_in > 0;
	}
	inflateEnd(&z);
	if (why == NULL) {
		errno = EINVAL;
		if (crc != get_le(head + 12, 4))
			why = "bad checksum";
		else if (bad || r != Z_STREAM_END || z.total_out != len)
			why = "corrupt data";
	}
	if (why != NULL) {
		int e = errno;

		wbuf_release(payload);
		errno = e;
		return why;
	}
	payload->n = payload->cap = (size_t)len;
	payload->version = (uint32_t)get_le(head + 8, 4);
	return NULL;
}

const char *
state_unpack(const unsigned char *p, size_t n, struct wbuf *payload)
{
	struct source src = { p + HEADER, -1, NULL, 0 };
	const char *why;
	uint64_t len;

	memset(payload, 0, sizeof(*payload));
	if ((why = header(p, n, &len)) != NULL)
		return why;
	src.left = n - HEADER;
	return unpack(p, &src, payload);
}


/*
 * Reads the checkpoint open at fd, from its start, into *payload; an
 * empty file gives an empty payload when empty_ok.  NULL, or a reason.
 */
static const char *
read_fd(int fd, struct wbuf *payload, int empty_ok)
{
	unsigned char head[HEADER];
	struct source src = { NULL, fd, NULL, 0 };
	struct stat st;
	const char *why;
	uint64_t len;
	size_t n;

	memset(payload, 0, sizeof(*payload));
	if (fstat(fd, &st) == -1)
		return "cannot stat";
	errno = EINVAL;
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_size == 0 && empty_ok)
		return NULL;
	if (lseek(fd, 0, SEEK_SET) == -1)
		return "cannot read";
	/* The header first: a file that is no checkpoint is not read whole. */
	n = (size_t)st.st_size;
	if ((why = read_all(fd, head, n < HEADER ? n : HEADER)) != NULL ||
	    (why = header(head, n, &len)) != NULL)
		return why;
	if ((src.buf = malloc(CHUNK)) == NULL) {
		errno = ENOMEM;
		return "out of memory";
	}
	src.left = n - HEADER;
	why = unpack(head, &src, payload);
	free(src.buf);
	return why;
}

const char *
state_read(const char *path, struct wbuf *payload)
{
	const char *why;
	int fd, e;

	memset(payload, 0, sizeof(*payload));
	/* Not blocked by a FIFO: it is refused as no regular file. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return "cannot open";
	why = read_fd(fd, payload, 0);
	e = errno;
	close(fd);
	errno = e;
	return why;
}

/*
 * The file that path names once its symbolic links are followed (a link
 * to no file yet names the file it would be); NULL and errno.
 */
static char *
resolve(const char *path)
{
	struct stat st;
	char *p, *q, *link, *slash;
	ssize_t n;
	int i;

	if ((p = strdup(path)) == NULL)
		return NULL;
	for (i = 0; i < LINKS; i++) {
		if (lstat(p, &st) == -1 || !S_ISLNK(st.st_mode))
			return p;
		if ((link = malloc((size_t)st.st_size + 1)) == NULL)
			break;
		if ((n = readlink(p, link, (size_t)st.st_size + 1)) < 0 ||
		    n > st.st_size) {
			free(link);
			if (n >= 0)
				errno = EAGAIN;
			break;
		}
		link[n] = '\0';
		slash = strrchr(p, '/');
		if (link[0] == '/' || slash == NULL) {
			free(p);
			p = link;
			continue;
		}
		/* A relative link is relative to the link's directory. */
		if ((q = malloc((size_t)(slash - p) + 2 + (size_t)n)) == NULL) {
			free(link);
			break;
		}
		sprintf(q, "%.*s/%s", (int)(slash - p), p, link);
		free(link);
		free(p);
		p = q;
	}
	if (i == LINKS)
		errno = ELOOP;
	free(p);
	return NULL;
}

/* Whether a file can be made in the directory of path (and removed). */
static int
dir_writable(const char *path)
{
	char *tmp;
	int fd, e;

	if ((tmp = malloc(strlen(path) + 8)) == NULL)
		return -1;
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) >= 0) {
		close(fd);
		unlink(tmp);
	}
	e = errno;
	free(tmp);
	errno = e;
	return fd >= 0 ? 0 : -1;
}

int
state_open(struct state_file *f, const char *path, long *holder,
    const char **why)
{
	struct flock fl;
	struct stat st, now;
	int i, flags, e;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	*holder = 0;
	if ((f->path = resolve(path)) == NULL) {
		*why = errno == ELOOP ? "too many symbolic links" :
		    "out of memory";
		return -1;
	}
	for (i = 0; i < LINKS; i++) {
		if (stat(f->path, &st) == 0 && !S_ISREG(st.st_mode)) {
			*why = "not a regular file";
			errno = EINVAL;
			goto fail;
		}
		f->created = stat(f->path, &st) == -1;
		/* Not blocked by a FIFO put there since. */
		if ((f->fd = open(f->path, O_RDWR | O_CREAT | O_NONBLOCK |
		    O_CLOEXEC, 0666)) == -1) {
			*why = errno == ENOENT ? "no such directory" :
			    "cannot open for writing";
			goto fail;
		}
		if (fstat(f->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
			*why = "not a regular file";
			errno = EINVAL;
			goto fail;
		}
		if ((flags = fcntl(f->fd, F_GETFL)) == -1 ||
		    fcntl(f->fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
			*why = "cannot open";
			goto fail;
		}
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(f->fd, F_SETLK, &fl) == -1) {
			e = errno;
			if (e == EACCES || e == EAGAIN) {
				memset(&fl, 0, sizeof(fl));
				fl.l_type = F_WRLCK;
				fl.l_whence = SEEK_SET;
				if (fcntl(f->fd, F_GETLK, &fl) == 0 &&
				    fl.l_type != F_UNLCK)
					*holder = (long)fl.l_pid;
				f->created = 0;
				*why = "in use by another process";
				errno = EAGAIN;
			} else {
				*why = "cannot lock";
				errno = e;
			}
			goto fail;
		}
		/* Locked: still the file at path, not one renamed away? */
		if (stat(f->path, &now) == 0 && now.st_dev == st.st_dev &&
		    now.st_ino == st.st_ino)
			break;
		close(f->fd);
		f->fd = -1;
	}
	if (f->fd == -1) {
		*why = "keeps changing";
		errno = EAGAIN;
		goto fail;
	}
	if (dir_writable(f->path) == -1) {
		*why = "cannot create a file in its directory";
		goto fail;
	}
	return 0;
fail:
	e = errno;
	state_close(f);
	errno = e;
	return -1;
}

const char *
state_load(struct state_file *f, struct wbuf *payload)
{
	/* Empty because we made it; an empty file found is refused. */
	return read_fd(f->fd, payload, f->created);
}

const char *
state_save(struct state_file *f, void (*fill)(const void *, struct wbuf *),
    const void *arg)
{
	const char *why = save(f->path, &f->fd, fill, arg);

	if (why == NULL)
		f->created = 0;
	return why;
}

void
state_close(struct state_file *f)
{
	struct stat st;

	if (f->fd >= 0) {
		/* A checkpoint made for this run and never saved goes. */
		if (f->created && fstat(f->fd, &st) == 0 && st.st_size == 0)
			unlink(f->path);
		close(f->fd);
	}
	free(f->path);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
