#!/bin/sh
# A checkpoint made with other labels, hash size, input mode or format version is refused, named, and left as it was.
. "${0%/*}/../setup"
"$GEN" 11 200 >"$T/in"
expect_status 0 timeout 60 "$CASCADE" -q -s "$T/ab" -l positive,negative -e "$X/rule" <"$T/in" >/dev/null
expect_status 0 timeout 60 "$CASCADE" -q -s "$T/h20" --hash-bits 20 -e "$X/rule" <"$T/in" >/dev/null
expect_status 0 timeout 60 "$CASCADE" -q -s "$T/text" -e "$X/rule" <"$T/in" >/dev/null
cp "$T/text" "$T/version"
# The format version is the little-endian u32 after the 8-byte magic: bump its low byte.
b=$(od -An -tu1 -j 8 -N 1 "$T/version" | tr -d ' ')
printf "\\$(printf '%03o' $(((b + 1) % 256)))" | dd of="$T/version" bs=1 seek=8 conv=notrunc 2>/dev/null
cmp -s "$T/text" "$T/version" && fail "could not patch the version byte"
# refused FILE WORDS OPTIONS...: the run on FILE exits 1 with a message naming the
# file and matching the extended regular expression WORDS, and FILE is unchanged.
refused() {
	_f=$1 _re=$2
	shift 2
	cp "$T/$_f" "$T/orig"
	expect_status 1 timeout 60 "$CASCADE" -s "$T/$_f" -e "$X/rule" "$@" <"$T/in" >"$T/out" 2>"$T/err"
	cmp -s "$T/$_f" "$T/orig" || fail "$_f $*: the checkpoint was modified"
	grep -q "$_f" "$T/err" || fail "$_f $*: the message does not name the file: $(cat "$T/err")"
	grep -Eqi "$_re" "$T/err" || fail "$_f $*: the message does not say why (/$_re/): $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$_f $*: output written although the checkpoint was refused"
	set -- "$T/$_f".??????
	[ ! -e "$1" ] || fail "$_f: temporary files left: $*"
}
refused ab 'checkpoint has labels positive,negative; -l gave positive$' -l positive
refused ab 'labels positive,negative; -l gave negative,neutral$' -l negative,neutral
refused h20 'checkpoint has --hash-bits 20; --hash-bits gave 16$' --hash-bits 16
refused h20 'hash' --hash-bits 22
refused text 'checkpoint has --input text; --input gave features$' --input features
refused version 'version'
refused version 'version' -l positive,negative
# The right options still load each of them.
expect_status 0 timeout 60 "$CASCADE" -s "$T/ab" -l positive,negative --budget 0 <"$T/in" >"$T/out"
check_lines 200 "$T/out"
expect_status 0 timeout 60 "$CASCADE" -s "$T/h20" --hash-bits 20 --budget 0 <"$T/in" >"$T/out"
check_lines 200 "$T/out"
expect_status 0 timeout 60 "$CASCADE" -s "$T/text" --input text --budget 0 <"$T/in" >"$T/out"
check_lines 200 "$T/out"
