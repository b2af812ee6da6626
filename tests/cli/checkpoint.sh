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
# A new state holds its tables' empty slots in a bit each: 2^20 of them
# (16 MiB of lr table) take 128 KiB before zlib, and under 4 KiB after.
expect_status 0 "$CASCADE" -l a,b --expert-field 2 -s "$T/st/new" </dev/null >"$T/out"
[ "$(wc -c <"$T/st/new")" -lt 4096 ] || fail "a new state takes $(wc -c <"$T/st/new") bytes"
