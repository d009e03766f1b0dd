#!/usr/bin/env bash
# tests/bench/wclass.sh - firth-wclass on CoNLL-2003 English, with an
# honest protocol: every choice (options, stopping epoch) is made on a
# development split held out of eng.train (--dev-split 0.1: its last 10%
# of documents), and eng.testa is scored once per final model, at the
# end.  Run from the repo root with bin/ on PATH.  Prints
# "bench wclass: metric = value".
#
# 1. Speed, with random 50-d vectors for the lower-cased training words
#    (so the figure does not depend on any vector trainer): 3 epochs of
#    softmax regression, of one hidden layer, and of one hidden layer with
#    sentence-level scores.  The machine is shared, so wall time moves
#    with the load: CPU seconds (user + sys) are what the tokens/s
#    figures are computed from, and peak memory comes from /usr/bin/time.
#    Softmax regression is the in-run reference for the network's cost.
#    Tagging streams: peak memory tagging eng.train once and four times
#    over must be the same.
# 2. The protocol: 100-d skip-gram vectors trained on wiki-dev tokenized
#    by firth-tokenize --wiki (one thread, seed 1); each candidate in
#    WCLASS_CANDIDATES (";"-separated option sets) trained with seed 1 on
#    eng.train less its dev split, and the one with the best dev-split F1
#    chosen; it is then trained with WCLASS_SEEDS seeds (default 5) and
#    each model scores eng.testa once: mean, sample standard deviation,
#    min and max.  WCLASS_VECTORS=FILE uses vectors already trained that
#    way (saves the minutes of firth-sgns); WCLASS_EPOCHS caps the epochs
#    (default 15, patience 3); WCLASS_BEST=0 skips this part and
#    WCLASS_SPEED=0 the first.  The candidates train side by side, then
#    the seeds, so a part takes about as long as one training run when
#    there are as many cores.
set -euo pipefail
shared="${FIRTH_SHARED:-../shared/data}"
ner="$shared/ner"
[ -f "$ner/eng.train" ] && [ -f "$ner/eng.testa" ] ||
    { echo "bench wclass: skipped, $ner/eng.train not found"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-wclass.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "bench wclass: load before = $(uptime | sed 's/.*load average: //')"

tokens=$(awk 'NF > 1 && $1 != "-DOCSTART-"' "$ner/eng.train" | wc -l)
devtokens=$(awk 'NF > 1 && $1 != "-DOCSTART-"' "$ner/eng.testa" | wc -l)

cpu() {	# cpu NAME COMMAND...: CPU seconds and peak KiB into $tmp/NAME.time
	local name=$1; shift
	/usr/bin/time -f "%U %S %M" -o "$tmp/$name.time" "$@"
	awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$tmp/$name.time"
}

# ---- 1. speed --------------------------------------------------------
if [ "${WCLASS_SPEED:-1}" != 0 ]; then
awk 'NF > 1 && $1 != "-DOCSTART-" { print tolower($1) }' "$ner/eng.train" |
    sort -u | awk 'BEGIN { srand(3) } { printf "%s", $1
    for (i = 0; i < 50; i++) printf " %.4f", rand() - 0.5; printf "\n" }' \
    > "$tmp/vec.txt"
epochs=3
for o in "-H 0" "-H 100" "-H 100 -L sentence"; do
	n=$(tr -d ' -' <<< "$o")
	read -r sec kib < <(cpu "train$n" firth-wclass train -q \
	    --train "$ner/eng.train" --dev "$ner/eng.testa" -v "$tmp/vec.txt" \
	    -o "$tmp/m$n" $o -s -f -e "$epochs" --patience "$epochs")
	# each epoch also tags the dev set once
	rate=$(awk -v t="$tokens" -v d="$devtokens" -v e="$epochs" -v s="$sec" \
	    'BEGIN { printf "%.0f", e * (t + d) / s }')
	echo "bench wclass: train $o -s -f, $epochs epochs: cpu = $sec s"
	echo "bench wclass: train $o: tokens/s (train + dev tagging, cpu) = $rate"
	echo "bench wclass: train $o: peak memory = $kib KiB"
	eval "sec$n=$sec"
	read -r esec ekib < <(cpu "eval$n" sh -c \
	    "firth-wclass evaluate --tsv -m '$tmp/m$n' '$ner/eng.testa' > '$tmp/eval$n'")
	f1=$(awk -F'\t' '$1 == "all" { print $4 }' "$tmp/eval$n")
	echo "bench wclass: $o -s -f, random 50-d vectors, tuned on eng.testa: eng.testa F1 = $f1"
	echo "bench wclass: evaluate $o: tokens/s (cpu) = $(awk -v d="$devtokens" \
	    -v s="$esec" 'BEGIN { printf "%.0f", (s > 0 ? d / s : 0) }')"
done
echo "bench wclass: hidden 100 / softmax regression training cpu ratio = $(awk \
    -v a="$secH100" -v b="$secH0" 'BEGIN { printf "%.2f", a / b }')"
echo "bench wclass: sentence-level / token xent training cpu ratio = $(awk \
    -v a="$secH100Lsentence" -v b="$secH100" 'BEGIN { printf "%.2f", a / b }')"
# streaming: tag eng.train once and 4 times over, compare peak memory
for k in 1 4; do
	for i in $(seq "$k"); do cat "$ner/eng.train"; done > "$tmp/x$k.conll"
	read -r psec pkib < <(cpu "pred$k" sh -c \
	    "firth-wclass predict -m '$tmp/mH100Lsentence' '$tmp/x$k.conll' > /dev/null")
	echo "bench wclass: predict -L sentence model, eng.train x $k: cpu = $psec s, tokens/s = $(awk \
	    -v t="$tokens" -v k="$k" -v s="$psec" 'BEGIN { printf "%.0f", (s > 0 ? k * t / s : 0) }'), peak memory = $pkib KiB"
done
fi

# ---- 2. the protocol --------------------------------------------------
[ "${WCLASS_BEST:-1}" = 0 ] && exit 0
vec=${WCLASS_VECTORS:-}
if [ -z "$vec" ]; then
	corpus="$shared/corpus/wiki-dev.txt.gz"
	[ -f "$corpus" ] ||
	    { echo "bench wclass: protocol skipped, $corpus not found"; exit 0; }
	vec="$tmp/wiki100.bin"
	read -r vsec vkib < <(cpu vectors sh -c "zcat '$corpus' |
	    firth-tokenize --wiki -q | firth-sgns -q --threads 1 --seed 1 \
	    --sample 1e-4 --format word2vec-binary -o '$vec'")
	echo "bench wclass: vectors (tokenize --wiki | sgns, 1 thread): cpu = $vsec s"
fi
base="-H 100 -s -f -x 20 -n 2"
cands=${WCLASS_CANDIDATES:-"$base;$base -L sentence;$base -L sentence --iobes;$base -L sentence --word-dropout 0.1"}
ep=${WCLASS_EPOCHS:-15}
seeds=${WCLASS_SEEDS:-5}
train() {	# train NAME SEED OPTIONS...: dev-split F1 and epoch on stdout
	local name=$1 seed=$2; shift 2
	firth-wclass train --train "$ner/eng.train" --dev-split 0.1 \
	    -v "$vec" -o "$tmp/$name" -e "$ep" --seed "$seed" "$@" \
	    2> "$tmp/$name.log"
	sed -n 's/.*best dev F1 \([0-9.]*\) at epoch \([0-9]*\);.*/\1 \2/p' \
	    "$tmp/$name.log"
}
# the candidates run side by side, then the seeds (one thread each)
IFS=';' read -r -a list <<< "$cands"
for i in "${!list[@]}"; do
	train "c$i" 1 ${list[$i]} > "$tmp/c$i.f1" &
done
wait
best= bestf=-1 besti=
for i in "${!list[@]}"; do
	read -r f e < "$tmp/c$i.f1"
	echo "bench wclass: candidate (${list[$i]}), seed 1: dev-split F1 = $f (epoch $e)"
	if awk -v a="$f" -v b="$bestf" 'BEGIN { exit !(a > b) }'; then
		best=${list[$i]} bestf=$f besti=$i
	fi
done
echo "bench wclass: chosen on the dev split: $best"
cp "$tmp/c$besti" "$tmp/s1"
cp "$tmp/c$besti.f1" "$tmp/s1.f1"
for s in $(seq 2 "$seeds"); do
	train "s$s" "$s" $best > "$tmp/s$s.f1" &
done
wait
for s in $(seq "$seeds"); do
	firth-wclass evaluate --tsv -m "$tmp/s$s" "$ner/eng.testa" |
	    awk -F'\t' '$1 == "all" { print $4 }' >> "$tmp/testa"
	echo "bench wclass: chosen, seed $s: dev-split F1 = $(cut -d' ' -f1 "$tmp/s$s.f1") (epoch $(cut -d' ' -f2 "$tmp/s$s.f1")), eng.testa F1 = $(tail -n 1 "$tmp/testa")"
done
awk -v o="$best" -v n="$seeds" '{ x[NR] = $1; s += $1 } END {
    m = s / NR; for (i = 1; i <= NR; i++) v += (x[i] - m) ^ 2
    sd = NR > 1 ? sqrt(v / (NR - 1)) : 0; lo = hi = x[1]
    for (i = 1; i <= NR; i++) { lo = x[i] < lo ? x[i] : lo; hi = x[i] > hi ? x[i] : hi }
    printf "bench wclass: protocol (%s, --dev-split 0.1, %d seeds): eng.testa F1 = %.2f +- %.2f (min %.2f, max %.2f)\n", o, n, m, sd, lo, hi }' \
    "$tmp/testa"
echo "bench wclass: load after = $(uptime | sed 's/.*load average: //')"
# WCLASS_LOGS=DIR keeps the training logs (dev F1 per epoch)
[ -z "${WCLASS_LOGS:-}" ] || cp "$tmp"/*.log "$WCLASS_LOGS"
