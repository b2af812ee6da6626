#!/bin/sh
# --expert-mode pipe: items go out as N TAB TEXT and an answer counts only with its N: a banner, a blank or a late line never shifts answers.
. "${0%/*}/../setup"
printf 'good 1\nbad 2\ngood 3\n' >"$T/in"
# check_own WHAT: no line has an expert answer other than its own.
check_own() {
	awk -F '\t' -v what="$1" '$2 == "expert" && $1 != ($4 ~ /good/ ? "positive" : "negative") {
		printf "%s: line %d (%s) got the answer \"%s\"\n", what, NR, $4, $1; exit 1 }' "$T/out" >&9 ||
		fail "$1: an answer on the wrong item"
}
# The issue's case: a banner on stdout, answers without the number.  Every
# item fails (loudly, exit 3), none takes another's answer.
expect_status 3 timeout 30 "$CASCADE" --target 1 --expert-mode pipe -p -e \
    'echo "model loaded"; while read -r l; do sleep 0.1; case "$l" in *good*) echo positive;; *) echo negative;; esac; done' \
    <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
check_columns "$T/out" -p
check_own "banner"
[ "$(count_source fallback "$T/out")" -eq 3 ] || fail "banner: $(count_source expert "$T/out") lines taken from an expert out of step"
grep -q "^cascade: expert failed on line 1: an answer line that does not start with the item's number" "$T/err" ||
	fail "banner: no message says why: $(cat "$T/err")"
# An expert that speaks the protocol (as the man page shows), with its
# banner on stderr and a blank line on stdout before the first answer:
# the blank line costs a restart, then every answer is its item's.
rm -f "$CALLS"
expect_status 0 timeout 30 "$CASCADE" -q --target 1 --expert-mode pipe -p -e '
	echo x >>"$CALLS"; echo "model loaded" >&2
	[ "$(wc -l <"$CALLS")" -gt 1 ] || echo
	while IFS=$(printf "\t") read -r n item; do
		case $item in *good*) a=positive;; *) a=negative;; esac
		printf "%s\t%s\n" "$n" "$a"
	done' <"$T/in" >"$T/out" 2>"$T/err"
check_columns "$T/out" -p
check_own "numbered"
[ "$(count_source expert "$T/out")" -eq 3 ] || fail "numbered: $(count_source fallback "$T/out") lines fallback"
[ "$(ncalls)" -eq 2 ] || fail "numbered: $(ncalls) processes, want 2 (one restart)"
# Answers that come a line late (the item before's answer first): each
# call fails, none shifts.
expect_status 3 timeout 30 "$CASCADE" -q --target 1 --expert-mode pipe -p -e '
	prev="0	negative"
	while IFS=$(printf "\t") read -r n item; do
		printf "%s\n" "$prev"
		case $item in *good*) a=positive;; *) a=negative;; esac
		prev="$n	$a"
	done' <"$T/in" >"$T/out"
check_own "late"
