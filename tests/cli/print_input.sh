#!/bin/sh
# -p appends a TAB and the input line, unchanged, to each output line.
. "${0%/*}/../setup"
printf 'good film\nwith\ttabs\tinside\n\nbad  spacing \n' >"$T/in"
expect_status 0 "$CASCADE" -p -e "$X/rule" --target 1 <"$T/in" >"$T/out"
check_lines 4 "$T/out"
check_columns "$T/out" -p
cut -f 4- "$T/out" | cmp -s - "$T/in" || fail "-p did not reproduce the input lines"
expect_status 0 "$CASCADE" -p <"$T/in" >"$T/out"
cut -f 4- "$T/out" | cmp -s - "$T/in" || fail "-p (no expert) did not reproduce the input lines"
