#!/bin/sh
# --expert-input line gives the expert the whole input line, not just the item.
. "${0%/*}/../setup"
printf 'good film\tnegative\nbad film\tpositive\n' >"$T/in"
expect_status 0 "$CASCADE" -f 1 --expert-input line --target 1 -e "$X/echoline" <"$T/in" >"$T/out"
check_lines 2 "$T/out"
check_columns "$T/out"
[ "$(cut -f 1 "$T/out" | tr '\n' '|')" = "negative|positive|" ] || fail "labels: $(cut -f 1 "$T/out")"
# By default (text) the expert reads only the item, field 1.
expect_status 0 "$CASCADE" -f 1 --target 1 -e cat <"$T/in" >"$T/out"
[ "$(cut -f 1 "$T/out" | tr '\n' '|')" = "good film|bad film|" ] || fail "text labels: $(cut -f 1 "$T/out")"
