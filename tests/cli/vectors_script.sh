#!/bin/sh
# scripts/vectors trains vectors cascade takes: the words split as cascade
# splits them ("Sun" is "sun", "sky!" is "sky" and "!"), no "</s>", a header
# that counts them; -f takes a field; collapsed vectors (a text of no
# structure) exit 1; usage errors exit 2.  Skipped without fasttext.
. "${0%/*}/../setup"
command -v fasttext >/dev/null 2>&1 || { echo "fasttext not installed" >&9; exit 77; }
V=$TESTS/../scripts/vectors
# Some capitalised, each with a '!' at its end.
topics 3000 | awk -F'\t' '{
	t = $1 % 3 ? toupper(substr($2, 1, 1)) substr($2, 2) : $2
	print $1 "\t" t "!"
}' >"$T/text"
expect_status 0 sh "$V" -f 2 -d 10 -o "$T/t.vec" "$T/text" 2>"$T/err"
grep -q '^vectors: .*t.vec: 17 words, dim 10, 25 epochs' "$T/err" || fail "summary: $(cat "$T/err")"
[ "$(head -n 1 "$T/t.vec")" = '17 10' ] || fail "header: $(head -n 1 "$T/t.vec")"
check_lines 18 "$T/t.vec"
words=$(tail -n +2 "$T/t.vec" | cut -d ' ' -f 1 | sort | tr '\n' ' ')
[ "$words" = '! bus car cloud engine gear lane moon rain road sky snow star sun truck wheel wind ' ] ||
    fail "words: $words"
[ -s "$T/t.vec.cache" ] || fail "cascade did not read them"
# cascade learns with them.
cut -f 2 "$T/text" | head -n 200 | awk '{ print $0 "\t" (NR % 2 ? "roads" : "skies") }' >"$T/learn"
expect_status 0 "$CASCADE" -q --vectors "$T/t.vec" --expert-field 2 -f 1 -s "$T/model" <"$T/learn" >"$T/out"
check_lines 200 "$T/out"
# No structure, few epochs: collapsed, refused.
"$GEN" 7 3000 >"$T/flat"
expect_status 1 sh "$V" -d 10 -e 5 -o "$T/flat.vec" "$T/flat" 2>"$T/err"
grep -q 'collapsed vectors' "$T/err" || fail "collapsed: $(cat "$T/err")"
expect_status 2 sh "$V" -d 10 "$T/text" 2>"$T/err"
expect_status 2 sh "$V" -e 0 -o "$T/x.vec" "$T/text" 2>"$T/err"
expect_status 1 sh "$V" -o "$T/x.vec" "$T/nothing" 2>"$T/err"
[ ! -e "$T/x.vec" ] || fail "output of a failed run"
