#!/bin/sh
# --expert-mode pipe: one persistent expert per slot answers every item, in order (-j 1 and -j 4).
. "${0%/*}/../setup"
seq 1 60 | sed 's/^/item /' >"$T/in"
for j in 1 4; do
	rm -f "$CALLS"
	expect_status 0 timeout 60 "$CASCADE" -q -j $j --expert-mode pipe --target 1 -e "$X/echoeach" <"$T/in" >"$T/out"
	check_lines 60 "$T/out"
	check_columns "$T/out"
	[ "$(count_source expert "$T/out")" -eq 60 ] || fail "-j $j: not all lines expert"
	cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "-j $j: answers not each item's own, in order"
	[ "$(ncalls)" -ge 1 ] && [ "$(ncalls)" -le $j ] || fail "-j $j: $(ncalls) expert processes started for 60 items"
done
# The same with --batch 3: three lines in, three lines out per call.
rm -f "$CALLS"
expect_status 0 timeout 60 "$CASCADE" -q -j 2 --batch 3 --expert-mode pipe --target 1 -e "$X/echoeach" <"$T/in" >"$T/out"
check_lines 60 "$T/out"
[ "$(count_source expert "$T/out")" -eq 60 ] || fail "--batch 3: not all lines expert"
cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "--batch 3: answers not each item's own, in order"
[ "$(ncalls)" -le 2 ] || fail "--batch 3 -j 2: $(ncalls) expert processes started"
