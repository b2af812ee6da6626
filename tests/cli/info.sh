#!/bin/sh
# cascade info [--json]: what a checkpoint holds, in words and as JSON.
. "${0%/*}/../setup"
command -v jq >/dev/null 2>&1 || { echo "jq not installed" >&9; exit 77; }
"$GEN" 51 400 >"$T/in"
expect_status 0 "$CASCADE" -s "$T/model" -m nb -m lr -l positive,negative -e "$X/rule" <"$T/in" >"$T/out"
n=$(count_source expert "$T/out")
expect_status 0 "$CASCADE" info "$T/model" >"$T/info" 2>"$T/err"
[ ! -s "$T/err" ] || fail "info: stderr: $(cat "$T/err")"
grep -qx 'format: 9' "$T/info" || fail "no format: $(cat "$T/info")"
grep -qx 'input: text' "$T/info" || fail "no input mode: $(cat "$T/info")"
grep -qx 'hash bits: 20' "$T/info" || fail "no hash bits: $(cat "$T/info")"
grep -qx 'labels (closed): positive,negative' "$T/info" || fail "no labels: $(cat "$T/info")"
grep -Eqx 'threshold: [01]\.[0-9]{4}' "$T/info" || fail "no threshold: $(cat "$T/info")"
grep -qx "answers cached: $n" "$T/info" || fail "not $n answers cached: $(cat "$T/info")"
grep -q "^level 1: nb, $n answers learned; agreed with the expert on [0-9.]*% of the last [0-9]* it kept\$" "$T/info" ||
    fail "level 1 is not nb with $n answers: $(cat "$T/info")"
grep -q "^level 2: lr, $n answers learned" "$T/info" || fail "level 2 is not lr: $(cat "$T/info")"
expect_status 0 "$CASCADE" info --json "$T/model" >"$T/json"
check_lines 1 "$T/json"
[ "$(jq -c .labels "$T/json")" = '["positive","negative"]' ] || fail "json labels: $(cat "$T/json")"
[ "$(jq -c '[.levels[].kind]' "$T/json")" = '["nb","lr"]' ] || fail "json kinds: $(cat "$T/json")"
[ "$(jq '.levels[1].answers' "$T/json")" -eq "$n" ] || fail "json answers: $(cat "$T/json")"
[ "$(jq -r '.closed, .hash_bits, .input, .format' "$T/json" | tr '\n' ' ')" = 'true 20 text 9 ' ] ||
    fail "json settings: $(cat "$T/json")"
jq -e '.threshold >= 0 and .threshold <= 1 and .levels[0].agreed >= 0 and .levels[0].agreed <= 1' "$T/json" >/dev/null ||
    fail "json threshold or agreement: $(cat "$T/json")"
# An open set; labels with quotes, backslashes and non-ASCII bytes stay valid JSON.
printf 'a\nb\nc\n' >"$T/in2"
expect_status 0 "$CASCADE" -s "$T/open" --target 1 -e 'read -r x; case $x in a) echo "say \"hi\"";; b) echo "back\\slash";; *) echo "café";; esac' <"$T/in2" >/dev/null
expect_status 0 "$CASCADE" info --json "$T/open" >"$T/json"
[ "$(jq -c '[.closed, .labels]' "$T/json")" = '[false,["say \"hi\"","back\\slash","café"]]' ] || fail "json of odd labels: $(cat "$T/json")"
# Refusals.
expect_status 1 "$CASCADE" info "$T/nothing" >"$T/out" 2>"$T/err"
grep -q "^cascade: cannot read checkpoint '.*nothing': no such file\$" "$T/err" || fail "missing: $(cat "$T/err")"
echo junk >"$T/junk"
expect_status 1 "$CASCADE" info "$T/junk" >"$T/out" 2>"$T/err"
grep -q "junk': not a cascade checkpoint" "$T/err" || fail "junk: $(cat "$T/err")"
expect_status 2 "$CASCADE" info >"$T/out" 2>"$T/err"
expect_status 2 "$CASCADE" info --yaml "$T/model" >"$T/out" 2>"$T/err"
grep -q "bad option: --yaml" "$T/err" || fail "bad option: $(cat "$T/err")"
