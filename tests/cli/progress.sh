#!/bin/sh
# On a terminal, a progress line counts items sent, is redrawn in place and wiped at the end; -q hides it.
. "${0%/*}/../setup"
command -v script >/dev/null 2>&1 || { echo "script(1) not installed" >&9; exit 77; }
"$GEN" 91 200 >"$T/in"
# tty CMD: CMD's standard error on a terminal, its output to $T/out; the
# terminal's bytes go to $T/tty.
tty() {
	script -qec "$1 <$(shq "$T/in") >$(shq "$T/out")" /dev/null >"$T/tty" </dev/null
}
tty "$(shq "$CASCADE") -e $X/rule"
check_lines 200 "$T/out"
tr '\r' '\n' <"$T/tty" | grep -Eq '^cascade: [0-9]+ items, [0-9]+ items/s, [0-9.]+% sent to the expert, agreement [0-9.]+, 0 failed *$' ||
    fail "no progress line: $(od -c "$T/tty" | head)"
# Wiped: after the last carriage return only blanks, then a carriage return.
last=$(tr -d '\n' <"$T/tty" | awk -F '\r' '{ print $(NF - 1) "|" $NF }')
case $last in
*[!\ ]*\|) fail "progress not wiped at the end: '$last'" ;;
\ *\|) ;;
*) fail "progress not wiped at the end: '$last'" ;;
esac
# The share is of items: it never passes 100%.
tr '\r' '\n' <"$T/tty" | awk '/sent to the expert/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/ && $i + 0 > 100) exit 1 }' ||
    fail "share over 100%"
tty "$(shq "$CASCADE") -q -e $X/rule"
[ ! -s "$T/tty" ] || fail "-q: $(od -c "$T/tty" | head)"
# When the output is the same terminal, no progress line mixes with it.
script -qec "$(shq "$CASCADE") -e $X/rule <$(shq "$T/in")" /dev/null >"$T/tty" </dev/null
grep -q 'items/s' "$T/tty" && fail "progress mixed with output on one terminal"
[ "$(tr -d '\r' <"$T/tty" | wc -l)" -eq 200 ] || fail "output on the terminal: $(wc -l <"$T/tty") lines"
