#!/bin/sh
# A command not found (127) gives fallback, exit 3, a message naming 127, and is not retried.
. "${0%/*}/../setup"
printf 'one\ntwo good\nthree\n' >"$T/in"
expect_status 3 timeout 60 "$CASCADE" --retries 3 --target 1 \
    -e 'echo x >>"$CALLS"; no-such-expert-cmd-xyz' <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
check_columns "$T/out"
[ "$(count_source fallback "$T/out")" -eq 3 ] || fail "not all lines fallback"
[ "$(ncalls)" -eq 3 ] || fail "expected 3 calls (no retries of 127), got $(ncalls)"
grep '^cascade: ' "$T/err" | grep -q '\<127\>' || fail "no message naming status 127: $(cat "$T/err")"
