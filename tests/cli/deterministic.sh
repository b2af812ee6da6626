#!/bin/sh
# -j 1 --seed 7 twice gives identical output.
. "${0%/*}/../setup"
"$GEN" 13 500 >"$T/in"
expect_status 0 "$CASCADE" -j 1 --seed 7 -s "$T/s1" -e "$X/rule" <"$T/in" >"$T/out1"
expect_status 0 "$CASCADE" -j 1 --seed 7 -s "$T/s2" -e "$X/rule" <"$T/in" >"$T/out2"
check_lines 500 "$T/out1"
cmp "$T/out1" "$T/out2" >&9 || fail "outputs differ"
