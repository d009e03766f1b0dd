#!/usr/bin/env bash
# tests/bench/cooc.sh - firth-cooc counting and export on the wiki-dev
# text8-style tokens (16.25M tokens): window 15, harmonic, symmetric,
# export min-count 5.  The issue's yardstick is GloVe's cooccur on the
# same text and settings: about 22.5 s and 2 GB on this machine class.
# The machine is shared, so each figure is the best of RUNS (default 3)
# and firth-vocab on the same text is timed in the same run as a
# yardstick of how busy the machine is.  Prints "bench cooc: ..." lines.
set -eu
cd "$(dirname "$0")/../.."
export PATH="$PWD/bin:$PATH"
TMPDIR=${TMPDIR:-/tmp}
runs=${RUNS:-3}
mem=${MEM:-2G}
text8=${TEXT8:-/tmp/text8.txt}
if [ ! -s "$text8" ]; then
	gz="${FIRTH_SHARED:-../shared/data}/corpus/wiki-dev.txt.gz"
	[ -f "$gz" ] || { echo "bench cooc: skipped ($gz not found)"; exit 0; }
	text8="$TMPDIR/text8.txt"
	zcat "$gz" | perl -ne 'if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$text8"
fi
db="$TMPDIR/bench-cooc.$$.db"
out="$TMPDIR/bench-cooc.$$.fs"
trap 'rm -f "$db" "$db-wal" "$db-shm" "$out" "$TMPDIR"/bench-cooc.$$.t' EXIT

# timed LABEL CMD...: wall seconds, user+sys seconds and peak KB into $T
timed() {
	/usr/bin/time -f '%e %U %S %M' -o "$TMPDIR/bench-cooc.$$.t" "$@"
	read -r T_WALL T_U T_S T_KB < "$TMPDIR/bench-cooc.$$.t"
	T_CPU=$(echo "$T_U + $T_S" | bc)
}

best() { printf '%s\n' "$@" | sort -g | head -1; }

# bench_mode LABEL COUNTOPTS: count and export RUNS times, print the best.
bench_mode() {
	local label=$1 opts=$2
	local vw=() cw=() cc=() ck=() ew=() ec=() ek=() e1=() i
	for i in $(seq "$runs"); do
		rm -f "$db" "$db-wal" "$db-shm"
		timed firth-vocab -q -d "$db" "$text8"
		vw+=("$T_WALL")
		# shellcheck disable=SC2086
		timed firth-cooc -q -M "$mem" $opts -d "$db" "$text8"
		cw+=("$T_WALL") cc+=("$T_CPU") ck+=("$T_KB")
		timed sh -c "firth-cooc -q -M $mem -d '$db' --export -m 5 -l 0 > '$out'"
		ew+=("$T_WALL") ec+=("$T_CPU") ek+=("$T_KB")
		if [ "$i" -eq 1 ]; then
			timed sh -c "firth-cooc -q -M $mem -d '$db' --export -m 5 -l 1 > /dev/null"
			e1+=("$T_WALL")
		fi
	done
	local pairs words stored dbbytes bw be
	pairs=$(firth-cat -H "$out" | awk '/^count:/ { print $2 }')
	words=$(firth-cat -H "$out" | awk '/^vocabulary:/ { print $2 }')
	stored=$(sqlite3 "$db" 'SELECT sum(records), sum(length(data)) FROM shards')
	dbbytes=$(stat -c %s "$db")
	bw=$(best "${cw[@]}") be=$(best "${ew[@]}")
	echo "bench cooc [$label]: firth-vocab wall = $(best "${vw[@]}") s (yardstick of how busy the machine is)"
	echo "bench cooc [$label]: count wall = $bw s (runs: ${cw[*]}), cpu = $(best "${cc[@]}") s, peak = $(( $(best "${ck[@]}") / 1024 )) MB"
	echo "bench cooc [$label]: export -l 0 wall = $be s (runs: ${ew[*]}), cpu = $(best "${ec[@]}") s, peak = $(( $(best "${ek[@]}") / 1024 )) MB; export -l 1 wall = ${e1[0]} s"
	echo "bench cooc [$label]: count + export wall = $(echo "$bw + $be" | bc) s (GloVe cooccur: about 22.5 s; target 11.25 s)"
	echo "bench cooc [$label]: exported = $pairs records, $words words; stored pairs = ${stored%|*} (symmetric pairs kept once)"
	echo "bench cooc [$label]: database = $dbbytes bytes = $(echo "scale=2; $dbbytes / ${stored%|*}" | bc) bytes per stored pair, $(echo "scale=2; $dbbytes / $pairs" | bc) per exported record"
}

echo "bench cooc: text = $text8 ($(stat -c %s "$text8") bytes), -M $mem, window 15 harmonic symmetric, best of $runs"
bench_mode "all words" ""
bench_mode "GloVe's: --min-count 5 --close-gaps" "--min-count 5 --close-gaps"
