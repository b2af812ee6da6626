#!/bin/sh
# merge joins shards by label name, whatever order their labels came in.
. "${0%/*}/../setup"
"$GEN" 121 600 >"$T/a"
"$GEN" 122 600 >"$T/b"
"$GEN" 123 400 >"$T/test"
rule_labels "$T/test" >"$T/truth"
# Shard a meets "negative" first, shard b "positive" first (open sets);
# b2 learns what b learns, with a's order.
printf 'bad\n' | cat - "$T/a" >"$T/a1"
printf 'good\n' | cat - "$T/b" >"$T/b1"
expect_status 0 "$CASCADE" -q -s "$T/sa" --target 0.99 -e "$X/rule" <"$T/a1" >/dev/null
expect_status 0 "$CASCADE" -q -s "$T/sb" --target 0.99 -e "$X/rule" <"$T/b1" >/dev/null
expect_status 0 "$CASCADE" -q -s "$T/sb2" -l negative,positive --target 0.99 -e "$X/rule" <"$T/b1" >/dev/null
"$CASCADE" info --json "$T/sa" | grep -q '"labels":\["negative","positive"\]' || fail "shard a's order"
"$CASCADE" info --json "$T/sb" | grep -q '"labels":\["positive","negative"\]' || fail "shard b's order"
expect_status 0 "$CASCADE" merge -o "$T/m" "$T/sa" "$T/sb"
expect_status 0 "$CASCADE" merge -o "$T/m2" "$T/sa" "$T/sb2"
"$CASCADE" info "$T/m" | grep -qx 'labels (open): negative,positive' || fail "merged labels: $("$CASCADE" info "$T/m")"
# answers MODEL OUT: the merged model's labels of the test items.
answers() {
	expect_status 0 "$CASCADE" -q -i "$1" --cache 0 <"$T/test" | cut -f 1 >"$2"
}
answers "$T/m" "$T/out"
answers "$T/m2" "$T/out2"
# right FILE: how many of FILE's labels the rule gives.
right() { paste "$1" "$T/truth" | awk -F '\t' '$1 == $2 { n++ } END { print n + 0 }'; }
same=$(paste "$T/out" "$T/out2" | awk -F '\t' '$1 == $2 { n++ } END { print n + 0 }')
[ "$same" -ge 390 ] || fail "merged by name and merged in one order differ on $((400 - same)) of 400 items"
[ "$(right "$T/out")" -ge 360 ] || fail "merged model right on only $(right "$T/out") of 400"
answers "$T/sa" "$T/outa"
[ "$(right "$T/out")" -ge "$(right "$T/outa")" ] || fail "merged model worse than shard a: $(right "$T/out") < $(right "$T/outa")"
