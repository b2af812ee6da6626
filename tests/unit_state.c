/*
 * unit_state: tests of lib/state.h: the wbuf/rbuf byte buffers, and the
 * checkpoint file: round trip, strict loading of damaged files (every
 * truncation, every flipped bit), and atomic writing.  Works in a scratch
 * directory made with mkdtemp and removed at the end.  Exits 0 when every
 * check passes; a failed assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/state.h"

static char dir[] = "/tmp/unit_state.XXXXXX";

#define PI	3.14159265358979323846

/* A path in the scratch directory (a static buffer per call site). */
static const char *
path(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", dir, name);
	return buf;
}

static void
put_file(const char *p, const void *data, size_t n)
{
	FILE *fp = fopen(p, "wb");

	assert(fp != NULL);
	assert(fwrite(data, 1, n, fp) == n);
	assert(fclose(fp) == 0);
}

/* The whole file at p, malloc'ed; its length in *n. */
static unsigned char *
get_file(const char *p, size_t *n)
{
	FILE *fp = fopen(p, "rb");
	unsigned char *b;
	long len;

	assert(fp != NULL);
	assert(fseek(fp, 0, SEEK_END) == 0);
	assert((len = ftell(fp)) >= 0);
	rewind(fp);
	assert((b = malloc((size_t)len + 1)) != NULL);
	assert(fread(b, 1, (size_t)len, fp) == (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return b;
}

/* The number of entries in the scratch directory (. and .. aside). */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* A payload like the engine's: a few numbers and some bytes. */
static void
payload(struct wbuf *b, unsigned seed, size_t nbytes)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	wbuf_u32(b, 0xc0ffee00u + seed);
	wbuf_u64(b, 42);
	wbuf_f64(b, 0.25);
	for (i = 0; i < nbytes; i++) {
		unsigned char c = (unsigned char)(i * 31 + seed);

		wbuf_bytes(b, &c, 1);
	}
	assert(!b->err);
}

/* state_read of path must fail with errno want (0: EINVAL or ENOMEM). */
static void
expect_refused(const char *p, int want, const char *what)
{
	struct wbuf got;
	const char *why;

	errno = 0;
	why = state_read(p, &got);
	if (why == NULL) {
		fprintf(stderr, "state_read accepted %s\n", what);
		exit(1);
	}
	if (want != 0 ? errno != want : (errno != EINVAL && errno != ENOMEM)) {
		fprintf(stderr, "state_read of %s: '%s', errno %d, want %d\n",
		    what, why, errno, want);
		exit(1);
	}
	assert(got.p == NULL && got.n == 0);
}

/* wbuf then rbuf gives back every value, little-endian in the bytes. */
static void
test_buf_roundtrip(void)
{
	struct wbuf w;
	struct rbuf r;
	char s[6];
	float fnan;

	memset(&w, 0, sizeof(w));
	wbuf_u32(&w, 0x01020304u);
	wbuf_u64(&w, 0x0102030405060708ull);
	wbuf_f32(&w, -1.5f);
	wbuf_f64(&w, PI);
	wbuf_bytes(&w, "hello", 5);
	wbuf_u32(&w, 0xffffffffu);
	wbuf_u64(&w, UINT64_MAX);
	wbuf_f32(&w, NAN);
	wbuf_f64(&w, -INFINITY);
	wbuf_bytes(&w, "", 0);
	assert(!w.err);
	assert(w.n == 4 + 8 + 4 + 8 + 5 + 4 + 8 + 4 + 8);
	/* Little-endian whatever the host. */
	assert(memcmp(w.p, "\x04\x03\x02\x01", 4) == 0);
	assert(memcmp(w.p + 4, "\x08\x07\x06\x05\x04\x03\x02\x01", 8) == 0);
	assert(memcmp(w.p + 12, "\x00\x00\xc0\xbf", 4) == 0);	/* -1.5f */

	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	assert(rbuf_u32(&r) == 0x01020304u);
	assert(rbuf_u64(&r) == 0x0102030405060708ull);
	assert(rbuf_f32(&r) == -1.5f);
	assert(rbuf_f64(&r) == PI);
	rbuf_bytes(&r, s, 5);
	assert(memcmp(s, "hello", 5) == 0);
	assert(rbuf_u32(&r) == 0xffffffffu);
	assert(rbuf_u64(&r) == UINT64_MAX);
	fnan = rbuf_f32(&r);
	assert(isnan(fnan));
	assert(rbuf_f64(&r) == -INFINITY);
	assert(!r.err && r.off == r.n);
	wbuf_release(&w);
	assert(w.p == NULL && w.n == 0);
	wbuf_release(&w);	/* twice is harmless */
}

/* A wbuf grows past its first allocation. */
static void
test_buf_grow(void)
{
	struct wbuf w;
	struct rbuf r;
	uint32_t i;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < 100000; i++)
		wbuf_u32(&w, i);
	assert(!w.err && w.n == 400000);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	for (i = 0; i < 100000; i++)
		if (rbuf_u32(&r) != i) {
			fprintf(stderr, "wbuf grow: value %u lost\n", i);
			exit(1);
		}
	assert(!r.err);
	wbuf_release(&w);
}

/* Reading past the end: zeros, err set, and it stays set. */
static void
test_rbuf_past_end(void)
{
	static const unsigned char data[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct rbuf r;
	unsigned char b[4];

	r = (struct rbuf){ data, 3, 0, 0, 0 };
	assert(rbuf_u32(&r) == 0 && r.err);
	memset(b, 0xaa, sizeof(b));
	rbuf_bytes(&r, b, 1);
	assert(b[0] == 0 && r.err);
	/* Sticky: after a failed read, a read that would fit fails too. */
	r = (struct rbuf){ data, sizeof(data), 0, 0, 0 };
	assert(rbuf_u64(&r) == 0 && r.err);
	assert(rbuf_u32(&r) == 0 && r.err);

	r = (struct rbuf){ data, sizeof(data), 0, 0, 0 };
	assert(rbuf_u32(&r) == 0x04030201u && !r.err);
	assert(rbuf_u64(&r) == 0 && r.err);
	assert(r.off <= r.n);

	r = (struct rbuf){ data, 0, 0, 0, 0 };
	assert(rbuf_f32(&r) == 0.0f && r.err);
	r = (struct rbuf){ data, 7, 0, 0, 0 };
	assert(rbuf_f64(&r) == 0.0 && r.err);
	r = (struct rbuf){ data, 2, 0, 0, 0 };
	memset(b, 0xaa, sizeof(b));
	rbuf_bytes(&r, b, 3);
	assert(r.err && b[0] == 0 && b[1] == 0 && b[2] == 0);
	assert(b[3] == 0xaa);
	/* Zero bytes at the end is fine. */
	r = (struct rbuf){ data, 2, 2, 0, 0 };
	rbuf_bytes(&r, b, 0);
	assert(!r.err);
}

/*
 * A table goes in 64-unit groups of a mask and the units not all zero
 * bytes (-0 is not), and comes back the same into a zeroed one; a table
 * cut short, or a mask with units past the table, is an error; a payload
 * of a format before STATE_TABLES holds the floats as they are.
 */
static void
test_table(void)
{
	enum { N = 200, K = 3 };	/* three groups of 64 units, and one of 8 */
	static float t[N][K], back[N][K];
	struct wbuf w;
	struct rbuf r;
	size_t i, j, used = 0;

	for (i = 0; i < N; i++)
		if (i % 7 == 0 || (i >= 64 && i < 128)) {
			for (j = 0; j < K; j++)
				t[i][j] = (float)(i * K + j) - 100;
			used++;
		}
	t[5][1] = -0.0f;
	used++;
	memset(&w, 0, sizeof(w));
	wbuf_table(&w, t, N, K);
	assert(!w.err && w.n == 4 * 8 + used * K * 4);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	rbuf_table(&r, back, N, K);
	assert(!r.err && r.off == r.n);
	assert(memcmp(t, back, sizeof(t)) == 0);
	assert(signbit(back[5][1]) && back[5][0] == 0);
	memset(back, 0, sizeof(back));
	r = (struct rbuf){ w.p, w.n - 1, 0, 0, 0 };
	rbuf_table(&r, back, N, K);
	assert(r.err);
	wbuf_release(&w);

	/* A table of 8 units, then of 9, whose mask names the 9th. */
	memset(&w, 0, sizeof(w));
	wbuf_u64(&w, (uint64_t)1 << (N - 192));
	wbuf_f32s(&w, t, K);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	rbuf_table(&r, back, N - 192, K);
	assert(r.err);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	rbuf_table(&r, back, N - 191, K);
	assert(!r.err && r.off == r.n);
	wbuf_release(&w);

	memset(&w, 0, sizeof(w));
	wbuf_f32s(&w, t, N * K);
	memset(back, 0, sizeof(back));
	r = (struct rbuf){ w.p, w.n, 0, 0, STATE_TABLES - 1 };
	rbuf_table(&r, back, N, K);
	assert(!r.err && r.off == r.n && memcmp(t, back, sizeof(t)) == 0);
	wbuf_release(&w);
}

/* state_write then state_read gives the same payload; no temp left. */
static void
test_roundtrip(void)
{
	char pb[256];
	const char *p = path(pb, sizeof(pb), "rt.ckpt");
	struct wbuf w, got;
	unsigned char *file;
	size_t n;

	payload(&w, 1, 1000);
	assert(state_write(p, &w) == NULL);
	assert(entries() == 1);
	assert(state_read(p, &got) == NULL);
	assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
	wbuf_release(&got);
	/* The header as state.h documents it. */
	file = get_file(p, &n);
	assert(n > 24);
	assert(memcmp(file, "\x89" "CASCKP\n", 8) == 0);
	assert(file[8] == STATE_VERSION && memcmp(file + 9, "\0\0\0", 3) == 0);
	assert(file[16] == (w.n & 0xff) && file[17] == (w.n >> 8));
	assert(memcmp(file + 18, "\0\0\0\0\0\0", 6) == 0);
	free(file);
	wbuf_release(&w);

	/* Overwriting: the new payload replaces the old one. */
	payload(&w, 2, 300000);
	assert(state_write(p, &w) == NULL);
	assert(entries() == 1);
	assert(state_read(p, &got) == NULL);
	assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
	wbuf_release(&got);
	wbuf_release(&w);
	assert(unlink(p) == 0);
}

/*
 * Dense chunks are stored and zeros compressed, in one stream that
 * changes its level as it goes: it reads back whole.
 */
static void
test_roundtrip_mixed(void)
{
	char pb[256];
	const char *p = path(pb, sizeof(pb), "mixed.ckpt");
	struct wbuf w, got;
	unsigned char *file;
	uint64_t x = 1;
	size_t n, i, dense = 0, part;

	memset(&w, 0, sizeof(w));
	for (part = 0; part < 7; part++) {
		size_t len = 50000 + 37 * part;

		for (i = 0; i < len; i++) {
			unsigned char c = 0;

			if (part % 2) {	/* xorshift: no zeros to speak of */
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				c = (unsigned char)(x | 1);
			}
			wbuf_bytes(&w, &c, 1);
		}
		dense += part % 2 ? len : 0;
	}
	assert(!w.err);
	assert(state_write(p, &w) == NULL);
	assert(state_read(p, &got) == NULL);
	assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
	file = get_file(p, &n);
	/* the dense bytes are all there; most zeros are gone */
	assert(n >= dense && n < dense + (w.n - dense) / 10);
	free(file);
	wbuf_release(&got);
	wbuf_release(&w);
	assert(unlink(p) == 0);
}

/* A payload of one byte is a payload. */
static void
test_roundtrip_tiny(void)
{
	char pb[256];
	const char *p = path(pb, sizeof(pb), "tiny.ckpt");
	struct wbuf w, got;

	memset(&w, 0, sizeof(w));
	wbuf_bytes(&w, "x", 1);
	assert(state_write(p, &w) == NULL);
	assert(state_read(p, &got) == NULL);
	assert(got.n == 1 && got.p[0] == 'x');
	wbuf_release(&got);
	wbuf_release(&w);
	assert(unlink(p) == 0);
}

/*
 * What state_write accepts, state_read must read back: a write that
 * succeeds and leaves a file that cannot be loaded breaks the next run.
 */
static void
test_roundtrip_empty(void)
{
	char pb[256];
	const char *p = path(pb, sizeof(pb), "empty-payload.ckpt");
	struct wbuf w, got;
	const char *wwhy, *rwhy;

	memset(&w, 0, sizeof(w));
	wwhy = state_write(p, &w);
	if (wwhy == NULL) {
		rwhy = state_read(p, &got);
		if (rwhy != NULL) {
			fprintf(stderr, "state_write of an empty payload "
			    "succeeded but state_read refuses it: %s\n", rwhy);
			unlink(p);
			rmdir(dir);
			exit(1);
		}
		assert(got.n == 0);
		wbuf_release(&got);
	}
	unlink(p);
}

/* No file, an empty file, a directory, wrong magic, wrong version. */
static void
test_read_bad_files(void)
{
	char pb[256], qb[256];
	const char *p = path(pb, sizeof(pb), "bad.ckpt");
	const char *q = path(qb, sizeof(qb), "good.ckpt");
	static const char text[] = "this is not a checkpoint, just some text\n";
	struct wbuf w;
	unsigned char *file;
	size_t n;

	expect_refused(p, ENOENT, "a missing file");
	put_file(p, "", 0);
	expect_refused(p, EINVAL, "an empty file");
	put_file(p, text, sizeof(text) - 1);
	expect_refused(p, EINVAL, "a text file");
	expect_refused(dir, EINVAL, "a directory");

	payload(&w, 3, 100);
	assert(state_write(q, &w) == NULL);
	wbuf_release(&w);
	file = get_file(q, &n);
	/* Wrong magic, right everything else. */
	file[1] = 'X';
	put_file(p, file, n);
	expect_refused(p, EINVAL, "a file with a wrong magic");
	file[1] = 'C';
	/* Versions 0, the next one and 2^32 - 1. */
	file[8] = 0;
	put_file(p, file, n);
	expect_refused(p, EINVAL, "a file of version 0");
	file[8] = STATE_VERSION + 1;
	put_file(p, file, n);
	expect_refused(p, EINVAL, "a file of the next version");
	memset(file + 8, 0xff, 4);
	put_file(p, file, n);
	expect_refused(p, EINVAL, "a file of version 0xffffffff");
	/* Length 0, and more than STATE_MAXLEN. */
	memcpy(file + 8, "\x01\0\0\0", 4);
	memset(file + 16, 0, 8);
	put_file(p, file, n);
	expect_refused(p, EINVAL, "a file of payload length 0");
	memset(file + 16, 0xff, 8);
	put_file(p, file, n);
	expect_refused(p, EINVAL, "a file of payload length 2^64-1");
	/* The header alone. */
	put_file(p, file, 24);
	expect_refused(p, EINVAL, "a header without data");
	free(file);
	assert(unlink(p) == 0);
	assert(unlink(q) == 0);
}

/* Every truncation of a real checkpoint is refused with a reason. */
static void
test_read_truncated(void)
{
	char pb[256], qb[256], what[96];
	const char *p = path(pb, sizeof(pb), "trunc.ckpt");
	const char *q = path(qb, sizeof(qb), "whole.ckpt");
	struct wbuf w;
	unsigned char *file;
	size_t n, len;

	payload(&w, 4, 5000);
	assert(state_write(q, &w) == NULL);
	wbuf_release(&w);
	file = get_file(q, &n);
	for (len = 0; len < n; len++) {
		put_file(p, file, len);
		snprintf(what, sizeof(what), "the first %zu of %zu bytes",
		    len, n);
		expect_refused(p, EINVAL, what);
	}
	free(file);
	assert(unlink(p) == 0);
	assert(unlink(q) == 0);
}

/*
 * A checkpoint of several chunks, as a file is read: it reads back whole,
 * from the file and from memory; a byte damaged in its last chunk is a
 * bad checksum; cut short at or near any chunk's edge, it is refused.
 */
static void
test_read_chunks(void)
{
	char pb[256], qb[256], what[96];
	const char *p = path(pb, sizeof(pb), "chunks.ckpt");
	const char *q = path(qb, sizeof(qb), "long.ckpt");
	struct wbuf w, got;
	unsigned char *file;
	const char *why;
	size_t n, cut;

	payload(&w, 6, 300000);	/* stored: few zero bytes */
	assert(state_write(q, &w) == NULL);
	file = get_file(q, &n);
	assert(n > 4 * 65536);
	assert(state_read(q, &got) == NULL);
	assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
	wbuf_release(&got);
	assert(state_unpack(file, n, &got) == NULL);
	assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
	wbuf_release(&got);
	file[n - 10] ^= 1;
	put_file(p, file, n);
	why = state_read(p, &got);
	assert(why != NULL && strcmp(why, "bad checksum") == 0 &&
	    errno == EINVAL);
	file[n - 10] ^= 1;
	for (cut = 65536 - 1; cut < n; cut += 65536 / 2) {
		put_file(p, file, cut);
		snprintf(what, sizeof(what), "the first %zu of %zu bytes",
		    cut, n);
		expect_refused(p, EINVAL, what);
	}
	wbuf_release(&w);
	free(file);
	assert(unlink(p) == 0);
	assert(unlink(q) == 0);
}

/*
 * One flipped bit anywhere in a small checkpoint is refused, or, where
 * the bit carries no information (the padding bits after the end of the
 * last deflate block), loads as the very same payload: a damaged file
 * never loads as a different payload.
 */
static void
test_read_bitflip(void)
{
	char pb[256], qb[256], what[96];
	const char *p = path(pb, sizeof(pb), "flip.ckpt");
	const char *q = path(qb, sizeof(qb), "small.ckpt");
	struct wbuf w, got;
	unsigned char *file;
	size_t n, i;
	int bit, same = 0;

	payload(&w, 5, 40);
	assert(state_write(q, &w) == NULL);
	file = get_file(q, &n);
	/* The unflipped copy loads. */
	put_file(p, file, n);
	assert(state_read(p, &got) == NULL);
	wbuf_release(&got);
	for (i = 0; i < n; i++)
		for (bit = 0; bit < 8; bit++) {
			file[i] ^= (unsigned char)(1u << bit);
			put_file(p, file, n);
			snprintf(what, sizeof(what),
			    "a file with bit %d of byte %zu flipped", bit, i);
			if (state_read(p, &got) == NULL) {
				if (got.n != w.n ||
				    memcmp(got.p, w.p, w.n) != 0) {
					fprintf(stderr, "state_read accepted "
					    "%s as another payload\n", what);
					exit(1);
				}
				/*
				 * Only deflate data, never the header; but the
				 * version may become an older one, which the
				 * payload's reader tells apart (model.c).
				 */
				if (got.version == STATE_VERSION)
					assert(i >= 24 + 2 && i < n - 4);
				else
					assert(i == 8 && got.version >=
					    STATE_VERSION_OLDEST &&
					    got.version < STATE_VERSION);
				same += got.version == STATE_VERSION;
				wbuf_release(&got);
			} else
				/* A huge length field may fail as ENOMEM. */
				expect_refused(p, 0, what);
			file[i] ^= (unsigned char)(1u << bit);
		}
	/* Padding is less than a byte. */
	assert(same < 8);
	wbuf_release(&w);
	free(file);
	assert(unlink(p) == 0);
	assert(unlink(q) == 0);
}

/*
 * Bytes after the end of the zlib stream: refused, or, at the least,
 * they do not change the payload.
 */
static void
test_read_trailing(void)
{
	char pb[256], qb[256];
	const char *p = path(pb, sizeof(pb), "trail.ckpt");
	const char *q = path(qb, sizeof(qb), "base.ckpt");
	struct wbuf w, got;
	unsigned char *file;
	size_t n;

	payload(&w, 9, 200);
	assert(state_write(q, &w) == NULL);
	file = get_file(q, &n);
	file = realloc(file, n + 16);
	assert(file != NULL);
	memset(file + n, 'G', 16);
	put_file(p, file, n + 16);
	if (state_read(p, &got) == NULL) {
		assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
		wbuf_release(&got);
		fprintf(stderr, "unit_state: note: a checkpoint with bytes after "
		    "its zlib stream loads\n");
	}
	wbuf_release(&w);
	free(file);
	assert(unlink(p) == 0);
	assert(unlink(q) == 0);
}

/* A failed write says why and leaves no temporary file behind. */
static void
test_write_no_dir(void)
{
	char pb[256], fb[256];
	const char *p = path(pb, sizeof(pb), "no/such/dir/x.ckpt");
	const char *f = path(fb, sizeof(fb), "plain");
	struct wbuf w;

	payload(&w, 6, 100);
	assert(state_write(p, &w) != NULL);
	assert(entries() == 0);
	/* The parent is a regular file. */
	put_file(f, "x", 1);
	path(pb, sizeof(pb), "plain/x.ckpt");
	assert(state_write(p, &w) != NULL);
	assert(entries() == 1);
	assert(unlink(f) == 0);
	/* A payload whose allocation failed is not written. */
	w.err = 1;
	path(pb, sizeof(pb), "x.ckpt");
	assert(state_write(p, &w) != NULL);
	assert(entries() == 0);
	w.err = 0;
	wbuf_release(&w);
}

/*
 * A write that fails half way (here: the file size limit, which stops
 * root too) leaves the old checkpoint as it was, and no temporary file.
 */
static void
test_write_fails_keeps_old(void)
{
	char pb[256];
	const char *p = path(pb, sizeof(pb), "keep.ckpt");
	struct wbuf old, big, got;
	struct rlimit rl, small;
	unsigned char *before, *after;
	size_t nb, na, i;
	uint64_t x = 88172645463325252ull;
	void (*oldh)(int);

	payload(&old, 7, 100);
	assert(state_write(p, &old) == NULL);
	before = get_file(p, &nb);

	/* Incompressible, far larger than the limit. */
	memset(&big, 0, sizeof(big));
	for (i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		wbuf_u64(&big, x);
	}
	assert(getrlimit(RLIMIT_FSIZE, &rl) == 0);
	small = rl;
	small.rlim_cur = 4096;
	oldh = signal(SIGXFSZ, SIG_IGN);
	assert(setrlimit(RLIMIT_FSIZE, &small) == 0);
	errno = 0;
	if (state_write(p, &big) == NULL) {
		setrlimit(RLIMIT_FSIZE, &rl);
		fprintf(stderr, "state_write past RLIMIT_FSIZE succeeded\n");
		exit(1);
	}
	assert(setrlimit(RLIMIT_FSIZE, &rl) == 0);
	signal(SIGXFSZ, oldh);
	assert(entries() == 1);
	after = get_file(p, &na);
	assert(na == nb && memcmp(before, after, nb) == 0);
	assert(state_read(p, &got) == NULL);
	assert(got.n == old.n && memcmp(got.p, old.p, old.n) == 0);
	wbuf_release(&got);

	/* Without the limit, the same write goes through. */
	assert(state_write(p, &big) == NULL);
	assert(entries() == 1);
	assert(state_read(p, &got) == NULL);
	assert(got.n == big.n && memcmp(got.p, big.p, big.n) == 0);
	wbuf_release(&got);

	free(before);
	free(after);
	wbuf_release(&old);
	wbuf_release(&big);
	assert(unlink(p) == 0);
}

/* A checkpoint in the current directory: a path without a slash. */
static void
test_write_relative(void)
{
	char cwd[4096];
	struct wbuf w, got;

	assert(getcwd(cwd, sizeof(cwd)) != NULL);
	assert(chdir(dir) == 0);
	payload(&w, 8, 10);
	assert(state_write("rel.ckpt", &w) == NULL);
	assert(state_read("rel.ckpt", &got) == NULL);
	assert(got.n == w.n);
	wbuf_release(&got);
	wbuf_release(&w);
	assert(unlink("rel.ckpt") == 0);
	assert(chdir(cwd) == 0);
}

static void
fill_bytes(const void *arg, struct wbuf *b)
{
	const struct wbuf *w = arg;

	wbuf_bytes(b, w->p, w->n);
}

/* Whether a child process can open (and lock) the checkpoint at p. */
static int
child_opens(const char *p, long *holder)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		struct state_file f;
		const char *why;
		long h;

		if (state_open(&f, p, &h, &why) == 0)
			_exit(0);
		_exit(errno == EAGAIN && h == (long)getppid() ? 1 : 2);
	}
	assert(pid > 0);
	assert(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	*holder = WEXITSTATUS(st);
	return WEXITSTATUS(st) == 0;
}

/*
 * state_open: through links to the file, locked against other processes
 * across saves, a new file removed unless saved, FIFOs and directories
 * refused without blocking.
 */
static void
test_open(void)
{
	char pb[256], lb[256], fb[256];
	const char *p = path(pb, sizeof(pb), "held.ckpt");
	const char *l = path(lb, sizeof(lb), "held.link");
	struct state_file f;
	struct wbuf w, got;
	const char *why;
	long holder;

	assert(symlink("held.ckpt", l) == 0);
	assert(state_open(&f, l, &holder, &why) == 0);
	assert(strcmp(f.path, p) == 0 && f.created);
	assert(state_load(&f, &got) == NULL && got.n == 0);
	assert(!child_opens(l, &holder) && holder == 1);
	assert(!child_opens(p, &holder) && holder == 1);
	payload(&w, 3, 200000);
	assert(state_save(&f, fill_bytes, &w) == NULL);
	assert(!f.created);
	/* Still held after the save replaced the file. */
	assert(!child_opens(p, &holder) && holder == 1);
	assert(state_load(&f, &got) == NULL);
	assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
	wbuf_release(&got);
	state_close(&f);
	assert(child_opens(l, &holder));
	/* The link is still a link; the file holds the payload. */
	{
		struct stat st;

		assert(lstat(l, &st) == 0 && S_ISLNK(st.st_mode));
	}
	assert(state_read(p, &got) == NULL);
	assert(got.n == w.n && memcmp(got.p, w.p, w.n) == 0);
	wbuf_release(&got);
	wbuf_release(&w);
	assert(unlink(l) == 0 && unlink(p) == 0);

	/* Made and never saved: removed by state_close. */
	assert(state_open(&f, p, &holder, &why) == 0);
	assert(access(p, F_OK) == 0);
	state_close(&f);
	assert(access(p, F_OK) == -1 && entries() == 0);

	/* No directory, a directory, a FIFO: refused, and at once. */
	assert(state_open(&f, path(fb, sizeof(fb), "no/x"), &holder,
	    &why) == -1 && errno == ENOENT);
	assert(state_open(&f, dir, &holder, &why) == -1 && errno == EINVAL);
	assert(mkfifo(path(fb, sizeof(fb), "fifo"), 0600) == 0);
	assert(state_open(&f, fb, &holder, &why) == -1 && errno == EINVAL);
	assert(strcmp(why, "not a regular file") == 0);
	assert(unlink(fb) == 0);
	assert(entries() == 0);
}

int
main(void)
{
	assert(mkdtemp(dir) != NULL);
	test_buf_roundtrip();
	test_buf_grow();
	test_rbuf_past_end();
	test_table();
	test_roundtrip();
	test_roundtrip_tiny();
	test_roundtrip_mixed();
	test_read_bad_files();
	test_read_truncated();
	test_read_chunks();
	test_read_bitflip();
	test_read_trailing();
	test_write_no_dir();
	test_write_fails_keeps_old();
	test_write_relative();
	test_roundtrip_empty();
	test_open();
	assert(entries() == 0);
	assert(rmdir(dir) == 0);
	printf("unit_state: all passed\n");
	return 0;
}
