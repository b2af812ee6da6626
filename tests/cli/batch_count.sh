#!/bin/sh
# --batch 4: an expert giving one line too few or too many fails that whole batch, never shifts answers.
. "${0%/*}/../setup"
seq 1 12 | sed 's/^/item /; 6s/$/ drop/; 11s/$/ more/' >"$T/in"
# check_own WHAT RE: every expert answer is its own item back; a batch with an
# item matching RE is fallback whole, every other line is the expert's.
check_own() {
	paste "$T/out" "$T/in" | awk -F '\t' -v what="$1" -v re="$2" '
	{ b = int((NR - 1) / 4); line[NR] = $0; src[NR] = $2; lab[NR] = $1; item[NR] = $4
	  if ($4 ~ re) bad[b] = 1 }
	END {
		for (i = 1; i <= NR; i++) {
			b = int((i - 1) / 4)
			if (src[i] == "expert" && lab[i] != item[i]) {
				printf "%s: line %d (%s) got the answer \"%s\"\n", what, i, item[i], lab[i]; exit 1 }
			if (bad[b] && src[i] != "fallback") {
				printf "%s: line %d of a miscounted batch is %s\n", what, i, src[i]; exit 1 }
			if (!bad[b] && src[i] != "expert") {
				printf "%s: line %d of a good batch is %s\n", what, i, src[i]; exit 1 }
		}
	}' >&9 || fail "$1: wrong answers"
}
# One line fewer, one line more (at the end, or as an extra line in the middle).
for t in "drop:sed '/drop/d'" "more:sed '/more/p'" "more:awk '{ print } /more/ { print \"x\" }'" \
    "drop|more:sed '/drop/d; /more/p'"; do
	re=${t%%:*} cmd=${t#*:}
	for j in 1 3; do
		expect_status 3 timeout 60 "$CASCADE" -q -j $j --batch 4 --target 1 -e "$cmd" <"$T/in" >"$T/out"
		check_lines 12 "$T/out"
		check_columns "$T/out"
		check_own "-j $j -e $cmd" "$re"
	done
done
# Always one line short, or one too many: every line fallback.
for cmd in "sed '\$d'" "cat; echo extra" "sed 1d"; do
	expect_status 3 timeout 60 "$CASCADE" -q --batch 4 --target 1 -e "$cmd" <"$T/in" >"$T/out"
	check_lines 12 "$T/out"
	[ "$(count_source fallback "$T/out")" -eq 12 ] || fail "-e $cmd: not all lines fallback"
done
