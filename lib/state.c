/*
 * state: checkpoint files (see state.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "state.h"

static const unsigned char magic[8] = "\x89" "CASCKP\n";

#define HEADER	24

void
wbuf_release(struct wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void
wbuf_bytes(struct wbuf *b, const void *s, size_t n)
{
	if (b->err)
		return;
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

double
rbuf_f64(struct rbuf *b)
{
	uint64_t u = rbuf_u64(b);
	double v;

	memcpy(&v, &u, 8);
	return v;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
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

/* The mode of the file at path, or what a new file would get. */
static mode_t
file_mode(const char *path)
{
	struct stat st;
	mode_t mask;

	if (stat(path, &st) == 0)
		return st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

const char *
state_write(const char *path, const struct wbuf *payload)
{
	unsigned char *out;
	uLongf zlen;
	char *tmp;
	const char *why = NULL;
	int fd, e;

	if (payload->err) {
		errno = ENOMEM;
		return "out of memory";
	}
	zlen = compressBound(payload->n);
	if ((out = malloc(HEADER + zlen)) == NULL)
		return "out of memory";
	if (compress2(out + HEADER, &zlen, payload->p, payload->n, 1) != Z_OK) {
		free(out);
		errno = ENOMEM;
		return "cannot compress";
	}
	memcpy(out, magic, 8);
	put_le(out + 8, STATE_VERSION, 4);
	put_le(out + 12, crc32(0, out + HEADER, zlen), 4);
	put_le(out + 16, payload->n, 8);

	if ((tmp = malloc(strlen(path) + 8)) == NULL) {
		free(out);
		return "out of memory";
	}
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		free(out);
		free(tmp);
		return "cannot create temporary file";
	}
	if (fchmod(fd, file_mode(path)) == -1)
		why = "cannot set the file mode";
	else if (write_all(fd, out, HEADER + zlen) == -1)
		why = "cannot write";
	else if (fsync(fd) == -1)
		why = "cannot sync";
	if (close(fd) == -1 && why == NULL)
		why = "cannot write";
	if (why == NULL && rename(tmp, path) == -1)
		why = "cannot rename temporary file";
	if (why != NULL) {
		e = errno;
		unlink(tmp);
		errno = e;
	} else
		sync_dir(path);
	free(out);
	free(tmp);
	return why;
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

const char *
state_unpack(const unsigned char *p, size_t n, struct wbuf *payload)
{
	const char *why;
	uint64_t len;
	uLongf outlen;
	uLong inlen;

	memset(payload, 0, sizeof(*payload));
	if ((why = header(p, n, &len)) != NULL)
		return why;
	if (crc32(0, p + HEADER, (uInt)(n - HEADER)) != get_le(p + 12, 4))
		return "bad checksum";
	if ((payload->p = malloc((size_t)len + 1)) == NULL) {
		errno = ENOMEM;
		return "out of memory";
	}
	outlen = (uLongf)len;
	inlen = (uLong)(n - HEADER);
	if (uncompress2(payload->p, &outlen, p + HEADER, &inlen) != Z_OK ||
	    outlen != len || inlen != n - HEADER) {
		wbuf_release(payload);
		errno = EINVAL;
		return "corrupt data";
	}
	payload->n = payload->cap = (size_t)len;
	payload->version = (uint32_t)get_le(p + 8, 4);
	return NULL;
}

/* Reads n bytes of fd to p: NULL, or a reason. */
static const char *
read_all(int fd, unsigned char *p, size_t n)
{
	ssize_t r;
	size_t got;

	for (got = 0; got < n; got += (size_t)r)
		if ((r = read(fd, p + got, n - got)) <= 0)
			return r == 0 ? "truncated" : "cannot read";
	return NULL;
}

const char *
state_read(const char *path, struct wbuf *payload)
{
	unsigned char head[HEADER], *file = NULL;
	struct stat st;
	const char *why;
	uint64_t len;
	size_t n;
	int fd;

	memset(payload, 0, sizeof(*payload));
	if ((fd = open(path, O_RDONLY)) < 0)
		return "cannot open";
	if (fstat(fd, &st) == -1) {
		why = "cannot stat";
		goto out;
	}
	errno = EINVAL;
	if (!S_ISREG(st.st_mode)) {
		why = "not a regular file";
		goto out;
	}
	/* The header first: a file that is no checkpoint is not read whole. */
	n = (size_t)st.st_size;
	if ((why = read_all(fd, head, n < HEADER ? n : HEADER)) != NULL ||
	    (why = header(head, n, &len)) != NULL)
		goto out;
	if ((file = malloc(n)) == NULL) {
		why = "out of memory";
		errno = ENOMEM;
		goto out;
	}
	memcpy(file, head, HEADER);
	if ((why = read_all(fd, file + HEADER, n - HEADER)) == NULL)
		why = state_unpack(file, n, payload);
out:
	free(file);
	close(fd);
	return why;
}
