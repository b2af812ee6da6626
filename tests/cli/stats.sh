#!/bin/sh
# --stats FILE: the summary as one JSON object, written whole at the end.
. "${0%/*}/../setup"
command -v jq >/dev/null 2>&1 || { echo "jq not installed" >&9; exit 77; }
"$GEN" 61 500 >"$T/in"
mkdir "$T/mon"
expect_status 0 "$CASCADE" --stats "$T/mon/stats.json" -m nb -m lr -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 500 "$T/out"
[ "$(ls "$T/mon")" = stats.json ] || fail "stray files: $(ls "$T/mon")"
f=$T/mon/stats.json
check_lines 1 "$f"
jq -e . "$f" >/dev/null || fail "not JSON: $(cat "$f")"
# get KEY: a value of the object.
get() { jq -r "$1" "$f"; }
[ "$(get .items)" -eq 500 ] || fail "items: $(cat "$f")"
[ "$(get .expert)" -eq "$(count_source expert "$T/out")" ] || fail "expert: $(cat "$f")"
[ "$(get '.levels[0].answers')" -eq "$(count_source nb "$T/out")" ] || fail "nb answers: $(cat "$f")"
[ "$(get '.levels[1].answers')" -eq "$(count_source lr "$T/out")" ] || fail "lr answers: $(cat "$f")"
[ "$(get '[.levels[].kind] | join(",")')" = nb,lr ] || fail "kinds: $(cat "$f")"
[ "$(get '.cheap + .expert + .invalid + .cached + .fallback')" -eq 500 ] || fail "answers do not add up: $(cat "$f")"
[ "$(get .sent)" -eq "$(get .calls)" ] || fail "sent and calls differ with --batch 1: $(cat "$f")"
for k in unfunded missing_field failed timeouts retries latency_mean latency_p95 in_flight \
    agreement_estimated explored agreement_measured seconds items_per_second peak_memory_mib; do
	[ "$(get "has(\"$k\")")" = true ] || fail "no key $k: $(cat "$f")"
done
jq -e '.peak_memory_mib > 0 and .seconds > 0 and .agreement_estimated <= 1' "$f" >/dev/null ||
    fail "implausible figures: $(cat "$f")"
# An old file is replaced; one that cannot be written is an error, and no line is lost.
expect_status 0 "$CASCADE" --stats "$f" --budget 0 -e "$X/rule" <"$T/in" >"$T/out"
[ "$(get .sent)" -eq 0 ] || fail "not replaced: $(cat "$f")"
expect_status 1 "$CASCADE" --stats "$T/none/stats.json" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 500 "$T/out"
grep -q "cannot write stats '.*none/stats.json'" "$T/err" || fail "no message: $(cat "$T/err")"
# Stopped by a signal, the run still writes them.
rm -f "$f"
{ cat "$T/in"; sleep 5; } | "$CASCADE" --stats "$f" -e "$X/rule" >"$T/out" 2>"$T/err" &
pid=$!
# Once every line is out, the run waits for more input: stop it there.
for i in $(seq 300); do
	[ "$(wc -l <"$T/out")" -lt 500 ] || break
	sleep 0.1
done
kill -TERM $pid
expect_status 143 wait $pid
jq -e '.items == 500' "$f" >/dev/null || fail "after SIGTERM: $(cat "$f" 2>&1)"
