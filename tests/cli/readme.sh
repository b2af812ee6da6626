#!/bin/sh
# The README's examples run as written, with stand-ins for the LLM experts.
. "${0%/*}/../setup"
readme=$TESTS/../README
w=$T/w h=$T/home
mkdir -p "$w/bin" "$h/bin" "$h/in" "$h/out" "$h/.cache"
cd "$w"
# Stand-ins: llm, ./ask-llm and the like answer each line on their stdin
# as the rule expert would, a write each, numbered in pipe mode.
cat >"$w/answer" <<'EOS'
#!/bin/sh
tab=$(printf '\t')
while IFS= read -r l; do
	seq=
	[ "${CASCADE_EXPERT_MODE:-}" != pipe ] || seq=${l%%"$tab"*}$tab
	case $l in *good*) echo "${seq}positive" ;; *) echo "${seq}negative" ;; esac
done
EOS
chmod +x "$w/answer"
for x in bin/llm ask-llm ask-llm-batch local-model expert spam-expert; do
	ln -s "$w/answer" "$w/$x"
done
ln -s "$w/answer" "$h/bin/ask-llm"
ln -s "$CASCADE" "$w/bin/cascade"
ln -s "$TESTS/../scripts/vectors" "$w/bin/cascade-vectors"
ln -s "$TESTS/../scripts" "$w/scripts"
PATH=$w/bin:$PATH HOME=$h
export PATH HOME
"$GEN" 101 300 >reviews.txt
cp reviews.txt tickets.txt
cp reviews.txt "$h/in/reviews.txt"
cp reviews.txt in
awk '{ print NR "\t" $0 }' reviews.txt >mail.tsv
cp mail.tsv today.tsv
# Old mail for word vectors: two topics, so that they do not collapse.
topics 3000 >old-mail.tsv
cascade -q -s model.ckpt -e ./ask-llm reviews.txt >/dev/null
# The examples: runs of lines indented by a tab, one shell script each.
awk '/^\t/ { sub(/^\t/, ""); b = b $0 "\n"; next }
    b != "" { printf "%s", b > (dir "/ex." ++n); b = "" }
    END { if (b != "") printf "%s", b > (dir "/ex." ++n) }' dir="$T" "$readme"
ran=0
for ex in "$T"/ex.*; do
	case $(cat "$ex") in
	*'<TAB>'*) continue ;;			# the output format
	*apt-get*) continue ;;			# the set-up lines
	*OPENAI_API_KEY*) continue ;;		# a real LLM over the network
	*...*) continue ;;			# a sketch, not a command
	*parallel*) command -v parallel >/dev/null 2>&1 || continue ;;
	*cascade-vectors*) command -v fasttext >/dev/null 2>&1 || continue ;;
	esac
	# A crontab line: its command.
	sed 's/^[0-9*]* [0-9*]* [0-9*]* [0-9*]* [0-9*]* //' "$ex" >"$ex.sh"
	(set -e; . "$ex.sh") >"$T/out" 2>"$T/err" </dev/null ||
	    fail "README example failed (exit $?): $(cat "$ex") -- $(cat "$T/err")"
	ran=$((ran + 1))
done
[ "$ran" -ge 9 ] || fail "only $ran README examples ran"
