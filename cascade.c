/*
 * cascade: answer a stream of items with cheap models learned online,
 * asking an expert command only about the items they are not sure of.
 *
 * This file is the front end: options, files, signals, the output format,
 * messages and exit codes.  The work is done by lib/: the stream by
 * lib/engine.h, the learned model and its checkpoint by lib/model.h.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/engine.h"
#include "lib/reader.h"

#define VERSION		"0.2"
#define SAVE_EVERY	60	/* seconds between checkpoints */
#define MAX_FAILURES	10	/* failed expert calls in a row to give up */

enum {
	OPT_BATCH = CHAR_MAX + 1, OPT_BUDGET, OPT_EXPERT_INPUT,
	OPT_EXPERT_MODE, OPT_HASH_BITS, OPT_INPUT, OPT_MAX_FAILURES,
	OPT_RETRIES, OPT_SAVE_EVERY, OPT_SEED, OPT_TARGET, OPT_TIMEOUT,
	OPT_VERSION, OPT_WINDOW
};

static const struct option longopts[] = {
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "expert", required_argument, NULL, 'e' },
	{ "expert-input", required_argument, NULL, OPT_EXPERT_INPUT },
	{ "expert-mode", required_argument, NULL, OPT_EXPERT_MODE },
	{ "field", required_argument, NULL, 'f' },
	{ "hash-bits", required_argument, NULL, OPT_HASH_BITS },
	{ "help", no_argument, NULL, 'h' },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "labels", required_argument, NULL, 'l' },
	{ "max-failures", required_argument, NULL, OPT_MAX_FAILURES },
	{ "model", required_argument, NULL, 'm' },
	{ "print-input", no_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "save-every", required_argument, NULL, OPT_SAVE_EVERY },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "state", required_argument, NULL, 's' },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ NULL, 0, NULL, 0 }
};

/* What the command line asks for. */
struct options {
	struct model_opts model;
	struct engine_opts engine;
	const char *state;	/* -s: the checkpoint, or NULL */
	double save_every;	/* seconds between saves; 0: at the end */
	int verbose;
};

static const char usage_text[] =
"usage: cascade [-hpqv] [-e command] [-f field] [-d delim] [-j jobs] [-l labels]\n"
"               [-m model] [-s state] [--target P] [--budget N|X%] [--seed N]\n"
"               [--timeout sec] [--retries N] [--max-failures N] [--batch N]\n"
"               [--expert-mode each|pipe] [--window N] [--input text|features]\n"
"               [--expert-input text|line] [--hash-bits N] [--save-every sec]\n"
"               [file ...]\n"
"       cascade merge [-b base] -o state file ...\n";

static volatile sig_atomic_t stop;	/* the signal that asks us to stop */
static int quiet, print_input;
static int reader_gone;			/* EPIPE on stdout */
static int progress;			/* stderr is a terminal */

static void
onsignal(int sig)
{
	stop = sig;
}

static void
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static void
badvalue(const char *opt, const char *val, const char *why)
{
	warnx("bad value for %s: '%s' (%s)", opt, val, why);
	usage();
}

/* Parses a whole decimal number in [min, max] or fails with usage. */
static double
number(const char *opt, const char *s, double min, double max, int integer)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || v != v)
		badvalue(opt, s, "not a number");
	if (integer && v != (double)(long long)v)
		badvalue(opt, s, "not a whole number");
	if (v < min || v > max) {
		char range[64];

		snprintf(range, sizeof(range), "must be from %g to %g", min, max);
		badvalue(opt, s, range);
	}
	return v;
}

static void
onwarn(void *arg, const char *msg)
{
	(void)arg;
	if (!quiet)
		warnx("%s", msg);
}

static int
onemit(void *arg, const struct engine_result *r)
{
	(void)arg;
	fwrite(r->label, 1, r->labellen, stdout);
	printf("\t%s\t%.3f", r->source, r->conf);
	if (print_input) {
		putchar('\t');
		fwrite(r->line, 1, r->len, stdout);
	}
	putchar('\n');
	if (fflush(stdout) == EOF) {
		reader_gone = errno == EPIPE;
		return -1;
	}
	return 0;
}

static double
share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void
summary(const struct engine *e, double secs)
{
	const struct engine_stats *s = engine_stats(e);
	struct rusage ru;
	double explored = s->explored ?
	    s->explored_agreed / s->explored_weight : 0;

	fprintf(stderr, "cascade: %llu items: %llu by the levels (%.1f%%), "
	    "%llu by the expert (%.1f%%), %llu fallback\n",
	    (unsigned long long)s->items, (unsigned long long)s->cheap,
	    share(s->cheap, s->items), (unsigned long long)s->expert,
	    share(s->expert, s->items), (unsigned long long)s->fallback);
	if (s->gave_up)
		fprintf(stderr, "cascade: the expert was given up on: %llu "
		    "items not sent\n", (unsigned long long)s->skipped);
	if (s->missing > 0)
		fprintf(stderr, "cascade: %llu lines without the field\n",
		    (unsigned long long)s->missing);
	fprintf(stderr, "cascade: expert: %llu items in %llu calls, "
	    "%llu invalid answers, %llu failed, %llu timeouts, %llu retries\n",
	    (unsigned long long)s->asked, (unsigned long long)s->calls,
	    (unsigned long long)s->invalid, (unsigned long long)s->failed,
	    (unsigned long long)s->timeouts, (unsigned long long)s->retries);
	fprintf(stderr, "cascade: expert latency: %.3f s mean, %.3f s p95; "
	    "%.1f calls in flight on average\n",
	    s->calls ? s->expert_secs / (double)s->calls : 0,
	    engine_latency(e, 0.95), secs > 0 ? s->expert_secs / secs : 0);
	fprintf(stderr, "cascade: estimated agreement of cheap answers with "
	    "the expert: %.3f; measured on %llu explored items: %.3f\n",
	    s->cheap ? s->cheap_agree / (double)s->cheap : 0,
	    (unsigned long long)s->explored, explored);
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "cascade: %.2f s, %.0f items/s, %.1f MiB peak memory\n",
	    secs, secs > 0 ? (double)s->items / secs : 0,
	    (double)ru.ru_maxrss / 1024);
}

/* Shows how far the run is, a few times a second, on a terminal. */
static void
show_progress(const struct engine_stats *s, int last)
{
	static double shown;
	double t = expert_now();

	if (!last && t - shown < 0.25)
		return;
	shown = t;
	fprintf(stderr, "\rcascade: %llu items, %.1f%% to the expert%s",
	    (unsigned long long)s->items, share(s->calls, s->items),
	    last ? "\n" : "");
}

/*
 * Feeds every line of fd to the engine; 0, -1 with *why, or -2 when fd
 * cannot be read.  While no line is complete the engine takes the
 * expert's answers, so output keeps up with a slow input.
 */
/*
 * Saves the checkpoint; a failure is reported, and the next save tries
 * again.  Returns 0 or -1.
 */
static int
save(struct engine *e, struct state_file *f, const char *name)
{
	const char *why;

	if (model_save(engine_model(e), f, &why) == 0)
		return 0;
	warn("cannot write checkpoint '%s': %s", name, why);
	return -1;
}

static int
run(struct engine *e, int fd, const struct options *o, struct state_file *f,
    double *saved, const char **why)
{
	struct reader rd;
	char *line;
	size_t n;
	int r = 0, got;

	reader_init(&rd, fd);
	while (r == 0 && !stop) {
		if ((got = reader_line(&rd, &line, &n)) == -1)
			break;
		if (got == 0) {
			if ((r = engine_idle(e, fd, why)) == 0 &&
			    reader_fill(&rd) == -1 && errno != EINTR) {
				*why = strerror(errno);
				r = -2;
			}
			continue;
		}
		r = engine_push(e, line, n, why);
		if (progress)
			show_progress(engine_stats(e), 0);
		/* A failed save is retried next time: the run goes on. */
		if (r == 0 && o->state != NULL && o->save_every > 0 &&
		    expert_now() - *saved > o->save_every) {
			save(e, f, o->state);
			*saved = expert_now();
		}
	}
	reader_release(&rd);
	return r;
}

/*
 * Runs every file of files[0..n) ("-" or none: standard input) through
 * the engine.  Returns 0, or -1 with *why; a file that cannot be read is
 * reported and sets *status, and the others still run.
 */
static int
run_files(struct engine *e, char **files, int n, const struct options *o,
    struct state_file *f, int *status, const char **why)
{
	double saved = expert_now();
	int i, r = 0;

	for (i = 0; r != -1 && !stop && i < (n ? n : 1); i++) {
		const char *name = n ? files[i] : "-";
		int fd = STDIN_FILENO;

		if (strcmp(name, "-") != 0 &&
		    (fd = open(name, O_RDONLY | O_CLOEXEC)) == -1) {
			warn("cannot read '%s'", name);
			*status = 1;
			continue;
		}
		r = run(e, fd, o, f, &saved, why);
		if (r == -2) {
			warnx("cannot read '%s': %s", name, *why);
			*status = 1;
			r = 0;
		}
		if (fd != STDIN_FILENO)
			close(fd);
	}
	return r;
}

/*
 * Opens and locks the checkpoint at path for this process, or says why
 * not: returns 0, or -1 after a message.
 */
static int
hold(struct state_file *f, const char *path)
{
	const char *why;
	long pid;

	if (state_open(f, path, &pid, &why) == 0)
		return 0;
	if (errno == EAGAIN && pid > 0)
		warnx("cannot use checkpoint '%s': in use by process %ld",
		    path, pid);
	else if (errno == EAGAIN || errno == EINVAL || errno == ENOENT)
		warnx("cannot use checkpoint '%s': %s", path, why);
	else
		warn("cannot use checkpoint '%s': %s", path, why);
	return -1;
}

/* Loads the checkpoint at path to merge it; NULL after a message. */
static struct model *
load_state(const char *path)
{
	struct model_opts o = { 0 };
	struct model *m = NULL;
	const char *why;
	int r;

	o.target = 0.95;
	if ((r = model_load(path, &o, &m, &why)) != 0)
		warnx("cannot merge checkpoint '%s': %s", path,
		    r == 1 ? "no such file" : why);
	return m;
}

/*
 * cascade merge [-b BASE] -o OUT FILE...: one checkpoint from several,
 * learned by shards of a stream (that all started from BASE).
 */
static int
merge(int argc, char *argv[])
{
	static const struct option merge_longopts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct model *m, *s, *base = NULL;
	struct state_file f;
	const char *out = NULL, *from = NULL, *why;
	int c, i, status = 0;

	opterr = 0;	/* getopt would name "merge", not us */
	while ((c = getopt_long(argc, argv, "b:o:", merge_longopts, NULL)) !=
	    -1)
		switch (c) {
		case 'b':
			from = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			warnx("merge: bad option or missing value: %s",
			    argv[optind - 1]);
			usage();
		}
	argc -= optind;
	argv += optind;
	if (out == NULL || argc < 1)
		usage();
	if (hold(&f, out) == -1)
		return 1;
	if ((from != NULL && (base = load_state(from)) == NULL) ||
	    (m = load_state(argv[0])) == NULL) {
		model_free(base);
		state_close(&f);
		return 1;
	}
	for (i = 1; i < argc && status == 0; i++) {
		if ((s = load_state(argv[i])) == NULL)
			status = 1;
		else if (model_merge(m, s, base, &why) == -1) {
			warnx("cannot merge checkpoint '%s': %s", argv[i], why);
			status = 1;
		}
		model_free(s);
	}
	if (status == 0 && model_save(m, &f, &why) == -1) {
		warn("cannot write checkpoint '%s': %s", out, why);
		status = 1;
	}
	state_close(&f);
	model_free(m);
	model_free(base);
	return status;
}

/* --budget N or N%. */
static void
parse_budget(const char *s, struct engine_opts *o)
{
	size_t n = strlen(s);
	char *pct;

	if (n > 1 && s[n - 1] == '%') {
		if ((pct = strdup(s)) == NULL)
			err(1, NULL);
		pct[n - 1] = '\0';
		o->budget_share = number("--budget", pct, 0, 100, 0) / 100;
		free(pct);
	} else
		o->budget = (int64_t)number("--budget", s, 0, 1e15, 1);
}

/*
 * Fills o from the command line, or exits: 0 after --help or --version,
 * 2 after a usage message.  Returns the index of the first file.
 */
static int
parse_options(int argc, char *argv[], struct options *o)
{
	struct model_opts *m = &o->model;
	struct engine_opts *e = &o->engine;
	const char *why;
	int c;

	memset(o, 0, sizeof(*o));
	m->target = 0.95;
	m->seed = 1;
	e->budget = -1;
	e->budget_share = -1;
	e->delim = '\t';
	e->window = 1024;
	e->max_failures = MAX_FAILURES;
	o->save_every = SAVE_EVERY;
	e->expert.jobs = 1;
	e->expert.batch = 1;
	e->expert.timeout = 60;
	e->expert.stop = &stop;
	e->emit = onemit;
	e->warn = onwarn;
	while ((c = getopt_long(argc, argv, "d:e:f:hj:l:m:pqs:v", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			if (strlen(optarg) != 1)
				badvalue("-d", optarg, "must be one byte");
			e->delim = (unsigned char)optarg[0];
			break;
		case 'e':
			e->expert.cmd = optarg;
			break;
		case 'f':
			e->field = (unsigned)number("-f", optarg, 1, 1e6, 1);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'j':
			e->expert.jobs = (int)number("-j", optarg, 1,
			    EXPERT_JOBS_MAX, 1);
			break;
		case 'l':
			m->labels = optarg;
			break;
		case 'm':
			if (!model_kind_known(optarg))
				badvalue("-m", optarg, "must be lr or nb");
			if (m->nkinds == MODEL_LEVELS_MAX) {
				warnx("too many -m: at most %d levels",
				    MODEL_LEVELS_MAX);
				usage();
			}
			m->kinds[m->nkinds++] = optarg;
			break;
		case 'p':
			print_input = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			o->state = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_BATCH:
			e->expert.batch = (int)number("--batch", optarg, 1,
			    EXPERT_BATCH_MAX, 1);
			break;
		case OPT_BUDGET:
			parse_budget(optarg, e);
			break;
		case OPT_EXPERT_INPUT:
			if (strcmp(optarg, "text") == 0)
				e->expert_line = 0;
			else if (strcmp(optarg, "line") == 0)
				e->expert_line = 1;
			else
				badvalue("--expert-input", optarg,
				    "must be text or line");
			break;
		case OPT_EXPERT_MODE:
			if (strcmp(optarg, "each") == 0)
				e->expert.persistent = 0;
			else if (strcmp(optarg, "pipe") == 0)
				e->expert.persistent = 1;
			else
				badvalue("--expert-mode", optarg,
				    "must be each or pipe");
			break;
		case OPT_HASH_BITS:
			m->bits = (unsigned)number("--hash-bits", optarg,
			    MODEL_BITS_MIN, MODEL_BITS_MAX, 1);
			break;
		case OPT_INPUT:
			if (strcmp(optarg, "text") == 0)
				m->mode = TEXT_WORDS;
			else if (strcmp(optarg, "features") == 0)
				m->mode = TEXT_FEATURES;
			else
				badvalue("--input", optarg,
				    "must be text or features");
			m->mode_given = 1;
			break;
		case OPT_MAX_FAILURES:
			e->max_failures = (int)number("--max-failures", optarg,
			    0, 1e6, 1);
			break;
		case OPT_SAVE_EVERY:
			o->save_every = number("--save-every", optarg, 0,
			    1e9, 0);
			break;
		case OPT_RETRIES:
			e->expert.retries = (int)number("--retries", optarg, 0,
			    100, 1);
			break;
		case OPT_SEED:
			m->seed = (uint64_t)number("--seed", optarg, 0, 1e15, 1);
			break;
		case OPT_TARGET:
			m->target = number("--target", optarg, 0, 1, 0);
			if (m->target <= 0)
				badvalue("--target", optarg, "must be above 0");
			break;
		case OPT_TIMEOUT:
			e->expert.timeout = number("--timeout", optarg, 0,
			    86400, 0);
			break;
		case OPT_VERSION:
			puts("cascade " VERSION);
			exit(0);
		case OPT_WINDOW:
			e->window = (size_t)number("--window", optarg, 1, 1e7, 1);
			break;
		default:
			usage();
		}
	}
	if (model_check(m, &why) == -1) {
		warnx("%s: '%s'", why, m->labels ? m->labels : "");
		usage();
	}
	return optind;
}

/*
 * The engine, with the model of the checkpoint (held in f) or a new one;
 * or exits.  What would make the checkpoint fail at the end is refused
 * now, before any expert call.
 */
static struct engine *
make_engine(const struct options *o, struct state_file *f)
{
	struct model *m = NULL;
	struct engine *e;
	const char *why;
	int r = 1;

	if (o->state != NULL && hold(f, o->state) == -1)
		exit(1);
	if (o->state != NULL &&
	    (r = model_load_file(f, &o->model, &m, &why)) == -1) {
		state_close(f);
		errx(1, "cannot read checkpoint '%s': %s", o->state, why);
	}
	if (r == 1 && (m = model_new(&o->model, &why)) == NULL) {
		state_close(f);
		errx(1, "%s", why);
	}
	if (o->state != NULL && model_size_max(m) > STATE_MAXLEN) {
		state_close(f);
		errx(1, "cannot use checkpoint '%s': a model this size could "
		    "not be saved (its payload may take %.0f MiB, more than "
		    "the 4096 MiB a checkpoint holds): use fewer --hash-bits "
		    "or levels", o->state,
		    (double)model_size_max(m) / (1 << 20));
	}
	/*
	 * A new checkpoint is saved at once: the save is tried before any
	 * expert call, and a run killed before its first save leaves a
	 * valid (empty) checkpoint, not an empty file.
	 */
	if (o->state != NULL && f->created &&
	    model_save(m, f, &why) == -1) {
		model_free(m);
		state_close(f);
		errx(1, "cannot write checkpoint '%s': %s", o->state, why);
	}
	if ((e = engine_new(&o->engine, m, &why)) == NULL) {
		state_close(f);
		errx(1, "%s", why);
	}
	return e;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int
main(int argc, char *argv[])
{
	struct options o;
	struct state_file f = { NULL, -1, 0 };
	struct engine *e;
	const char *why = NULL;
	double start = expert_now();
	int first, status = 0, r;

	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return merge(argc - 1, argv + 1);
	first = parse_options(argc, argv, &o);
	/* Before the first save: a signal then leaves no temporary file. */
	catch_signals();
	e = make_engine(&o, &f);
	/* The expert can tell how it is run (and so whether to number). */
	setenv("CASCADE_EXPERT_MODE", o.engine.expert.persistent ? "pipe" :
	    "each", 1);
	progress = !quiet && isatty(STDERR_FILENO);
	r = run_files(e, argv + first, argc - first, &o, &f, &status, &why);
	if (r == 0 && !stop)
		r = engine_finish(e, &why);
	if (progress)
		show_progress(engine_stats(e), 1);
	if (r == -1 && !stop && !reader_gone) {
		warnx("%s", why);
		status = 1;
	}
	if (o.state != NULL && save(e, &f, o.state) == -1)
		status = 1;
	state_close(&f);
	if (o.verbose)
		summary(e, expert_now() - start);
	if (status == 0 && engine_stats(e)->failed > 0)
		status = 3;
	engine_free(e);
	if (stop)
		return 128 + stop;
	if (fclose(stdout) == EOF && !reader_gone && status == 0) {
		warn("cannot write output");
		status = 1;
	}
	return status;
}
