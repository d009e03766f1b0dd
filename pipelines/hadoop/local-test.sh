#!/usr/bin/env bash
# local-test.sh - the Hadoop Streaming contract simulated on one machine,
# checked against a one-database count.
#
#   local-test.sh [-n SPLITS] [-R REDUCERS] FILE [firth-cooc counting options]
#
# FILE (token text, one document per line, plain or gzip) is cut into
# SPLITS input splits of whole lines (default 3), as Hadoop's input format
# does; each split goes through mapper.sh; the map output is partitioned
# by key among REDUCERS reducers (default 2), each partition sorted with
# LC_ALL=C sort (the shuffle's byte order) and summed by reducer.sh; the
# reducers' outputs are imported with firth-cooc --import.  The export
# and the word list of that database must be byte for byte those of
# firth-vocab and firth-cooc counting FILE into one database.  Exit 0 and
# one line "local-test.sh: ok ..." when they are; 1 otherwise.
set -u

prog=local-test.sh
here=$(cd "$(dirname "$0")" && pwd)
nsplit=3 nred=2

die() {
	echo "$prog: $*" >&2
	exit 1
}

while getopts n:R:h opt; do
	case $opt in
	n) nsplit=$OPTARG ;;
	R) nred=$OPTARG ;;
	*) echo "usage: $prog [-n SPLITS] [-R REDUCERS] FILE [firth-cooc options]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $prog [-n SPLITS] [-R REDUCERS] FILE [firth-cooc options]" >&2; exit 2; }
file=$1
shift
[ -r "$file" ] || die "cannot read $file"
case $nsplit$nred in
*[!0-9]*) die "-n and -R take numbers" ;;
esac
[ "$nsplit" -ge 1 ] && [ "$nred" -ge 1 ] || die "-n and -R: at least 1"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/firth-hadoop.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

gzip -cdf -- "$file" | sed -e '$a\' > "$tmp/corpus.txt" || die "cannot read $file"
(cd "$tmp" && split -n l/"$nsplit" -d -a 4 corpus.txt split.) || die "split failed"

# Map: each split on its own, as a task would see it.
for s in "$tmp"/split.*; do
	"$here/mapper.sh" "$@" < "$s" > "$s.map" || die "mapper failed on $(basename "$s")"
done
# Shuffle: partition by key (as a hash partitioner would, all records of
# a key to one reducer), then sort each partition by bytes.
cat "$tmp"/split.*.map | awk -F '\t' -v R="$nred" -v dir="$tmp" '
	{ h = length($1) * 31 + (substr($1, length($1)) < "m"); print > (dir "/part." (h % R)) }' ||
	die "partitioning failed"
for r in $(seq 0 $((nred - 1))); do
	touch "$tmp/part.$r"
	LC_ALL=C sort "$tmp/part.$r" | "$here/reducer.sh" > "$tmp/out.$r" ||
		die "reducer $r failed"
done

# Load, and count the same file into one database.
cat "$tmp"/out.* | firth-cooc -q -d "$tmp/hadoop.db" --import ||
	die "firth-cooc --import failed"
firth-vocab -q -d "$tmp/one.db" "$tmp/corpus.txt" || die "firth-vocab failed"
firth-cooc -q -d "$tmp/one.db" "$@" "$tmp/corpus.txt" || die "firth-cooc failed"

cmp -s <(firth-cooc -q -d "$tmp/one.db" --export -l 0) \
    <(firth-cooc -q -d "$tmp/hadoop.db" --export -l 0) ||
	die "the export differs from a one-database count"
cmp -s <(firth-vocab -d "$tmp/one.db" --list) <(firth-vocab -d "$tmp/hadoop.db" --list) ||
	die "the word list differs from a one-database count"
echo "$prog: ok: $nsplit splits, $(cat "$tmp"/split.*.map | wc -l) map records, $(cat "$tmp"/out.* | wc -l) reduced, export identical to a one-database count"
