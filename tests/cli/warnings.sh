#!/bin/sh
# Warnings a cron job can act on, -q to hide them, --strict to exit 4 on them.
. "${0%/*}/../setup"
"$GEN" 71 300 >"$T/in"
guess='cascade: no expert (-e) and nothing learned: every label is a guess'
# No expert and an empty state: every label is a guess.
expect_status 0 "$CASCADE" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 300 "$T/out"
[ "$(cat "$T/err")" = "$guess" ] || fail "no expert, no state: $(cat "$T/err")"
expect_status 4 "$CASCADE" --strict <"$T/in" >"$T/out" 2>"$T/err"
check_lines 300 "$T/out"
expect_status 4 "$CASCADE" -q --strict <"$T/in" >"$T/out" 2>"$T/err"
[ ! -s "$T/err" ] || fail "-q: $(cat "$T/err")"
# A learned state answers without the warning.
expect_status 0 "$CASCADE" -q -s "$T/model" -e "$X/rule" <"$T/in" >/dev/null
expect_status 0 "$CASCADE" --strict -i "$T/model" <"$T/in" >"$T/out" 2>"$T/err"
[ ! -s "$T/err" ] || fail "learned state: $(cat "$T/err")"
# The budget runs out while the levels are unsure, far from --target.
head -n 30 "$T/in" >"$T/few"
expect_status 0 "$CASCADE" -q -s "$T/young" -e "$X/rule" <"$T/few" >/dev/null
expect_status 0 "$CASCADE" -i "$T/young" --target 0.99 --budget 5 -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 300 "$T/out"
grep -Eq '^cascade: the budget ran out: [0-9]+ items the levels were unsure of got their best guess; the cheap answers.* estimated agreement with the expert is 0\.[0-9]+ \(\+/- 0\.[0-9]+\), below --target 0\.99$' "$T/err" ||
    fail "no budget warning: $(cat "$T/err")"
expect_status 4 "$CASCADE" -q --strict -i "$T/young" --target 0.99 --budget 5 -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
[ ! -s "$T/err" ] || fail "-q: $(cat "$T/err")"
# A budget that was never short says nothing.
expect_status 0 "$CASCADE" --strict -i "$T/model" --budget 1000 -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
[ ! -s "$T/err" ] || fail "budget not short: $(cat "$T/err")"
