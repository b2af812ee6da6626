#!/bin/sh
# --target 1 sends every item to the expert, answers in input order.
. "${0%/*}/../setup"
"$GEN" 5 200 >"$T/in"
expect_status 0 "$CASCADE" -e "$X/rule" --target 1 <"$T/in" >"$T/out"
check_lines 200 "$T/out"
check_columns "$T/out"
[ "$(count_source expert "$T/out")" -eq 200 ] || fail "not every line answered by expert"
[ "$(ncalls)" -eq 200 ] || fail "expected 200 expert calls, got $(ncalls)"
rule_labels "$T/in" >"$T/want"
cut -f 1 "$T/out" | cmp -s - "$T/want" || fail "labels differ from the expert's answers"
