#!/bin/sh
# make install ships cascade, its man page, cascade-shard, cascade-vectors and the example experts; make uninstall removes them.
. "${0%/*}/../setup"
command -v make >/dev/null 2>&1 || { echo "make not installed" >&9; exit 77; }
src=$TESTS/..
[ -f "$src/cascade" ] || { echo "no built cascade in $src" >&9; exit 77; }
make -s -C "$src" install DESTDIR="$T/root" PREFIX=/opt/c >"$T/log" 2>&1 || fail "make install: $(cat "$T/log")"
for f in bin/cascade bin/cascade-shard bin/cascade-vectors share/man/man1/cascade.1; do
	[ -f "$T/root/opt/c/$f" ] || fail "not installed: $f"
done
for x in "$src"/scripts/experts/*; do
	[ -x "$T/root/opt/c/share/cascade/experts/${x##*/}" ] || fail "expert not installed: ${x##*/}"
done
# The installed shard script runs the cascade on PATH.
"$GEN" 5 40 >"$T/in"
PATH=$T/root/opt/c/bin:$PATH cascade-shard -n 2 -o "$T/model" -- -q \
    -e "$T/root/opt/c/share/cascade/experts/keywords" <"$T/in" >"$T/out" 2>"$T/err" ||
    fail "cascade-shard: $(cat "$T/err")"
check_lines 40 "$T/out"
[ -s "$T/model" ] || fail "cascade-shard merged no checkpoint"
# The man page says where the experts are.
grep -q 'share/cascade/experts' "$src/man/cascade.1" || fail "the man page does not name the experts' folder"
make -s -C "$src" uninstall DESTDIR="$T/root" PREFIX=/opt/c >"$T/log" 2>&1 || fail "make uninstall: $(cat "$T/log")"
left=$(find "$T/root" -type f)
[ -z "$left" ] || fail "left after uninstall: $left"
