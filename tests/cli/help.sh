#!/bin/sh
# -h and --help print usage on stdout and exit 0; --version prints "cascade VERSION".
. "${0%/*}/../setup"
for h in -h --help; do
	expect_status 0 "$CASCADE" "$h" </dev/null >"$T/out" 2>"$T/err"
	grep -q '^usage: cascade' "$T/out" || fail "$h: no usage on stdout"
	[ ! -s "$T/err" ] || fail "$h: stderr not empty"
done
expect_status 0 "$CASCADE" --version </dev/null >"$T/out" 2>"$T/err"
check_lines 1 "$T/out"
grep -Eq '^cascade [0-9][^ ]*$' "$T/out" || fail "--version printed: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "--version: stderr not empty"
# -h explains every option of the man page in a line of its own, and only those.
man_opts=$(sed -En 's/^\.It Fl ([a-z])( Ar [a-z]+)? , Fl -([a-z-]+).*/-\1 --\3/p; s/^\.It Fl -([a-z-]+).*/--\1/p' \
    "${0%/*}/../../man/cascade.1" | tr ' ' '\n' | sort -u)
[ "$(echo "$man_opts" | wc -l)" -gt 20 ] || fail "could not read the man page's options: $man_opts"
expect_status 0 "$CASCADE" -h >"$T/out"
for opt in $man_opts; do
	grep -Eq "^ +(-[a-z], )?$opt([ ,]|\$)" "$T/out" || grep -Eq "^ +-[a-z], $opt([ ,]|\$)" "$T/out" ||
	    fail "-h has no line for $opt"
done
help_opts=$(grep -Eo '^ +(-[a-z], )?--[a-z-]+' "$T/out" | tr -d ',' | tr ' ' '\n' | grep . | sort -u)
[ "$help_opts" = "$man_opts" ] || fail "-h and the man page differ: $(echo "$help_opts" | tr '\n' ' ') vs $(echo "$man_opts" | tr '\n' ' ')"
awk 'length > 79 { exit 1 }' "$T/out" || fail "-h has lines over 79 columns"
