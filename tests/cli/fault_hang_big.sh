#!/bin/sh
# An expert that never reads a 5 MB item nor exits is killed at --timeout 1: fallback, exit 3, quickly.
. "${0%/*}/../setup"
{ echo short; yes 'film good' | head -n 500000 | tr '\n' ' '; echo; } >"$T/in"
start=$(date +%s)
expect_status 3 timeout 60 "$CASCADE" -q -j 2 --timeout 1 --target 1 -e "$X/hang" <"$T/in" >"$T/out"
end=$(date +%s)
check_lines 2 "$T/out"
check_columns "$T/out"
[ "$(count_source fallback "$T/out")" -eq 2 ] || fail "not all lines fallback: $(cut -f 2 "$T/out" | tr '\n' ' ')"
[ $((end - start)) -le 10 ] || fail "took $((end - start)) s for 2 parallel timeouts of 1 s"
check_no_hang
