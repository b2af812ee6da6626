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
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>		/* mallopt */
#endif

#include "lib/engine.h"
#include "lib/feeder.h"

#define VERSION		"0.2"
#define SAVE_EVERY	60	/* seconds between checkpoints */
#define MAX_FAILURES	10	/* failed expert calls in a row to give up */
/*
 * Agreement the threshold could not spend, as a share of the items, from
 * which the summary says that the levels alone agree more than --target.
 */
#define UNSPENT		0.005

enum {
	OPT_BATCH = CHAR_MAX + 1, OPT_BUDGET, OPT_CACHE, OPT_EXPERT_FIELD,
	OPT_EXPERT_INPUT, OPT_EXPLORE,
	OPT_EXPERT_MODE, OPT_HASH_BITS, OPT_INPUT, OPT_MAX_FAILURES,
	OPT_RETRIES, OPT_SAVE_EVERY, OPT_SEED, OPT_STATS, OPT_STRICT,
	OPT_TARGET, OPT_TIMEOUT, OPT_VECTORS, OPT_VERSION, OPT_WINDOW
};

static const struct option longopts[] = {
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "expert", required_argument, NULL, 'e' },
	{ "expert-field", required_argument, NULL, OPT_EXPERT_FIELD },
	{ "expert-input", required_argument, NULL, OPT_EXPERT_INPUT },
	{ "expert-mode", required_argument, NULL, OPT_EXPERT_MODE },
	{ "explore", required_argument, NULL, OPT_EXPLORE },
	{ "field", required_argument, NULL, 'f' },
	{ "hash-bits", required_argument, NULL, OPT_HASH_BITS },
	{ "help", no_argument, NULL, 'h' },
	{ "initial", required_argument, NULL, 'i' },
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
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "vectors", required_argument, NULL, OPT_VECTORS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ NULL, 0, NULL, 0 }
};

/* What the command line asks for. */
struct options {
	struct model_opts model;
	struct engine_opts engine;
	const char *initial;	/* -i: the checkpoint to start from, or NULL */
	const char *state;	/* -s: the checkpoint, or NULL */
	double save_every;	/* seconds between saves; 0: at the end */
	const char *stats;	/* --stats: the JSON summary, or NULL */
	const char *vectors_path;	/* --vectors, or NULL */
	struct vectors *vectors;	/* and what it holds */
	int verbose;
	int strict;		/* --strict: a warning of the answers exits 4 */
	int guessing;		/* no expert and nothing learned */
};

static const char usage_text[] =
"usage: cascade [-hpqv] [-e command] [-f field] [-d delim] [-i initial]\n"
"               [-j jobs] [-l labels] [-m model] [-s state] [--target P]\n"
"               [--budget N|X%] [--explore P] [--cache N] [--seed N]\n"
"               [--timeout sec] [--retries N] [--max-failures N]\n"
"               [--batch N] [--expert-mode each|pipe] [--window N]\n"
"               [--input text|features] [--expert-input text|line]\n"
"               [--expert-field N] [--hash-bits N] [--save-every sec]\n"
"               [--stats file] [--strict] [--vectors file] [file ...]\n"
"       cascade info [--json] state\n"
"       cascade merge [-b base] -o state file ...\n";

static const char help_text[] =
"\n"
"Labels each input line; cheap models learned online answer what they are\n"
"sure of, the expert command the rest.  Output: LABEL TAB SOURCE TAB CONF.\n"
"\n"
"  -e, --expert CMD       run CMD (/bin/sh -c, items on its stdin) for the\n"
"                         items the models are unsure of\n"
"  -f, --field N          the item is field N of the line (default: all)\n"
"  -d, --delimiter C      the field delimiter of -f (default: tab)\n"
"  -i, --initial FILE     start from checkpoint FILE and never write it\n"
"  -j, --jobs N           expert calls in flight at once (1)\n"
"  -l, --labels A,B,...   the closed label set; other answers are invalid\n"
"  -m, --model lr|nb      add a cheap level, cheapest first (one lr)\n"
"  -p, --print-input      append the input line to each output line\n"
"  -q, --quiet            no warnings and no progress line\n"
"  -s, --state FILE       load FILE if it exists, save it (--save-every)\n"
"                         and at the end; one run at a time holds it\n"
"  -v, --verbose          print a summary at the end\n"
"      --target P         the agreement with the expert to aim at (0.95)\n"
"      --budget N|X%      send at most N items, or X% of the items, to the\n"
"                         expert\n"
"      --explore P        the mean share of the items a level would answer\n"
"                         that go to the expert all the same, 0 to 1 (4%,\n"
"                         falling as the levels are measured)\n"
"      --cache N          answers kept by text, so that the expert is not\n"
"                         asked twice; 0 for none (65536)\n"
"      --seed N           seed of exploration and replays (1)\n"
"      --timeout SEC      seconds per expert call, 0 for none (60)\n"
"      --retries N        retries of a failed expert call (0)\n"
"      --max-failures N   failed calls in a row before the expert is given\n"
"                         up on for the run; 0 for never (10)\n"
"      --batch N          items per expert call, 1 to 1024 (1)\n"
"      --expert-mode M    each: a process per call; pipe: one kept process\n"
"                         per job (each)\n"
"      --window N         output lines held while the expert works (1024)\n"
"      --input MODE       text: words of prose; features: name[:value]\n"
"                         tokens (text)\n"
"      --expert-field N   the expert's answer is field N of the line: no\n"
"                         command is run (replays labelled data)\n"
"      --expert-input W   what the expert reads: the item text, or the\n"
"                         whole line (text)\n"
"      --hash-bits N      2^N slots per level, 10 to 28 (20)\n"
"      --save-every SEC   seconds between checkpoint saves; 0: at the end\n"
"                         only (60)\n"
"      --stats FILE       write the summary as JSON to FILE at the end\n"
"      --strict           exit 4 after a warning about the answers\n"
"      --vectors FILE     word vectors (.vec: fastText, GloVe) that the\n"
"                         levels learn from beside the words\n"
"  -h, --help             this help\n"
"      --version          the version\n"
"\n"
"See cascade(1) for the details.\n";

static volatile sig_atomic_t stop;	/* the signal that asks us to stop */
static int quiet, print_input;
static int reader_gone;			/* EPIPE on stdout */
/*
 * Each output line is flushed while an expert command may be waited for,
 * so that a reader sees every answer as soon as it is known; without one,
 * output is flushed when the input must be waited for, and a write per
 * line would be a fifth of the time of a run into a pipe.
 */
static int flush_lines;
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

		snprintf(range, sizeof(range), "must be from %.15g to %.15g", min, max);
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
flush_output(void)
{
	if (fflush(stdout) == EOF) {
		reader_gone = errno == EPIPE;
		return -1;
	}
	return 0;
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
	return flush_lines ? flush_output() : 0;
}

static double
share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* The figures of a run, for -v and --stats. */
struct figures {
	const struct engine_stats *s;
	const struct model *m;
	double secs;			/* the run's time */
	double latency, p95;		/* of an expert call, in seconds */
	double in_flight;		/* calls, on average */
	double estimated;		/* agreement of the cheap answers */
	double measured, se;		/* on explored items, its std. error */
	double all_estimated;		/* of the answers, fallback aside */
	double all_measured, all_se;	/* the same, the cheap ones measured */
	double unspent;			/* share the threshold could not spend */
	double peak;			/* MiB */
};

static struct figures
figures(const struct engine *e, double secs)
{
	const struct engine_stats *s = engine_stats(e);
	struct figures f;
	struct rusage ru;
	double expert = (double)(s->expert + s->invalid + s->cached);
	double all = expert + (double)s->cheap, n;

	f.s = s;
	f.m = engine_model(e);
	f.secs = secs;
	f.latency = s->calls ? s->expert_secs / (double)s->calls : 0;
	f.p95 = engine_latency(e, 0.95);
	f.in_flight = secs > 0 ? s->expert_secs / secs : 0;
	f.estimated = s->cheap ? s->cheap_agree / (double)s->cheap : 0;
	f.measured = s->explored ? s->explored_agreed / s->explored_weight : 0;
	f.se = 0;
	if (s->explored) {
		/* Kish's effective sample size: the weights differ. */
		n = s->explored_weight * s->explored_weight /
		    s->explored_weight2;
		f.se = sqrt(f.measured * (1 - f.measured) / n);
	}
	/* The expert's answers (and the cache's) agree with it. */
	f.all_estimated = all > 0 ? (expert + s->cheap_agree) / all : 0;
	f.all_measured = all > 0 ?
	    (expert + (double)s->cheap * f.measured) / all : 0;
	f.all_se = all > 0 ? (double)s->cheap * f.se / all : 0;
	f.unspent = s->items > 0 ? f.m->unspent / (double)s->items : 0;
	getrusage(RUSAGE_SELF, &ru);
	f.peak = (double)ru.ru_maxrss / 1024;
	return f;
}

static void
summary(const struct figures *f)
{
	const struct engine_stats *s = f->s;

	fprintf(stderr, "cascade: %llu items: %llu by the levels (%.1f%%), "
	    "%llu by the expert (%.1f%%), %llu invalid, %llu from the cache, "
	    "%llu fallback\n",
	    (unsigned long long)s->items, (unsigned long long)s->cheap,
	    share(s->cheap, s->items), (unsigned long long)s->expert,
	    share(s->expert, s->items), (unsigned long long)s->invalid,
	    (unsigned long long)s->cached, (unsigned long long)s->fallback);
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
	    "%.1f calls in flight on average\n", f->latency, f->p95,
	    f->in_flight);
	if (s->cheap > 0)
		fprintf(stderr, "cascade: agreement of cheap answers with the "
		    "expert: %.3f estimated", f->estimated);
	if (s->cheap > 0 && s->explored > 0)
		fprintf(stderr, ", %.3f +/- %.3f measured on %llu explored "
		    "items\n", f->measured, f->se,
		    (unsigned long long)s->explored);
	else if (s->cheap > 0)
		fputs(", none explored to measure it\n", stderr);
	fprintf(stderr, "cascade: agreement of all answers with the expert: "
	    "%.3f estimated", f->all_estimated);
	if (s->explored > 0)
		fprintf(stderr, ", %.3f +/- %.3f measured", f->all_measured,
		    f->all_se);
	fprintf(stderr, "; --target %g\n", f->m->target);
	if (f->unspent >= UNSPENT)
		fprintf(stderr, "cascade: the levels alone agree more than "
		    "--target %g, by their estimate: answering every item "
		    "they could, they left %.1f points of it unspent\n",
		    f->m->target, 100 * f->unspent);
	fprintf(stderr, "cascade: %.2f s, %.0f items/s, %.1f MiB peak memory\n",
	    f->secs, f->secs > 0 ? (double)s->items / f->secs : 0, f->peak);
}

/* The figures as one JSON object (see --stats in the man page). */
static void
stats_json(FILE *out, const struct figures *f)
{
	const struct engine_stats *s = f->s;
	size_t i;

	fprintf(out, "{\"items\":%llu,\"cheap\":%llu,\"levels\":[",
	    (unsigned long long)s->items, (unsigned long long)s->cheap);
	for (i = 0; i < f->m->nlevels; i++)
		fprintf(out, "%s{\"kind\":\"%s\",\"answers\":%llu}",
		    i ? "," : "", f->m->level[i]->kind->name,
		    (unsigned long long)s->by_level[i]);
	fprintf(out, "],\"unfunded\":%llu,\"expert\":%llu,\"invalid\":%llu,"
	    "\"cached\":%llu,\"fallback\":%llu,\"skipped\":%llu,\"missing_field\":%llu,\"sent\":%llu,"
	    "\"calls\":%llu,\"failed\":%llu,\"timeouts\":%llu,"
	    "\"retries\":%llu,\"latency_mean\":%.6f,\"latency_p95\":%.6f,"
	    "\"in_flight\":%.3f,\"agreement_estimated\":%.6f,"
	    "\"explored\":%llu,\"agreement_measured\":%.6f,"
	    "\"agreement_measured_se\":%.6f,"
	    "\"agreement_all_estimated\":%.6f,"
	    "\"agreement_all_measured\":%.6f,\"agreement_all_se\":%.6f,"
	    "\"agreement_unspent\":%.6f,\"levels_above_target\":%s,"
	    "\"seconds\":%.3f,\"items_per_second\":%.1f,"
	    "\"peak_memory_mib\":%.1f}\n",
	    (unsigned long long)s->unfunded, (unsigned long long)s->expert,
	    (unsigned long long)s->invalid, (unsigned long long)s->cached,
	    (unsigned long long)s->fallback, (unsigned long long)s->skipped,
	    (unsigned long long)s->missing, (unsigned long long)s->asked,
	    (unsigned long long)s->calls, (unsigned long long)s->failed,
	    (unsigned long long)s->timeouts, (unsigned long long)s->retries,
	    f->latency, f->p95, f->in_flight, f->estimated,
	    (unsigned long long)s->explored, f->measured, f->se,
	    f->all_estimated, f->all_measured, f->all_se,
	    f->unspent, f->unspent >= UNSPENT ? "true" : "false", f->secs,
	    f->secs > 0 ? (double)s->items / f->secs : 0, f->peak);
}

/*
 * Writes the figures to path as JSON, through a temporary file renamed
 * over it, so that a monitor never reads half of it.  0, or -1 and errno.
 */
static int
write_stats(const char *path, const struct figures *f)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	FILE *out = NULL;
	int fd = -1, ok = 0, e;

	if (tmp == NULL)
		return -1;
	snprintf(tmp, n, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) != -1 && (out = fdopen(fd, "w")) != NULL) {
		mode_t mask = umask(0);

		umask(mask);
		stats_json(out, f);
		ok = fflush(out) == 0 && fchmod(fd, 0666 & ~mask) == 0;
		ok = fclose(out) == 0 && ok && rename(tmp, path) == 0;
	} else if (fd != -1)
		close(fd);
	e = errno;
	if (!ok && fd != -1)
		unlink(tmp);
	free(tmp);
	errno = e;
	return ok ? 0 : -1;
}

/*
 * Shows how far the run is, a few times a second, on a terminal: redrawn
 * in place, and wiped at the end (last).
 */
static void
show_progress(const struct engine_stats *s, int last)
{
	static double start, shown;
	static int width;
	double t = expert_now();
	int n;

	if (start == 0)
		start = t;
	if (last) {
		if (width > 0)
			fprintf(stderr, "\r%*s\r", width, "");
		return;
	}
	if (t - shown < 0.25)
		return;
	shown = t;
	n = fprintf(stderr, "\rcascade: %llu items, %.0f items/s, %.1f%% sent "
	    "to the expert, agreement %.3f, %llu failed",
	    (unsigned long long)s->items,
	    t > start ? (double)s->items / (t - start) : 0,
	    share(s->asked, s->items),
	    s->cheap ? s->cheap_agree / (double)s->cheap : 1,
	    (unsigned long long)s->failed) - 1;
	if (n < width)
		fprintf(stderr, "%*s", width - n, "");
	if (n > width)
		width = n;
}

/*
 * Warns of answers a cron job should act on: a budget that left the cheap
 * answers short of --target, beyond the uncertainty of their estimate.
 * Returns whether it warned.
 */
static int
advise(const struct options *o, const struct figures *f)
{
	const struct engine_stats *s = f->s;
	double n = (double)s->cheap, p = f->estimated, se;

	if (s->unfunded == 0 || s->cheap == 0)
		return 0;
	se = sqrt(p * (1 - p) / n);
	if (p + 2 * se >= o->model.target)
		return 0;
	if (!quiet)
		warnx("the budget ran out: %llu items the levels were unsure of "
		    "got their best guess; the cheap answers' estimated agreement "
		    "with the expert is %.3f (+/- %.3f), below --target %g",
		    (unsigned long long)s->unfunded, p, se, o->model.target);
	return 1;
}

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

/* An input: its name, and its lines and features as they are read. */
struct input {
	const char *name;
	int fd;
	struct feeder *fe;
};

/*
 * Opens the input name ("-": standard input) and starts reading it, its
 * features made in mode.  Returns 0, or -1 after a message.
 */
static int
open_input(const char *name, const struct options *o, enum text_mode mode,
    struct input *in)
{
	in->name = name;
	in->fd = STDIN_FILENO;
	if (strcmp(name, "-") != 0 &&
	    (in->fd = open(name, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("cannot read '%s'", name);
		return -1;
	}
	if ((in->fe = feeder_new(in->fd, mode, o->engine.field,
	    o->engine.delim, &stop)) == NULL) {
		warn("cannot read '%s'", name);
		if (in->fd != STDIN_FILENO)
			close(in->fd);
		return -1;
	}
	return 0;
}

static void
close_input(struct input *in)
{
	feeder_free(in->fe);
	if (in->fd != STDIN_FILENO)
		close(in->fd);
}

/*
 * Feeds every line of fe to the engine; 0, -1 with *why, or -2 with *why
 * when the input cannot be read.  While no line is complete the engine
 * takes the expert's answers, so output keeps up with a slow input.
 */
static int
run(struct engine *e, struct feeder *fe, const struct options *o,
    struct state_file *f, double *saved, const char **why)
{
	const struct feats *text;
	struct pollfd p;
	const char *line;
	size_t n;
	int r = 0, got;

	p.fd = feeder_fd(fe);
	p.events = POLLIN;
	while (r == 0 && !stop) {
		if ((got = feeder_next(fe, &line, &n, &text)) == -2) {
			*why = "out of memory";
			r = -1;
			break;
		}
		if (got == -1) {
			/* the end, or a signal: stop is seen by the caller */
			if (errno != 0 && errno != EINTR) {
				*why = strerror(errno);
				r = -2;
			}
			break;
		}
		if (got == 0) {
			if (flush_output() == -1) {
				*why = "cannot write output";
				r = -1;
			} else if ((r = engine_idle(e, p.fd, why)) == 0) {
				/* A signal ends the wait: stop is seen above. */
				poll(&p, 1, -1);
			}
			continue;
		}
		r = engine_push(e, line, n, text, why);
		if (progress)
			show_progress(engine_stats(e), 0);
		/* A failed save is retried next time: the run goes on. */
		if (r == 0 && o->state != NULL && o->save_every > 0 &&
		    expert_now() - *saved > o->save_every) {
			save(e, f, o->state);
			*saved = expert_now();
		}
	}
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
	struct input in;
	double saved = expert_now();
	int i, r = 0;

	for (i = 0; r != -1 && !stop && i < (n ? n : 1); i++) {
		if (open_input(n ? files[i] : "-", o, engine_model(e)->mode,
		    &in) == -1) {
			*status = 1;
			continue;
		}
		r = run(e, in.fe, o, f, &saved, why);
		if (r == -2) {
			warnx("cannot read '%s': %s", in.name, *why);
			*status = 1;
			r = 0;
		}
		close_input(&in);
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

/* Loads the checkpoint at path to `verb` it; NULL after a message. */
static struct model *
load_state(const char *path, const char *verb)
{
	struct model_opts o = { 0 };
	struct model *m = NULL;
	const char *why;
	int r;

	o.target = 0.95;
	if ((r = model_load(path, &o, &m, &why)) != 0)
		warnx("cannot %s checkpoint '%s': %s", verb, path,
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
	if ((from != NULL && (base = load_state(from, "merge")) == NULL) ||
	    (m = load_state(argv[0], "merge")) == NULL) {
		model_free(base);
		state_close(&f);
		return 1;
	}
	for (i = 1; i < argc && status == 0; i++) {
		if ((s = load_state(argv[i], "merge")) == NULL)
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

/* Writes the n bytes at s as a JSON string. */
static void
json_string(FILE *f, const char *s, size_t n)
{
	size_t i;

	putc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

/* What the checkpoint m at path holds, in words or (json) as JSON. */
static void
describe(FILE *f, const char *path, const struct model *m, int json)
{
	const char *mode = m->mode == TEXT_WORDS ? "text" : "features";
	uint32_t kept;
	double agreed;
	size_t i;

	if (json) {
		fputs("{\"file\":", f);
		json_string(f, path, strlen(path));
		fprintf(f, ",\"format\":%d,\"input\":\"%s\",\"hash_bits\":%u,"
		    "\"closed\":%s,\"labels\":[", (int)m->format, mode, m->bits,
		    m->labels.closed ? "true" : "false");
	} else
		fprintf(f, "checkpoint: %s\nformat: %d\ninput: %s\n"
		    "hash bits: %u\nlabels (%s):", path, (int)m->format, mode,
		    m->bits, m->labels.closed ? "closed" : "open");
	for (i = 0; i < m->labels.n; i++) {
		if (json) {
			if (i > 0)
				putc(',', f);
			json_string(f, m->labels.name[i], m->labels.len[i]);
		} else
			fprintf(f, "%s%.*s", i ? "," : " ",
			    (int)m->labels.len[i], m->labels.name[i]);
	}
	if (json)
		fprintf(f, "],\"threshold\":%.6g,\"cached\":%zu,\"levels\":[",
		    m->thresh, m->cache ? cache_count(m->cache) : 0);
	else
		fprintf(f, "\nthreshold: %.4f\nanswers cached: %zu\n",
		    m->thresh, m->cache ? cache_count(m->cache) : 0);
	for (i = 0; i < m->nlevels; i++) {
		agreed = model_agreed(m, i, &kept);
		if (json)
			fprintf(f, "%s{\"kind\":\"%s\",\"answers\":%llu,"
			    "\"kept\":%lu,\"agreed\":%.6g}", i ? "," : "",
			    m->level[i]->kind->name,
			    (unsigned long long)m->level[i]->updates,
			    (unsigned long)kept, agreed);
		else
			fprintf(f, "level %zu: %s, %llu answers learned; agreed "
			    "with the expert on %.1f%% of the last %lu it kept\n",
			    i + 1, m->level[i]->kind->name,
			    (unsigned long long)m->level[i]->updates,
			    100 * agreed, (unsigned long)kept);
	}
	if (json && m->vs != NULL)
		fprintf(f, "],\"vectors\":{\"checksum\":\"%016llx\",\"dim\":%u,"
		    "\"words\":%u,\"items\":%llu}}\n",
		    (unsigned long long)m->vs->sum, (unsigned)m->vs->dim,
		    (unsigned)m->vs->rows, (unsigned long long)m->vs->items);
	else if (json)
		fputs("],\"vectors\":null}\n", f);
	else if (m->vs != NULL)
		fprintf(f, "word vectors: %u words of %u dimensions, checksum "
		    "%016llx; %llu items counted\n", (unsigned)m->vs->rows,
		    (unsigned)m->vs->dim, (unsigned long long)m->vs->sum,
		    (unsigned long long)m->vs->items);
}

/* cascade info [--json] FILE: what a checkpoint holds. */
static int
info(int argc, char *argv[])
{
	static const struct option info_longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct model *m;
	int c, json = 0;

	opterr = 0;	/* getopt would name "info", not us */
	while ((c = getopt_long(argc, argv, "", info_longopts, NULL)) != -1)
		if (c == 'j')
			json = 1;
		else {
			warnx("info: bad option: %s", argv[optind - 1]);
			usage();
		}
	if (argc - optind != 1)
		usage();
	if ((m = load_state(argv[optind], "read")) == NULL)
		return 1;
	describe(stdout, argv[optind], m, json);
	model_free(m);
	if (fclose(stdout) == EOF) {
		warn("cannot write output");
		return 1;
	}
	return 0;
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
	m->cache = CACHE_SLOTS_DEFAULT;
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
	while ((c = getopt_long(argc, argv, "d:e:f:hi:j:l:m:pqs:v", longopts,
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
			fputs(help_text, stdout);
			exit(0);
		case 'i':
			o->initial = optarg;
			break;
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
		case OPT_CACHE:
			m->cache = (size_t)number("--cache", optarg, 0,
			    CACHE_SLOTS_MAX, 1);
			m->cache_given = 1;
			break;
		case OPT_EXPERT_FIELD:
			e->expert_field = (unsigned)number("--expert-field",
			    optarg, 1, 1e6, 1);
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
		case OPT_EXPLORE:
			m->explore = number("--explore", optarg, 0, 1, 0);
			m->explore_given = 1;
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
		case OPT_STATS:
			o->stats = optarg;
			break;
		case OPT_STRICT:
			o->strict = 1;
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
		case OPT_VECTORS:
			o->vectors_path = optarg;
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
	if (o->vectors_path != NULL && m->mode == TEXT_FEATURES) {
		warnx("--vectors and --input features: vectors are of words");
		usage();
	}
	if (e->expert.cmd != NULL && e->expert_field > 0) {
		warnx("-e and --expert-field: give one expert");
		usage();
	}
	if (model_check(m, &why) == -1) {
		warnx("%s: '%s'", why, m->labels ? m->labels : "");
		usage();
	}
	return optind;
}

/*
 * The engine, with the model of the checkpoint to start from (-i, else
 * -s, held in f, if it exists) or a new one; or exits.  What would make
 * the checkpoint fail at the end is refused now, before any expert call.
 * Warns when it can only guess.
 */
static struct engine *
make_engine(struct options *o, struct state_file *f)
{
	const char *why;
	struct model *m = NULL;
	struct engine *e;
	int r = 1;

	if (o->state != NULL && hold(f, o->state) == -1)
		exit(1);
	if (o->vectors_path != NULL) {
		if ((o->vectors = vectors_open(o->vectors_path, &why)) == NULL) {
			state_close(f);
			errx(1, "cannot use word vectors: %s", why);
		}
		if (why != NULL && !quiet)
			warnx("%s", why);
		o->model.vectors = o->vectors;
	}
	if (o->initial != NULL &&
	    (r = model_load(o->initial, &o->model, &m, &why)) != 0) {
		state_close(f);
		errx(1, "cannot read checkpoint '%s': %s", o->initial,
		    r == 1 ? "no such file" : why);
	}
	if (o->initial == NULL && o->state != NULL &&
	    (r = model_load_file(f, &o->model, &m, &why)) == -1) {
		state_close(f);
		errx(1, "cannot read checkpoint '%s': %s", o->state, why);
	}
	if (r == 1 && (m = model_new(&o->model, &why)) == NULL) {
		state_close(f);
		errx(1, "%s", why);
	}
	if (m->vs != NULL && m->vec == NULL) {
		model_free(m);
		state_close(f);
		errx(1, "cannot use checkpoint '%s': it was learned with word "
		    "vectors: give them with --vectors", o->initial ? o->initial :
		    o->state);
	}
	if (m->vec != NULL && m->mode != TEXT_WORDS) {
		model_free(m);
		state_close(f);
		errx(1, "cannot use word vectors: the checkpoint is for "
		    "--input features");
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
	if (o->engine.expert.cmd == NULL && o->engine.expert_field == 0 &&
	    m->level[0]->updates == 0) {
		o->guessing = 1;
		if (!quiet)
			warnx("no expert (-e) and nothing learned: every label is "
			    "a guess");
	}
	if ((e = engine_new(&o->engine, m, &why)) == NULL) {
		state_close(f);
		errx(1, "%s", why);
	}
	return e;
}

/*
 * The end of a run: the summary (-v), the JSON figures (--stats) and the
 * warnings; returns the exit status, from the one so far.
 */
static int
report(const struct options *o, const struct engine *e, double start,
    int status)
{
	struct figures f = figures(e, expert_now() - start);
	int warned;

	if (o->verbose)
		summary(&f);
	if (o->stats != NULL && write_stats(o->stats, &f) == -1) {
		warn("cannot write stats '%s'", o->stats);
		status = 1;
	}
	warned = advise(o, &f) || o->guessing;
	if (status == 0 && f.s->failed > 0)
		status = 3;
	if (status == 0 && o->strict && warned)
		status = 4;
	return status;
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
	if (argc > 1 && strcmp(argv[1], "info") == 0)
		return info(argc - 1, argv + 1);
	first = parse_options(argc, argv, &o);
	/* Before the first save: a signal then leaves no temporary file. */
	catch_signals();
#ifdef M_ARENA_MAX
	/*
	 * One malloc arena: the reading thread's own would reserve 64 MiB
	 * of address space, which a ulimit -v counts, for the little it
	 * allocates.
	 */
	mallopt(M_ARENA_MAX, 1);
#endif
	e = make_engine(&o, &f);
	/* The expert can tell how it is run (and so whether to number). */
	setenv("CASCADE_EXPERT_MODE", o.engine.expert.persistent ? "pipe" :
	    "each", 1);
	/* A progress line would mix with output on the same terminal. */
	progress = !quiet && isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	flush_lines = o.engine.expert.cmd != NULL;
	r = run_files(e, argv + first, argc - first, &o, &f, &status, &why);
	if (r == 0 && !stop)
		r = engine_finish(e, &why);
	if (r == 0 && flush_output() == -1) {
		why = "cannot write output";
		r = -1;
	}
	if (progress)
		show_progress(engine_stats(e), 1);
	if (r == -1 && !stop && !reader_gone) {
		warnx("%s", why);
		status = 1;
	}
	if (o.state != NULL && save(e, &f, o.state) == -1)
		status = 1;
	state_close(&f);
	status = report(&o, e, start, status);
	engine_free(e);
	vectors_close(o.vectors);
	if (stop)
		return 128 + stop;
	if (fclose(stdout) == EOF && !reader_gone && status == 0) {
		warn("cannot write output");
		status = 1;
	}
	return status;
}
