#!/bin/sh
# An expert that ignores SIGTERM is killed after the grace period: exit 3, no hang.
. "${0%/*}/../setup"
printf 'one\ntwo\n' >"$T/in"
HANG_IGNORE_TERM=1
export HANG_IGNORE_TERM
expect_status 3 timeout 30 "$CASCADE" -q --timeout 0.3 --target 1 -e "$X/hang" <"$T/in" >"$T/out"
check_lines 2 "$T/out"
[ "$(count_source fallback "$T/out")" -eq 2 ] || fail "not all lines fallback"
check_no_hang
