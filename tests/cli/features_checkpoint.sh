#!/bin/sh
# A checkpoint for --input features answers in that mode without the option, from the first line.
. "${0%/*}/../setup"
"$GEN" 52 1500 | awk '{ s = ""; for (i = 1; i <= NF; i++) s = s " " $i ":" (i % 3 + 1); print s }' >"$T/in"
expect_status 0 "$CASCADE" -q --input features -e "$X/rule" -s "$T/ck" <"$T/in" >/dev/null
expect_status 0 "$CASCADE" -q -i "$T/ck" --input features <"$T/in" >"$T/given"
expect_status 0 "$CASCADE" -q -i "$T/ck" <"$T/in" >"$T/out"
check_lines 1500 "$T/out"
cmp -s "$T/given" "$T/out" || fail "answers differ without --input features: $(diff "$T/given" "$T/out" | head -4)"
# The same lines as text would answer otherwise: the check can fail.
expect_status 0 "$CASCADE" -q --input text -e "$X/rule" -s "$T/text" <"$T/in" >/dev/null
expect_status 0 "$CASCADE" -q -i "$T/text" <"$T/in" >"$T/astext"
! cmp -s "$T/given" "$T/astext" || fail "text and features answered alike"
