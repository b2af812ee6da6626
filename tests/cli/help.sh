#!/bin/sh
# -h and --help print usage on stdout and exit 0; --version prints "cascade VERSION".
. "${0%/*}/../setup"
for h in -h --help; do
	expect_status 0 "$CASCADE" "$h" </dev/null >"$T/out" 2>"$T/err"
	grep -q '^usage: cascade' "$T/out" || fail "$h: no usage on stdout"
	[ ! -s "$T/err" ] || fail "$h: stderr not empty"
done
expect_status 0 "$CASCADE" --version </dev/null >"$T/out" 2>"$T/err"
check_lines 1 "$T/out"
grep -Eq '^cascade [0-9][^ ]*$' "$T/out" || fail "--version printed: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "--version: stderr not empty"
