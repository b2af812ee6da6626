#!/bin/sh
# The rule expert's labels are learned: later lines mostly answered by lr, correctly.
. "${0%/*}/../setup"
"$GEN" 21 1500 >"$T/in"
expect_status 0 "$CASCADE" -e "$X/rule" <"$T/in" >"$T/out"
check_lines 1500 "$T/out"
check_columns "$T/out"
rule_labels "$T/in" | paste "$T/out" - | tail -n 1000 >"$T/late"
lr=$(count_source lr "$T/late")
[ "$lr" -ge 700 ] || fail "only $lr of the last 1000 lines answered by lr"
ok=$(awk -F '\t' '$2 == "lr" && $1 == $4 { n++ } END { print n + 0 }' "$T/late")
[ "$ok" -ge $((lr * 95 / 100)) ] || fail "lr agrees with the rule on only $ok of $lr lines"
[ "$(ncalls)" -lt 800 ] || fail "$(ncalls) expert calls for 1500 items"
