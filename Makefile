# cascade: see README.  Honours CC, CFLAGS, CPPFLAGS, LDFLAGS, PREFIX, DESTDIR.
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra
CPPFLAGS += -D_POSIX_C_SOURCE=200809L
LDLIBS = -lz -lm

LIB_OBJ = lib/engine.o lib/expert.o lib/labels.o lib/level.o lib/lr.o \
	lib/policy.o lib/state.o lib/text.o
UNIT = tests/unit_text tests/unit_labels tests/unit_state tests/unit_expert

all: cascade

cascade: cascade.o lib/libcascade.a
	$(CC) $(LDFLAGS) -o $@ cascade.o lib/libcascade.a $(LDLIBS)

lib/libcascade.a: $(LIB_OBJ)
	$(AR) rcs $@ $(LIB_OBJ)

$(LIB_OBJ) cascade.o: lib/*.h

tests/unit_%: tests/unit_%.c lib/libcascade.a
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< lib/libcascade.a $(LDLIBS)

test: cascade $(UNIT)
	CASCADE=./cascade sh tests/run $(UNIT)

demo: cascade
	sh scripts/demo

install: cascade
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 cascade $(DESTDIR)$(PREFIX)/bin/cascade
	install -m 644 man/cascade.1 $(DESTDIR)$(MANDIR)/man1/cascade.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/cascade $(DESTDIR)$(MANDIR)/man1/cascade.1

clean:
	rm -f cascade *.o lib/*.o lib/*.a $(UNIT)

.PHONY: all test demo install uninstall clean
