#!/bin/sh
# --retries 2 with an expert that fails twice, then answers: expert answer, exit 0, 2 retries in the summary.
. "${0%/*}/../setup"
FLAKY_DIR=$T
export FLAKY_DIR
printf 'one good\n' >"$T/in"
expect_status 0 timeout 60 "$CASCADE" -v --retries 2 --target 1 -e "$X/flaky" <"$T/in" >"$T/out" 2>"$T/err"
[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "one good expert|" ] || fail "got: $(cat "$T/out")"
[ "$(ncalls)" -eq 3 ] || fail "expected 3 calls, got $(ncalls)"
grep -q '[^0-9]2 retries' "$T/err" || fail "summary does not report 2 retries: $(cat "$T/err")"
# Three items in parallel, each failing twice: 6 retries.
rm -f "$CALLS" "$T"/flaky.*
printf 'a\nb good\nc\n' >"$T/in"
expect_status 0 timeout 60 "$CASCADE" -v -j 3 --retries 2 --target 1 -e "$X/flaky" <"$T/in" >"$T/out" 2>"$T/err"
[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "a expert|b good expert|c expert|" ] || fail "-j 3: got: $(cat "$T/out")"
grep -q '[^0-9]6 retries' "$T/err" || fail "-j 3: summary does not report 6 retries: $(cat "$T/err")"
# One retry fewer than needed: fallback, exit 3.
rm -f "$CALLS" "$T"/flaky.*
expect_status 3 timeout 60 "$CASCADE" -q --retries 1 --target 1 -e "$X/flaky" <"$T/in" >"$T/out"
[ "$(count_source fallback "$T/out")" -eq 3 ] || fail "--retries 1: not all lines fallback"
