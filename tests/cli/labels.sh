#!/bin/sh
# -l maps answers to the label set; an invalid answer is output as given, SOURCE invalid.
. "${0%/*}/../setup"
echo 'some item' >"$T/in"
# label ANSWER [SOURCE]: the LABEL column for an expert that prints ANSWER,
# whose SOURCE must be expert (or SOURCE).
label() {
	printf '%s\n' "$1" >"$T/answer"
	expect_status 0 "$CASCADE" -q -l positive,negative --target 1 \
	    -e "cat >/dev/null; cat $(shq "$T/answer")" <"$T/in" >"$T/out"
	check_lines 1 "$T/out"
	check_columns "$T/out"
	[ "$(count_source "${2:-expert}" "$T/out")" -eq 1 ] ||
	    fail "answer '$1' not SOURCE ${2:-expert}: $(cat "$T/out")"
	cut -f 1 "$T/out"
}
[ "$(label positive)" = positive ] || fail "positive -> $(label positive)"
[ "$(label '  NEGATIVE  ')" = negative ] || fail "NEGATIVE -> $(label '  NEGATIVE  ')"
[ "$(label 'I think: Positive.')" = positive ] || fail "one label word -> $(label 'I think: Positive.')"
[ "$(label maybe invalid)" = maybe ] || fail "invalid 'maybe' -> $(label maybe invalid)"
a='positive or negative'
[ "$(label "$a" invalid)" = "$a" ] || fail "two label words -> $(label "$a" invalid)"
# Without -q an invalid answer is a warning that names the line and the answer.
expect_status 0 "$CASCADE" -l positive,negative --target 1 -e 'echo maybe' <"$T/in" >"$T/out" 2>"$T/err"
grep -q "^cascade: line 1: the expert's answer is no label: 'maybe'\$" "$T/err" ||
    fail "no warning for an invalid answer: $(cat "$T/err")"
# Invalid answers are counted in the -v summary.
expect_status 0 "$CASCADE" -v -l positive,negative --target 1 -e 'echo maybe' <"$T/in" >"$T/out" 2>"$T/err"
grep -qi invalid "$T/err" || fail "-v summary does not mention invalid answers"
