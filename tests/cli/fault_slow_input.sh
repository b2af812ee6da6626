#!/bin/sh
# With input that pauses, each answered line is written before more input comes: with an expert (-j 4), and without one, whose output is written in blocks and when the input stalls.
. "${0%/*}/../setup"
mkfifo "$T/fifo"
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2>/dev/null || true; rm -rf "$T"' EXIT
for how in expert none; do
	: >"$T/out"
	if [ $how = expert ]; then
		"$CASCADE" -q -j 4 --target 1 -e 'echo positive' <"$T/fifo" >"$T/out" 2>"$T/err" &
	else
		"$CASCADE" -q -l positive,negative <"$T/fifo" >"$T/out" 2>"$T/err" &
	fi
	pid=$!
	exec 3>"$T/fifo"
	seq 1 20 >&3
	i=0
	while [ "$(wc -l <"$T/out")" -lt 20 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	n=$(wc -l <"$T/out")
	exec 3>&-
	st=0
	wait $pid || st=$?
	pid=
	[ "$n" -eq 20 ] || fail "$how: only $n of 20 answered lines written after 5 s while the input stayed open"
	[ "$st" -eq 0 ] || fail "$how: exit $st"
	check_lines 20 "$T/out"
done
