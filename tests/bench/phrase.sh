#!/usr/bin/env bash
# bench/phrase.sh - firth-phrase against word2phrase on the wiki-dev
# tokens (firth-tokenize --wiki --text8: 16.0M tokens, 75k documents),
# two passes as word2phrase's demo runs them (threshold 200, then 100;
# min count 5): wall and CPU seconds and peak memory of each tool, the
# phrases each finds and how many they share, and the phrase analogies
# (questions-phrases.txt, case folded) of skip-gram vectors trained by
# firth-sgns on each tool's output.
#
#   WORD2PHRASE=/path/to/word2phrase tests/bench/phrase.sh
#
# Without $WORD2PHRASE only firth-phrase is measured.  PHRASE_LINES=N
# uses the first N documents only (the analogy training is the slow part
# on a loaded machine); PHRASE_ITER (default 3) is the training epochs,
# PHRASE_ANALOGY=0 skips the training.  Run from the repository root
# after `make'.  Prints "bench phrase: metric = value" lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/bin:$PATH"
shared=${FIRTH_SHARED:-$PWD/../shared/data}
dir=${FIRTH_BENCH_DIR:-$PWD/build/bench}
W2P=${WORD2PHRASE:-}
lines=${PHRASE_LINES:-0}
iter=${PHRASE_ITER:-3}
analogy=${PHRASE_ANALOGY:-1}
Q=$shared/analogy/questions-phrases.txt
mkdir -p "$dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-phrase.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tok=$dir/wiki-tok.txt
if [ ! -s "$tok" ]; then
	corpus=$shared/corpus/wiki-dev.txt.gz
	if [ ! -f "$corpus" ]; then
		echo "bench phrase: skipped: $corpus not found"
		exit 0
	fi
	echo "bench phrase: making $tok with firth-tokenize" >&2
	firth-tokenize -q --wiki --text8 "$corpus" > "$tok.tmp"
	mv "$tok.tmp" "$tok"
fi
in=$tok
if [ "$lines" -gt 0 ]; then
	head -n "$lines" "$tok" > "$tmp/in.txt"
	in=$tmp/in.txt
fi
echo "bench phrase: input = $in, $(wc -w < "$in") tokens," \
    "$(wc -l < "$in") documents; load $(cut -d' ' -f1-3 /proc/loadavg)" \
    "on $(nproc) cores"

# timed LABEL CMD...: run CMD (stdout to $tmp/out); add its wall and CPU
# seconds to the LABEL totals and keep the largest peak RSS (KiB).
declare -A wall cpu peak
timed() {
	local label=$1 e u s m
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" > "$tmp/out" \
	    2> "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	read -r e u s m < "$tmp/time"
	wall[$label]=$(echo "${wall[$label]:-0} + $e" | bc)
	cpu[$label]=$(echo "${cpu[$label]:-0} + $u + $s" | bc)
	[ "$m" -gt "${peak[$label]:-0}" ] && peak[$label]=$m
	return 0
}

report() {	# report LABEL
	echo "bench phrase: $1 = ${wall[$1]} s wall, ${cpu[$1]} s CPU," \
	    "peak memory $((${peak[$1]} / 1024)) MB"
}

# Distinct joined tokens of a text, one a line, sorted.
phrases() {
	tr ' ' '\n' < "$1" | grep _ | LC_ALL=C sort -u
}

# firth-phrase: count pass 1, apply it, count pass 2 on its output, apply
# both (the database is new, so every count is made here).
db=$tmp/p.db
timed firth firth-phrase -q -d "$db" --count "$in"
timed firth firth-phrase -q -d "$db" -t 200 "$in"
mv "$tmp/out" "$tmp/f1.txt"
timed firth firth-phrase -q -d "$db" --pass 2 --count "$tmp/f1.txt"
timed firth firth-phrase -q -d "$db" --pass 2 -t 100 "$tmp/f1.txt"
mv "$tmp/out" "$tmp/f2.txt"
report firth
echo "bench phrase: firth database = $(( $(stat -c %s "$db") / 1024 / 1024 )) MB"
phrases "$tmp/f1.txt" > "$tmp/f1.set"
phrases "$tmp/f2.txt" > "$tmp/f2.set"
echo "bench phrase: firth phrases = $(wc -l < "$tmp/f1.set") after pass 1," \
    "$(wc -l < "$tmp/f2.set") after pass 2"

if [ -n "$W2P" ]; then
	[ -x "$W2P" ] || { echo "bench phrase: $W2P is not executable" >&2; exit 1; }
	timed word2phrase "$W2P" -train "$in" -output "$tmp/w1.txt" \
	    -threshold 200 -debug 0
	timed word2phrase "$W2P" -train "$tmp/w1.txt" -output "$tmp/w2.txt" \
	    -threshold 100 -debug 0
	report word2phrase
	echo "bench phrase: time ratio firth / word2phrase =" \
	    "$(echo "scale=2; ${wall[firth]} / ${wall[word2phrase]}" | bc) wall," \
	    "$(echo "scale=2; ${cpu[firth]} / ${cpu[word2phrase]}" | bc) CPU"
	for p in 1 2; do
		phrases "$tmp/w$p.txt" > "$tmp/w$p.set"
		both=$(LC_ALL=C comm -12 "$tmp/f$p.set" "$tmp/w$p.set" | wc -l)
		echo "bench phrase: pass $p phrases: firth $(wc -l < "$tmp/f$p.set")," \
		    "word2phrase $(wc -l < "$tmp/w$p.set"), both $both"
	done
	# word2phrase also pairs a line's first word with the line before's
	# last when counting; firth counts inside documents only.
	echo "bench phrase: pass 2 phrases only word2phrase finds (first 5):" \
	    "$(LC_ALL=C comm -13 "$tmp/f2.set" "$tmp/w2.set" | head -5 | tr '\n' ' ')"
	echo "bench phrase: pass 2 phrases only firth finds (first 5):" \
	    "$(LC_ALL=C comm -23 "$tmp/f2.set" "$tmp/w2.set" | head -5 | tr '\n' ' ')"
fi

[ "$analogy" = 1 ] || exit 0
[ -f "$Q" ] || { echo "bench phrase: analogy skipped: $Q not found"; exit 0; }
# Skip-gram as in the issue's reference settings, on each output.
opts="--size 100 --window 5 --negative 5 --sample 1e-4 --min-count 5 --threads 2 --iter $iter"
for t in firth word2phrase; do
	f=$tmp/f2.txt
	[ "$t" = word2phrase ] && { [ -n "$W2P" ] || continue; f=$tmp/w2.txt; }
	/usr/bin/time -f '%e' -o "$tmp/time" firth-sgns -q $opts \
	    --format word2vec-binary -o "$tmp/$t.bin" "$f"
	secs=$(cat "$tmp/time")
	firth-eval -i analogy -v "$tmp/$t.bin" "$Q" > "$tmp/$t.ana" 2>&1 ||
	    { cat "$tmp/$t.ana" >&2; exit 1; }
	echo "bench phrase: analogy ($t output, skip-gram $iter epochs," \
	    "$secs s) = $(tail -n 1 "$tmp/$t.ana")"
done
