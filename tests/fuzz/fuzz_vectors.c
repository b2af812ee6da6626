/*
 * fuzz_vectors: libFuzzer target for the word vectors reader (vectors_open,
 * lib/vectors.h): the .vec text and the binary cache.
 *
 * The first byte picks how the rest is used.  Even: the rest is a .vec
 * file.  Odd: the rest is the cache of a small .vec, its size and time
 * written over by those of the text, so that the fuzzer gets past that
 * check to the table and the rows.  Vectors that open make the vector of
 * an item, whose statistics must save and load again, and everything is
 * freed: any file must be refused or read, never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/vectors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz_vectors.XXXXXX";
static char path[64], cpath[80];

static int
put(const char *p, const void *data, size_t size)
{
	FILE *f = fopen(p, "wb");

	if (f == NULL)
		return -1;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "good 1 0 0.5\nbad -1 0.2 0\n";
	const char *why = NULL;
	struct vectors *v;
	struct vecstats *s, *l;
	struct wbuf w = { 0 };
	struct rbuf r;
	struct feats f;
	struct stat st;

	if (path[0] == '\0') {
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof(path), "%s/v.vec", dir);
		snprintf(cpath, sizeof(cpath), "%s.cache", path);
	}
	unlink(cpath);
	if (size == 0)
		return 0;
	if (!(data[0] & 1)) {
		if (put(path, data + 1, size - 1) == -1)
			abort();
	} else {
		unsigned char *c = malloc(size - 1 + 1);
		int64_t t[2];
		uint64_t n = sizeof(text) - 1;

		if (c == NULL || put(path, text, sizeof(text) - 1) == -1 ||
		    stat(path, &st) == -1)
			abort();
		memcpy(c, data + 1, size - 1);
		/* the head's source size and time: bytes 32 to 55 */
		t[0] = (int64_t)st.st_mtim.tv_sec;
		t[1] = (int64_t)st.st_mtim.tv_nsec;
		if (size - 1 >= 56) {
			memcpy(c + 32, &n, 8);
			memcpy(c + 40, t, 16);
		}
		if (put(cpath, c, size - 1) == -1)
			abort();
		free(c);
	}
	if ((v = vectors_open(path, &why)) == NULL) {
		if (why == NULL)
			abort();
		return 0;
	}
	if ((s = vecstats_new(v)) == NULL)
		abort();
	feats_init(&f);
	if (text_features(&f, TEXT_WORDS, "good film, bad plot!", 20) == -1 ||
	    vectors_item(v, s, &f, 1) == -1)
		abort();
	/* What the item taught must save as a checkpoint would, and load. */
	vecstats_save(s, &w);
	r = (struct rbuf){ w.p, w.n, 0, 0, 0 };
	if (w.err || (l = vecstats_load(&r)) == NULL)
		abort();
	vecstats_free(l);
	wbuf_release(&w);
	feats_release(&f);
	vecstats_free(s);
	vectors_close(v);
	return 0;
}
