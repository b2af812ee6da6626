/*
 * state: the checkpoint file and the byte buffers it is made of.
 *
 * A checkpoint is
 *
 *	8 bytes   magic "\x89CASCKP\n"
 *	u32       format version (STATE_VERSION)
 *	u32       CRC-32 of the compressed payload
 *	u64       payload length
 *	...       the payload, zlib-compressed (RFC 1950), to the end
 *
 * with numbers little-endian whatever the host.  The CRC covers every byte
 * after the header, so that any flipped bit is caught, padding included;
 * zlib's own Adler-32 covers the payload.  The payload is whatever the
 * model writes with the wbuf functions (model.h); it is read back with rbuf,
 * which never reads past the end and remembers that it tried.  Files are
 * written to a temporary file in the same directory, synced and renamed
 * over the old one, so a crash leaves the old file or the new one; it
 * keeps the old file's mode.  The payload streams through zlib as it is
 * written: a save needs a few buffers, not copies of the payload.
 *
 * A run holds its checkpoint with state_open: the file its symbolic links
 * lead to (a save replaces that file and leaves the links), locked with an
 * fcntl() write lock for as long as it is open, so that two runs never
 * write the same checkpoint.  Each save locks the new file before it
 * takes the name, so the name is never free.
 */
#ifndef CASCADE_STATE_H
#define CASCADE_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STATE_VERSION	9	/* written; 4 to 8 are read too (model.c, lr.c) */
#define STATE_TABLES	9	/* the first with tables of wbuf_table */
#define STATE_VERSION_OLDEST	4
#define STATE_MAXLEN	((uint64_t)1 << 32)	/* payload bytes */

/*
 * A growing output buffer; err is set once an allocation failed.  With a
 * sink, it is a fixed buffer of cap bytes that the sink empties whenever
 * it is full; err is set once the sink returned -1.  A payload read from a
 * checkpoint has the file's format version; one written has 0, today's.
 */
struct wbuf {
	unsigned char *p;
	size_t n, cap;
	int err;
	int (*sink)(void *arg, const unsigned char *p, size_t n);
	void *arg;
	uint32_t version;
};

void wbuf_release(struct wbuf *b);
void wbuf_bytes(struct wbuf *b, const void *s, size_t n);
void wbuf_u32(struct wbuf *b, uint32_t v);
void wbuf_u64(struct wbuf *b, uint64_t v);
void wbuf_f32(struct wbuf *b, float v);
void wbuf_f64(struct wbuf *b, double v);
/*
 * n floats at v, as n wbuf_f32 calls would write them: on a little-endian
 * host, a table goes in one copy.
 */
void wbuf_f32s(struct wbuf *b, const void *v, size_t n);

/*
 * A table of n units of k floats at v: for each 64 units, a u64 whose bit
 * j says that unit j is not all zero bytes, then those units' floats.  A
 * young model's table is mostly zeros, which deflate took 0.1 s to skip.
 * A wbuf of a format without (state_tables) gets the n * k floats, as that
 * format had them.
 */
void wbuf_table(struct wbuf *b, const void *v, size_t n, size_t k);

/*
 * Whether a payload of format version (0: today's) holds its tables as
 * wbuf_table writes them, at least 8 bytes for 64 units, or as floats.
 */
int state_tables(uint32_t version);

/*
 * A bounded reader; err is set once a read went past the end.  version is
 * the format of the bytes read, 0 for STATE_VERSION.
 */
struct rbuf {
	const unsigned char *p;
	size_t n, off;
	int err;
	uint32_t version;
};

void rbuf_bytes(struct rbuf *b, void *dst, size_t n);
uint32_t rbuf_u32(struct rbuf *b);
uint64_t rbuf_u64(struct rbuf *b);
float rbuf_f32(struct rbuf *b);
double rbuf_f64(struct rbuf *b);
/* n floats into v, as n rbuf_f32 calls would read them (wbuf_f32s). */
void rbuf_f32s(struct rbuf *b, void *v, size_t n);

/*
 * A table of n units of k floats into v, which is zero: as wbuf_table
 * wrote it, or as n * k floats in a format without (state_tables).
 */
void rbuf_table(struct rbuf *b, void *v, size_t n, size_t k);

/*
 * Writes payload to path atomically.  Returns NULL, or a reason for the
 * failure (errno set when a system call failed); path is then untouched.
 */
const char *state_write(const char *path, const struct wbuf *payload);

/* A checkpoint held by a run. */
struct state_file {
	char *path;		/* the file itself, symbolic links followed */
	int fd;			/* open and locked */
	int created;		/* by state_open, and not saved yet */
};

/*
 * Opens the checkpoint at path for a run (creating it empty when there is
 * none), locks it, and checks that it can be replaced.  Returns 0, or -1
 * with *why and errno; errno EAGAIN and *holder the process id (0 when
 * unknown) when another process holds it.  Never blocks on a FIFO.
 */
int state_open(struct state_file *f, const char *path, long *holder,
    const char **why);

/*
 * Reads f's checkpoint into *payload, which is empty (n 0) when
 * state_open made the file: a new checkpoint.  NULL, or a reason as
 * state_read (an empty file that was there is refused).
 */
const char *state_load(struct state_file *f, struct wbuf *payload);

/*
 * Replaces f's checkpoint by the payload that fill(arg, b) writes to b,
 * atomically, keeping the lock.  Refuses a payload over STATE_MAXLEN,
 * which could not be read back (errno EFBIG).  NULL, or a reason.
 */
const char *state_save(struct state_file *f,
    void (*fill)(const void *arg, struct wbuf *b), const void *arg);

/*
 * Releases f, and its lock.  A file that state_open created and that was
 * never saved is removed.  Accepts a released f.
 */
void state_close(struct state_file *f);

/*
 * Reads the checkpoint at path into *payload (which the caller releases).
 * Returns NULL, or a reason: errno is ENOENT when there is no such file,
 * EINVAL when the file is not a valid checkpoint.
 */
const char *state_read(const char *path, struct wbuf *payload);

/* The same for the n bytes of a checkpoint file at p. */
const char *state_unpack(const unsigned char *p, size_t n,
    struct wbuf *payload);

/* Writes the n bytes at buf to fd, whatever the interruptions: 0 or -1. */
int state_write_all(int fd, const void *buf, size_t n);

/* The mode of the file at path, or what a new file would get (umask). */
mode_t state_file_mode(const char *path);

#endif
