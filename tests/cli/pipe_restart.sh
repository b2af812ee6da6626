#!/bin/sh
# --expert-mode pipe: an expert that exits after every 3 answers is restarted; every line is still the expert's.
. "${0%/*}/../setup"
seq 1 20 | sed 's/^/item /' >"$T/in"
for j in 1 3; do
	rm -f "$CALLS"
	expect_status 0 timeout 60 "$CASCADE" -q -j $j --expert-mode pipe --target 1 -e "$X/pipedie" <"$T/in" >"$T/out"
	check_lines 20 "$T/out"
	check_columns "$T/out"
	[ "$(count_source expert "$T/out")" -eq 20 ] || fail "-j $j: $(count_source fallback "$T/out") lines fallback"
	cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "-j $j: answers not each item's own, in order"
	[ "$(ncalls)" -ge 7 ] || fail "-j $j: only $(ncalls) expert processes for 20 items, 3 each"
done
# Killed by a signal after its first answer: restarted too.
rm -f "$CALLS"
expect_status 0 timeout 60 "$CASCADE" -q --expert-mode pipe --target 1 \
    -e "echo x >>\"\$CALLS\"; IFS= read -r x; printf '%s\\n' \"\$x\"; kill -KILL \$\$" <"$T/in" >"$T/out"
[ "$(count_source expert "$T/out")" -eq 20 ] || fail "killed: $(count_source fallback "$T/out") lines fallback"
cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "killed: answers not each item's own, in order"
