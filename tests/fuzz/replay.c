/*
 * replay: a plain main() for a fuzz target, so that gcc can build it and
 * `make test` can run its corpus without libFuzzer.
 *
 * Usage: replay_NAME [dir-or-file ...].  Runs LLVMFuzzerTestOneInput on
 * every regular file given, and on every regular file in each directory
 * given (not recursively); with no argument, on the target's own corpus,
 * REPLAY_CORPUS (set by the Makefile).  Exit 0 when every input ran, 1
 * when one could not be read; a bug aborts, as under the fuzzer.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef REPLAY_CORPUS
#define REPLAY_CORPUS "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long nrun;

static int
run_file(const char *path)
{
	FILE *f;
	unsigned char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			if ((nb = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* an exact-size copy, so that a read past the end is caught */
	if ((nb = malloc(n ? n : 1)) == NULL) {
		free(buf);
		return -1;
	}
	memcpy(nb, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(nb, n);
	free(nb);
	nrun++;
	return 0;
}

static int
run(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	char *p;
	int bad = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "replay: cannot stat '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	if ((dir = opendir(path)) == NULL) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if ((p = malloc(strlen(path) + strlen(d->d_name) + 2)) == NULL)
			return -1;
		sprintf(p, "%s/%s", path, d->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(p) == -1)
			bad = 1;
		free(p);
	}
	closedir(dir);
	return bad ? -1 : 0;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2)
		bad = run(REPLAY_CORPUS) == -1;
	for (i = 1; i < argc; i++)
		if (run(argv[i]) == -1)
			bad = 1;
	printf("replay: %lu inputs\n", nrun);
	return bad || nrun == 0;
}
