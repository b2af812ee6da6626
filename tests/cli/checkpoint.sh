#!/bin/sh
# -s: a warm second run makes fewer expert calls than a cold one; saved atomically.
. "${0%/*}/../setup"
mkdir "$T/st"
"$GEN" 31 600 >"$T/a"
"$GEN" 32 600 >"$T/b"
expect_status 0 "$CASCADE" -s "$T/st/model" -e "$X/rule" <"$T/a" >"$T/out"
check_lines 600 "$T/out"
[ -s "$T/st/model" ] || fail "no checkpoint written"
[ "$(ls "$T/st")" = model ] || fail "stray files next to the checkpoint: $(ls "$T/st")"
rm -f "$CALLS"
expect_status 0 "$CASCADE" -e "$X/rule" <"$T/b" >"$T/out"
cold=$(ncalls)
rm -f "$CALLS"
expect_status 0 "$CASCADE" -s "$T/st/model" -e "$X/rule" <"$T/b" >"$T/out"
warm=$(ncalls)
check_lines 600 "$T/out"
check_columns "$T/out"
[ "$warm" -lt "$cold" ] || fail "warm run made $warm expert calls, cold run $cold"
[ "$warm" -eq "$(count_source expert "$T/out")" ] || fail "expert lines differ from expert calls"
[ "$(ls "$T/st")" = model ] || fail "stray files next to the checkpoint: $(ls "$T/st")"
