#!/bin/sh
# --vectors: words the expert never labelled are answered by their vectors;
# the checkpoint keeps the vectors' identity (refused without them or with
# others, merged only with the same); the binary cache is made beside the
# file and made again when it changes; bad files are refused.
. "${0%/*}/../setup"
# Two senses in dimension 1, the nouns apart in the others.
cat >"$T/v.vec" <<'EOF'
14 4
good 1 0.1 0 0
fine 0.9 0 0.1 0
great 1 0 0 0.1
superb 0.9 0.1 0.1 0
lovely 1 0.1 0.1 0
bad -1 0.1 0 0
poor -0.9 0 0.1 0
awful -1 0 0 0.1
terrible -0.9 0.1 0.1 0
dreadful -1 0.1 0.1 0
movie 0 1 0 0
film 0 0 1 0
plot 0 0 0 1
actor 0 0.7 0.7 0
EOF
# Learned from good, fine, bad and poor only; every noun with both labels.
for i in 1 2 3 4 5; do
	for n in movie film plot actor; do
		printf 'good %s\tpositive\nbad %s\tnegative\n' "$n" "$n"
		printf 'fine %s\tpositive\npoor %s\tnegative\n' "$n" "$n"
	done
done >"$T/learn"
printf '%s\n' 'great film' 'awful movie' 'superb plot' 'terrible actor' \
    'lovely movie' 'dreadful plot' >"$T/new"
want='positive negative positive negative positive negative'
labels() { cut -f1 "$1" | tr '\n' ' ' | sed 's/ $//'; }
expect_status 0 "$CASCADE" -q --vectors "$T/v.vec" -f 1 --expert-field 2 \
    --target 1 --cache 0 -s "$T/with" <"$T/learn" >"$T/out"
expect_status 0 "$CASCADE" -q -f 1 --expert-field 2 --target 1 --cache 0 \
    -s "$T/without" <"$T/learn" >"$T/out"
expect_status 0 "$CASCADE" -q --vectors "$T/v.vec" -i "$T/with" <"$T/new" >"$T/out"
[ "$(labels "$T/out")" = "$want" ] || fail "with vectors: $(labels "$T/out")"
# Without them the new words say nothing: not every line can be right.
expect_status 0 "$CASCADE" -q -i "$T/without" <"$T/new" >"$T/out"
[ "$(labels "$T/out")" != "$want" ] || fail "right without vectors"
[ -s "$T/v.vec.cache" ] || fail "no cache beside the vectors"

# info names them.
expect_status 0 "$CASCADE" info "$T/with" >"$T/info"
grep -Eq '^word vectors: 14 words of 4 dimensions, checksum [0-9a-f]{16}; 80 items counted$' "$T/info" ||
    fail "info: $(cat "$T/info")"
if command -v jq >/dev/null 2>&1; then
	expect_status 0 "$CASCADE" info --json "$T/with" >"$T/json"
	[ "$(jq -c '[.vectors.dim, .vectors.words, .vectors.items]' "$T/json")" = '[4,14,80]' ] ||
	    fail "json: $(cat "$T/json")"
	expect_status 0 "$CASCADE" info --json "$T/without" >"$T/json"
	[ "$(jq -c .vectors "$T/json")" = null ] || fail "json without: $(cat "$T/json")"
fi

# The checkpoint refuses to run without its vectors, or with others.
expect_status 1 "$CASCADE" -q -i "$T/with" <"$T/new" >"$T/out" 2>"$T/err"
grep -q "learned with word vectors: give them with --vectors" "$T/err" || fail "without: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "output without the vectors"
sed 's/^great 1 0 0 0.1$/great 1 0 0 0.2/' "$T/v.vec" >"$T/w.vec"
cp "$T/with" "$T/with.before"
expect_status 1 "$CASCADE" -q --vectors "$T/w.vec" -s "$T/with" <"$T/new" >"$T/out" 2>"$T/err"
grep -q "learned with other word vectors" "$T/err" || fail "other vectors: $(cat "$T/err")"
cmp -s "$T/with" "$T/with.before" || fail "checkpoint changed by a refused run"
# A checkpoint learned without takes them up.
cp "$T/without" "$T/upgraded"
expect_status 0 "$CASCADE" -q --vectors "$T/v.vec" -f 1 --expert-field 2 -s "$T/upgraded" <"$T/learn" >"$T/out"
expect_status 0 "$CASCADE" info "$T/upgraded" >"$T/info"
grep -q '^word vectors: 14 words' "$T/info" || fail "not taken up: $(cat "$T/info")"

# Merged with the same vectors; refused with none.
cp "$T/with" "$T/shard"
expect_status 0 "$CASCADE" -q --vectors "$T/v.vec" -f 1 --expert-field 2 --cache 0 -s "$T/shard" <"$T/learn" >"$T/out"
expect_status 0 "$CASCADE" merge -b "$T/with" -o "$T/merged" "$T/with" "$T/shard"
expect_status 0 "$CASCADE" info "$T/merged" >"$T/info"
grep -q '^word vectors: .*; 160 items counted$' "$T/info" || fail "merged: $(cat "$T/info")"
expect_status 1 "$CASCADE" merge -o "$T/mixed" "$T/with" "$T/without" 2>"$T/err"
grep -q "learned with word vectors, the other without" "$T/err" || fail "merge with none: $(cat "$T/err")"
[ ! -e "$T/mixed" ] || fail "a refused merge wrote its output"

# A changed file makes its cache again; the cache alone answers for it.
before=$(cksum <"$T/v.vec.cache")
echo 'bland 0.1 0.1 0.1 0.1' >>"$T/v.vec"
expect_status 1 "$CASCADE" -q --vectors "$T/v.vec" -i "$T/with" <"$T/new" >"$T/out" 2>"$T/err"
grep -q "learned with other word vectors" "$T/err" || fail "grown file: $(cat "$T/err")"
[ "$(cksum <"$T/v.vec.cache")" != "$before" ] || fail "cache not made again"

# A cache that cannot be written: a warning, and the run goes on.
cp "$T/v.vec" "$T/ro.vec"
mkdir "$T/ro.vec.cache"
expect_status 0 "$CASCADE" --vectors "$T/ro.vec" <"$T/new" >"$T/out" 2>"$T/err"
check_lines 6 "$T/out"
grep -q "cannot write '.*ro.vec.cache': .*: the next run reads the vectors' text again" "$T/err" ||
    fail "no warning of the cache: $(cat "$T/err")"

# Bad files: exit 1 and why; --input features: a usage error.
printf 'a 1 1\nb 1 1.01\nc 2 2\n' >"$T/collapsed.vec"
expect_status 1 "$CASCADE" --vectors "$T/collapsed.vec" <"$T/new" >"$T/out" 2>"$T/err"
grep -q "collapsed vectors (mean cosine of word pairs 1.00)" "$T/err" || fail "collapsed: $(cat "$T/err")"
[ ! -e "$T/collapsed.vec.cache" ] || fail "refused vectors cached"
printf 'a 1 2\nb 1 x\n' >"$T/bad.vec"
expect_status 1 "$CASCADE" --vectors "$T/bad.vec" <"$T/new" >"$T/out" 2>"$T/err"
grep -q "bad.vec' line 2: 'x' is not a value" "$T/err" || fail "bad: $(cat "$T/err")"
expect_status 1 "$CASCADE" --vectors "$T/none.vec" <"$T/new" >"$T/out" 2>"$T/err"
grep -q "cannot open" "$T/err" || fail "missing: $(cat "$T/err")"
expect_status 2 "$CASCADE" --vectors "$T/v.vec" --input features <"$T/new" >"$T/out" 2>"$T/err"
grep -q -- "--vectors and --input features" "$T/err" || fail "features: $(cat "$T/err")"
