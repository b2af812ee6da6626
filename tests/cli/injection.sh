#!/bin/sh
# Shell metacharacters in items are data for the expert's stdin, never run.
. "${0%/*}/../setup"
cat >"$T/in" <<END
\$(touch $T/pwned1)
\`touch $T/pwned2\`
; touch $T/pwned3
' ; touch $T/pwned4 ; '
" ; touch $T/pwned5 ; "
| touch $T/pwned6
&& touch $T/pwned7 \$HOME *
END
# run ARGS...: run cascade on the items; nothing may have been run.
run() {
	st=0
	"$CASCADE" "$@" <"$T/in" >"$T/out" || st=$?
	set -- "$T"/pwned*
	[ ! -e "$1" ] || fail "an item was run by the shell: $*"
	[ "$st" -eq 0 ] || fail "exit $st"
	check_lines 7 "$T/out"
}
for opt in --target --print-input --expert-input=line; do
	[ "$opt" = --target ] || opt="$opt --target"
	# shellcheck disable=SC2086
	run $opt 1 -e cat
	cut -f 1 "$T/out" | cmp -s - "$T/in" || fail "item text changed on its way ($opt)"
	run $opt 1 -e "$X/rule"
	run $opt 1 -f 1 -d ';' -e "$X/rule"
done
