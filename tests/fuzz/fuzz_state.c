/*
 * fuzz_state: libFuzzer target for the checkpoint reader (state_unpack,
 * lib/state.h, and model_read, lib/model.h).
 *
 * The first byte picks how the rest is used.  Even: the rest is the file
 * as it is, for the header, length and zlib checks.  Odd: the rest is the
 * payload itself, as if behind a valid header and checksum (of format 4
 * when bit 1 is set, of the last format before STATE_TABLES when bit 2
 * is, else of today's), so that the fuzzer reaches the model's payload
 * parser.  A model that loads (with
 * default options: the levels are the file's) answers one line in an
 * engine, and everything is freed: any input must be refused or loaded,
 * never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit(void *arg, const struct engine_result *r)
{
	(void)arg;
	(void)r;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_opts mo = { 0 };
	struct engine_opts eo = { 0 };
	struct model *m;
	struct engine *e;
	struct wbuf payload = { 0 };
	struct rbuf b;
	const char *why = NULL;
	int r;

	if (size == 0)
		return 0;
	if (data[0] & 1)
		b = (struct rbuf){ data + 1, size - 1, 0, 0, data[0] & 2 ? 4 :
		    data[0] & 4 ? STATE_TABLES - 1 : STATE_VERSION };
	else if (state_unpack(data + 1, size - 1, &payload) == NULL)
		b = (struct rbuf){ payload.p, payload.n, 0, 0, payload.version };
	else
		return 0;
	mo.target = 0.95;
	mo.seed = 1;
	r = model_read(&b, &mo, &m, &why);
	wbuf_release(&payload);
	if (r != 0 && (r != -1 || why == NULL))
		abort();
	if (r == -1)
		return 0;
	eo.delim = '\t';
	eo.budget = -1;
	eo.budget_share = -1;
	eo.window = 1;
	eo.emit = emit;
	if ((e = engine_new(&eo, m, &why)) == NULL ||
	    engine_push(e, "good film", 9, NULL, &why) == -1 ||
	    engine_finish(e, &why) == -1)
		abort();
	engine_free(e);
	return 0;
}
