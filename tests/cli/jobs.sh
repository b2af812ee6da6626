#!/bin/sh
# -j N runs expert calls in parallel but keeps the output in input order.
. "${0%/*}/../setup"
seq 1 16 >"$T/in"
start=$(date +%s)
expect_status 0 "$CASCADE" -j 16 --target 1 -e "sleep 0.5; cat" <"$T/in" >"$T/out"
end=$(date +%s)
cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "output not in input order"
[ $((end - start)) -le 5 ] || fail "16 calls of 0.5 s with -j 16 took $((end - start)) s"
# Answers that arrive out of order: later items answer sooner.
seq 1 12 >"$T/in"
expect_status 0 "$CASCADE" -j 4 --target 1 -e 'read x; sleep 0.$((9 - x % 10)); echo $x' <"$T/in" >"$T/out"
cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "-j 4: output not in input order"
