#!/bin/sh
# 2000 expert calls (-j 8) leak no descriptors and leave no zombies in a long-running cascade.
. "${0%/*}/../setup"
[ -d /proc/self/fd ] || exit 77
mkfifo "$T/fifo"
"$CASCADE" -q -j 8 --target 1 -e 'echo positive' <"$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!
trap '[ -z "$pid" ] || kill -KILL $pid 2>/dev/null || true; rm -rf "$T"' EXIT
exec 3>"$T/fifo"
# settle N: wait (at most 40 s) until N lines are out, or cascade is idle:
# its output unchanged for 1 s and no child of its still running.
settle() {
	_i=0 _same=0 _last=-1
	while :; do
		_n=$(wc -l <"$T/out")
		[ "$_n" -lt "$1" ] || return 0
		kill -0 $pid 2>/dev/null || fail "cascade died at $_n of $1 lines"
		_run=$(ps --ppid $pid -o stat= | grep -vc Z || true)
		if [ "$_n" -eq "$_last" ] && [ "$_run" -eq 0 ]; then
			_same=$((_same + 1))
			[ "$_same" -lt 10 ] || return 0
		else
			_same=0
		fi
		_last=$_n
		_i=$((_i + 1))
		[ "$_i" -le 400 ] || fail "stuck at $_n of $1 lines"
		sleep 0.1
	done
}
# sample: descriptors held by cascade, its zombie children, lines out.
sample() {
	printf '%s %s %s\n' "$(ls /proc/$pid/fd | wc -l)" \
	    "$(ps --ppid $pid -o stat= | grep -c Z || true)" "$(wc -l <"$T/out")"
}
sleep 0.3
s0=$(sample)
seq 1 200 >&3
settle 200
s1=$(sample)
seq 201 1100 >&3
settle 1100
s2=$(sample)
seq 1101 2000 >&3
settle 2000
s3=$(sample)
exec 3>&-
st=0
wait $pid || st=$?
pid=
[ "$st" -eq 0 ] || fail "exit $st: $(cat "$T/err")"
check_lines 2000 "$T/out"
[ "$(count_source expert "$T/out")" -eq 2000 ] || fail "not all lines expert"
# shellcheck disable=SC2086
set -- $s0 $s1 $s2 $s3
# Leaked: more than the pipes of 8 calls.
[ "$4" -le $(($1 + 16)) ] && [ "$7" -le $(($1 + 16)) ] && [ "${10}" -le $(($1 + 16)) ] ||
	fail "descriptors leak: $1 at start, $4, $7, ${10} after 200, 1100, 2000 items"
# Idle, every answer in: nothing of a call is kept.
[ "$4 $7 ${10}" = "$1 $1 $1" ] && [ "$5$8${11}" = 000 ] ||
	fail "calls not reaped while waiting for input: descriptors $1 at start," \
	    "$4, $7, ${10}; zombies $5, $8, ${11}; lines out $6, $9, ${12}" \
	    "after 200, 1100, 2000 items"
