#!/bin/sh
# SIGTERM, SIGINT or SIGHUP mid-stream with a slow expert: exit 143, 130, 129 in a few seconds, state saved and loadable, no expert left.
. "${0%/*}/../setup"
{ seq 1 10; seq 11 30 | sed 's/$/ slow good/'; } >"$T/in"
# Answers at once, but sleeps 5.37 s on items with "slow".
cmd='echo "hang $$" >>"$CALLS"; read -r x; case $x in *slow*) sleep 5.37 ;; esac; echo positive'
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2>/dev/null || true; rm -rf "$T"' EXIT
for sw in TERM:143 INT:130 HUP:129; do
	sig=${sw%:*} want=${sw#*:}
	: >"$T/out"
	: >"$CALLS"
	"$CASCADE" -q -j 2 -s "$T/state.$sig" --target 1 -e "$cmd" <"$T/in" >"$T/out" 2>"$T/err" &
	pid=$!
	i=0
	while [ "$(wc -l <"$T/out")" -lt 10 ]; do
		i=$((i + 1))
		[ $i -le 200 ] || fail "the 10 quick lines were not answered in 20 s"
		sleep 0.1
	done
	sleep 0.3
	kill -$sig $pid
	i=0
	while kill -0 $pid 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 50 ] || fail "still running 5 s after SIG$sig"
		sleep 0.1
	done
	st=0
	wait $pid || st=$?
	pid=
	[ "$st" -eq $want ] || fail "exit $st after SIG$sig, expected $want: $(cat "$T/err")"
	[ "$(head -n 10 "$T/out" | cut -f 1,2 | tr '\t\n' ' |')" = "$(printf 'positive expert|%.0s' 1 2 3 4 5 6 7 8 9 10)" ] ||
		fail "the 10 answered lines are not all there: $(cat "$T/out")"
	check_columns "$T/out"
	check_no_hang
	left=$(ps -eo pid=,args= | awk '{ p = $1; sub(/^ *[0-9]+ +/, "") } $0 == "sleep 5.37" { print p }')
	# shellcheck disable=SC2086
	[ -z "$left" ] || { kill $left 2>/dev/null || true; fail "expert children left running: $left"; }
	[ -s "$T/state.$sig" ] || fail "no state file written"
	set -- "$T"/state.$sig?*
	[ ! -e "$1" ] || fail "temporary files left: $*"
done
printf 'one good\n' >"$T/in2"
expect_status 0 timeout 60 "$CASCADE" -s "$T/state.INT" <"$T/in2" >"$T/out2"
check_lines 1 "$T/out2"
