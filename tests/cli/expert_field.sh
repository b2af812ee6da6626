#!/bin/sh
# --expert-field N: the expert's answers are already in the input; no process runs, and the cascade is the same.
. "${0%/*}/../setup"
"$GEN" 131 400 >"$T/text"
rule_labels "$T/text" | paste - "$T/text" >"$T/in"
expect_status 0 "$CASCADE" -f 2 --expert-input line -e 'cut -f 1' -v <"$T/in" >"$T/cmd" 2>"$T/err1"
rm -f "$CALLS"
expect_status 0 "$CASCADE" -f 2 --expert-input line --expert-field 1 -v <"$T/in" >"$T/field" 2>"$T/err2"
check_lines 400 "$T/field"
check_columns "$T/field"
cmp -s "$T/cmd" "$T/field" || fail "--expert-field answers otherwise than an expert that prints the field"
[ "$(ncalls)" -eq 0 ] || fail "an expert ran"
n=$(count_source expert "$T/field")
[ "$n" -gt 0 ] || fail "no expert answers"
grep -q "expert: $n items in $n calls" "$T/err2" || fail "summary: $(cat "$T/err2")"
# --target 1 trains from every line's label.
expect_status 0 "$CASCADE" -f 2 --expert-field 1 --target 1 -s "$T/model" <"$T/in" >"$T/out"
[ "$(count_source 'expert|cache' "$T/out")" -eq 400 ] || fail "--target 1: not every line from its field"
"$CASCADE" info "$T/model" | grep -qx 'labels (open): negative,positive\|labels (open): positive,negative' ||
    fail "labels not learned: $("$CASCADE" info "$T/model")"
# A line without the field is a failed call: fallback, exit 3.
printf 'good film\n' >"$T/short"
expect_status 3 "$CASCADE" --expert-field 2 --target 1 <"$T/short" >"$T/out" 2>"$T/err"
[ "$(count_source fallback "$T/out")" -eq 1 ] || fail "no fallback: $(cat "$T/out")"
grep -q "no answer field" "$T/err" || fail "no message: $(cat "$T/err")"
# With -e, which expert is meant is not clear: a usage error.
expect_status 2 "$CASCADE" --expert-field 1 -e cat </dev/null 2>"$T/err"
grep -q "give one expert" "$T/err" || fail "-e and --expert-field: $(cat "$T/err")"
