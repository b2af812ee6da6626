/*
 * unit_labels: tests of lib/labels.h: closed sets from -l, open sets that
 * grow with the expert's answers, and mapping free-form answers to ids.
 * Exits 0 when every check passes; a failed assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/labels.h"

/* labels_map on a NUL-terminated answer. */
static int
map(struct labels *l, const char *s)
{
	return labels_map(l, s, strlen(s));
}

static int
find(const struct labels *l, const char *s)
{
	return labels_find(l, s, strlen(s));
}

/* Checks that answer s maps to want, saying which one did not. */
static void
expect_map(struct labels *l, const char *s, int want)
{
	int got = map(l, s);

	if (got != want) {
		fprintf(stderr, "labels_map(\"%s\") = %d, want %d\n", s, got,
		    want);
		exit(1);
	}
}

/* labels_parse: a closed set, ids in list order. */
static void
test_parse(void)
{
	struct labels l;

	labels_init(&l);
	assert(labels_parse(&l, "positive,negative,neutral") == 0);
	assert(l.closed);
	assert(l.n == 3);
	assert(strcmp(l.name[0], "positive") == 0 && l.len[0] == 8);
	assert(strcmp(l.name[1], "negative") == 0);
	assert(strcmp(l.name[2], "neutral") == 0);
	labels_release(&l);
	assert(l.n == 0 && l.name == NULL);
	labels_release(&l);	/* twice is harmless */

	/* One label is a set. */
	labels_init(&l);
	assert(labels_parse(&l, "spam") == 0);
	assert(l.closed && l.n == 1);
	labels_release(&l);

	/* Labels may hold spaces and punctuation. */
	labels_init(&l);
	assert(labels_parse(&l, "very good,not good,n/a") == 0);
	assert(l.n == 3 && strcmp(l.name[2], "n/a") == 0);
	labels_release(&l);
}

/* Duplicates (without case) are one label. */
static void
test_parse_duplicates(void)
{
	struct labels l;

	labels_init(&l);
	assert(labels_parse(&l, "yes,no,YES,No,yes") == 0);
	assert(l.n == 2);
	assert(find(&l, "yes") == 0 && find(&l, "no") == 1);
	labels_release(&l);
}

/* An empty element, or a label with a control byte, is refused. */
static void
test_parse_bad(void)
{
	static const char *bad[] = {
		"", ",", "a,,b", ",a", "a,", "a,b\tc", "a\nb", "a,\x7f"
	};
	struct labels l;
	char long_label[LABEL_MAXLEN + 2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		labels_init(&l);
		errno = 0;
		if (labels_parse(&l, bad[i]) != -1 || errno != EINVAL) {
			fprintf(stderr, "labels_parse(\"%s\") accepted\n",
			    bad[i]);
			exit(1);
		}
		labels_release(&l);
	}
	/* LABEL_MAXLEN bytes is fine, one more is not. */
	memset(long_label, 'x', sizeof(long_label) - 1);
	long_label[sizeof(long_label) - 1] = '\0';
	labels_init(&l);
	errno = 0;
	assert(labels_parse(&l, long_label) == -1 && errno == EINVAL);
	labels_release(&l);
	long_label[LABEL_MAXLEN] = '\0';
	labels_init(&l);
	assert(labels_parse(&l, long_label) == 0 && l.n == 1);
	labels_release(&l);
}

/* labels_find: equal without case, and only equal. */
static void
test_find(void)
{
	struct labels l;

	labels_init(&l);
	assert(labels_parse(&l, "Positive,negative") == 0);
	assert(find(&l, "positive") == 0);
	assert(find(&l, "POSITIVE") == 0);
	assert(find(&l, "Positive") == 0);
	assert(find(&l, "NeGaTiVe") == 1);
	assert(find(&l, "positiv") == -1);
	assert(find(&l, "positives") == -1);
	assert(find(&l, "") == -1);
	assert(find(&l, " positive") == -1);
	/* The length counts, not a NUL. */
	assert(labels_find(&l, "negative!", 8) == 1);
	labels_release(&l);
}

/* labels_map on a closed set: exact, or the one label held as a word. */
static void
test_map_closed(void)
{
	struct labels l;

	labels_init(&l);
	assert(labels_parse(&l, "positive,negative") == 0);
	expect_map(&l, "positive", 0);
	expect_map(&l, "NEGATIVE", 1);
	expect_map(&l, "Positive", 0);
	expect_map(&l, "The answer is Positive.", 0);
	expect_map(&l, "negative (fairly sure)", 1);
	expect_map(&l, "Sentiment: negative", 1);
	expect_map(&l, "\"positive\"", 0);
	/* Two labels: ambiguous. */
	expect_map(&l, "positive or negative", -1);
	expect_map(&l, "not positive but negative", -1);
	/* A label inside a longer word is not the label. */
	expect_map(&l, "positively", -1);
	expect_map(&l, "nonnegative", -1);
	expect_map(&l, "positive_ish", -1);
	/* Nothing, or garbage: -1, and the set does not grow. */
	expect_map(&l, "", -1);
	expect_map(&l, "I cannot tell", -1);
	expect_map(&l, "\x01\xff garbage \x7f", -1);
	assert(l.n == 2);
	/* The same label twice is still one label. */
	expect_map(&l, "positive, definitely positive", 0);
	labels_release(&l);
}

/* "nohate" is its own label, not "hate" inside a word. */
static void
test_map_overlap(void)
{
	struct labels l;

	labels_init(&l);
	assert(labels_parse(&l, "hate,nohate") == 0);
	expect_map(&l, "nohate", 1);
	expect_map(&l, "NoHate", 1);
	expect_map(&l, "hate", 0);
	expect_map(&l, "Label: nohate.", 1);
	expect_map(&l, "Label: hate.", 0);
	expect_map(&l, "hate nohate", -1);
	labels_release(&l);

	/* The same with the labels the other way round. */
	labels_init(&l);
	assert(labels_parse(&l, "nohate,hate") == 0);
	expect_map(&l, "nohate", 0);
	expect_map(&l, "the text is nohate", 0);
	expect_map(&l, "hate", 1);
	labels_release(&l);
}

/* An open set grows with new answers and reuses old ones without case. */
static void
test_map_open(void)
{
	struct labels l;

	labels_init(&l);
	assert(!l.closed);
	expect_map(&l, "spam", 0);
	expect_map(&l, "ham", 1);
	expect_map(&l, "SPAM", 0);
	expect_map(&l, "Ham", 1);
	expect_map(&l, "eggs", 2);
	assert(l.n == 3);
	/* The first spelling is kept. */
	assert(strcmp(l.name[0], "spam") == 0);
	/* A sentence is a new label in an open set: no word search. */
	expect_map(&l, "it is spam", 3);
	assert(l.n == 4);
	/* Empty, control bytes: EINVAL, and the set does not grow. */
	errno = 0;
	expect_map(&l, "", -1);
	assert(errno == EINVAL);
	errno = 0;
	expect_map(&l, "a\tb", -1);
	assert(errno == EINVAL);
	errno = 0;
	expect_map(&l, "a\nb", -1);
	assert(errno == EINVAL);
	errno = 0;
	expect_map(&l, "\x1b[31mred", -1);
	assert(errno == EINVAL);
	errno = 0;
	expect_map(&l, "del\x7f", -1);
	assert(errno == EINVAL);
	errno = 0;
	assert(labels_map(&l, "a\0b", 3) == -1 && errno == EINVAL);
	assert(l.n == 4);
	/* UTF-8 is fine. */
	expect_map(&l, "caf\xc3\xa9", 4);
	labels_release(&l);
}

/* An open set stops at LABELS_MAX with ENOSPC; old labels still map. */
static void
test_open_full(void)
{
	struct labels l;
	char buf[32];
	int i;

	labels_init(&l);
	for (i = 0; i < LABELS_MAX; i++) {
		snprintf(buf, sizeof(buf), "label%d", i);
		expect_map(&l, buf, i);
	}
	assert(l.n == LABELS_MAX);
	errno = 0;
	expect_map(&l, "one too many", -1);
	assert(errno == ENOSPC);
	errno = 0;
	assert(labels_add(&l, "another", 7) == -1 && errno == ENOSPC);
	assert(l.n == LABELS_MAX);
	expect_map(&l, "LABEL17", 17);
	snprintf(buf, sizeof(buf), "label%d", LABELS_MAX - 1);
	expect_map(&l, buf, LABELS_MAX - 1);
	labels_release(&l);
}

/* labels_add returns the existing id for a label already there. */
static void
test_add(void)
{
	struct labels l;

	labels_init(&l);
	assert(labels_add(&l, "x", 1) == 0);
	assert(labels_add(&l, "y", 1) == 1);
	assert(labels_add(&l, "X", 1) == 0);
	assert(labels_add(&l, "xyz", 1) == 0);	/* n bytes only */
	assert(l.n == 2);
	assert(l.name[1][1] == '\0');		/* stored NUL-terminated */
	labels_release(&l);
}

int
main(void)
{
	test_parse();
	test_parse_duplicates();
	test_parse_bad();
	test_find();
	test_map_closed();
	test_map_overlap();
	test_map_open();
	test_open_full();
	test_add();
	printf("unit_labels: all passed\n");
	return 0;
}
