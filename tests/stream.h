/*
 * stream.h: the synthetic stream that unit tests learn from.  Item k has
 * a few of eight words, then `extra`, and "good" when k is even: the rule
 * a level must learn.
 */
#ifndef CASCADE_TEST_STREAM_H
#define CASCADE_TEST_STREAM_H

#include <assert.h>
#include <stdio.h>

#include "../lib/text.h"

/* Fills f with item k's features; returns 1 when it holds "good". */
static int
stream_item(struct feats *f, unsigned k, const char *extra)
{
	static const char *const words[] = {
		"bad", "plot", "actor", "film", "boring", "fun", "music", "slow"
	};
	char s[160];
	size_t n = 0;
	unsigned i;

	for (i = 0; i < 3 + k % 5; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s ",
		    words[(k * 7 + i * 3) % 8]);
	n += (size_t)snprintf(s + n, sizeof(s) - n, "%s ", extra);
	if (k % 2 == 0)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "good");
	assert(text_features(f, TEXT_WORDS, s, n) == 0);
	return k % 2 == 0;
}

#endif
