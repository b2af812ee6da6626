#!/bin/sh
# When the system refuses descriptors to start an expert (EMFILE), the call is retried like a failed one and no more jobs run at once than the processes that started: every item still answered.
. "${0%/*}/../setup"
seq 1 40 | sed 's/^/item /' >"$T/in"
# Descriptors 0 to 9 (this case holds 9): room for two experts' pipes.
for mode in pipe each; do
	st=0
	(ulimit -n 10 && exec timeout 60 "$CASCADE" -q -j 8 --retries 3 --expert-mode $mode --target 1 -e cat) \
	    <"$T/in" >"$T/out" 2>"$T/err" || st=$?
	[ "$st" -eq 0 ] || fail "$mode: exit $st: $(head -3 "$T/err")"
	check_lines 40 "$T/out"
	[ "$(count_source expert "$T/out")" -eq 40 ] || fail "$mode: $(count_source fallback "$T/out") lines fallback"
	cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "$mode: answers not each item's own, in order"
done
