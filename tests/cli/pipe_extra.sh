#!/bin/sh
# --expert-mode pipe: an expert that answers each item twice never puts an answer on the wrong item.
. "${0%/*}/../setup"
seq 1 12 | sed 's/^/item /' >"$T/in"
# check_own WHAT: every expert answer is its own item back.
check_own() {
	paste "$T/out" "$T/in" | awk -F '\t' -v what="$1" '
	$2 == "expert" && $1 != $4 { printf "%s: line %d (%s) got the answer \"%s\"\n", what, NR, $4, $1; exit 1 }' >&9 ||
		fail "$1: an answer on the wrong item"
}
# The second copy comes at once, or a little later, or much later.
for pause in 0 0.05 0.3; do
	for j in 1 3; do
		st=0
		TWICE_PAUSE=$pause timeout 60 "$CASCADE" -q -j $j --timeout 5 --expert-mode pipe --target 1 \
		    -e "$X/twice" <"$T/in" >"$T/out" || st=$?
		[ "$st" -eq 0 ] || [ "$st" -eq 3 ] || fail "pause $pause -j $j: exit $st"
		check_lines 12 "$T/out"
		check_columns "$T/out"
		check_own "pause $pause -j $j"
	done
done
