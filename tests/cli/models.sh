#!/bin/sh
# -m composes the cascade: nb alone, nb then lr; a bad kind or too many levels
# is a usage error; a checkpoint of other levels is refused and left as it was,
# taken as it is without -m; checkpoints of nb levels merge.
. "${0%/*}/../setup"
L=positive,negative
"$GEN" 71 1500 >"$T/in"

# nb alone: every line answered, by nb or the expert, and nb learns the rule.
expect_status 0 "$CASCADE" -m nb -l $L -e "$X/rule" <"$T/in" >"$T/nb"
check_lines 1500 "$T/nb"
check_columns "$T/nb"
bad=$(awk -F '\t' '$2 != "nb" && $2 != "expert"' "$T/nb" | wc -l)
[ "$bad" -eq 0 ] || fail "-m nb: $bad lines answered by neither nb nor the expert"
rule_labels "$T/in" | paste "$T/nb" - | tail -n 1000 >"$T/late"
nb=$(count_source nb "$T/late")
[ "$nb" -ge 500 ] || fail "-m nb: only $nb of the last 1000 lines answered by nb"
ok=$(awk -F '\t' '$2 == "nb" && $1 == $4 { n++ } END { print n + 0 }' "$T/late")
[ "$ok" -ge $((nb * 95 / 100)) ] || fail "nb agrees with the rule on only $ok of $nb lines"

# nb then lr: both answer some lines, the rest go to the expert.
expect_status 0 "$CASCADE" -m nb --model lr -l $L -s "$T/nblr" -e "$X/rule" \
    <"$T/in" >"$T/both"
check_lines 1500 "$T/both"
check_columns "$T/both"
[ "$(count_source nb "$T/both")" -gt 0 ] || fail "-m nb -m lr: no line by nb"
[ "$(count_source lr "$T/both")" -gt 0 ] || fail "-m nb -m lr: no line by lr"
[ "$(count_source fallback "$T/both")" -eq 0 ] || fail "-m nb -m lr: fallback lines"

# Usage errors: a kind that does not exist, more levels than the engine has.
for args in "-m bogus" "-m" "--model=" "-m nb -m LR" \
    "-m nb -m lr -m nb -m lr -m nb"; do
	# shellcheck disable=SC2086
	expect_status 2 "$CASCADE" $args -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
	grep -q 'usage: cascade' "$T/err" || fail "$args: no usage on stderr"
	[ ! -s "$T/out" ] || fail "$args: output on stdout"
done
expect_status 2 "$CASCADE" -m bogus <"$T/in" >/dev/null 2>"$T/err"
grep -q "bogus" "$T/err" || fail "-m bogus: the message does not name it: $(cat "$T/err")"
expect_status 2 "$CASCADE" -m nb -m lr -m nb -m lr -m nb <"$T/in" >/dev/null 2>"$T/err"
grep -q "levels" "$T/err" || fail "five -m: the message does not say why: $(cat "$T/err")"
# Four are allowed.
expect_status 0 "$CASCADE" -m nb -m lr -m nb -m lr -l $L -e "$X/rule" <"$T/in" >"$T/four"
check_lines 1500 "$T/four"

# A checkpoint saved with -m lr is refused by -m nb (and by -m lr -m nb) and
# left as it was.
expect_status 0 "$CASCADE" -m lr -l $L -s "$T/lr" -e "$X/rule" <"$T/in" >/dev/null
cp "$T/lr" "$T/orig"
for args in "-m nb" "-m lr -m nb" "-m nb -m lr"; do
	# shellcheck disable=SC2086
	expect_status 1 "$CASCADE" $args -l $L -s "$T/lr" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
	grep -q "checkpoint has levels" "$T/err" || fail "$args: not refused for its levels: $(cat "$T/err")"
	grep -q "$T/lr" "$T/err" || fail "$args: the message does not name the file: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$args: output written although the checkpoint was refused"
	cmp -s "$T/lr" "$T/orig" || fail "$args: the refused checkpoint was modified"
done
# Without -m a checkpoint's levels are taken as they are, as its labels are.
expect_status 0 "$CASCADE" -l $L -s "$T/nblr" --budget 0 <"$T/in" >"$T/out"
check_columns "$T/out"
[ "$(count_source nb "$T/out")" -gt 0 ] || fail "the checkpoint's nb level was not loaded"

# Two nb checkpoints merge, and the merged one is for nb.
"$GEN" 72 700 >"$T/a"
"$GEN" 73 700 >"$T/b"
"$GEN" 74 400 >"$T/c"
expect_status 0 "$CASCADE" -m nb -l $L -s "$T/A" -e "$X/rule" <"$T/a" >/dev/null
expect_status 0 "$CASCADE" -m nb -l $L -s "$T/B" -e "$X/rule" <"$T/b" >/dev/null
expect_status 0 "$CASCADE" merge -o "$T/M" "$T/A" "$T/B" 2>"$T/err"
[ ! -s "$T/err" ] || fail "merge of nb checkpoints: $(cat "$T/err")"
expect_status 0 "$CASCADE" -m nb -l $L -s "$T/M" --budget 0 <"$T/c" >"$T/out"
check_lines 400 "$T/out"
rule_labels "$T/c" | paste "$T/out" - >"$T/scored"
ok=$(awk -F '\t' '$1 == $4 { n++ } END { print n + 0 }' "$T/scored")
[ "$ok" -ge 380 ] || fail "the merged nb checkpoint agrees with the rule on only $ok of 400 lines"
# ... but not with a checkpoint of other levels.
expect_status 1 "$CASCADE" merge -o "$T/X" "$T/A" "$T/lr" 2>"$T/err"
grep -q "other levels" "$T/err" || fail "merge of nb and lr: $(cat "$T/err")"
[ ! -e "$T/X" ] || fail "merge of nb and lr wrote a file"
