/*
 * feeder: input lines and their features, made ahead in a thread.
 *
 * Tokenising an item takes about as long as a level takes to judge it: a
 * thread of its own reads the input and makes the features of the next
 * lines while the caller judges and learns these, as a parser thread does
 * in Vowpal Wabbit.  The two hand over blocks of lines, not single lines,
 * so that they meet a few hundred times a run, not once an item.  Lines
 * come out in input order, and the features are those the caller would
 * have made: a run's output does not depend on the threads' timing.
 */
#ifndef CASCADE_FEEDER_H
#define CASCADE_FEEDER_H

#include <stddef.h>

#include "text.h"

struct feeder;

/*
 * Starts reading fd: the features of each line are those of field `field`
 * (1-based, 0: the whole line, delim between fields) in mode.  Returns
 * NULL and errno when the thread cannot start.
 */
struct feeder *feeder_new(int fd, enum text_mode mode, unsigned field,
    int delim);

/*
 * Sets *line and *len to the next line (without its newline) and *f to
 * its features, and returns 1; they stay valid until the next call, and
 * f must not be grown.  Returns 0 when the input has stalled (nothing can
 * be read now: poll feeder_fd, readable when there may be more), -1 at
 * the end of the input (errno 0) or when it cannot be read or the
 * features cannot be made (errno).
 */
int feeder_next(struct feeder *fe, const char **line, size_t *len,
    const struct feats **f);

/*
 * Makes the features of the lines not given yet in mode: a caller that
 * starts reading before it knows the mode (it is in a checkpoint, which
 * loads meanwhile) loses only the features made before.
 */
void feeder_mode(struct feeder *fe, enum text_mode mode);

int feeder_fd(const struct feeder *fe);

/* Stops the thread, and frees all.  Accepts NULL. */
void feeder_free(struct feeder *fe);

#endif
