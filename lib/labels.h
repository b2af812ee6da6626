/*
 * labels: the label dictionary, string <-> small integer id.
 *
 * Levels and the policy only see ids; the dictionary maps the expert's
 * free-form answers to them.  With a closed set (-l) the ids are fixed and
 * an answer must match a label; with an open set a new answer becomes a
 * new label, up to LABELS_MAX.
 */
#ifndef CASCADE_LABELS_H
#define CASCADE_LABELS_H

#include <stddef.h>

#define LABELS_MAX	4096	/* labels in one set */
#define LABEL_MAXLEN	256	/* bytes in one label */

struct labels {
	char **name;
	size_t *len;
	size_t n, cap;
	int closed;
};

void labels_init(struct labels *l);
void labels_release(struct labels *l);

/*
 * Adds a label (the n bytes at s) unless it is there already, compared
 * without case.  Returns its id, or -1: errno EINVAL when s is empty, too
 * long or holds a TAB or control byte, ENOSPC when the set is full, ENOMEM.
 */
int labels_add(struct labels *l, const char *s, size_t n);

/* Fills a closed set from a comma-separated list; 0 or -1 as labels_add. */
int labels_parse(struct labels *l, const char *list);

/* Returns the id of the label equal to s without case, or -1. */
int labels_find(const struct labels *l, const char *s, size_t n);

/*
 * Maps an expert answer to a label id: a label equal to it without case;
 * in a closed set, else the one label that the answer holds as a word; in
 * an open set, else a new label.  Returns -1 when it maps to nothing
 * (errno as labels_add for an open set).
 */
int labels_map(struct labels *l, const char *s, size_t n);

#endif
