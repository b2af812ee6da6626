#!/bin/sh
# When the reader goes away (| head) cascade stops quietly, still saves its state, and exits 0.
. "${0%/*}/../setup"
"$GEN" 15 200000 >"$T/in"
timeout 30 "$CASCADE" -s "$T/model" <"$T/in" 2>"$T/err" | head -n 1 >"$T/out"
check_lines 1 "$T/out"
# No expert and nothing learned is worth a warning, and the closed pipe none.
[ "$(cat "$T/err")" = "cascade: no expert (-e) and nothing learned: every label is a guess" ] ||
    fail "messages on a closed pipe: $(cat "$T/err")"
[ -s "$T/model" ] || fail "state not saved"
# The exit status is 0 (as documented): the reader had all it wanted.
st=$( { timeout 30 "$CASCADE" <"$T/in" 2>/dev/null; echo $? >"$T/st"; } | head -n 1 >/dev/null; cat "$T/st")
[ "$st" -eq 0 ] || fail "exit $st when the reader goes away"
