#!/bin/sh
# SIGKILL at any moment, during a save too, leaves the old or a new checkpoint, never a broken one.
. "${0%/*}/../setup"
"$GEN" 7 3000 >"$T/in"
"$GEN" 8 20 >"$T/short"
expect_status 0 timeout 60 "$CASCADE" -q -s "$T/state" --hash-bits 22 -e "$X/rule" <"$T/in" >/dev/null
[ -s "$T/state" ] || fail "no checkpoint after the first run"
# Delays in ms from a random seed, printed on failure so that a run can be replayed.
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
delays() {
	awk -v seed="$seed" -v n="$1" -v max="$2" \
	    'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%d\n", rand() * max }'
}
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2>/dev/null || true; rm -rf "$T"' EXIT
kills=0
# one INPUT MS: run on INPUT, SIGKILL after MS ms, then the checkpoint must load.
one() {
	"$CASCADE" -q -s "$T/state" --hash-bits 22 -e "$X/rule" <"$1" >"$T/out" 2>"$T/err" &
	pid=$!
	sleep "$(awk -v ms="$2" 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -KILL $pid 2>/dev/null || true
	st=0
	{ wait $pid; } 2>/dev/null || st=$?
	pid=
	case $st in
	0) ;;
	137) kills=$((kills + 1)) ;;
	*) fail "exit $st (seed $seed, ${1##*/}, kill after $2 ms): $(cat "$T/err")" ;;
	esac
	[ -f "$T/state" ] || fail "no checkpoint after a kill at $2 ms (seed $seed, ${1##*/})"
	st=0
	timeout 60 "$CASCADE" --budget 0 -s "$T/state" </dev/null >/dev/null 2>"$T/err" || st=$?
	[ "$st" -eq 0 ] && [ ! -s "$T/err" ] ||
		fail "checkpoint does not load after a kill at $2 ms (exit $st, seed $seed, ${1##*/}): $(cat "$T/err")"
}
# span INPUT: the ms a run on INPUT takes, less a tenth, so that kills
# fall within runs however fast they become (at least 20; 500 where date
# cannot tell nanoseconds).  Whether the run worked, one() tells.
span() {
	t0=$(date +%s%N)
	"$CASCADE" -q -s "$T/state" --hash-bits 22 -e "$X/rule" <"$1" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	case $t0$t1 in
	*[!0-9]*) echo 500 ;;
	*) awk -v d="$(( (t1 - t0) / 1000000 ))" 'BEGIN { print d < 22 ? 20 : int(d * 0.9) }' ;;
	esac
}
# Kills anywhere in a run: mostly while it reads and learns, some in its final save.
for ms in $(delays 14 "$(span "$T/in")"); do
	one "$T/in" "$ms"
done
# Short input: most of the run is loading and saving the 2^22-weight state.
seed=$((seed + 1))
for ms in $(delays 14 "$(span "$T/short")"); do
	one "$T/short" "$ms"
done
# After SIGKILL a temporary file named state.XXXXXX (mkstemp) may remain, at
# most one per kill; nothing else may appear, and the state is never one of them.
n=0
for f in "$T"/*; do
	case ${f##*/} in
	in | short | out | err | calls | state) ;;
	state.??????) n=$((n + 1)) ;;
	*) fail "stray file: ${f##*/}" ;;
	esac
done
[ "$n" -le "$kills" ] || fail "$n temporary files left after $kills kills"
[ "$kills" -ge 8 ] || fail "only $kills of 28 runs were killed: the case tests too little"
# The state still resumes a normal run.
expect_status 0 timeout 60 "$CASCADE" -s "$T/state" --hash-bits 22 -e "$X/rule" <"$T/short" >"$T/out"
check_lines 20 "$T/out"
check_columns "$T/out"
