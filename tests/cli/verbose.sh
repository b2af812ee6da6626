#!/bin/sh
# -v prints a summary on stderr ("cascade: " lines) with items and expert counts.
. "${0%/*}/../setup"
"$GEN" 14 250 >"$T/in"
expect_status 0 "$CASCADE" -v -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 250 "$T/out"
[ -s "$T/err" ] || fail "no summary"
bad=$(grep -cv '^cascade: ' "$T/err" || true)
[ "$bad" -eq 0 ] || fail "$bad summary lines without 'cascade: ': $(cat "$T/err")"
grep -i 'items' "$T/err" | grep -q '250' || fail "summary does not give 250 items: $(cat "$T/err")"
n=$(count_source expert "$T/out")
grep -i 'expert' "$T/err" | grep -q "$n" || fail "summary does not give $n expert answers: $(cat "$T/err")"
