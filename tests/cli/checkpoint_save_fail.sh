#!/bin/sh
# A save that fails during a run is reported with the path and retried at the next save and at the end; no output is lost; exit 1 only when the last save fails.
. "${0%/*}/../setup"
mkdir "$T/d"
# feed: three lines, the directory gone while the second is read, back
# (empty) before the third; each pause is longer than --save-every.
feed() {
	echo "good one"; sleep 0.4
	rm -rf "$T/d"; echo "bad two"; sleep 0.4
	mkdir "$T/d"; echo "good three"; sleep 0.4
	[ -z "${1:-}" ] || rm -rf "$T/d"
}
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
feed last | expect_status 1 timeout 20 "$CASCADE" -q --target 1 --save-every 0.2 -s "$T/d/ck" -e "$X/rule" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
[ "$(grep -c "^cascade: cannot write checkpoint '$T/d/ck'" "$T/err")" -ge 2 ] || fail "the last failed save is not reported: $(cat "$T/err")"
