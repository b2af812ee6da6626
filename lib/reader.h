/*
 * reader: input lines from a file descriptor, for a caller that must not
 * block in the middle of a line: reader_line takes complete lines from
 * what was read, reader_fill reads more (once, as read(2) does).  Lines
 * may be of any length; the last one needs no newline.
 */
#ifndef CASCADE_READER_H
#define CASCADE_READER_H

#include <stddef.h>

struct reader {
	int fd;
	char *buf;
	size_t cap, start, end, scan;
	int eof;
};

void reader_init(struct reader *r, int fd);
void reader_release(struct reader *r);

/*
 * Sets *line and *len to the next line, without its "\n" or "\r\n", and
 * returns 1; returns 0 when more must be read first, -1 at the end of the
 * input.  The line stays valid until the next reader_fill.
 */
int reader_line(struct reader *r, char **line, size_t *len);

/* Reads more input: returns 1, 0 at the end of the input, -1 and errno. */
int reader_fill(struct reader *r);

#endif
