#!/bin/sh
# --expert-mode pipe with answer lines longer than 64 KiB: each item answered (cut), no wait for the timeout.
. "${0%/*}/../setup"
awk 'BEGIN { s = "word good film "; while (length(s) < 200000) s = s s
for (i = 1; i <= 2; i++) print i s }' >"$T/in"
start=$(date +%s)
expect_status 0 timeout 60 "$CASCADE" -q -j 2 --timeout 1 --expert-mode pipe --target 1 -e cat <"$T/in" >"$T/out"
end=$(date +%s)
check_lines 2 "$T/out"
check_columns "$T/out"
[ "$(count_source 'expert|invalid' "$T/out")" -eq 2 ] || fail "not all lines expert"
[ "$(cut -c 1 "$T/out" | tr -d '\n')" = 12 ] || fail "answers out of order"
n=$(awk -F '\t' 'length($1) > 65536 { n++ } END { print n + 0 }' "$T/out")
[ "$n" -eq 0 ] || fail "$n answers longer than 64 KiB"
[ $((end - start)) -le 5 ] || fail "took $((end - start)) s"
