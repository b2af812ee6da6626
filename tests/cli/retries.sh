#!/bin/sh
# --retries N retries a failed call N times; a call that then succeeds is an expert answer.
. "${0%/*}/../setup"
printf 'one\ntwo\n' >"$T/in"
expect_status 3 "$CASCADE" -q --retries 2 --target 1 -e "$X/fail" <"$T/in" >"$T/out"
[ "$(ncalls)" -eq 6 ] || fail "expected 6 calls (2 items x 3 tries), got $(ncalls)"
[ "$(count_source fallback "$T/out")" -eq 2 ] || fail "not all lines fallback"
# Fails on its first try for each item, answers on the second.
rm -f "$CALLS"
cmd="echo x >>\"\$CALLS\"; [ \$(wc -l <\"\$CALLS\") -gt \$(( \$(wc -l <\"\$CALLS\") / 2 * 2 )) ] && exit 1; echo ok"
expect_status 0 "$CASCADE" -q --retries 1 --target 1 -e "$cmd" <"$T/in" >"$T/out"
[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "ok expert|ok expert|" ] || fail "got: $(cat "$T/out")"
