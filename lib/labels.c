/*
 * labels: the label dictionary (see labels.h).
 *
 * Sets are small and answers rare next to items, so lookups are linear.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"

void
labels_init(struct labels *l)
{
	memset(l, 0, sizeof(*l));
}

void
labels_release(struct labels *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->name[i]);
	free(l->name);
	free(l->len);
	labels_init(l);
}

static int
lowc(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
sameword(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lowc((unsigned char)a[i]) != lowc((unsigned char)b[i]))
			return 0;
	return 1;
}

int
labels_find(const struct labels *l, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->len[i] == n && sameword(l->name[i], s, n))
			return (int)i;
	return -1;
}

int
labels_add(struct labels *l, const char *s, size_t n)
{
	size_t i;
	int id;
	char *copy;

	if (n == 0 || n > LABEL_MAXLEN) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			errno = EINVAL;
			return -1;
		}
	if ((id = labels_find(l, s, n)) >= 0)
		return id;
	if (l->n == LABELS_MAX) {
		errno = ENOSPC;
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		char **nm = realloc(l->name, cap * sizeof(*nm));
		size_t *ln;

		if (nm == NULL)
			return -1;
		l->name = nm;
		if ((ln = realloc(l->len, cap * sizeof(*ln))) == NULL)
			return -1;
		l->len = ln;
		l->cap = cap;
	}
	if ((copy = malloc(n + 1)) == NULL)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	l->name[l->n] = copy;
	l->len[l->n] = n;
	return (int)l->n++;
}

int
labels_parse(struct labels *l, const char *list)
{
	const char *p = list, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if (labels_add(l, p, comma ? (size_t)(comma - p) : strlen(p)) < 0)
			return -1;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	l->closed = 1;
	return 0;
}

static int
isword(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c >= 0x80;
}

/* Does the answer hold label i as a whole word? */
static int
holds(const struct labels *l, size_t i, const char *s, size_t n)
{
	size_t k, m = l->len[i];

	for (k = 0; k + m <= n; k++)
		if ((k == 0 || !isword((unsigned char)s[k - 1])) &&
		    (k + m == n || !isword((unsigned char)s[k + m])) &&
		    sameword(s + k, l->name[i], m))
			return 1;
	return 0;
}

int
labels_map(struct labels *l, const char *s, size_t n)
{
	size_t i;
	int id, found = -1;

	if ((id = labels_find(l, s, n)) >= 0)
		return id;
	if (!l->closed)
		return labels_add(l, s, n);
	for (i = 0; i < l->n; i++)
		if (holds(l, i, s, n)) {
			if (found >= 0)
				return -1;
			found = (int)i;
		}
	return found;
}
