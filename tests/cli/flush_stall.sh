#!/bin/sh
# Without an expert, output is written when the input stalls, not only at its end.
. "${0%/*}/../setup"
mkfifo "$T/fifo"
: >"$T/out"
"$CASCADE" -q -l positive,negative <"$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!
trap '[ -z "$pid" ] || kill -KILL $pid 2>/dev/null || true; rm -rf "$T"' EXIT
exec 3>"$T/fifo"
printf 'a fine film\na dull film\nfine\n' >&3
i=0
while [ "$(wc -l <"$T/out")" -lt 3 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
n=$(wc -l <"$T/out")
exec 3>&-
st=0
wait $pid || st=$?
pid=
[ "$n" -eq 3 ] || fail "$n of 3 lines written after 5 s while the input stayed open"
[ "$st" -eq 0 ] || fail "exit $st"
check_lines 3 "$T/out"
