/*
 * fuzz_text: libFuzzer target for the input-line parser (lib/text.h).
 *
 * The first byte picks the text mode, the field (0..7) and the delimiter
 * (TAB, comma, space or NUL); the rest is the line.  It is split with
 * text_field, and the field (and the whole line) turned into features
 * in both modes, reusing one feature list as the engine does.  Built with
 * libFuzzer by `make fuzz`, and with tests/fuzz/replay.c by `make test`.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int delims[] = { '\t', ',', ' ', '\0' };

static void
check(const struct feats *f)
{
	size_t i;

	/* the bias feature goes last, past TEXT_MAX_FEATURES */
	if (f->n < 1 || f->n > f->cap || f->n > TEXT_MAX_FEATURES + 1 ||
	    f->hash[f->n - 1] != TEXT_BIAS)
		abort();
	for (i = 0; i < f->n; i++)
		if (!isfinite(f->val[i]))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct feats f;	/* kept across calls, as in the engine */
	const char *line, *out;
	size_t n, outlen;
	unsigned field;
	int delim, mode;
	char *copy;

	if (size == 0)
		return 0;
	mode = data[0] & 1 ? TEXT_FEATURES : TEXT_WORDS;
	field = (data[0] >> 1) & 7;
	delim = delims[(data[0] >> 4) & 3];
	/* an exact-size copy, so ASan sees any read past the line */
	n = size - 1;
	if ((copy = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(copy, data + 1, n);
	line = copy;
	if (text_field(line, n, delim, field, &out, &outlen) == 0) {
		if (outlen > n || out < line || out + outlen > line + n)
			abort();
	} else if (outlen != 0)
		abort();
	if (text_features(&f, (enum text_mode)mode, out, outlen) == 0)
		check(&f);
	if (text_features(&f, (enum text_mode)!mode, out, outlen) == 0)
		check(&f);
	if (text_features(&f, TEXT_WORDS, line, n) == 0)
		check(&f);
	(void)text_hash(line, n);
	free(copy);
	return 0;
}
