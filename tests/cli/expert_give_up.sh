#!/bin/sh
# After --max-failures (default 10) failed calls in a row the expert is not called again: one message, the rest fallback, exit 3; 0 never gives up.
. "${0%/*}/../setup"
"$GEN" 5 100 >"$T/in"
# A command that is not there: 10 calls, not 100.
expect_status 3 timeout 30 "$CASCADE" --target 1 \
    -e 'echo x >>"$CALLS"; no-such-expert-cmd-xyz' <"$T/in" >"$T/out" 2>"$T/err"
check_lines 100 "$T/out"
check_columns "$T/out"
[ "$(ncalls)" -eq 10 ] || fail "default: $(ncalls) calls, want 10"
[ "$(count_source fallback "$T/out")" -eq 100 ] || fail "default: not every line fallback"
[ "$(grep -c 'not called again' "$T/err")" -eq 1 ] || fail "default: want one message saying why: $(cat "$T/err")"
grep -q "^cascade: expert failed 10 calls in a row: not called again" "$T/err" || fail "default: message: $(cat "$T/err")"
# An expert that fails while it is run in parallel, in batches, in pipe mode.
for opts in "-j 4 --max-failures 3" "--batch 4 --max-failures 2" "--expert-mode pipe -j 2 --max-failures 3"; do
	rm -f "$CALLS"
	expect_status 3 timeout 30 "$CASCADE" -q --target 1 $opts -e "$X/fail" <"$T/in" >"$T/out"
	check_lines 100 "$T/out"
	check_columns "$T/out"
	[ "$(count_source fallback "$T/out")" -eq 100 ] || fail "$opts: not every line fallback"
	[ "$(ncalls)" -le 12 ] || fail "$opts: $(ncalls) calls"
done
# Failures that are not in a row do not count: an expert that fails on
# every other item is never given up on.
seq 1 100 | sed 's/^/item /' >"$T/alt"
rm -f "$CALLS"
expect_status 3 timeout 30 "$CASCADE" -q --target 1 --max-failures 2 \
    -e 'echo x >>"$CALLS"; read -r x; case $x in *[13579]) exit 1;; esac; echo "$x"' <"$T/alt" >"$T/out"
[ "$(ncalls)" -eq 100 ] || fail "alternate: $(ncalls) calls, want 100"
[ "$(count_source expert "$T/out")" -eq 50 ] || fail "alternate: $(count_source expert "$T/out") expert answers, want 50"
# 0: never give up.
rm -f "$CALLS"
expect_status 3 timeout 30 "$CASCADE" -q --target 1 --max-failures 0 -e "$X/fail" <"$T/in" >"$T/out"
[ "$(ncalls)" -eq 100 ] || fail "--max-failures 0: $(ncalls) calls, want 100"
