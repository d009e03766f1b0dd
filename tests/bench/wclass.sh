#!/usr/bin/env bash
# tests/bench/wclass.sh - firth-wclass training and tagging speed, and F1,
# on CoNLL-2003 English (eng.train, tuned and scored on eng.testa) with
# random 50-d vectors for the lower-cased training words, so the figure
# does not depend on any vector trainer.  Run from the repo root with bin/
# on PATH.  Prints "bench wclass: metric = value".
#
# The machine is shared, so wall time moves with the load: CPU seconds
# (user + sys) are what the tokens/s figures are computed from, and peak
# memory comes from /usr/bin/time.  Softmax regression is the in-run
# reference for the one-hidden-layer network's cost (the ratio is printed).
set -euo pipefail
shared="${FIRTH_SHARED:-../shared/data}"
ner="$shared/ner"
[ -f "$ner/eng.train" ] && [ -f "$ner/eng.testa" ] ||
    { echo "bench wclass: skipped, $ner/eng.train not found"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-wclass.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

awk 'NF > 1 && $1 != "-DOCSTART-" { print tolower($1) }' "$ner/eng.train" |
    sort -u | awk 'BEGIN { srand(3) } { printf "%s", $1
    for (i = 0; i < 50; i++) printf " %.4f", rand() - 0.5; printf "\n" }' \
    > "$tmp/vec.txt"
tokens=$(awk 'NF > 1 && $1 != "-DOCSTART-"' "$ner/eng.train" | wc -l)
devtokens=$(awk 'NF > 1 && $1 != "-DOCSTART-"' "$ner/eng.testa" | wc -l)
epochs=3

cpu() {	# cpu NAME COMMAND...: CPU seconds and peak KiB into $tmp/NAME.time
	local name=$1; shift
	/usr/bin/time -f "%U %S %M" -o "$tmp/$name.time" "$@"
	awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$tmp/$name.time"
}

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
