#!/bin/sh
# mapper.sh - Hadoop Streaming mapper: count one input split and write its
# counts as text records keyed by words (firth-cooc --dump), for the
# shuffle to bring equal keys together and reducer.sh to sum them.
#
#   mapper.sh [-r] [firth-cooc counting options]
#
#   -r   the split is raw text: tokenize it with firth-tokenize first
#        (default: token text, one document per line)
#
# Reads the split on standard input (Hadoop passes the lines of a split,
# each whole), writes records on standard output.  Scratch files go to
# $TMPDIR and are removed on exit.  A split without a token writes
# nothing.  Word-document contexts (-c worddoc) cannot be counted this
# way: their document numbers are per database.
set -eu

raw=0
if [ "${1:-}" = -r ]; then
	raw=1
	shift
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/firth-map.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

if [ "$raw" = 1 ]; then
	firth-tokenize -q > "$tmp/split.txt"
else
	cat > "$tmp/split.txt"
fi
grep -q '[^[:space:]]' "$tmp/split.txt" || exit 0
firth-vocab -q -d "$tmp/split.db" "$tmp/split.txt"
firth-cooc -q -d "$tmp/split.db" "$@" "$tmp/split.txt"
firth-cooc -q -d "$tmp/split.db" --dump
