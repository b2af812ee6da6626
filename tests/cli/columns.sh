#!/bin/sh
# Output is LABEL TAB SOURCE TAB CONFIDENCE; labels come from the expert's set.
. "${0%/*}/../setup"
"$GEN" 11 300 >"$T/in"
expect_status 0 "$CASCADE" -e "$X/rule" <"$T/in" >"$T/out"
check_lines 300 "$T/out"
check_columns "$T/out"
bad=$(cut -f 1 "$T/out" | grep -cv -e '^positive$' -e '^negative$' || true)
[ "$bad" -eq 0 ] || fail "$bad labels outside {positive,negative}"
[ "$(count_source expert "$T/out")" -ge 1 ] || fail "expert never asked"
