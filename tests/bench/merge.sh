#!/usr/bin/env bash
# tests/bench/merge.sh - firth-cooc --merge of the wiki-dev text8-style
# tokens cut into SLICES (default 4) slices by document, against one
# database counting the whole text (firth-vocab + firth-cooc, window 15)
# in the same run; checks that both export the same bytes and list the
# same words.  One run each (the slices' counting is not timed).  Wall
# time on a shared machine varies with its load, so CPU time (user +
# sys) is printed too and the ratio is given for both.  Prints
# "bench merge: ..." lines.
set -eu
cd "$(dirname "$0")/../.."
export PATH="$PWD/bin:$PATH"
TMPDIR=${TMPDIR:-/tmp}
slices=${SLICES:-4}
text8=${TEXT8:-/tmp/text8.txt}
if [ ! -s "$text8" ]; then
	gz="${FIRTH_SHARED:-../shared/data}/corpus/wiki-dev.txt.gz"
	[ -f "$gz" ] || { echo "bench merge: skipped ($gz not found)"; exit 0; }
	text8="$TMPDIR/text8.txt"
	zcat "$gz" | perl -ne 'if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$text8"
fi
dir=$(mktemp -d "$TMPDIR/bench-merge.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# timed CMD...: wall seconds, CPU seconds and peak KB into T_*
timed() {
	/usr/bin/time -f '%e %U %S %M' -o "$dir/t" "$@"
	read -r T_WALL T_U T_S T_KB < "$dir/t"
	T_CPU=$(echo "$T_U + $T_S" | bc)
}

(cd "$dir" && split -n l/"$slices" -d -a 3 "$text8" s.)
dbs=()
for s in "$dir"/s.*; do
	firth-vocab -q -d "$s.db" "$s"
	firth-cooc -q -d "$s.db" "$s"
	dbs+=("$s.db")
done
load=$(cut -d ' ' -f 1 /proc/loadavg)
timed firth-cooc -q -d "$dir/merged.db" --merge "${dbs[@]}"
m_wall=$T_WALL m_cpu=$T_CPU m_kb=$T_KB
timed firth-vocab -q -d "$dir/one.db" "$text8"
v_wall=$T_WALL v_cpu=$T_CPU
timed firth-cooc -q -d "$dir/one.db" "$text8"
c_wall=$T_WALL c_cpu=$T_CPU c_kb=$T_KB
same=no
if cmp -s <(firth-cooc -q -d "$dir/one.db" --export -l 0) \
    <(firth-cooc -q -d "$dir/merged.db" --export -l 0) &&
    cmp -s <(firth-vocab -d "$dir/one.db" --list) \
    <(firth-vocab -d "$dir/merged.db" --list); then
	same=yes
fi
echo "bench merge: slices = $slices, load average at start = $load"
echo "bench merge: merge wall = $m_wall s, cpu = $m_cpu s, peak = $((m_kb / 1024)) MB"
echo "bench merge: one-database count wall = $v_wall s (vocab) + $c_wall s (cooc), cpu = $v_cpu + $c_cpu s, cooc peak = $((c_kb / 1024)) MB"
echo "bench merge: merge / count ratio wall = $(echo "scale=2; $m_wall / ($v_wall + $c_wall)" | bc), cpu = $(echo "scale=2; $m_cpu / ($v_cpu + $c_cpu)" | bc)"
echo "bench merge: export and word list identical to the one-database count = $same"
[ "$same" = yes ]
