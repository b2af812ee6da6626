#!/bin/sh
# The man page says what happens: --budget counts items, -j 1 --batch and a stalled input, the exit status when the reader goes away, the pipe protocol, the checkpoint lock and links, --max-failures.
. "${0%/*}/../setup"
man=$TESTS/../man/cascade.1
# says WHAT REGEX: the page (joined into one line, mdoc macros kept) matches.
tr '\n' ' ' <"$man" >"$T/page"
says() {
	grep -Eq "$2" "$T/page" || fail "the man page does not say $1"
}
says "that --budget counts items" 'Send at most \.Ar N items to the expert in this run'
says "that -j 1 with --batch is not deterministic when the input stalls" 'deterministic, but for one thing: with \.Fl -batch , a batch that is not full is sent when the input stalls'
says "the exit status when the reader of stdout goes away" 'Every line was answered\. Also when the reader of the standard output goes away'
says "the numbered pipe protocol" 'its number \(a positive decimal integer, unique in the run\), a tab and the item'
says "the 3-line shell example" "while IFS=.\(printf '.et'\) read -r n item; do"
says "the lock" 'holds an advisory \.Xr fcntl 2 lock'
says "that a link is followed" 'is a symbolic link, the file it points to is replaced'
says "--max-failures and its default" 'It Fl -max-failures Ar N .* The default is 10\.'
"$CASCADE" -h | grep -q -- '--max-failures N' || fail "usage lacks --max-failures"
