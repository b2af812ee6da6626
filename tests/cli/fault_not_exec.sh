#!/bin/sh
# A command that is not executable (126) gives fallback, exit 3, a message naming 126, and is not retried.
. "${0%/*}/../setup"
printf 'one\ntwo good\nthree\n' >"$T/in"
printf '#!/bin/sh\necho positive\n' >"$T/noexec"
chmod 644 "$T/noexec"
expect_status 3 timeout 60 "$CASCADE" --retries 3 --target 1 \
    -e "echo x >>\"\$CALLS\"; $(shq "$T/noexec")" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
check_columns "$T/out"
[ "$(count_source fallback "$T/out")" -eq 3 ] || fail "not all lines fallback"
[ "$(ncalls)" -eq 3 ] || fail "expected 3 calls (no retries of 126), got $(ncalls)"
grep '^cascade: ' "$T/err" | grep -q '\<126\>' || fail "no message naming status 126: $(cat "$T/err")"
