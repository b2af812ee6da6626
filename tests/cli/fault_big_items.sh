#!/bin/sh
# 4 MB items through cat-like experts with -j 4: no pipe deadlock, one output line each.
. "${0%/*}/../setup"
awk 'BEGIN { s = "word good film "; while (length(s) < 4194304) s = s s
for (i = 1; i <= 8; i++) print i s }' >"$T/in"
[ "$(wc -c <"$T/in")" -gt 33000000 ] || fail "test data too small"
for cmd in cat 'cat; cat /dev/null' 'tr a-z A-Z'; do
	expect_status 0 timeout 60 "$CASCADE" -q -j 4 --target 1 -e "$cmd" <"$T/in" >"$T/out"
	check_lines 8 "$T/out"
	check_columns "$T/out"
	[ "$(count_source 'expert|invalid' "$T/out")" -eq 8 ] || fail "-e '$cmd': not all lines expert"
	n=$(awk -F '\t' 'length($1) > 65536 || length($1) < 1000 { n++ } END { print n + 0 }' "$T/out")
	[ "$n" -eq 0 ] || fail "-e '$cmd': $n answers not cut to 64 KiB (or empty)"
	[ "$(cut -c 1 "$T/out" | tr -d '\n')" = 12345678 ] || fail "-e '$cmd': answers out of order"
done
# Batches of 2 such items: the run ends, one line each (whether such long
# answer lines count is batch_long_answer.sh).
st=0
timeout 60 "$CASCADE" -q -j 4 --batch 2 --target 1 -e cat <"$T/in" >"$T/out" || st=$?
[ "$st" -eq 0 ] || [ "$st" -eq 3 ] || fail "--batch 2: exit $st"
check_lines 8 "$T/out"
check_columns "$T/out"
