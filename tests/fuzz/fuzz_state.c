/*
 * fuzz_state: libFuzzer target for the checkpoint reader (engine_load,
 * lib/engine.h, over lib/state.h).
 *
 * The first byte picks how the rest is used.  Even: the rest is the file
 * as it is, for the header, length and zlib checks.  Odd: the rest is a
 * payload, compressed and wrapped here in a valid header (magic, version,
 * CRC of the compressed bytes, length) as state_write does, so that the
 * fuzzer reaches the engine's payload parser behind the checksum.  The file is written to one temporary path made
 * once per process, loaded into an engine with default options (the
 * levels are the file's), a loaded state answers one line, and
 * everything is freed: any input must be refused or loaded, never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../lib/engine.h"
#include "../../lib/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/cascade-fuzz-state.XXXXXX";

static void
cleanup(void)
{
	unlink(path);
}

static int
emit(void *arg, const struct engine_result *r)
{
	(void)arg;
	(void)r;
	return 0;
}

static void
warn(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void
le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Writes the n bytes at p (wrapped as a checkpoint when wrap) to path. */
static int
put(const uint8_t *p, size_t n, int wrap)
{
	static const unsigned char magic[8] = "\x89" "CASCKP\n";
	unsigned char head[24], *z = NULL;
	uLongf zlen = 0;
	FILE *f;
	int ok;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (wrap) {
		zlen = compressBound((uLong)n);
		if ((z = malloc(zlen)) == NULL ||
		    compress2(z, &zlen, p, (uLong)n, 1) != Z_OK) {
			free(z);
			fclose(f);
			return -1;
		}
		memcpy(head, magic, 8);
		le(head + 8, STATE_VERSION, 4);
		le(head + 12, crc32(0, z, (uInt)zlen), 4);
		le(head + 16, n, 8);
		ok = fwrite(head, 1, sizeof(head), f) == sizeof(head) &&
		    fwrite(z, 1, zlen, f) == zlen;
	} else
		ok = fwrite(p, 1, n, f) == n;
	free(z);
	return fclose(f) == 0 && ok ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int made;
	struct engine_opts o;
	struct engine *e;
	const char *why = NULL;
	int fd, r;

	if (!made) {
		if ((fd = mkstemp(path)) == -1)
			abort();
		close(fd);
		atexit(cleanup);
		made = 1;
	}
	if (size == 0 || put(data + 1, size - 1, data[0] & 1) == -1)
		return 0;
	memset(&o, 0, sizeof(o));
	o.labels = NULL;
	o.bits = 0;
	o.mode = TEXT_WORDS;
	o.field = 0;
	o.delim = '\t';
	o.target = 0.95;
	o.budget = -1;
	o.budget_share = -1;
	o.seed = 1;
	o.window = 1;
	o.expert.cmd = NULL;
	o.expert.jobs = 1;
	o.emit = emit;
	o.warn = warn;
	if ((e = engine_new(&o, &why)) == NULL)
		abort();
	r = engine_load(e, path, &why);
	if (r < -1 || r > 0 || (r == -1 && why == NULL))
		abort();
	if (r == 0 && (engine_push(e, "good film", 9, &why) == -1 ||
	    engine_finish(e, &why) == -1))
		abort();
	engine_free(e);
	return 0;
}
