#!/usr/bin/env bash
# tests/bench/tokenize.sh - firth-tokenize throughput and peak memory on
# wiki-dev (110 MB of mostly-ASCII English), decompressed first into
# $TMPDIR so that gzip's time is not counted, and on a single 200 MB line
# read from a pipe.
#
# Run from the repository root with bin/ on PATH.  The machine may be
# shared, so besides wall-clock MB/s it reports MB/s of CPU time (user +
# sys) and, as ratios taken in the same run, the speed against `wc -w'
# (a plain byte scan) and against the perl text8 recipe of the data
# README (the same job as --wiki --text8).
set -eu
top=$(pwd)
export PATH="$top/bin:$PATH"
shared=${FIRTH_SHARED:-$top/../shared/data}
corpus=$shared/corpus/wiki-dev.txt.gz
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-tokenize.XXXXXX")
trap 'rm -rf "$work"' EXIT

say() { printf 'bench tokenize: %s\n' "$*"; }

if [ ! -f "$corpus" ]; then
	say "skipped: $corpus not found"
	exit 0
fi
zcat "$corpus" > "$work/wiki.txt"
bytes=$(wc -c < "$work/wiki.txt")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
say "input = wiki-dev, $mb MB decompressed"

# run NAME CMD...: time CMD on wiki.txt, output to /dev/null; prints the
# figures and leaves "wall cpu" in $work/NAME.
run() {
	local name=$1
	shift
	cat "$work/wiki.txt" > /dev/null	# warm the page cache
	/usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" \
	    "$@" < "$work/wiki.txt" > /dev/null
	read -r wall user sys rss < "$work/$name.time"
	awk -v n="$name" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" \
	    -v m="$rss" 'BEGIN {
		c = u + s; if (w <= 0) w = 0.01; if (c <= 0) c = 0.01
		printf "bench tokenize: %s: wall = %.2f s, MB/s = %.1f, " \
		    "cpu MB/s = %.1f, peak memory = %.1f MB\n",
		    n, w, b / 1e6 / w, b / 1e6 / c, m / 1024 }'
	echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" > "$work/$name"
}

run "default (lines)" firth-tokenize -q
run "--wiki" firth-tokenize -q --wiki
run "--wiki --text8" firth-tokenize -q --wiki --text8
run "--wiki -P --numbers map" firth-tokenize -q --wiki -P --numbers map
run "wc -w (reference scan)" wc -w
run "perl text8 recipe (reference)" perl -ne '
	if (/^<doc /) { $d = ""; next }
	if (/^<\/doc>/) { print "$d\n" if length $d; next }
	$_ = lc $_; s/[^a-z]+/ /g; $d .= $_;'

ratio() {	# ratio A B: cpu time of B over cpu time of A
	awk -v a="$(cut -d' ' -f2 "$work/$1")" -v b="$(cut -d' ' -f2 "$work/$2")" \
	    'BEGIN { if (a <= 0) a = 0.01; printf "%.2f", b / a }'
}
say "speed ratio --wiki / wc -w = $(ratio "--wiki" "wc -w (reference scan)") (cpu time of wc over ours)"
say "speed ratio --wiki --text8 / perl recipe = $(ratio "--wiki --text8" "perl text8 recipe (reference)")"

# Agreement with text8 on the whole corpus: each of our lines must be a
# line of the text8-style reference less the article's title.
TEXT8=${TEXT8:-/tmp/text8.txt}
if [ -s "$TEXT8" ]; then
	firth-tokenize -q --wiki --text8 "$work/wiki.txt" > "$work/ours8.txt"
	awk 'NR == FNR { o[++n] = $0; next }
	    { sub(/ +$/, "") }
	    i < n && ($0 == o[i + 1] || substr($0, length($0) - length(o[i + 1])) == " " o[i + 1]) { i++; next }
	    { skipped++ }
	    END { printf "bench tokenize: text8 agreement: %d of %d lines are " \
		"reference lines less the title, in order; %d reference lines " \
		"have none (articles whose only a-z words are the title)\n",
		i, n, skipped }' \
	    "$work/ours8.txt" "$TEXT8"
else
	say "text8 agreement: skipped, $TEXT8 not found"
fi

# Mostly non-ASCII text: the first 20 MB with letters made Greek, so that
# nearly every word goes through utf8proc (NFKC + case folding).
head -c 20000000 "$work/wiki.txt" |
    perl -CSD -pe 'tr/a-yA-Y/\x{3b1}-\x{3c9}\x{391}-\x{3a9}/' > "$work/greek.txt"
gbytes=$(wc -c < "$work/greek.txt")
/usr/bin/time -f '%e %U %S %M' -o "$work/greek.time" \
    firth-tokenize -q --wiki "$work/greek.txt" > /dev/null
read -r wall user sys rss < "$work/greek.time"
awk -v b="$gbytes" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
	c = u + s; if (w <= 0) w = 0.01; if (c <= 0) c = 0.01
	printf "bench tokenize: Greek-lettered wiki (%.1f MB, non-ASCII words): " \
	    "wall = %.2f s, MB/s = %.1f, cpu MB/s = %.1f\n", b / 1e6, w,
	    b / 1e6 / w, b / 1e6 / c }'

# A single line of 200 MB from a pipe: memory must not grow with it.
/usr/bin/time -f '%e %M' -o "$work/long.time" sh -c \
    'yes "abc Def, 12" | head -c 200000000 | tr "\n" " " |
	firth-tokenize -q | wc -lw' > "$work/long.out"
read -r lines words < "$work/long.out"
read -r wall rss < "$work/long.time"
say "200 MB single line: lines = $lines, tokens = $words, wall = $wall s, peak memory = $(awk -v m="$rss" 'BEGIN { printf "%.1f", m / 1024 }') MB (largest process in the pipe)"
