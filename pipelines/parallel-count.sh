#!/usr/bin/env bash
# parallel-count.sh - count a token-text corpus in N slices at once with
# GNU parallel, then merge the slices' databases into one.
#
#   parallel-count.sh -j N -d TARGET.db [--sshlogin LOGIN]... \
#       [firth-cooc options] FILE...
#
#   -j N             slices, and jobs at once on each host (default: cores)
#   -d TARGET.db     the database the slices are merged into (created when
#                    missing; a database with counts gets the slices added)
#   --sshlogin LOGIN run the jobs on LOGIN (as in parallel(1); repeat it
#                    for more hosts, ':' is this host).  Each slice is
#                    copied to the host's login directory, counted there
#                    (firth on the host's PATH, and a --stopwords file at
#                    the same absolute path), and its database copied back
#                    before the merge.  Slices are named after the first
#                    FILE (NAME.1ofN): two runs on one corpus name must not
#                    share a host at once.
#   firth-cooc options: counting options for every slice (-w, --left, -x,
#                    -c, --doc-cap, --stopwords, --close-gaps, -M, -q, -v);
#                    -M, -q and -v apply to the merge too.  Without -M each
#                    job takes 25%/N of its host's memory.
#
# FILE... is token text, one document per line, plain or gzip.  The
# documents are cut, in order and whole, into N slices of about equal
# bytes; each slice is counted into a database of its own (firth-vocab,
# then firth-cooc) as one job of parallel; then firth-cooc --merge sums
# them into TARGET.db in one transaction.  TARGET.db then exports exactly
# what counting the corpus into one database exports.  The same corpus
# and N give the same slices, whose batch digests TARGET.db records, so a
# re-run (from cron, after a failure) changes nothing.  Temporary files go
# to $TMPDIR and are removed on exit, failure and kill.
set -u

prog=parallel-count.sh
jobs= target= logins=() opts=() mergeopts=() files=() mem=

usage() {
	echo "usage: $prog -j N -d TARGET.db [--sshlogin LOGIN]... [firth-cooc options] FILE..." >&2
	exit 2
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	-j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	-d) [ $# -ge 2 ] || usage; target=$2; shift 2 ;;
	--sshlogin) [ $# -ge 2 ] || usage; logins+=("$2"); shift 2 ;;
	--sshlogin=*) logins+=("${1#*=}"); shift ;;
	-h|--help)
		sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0 ;;
	-M|--memory) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--memory=*) mem=${1#*=}; shift ;;
	-q|-v) opts+=("$1"); mergeopts+=("$1"); shift ;;
	# The jobs run in a directory of their own: a relative path would not
	# be found there.
	-S|--stopwords)
		[ $# -ge 2 ] || usage
		case $2 in /*) opts+=("$1" "$2") ;; *) opts+=("$1" "$PWD/$2") ;; esac
		shift 2 ;;
	--stopwords=/*) opts+=("$1"); shift ;;
	--stopwords=*) opts+=("--stopwords=$PWD/${1#*=}"); shift ;;
	-w|-x|-c|-m|-s|--window|--weighting|--context|--doc-cap|--min-count|--max-vocab|--shard-level)
		[ $# -ge 2 ] || usage; opts+=("$1" "$2"); shift 2 ;;
	--) shift; files+=("$@"); break ;;
	-?*) opts+=("$1"); shift ;;
	*) files+=("$1"); shift ;;
	esac
done
[ -n "$target" ] && [ ${#files[@]} -gt 0 ] || usage
[ -n "$jobs" ] || jobs=$(nproc)
case $jobs in
''|*[!0-9]*) die "-j: '$jobs' is not a number of slices" ;;
esac
[ "$jobs" -ge 1 ] && [ "$jobs" -le 1000 ] || die "-j: $jobs slices; 1 to 1000"
command -v parallel > /dev/null || die "GNU parallel not found; install it (package parallel)"
for f in "${files[@]}"; do
	[ -r "$f" ] || die "cannot read $f"
done
if [ -n "$mem" ]; then
	opts+=(-M "$mem")
	mergeopts+=(-M "$mem")
else
	pct=$((25 / jobs))
	[ "$pct" -ge 1 ] || pct=1
	opts+=(-M "$pct%")
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/firth-pcount.XXXXXX") || die "cannot make a temporary directory"
child=
cleanup() {
	if [ -n "$child" ]; then
		# parallel stops starting jobs at the first TERM, kills them
		# at the second; the firth tools remove their own temp files.
		kill -TERM "$child" 2> /dev/null
		sleep 0.2
		kill -TERM "$child" 2> /dev/null
		wait "$child" 2> /dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# run DIR CMD...: CMD in DIR, in the background, so that a signal to
# this script stops the wait (and the trap stops CMD).
run() {
	local dir=$1
	shift
	(cd "$dir" && exec "$@") &
	child=$!
	wait "$child"
	local rc=$?
	child=
	return $rc
}

# One plain stream of whole documents: every file ends a document.
base=$(basename "${files[0]}")
base=${base%.gz}
for f in "${files[@]}"; do
	gzip -cdf -- "$f" | sed -e '$a\' || exit 1
done > "$tmp/corpus" || die "cannot write the corpus to $tmp (is it full?)"
(cd "$tmp" && split -n l/"$jobs" -d -a 4 corpus part.) || die "split failed"
rm -f "$tmp/corpus"

# Slices without a token (a small corpus cut in many) count nothing.
slices=()
for i in $(seq 0 $((jobs - 1))); do
	p=$(printf '%s/part.%04d' "$tmp" "$i")
	name="$base.$((i + 1))of$jobs"
	if grep -q '[^[:space:]]' "$p"; then
		mv "$p" "$tmp/$name"
		slices+=("$name")
	else
		rm -f "$p"
	fi
done
[ ${#slices[@]} -gt 0 ] || die "no tokens in ${files[*]}"

# The job: vocabulary, then co-occurrences, of slice {} into {}.db.
job="firth-vocab -q -d {}.db {} && firth-cooc -d {}.db$(printf ' %q' "${opts[@]}") {}"
popts=(-j "$jobs" --halt now,fail=1 --will-cite)
if [ ${#logins[@]} -gt 0 ]; then
	for l in "${logins[@]}"; do
		popts+=(--sshlogin "$l")
	done
	# GNU parallel's transfer pattern: relative names, so the slice lands
	# in the login directory of a remote host (and stays in $tmp for ':'),
	# and its database comes back here; --cleanup removes both there.
	popts+=(--transferfile {} --return {}.db --cleanup)
fi
run "$tmp" parallel "${popts[@]}" "$job" ::: "${slices[@]}" ||
	die "counting a slice failed; $target is unchanged"

dbs=()
for s in "${slices[@]}"; do
	[ -s "$tmp/$s.db" ] || die "slice $s: no database came back (with --sshlogin: did --return reach this host?)"
	dbs+=("$s.db")
done
case $target in
/*) ;;
*) target="$PWD/$target" ;;
esac
run "$tmp" firth-cooc "${mergeopts[@]}" -d "$target" --merge "${dbs[@]}" ||
	die "merging the slices failed; $target is unchanged"
