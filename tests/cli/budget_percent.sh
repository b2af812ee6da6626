#!/bin/sh
# --budget 10%: expert calls stay within 10% of the items read.
. "${0%/*}/../setup"
"$GEN" 9 400 >"$T/in"
expect_status 0 "$CASCADE" -e "$X/rule" --budget 10% --target 1 <"$T/in" >"$T/out"
check_lines 400 "$T/out"
check_columns "$T/out"
n=$(count_source expert "$T/out")
[ "$n" -le 40 ] || fail "$n expert lines of 400 with --budget 10%"
[ "$(ncalls)" -le 40 ] || fail "$(ncalls) expert calls of 400 with --budget 10%"
# With --target 1 every item wants the expert, so the budget is (nearly) used up.
[ "$n" -ge 30 ] || fail "only $n expert lines of 400 with --budget 10% --target 1"
# Within any prefix of the stream the share holds too (2 calls of slack for read-ahead).
awk -F '\t' '$2 == "expert" { e++ } e > NR / 10 + 2 { print "line " NR ": " e " expert"; exit 1 }' \
	"$T/out" >&9 || fail "budget share exceeded early in the stream"
