/*
 * unit_reader: tests of lib/reader.h: lines through a pipe, whatever their
 * ends and lengths, and read in pieces.  Exits 0 when every check passes;
 * a failed assert() names the line.
 */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/reader.h"

/*
 * Writes the n bytes at s into a pipe, in pieces of `piece` bytes, and
 * reads them back a line at a time: the lines, each followed by '|', go to
 * out.  The writer is a child, so that a long input does not fill the pipe.
 */
static void
lines(const char *s, size_t n, size_t piece, char *out, size_t size)
{
	struct reader r;
	char *line;
	size_t len, k = 0, i;
	int fd[2], got;
	pid_t pid;

	assert(pipe(fd) == 0);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		for (i = 0; i < n; i += piece)
			if (write(fd[1], s + i, n - i < piece ? n - i : piece) < 0)
				_exit(1);
		_exit(0);
	}
	assert(pid > 0);
	close(fd[1]);
	reader_init(&r, fd[0]);
	while ((got = reader_line(&r, &line, &len)) != -1) {
		if (got == 0) {
			assert(reader_fill(&r) >= 0);
			continue;
		}
		assert(k + len + 1 < size);
		memcpy(out + k, line, len);
		k += len;
		out[k++] = '|';
	}
	out[k] = '\0';
	reader_release(&r);
	close(fd[0]);
	while (wait(NULL) > 0)
		;
}

#define S(lit)	(lit), (sizeof(lit) - 1)

/* LF and CRLF end a line; a CR inside one is kept; the last needs no LF. */
static void
test_ends(void)
{
	char out[256];
	size_t piece;

	for (piece = 1; piece <= 8; piece++) {
		lines(S("a\nbb\r\n\nc\rd\ne"), piece, out, sizeof(out));
		assert(strcmp(out, "a|bb||c\rd|e|") == 0);
	}
	lines(S(""), 1, out, sizeof(out));
	assert(strcmp(out, "") == 0);
	lines(S("\n"), 1, out, sizeof(out));
	assert(strcmp(out, "|") == 0);
	/* Only one line end is taken off. */
	lines(S("x\r\r\n"), 1, out, sizeof(out));
	assert(strcmp(out, "x\r|") == 0);
	/* A last line with a lone CR at its end loses it, as with CRLF. */
	lines(S("x\ny\r"), 1, out, sizeof(out));
	assert(strcmp(out, "x|y|") == 0);
}

/* A line longer than the reader's first buffer comes whole. */
static void
test_long(void)
{
	size_t n = 300000, i;
	char *s = malloc(n + 3), *out = malloc(n + 8);

	assert(s != NULL && out != NULL);
	for (i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	memcpy(s + n, "\nz", 2);
	lines(s, n + 2, 4096, out, n + 8);
	assert(strlen(out) == n + 3);
	assert(memcmp(out, s, n) == 0 && strcmp(out + n, "|z|") == 0);
	free(s);
	free(out);
}

int
main(void)
{
	test_ends();
	test_long();
	printf("unit_reader: all passed\n");
	return 0;
}
