#!/bin/sh
# -s and merge -o through a symbolic link update the file it points to and leave the link.
. "${0%/*}/../setup"
"$GEN" 3 100 >"$T/in"
mkdir "$T/real"
ln -s real/model "$T/link"
# A link to no file yet: the file is made where it points.
expect_status 0 "$CASCADE" -q --target 1 -s "$T/link" -e "$X/rule" <"$T/in" >/dev/null
[ -L "$T/link" ] || fail "-s: the link was replaced"
[ -f "$T/real/model" ] && [ -s "$T/real/model" ] || fail "-s: the file the link points to was not written"
cp "$T/real/model" "$T/before"
# New items: the answer cache would answer the same ones, and learn nothing.
"$GEN" 4 100 >"$T/in2"
expect_status 0 "$CASCADE" -q --target 1 -s "$T/link" -e "$X/rule" <"$T/in2" >/dev/null
[ -L "$T/link" ] || fail "-s: the link was replaced by the second run"
cmp -s "$T/before" "$T/real/model" && fail "-s: the second run did not update the file the link points to"
# merge -o through a link (a chain of two).
ln -s link "$T/link2"
"$CASCADE" -q --target 1 -s "$T/other" -e "$X/rule" <"$T/in" >/dev/null
cp "$T/real/model" "$T/before"
expect_status 0 "$CASCADE" merge -o "$T/link2" "$T/before" "$T/other"
[ -L "$T/link2" ] && [ -L "$T/link" ] || fail "merge -o: a link was replaced"
cmp -s "$T/before" "$T/real/model" && fail "merge -o: the file the link points to was not updated"
# No temporary file left anywhere.
[ "$(ls "$T/real")" = model ] || fail "left in real/: $(ls "$T/real")"
