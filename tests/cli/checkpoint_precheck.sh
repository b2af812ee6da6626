#!/bin/sh
# A checkpoint that could not be saved (no directory, read-only, not a regular file, a FIFO, a model too big to load again) is refused at start: exit 1 and the path, no expert call.
. "${0%/*}/../setup"
printf 'good one\nbad two\n' >"$T/in"
# refused PATH MESSAGE [OPTION...]: the run is refused with MESSAGE.
refused() {
	_p=$1 _m=$2
	shift 2
	rm -f "$CALLS"
	expect_status 1 timeout 10 "$CASCADE" -q --target 1 -s "$_p" "$@" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
	[ ! -s "$T/out" ] || fail "$_p: output written"
	[ "$(ncalls)" -eq 0 ] || fail "$_p: the expert was called $(ncalls) times"
	grep -q "^cascade: cannot use checkpoint '$_p': $_m" "$T/err" ||
		fail "$_p: want \"$_m\", got: $(cat "$T/err")"
}
refused "$T/no/such/dir/ck" "no such directory"
refused "$T" "not a regular file"
mkfifo "$T/fifo"
refused "$T/fifo" "not a regular file"
ln -s fifo "$T/link"
refused "$T/link" "not a regular file"
# nb and lr with 2^28 slots each: 4 GiB of payload, more than a
# checkpoint may hold (state_read refuses it).
refused "$T/big" "a model this size could not be saved" -m nb -m lr --hash-bits 28
[ ! -e "$T/big" ] || fail "a refused new checkpoint was left behind"
# Read-only: a directory, and a file (as an unprivileged user).
mkdir "$T/ro"
cp "$T/in" "$T/ro/x"
chmod 555 "$T/ro"
as= bin=$CASCADE
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 || exit 0
	as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$T"
	cp "$CASCADE" "$T/cascade"
	bin=$T/cascade
	$as test -x "$bin" || exit 0
fi
expect_status 1 timeout 10 $as "$bin" -q --target 1 -s "$T/ro/ck" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
grep -q "^cascade: cannot use checkpoint '$T/ro/ck': cannot open for writing: Permission denied" "$T/err" ||
	fail "read-only directory: $(cat "$T/err")"
chmod 755 "$T/ro"
: >"$T/ro/ck2"
chmod 444 "$T/ro/ck2"
expect_status 1 timeout 10 $as "$bin" -q --target 1 -s "$T/ro/ck2" -e "$X/rule" <"$T/in" >"$T/out" 2>"$T/err"
grep -q "^cascade: cannot use checkpoint '$T/ro/ck2': cannot open for writing: Permission denied" "$T/err" ||
	fail "read-only file: $(cat "$T/err")"
