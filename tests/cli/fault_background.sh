#!/bin/sh
# A background child that holds the expert's pipe does not hold the call: answered promptly, child killed.
. "${0%/*}/../setup"
printf 'one\ntwo good\nthree\n' >"$T/in"
# leftovers ARGS: pids of processes whose command line is exactly ARGS.
leftovers() {
	ps -eo pid=,args= | awk -v a="$1" '{ p = $1; sub(/^ *[0-9]+ +/, "") } $0 == a { print p }'
}
# Durations unique to this run, so that a concurrent run's sleeps are not ours.
u=$$
for cmd in "(sleep 31.${u}1 &) ; echo positive" "sleep 31.${u}2 & echo positive" \
    "sleep 31.${u}3 >/dev/null 2>&1 <&- & echo positive"; do
	s=$(printf '%s\n' "$cmd" | sed 's/.*\(sleep [0-9.]*\).*/\1/')
	start=$(date +%s)
	expect_status 0 timeout 60 "$CASCADE" -q -j 2 --target 1 -e "$cmd" <"$T/in" >"$T/out"
	end=$(date +%s)
	check_lines 3 "$T/out"
	[ "$(cut -f 1,2 "$T/out" | tr '\t\n' ' |')" = "positive expert|positive expert|positive expert|" ] ||
		fail "-e '$cmd': $(cut -f 1,2 "$T/out" | tr '\t\n' ' |')"
	[ $((end - start)) -lt 10 ] || fail "-e '$cmd': took $((end - start)) s"
	# A killed process may take a moment to go.
	n=0
	while left=$(leftovers "$s") && [ -n "$left" ] && [ $n -lt 10 ]; do
		n=$((n + 1))
		sleep 0.2
	done
	if [ -n "$left" ]; then
		# shellcheck disable=SC2086
		kill $left 2>/dev/null || true
		fail "-e '$cmd': '$s' left running: $(echo "$left" | tr '\n' ' ')"
	fi
done
