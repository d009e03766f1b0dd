#!/usr/bin/env bash
# tests/bench/subword.sh - firth-sgns --subword against fastText on the
# same wiki-dev tokens, in the same run, with the same settings: skip-gram,
# 100 dimensions, window 5, 5 negatives, 5 epochs, n-grams 3..6, 2,000,000
# buckets, min-count 5, sample 1e-4, 2 threads (fastText's defaults for
# the rest: rate 0.05, which firth-sgns --subword also takes).
#
# Prints for both: wall time, peak memory, the Google analogies (GloVe's
# evaluate.py conventions, vocabulary words only, as fastText's .vec) and
# every similarity set of ../shared/data, where words outside the
# vocabulary are scored by their n-grams (firth-eval --oov subword;
# fastText print-word-vectors); and each set's OOV rate (pairs with a word
# outside the vocabulary).
#
# Environment:
#   FASTTEXT   fastText 0.9.2 binary (default: fasttext on PATH; Debian's
#              package "fasttext"); skipped if absent
#   SW_TOKENS  token text, one document a line (default: wiki-dev through
#              firth-tokenize --wiki --text8, made in $TMPDIR)
#   SW_SLICE   percent of the documents to train on (100)
#   SW_ITER, SW_THREADS, SW_BUCKETS   5, 2, 2000000
# Run from the repository root.  Prints "bench subword: metric = value".
set -eu
top=$(pwd)
export PATH="$top/bin:$PATH"
shared=${FIRTH_SHARED:-$top/../shared/data}
ft=${FASTTEXT:-$(command -v fasttext || true)}
slice=${SW_SLICE:-100}
iter=${SW_ITER:-5}
threads=${SW_THREADS:-2}
buckets=${SW_BUCKETS:-2000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-subword.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say() { printf 'bench subword: %s\n' "$*"; }

[ -n "$ft" ] && [ -x "$ft" ] || { say "skipped: no fastText (set FASTTEXT)"; exit 0; }
tokens=${SW_TOKENS:-}
if [ -z "$tokens" ]; then
	src=$shared/corpus/wiki-dev.txt.gz
	[ -f "$src" ] || { say "skipped: $src not found"; exit 0; }
	tokens=$tmp/all.tok
	firth-tokenize -q --wiki --text8 "$src" > "$tokens"
fi
lines=$(wc -l < "$tokens")
keep=$((lines * slice / 100))
head -n "$keep" "$tokens" > "$tmp/train.tok"
say "uptime = $(uptime)"
say "slice = first $keep of $lines documents ($slice %), $(wc -w < "$tmp/train.tok") tokens"

/usr/bin/time -f '%e %M %U %S' -o "$tmp/t.firth" firth-sgns -q --subword 3:6 \
    --buckets "$buckets" --size 100 --window 5 --negative 5 --sample 1e-4 \
    --min-count 5 --iter "$iter" --threads "$threads" --format glove \
    --save-model "$tmp/firth.fsw" -o "$tmp/firth.txt" "$tmp/train.tok"
/usr/bin/time -f '%e %M %U %S' -o "$tmp/t.ft" "$ft" skipgram -input "$tmp/train.tok" \
    -output "$tmp/ft" -dim 100 -ws 5 -neg 5 -epoch "$iter" -minn 3 -maxn 6 \
    -bucket "$buckets" -minCount 5 -t 1e-4 -thread "$threads" \
    -verbose 0 > "$tmp/ft.log" 2>&1
# CPU seconds (user + system) as well as wall: on a shared machine the
# wall time of two runs made one after the other sees different loads.
read -r fw fk fu fs < "$tmp/t.firth"
read -r tw tk tu ts < "$tmp/t.ft"
fc=$(awk -v a="$fu" -v b="$fs" 'BEGIN { print a + b }')
tc=$(awk -v a="$tu" -v b="$ts" 'BEGIN { print a + b }')
say "firth-sgns --subword wall seconds = $fw, CPU seconds = $fc, peak memory KB = $fk"
say "fastText skipgram wall seconds = $tw, CPU seconds = $tc, peak memory KB = $tk"
say "time ratio firth/fastText = $(awk -v a="$fw" -v b="$tw" 'BEGIN { printf "%.2f", a / b }') wall, $(awk -v a="$fc" -v b="$tc" 'BEGIN { printf "%.2f", a / b }') CPU"
say "memory ratio firth/fastText = $(awk -v a="$fk" -v b="$tk" 'BEGIN { printf "%.2f", a / b }')"

q=$shared/analogy/questions-words.txt
if [ -f "$q" ]; then
	for m in firth ft; do
		f=$tmp/$m.txt
		[ "$m" = ft ] && f=$tmp/ft.vec
		firth-eval analogy -p glove -i -v "$f" "$q" 2>&1 |
		    sed -n "s/^/bench subword: $m analogy: /; /semantic\|syntactic\|total/p" || true
	done
fi

# Similarity, OOV words scored by n-grams.  fastText: its .vec plus
# print-word-vectors for the test words its vocabulary lacks.
sets=$(ls "$shared"/similarity/*.txt 2>/dev/null || true)
[ -n "$sets" ] || exit 0
awk 'NR > 1 { print $1 }' "$tmp/ft.vec" > "$tmp/vocab"
cat $sets | awk '{ print $1; print $2 }' | sort -u > "$tmp/testwords"
awk 'NR == FNR { v[$1] = 1; next } !($1 in v)' "$tmp/vocab" "$tmp/testwords" > "$tmp/oovwords"
"$ft" print-word-vectors "$tmp/ft.bin" < "$tmp/oovwords" > "$tmp/ft-oov.txt"
{ awk 'NR > 1' "$tmp/ft.vec"; cat "$tmp/ft-oov.txt"; } > "$tmp/ft-all.txt"
for s in $sets; do
	say "$(basename "$s") OOV rate = $(awk 'NR == FNR { v[$1] = 1; next }
	    { n++; if (!($1 in v) || !($2 in v)) o++ }
	    END { printf "%.1f %% of %d pairs", 100 * o / n, n }' "$tmp/vocab" "$s")"
done
firth-eval --model "$tmp/firth.fsw" --oov subword similarity $sets 2>&1 |
    sed 's/^/bench subword: firth similarity: /'
firth-eval -v "$tmp/ft-all.txt" similarity $sets 2>&1 |
    sed 's/^/bench subword: fastText similarity: /'
say "uptime after = $(uptime)"
