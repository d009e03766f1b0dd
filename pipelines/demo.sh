#!/usr/bin/env bash
# demo.sh - `make demo': the whole firth pipeline on the bundled sample
# (1,487 Wikipedia articles, about 470,000 words), in build/demo.
#
#   tokenize -> vocab -> cooc -> export | shuffle | glove -> neighbours
#   and the same counts through firth-svd, the same tokens through
#   firth-sgns, for comparison; phrases found by firth-phrase; subword
#   vectors' neighbours of a word the sample lacks; a plot of a few word
#   pairs as SVG.
#
# Every step is a pipeline a user would type; each prints its summary on
# stderr.  Takes under a minute on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH"
out=${FIRTH_DEMO_DIR:-build/demo}
sample=pipelines/sample/wiki-sample.txt.gz
db=$out/sample.db
rm -rf "$out"
mkdir -p "$out"
step() { printf '\n== %s\n' "$*" >&2; }

step "tokenize the WikiExtractor sample, one article a line"
firth-tokenize --wiki "$sample" | gzip -1 > "$out/tokens.gz"

step "count words into $db; feeding the same batch again changes nothing"
firth-vocab -d "$db" "$out/tokens.gz"
firth-vocab -d "$db" "$out/tokens.gz"
echo "most frequent words:"
firth-vocab -d "$db" --list --max-size 12 | paste -sd ' '

step "count co-occurrences (window 10, harmonic) into the database"
firth-cooc -d "$db" -w 10 "$out/tokens.gz"
firth-cooc -d "$db" --export --min-count 5 -l 1 > "$out/cooc.fs"
firth-cat -H "$out/cooc.fs"

step "GloVe: export | shuffle | train (50 dimensions, 25 iterations)"
firth-cooc -d "$db" --export --min-count 5 |
	firth-shuffle --seed 1 |
	firth-glove --seed 1 --vector-size 50 --iter 25 --x-max 10 -o "$out/glove.fs"

step "PPMI + randomized SVD of the same counts (100 dimensions)"
firth-svd -d "$db" --min-count 5 --dim 100 --seed 1 -o "$out/svd.fs"

step "word2vec skip-gram on the same tokens (100 dimensions, 5 epochs)"
firth-sgns -d "$db" --min-count 5 --size 100 --iter 5 --seed 1 \
	-o "$out/sgns.fs" "$out/tokens.gz"

for v in glove svd sgns; do
	step "nearest neighbours by $v"
	printf '%s\n' war music city river king |
		firth-eval neighbours -v "$out/$v.fs" -k 6
done

step "phrases: word pairs seen together far more often than chance (firth-phrase)"
firth-phrase -q -d "$db" --count "$out/tokens.gz"
firth-phrase -d "$db" --list -t 50 | sort -k3,3gr | sed -n 1,8p |
	cut -d ' ' -f 1 | paste -sd ' '

step "subword vectors (fastText's n-grams): neighbours of a word the corpus never had"
firth-sgns -q -d "$db" --min-count 5 --size 50 --iter 3 --seed 1 \
	--subword 3:6 --buckets 200000 --save-model "$out/sub.fsw" \
	-o "$out/sub.fs" "$out/tokens.gz"
oov=unmusical
if firth-vocab -d "$db" --list | cut -d ' ' -f 1 | grep -x "$oov" > /dev/null; then
	echo "($oov is in the sample after all)"
fi
{ firth-cat -f glove "$out/sub.fs"
  echo "$oov" | firth-eval --model "$out/sub.fsw" vectors; } > "$out/sub-oov.txt"
printf '%s\n' "$oov" | firth-eval neighbours -v "$out/sub-oov.txt" -k 6

step "a picture: 2-D PCA of word pairs from the SVD vectors"
printf '%s\n' "france paris" "germany berlin" "italy rome" "japan tokyo" |
	firth-eval plot -v "$out/svd.fs" > "$out/pairs.svg"
echo "wrote $out/pairs.svg (open it in a browser)"

if [ -f ../shared/data/similarity/EN-WS-353-ALL.txt ]; then
	step "word similarity on WordSim-353 (a small corpus: low numbers)"
	for v in glove svd sgns; do
		printf '%s: ' "$v"
		firth-eval similarity -v "$out/$v.fs" \
			../shared/data/similarity/EN-WS-353-ALL.txt | tail -n 1
	done
fi
echo >&2
echo "demo: done; everything is in $out" >&2
