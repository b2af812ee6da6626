#!/bin/sh
# --batch 4 passes items with TABs, CRs and shell metacharacters whole, one per line; none is run.
. "${0%/*}/../setup"
tab=$(printf '\t') cr=$(printf '\r')
cat >"$T/in" <<END
plain item
a${tab}tab in the middle
${tab}leading and trailing tabs${tab}
carriage return at the end${cr}
carriage${cr}return inside
\$(touch $T/pwned1) \`touch $T/pwned2\`
'; touch $T/pwned3; ' "; touch $T/pwned4; "
| touch $T/pwned5 && touch $T/pwned6 & * ? [a] ~ \\ \\\\n %s %n
END
# What the answers should be: control bytes as spaces, trimmed.
tr '\t\r' '  ' <"$T/in" | sed 's/^ *//; s/ *$//' >"$T/want"
for j in 1 2; do
	for cmd in cat "$X/echoeach"; do
		expect_status 0 timeout 60 "$CASCADE" -q -j $j --batch 4 --target 1 -e "$cmd" <"$T/in" >"$T/out"
		set -- "$T"/pwned*
		[ ! -e "$1" ] || fail "an item was run by the shell: $*"
		check_lines 8 "$T/out"
		check_columns "$T/out"
		[ "$(count_source expert "$T/out")" -eq 8 ] || fail "-j $j -e $cmd: not all lines expert"
		cut -f 1 "$T/out" | cmp -s - "$T/want" ||
			fail "-j $j -e $cmd: answers differ from items: $(cut -f 1 "$T/out" | diff "$T/want" - | head -20)"
	done
done
