/*
 * fuzz_answer: libFuzzer target for the expert's answer (lib/expert.h,
 * lib/labels.h).
 *
 * The data is cut at each 0xFE byte into up to 64 outputs of the expert.
 * Each is cleaned by expert_answer on an exact-size copy, then mapped to
 * the closed set "positive,negative,neutral" and to an open set that grows
 * over the outputs; the raw output is also mapped to the open set, which
 * must refuse what is not a valid label.  Invariants are checked with
 * abort(): an answer has no control byte and no white space at either end;
 * a label never holds a TAB or control byte.  The first line is also read
 * as a pipe-mode answer line (expert_seq): taken only when it starts with
 * the number asked for and a TAB.  Built with libFuzzer by
 * `make fuzz`, and with tests/fuzz/replay.c by `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/expert.h"
#include "../../lib/labels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
isctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static void
check_labels(const struct labels *l)
{
	size_t i, k;

	if (l->n > LABELS_MAX || l->n > l->cap)
		abort();
	for (i = 0; i < l->n; i++) {
		if (l->len[i] == 0 || l->len[i] > LABEL_MAXLEN)
			abort();
		for (k = 0; k < l->len[i]; k++)
			if (isctl((unsigned char)l->name[i][k]))
				abort();
		if (labels_find(l, l->name[i], l->len[i]) != (int)i)
			abort();
	}
}

static void
check_id(const struct labels *l, int id)
{
	if (id < -1 || (id >= 0 && (size_t)id >= l->n))
		abort();
}

/*
 * The first line of the output as a pipe-mode answer line, for the number
 * its leading digits give (when they fit) and for the next one: taken
 * only with exactly that number and a TAB first, cleaned.
 */
static void
seq_line(const uint8_t *p, size_t n, char *buf)
{
	const uint8_t *nl = memchr(p, '\n', n);
	unsigned long long seq = 0;
	size_t m = nl ? (size_t)(nl - p) : n, i, k, len;
	char want[24], *a;
	int w;

	for (k = 0; k < m && k < 19 && p[k] >= '0' && p[k] <= '9'; k++)
		seq = seq * 10 + (p[k] - '0');
	for (w = 0; w < 2; w++, seq++) {
		memcpy(buf, p, m);
		a = expert_seq(buf, m, seq, &len);
		snprintf(want, sizeof(want), "%llu\t", seq);
		i = strlen(want);
		if ((a != NULL) != (m >= i && memcmp(p, want, i) == 0))
			abort();
		if (a == NULL)
			continue;
		if (a < buf + i || a + len > buf + m)
			abort();
		for (k = 0; k < len; k++)
			if (isctl((unsigned char)a[k]))
				abort();
		if (len > 0 && (a[0] == ' ' || a[len - 1] == ' '))
			abort();
	}
}

static void
one(struct labels *closed, struct labels *open, const uint8_t *p, size_t n)
{
	char *buf, *a;
	size_t len, i;
	int id;

	if ((buf = malloc(n ? n : 1)) == NULL)
		return;
	/* the raw output: valid only if it holds no control byte */
	memcpy(buf, p, n);
	id = labels_map(open, buf, n);
	check_id(open, id);
	for (i = 0; id >= 0 && i < n; i++)
		if (isctl(p[i]))
			abort();
	memcpy(buf, p, n);
	a = expert_answer(buf, n, &len);
	if (a < buf || len > n || a + len > buf + n)
		abort();
	for (i = 0; i < len; i++)
		if (isctl((unsigned char)a[i]))
			abort();
	if (len > 0 && (a[0] == ' ' || a[len - 1] == ' '))
		abort();
	id = labels_map(closed, a, len);
	check_id(closed, id);
	if (closed->n != 3)
		abort();
	id = labels_map(open, a, len);
	check_id(open, id);
	if (len > 0 && len <= LABEL_MAXLEN && id < 0 && open->n < LABELS_MAX)
		abort();	/* a valid answer becomes a label */
	if (id >= 0 && labels_find(open, a, len) != id)
		abort();
	seq_line(p, n, buf);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct labels closed, open;
	const uint8_t *p = data, *q, *end = data + size;
	int k;

	labels_init(&closed);
	labels_init(&open);
	if (labels_parse(&closed, "positive,negative,neutral") == -1 ||
	    closed.n != 3 || !closed.closed)
		abort();
	for (k = 0; k < 64 && p <= end; k++) {
		q = size ? memchr(p, 0xfe, (size_t)(end - p)) : NULL;
		if (q == NULL)
			q = end;
		one(&closed, &open, p, (size_t)(q - p));
		p = q + 1;
	}
	check_labels(&closed);
	check_labels(&open);
	labels_release(&closed);
	labels_release(&open);
	return 0;
}
