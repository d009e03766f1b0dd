#!/usr/bin/env bash
# tests/bench/eval.sh - firth-eval analogy speed on Google's questions over
# synthetic random vectors of GloVe's evaluate.py reference shape (85,072
# x 50) and of 85,072 x 300, with the wiki-dev vocabulary (the 85,072
# most frequent words of the text8-style tokens).  Run from the repo root
# with bin/ and build/tests/ on PATH.  Prints "bench eval: metric = value".
#
# The machine is shared, so wall time moves with the load: CPU time (user
# + sys) is printed too, and the brute-force double-precision scorer
# (analogy_ref) is timed on the same 85k x 50 set as an in-run reference.
set -euo pipefail
shared="${FIRTH_SHARED:-../shared/data}"
Q="$shared/analogy/questions-words.txt"
TEXT8="${TEXT8:-/tmp/text8.txt}"
[ -f "$Q" ] || { echo "bench eval: skipped, $Q not found"; exit 0; }
if [ ! -f "$TEXT8" ]; then
	[ -f "$shared/corpus/wiki-dev.txt.gz" ] ||
	    { echo "bench eval: skipped, no corpus"; exit 0; }
	zcat "$shared/corpus/wiki-dev.txt.gz" | perl -ne '
	    if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$TEXT8"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-eval.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# firth-vocab lists most frequent first; head closes the pipe early.
{ firth-vocab -q < "$TEXT8" || true; } | head -n 85072 | awk '{ print $1 }' > "$tmp/vocab"
[ "$(wc -l < "$tmp/vocab")" -eq 85072 ] || { echo "bench eval: vocabulary too small"; exit 1; }
for d in 50 300; do
	awk -v d="$d" 'BEGIN { srand(3) } { printf "%s", $1
	    for (k = 0; k < d; k++) printf " %.6f", rand() - 0.5; printf "\n" }' \
	    "$tmp/vocab" > "$tmp/v$d.txt"
	firth-eval convert -f word2vec-binary -v "$tmp/v$d.txt" > "$tmp/v$d.bin"
done

run() {	# run NAME COMMAND...: wall, cpu and peak memory of one command
	local name=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > "$tmp/out" 2> /dev/null
	read -r wall user sys kb < "$tmp/time"
	echo "bench eval: ${name}_wall_s = $wall"
	echo "bench eval: ${name}_cpu_s = $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
	echo "bench eval: ${name}_peak_kb = $kb"
}

# Lower-case, as GloVe's question-data: the vocabulary is lower-case.
tr A-Z a-z < "$Q" > "$tmp/questions.txt"
Q="$tmp/questions.txt"
nq=$(grep -vc '^:' "$Q")
echo "bench eval: questions = $nq"
echo "bench eval: load_avg = $(cut -d' ' -f1 /proc/loadavg)"
run analogy_85k_50_text firth-eval analogy -v "$tmp/v50.txt" "$Q"
run analogy_85k_50_bin firth-eval analogy -v "$tmp/v50.bin" "$Q"
run analogy_85k_300_bin firth-eval analogy -v "$tmp/v300.bin" "$Q"
run analogy_85k_50_mul firth-eval analogy -m mul -v "$tmp/v50.bin" "$Q"
run analogy_ref_85k_50 analogy_ref "$tmp/v50.bin" "$Q"
a=$(firth-eval analogy -t -v "$tmp/v50.bin" "$Q" | awk -F'\t' '$1 == "total" { print $3, $4 }')
echo "bench eval: fast_vs_ref_85k_50 (correct seen) = $a / $(cut -d' ' -f1,2 "$tmp/out")"
echo "bench eval: glove_evaluate_py_reference_s = 7.5 (issue 5 figure; numpy is not installed here, not measured)"
