#!/bin/sh
# A corrupt, truncated, empty or foreign checkpoint is refused: exit 1, file untouched.
. "${0%/*}/../setup"
"$GEN" 41 200 >"$T/in"
expect_status 0 "$CASCADE" -s "$T/good" -e "$X/rule" <"$T/in" >/dev/null
size=$(wc -c <"$T/good")
[ "$size" -gt 16 ] || fail "checkpoint too small: $size bytes"
head -c $((size / 2)) "$T/good" >"$T/truncated"
head -c $((size - 1)) "$T/good" >"$T/short1"
: >"$T/empty"
# corrupt NAME OFFSET: a copy of the good checkpoint with 4 bytes overwritten at OFFSET.
corrupt() {
	cp "$T/good" "$T/$1"
	printf '\377\000\125\252' | dd of="$T/$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
	cmp -s "$T/good" "$T/$1" || return 0
	printf '\000\377\252\125' | dd of="$T/$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
corrupt corrupt_head 0
corrupt corrupt_mid $((size / 2))
corrupt corrupt_tail $((size - 4))
echo 'hello, I am a text file' >"$T/foreign_text"
"$GEN" 1 50 | gzip -c >"$T/foreign_gzip"
for f in truncated short1 empty corrupt_head corrupt_mid corrupt_tail foreign_text foreign_gzip; do
	cp "$T/$f" "$T/orig"
	expect_status 1 "$CASCADE" -s "$T/$f" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
	cmp -s "$T/$f" "$T/orig" || fail "$f: checkpoint modified"
	grep -q "$f" "$T/err" || fail "$f: message does not name the file: $(cat "$T/err")"
done
