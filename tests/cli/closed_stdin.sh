#!/bin/sh
# A closed standard input is an error to read, at once: the run neither hangs nor reads another descriptor as its input.
. "${0%/*}/../setup"
expect_status 1 timeout 10 sh -c 'exec 0<&-; exec "$CASCADE" -q --budget 0' >"$T/out" 2>"$T/err"
grep -q "cannot read '-'" "$T/err" || fail "no message: $(cat "$T/err")"
check_lines 0 "$T/out"
