#!/bin/sh
# A window slot that held a huge line gives its memory back once the line is written: 20 lines of 4 MB do not keep 80 MB.
. "${0%/*}/../setup"
awk 'BEGIN { s = "word "; while (length(s) < 4000000) s = s s
for (i = 0; i < 20; i++) print i, substr(s, 1, 4000000) }' >"$T/in"
# (Under AddressSanitizer freed memory waits in a quarantine: none here.)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
export ASAN_OPTIONS
expect_status 0 timeout 60 "$CASCADE" -v <"$T/in" >"$T/out" 2>"$T/err"
check_lines 20 "$T/out"
peak=$(awk '/MiB peak memory/ { for (i = 2; i <= NF; i++) if ($i == "MiB") print int($(i - 1)) }' "$T/err")
[ -n "$peak" ] || fail "no peak memory in the summary: $(cat "$T/err")"
[ "$peak" -lt 60 ] || fail "peak memory $peak MiB for lines of 4 MB"
