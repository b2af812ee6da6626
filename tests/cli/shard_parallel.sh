#!/bin/sh
# scripts/shard: 2000 lines in 4 shards under GNU parallel, end to end: one
# output line per input line in input order, a merged state that loads and
# saves expert calls on the next run; failing shards give the right status.
. "${0%/*}/../setup"
if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	echo "shard_parallel: skipped: GNU parallel is not installed" >&2
	exit 77
fi
SHARD=$TESTS/../scripts/shard
[ -f "$SHARD" ] || fail "no $SHARD"
L=positive,negative
"$GEN" 71 2000 >"$T/in"
"$GEN" 72 600 >"$T/next"
expect_status 0 sh "$SHARD" -n 4 -o "$T/merged" -b "$CASCADE" -- -p -l $L \
    -e "$X/rule" <"$T/in" >"$T/out"
check_lines 2000 "$T/out"
check_columns "$T/out" -p
cut -f4- "$T/out" | cmp - "$T/in" >&9 || fail "output not in input order"
[ -s "$T/merged" ] || fail "no merged state"
# The labels are the rule's (expert answers) or mostly right (lr).
rule_labels "$T/in" | paste "$T/out" - |
    awk -F '\t' '$1 != $NF { n++ } END { exit n > 100 }' ||
    fail "more than 100 wrong labels"
# Four shards, four states: 4 times the cold start of one 500-line run.
[ "$(ncalls)" -eq "$(count_source expert "$T/out")" ] || fail "expert lines differ from expert calls"

# The merged state loads, and a next run from it calls the expert less than
# a cold run.
rm -f "$CALLS"
expect_status 0 "$CASCADE" -l $L -e "$X/rule" <"$T/next" >"$T/cold"
cold=$(ncalls)
rm -f "$CALLS"
expect_status 0 "$CASCADE" -l $L -s "$T/merged" -e "$X/rule" <"$T/next" >"$T/warm"
warm=$(ncalls)
check_lines 600 "$T/warm"
[ "$warm" -lt "$cold" ] || fail "run from the merged state made $warm expert calls, cold run $cold"

# Day two: shards start from the merged state (-i), output still in order,
# fewer expert calls than day one.
rm -f "$CALLS"
"$GEN" 73 2000 >"$T/in2"
expect_status 0 sh "$SHARD" -n 4 -i "$T/merged" -o "$T/merged2" -b "$CASCADE" -- \
    -p -l $L -e "$X/rule" <"$T/in2" >"$T/out2"
check_lines 2000 "$T/out2"
cut -f4- "$T/out2" | cmp - "$T/in2" >&9 || fail "day two: output not in input order"
day2=$(ncalls)
day1=$(count_source expert "$T/out")
[ "$day2" -lt "$day1" ] || fail "day two made $day2 expert calls, day one $day1"
[ -s "$T/merged2" ] || fail "day two: no merged state"

# A failing expert: every line answered (fallback), status 3, state merged.
expect_status 3 sh "$SHARD" -n 4 -o "$T/failed" -b "$CASCADE" -- -q -l $L \
    -e "$X/fail" <"$T/in" >"$T/out3"
check_lines 2000 "$T/out3"
[ -s "$T/failed" ] || fail "status 3, but no merged state"
# A bad cascade option: status 2, no state written; a corrupt input state:
# status 1, its name in the message, the output state left alone.
expect_status 2 sh "$SHARD" -n 4 -o "$T/bad" -b "$CASCADE" -- --no-such-option \
    <"$T/in" >/dev/null 2>&1
[ ! -e "$T/bad" ] || fail "state written although the shards failed"
head -c 1000 "$T/merged" >"$T/corrupt"
cp "$T/merged" "$T/keep"
expect_status 1 sh "$SHARD" -n 4 -i "$T/corrupt" -o "$T/keep" -b "$CASCADE" -- \
    -l $L -e "$X/rule" <"$T/in" >/dev/null 2>"$T/err"
grep -q corrupt "$T/err" || fail "message does not name the bad input state: $(cat "$T/err")"
cmp -s "$T/keep" "$T/merged" || fail "output state changed although the run failed"
# Usage: no -o is a usage error.
expect_status 2 sh "$SHARD" -n 4 -b "$CASCADE" -- -l $L <"$T/in" >/dev/null 2>&1
