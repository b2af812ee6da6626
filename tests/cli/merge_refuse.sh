#!/bin/sh
# cascade merge refuses checkpoints that learned something else (hash size,
# input mode), missing and corrupt files, and with -b states that
# did not start from the base: exit 1, a message naming the file, no output
# file (an existing one left as it was).  Usage errors: exit 2.
. "${0%/*}/../setup"
L=positive,negative
"$GEN" 61 300 >"$T/in"
expect_status 0 "$CASCADE" -l $L -s "$T/good" -e "$X/rule" <"$T/in" >"$T/out"
expect_status 0 "$CASCADE" -l $L -s "$T/good2" --seed 2 -e "$X/rule" <"$T/in" >"$T/out"
expect_status 0 "$CASCADE" -l $L --hash-bits 16 -s "$T/bits16" -e "$X/rule" <"$T/in" >"$T/out"
expect_status 0 "$CASCADE" -l $L --input features -s "$T/features" -e "$X/rule" <"$T/in" >"$T/out"
# corrupt: one byte in the middle flipped; truncated; not a checkpoint at all.
size=$(wc -c <"$T/good" | tr -d ' ')
mid=$((size / 2))
{
	head -c "$mid" "$T/good"
	tail -c +$((mid + 1)) "$T/good" | head -c 1 | tr '\000-\377' '\377\000-\376'
	tail -c +$((mid + 2)) "$T/good"
} >"$T/flipped"
[ "$(wc -c <"$T/flipped" | tr -d ' ')" -eq "$size" ] || fail "could not build the flipped file"
! cmp -s "$T/good" "$T/flipped" || fail "flipped file equals the original"
head -c "$mid" "$T/good" >"$T/truncated"
printf 'not a checkpoint\n' >"$T/text"
: >"$T/empty"

# refuse BAD FILE...: merge -o NEW FILE... exits 1 with a message naming BAD
# (an extended regular expression: when the first file is the odd one, the
# message may name either, since the first sets what the others must match)
# and creates no file; merge -o over an existing file leaves it unchanged.
refuse() {
	_bad=$1
	shift
	rm -f "$T/new"
	expect_status 1 "$CASCADE" merge -o "$T/new" "$@" >"$T/mout" 2>"$T/err"
	[ ! -e "$T/new" ] || fail "merge $*: output file created although refused"
	grep -E -q "/($_bad)'" "$T/err" || fail "merge $*: message does not name $_bad: $(cat "$T/err")"
	[ ! -s "$T/mout" ] || fail "merge $*: wrote to stdout"
	cp "$T/good2" "$T/old"
	expect_status 1 "$CASCADE" merge -o "$T/old" "$@" 2>/dev/null
	cmp -s "$T/old" "$T/good2" || fail "merge $*: refused, but the existing output file changed"
	[ "$(ls "$T" | grep -c '^old')" -eq 1 ] || fail "merge $*: stray files: $(ls "$T" | grep '^old')"
}
refuse bits16 "$T/good" "$T/bits16"
refuse 'bits16|good' "$T/bits16" "$T/good"
refuse features "$T/good" "$T/features"
refuse 'features|good' "$T/features" "$T/good"
refuse missing "$T/good" "$T/missing"
refuse missing "$T/missing" "$T/good"
refuse flipped "$T/good" "$T/flipped"
refuse flipped "$T/flipped" "$T/good"
refuse truncated "$T/good" "$T/truncated"
refuse text "$T/good" "$T/text"
refuse empty "$T/good" "$T/empty"
refuse missing "$T/good" "$T/good2" "$T/missing"

# With -b BASE, a state that did not learn on from BASE (fewer answers) is
# refused, and so is a missing base; states that did, merge.
"$GEN" 62 40 >"$T/few"
expect_status 0 "$CASCADE" -l $L -s "$T/small" -e "$X/rule" <"$T/few" >"$T/out"
cp "$T/good" "$T/day2a"
cp "$T/good" "$T/day2b"
expect_status 0 "$CASCADE" -l $L -s "$T/day2a" -e "$X/rule" <"$T/few" >"$T/out"
expect_status 0 "$CASCADE" -l $L -s "$T/day2b" --seed 2 -e "$X/rule" <"$T/in" >"$T/out"
rm -f "$T/new"
expect_status 1 "$CASCADE" merge -b "$T/good" -o "$T/new" "$T/day2a" "$T/small" 2>"$T/err"
grep -q "/small'.*did not start from the base" "$T/err" || fail "merge -b: no message naming small: $(cat "$T/err")"
[ ! -e "$T/new" ] || fail "merge -b: output file created although refused"
expect_status 1 "$CASCADE" merge -b "$T/missing" -o "$T/new" "$T/day2a" 2>"$T/err"
grep -q "/missing'" "$T/err" || fail "merge -b: no message naming the missing base: $(cat "$T/err")"
expect_status 0 "$CASCADE" merge --base "$T/good" -o "$T/new" "$T/day2a" "$T/day2b"
[ -s "$T/new" ] || fail "merge -b: no merged checkpoint"

# The good ones still merge.
expect_status 0 "$CASCADE" merge -o "$T/new" "$T/good" "$T/good2"
[ -s "$T/new" ] || fail "no merged checkpoint"

# Usage errors: exit 2, usage on stderr, nothing written.
rm -f "$T/new"
expect_status 2 "$CASCADE" merge "$T/good" "$T/good2" >"$T/mout" 2>"$T/err"
grep -q usage "$T/err" || fail "no usage message without -o"
expect_status 2 "$CASCADE" merge -o "$T/new" >"$T/mout" 2>"$T/err"
grep -q usage "$T/err" || fail "no usage message without input"
[ ! -e "$T/new" ] || fail "output file created without input"
expect_status 2 "$CASCADE" merge >/dev/null 2>&1
expect_status 2 "$CASCADE" merge -x -o "$T/new" "$T/good" >/dev/null 2>&1
[ ! -e "$T/new" ] || fail "output file created on a usage error"
[ ! -s "$T/mout" ] || fail "usage error wrote to stdout"
