#!/usr/bin/env bash
# bench/vocab.sh - firth-vocab on the wiki-dev text8-style tokens (16.25M
# tokens, 96 MB): seconds, MB/s and peak memory, listing (no -d) and into
# a fresh database (-d), with `wc -w' on the same file as a reference
# measured in the same run.  Run from the repository root after `make'.
#
#   TEXT8=/tmp/text8.txt tests/bench/vocab.sh
#
# If $TEXT8 is missing it is made from ../shared/data with the recipe in
# the data README.  Prints "bench vocab: ..." lines.  On a shared machine
# wall time includes waiting for a core; CPU time (user + system) does not.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/bin:$PATH"
TEXT8=${TEXT8:-/tmp/text8.txt}
shared=${FIRTH_SHARED:-$PWD/../shared/data}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-vocab.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -s "$TEXT8" ]; then
	corpus=$shared/corpus/wiki-dev.txt.gz
	if [ ! -f "$corpus" ]; then
		echo "bench vocab: skipped: neither $TEXT8 nor $corpus found"
		exit 0
	fi
	echo "bench vocab: making $TEXT8 from $corpus" >&2
	zcat "$corpus" | perl -ne 'if (/^<doc /) { $d = ""; next }
	  if (/^<\/doc>/) { print "$d\n" if length $d; next }
	  $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$TEXT8.tmp"
	mv "$TEXT8.tmp" "$TEXT8"
fi
mb=$(( $(wc -c < "$TEXT8") / 1000000 ))

# timed LABEL CMD...: runs CMD with stdin from $TEXT8 and stdout to
# $tmp/out; sets secs (wall), cpu (user + system) and kb (peak RSS, KiB).
# Without GNU time, cpu and kb are "?".
timed() {
	local label=$1 user sys t0 t1 mem
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" \
		    < "$TEXT8" > "$tmp/out" 2> "$tmp/err" ||
		    { cat "$tmp/err" >&2; exit 1; }
		read -r secs user sys kb < "$tmp/time"
		cpu=$(printf %.2f "$(echo "$user + $sys" | bc)")
		mem="$((kb / 1024)) MB"
	else
		t0=$(date +%s.%N)
		"$@" < "$TEXT8" > "$tmp/out" 2> "$tmp/err" ||
		    { cat "$tmp/err" >&2; exit 1; }
		t1=$(date +%s.%N)
		secs=$(echo "$t1 - $t0" | bc)
		cpu="?" kb="?" mem="unavailable (no /usr/bin/time)"
	fi
	echo "bench vocab: $label = $secs s wall, $cpu s CPU" \
	    "($(echo "scale=1; $mb / $secs" | bc) MB/s wall), peak memory $mem"
}

ratio() {	# ratio A B: A / B to 2 places, or "?"
	if [ "$1" = "?" ] || [ "$2" = "?" ]; then echo "?"; else
		echo "scale=2; $1 / $2" | bc; fi
}

echo "bench vocab: input = $TEXT8 ($mb MB, $(wc -l < "$TEXT8") lines)"
timed "wc -w (reference)" wc -w
ref=$secs refcpu=$cpu
timed "firth-vocab (listing)" firth-vocab -q
list=$secs listcpu=$cpu
echo "bench vocab: distinct words = $(wc -l < "$tmp/out")"
timed "firth-vocab -d (new database)" firth-vocab -q -d "$tmp/c.db"
db=$secs dbcpu=$cpu
timed "firth-vocab -d (same input again, refused)" \
    firth-vocab -q -d "$tmp/c.db"
echo "bench vocab: database = $(( $(stat -c %s "$tmp/c.db") / 1000000 )) MB," \
    "integrity $(sqlite3 "$tmp/c.db" 'PRAGMA integrity_check' 2>/dev/null ||
    echo '? (no sqlite3)')"
echo "bench vocab: wall time / wc -w: listing $(ratio "$list" "$ref")," \
    "-d $(ratio "$db" "$ref")"
echo "bench vocab: CPU time / wc -w: listing $(ratio "$listcpu" "$refcpu")," \
    "-d $(ratio "$dbcpu" "$refcpu")"

# GloVe's vocab_count in the same run, when GLOVE_VOCAB_COUNT names a
# build of it (not part of firth; the issue quotes about 1.0 s for it).
if [ -n "${GLOVE_VOCAB_COUNT:-}" ] && [ -x "$GLOVE_VOCAB_COUNT" ]; then
	timed "GloVe vocab_count (reference)" "$GLOVE_VOCAB_COUNT"
	echo "bench vocab: firth-vocab listing / GloVe vocab_count:" \
	    "wall $(ratio "$list" "$secs"), CPU $(ratio "$listcpu" "$cpu")"
else
	echo "bench vocab: GloVe reference skipped (set GLOVE_VOCAB_COUNT to its vocab_count)"
fi
