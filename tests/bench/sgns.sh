#!/usr/bin/env bash
# tests/bench/sgns.sh - firth-sgns throughput and peak memory on the
# wiki-dev text8-style tokens with the issue's reference settings
# (skip-gram, 100 dimensions, window 5, 5 negatives, sample 1e-4,
# min-count 5, 2 threads; 5 epochs unless SGNS_ITER says otherwise).
#
# The machine is shared, so besides wall time it prints words per thread
# per second and per CPU second of each epoch, and, measured in the same
# run, the rate with --share-negatives 1 (one draw of negatives per
# window) for one epoch: the ratio says what sharing buys here and now.
#
# Run from the repository root with bin/ on PATH.  Prints lines
# "bench sgns: metric = value".
set -eu
top=$(pwd)
shared=${FIRTH_SHARED:-$top/../shared/data}
TEXT8=${TEXT8:-/tmp/text8.txt}
iter=${SGNS_ITER:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-sgns.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$TEXT8" ]; then
	src=$shared/corpus/wiki-dev.txt.gz
	[ -f "$src" ] || { echo "bench sgns: skipped, $src not found"; exit 0; }
	zcat "$src" | perl -ne 'if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$TEXT8"
fi

opts="--size 100 --window 5 --negative 5 --sample 1e-4 --min-count 5 --threads 2"

# rate_of LOG [UNIT]: mean rate in UNIT (words/thread/s) over the epoch
# lines of LOG.
rate_of() {
	awk -v u="${2:-words/thread/s}," '/ epoch / { for (i = 1; i <= NF; i++) if ($(i + 1) == u) { s += $i; n++ } }
	    END { if (n) printf "%.0f\n", s / n; else print "none" }' "$1"
}

/usr/bin/time -f '%e %M' -o "$tmp/time" \
	firth-sgns $opts --iter "$iter" --format word2vec-binary \
	-o "$tmp/vec.bin" "$TEXT8" 2> "$tmp/log"
read -r wall kb < "$tmp/time"
grep ' epoch ' "$tmp/log" | sed 's/^/bench sgns: /'
echo "bench sgns: epochs = $iter"
echo "bench sgns: wall seconds = $wall"
echo "bench sgns: words/thread/s = $(rate_of "$tmp/log")"
echo "bench sgns: words/cpu-s = $(rate_of "$tmp/log" words/cpu-s)"
echo "bench sgns: peak memory KB = $kb"

firth-sgns $opts --iter 1 --share-negatives 1 -o /dev/null "$TEXT8" \
	2> "$tmp/log1"
r0=$(rate_of "$tmp/log" words/cpu-s) r1=$(rate_of "$tmp/log1" words/cpu-s)
echo "bench sgns: words/thread/s (shared negatives, 1 epoch) = $(rate_of "$tmp/log1")"
echo "bench sgns: words/cpu-s (shared negatives, 1 epoch) = $r1"
echo "bench sgns: speed-up of shared negatives, per CPU second = $(awk -v a="$r1" -v b="$r0" 'BEGIN { printf "%.2f", a / b }')"

# The issue's figures use GloVe's evaluate.py convention: questions
# lower-cased (-i), the whole vocabulary, unknown words skipped.
if command -v firth-eval > /dev/null && [ -f "$shared/analogy/questions-words.txt" ]; then
	firth-eval analogy -p glove -i -v "$tmp/vec.bin" \
	    "$shared/analogy/questions-words.txt" 2>&1 |
	    sed -n 's/^/bench sgns: analogy: /; /semantic\|syntactic\|total/p' || true
	firth-eval similarity -v "$tmp/vec.bin" \
	    "$shared/similarity/EN-WS-353-ALL.txt" 2>&1 |
	    sed 's/^/bench sgns: ws353: /' || true
fi
