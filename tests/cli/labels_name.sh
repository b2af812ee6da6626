#!/bin/sh
# -l matches a checkpoint's labels by name: any order, an open set, more labels; dropping one is refused.
. "${0%/*}/../setup"
"$GEN" 81 300 >"$T/in"
expect_status 0 "$CASCADE" -q -s "$T/ab" -l positive,negative -e "$X/rule" <"$T/in" >/dev/null
expect_status 0 "$CASCADE" -q -s "$T/open" -e "$X/rule" <"$T/in" >/dev/null
# The same answers whatever the order of -l, or with -l on an open set.
expect_status 0 "$CASCADE" -i "$T/ab" -l positive,negative <"$T/in" >"$T/ref"
expect_status 0 "$CASCADE" -i "$T/ab" -l negative,positive <"$T/in" >"$T/out"
cmp -s "$T/ref" "$T/out" || fail "-l in another order answers otherwise"
expect_status 0 "$CASCADE" -i "$T/open" <"$T/in" >"$T/ref"
expect_status 0 "$CASCADE" -i "$T/open" -l NEGATIVE,Positive <"$T/in" >"$T/out"
cut -f 2- "$T/ref" >"$T/ref2"
cut -f 2- "$T/out" >"$T/out2"
cmp -s "$T/ref2" "$T/out2" || fail "-l on an open set answers otherwise"
grep -q '^Positive	' "$T/out" || fail "-l's spelling not used: $(head -n 3 "$T/out")"
# More labels: the closed set grows, and the new label is learned (new
# items: the cache would answer the old ones).
"$GEN" 82 300 >"$T/new"
expect_status 0 "$CASCADE" -q -s "$T/ab" -l positive,negative,neutral --target 1 \
    -e 'read -r x; case $x in *boring*) echo neutral;; *good*) echo positive;; *) echo negative;; esac' \
    <"$T/new" >"$T/out"
[ "$(count_source expert "$T/out")" -eq 300 ] || fail "neutral not a label: $(grep -v expert "$T/out" | head -n 3)"
expect_status 0 "$CASCADE" -i "$T/ab" --budget 0 -l neutral,negative,positive <"$T/in" >/dev/null
# A label the checkpoint knows and -l drops is refused, naming both sides.
expect_status 1 "$CASCADE" -i "$T/ab" -l positive,negative <"$T/in" >"$T/out" 2>"$T/err"
grep -q "^cascade: cannot read checkpoint '.*ab': checkpoint has labels positive,negative,neutral; -l gave positive,negative\$" "$T/err" ||
    fail "not refused: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "output written although refused"
