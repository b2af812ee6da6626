#!/bin/sh
# One run at a time per checkpoint: a second run or merge -o on a held checkpoint is refused at once (exit 1, naming the file and the holder) before it reads or calls the expert.
. "${0%/*}/../setup"
"$GEN" 3 50 >"$T/in"
"$CASCADE" -q --target 1 -s "$T/ck" -e "$X/rule" <"$T/in" >/dev/null
mkfifo "$T/fifo"
"$CASCADE" -q --target 1 -s "$T/ck" -e "$X/rule" <"$T/fifo" >"$T/out1" &
pid=$!
exec 3>"$T/fifo"
echo "good one" >&3
# The first run holds the checkpoint once it answers its first line.
i=0
while [ ! -s "$T/out1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/out1" ] || fail "the first run did not answer"
rm -f "$CALLS"
expect_status 1 timeout 10 "$CASCADE" -q --target 1 -s "$T/ck" -e "$X/rule" <"$T/in" >"$T/out2" 2>"$T/err"
[ ! -s "$T/out2" ] || fail "the second run wrote output"
[ "$(ncalls)" -eq 0 ] || fail "the second run called the expert $(ncalls) times"
grep -q "^cascade: cannot use checkpoint '$T/ck': in use by process $pid\$" "$T/err" ||
	fail "no message naming the file and the holder ($pid): $(cat "$T/err")"
# Through a link, and merge -o: the same.
ln -s ck "$T/link"
expect_status 1 timeout 10 "$CASCADE" -q -s "$T/link" <"$T/in" >/dev/null 2>"$T/err"
grep -q "in use by process $pid\$" "$T/err" || fail "through a link: $(cat "$T/err")"
cp "$T/ck" "$T/copy"
expect_status 1 timeout 10 "$CASCADE" merge -o "$T/ck" "$T/copy" "$T/copy" 2>"$T/err"
grep -q "^cascade: cannot use checkpoint '$T/ck': in use by process $pid\$" "$T/err" ||
	fail "merge -o: $(cat "$T/err")"
exec 3>&-
wait $pid || fail "the first run failed: exit $?"
# Released with the run: the next one may go.
expect_status 0 timeout 10 "$CASCADE" -q --target 1 -s "$T/ck" -e "$X/rule" <"$T/in" >/dev/null
# A new checkpoint is saved at the start: a run killed before its first
# save leaves one that the next run loads (not an empty file).
mkfifo "$T/fifo2"
"$CASCADE" -q -s "$T/new" <"$T/fifo2" >/dev/null &
pid=$!
exec 4>"$T/fifo2"
i=0
while [ ! -s "$T/new" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -KILL $pid
wait $pid || :
exec 4>&-
expect_status 0 timeout 10 "$CASCADE" -q -s "$T/new" <"$T/in" >/dev/null
