#!/bin/sh
# --batch 3 -j 2 on 100 lines: output in input order, each label the rule's for its own line.
. "${0%/*}/../setup"
"$GEN" 21 100 >"$T/in"
rule_labels "$T/in" >"$T/want"
# Calls end out of order: a pause that depends on the batch's first item.
cmd="read -r x; sleep 0.0\$(( \${#x} % 7 )); { printf '%s\\n' \"\$x\"; cat; } | $X/ruleeach"
expect_status 0 timeout 60 "$CASCADE" -q -p -j 2 --batch 3 --target 1 -e "$cmd" <"$T/in" >"$T/out"
check_lines 100 "$T/out"
check_columns "$T/out" -p
[ "$(count_source expert "$T/out")" -eq 100 ] || fail "not all lines expert"
cut -f 4- "$T/out" | cmp -s - "$T/in" || fail "output not in input order"
cut -f 1 "$T/out" | cmp -s - "$T/want" || fail "labels not the rule's: $(cut -f 1 "$T/out" | diff "$T/want" - | head)"
[ "$(ncalls)" -eq 34 ] || fail "100 items in batches of 3 took $(ncalls) calls, expected 34"
