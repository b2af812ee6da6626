#!/bin/sh
# stdout carries only result lines; diagnostics go to stderr; a clean run is silent.
. "${0%/*}/../setup"
"$GEN" 12 100 >"$T/in"
expect_status 0 "$CASCADE" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
[ ! -s "$T/err" ] || fail "a clean run wrote to stderr: $(cat "$T/err")"
printf 'x\tgood\nno field\n' >>"$T/in"
expect_status 3 "$CASCADE" -v -f 2 -e "$X/fail" "$T/in" - <"$T/in" >"$T/out" 2>"$T/err"
check_lines 204 "$T/out"
check_columns "$T/out"
[ -s "$T/err" ] || fail "no diagnostics on stderr"
expect_status 3 "$CASCADE" -v -f 2 -e "$X/fail" "$T/in" - <"$T/in" >"$T/out2" 2>/dev/null
cmp -s "$T/out" "$T/out2" || fail "stdout depends on where stderr goes"
