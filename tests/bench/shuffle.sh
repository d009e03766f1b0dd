#!/usr/bin/env bash
# tests/bench/shuffle.sh - firth-shuffle throughput and peak memory.
#
# The input is made by gen_cooc (random records, seeded): 60,678,970 cooc
# records over 85,072 words, the size of the wiki-dev export (window 15,
# min-count 5), 728 MB of raw records.  Cases, each timed with
# /usr/bin/time (wall, user + system CPU, peak RSS):
#
#   mem-l1    the defaults: level-1 input, in memory (-M 1G), level-1 output
#   mem-l0    stored input and output (-l 0), as in a local pipe
#   spill-l0  -M 256M: two chunks spilled to $TMPDIR, the third kept
#   spill-l1  -M 256M with level-1 input and output
#   glove     GloVe's shuffle on the same records, raw, -memory 1.0, when
#             GLOVE_SHUFFLE names its binary (built with `real' as float so
#             that both move the same 12-byte records)
#
# On a shared machine wall time follows the load; the CPU time ratio
# against GloVe in the same run is the steadier figure.  Output goes to a
# file in the scratch directory, so writing it is part of the cost.
# SHUFFLE_BENCH_RECORDS makes the input smaller for a quick try.
set -eu
n=${SHUFFLE_BENCH_RECORDS:-60678970}
words=85072
scratch=$(mktemp -d "${TMPDIR:-/tmp}/shuffle-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/tmp"
export TMPDIR="$scratch/tmp"
mb=$(awk -v n="$n" 'BEGIN { printf "%.1f", n * 12 / 1e6 }')

echo "bench shuffle: records = $n ($mb MB raw, $words words)"
gen_cooc -n "$n" -V "$words" -s 1 -l 1 > "$scratch/in1.fs"
gen_cooc -n "$n" -V "$words" -s 1 -l 0 > "$scratch/in0.fs"

# measure NAME COMMAND...: time one run, print its figures, remember them.
declare -A wall cpu
measure() {
	local name=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$scratch/time" "$@" \
	    > "$scratch/out" 2> "$scratch/err" || {
		echo "bench shuffle: $name failed:" >&2
		cat "$scratch/err" >&2
		return 1
	}
	read -r w u s m < "$scratch/time"
	wall[$name]=$w
	cpu[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	awk -v name="$name" -v n="$n" -v w="$w" -v c="${cpu[$name]}" -v m="$m" '
	BEGIN {
		printf "bench shuffle: %s wall = %.2f s\n", name, w
		printf "bench shuffle: %s cpu = %.2f s\n", name, c
		printf "bench shuffle: %s throughput = %.2f M records/s\n", name, n / w / 1e6
		printf "bench shuffle: %s throughput = %.1f MB/s\n", name, n * 12 / w / 1e6
		printf "bench shuffle: %s peak memory = %.0f MB\n", name, m / 1024
	}'
	if [ -n "$(ls -A "$TMPDIR")" ]; then
		echo "bench shuffle: $name left files in \$TMPDIR" >&2
		return 1
	fi
	rm -f "$scratch/out"
}

measure mem-l1 firth-shuffle -q -s 1 "$scratch/in1.fs"
measure mem-l0 firth-shuffle -q -s 1 -l 0 "$scratch/in0.fs"
measure spill-l0 firth-shuffle -q -s 1 -l 0 -M 256M "$scratch/in0.fs"
measure spill-l1 firth-shuffle -q -s 1 -M 256M "$scratch/in1.fs"

if [ -n "${GLOVE_SHUFFLE:-}" ] && [ -x "$GLOVE_SHUFFLE" ]; then
	gen_cooc -n "$n" -V "$words" -s 1 -r > "$scratch/in.raw"
	rm -f "$scratch/in0.fs"
	measure glove "$GLOVE_SHUFFLE" -verbose 0 -memory 1.0 -seed 1 \
	    -temp-file "$scratch/glove" < "$scratch/in.raw"
	for name in mem-l1 mem-l0 spill-l0 spill-l1; do
		awk -v name="$name" -v fw="${wall[$name]}" -v gw="${wall[glove]}" \
		    -v fc="${cpu[$name]}" -v gc="${cpu[glove]}" 'BEGIN {
			printf "bench shuffle: %s / glove wall = %.2f\n", name, fw / gw
			printf "bench shuffle: %s / glove cpu = %.2f\n", name, fc / gc
		}'
	done
else
	echo "bench shuffle: glove reference skipped (set GLOVE_SHUFFLE to GloVe's shuffle binary)"
fi
