#!/usr/bin/env bash
# tests/bench/hs.sh - firth-sgns --hs against word2vec's own hierarchical
# softmax (-hs 1 -negative 0) on the same wiki-dev tokens, in the same
# run: skip-gram, 100 dimensions, window 5, 5 epochs, sample 1e-4,
# min-count 5, 2 threads.  Prints wall time, peak memory, the Google
# analogies (GloVe's evaluate.py conventions, as tests/bench/sgns.sh)
# and WS353 for both, and the time ratio.
#
# Environment:
#   WORD2VEC     word2vec binary built from its public source
#                (default /work/peers/word2vec/word2vec; skipped if absent)
#   HS_TOKENS    token text, one document a line (default: wiki-dev
#                through firth-tokenize --wiki --text8, made in $TMPDIR)
#   HS_SLICE     percent of the documents (lines) to train on (100); on a
#                loaded machine a slice keeps both runs short
#   HS_ITER, HS_THREADS, HS_CBOW   5, 2, 0
# Run from the repository root.  Prints lines "bench hs: metric = value".
set -eu
top=$(pwd)
export PATH="$top/bin:$PATH"
shared=${FIRTH_SHARED:-$top/../shared/data}
w2v=${WORD2VEC:-/work/peers/word2vec/word2vec}
slice=${HS_SLICE:-100}
iter=${HS_ITER:-5}
threads=${HS_THREADS:-2}
cbow=${HS_CBOW:-0}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-hs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say() { printf 'bench hs: %s\n' "$*"; }

[ -x "$w2v" ] || { say "skipped: no word2vec at $w2v (set WORD2VEC)"; exit 0; }
tokens=${HS_TOKENS:-}
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

# score NAME VECTORS: analogy total and WS353 Spearman.
score() {
	if [ -f "$shared/analogy/questions-words.txt" ]; then
		firth-eval analogy -p glove -i -v "$2" \
		    "$shared/analogy/questions-words.txt" 2>&1 |
		    sed -n "s/^/bench hs: $1 analogy: /; /semantic\|syntactic\|total/p" || true
	fi
	if [ -f "$shared/similarity/EN-WS-353-ALL.txt" ]; then
		firth-eval similarity -v "$2" \
		    "$shared/similarity/EN-WS-353-ALL.txt" 2>&1 |
		    sed "s/^/bench hs: $1 ws353: /" || true
	fi
}

/usr/bin/time -f '%e %M %U %S' -o "$tmp/t.firth" firth-sgns -q --hs --negative 0 \
    --cbow "$cbow" --size 100 --window 5 --sample 1e-4 --min-count 5 \
    --iter "$iter" --threads "$threads" --format word2vec-binary \
    -o "$tmp/firth.bin" "$tmp/train.tok"
/usr/bin/time -f '%e %M %U %S' -o "$tmp/t.w2v" "$w2v" -train "$tmp/train.tok" \
    -output "$tmp/w2v.bin" -cbow "$cbow" -size 100 -window 5 -sample 1e-4 \
    -hs 1 -negative 0 -min-count 5 -iter "$iter" -threads "$threads" \
    -binary 1 > "$tmp/w2v.log" 2>&1
# CPU seconds (user + system) as well as wall: on a shared machine the
# wall time of two runs made one after the other sees different loads.
read -r fw fk fu fs < "$tmp/t.firth"
read -r ww wk wu ws < "$tmp/t.w2v"
fc=$(awk -v a="$fu" -v b="$fs" 'BEGIN { print a + b }')
wc=$(awk -v a="$wu" -v b="$ws" 'BEGIN { print a + b }')
say "firth-sgns --hs wall seconds = $fw, CPU seconds = $fc, peak memory KB = $fk"
say "word2vec -hs 1 wall seconds = $ww, CPU seconds = $wc, peak memory KB = $wk"
say "time ratio firth/word2vec = $(awk -v a="$fw" -v b="$ww" 'BEGIN { printf "%.2f", a / b }') wall, $(awk -v a="$fc" -v b="$wc" 'BEGIN { printf "%.2f", a / b }') CPU"
score firth "$tmp/firth.bin"
score word2vec "$tmp/w2v.bin"
say "uptime after = $(uptime)"
