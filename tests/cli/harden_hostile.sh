#!/bin/sh
# Hostile bytes in items (shell syntax, control bytes, NUL, bad UTF-8, only TABs) reach the expert as data; columns stay intact.
. "${0%/*}/../setup"
mkdir "$T/x"
: >"$T/x/keep"
: >"$T/in"
: >"$T/f2"
# row A B: appends the line A TAB B to in, and B (its field 2) to f2; A and B are printf formats.
row() {
	printf "$1\\t$2\\n" >>"$T/in"
	printf "$2\\n" >>"$T/f2"
}
row "\$(touch $T/pwned1)" "\$(touch $T/pwned2)"
row "\`touch $T/pwned3\`" "\`touch $T/pwned4\`"
row "; rm -rf $T/x" "; rm -rf $T/x; touch $T/pwned5 &"
row "'\"\\\\' \\\\\" %%s" "\"'\$HOME' \\\\\\\\ > $T/pwned6"
row 'ctl\001\002\003\004\005\006\007\010\013\014\015\016\017\020end' 'ctl\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037\177end'
row 'a\000b\000' 'c\000d\000'
row '\377\376 \300\257 \340\200\257 \355\240\200 \370\210\200\200\200' 'over\300\257long\301\277 \377'
row '\033[31mred\033[0m\r' 'bell\007\r'
row '' ''
row ' lead' 'trail\001 '
printf '\t\t\t\n' >>"$T/in" && echo >>"$T/f2"
echo >>"$T/in" && echo >>"$T/f2"
n=$(wc -l <"$T/in" | tr -d ' ')
[ "$n" -eq 12 ] && [ "$(wc -l <"$T/f2" | tr -d ' ')" -eq 12 ] || fail "input not generated"
# expected FILE: the answers of the expert below: "L:" and the item, control
# bytes (NUL, TAB and DEL too) as spaces, without trailing white space.
expected() {
	tr '\000-\011\013-\037\177' ' ' <"$1" | sed 's/^/L:/; s/ *$//'
}
# run ITEMS ARGS...: every line to the expert that echoes its input after "L:"
# ($cmd: each line of it with --batch).
cmd='printf L:; cat'
run() {
	_items=$1
	shift
	_args="$*"
	st=0
	timeout 60 "$CASCADE" --target 1 "$@" -e "$cmd" <"$T/in" >"$T/out" 2>"$T/err" || st=$?
	set -- "$T"/pwned*
	[ ! -e "$1" ] || fail "an item was run by the shell: $*"
	[ -e "$T/x/keep" ] || fail "an item was run by the shell: $T/x removed"
	[ "$st" -eq 0 ] || fail "exit $st ($_args): $(cat "$T/err")"
	check_lines "$n" "$T/out"
	check_columns "$T/out" "$p"
	! cut -f 1 "$T/out" | grep -n '[[:cntrl:]]' >&9 || fail "control bytes in the label column ($_args)"
	expected "$T/$_items" >"$T/want"
	cut -f 1 "$T/out" | cmp -s - "$T/want" ||
		fail "the expert did not get the items as they are ($_args): $(cut -f 1 "$T/out" | od -c | head -20)"
	# -p prints the line back as read, but for a CR before its newline (CRLF input).
	sed "s/$(printf '\r')\$//" "$T/in" >"$T/in.nocr"
	[ -z "$p" ] || cut -f 4- "$T/out" | cmp -s - "$T/in.nocr" || fail "-p: input lines not printed back intact"
}
p=
run in
run in --expert-input line -j 2
cmd='sed "s/^/L:/"'
run in --expert-input text --batch 4
cmd='printf L:; cat'
run f2 -f 2
p=-p
run f2 -f 2 -p -j 2
run in -f 2 --expert-input line -p
