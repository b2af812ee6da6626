#!/bin/sh
# One output line per input line: empty lines, CRLF, NUL, invalid UTF-8, no final newline.
. "${0%/*}/../setup"
printf 'plain\n\n\nwindows\r\nnul\000byte\n\377\376\300invalid\n\r\n\000\n   \nlast' >"$T/in"
expect_status 0 "$CASCADE" <"$T/in" >"$T/out"
check_lines 10 "$T/out"
check_columns "$T/out"
# Without -e nothing can be asked: every line is answered by the cheap level.
[ "$(count_source lr "$T/out")" -eq 10 ] || fail "without -e, not all lines are lr"
# The same bytes with an expert for every item: still one line each.
expect_status 0 "$CASCADE" -e "$X/rule" --target 1 --cache 0 <"$T/in" >"$T/out"
check_lines 10 "$T/out"
check_columns "$T/out"
[ "$(ncalls)" -eq 10 ] || fail "expected 10 expert calls, got $(ncalls)"
