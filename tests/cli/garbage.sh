#!/bin/sh
# Garbage answers never break the columns: no extra TABs, no control bytes.
. "${0%/*}/../setup"
"$GEN" 6 30 >"$T/in"
expect_status 0 "$CASCADE" --target 1 -e "$X/garbage" <"$T/in" >"$T/out"
check_lines 30 "$T/out"
check_columns "$T/out"
n=$(tr -d '\t\n' <"$T/out" | tr -d '\040-\176\200-\377' | wc -c)
[ "$n" -eq 0 ] || fail "$n control bytes in the output"
grep -q junk "$T/out" || fail "the answer's text was lost"
# Under -l the garbage is an invalid answer: still output cleanly as expert.
expect_status 0 "$CASCADE" -l positive,negative --target 1 -e "$X/garbage" <"$T/in" >"$T/out"
check_lines 30 "$T/out"
check_columns "$T/out"
[ "$(count_source expert "$T/out")" -eq 30 ] || fail "invalid answers not SOURCE expert"
n=$(tr -d '\t\n' <"$T/out" | tr -d '\040-\176\200-\377' | wc -c)
[ "$n" -eq 0 ] || fail "$n control bytes in the output under -l"
