#!/bin/sh
# A 100 MB line between short ones: one output line each, the line intact, the expert gets all of it, memory under 1 GiB.
. "${0%/*}/../setup"
{
	echo "first good line"
	yes 'good movie bad plot' | head -c 100000000 | tr '\n' ' '
	echo
	echo "last bad line"
} >"$T/in"
[ "$(wc -c <"$T/in" | tr -d ' ')" -eq 100000031 ] || fail "input not generated"
# peak FILE: the peak memory in MiB from a -v summary, which must be under 1024.
peak() {
	_mib=$(awk '/MiB peak memory/ { for (i = 2; i <= NF; i++) if ($i == "MiB") print int($(i - 1)) }' "$1")
	[ -n "$_mib" ] || fail "no peak memory in the summary: $(cat "$1")"
	[ "$_mib" -lt 1024 ] || fail "$2: peak memory $_mib MiB, expected under 1 GiB"
}
# cols: check the first three columns of out (awk on a 100 MB field is too slow).
cols() {
	cut -f 1-3 "$T/out" >"$T/cols"
	check_columns "$T/cols"
}
# The cheap path only, printing the input back.
expect_status 0 timeout 60 "$CASCADE" -v -p --budget 0 <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
cols
cut -f 4- "$T/out" | cmp -s - "$T/in" || fail "--budget 0 -p: the input lines are not printed back intact"
peak "$T/err" "--budget 0"
# Every item to an expert that counts the bytes it reads, two at a time, with a checkpoint.
expect_status 0 timeout 60 "$CASCADE" -v -p -j 2 --target 1 -s "$T/state" -e 'wc -c' <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
cols
[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "16 expert|100000001 expert|14 expert|" ] ||
	fail "the expert did not get each item whole: $(cut -f 1-3 "$T/out" | tr '\n' '|')"
cut -f 4- "$T/out" | cmp -s - "$T/in" || fail "-j 2 -p: the input lines are not printed back intact"
peak "$T/err" "-j 2 --target 1"
# What was learned from the long line is a checkpoint that loads.
st=0
timeout 60 "$CASCADE" --budget 0 -s "$T/state" </dev/null >/dev/null 2>"$T/err" || st=$?
[ "$st" -eq 0 ] || fail "the checkpoint saved after learning the 100 MB line does not load (exit $st): $(cat "$T/err")"
# An expert that echoes the item: the 100 MB answer is cut (at most 64 KiB are read), the run goes on.
expect_status 0 timeout 60 "$CASCADE" -v -j 2 -e cat <"$T/in" >"$T/out" 2>"$T/err"
check_lines 3 "$T/out"
check_columns "$T/out"
awk -F '\t' 'NR == 2 && (length($1) > 65536 || $1 !~ /^good movie bad plot/) { exit 1 }' "$T/out" ||
	fail "-e cat: bad answer for the long line: $(sed -n 2p "$T/out" | cut -c 1-80)"
[ "$(sed -n '1p;3p' "$T/out" | cut -f 1 | tr '\n' '|')" = "first good line|last bad line|" ] ||
	fail "-e cat: the short lines have lost their answers: $(cut -c 1-80 "$T/out")"
peak "$T/err" "-e cat"
# One 100 MB word, through --budget 0 with the state from above.
{ echo a; head -c 100000000 /dev/zero | tr '\0' x; echo; } >"$T/in"
expect_status 0 timeout 60 "$CASCADE" -v -p --budget 0 -s "$T/state" <"$T/in" >"$T/out" 2>"$T/err"
check_lines 2 "$T/out"
cols
cut -f 4- "$T/out" | cmp -s - "$T/in" || fail "one word: the input lines are not printed back intact"
peak "$T/err" "one 100 MB word"
