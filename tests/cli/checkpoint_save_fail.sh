#!/bin/sh
# A save that fails during a run is reported with the path and retried at the next save and at the end; no output is lost; exit 1 only when the last save fails.
. "${0%/*}/../setup"
mkdir "$T/d"
# lines N: wait until $T/out has N lines (the run is past line N).
lines() {
	_i=0
	while [ "$(wc -l <"$T/out")" -lt "$1" ] && [ $_i -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}
# feed: three lines, the directory gone while the second is read, back
# (empty) before the third; each pause is longer than --save-every.
feed() {
	echo "good one"; lines 1; sleep 0.3
	rm -rf "$T/d"; echo "bad two"; lines 2; sleep 0.3
	mkdir "$T/d"; echo "good three"; lines 3; sleep 0.3
	[ -z "${1:-}" ] || rm -rf "$T/d"
}
: >"$T/out"
feed | expect_status 0 timeout 20 "$CASCADE" -q --target 1 --save-every 0.2 -s "$T/d/ck" -e "$X/rule" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
[ "$(count_source expert "$T/out")" -eq 3 ] || fail "lines lost or not the expert's: $(cat "$T/out")"
grep -q "^cascade: cannot write checkpoint '$T/d/ck': cannot create temporary file: No such file or directory\$" "$T/err" ||
	fail "the failed save is not reported: $(cat "$T/err")"
[ -s "$T/d/ck" ] || fail "the save was not retried"
expect_status 0 "$CASCADE" -q -s "$T/d/ck" </dev/null
# The last save fails: exit 1, and still every line.
rm -rf "$T/d"
mkdir "$T/d"
: >"$T/out"
feed last | expect_status 1 timeout 20 "$CASCADE" -q --target 1 --save-every 0.2 -s "$T/d/ck" -e "$X/rule" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
[ "$(grep -c "^cascade: cannot write checkpoint '$T/d/ck'" "$T/err")" -ge 2 ] || fail "the last failed save is not reported: $(cat "$T/err")"
