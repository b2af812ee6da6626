#!/bin/sh
# --batch 2 with answer lines longer than 64 KiB: still one line per item, answers cut, not failed.
. "${0%/*}/../setup"
awk 'BEGIN { s = "word good film "; while (length(s) < 200000) s = s s
for (i = 1; i <= 4; i++) print i s }' >"$T/in"
expect_status 0 timeout 60 "$CASCADE" -q --timeout 10 --batch 2 --target 1 -e cat <"$T/in" >"$T/out"
check_lines 4 "$T/out"
check_columns "$T/out"
[ "$(count_source 'expert|invalid' "$T/out")" -eq 4 ] || fail "not all lines expert"
[ "$(cut -c 1 "$T/out" | tr -d '\n')" = 1234 ] || fail "answers out of order"
n=$(awk -F '\t' 'length($1) > 65536 { n++ } END { print n + 0 }' "$T/out")
[ "$n" -eq 0 ] || fail "$n answers longer than 64 KiB"
