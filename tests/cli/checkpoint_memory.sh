#!/bin/sh
# A save streams the model through zlib: saving a 2^23-slot model (96 MiB of payload) does not hold the payload, nor a compressed copy, in memory.
. "${0%/*}/../setup"
printf 'good one\nbad two\ngood three\n' >"$T/in"
peak() {
	awk '/MiB peak memory/ { for (i = 2; i <= NF; i++) if ($i == "MiB") print int($(i - 1)) }' "$1"
}
expect_status 0 timeout 60 "$CASCADE" -v --budget 0 --hash-bits 23 -s "$T/ck" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
p=$(peak "$T/err")
[ -n "$p" ] || fail "no peak memory in the summary: $(cat "$T/err")"
[ "$p" -lt 48 ] || fail "saving took $p MiB"
# And it loads back, learns on, saves again.
expect_status 0 timeout 60 "$CASCADE" -q --target 1 -s "$T/ck" -e "$X/rule" <"$T/in" >"$T/out"
[ "$(count_source expert "$T/out")" -eq 3 ] || fail "the saved checkpoint did not load"
