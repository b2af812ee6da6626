#!/bin/sh
# The expert is never asked twice about the same text: in a run, and across runs through the checkpoint.
. "${0%/*}/../setup"
# 30 distinct lines, each 10 times, shuffled the same way each time.
"$GEN" 111 30 >"$T/30"
awk '{ l[NR] = $0 } END { srand(3); for (k = 0; k < 300; k++) print l[1 + int(rand() * NR)] }' "$T/30" >"$T/in"
n=$(sort -u "$T/in" | wc -l)
expect_status 0 "$CASCADE" -v --target 1 -s "$T/model" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 300 "$T/out"
check_columns "$T/out"
[ "$(ncalls)" -eq "$n" ] || fail "$(ncalls) expert calls for $n distinct texts"
[ "$(count_source cache "$T/out")" -eq $((300 - n)) ] || fail "not $((300 - n)) cache answers"
grep -q " $((300 - n)) from the cache" "$T/err" || fail "summary: $(cat "$T/err")"
# A cache answer is the expert's own.
paste "$T/in" "$T/out" | awk -F '\t' '{ if (a[$1] == "") a[$1] = $2; else if (a[$1] != $2) exit 1 }' ||
    fail "a text got two answers"
# The next run asks nothing it was told, and learns nothing twice.
before=$("$CASCADE" info "$T/model" | sed -n 's/^level 1: lr, \([0-9]*\) answers.*/\1/p')
rm -f "$CALLS"
expect_status 0 "$CASCADE" --target 1 -s "$T/model" -e "$X/rule" <"$T/in" >"$T/out"
[ "$(ncalls)" -eq 0 ] || fail "second run: $(ncalls) expert calls"
[ "$(count_source cache "$T/out")" -eq 300 ] || fail "second run: not all from the cache"
after=$("$CASCADE" info "$T/model" | sed -n 's/^level 1: lr, \([0-9]*\) answers.*/\1/p')
[ "$before" -eq "$after" ] || fail "cache answers were learned: $before then $after answers"
# --cache 0 turns it off; the checkpoint's cache is then dropped.
rm -f "$CALLS"
expect_status 0 "$CASCADE" --target 1 --cache 0 -s "$T/model" -e "$X/rule" <"$T/in" >"$T/out"
[ "$(ncalls)" -eq 300 ] || fail "--cache 0: $(ncalls) expert calls"
"$CASCADE" info "$T/model" | grep -qx 'answers cached: 0' || fail "--cache 0 kept the cache"
# A checkpoint of format 4, which had no cache, loads, and is saved as 9.
tail -c +2 "$TESTS/fuzz/corpus/state/ckpt_open" >"$T/v4"
expect_status 0 "$CASCADE" info "$T/v4" >"$T/info"
grep -qx 'format: 4' "$T/info" || fail "format 4: $(cat "$T/info")"
rm -f "$CALLS"
expect_status 0 "$CASCADE" --target 1 -s "$T/v4" -e "$X/rule" <"$T/in" >"$T/out"
[ "$(ncalls)" -eq "$n" ] || fail "format 4 then: $(ncalls) expert calls for $n texts"
expect_status 0 "$CASCADE" info "$T/v4" >"$T/info"
grep -qx 'format: 9' "$T/info" || fail "not saved as 9: $(cat "$T/info")"
grep -qx "answers cached: $n" "$T/info" || fail "no cache saved: $(cat "$T/info")"
# Bad sizes are usage errors.
expect_status 2 "$CASCADE" --cache -1 </dev/null
expect_status 2 "$CASCADE" --cache 1e9 </dev/null
