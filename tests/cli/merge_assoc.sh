#!/bin/sh
# cascade merge is associative (up to float rounding): merge(merge(a,b),c) and
# merge(a,merge(b,c)) give the same labels on a fixed input, and confidences
# within 0.002; so is merging the three at once.
. "${0%/*}/../setup"
L=positive,negative
i=0
for s in 51 52 53; do
	i=$((i + 1))
	"$GEN" $s $((400 + 150 * i)) >"$T/in$i"
	expect_status 0 "$CASCADE" -l $L --seed $s -s "$T/s$i" -e "$X/rule" <"$T/in$i" >"$T/out"
done
"$GEN" 59 800 >"$T/fixed"
expect_status 0 "$CASCADE" merge -o "$T/ab" "$T/s1" "$T/s2"
expect_status 0 "$CASCADE" merge -o "$T/ab_c" "$T/ab" "$T/s3"
expect_status 0 "$CASCADE" merge -o "$T/bc" "$T/s2" "$T/s3"
expect_status 0 "$CASCADE" merge -o "$T/a_bc" "$T/s1" "$T/bc"
expect_status 0 "$CASCADE" merge -o "$T/abc" "$T/s1" "$T/s2" "$T/s3"
for m in ab_c a_bc abc; do
	expect_status 0 "$CASCADE" -l $L -s "$T/$m" --budget 0 <"$T/fixed" >"$T/o_$m"
	check_lines 800 "$T/o_$m"
	check_columns "$T/o_$m"
done
# same FILE1 FILE2: same labels and sources line by line, confidences within 0.002.
same() {
	paste "$T/$1" "$T/$2" | awk -F '\t' -v a="$1" -v b="$2" '
	{
		d = $3 - $6
		if (d < 0) d = -d
		if (NF != 6 || $1 != $4 || $2 != $5 || d > 0.002) {
			printf "line %d differs: %s: %s %s %s, %s: %s %s %s\n", NR,
			    a, $1, $2, $3, b, $4, $5, $6
			bad = 1
			exit
		}
	}
	END { exit bad }' >&9 || fail "$1 and $2 answer differently"
}
same o_ab_c o_a_bc
same o_ab_c o_abc
# The merge is not a copy of its first file.
expect_status 0 "$CASCADE" -l $L -s "$T/s1" --budget 0 <"$T/fixed" >"$T/o_s1"
! cmp -s "$T/o_s1" "$T/o_abc" || fail "merge of three states answers exactly like the first"
