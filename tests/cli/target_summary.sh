#!/bin/sh
# -v and --stats say how far the answers agree with the expert against --target, with the
# uncertainty of the measure, and when the levels alone agree more than --target.
. "${0%/*}/../setup"
command -v jq >/dev/null 2>&1 || { echo "jq not installed" >&9; exit 77; }
"$GEN" 81 2000 >"$T/in"
f=$T/stats
# The rule expert is learned exactly: at --target 0.5 the levels answer all they can.
expect_status 0 "$CASCADE" -v --target 0.5 --stats "$f" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
grep -Eq '^cascade: agreement of cheap answers with the expert: [01]\.[0-9]{3} estimated, [01]\.[0-9]{3} \+/- 0\.[0-9]{3} measured on [0-9]+ explored items$' "$T/err" ||
    fail "no cheap agreement: $(cat "$T/err")"
grep -Eq '^cascade: agreement of all answers with the expert: [01]\.[0-9]{3} estimated, [01]\.[0-9]{3} \+/- 0\.[0-9]{3} measured; --target 0\.5$' "$T/err" ||
    fail "no agreement of all answers: $(cat "$T/err")"
grep -Eq '^cascade: the levels alone agree more than --target 0\.5, by their estimate: answering every item they could, they left [0-9.]+ points of it unspent$' "$T/err" ||
    fail "does not say the levels alone agree more: $(cat "$T/err")"
jq -e '.levels_above_target and .agreement_unspent > 0.3 and .agreement_all_estimated > 0.8 and
    .agreement_measured_se >= 0 and .agreement_all_se <= .agreement_measured_se' "$f" >/dev/null ||
    fail "stats at --target 0.5: $(cat "$f")"
# At --target 1 the expert answers everything: nothing to measure, nothing unspent.
expect_status 0 "$CASCADE" -v --target 1 --stats "$f" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
! grep -q 'cheap answers\|levels alone' "$T/err" || fail "at --target 1: $(cat "$T/err")"
grep -q '^cascade: agreement of all answers with the expert: 1\.000 estimated; --target 1$' "$T/err" ||
    fail "at --target 1: $(cat "$T/err")"
jq -e '(.levels_above_target | not) and .agreement_unspent == 0 and .agreement_all_estimated == 1' "$f" >/dev/null ||
    fail "stats at --target 1: $(cat "$f")"
# Without exploration the agreement is estimated only.
expect_status 0 "$CASCADE" -v --explore 0 -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
grep -Eq '^cascade: agreement of cheap answers with the expert: [01]\.[0-9]{3} estimated, none explored to measure it$' "$T/err" ||
    fail "--explore 0: $(cat "$T/err")"
