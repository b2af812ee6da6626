/*
 * feeder: input lines and their features, made ahead in a thread.
 *
 * Tokenising an item takes about as long as a level takes to judge it: a
 * thread of its own reads the input and makes the features of the next
 * lines while the caller judges and learns these, as a parser thread does
 * in Vowpal Wabbit.  The two hand over blocks of lines, not single lines,
 * so that they meet a few hundred times a run, not once an item.  Lines
 * come out in input order with the features the caller would have made.
 */
#ifndef CASCADE_FEEDER_H
#define CASCADE_FEEDER_H

#include <signal.h>
#include <stddef.h>

#include "text.h"

struct feeder;

/*
 * Starts reading fd: the features of each line are those of field `field`
 * (1-based, 0: the whole line, delim between fields) in mode.  A wait in
 * feeder_next ends once *stop, which a signal handler sets, is not 0.
 * Returns NULL and errno (EBADF: fd is not open) when it cannot start.
 */
struct feeder *feeder_new(int fd, enum text_mode mode, unsigned field,
    int delim, const volatile sig_atomic_t *stop);

/*
 * Sets *line and *len to the next line (without its newline) and *f to
 * its features, and returns 1; they stay valid until the next call, and
 * *f must not be grown.  *f is NULL for a line too long to be made ahead,
 * and for those the thread had not made when the caller came for them:
 * the caller makes their features.  Returns 0 when the input has
 * stalled: nothing can be read now, and feeder_fd is readable when there
 * may be more.
 * Returns -1 at the end of the input (errno 0), when it cannot be read
 * (errno), or when *stop was set (EINTR); -2 when the memory for the
 * line or its features ran out.
 */
int feeder_next(struct feeder *fe, const char **line, size_t *len,
    const struct feats **f);

int feeder_fd(const struct feeder *fe);

/* Stops the thread, and frees all but fd.  Accepts NULL. */
void feeder_free(struct feeder *fe);

#endif
