#!/bin/sh
# A checkpoint that cannot be written (parent a file, no directory, full disk, no room for the temporary name): exit 1, named, old file intact.
. "${0%/*}/../setup"
"$GEN" 12 100 >"$T/in"
tested=0
mnt=
imm=
trap '[ -z "$imm" ] || chattr -i "$imm" 2>/dev/null || true
[ -z "$mnt" ] || umount "$mnt" 2>/dev/null || true
rm -rf "$T"' EXIT
# refused PATH [OLD]: a run saving to PATH exits 1 naming it; OLD, a copy of the
# checkpoint at PATH before the run, must equal it after.
refused() {
	expect_status 1 timeout 60 "$CASCADE" -s "$1" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
	grep -qF "${1##*/}" "$T/err" || fail "$1: the message does not name the checkpoint: $(cat "$T/err")"
	# Refused at once, or after answering every line.
	[ ! -s "$T/out" ] || check_lines 100 "$T/out"
	[ -z "${2:-}" ] || cmp -s "$1" "$2" || fail "$1: the old checkpoint was changed"
	tested=$((tested + 1))
}
expect_status 0 timeout 60 "$CASCADE" -q -s "$T/good" -e "$X/rule" <"$T/in" >/dev/null
# The parent is a regular file; a directory that does not exist.
: >"$T/plain"
refused "$T/plain/model"
[ ! -s "$T/plain" ] || fail "the regular file in the path was written"
refused "$T/none/model"
[ ! -e "$T/none" ] || fail "a missing directory was created"
# No room for the temporary name: a 250-byte name is fine, name.XXXXXX is not.
long=$(printf '%250s' '' | tr ' ' m)
cp "$T/good" "$T/$long"
cp "$T/good" "$T/old"
refused "$T/$long" "$T/old"
# The directory is immutable (chattr +i stops root too), if this file system allows it.
mkdir "$T/imm"
cp "$T/good" "$T/imm/model"
if command -v chattr >/dev/null && chattr +i "$T/imm" 2>/dev/null; then
	imm=$T/imm
	refused "$T/imm/model" "$T/old"
	set -- "$T"/imm/model.??????
	[ ! -e "$1" ] || fail "temporary files left: $*"
	chattr -i "$T/imm"
	imm=
else
	echo "${0##*/}: note: chattr +i not possible here, immutable directory not tested" >&2
fi
# A file size limit (ulimit -f, SIGXFSZ ignored): writes fail with EFBIG like a full disk.
cp "$T/good" "$T/fsz"
(
	trap '' XFSZ
	ulimit -f 8 # 8 blocks of 512 bytes: the output fits, the checkpoint does not.
	exec timeout 60 "$CASCADE" -s "$T/fsz" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
) && st=0 || st=$?
[ "$st" -eq 1 ] || fail "file size limit: expected exit 1, got $st: $(cat "$T/err")"
grep -q fsz "$T/err" || fail "file size limit: the message does not name the checkpoint: $(cat "$T/err")"
cmp -s "$T/fsz" "$T/old" || fail "file size limit: the old checkpoint was changed"
set -- "$T"/fsz.??????
[ ! -e "$1" ] || fail "file size limit: temporary files left: $*"
tested=$((tested + 1))
# A full file system: a small tmpfs, filled up, if mount works here.
mkdir "$T/mnt"
if mount -t tmpfs -o size=1m tmpfs "$T/mnt" 2>/dev/null; then
	mnt=$T/mnt
	cp "$T/good" "$T/mnt/model"
	dd if=/dev/zero of="$T/mnt/fill" bs=4k 2>/dev/null || true
	refused "$T/mnt/model" "$T/old"
	set -- "$T"/mnt/model.??????
	[ ! -e "$1" ] || fail "full disk: temporary files left: $*"
	umount "$T/mnt"
	mnt=
else
	echo "${0##*/}: note: cannot mount a tmpfs here, full file system not tested" >&2
fi
[ "$tested" -gt 0 ] || exit 77
