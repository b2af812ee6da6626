#!/bin/sh
# Answer buffers grow as answers come: -j 4 --batch 1024 runs in little memory (not 4 x 1024 x 64 KiB reserved up front).
. "${0%/*}/../setup"
"$GEN" 11 4096 >"$T/in"
rule_labels "$T/in" >"$T/want"
# Sanitizers reserve more address space than any such limit.
(ulimit -v 150000 && "$CASCADE" --version) >/dev/null 2>&1 || exit 77
st=0
(ulimit -v 150000 && exec timeout 60 "$CASCADE" -q -j 4 --batch 1024 --window 5000 --target 1 -e "sleep 0.5; exec $X/ruleeach") \
    <"$T/in" >"$T/out" 2>"$T/err" || st=$?
[ "$st" -eq 0 ] || fail "exit $st: $(head -3 "$T/err")"
check_lines 4096 "$T/out"
[ "$(count_source expert "$T/out")" -eq 4096 ] || fail "$(count_source fallback "$T/out") lines fallback"
cut -f 1 "$T/out" | cmp -s - "$T/want" || fail "answers not each item's own, in order"
