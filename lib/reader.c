/*
 * reader: input lines (see reader.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"

void
reader_init(struct reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

void
reader_release(struct reader *r)
{
	free(r->buf);
	reader_init(r, -1);
}

int
reader_line(struct reader *r, char **line, size_t *len)
{
	char *nl = r->end > r->scan ?
	    memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;

	if (nl == NULL) {
		r->scan = r->end;
		if (!r->eof)
			return 0;
		if (r->start == r->end)
			return -1;
		nl = r->buf + r->end;	/* the last line, without a newline */
	}
	*line = r->buf + r->start;
	*len = (size_t)(nl - *line);
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	r->start = r->scan = nl - r->buf + (nl < r->buf + r->end);
	return 1;
}

int
reader_fill(struct reader *r)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scan -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 65536;
		char *p = realloc(r->buf, cap);

		if (p == NULL)
			return -1;
		r->buf = p;
		r->cap = cap;
	}
	if ((n = read(r->fd, r->buf + r->end, r->cap - r->end)) < 0)
		return -1;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}
