#!/bin/sh
# cascade merge: a state merged from two shards' states saves expert calls over a
# cold run; a state merged with itself as the base answers like the original.
. "${0%/*}/../setup"
L=positive,negative
"$GEN" 41 700 >"$T/a"
"$GEN" 42 700 >"$T/b"
"$GEN" 43 600 >"$T/c"
expect_status 0 "$CASCADE" -l $L -s "$T/A" -e "$X/rule" <"$T/a" >"$T/out"
expect_status 0 "$CASCADE" -l $L -s "$T/B" -e "$X/rule" <"$T/b" >"$T/out"
expect_status 0 "$CASCADE" merge -o "$T/M" "$T/A" "$T/B" </dev/null >"$T/mout" 2>"$T/err"
[ -s "$T/M" ] || fail "no merged checkpoint written"
[ ! -s "$T/mout" ] || fail "merge wrote to stdout: $(head -c 200 "$T/mout")"
[ ! -s "$T/err" ] || fail "merge wrote to stderr: $(head -c 200 "$T/err")"

# A run from the merged state calls the expert less than a cold run.
rm -f "$CALLS"
expect_status 0 "$CASCADE" -l $L -e "$X/rule" <"$T/c" >"$T/cold"
cold=$(ncalls)
rm -f "$CALLS"
cp "$T/M" "$T/M2"
expect_status 0 "$CASCADE" -l $L -s "$T/M2" -e "$X/rule" <"$T/c" >"$T/warm"
warm=$(ncalls)
check_lines 600 "$T/warm"
check_columns "$T/warm"
[ "$warm" -lt "$cold" ] || fail "run from the merged state made $warm expert calls, cold run $cold"
[ "$warm" -le $((cold / 2)) ] || fail "run from the merged state made $warm expert calls, cold run $cold (want at most half)"
# ... and its cheap answers are right.
rule_labels "$T/c" | paste "$T/warm" - >"$T/scored"
lr=$(count_source lr "$T/scored")
ok=$(awk -F '\t' '$2 == "lr" && $1 == $4 { n++ } END { print n + 0 }' "$T/scored")
[ "$ok" -ge $((lr * 95 / 100)) ] || fail "merged lr agrees with the rule on only $ok of $lr lines"

# Merging a state with itself, as a shard that learned nothing since it,
# answers like the original on a fixed input.
expect_status 0 "$CASCADE" merge -b "$T/A" -o "$T/AA" "$T/A" "$T/A"
expect_status 0 "$CASCADE" -l $L -s "$T/A" --budget 0 <"$T/c" >"$T/o1"
expect_status 0 "$CASCADE" -l $L -s "$T/AA" --budget 0 <"$T/c" >"$T/o2"
check_lines 600 "$T/o2"
cut -f1 "$T/o1" >"$T/l1"
cut -f1 "$T/o2" >"$T/l2"
cmp "$T/l1" "$T/l2" >&9 || fail "A merged with A labels the fixed input differently from A"

# A merge of one file is a copy: the same answers, confidences included.
expect_status 0 "$CASCADE" merge -o "$T/A1" "$T/A"
expect_status 0 "$CASCADE" -l $L -s "$T/A1" --budget 0 <"$T/c" >"$T/o3"
cmp "$T/o1" "$T/o3" >&9 || fail "merge of A alone answers differently from A"
