#!/bin/sh
# --budget 10: never more than 10 expert calls; with --target 1 exactly 10.
. "${0%/*}/../setup"
"$GEN" 8 300 >"$T/in"
expect_status 0 "$CASCADE" -e "$X/rule" --budget 10 <"$T/in" >"$T/out"
check_lines 300 "$T/out"
check_columns "$T/out"
n=$(count_source expert "$T/out")
[ "$n" -le 10 ] || fail "$n expert lines with --budget 10"
[ "$(ncalls)" -le 10 ] || fail "$(ncalls) expert calls with --budget 10"
rm -f "$CALLS"
expect_status 0 "$CASCADE" -e "$X/rule" --budget 10 --target 1 <"$T/in" >"$T/out"
check_lines 300 "$T/out"
n=$(count_source expert "$T/out")
[ "$n" -eq 10 ] || fail "$n expert lines with --budget 10 --target 1, want 10"
[ "$(ncalls)" -eq 10 ] || fail "$(ncalls) expert calls with --budget 10 --target 1"
# Items over budget are answered by the cheap level, not as failures.
[ "$(count_source lr "$T/out")" -eq 290 ] || fail "over-budget items not answered by lr"
# --budget 0 calls nobody.
rm -f "$CALLS"
expect_status 0 "$CASCADE" -e "$X/rule" --budget 0 --target 1 <"$T/in" >"$T/out"
check_lines 300 "$T/out"
[ "$(ncalls)" -eq 0 ] || fail "$(ncalls) expert calls with --budget 0"
