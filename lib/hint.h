/*
 * hint: what the hot loops tell a compiler beyond C11, where it is GCC or
 * Clang: to fetch memory ahead, and to inline a function into each
 * caller, so that a constant argument gives each its own copy of a loop.
 * Elsewhere they are no-ops.
 */
#ifndef CASCADE_HINT_H
#define CASCADE_HINT_H

#ifdef __GNUC__
#define prefetch(p)	__builtin_prefetch(p)
#define INLINE		inline __attribute__((always_inline))
#else
#define prefetch(p)	((void)(p))
#define INLINE		inline
#endif

#endif
