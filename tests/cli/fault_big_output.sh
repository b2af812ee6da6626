#!/bin/sh
# An expert that writes 50 MB to stdout: answer "positive", memory stays bounded (-v peak < 200 MiB).
. "${0%/*}/../setup"
printf 'one\ntwo good\nthree\n' >"$T/in"
expect_status 0 timeout 60 "$CASCADE" -v -j 2 --target 1 -e 'yes positive | head -c 50000000' <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
check_columns "$T/out"
[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "positive expert|positive expert|positive expert|" ] ||
	fail "got: $(cut -f 1,2 "$T/out" | tr '\t\n' ' |')"
mib=$(sed -n 's/.* \([0-9][0-9.]*\) MiB peak memory.*/\1/p' "$T/err")
[ -n "$mib" ] || fail "no 'MiB peak memory' in the summary: $(cat "$T/err")"
awk -v m="$mib" 'BEGIN { exit !(m < 200) }' || fail "peak memory $mib MiB"
# One long line of 50 MB: the answer is cut, not held whole.
expect_status 0 timeout 60 "$CASCADE" -v --target 1 -e 'yes positive | tr -d "\n" | head -c 50000000; echo' <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
[ "$(count_source 'expert|invalid' "$T/out")" -eq 3 ] || fail "long line: not all lines expert"
mib=$(sed -n 's/.* \([0-9][0-9.]*\) MiB peak memory.*/\1/p' "$T/err")
awk -v m="${mib:-999}" 'BEGIN { exit !(m < 200) }' || fail "long line: peak memory ${mib:-?} MiB"
