#!/bin/sh
# --explore P fixes the share of sure items sent to the expert; 0 explores none, and by default
# the share falls as a checkpoint's levels are explored.  Bad values are usage errors.
. "${0%/*}/../setup"
command -v jq >/dev/null 2>&1 || { echo "jq not installed" >&9; exit 77; }
"$GEN" 71 3000 >"$T/in"
# explored RUN-OPTIONS...: the items explored by a run on the input.
explored() {
	expect_status 0 "$CASCADE" --stats "$T/stats" -e "$X/rule" "$@" <"$T/in" >"$T/out"
	check_lines 3000 "$T/out"
	jq .explored "$T/stats"
}
[ "$(explored --explore 0)" -eq 0 ] || fail "--explore 0 explored items"
grep -q '"agreement_measured":0\.' "$T/stats" || fail "--explore 0: $(cat "$T/stats")"
many=$(explored --explore 0.5)
few=$(explored)
[ "$many" -gt $((few * 5)) ] || fail "--explore 0.5 explored $many items, the default $few"
# A checkpoint explores less each day; one of format 5 (no count of items explored) starts again.
first=$(explored -s "$T/model")
n=$first
for _ in 2 3 4 5; do
	n=$(explored -s "$T/model")
done
[ "$n" -lt "$first" ] || fail "day 1 explored $first items, day 5 $n"
tail -c +2 "$TESTS/fuzz/corpus/state/ckpt_cache" >"$T/v5"
expect_status 0 "$CASCADE" info "$T/v5" >"$T/info"
grep -qx 'format: 5' "$T/info" || fail "not format 5: $(cat "$T/info")"
expect_status 0 "$CASCADE" -s "$T/v5" -e "$X/rule" <"$T/in" >"$T/out"
expect_status 0 "$CASCADE" info "$T/v5" >"$T/info"
grep -qx 'format: 9' "$T/info" || fail "not saved as 9: $(cat "$T/info")"
for bad in -0.1 1.5 abc ''; do
	expect_status 2 "$CASCADE" --explore "$bad" </dev/null >"$T/out" 2>"$T/err"
	grep -q "^cascade: bad value for --explore: '$bad'" "$T/err" || fail "--explore '$bad': $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "--explore '$bad': output on stdout"
done
