#!/bin/sh
# --input features: name[:value] tokens are learned; odd tokens never break a line.
. "${0%/*}/../setup"
"$GEN" 51 1000 | awk '{ s = ""; for (i = 1; i <= NF; i++) s = s " " $i ":" (i % 3 + 1); print s }' >"$T/in"
printf 'a:b:c good\n:\n::\nx:nan y:inf z:1e999 w:-1e999\nv:\nplain\n\n' >>"$T/in"
expect_status 0 "$CASCADE" --input features -e "$X/rule" <"$T/in" >"$T/out"
check_lines 1007 "$T/out"
check_columns "$T/out"
rule_labels "$T/in" | paste "$T/out" - | sed -n '501,1000p' >"$T/late"
lr=$(count_source lr "$T/late")
[ "$lr" -ge 250 ] || fail "only $lr of lines 501-1000 answered by lr"
ok=$(awk -F '\t' '$2 == "lr" && $1 == $4 { n++ } END { print n + 0 }' "$T/late")
[ "$ok" -ge $((lr * 95 / 100)) ] || fail "lr agrees with the rule on only $ok of $lr lines"
