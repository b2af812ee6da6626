#!/bin/sh
# --expert-mode pipe with a hanging expert and --timeout 1: fallback, exit 3, no hang, nothing left running.
. "${0%/*}/../setup"
printf 'one\ntwo good\nthree\n' >"$T/in"
start=$(date +%s)
expect_status 3 timeout 60 "$CASCADE" -q -j 3 --timeout 1 --expert-mode pipe --target 1 -e "$X/hang" <"$T/in" >"$T/out"
end=$(date +%s)
check_lines 3 "$T/out"
check_columns "$T/out"
[ "$(count_source fallback "$T/out")" -eq 3 ] || fail "not all lines fallback"
[ $((end - start)) -le 12 ] || fail "took $((end - start)) s for 3 parallel timeouts of 1 s"
check_no_hang
# Reads its items but never answers: the same.
rm -f "$CALLS"
expect_status 3 timeout 60 "$CASCADE" -q -j 3 --timeout 1 --expert-mode pipe --target 1 \
    -e 'echo "hang $$" >>"$CALLS"; cat >/dev/null' <"$T/in" >"$T/out"
[ "$(count_source fallback "$T/out")" -eq 3 ] || fail "reading: not all lines fallback"
check_no_hang
