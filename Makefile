# cascade: see README.  Honours CC, CFLAGS, CPPFLAGS, LDFLAGS, PREFIX, DESTDIR.
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
# The example experts, as the man page's FILES says.
SHAREDIR ?= $(PREFIX)/share/cascade
EXPERTS = $(notdir $(wildcard scripts/experts/*))
CC ?= cc
CFLAGS ?= -O2 -g
# CI builds with WERROR=-Werror: a new warning fails it.
WARN = -std=c11 -Wall -Wextra -Wpedantic -Wshadow $(WERROR)
CFLAGS += $(WARN)
CPPFLAGS += -D_POSIX_C_SOURCE=200809L
LDLIBS = -lz -lm -lpthread

LIB_OBJ = lib/cache.o lib/engine.o lib/expert.o lib/feeder.o lib/labels.o lib/level.o \
	lib/lr.o lib/model.o lib/nb.o lib/policy.o lib/reader.o lib/state.o lib/text.o \
	lib/vectors.o
UNIT = tests/unit_text tests/unit_labels tests/unit_state tests/unit_expert \
	tests/unit_level tests/unit_policy tests/unit_model tests/unit_reader \
	tests/unit_cache tests/unit_vectors tests/unit_feeder
# Fuzz targets (tests/fuzz/fuzz_*.c): replayed over their corpora by `make
# test` (plain CC), fuzzed with libFuzzer by `make fuzz` (clang).
REPLAY = tests/fuzz/replay_text tests/fuzz/replay_answer \
	tests/fuzz/replay_state tests/fuzz/replay_vectors
FUZZ_BIN = tests/fuzz/fuzz_text tests/fuzz/fuzz_answer tests/fuzz/fuzz_state \
	tests/fuzz/fuzz_vectors
FUZZ_CC = clang
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined $(WARN)
# (CFLAGS given on make's command line replace the += below, so repeat them.)
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	$(WARN)

all: cascade

cascade: cascade.o lib/libcascade.a
	$(CC) $(LDFLAGS) -o $@ cascade.o lib/libcascade.a $(LDLIBS)

lib/libcascade.a: $(LIB_OBJ)
	$(AR) rcs $@ $(LIB_OBJ)

$(LIB_OBJ) cascade.o: lib/*.h

tests/unit_%: tests/unit_%.c tests/stream.h lib/libcascade.a
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< lib/libcascade.a $(LDLIBS)

tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c lib/libcascade.a
	$(CC) $(CFLAGS) $(CPPFLAGS) -DREPLAY_CORPUS='"tests/fuzz/corpus/$*"' \
	    $(LDFLAGS) -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/replay.c \
	    lib/libcascade.a $(LDLIBS)

test: cascade $(UNIT) $(REPLAY)
	CASCADE=./cascade sh tests/run $(UNIT) $(REPLAY)

# libFuzzer binaries, built from the sources (not the plain objects).  Run
# e.g. tests/fuzz/fuzz_text -max_total_time=600 tests/fuzz/work/text
# tests/fuzz/corpus/text (new inputs go to the first directory).
fuzz: $(FUZZ_BIN)

tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_OBJ:.o=.c) lib/*.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CPPFLAGS) -o $@ tests/fuzz/fuzz_$*.c \
	    $(LIB_OBJ:.o=.c) $(LDLIBS)

# The whole test suite under ASan and UBSan, in a clean build that is
# cleaned again after, so that no sanitized object is left behind.
sanitize:
	$(MAKE) clean
	ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    $(MAKE) CFLAGS='$(SAN_FLAGS)' \
	    LDFLAGS='-fsanitize=address,undefined' test; \
	st=$$?; $(MAKE) clean; exit $$st

demo: cascade
	sh scripts/demo

install: cascade
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(SHAREDIR)/experts
	install -m 755 cascade $(DESTDIR)$(PREFIX)/bin/cascade
	install -m 755 scripts/shard $(DESTDIR)$(PREFIX)/bin/cascade-shard
	install -m 755 scripts/vectors $(DESTDIR)$(PREFIX)/bin/cascade-vectors
	install -m 644 man/cascade.1 $(DESTDIR)$(MANDIR)/man1/cascade.1
	for x in $(EXPERTS); do \
	    install -m 755 scripts/experts/$$x $(DESTDIR)$(SHAREDIR)/experts/$$x \
	    || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/cascade $(DESTDIR)$(PREFIX)/bin/cascade-shard \
	    $(DESTDIR)$(PREFIX)/bin/cascade-vectors $(DESTDIR)$(MANDIR)/man1/cascade.1
	for x in $(EXPERTS); do rm -f $(DESTDIR)$(SHAREDIR)/experts/$$x; done
	-rmdir $(DESTDIR)$(SHAREDIR)/experts $(DESTDIR)$(SHAREDIR)

clean:
	rm -f cascade *.o lib/*.o lib/*.a $(UNIT) $(REPLAY) $(FUZZ_BIN)

.PHONY: all test demo install uninstall clean fuzz sanitize
