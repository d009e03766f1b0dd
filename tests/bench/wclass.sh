#!/usr/bin/env bash
# tests/bench/wclass.sh - firth-wclass on CoNLL-2003 English: trained on
# eng.train, tuned (early stopping) and scored on eng.testa.  Run from the
# repo root with bin/ on PATH.  Prints "bench wclass: metric = value".
#
# 1. Speed, with random 50-d vectors for the lower-cased training words
#    (so the figure does not depend on any vector trainer): 3 epochs of
#    softmax regression and of one hidden layer.  The machine is shared,
#    so wall time moves with the load: CPU seconds (user + sys) are what
#    the tokens/s figures are computed from, and peak memory comes from
#    /usr/bin/time.  Softmax regression is the in-run reference for the
#    network's cost (the ratio is printed).
# 2. Quality, the best configuration found: 100-d skip-gram vectors
#    trained on wiki-dev tokenized by firth-tokenize --wiki (one thread,
#    seed 1), then one hidden layer with word shapes, fine-tuning, 20-d
#    suffix embeddings and rows for training words seen twice without a
#    vector.  The reference is the sparse window baseline of the issue,
#    85.6 F1 on eng.testa.  WCLASS_VECTORS=FILE uses vectors already
#    trained that way instead (saves the few minutes of firth-sgns);
#    WCLASS_BEST=0 skips this part.
set -euo pipefail
shared="${FIRTH_SHARED:-../shared/data}"
ner="$shared/ner"
[ -f "$ner/eng.train" ] && [ -f "$ner/eng.testa" ] ||
    { echo "bench wclass: skipped, $ner/eng.train not found"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-wclass.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tokens=$(awk 'NF > 1 && $1 != "-DOCSTART-"' "$ner/eng.train" | wc -l)
devtokens=$(awk 'NF > 1 && $1 != "-DOCSTART-"' "$ner/eng.testa" | wc -l)

cpu() {	# cpu NAME COMMAND...: CPU seconds and peak KiB into $tmp/NAME.time
	local name=$1; shift
	/usr/bin/time -f "%U %S %M" -o "$tmp/$name.time" "$@"
	awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$tmp/$name.time"
}

# ---- 1. speed --------------------------------------------------------
awk 'NF > 1 && $1 != "-DOCSTART-" { print tolower($1) }' "$ner/eng.train" |
    sort -u | awk 'BEGIN { srand(3) } { printf "%s", $1
    for (i = 0; i < 50; i++) printf " %.4f", rand() - 0.5; printf "\n" }' \
    > "$tmp/vec.txt"
epochs=3
for h in 0 100; do
	read -r sec kib < <(cpu "train$h" firth-wclass train -q \
	    --train "$ner/eng.train" --dev "$ner/eng.testa" -v "$tmp/vec.txt" \
	    -o "$tmp/m$h" -H "$h" -s -f -e "$epochs" --patience "$epochs")
	# each epoch also tags the dev set once
	rate=$(awk -v t="$tokens" -v d="$devtokens" -v e="$epochs" -v s="$sec" \
	    'BEGIN { printf "%.0f", e * (t + d) / s }')
	echo "bench wclass: train -H $h -s -f, $epochs epochs: cpu = $sec s"
	echo "bench wclass: train -H $h: tokens/s (train + dev tagging, cpu) = $rate"
	echo "bench wclass: train -H $h: peak memory = $kib KiB"
	eval "sec$h=$sec"
	read -r esec ekib < <(cpu "eval$h" sh -c \
	    "firth-wclass evaluate --tsv -m '$tmp/m$h' '$ner/eng.testa' > '$tmp/eval$h'")
	f1=$(awk -F'\t' '$1 == "all" { print $4 }' "$tmp/eval$h")
	echo "bench wclass: -H $h -s -f, random 50-d vectors: eng.testa F1 = $f1"
	echo "bench wclass: evaluate -H $h: tokens/s (cpu) = $(awk -v d="$devtokens" \
	    -v s="$esec" 'BEGIN { printf "%.0f", (s > 0 ? d / s : 0) }')"
done
echo "bench wclass: hidden 100 / softmax regression training cpu ratio = $(awk \
    -v a="$sec100" -v b="$sec0" 'BEGIN { printf "%.2f", a / b }')"

# ---- 2. the best configuration ----------------------------------------
[ "${WCLASS_BEST:-1}" = 0 ] && exit 0
vec=${WCLASS_VECTORS:-}
if [ -z "$vec" ]; then
	corpus="$shared/corpus/wiki-dev.txt.gz"
	[ -f "$corpus" ] ||
	    { echo "bench wclass: best skipped, $corpus not found"; exit 0; }
	vec="$tmp/wiki100.bin"
	read -r vsec vkib < <(cpu vectors sh -c "zcat '$corpus' |
	    firth-tokenize --wiki -q | firth-sgns -q --threads 1 --seed 1 \
	    --sample 1e-4 --format word2vec-binary -o '$vec'")
	echo "bench wclass: best: vectors (tokenize --wiki | sgns, 1 thread): cpu = $vsec s"
fi
best="-H 100 -s -f -x 20 -n 2 -e 15"
read -r sec kib < <(cpu best firth-wclass train -q --train "$ner/eng.train" \
    --dev "$ner/eng.testa" -v "$vec" -o "$tmp/best" $best)
echo "bench wclass: best ($best): train cpu = $sec s, peak memory = $kib KiB"
firth-wclass evaluate --tsv -m "$tmp/best" "$ner/eng.testa" > "$tmp/evalbest"
awk -F'\t' -v o="$best" 'NR > 1 && $1 != "token-accuracy" {
    printf "bench wclass: best (%s): eng.testa %s F1 = %s\n", o, $1, $4 }' \
    "$tmp/evalbest"
echo "bench wclass: sparse window baseline (issue 8): eng.testa all F1 = 85.6"
