#!/bin/sh
# Bad options and values exit 2 with usage on stderr and nothing on stdout.
. "${0%/*}/../setup"
while IFS= read -r args; do
	# shellcheck disable=SC2086
	expect_status 2 "$CASCADE" $args </dev/null >"$T/out" 2>"$T/err"
	grep -q 'usage: cascade' "$T/err" || fail "$args: no usage on stderr"
	[ ! -s "$T/out" ] || fail "$args: output on stdout"
done <<'END'
--target 0
--target 2
--target -0.5
--target abc
--target 0.5x
--target=
-j 0
-j abc
-j 257
-j 1.5
--budget -1
--budget abc
--budget 10%%
--budget -5%
--bogus
-Z
-f 0
-f abc
-f -1
-d ab
--timeout -1
--timeout abc
--retries -1
--seed abc
--hash-bits 9
--hash-bits 29
--input foo
--expert-input foo
-e
--labels
END
