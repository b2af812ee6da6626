#!/bin/sh
# -l maps answers to the label set; an invalid answer is output as given, SOURCE expert.
. "${0%/*}/../setup"
echo 'some item' >"$T/in"
# label ANSWER: the LABEL column for an expert that prints ANSWER.
label() {
	printf '%s\n' "$1" >"$T/answer"
	expect_status 0 "$CASCADE" -q -l positive,negative --target 1 \
	    -e "cat >/dev/null; cat $(shq "$T/answer")" <"$T/in" >"$T/out"
	check_lines 1 "$T/out"
	check_columns "$T/out"
	[ "$(count_source expert "$T/out")" -eq 1 ] || fail "answer '$1' not SOURCE expert"
	cut -f 1 "$T/out"
}
[ "$(label positive)" = positive ] || fail "positive -> $(label positive)"
[ "$(label '  NEGATIVE  ')" = negative ] || fail "NEGATIVE -> $(label '  NEGATIVE  ')"
[ "$(label 'I think: Positive.')" = positive ] || fail "one label word -> $(label 'I think: Positive.')"
[ "$(label maybe)" = maybe ] || fail "invalid 'maybe' -> $(label maybe)"
a='positive or negative'
[ "$(label "$a")" = "$a" ] || fail "two label words -> $(label "$a")"
# Invalid answers are counted in the -v summary.
expect_status 0 "$CASCADE" -v -l positive,negative --target 1 -e 'echo maybe' <"$T/in" >"$T/out" 2>"$T/err"
grep -qi invalid "$T/err" || fail "-v summary does not mention invalid answers"
