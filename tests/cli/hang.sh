#!/bin/sh
# A hanging expert with --timeout 0.5 ends in fallback and exit 3, without hanging or leaking.
. "${0%/*}/../setup"
printf 'one\ntwo good\nthree\n' >"$T/in"
start=$(date +%s)
expect_status 3 timeout 30 "$CASCADE" -q --timeout 0.5 --target 1 -e "$X/hang" <"$T/in" >"$T/out"
end=$(date +%s)
check_lines 3 "$T/out"
check_columns "$T/out"
[ "$(count_source fallback "$T/out")" -eq 3 ] || fail "not all lines fallback"
[ $((end - start)) -le 12 ] || fail "took $((end - start)) s for 3 timeouts of 0.5 s"
check_no_hang
