#!/bin/sh
# -i: a checkpoint used read-only; with -s, learning starts from -i and goes to -s.
. "${0%/*}/../setup"
"$GEN" 41 600 >"$T/a"
"$GEN" 42 300 >"$T/b"
expect_status 0 "$CASCADE" -s "$T/model" -e "$X/rule" <"$T/a" >/dev/null
sum=$(cksum <"$T/model")
ino=$(ls -i "$T/model" | cut -d ' ' -f 1)
# Read-only: the file is neither rewritten nor replaced, and it answers.
rm -f "$CALLS"
expect_status 0 "$CASCADE" -i "$T/model" -e "$X/rule" <"$T/b" >"$T/out"
check_lines 300 "$T/out"
check_columns "$T/out"
[ "$(cksum <"$T/model")" = "$sum" ] || fail "-i rewrote the checkpoint"
[ "$(ls -i "$T/model" | cut -d ' ' -f 1)" = "$ino" ] || fail "-i replaced the checkpoint"
[ "$(count_source lr "$T/out")" -gt 150 ] || fail "-i did not answer from the model: $(count_source lr "$T/out") of 300 by lr"
[ "$(ls "$T")" = "a
b
calls
model
out" ] || fail "stray files: $(ls "$T")"
# Without an expert, the same answers as a run that starts from a copy.
expect_status 0 "$CASCADE" -i "$T/model" <"$T/b" >"$T/ro"
cp "$T/model" "$T/copy"
expect_status 0 "$CASCADE" -s "$T/copy" <"$T/b" >"$T/rw"
cmp -s "$T/ro" "$T/rw" || fail "-i answers differ from -s on a copy"
# -i with -s: starts from -i, even over an existing -s, and saves to -s.
rm -f "$CALLS"
expect_status 0 "$CASCADE" -e "$X/rule" <"$T/b" >/dev/null
cold=$(ncalls)
echo junk >"$T/out.model"
rm -f "$CALLS"
expect_status 0 "$CASCADE" -i "$T/model" -s "$T/out.model" -e "$X/rule" <"$T/b" >"$T/out"
[ "$(ncalls)" -lt "$cold" ] || fail "-i -s did not start from -i: $(ncalls) calls, cold $cold"
[ "$(cksum <"$T/model")" = "$sum" ] || fail "-i -s wrote the -i file"
expect_status 0 "$CASCADE" -i "$T/out.model" <"$T/b" >/dev/null
# A missing -i is an error before any work, not a new model.
expect_status 1 "$CASCADE" -i "$T/nothing" -e "$X/rule" <"$T/b" >"$T/out" 2>"$T/err"
grep -q "^cascade: cannot read checkpoint '.*nothing': no such file" "$T/err" || fail "missing -i: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "missing -i: output written"
