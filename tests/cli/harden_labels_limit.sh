#!/bin/sh
# A runaway expert with a new label for every item: 4096 labels learned, the rest invalid, one warning, bounded memory.
. "${0%/*}/../setup"
# Three words an item: lr's time goes as features times labels, and the
# case is about the labels (--cache 0: the repeated items are asked again).
"$GEN" 9 5000 | cut -d ' ' -f 1-3 >"$T/in"
# Answers item N of the run with "labelPID.N": never the same label twice.
cmd='n=0; while IFS= read -r x; do n=$((n + 1)); printf "%s\tlabel$$.$n\n" "${x%%	*}"; done'
# peak FILE: the peak memory in MiB from a -v summary.
peak() {
	awk '/MiB peak memory/ { for (i = 2; i <= NF; i++) if ($i == "MiB") print int($(i - 1)) }' "$1"
}
expect_status 0 timeout 240 "$CASCADE" -v --target 1 --cache 0 --expert-mode pipe --batch 100 -s "$T/state" \
	-e "$cmd" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 5000 "$T/out"
check_columns "$T/out"
# Every line has its own answer, learned or not: past the limit, invalid
# answers output as given.
awk -F '\t' '$2 != (NR <= 4096 ? "expert" : "invalid") ||
    $1 !~ ("^label[0-9]+\\." NR "$") { print "line " NR ": " $0; exit 1 }' \
	"$T/out" >&9 || fail "wrong answers in the output"
[ "$(grep -c 'label limit' "$T/err")" -eq 1 ] || fail "not one label limit warning: $(cat "$T/err")"
grep 'label limit' "$T/err" | grep -q 4096 || fail "the warning does not give the limit: $(cat "$T/err")"
grep -q ' 904 invalid answers' "$T/err" || fail "expected 5000 - 4096 = 904 invalid answers: $(cat "$T/err")"
mib=$(peak "$T/err")
[ -n "$mib" ] || fail "no peak memory in the summary: $(cat "$T/err")"
[ "$mib" -lt 300 ] || fail "peak memory $mib MiB, expected under 300"
# The full label set survives the checkpoint; a resumed run warns once more, and learns nothing new.
"$GEN" 10 300 >"$T/in2"
expect_status 0 timeout 240 "$CASCADE" -v --target 1 --cache 0 --expert-mode pipe --batch 100 -s "$T/state" \
	-e "$cmd" <"$T/in2" >"$T/out2" 2>"$T/err2"
check_lines 300 "$T/out2"
check_columns "$T/out2"
[ "$(grep -c 'label limit' "$T/err2")" -eq 1 ] || fail "resumed run: not one label limit warning: $(cat "$T/err2")"
grep -q ' 300 invalid answers' "$T/err2" || fail "resumed run: expected 300 invalid answers: $(cat "$T/err2")"
mib=$(peak "$T/err2")
[ "$mib" -lt 300 ] || fail "resumed run: peak memory $mib MiB, expected under 300"
# -q silences the warning.
expect_status 0 timeout 240 "$CASCADE" -q --target 1 --cache 0 --expert-mode pipe --batch 100 -s "$T/state" \
	-e "$cmd" <"$T/in2" >"$T/out3" 2>"$T/err3"
[ ! -s "$T/err3" ] || fail "-q: messages on stderr: $(cat "$T/err3")"
check_lines 300 "$T/out3"
