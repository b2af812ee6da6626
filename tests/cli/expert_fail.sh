#!/bin/sh
# A failing expert (exit 1, no answer, not found) gives fallback lines and exit 3.
. "${0%/*}/../setup"
"$GEN" 4 20 >"$T/in"
for cmd in "$X/fail" true 'printf " \\t \\n"' "$X/no-such-expert 2>/dev/null"; do
	expect_status 3 "$CASCADE" -q --target 1 -e "$cmd" <"$T/in" >"$T/out"
	check_lines 20 "$T/out"
	check_columns "$T/out"
	[ "$(count_source fallback "$T/out")" -eq 20 ] || fail "-e $cmd: not all lines fallback"
done
# A message on stderr says that expert calls failed (unless -q).
expect_status 3 "$CASCADE" --target 1 -e "$X/fail" <"$T/in" >"$T/out" 2>"$T/err"
[ -s "$T/err" ] || fail "no message about failed expert calls"
