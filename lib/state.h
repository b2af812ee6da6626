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
 * keeps the old file's mode.
 */
#ifndef CASCADE_STATE_H
#define CASCADE_STATE_H

#include <stddef.h>
#include <stdint.h>

#define STATE_VERSION	5	/* written; 4 is read too (model.c) */
#define STATE_VERSION_OLDEST	4
#define STATE_MAXLEN	((uint64_t)1 << 32)	/* payload bytes */

/*
 * A growing output buffer; err is set once an allocation failed.  A
 * payload read from a checkpoint has the file's format version.
 */
struct wbuf {
	unsigned char *p;
	size_t n, cap;
	int err;
	uint32_t version;
};

void wbuf_release(struct wbuf *b);
void wbuf_bytes(struct wbuf *b, const void *s, size_t n);
void wbuf_u32(struct wbuf *b, uint32_t v);
void wbuf_u64(struct wbuf *b, uint64_t v);
void wbuf_f32(struct wbuf *b, float v);
void wbuf_f64(struct wbuf *b, double v);

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

/*
 * Writes payload to path atomically.  Returns NULL, or a reason for the
 * failure (errno set when a system call failed); path is then untouched.
 */
const char *state_write(const char *path, const struct wbuf *payload);

/*
 * Reads the checkpoint at path into *payload (which the caller releases).
 * Returns NULL, or a reason: errno is ENOENT when there is no such file,
 * EINVAL when the file is not a valid checkpoint.
 */
const char *state_read(const char *path, struct wbuf *payload);

/* The same for the n bytes of a checkpoint file at p. */
const char *state_unpack(const unsigned char *p, size_t n,
    struct wbuf *payload);

#endif
