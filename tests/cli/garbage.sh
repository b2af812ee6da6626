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
# Under -l the garbage is an invalid answer: still output cleanly, as invalid.
expect_status 0 "$CASCADE" -l positive,negative --target 1 -e "$X/garbage" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 30 "$T/out"
check_columns "$T/out"
[ "$(count_source invalid "$T/out")" -eq 30 ] || fail "invalid answers not SOURCE invalid"
# One warning per invalid answer, ten at most.
[ "$(grep -c 'is no label' "$T/err")" -eq 10 ] || fail "expected 10 warnings: $(cat "$T/err")"
grep -q 'no more such warnings' "$T/err" || fail "the last warning does not say it is the last"
n=$(tr -d '\t\n' <"$T/out" | tr -d '\040-\176\200-\377' | wc -c)
[ "$n" -eq 0 ] || fail "$n control bytes in the output under -l"
