#!/bin/sh
# A checkpoint that cannot be written is a runtime error: message, exit 1.
. "${0%/*}/../setup"
"$GEN" 42 50 >"$T/in"
expect_status 1 "$CASCADE" -s "$T/no/such/dir/model" -e "$X/rule" --budget 0 <"$T/in" >"$T/out" 2>"$T/err"
grep -q model "$T/err" || fail "message does not name the checkpoint: $(cat "$T/err")"
mkdir "$T/isdir"
expect_status 1 "$CASCADE" -s "$T/isdir" -e "$X/rule" --budget 0 <"$T/in" >"$T/out" 2>"$T/err"
[ -s "$T/err" ] || fail "no message for a directory as checkpoint"
[ -z "$(ls "$T/isdir")" ] || fail "files left in the directory: $(ls "$T/isdir")"
[ "$(ls "$T" | tr '\n' ' ')" = "err in isdir out " ] || fail "stray files: $(ls "$T")"
