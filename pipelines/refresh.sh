#!/bin/sh
# refresh.sh - the cron job of a growing corpus: add new files to a corpus
# database (vocabulary, then co-occurrences), export the co-occurrence
# stream, and optionally retrain.
#
#   refresh.sh -d DB -o EXPORT [-r [-T 'TOKENIZE OPTIONS']] [-m N] [-t CMD]
#              [-c 'COOC OPTIONS'] [-L LOCK] [-w SECONDS] FILE...
#
#   -d DB       corpus database (created by the first run)
#   -o EXPORT   where the co-occurrence stream goes (replaced atomically)
#   -r          FILEs are raw text: tokenize them with firth-tokenize first
#               (default: they are token text already, plain or gzip)
#   -T OPTS     with -r: options for firth-tokenize, e.g. '-w -8' (first
#               run fixes them, kept in DB.tokens/options)
#   -m N        export words counted at least N times (default 5)
#   -t CMD      run CMD after the export (e.g. a trainer); it sees $EXPORT
#   -c OPTS     counting options for firth-cooc (first run fixes them)
#   -L LOCK     lock file (default DB.lock)
#   -w SECONDS  when another run holds the lock, wait up to SECONDS for it
#               (then fail) instead of exiting at once
#
# One run at a time: a second run while one holds the lock logs that and
# exits 0, leaving its files to the next run (give every file each time,
# as with new/*.txt: files already counted are skipped); with -w it waits
# and then adds its own files, so runs given different files lose none.
# One log line per step on stdout.  Any failing step stops the run
# with a non-zero exit.  Every step is one transaction or an atomic rename,
# and the tools refuse an input they have already counted, so a run killed
# at any moment (kill -9 included) leaves the database consistent and the
# next run completes the batch with exact counts.
set -u

prog=refresh.sh
db= export= raw=0 mincount=5 train= coocopts= tokopts= tokset=0 lock= wait=

log() {
	printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$prog" "$*"
}

fail() {
	log "FAILED: $*"
	exit 1
}

# tmpbeside FILE: a new, empty temporary file beside FILE, created
# exclusively (mktemp) with a name no one can guess, so nothing planted
# in advance redirects the write; the mode a plain redirection would give.
tmpbeside() {
	_t=$(mktemp "$(dirname -- "$1")/.$(basename -- "$1").firth-tmp.XXXXXX") &&
	    chmod "$(printf '%o' $((0666 & ~0$(umask))))" "$_t" && printf '%s\n' "$_t"
}

usage() {
	echo "usage: $prog -d DB -o EXPORT [-r [-T OPTS]] [-m N] [-t CMD] [-c OPTS] [-L LOCK] [-w SECONDS] FILE..." >&2
	exit 2
}

while getopts d:o:rT:m:t:c:L:w:h opt; do
	case $opt in
	d) db=$OPTARG ;;
	o) export=$OPTARG ;;
	r) raw=1 ;;
	T) tokopts=$OPTARG tokset=1 ;;
	m) mincount=$OPTARG ;;
	t) train=$OPTARG ;;
	c) coocopts=$OPTARG ;;
	L) lock=$OPTARG ;;
	w) wait=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $wait in
*[!0-9]*)
	echo "$prog: -w: '$wait' is not a number of seconds" >&2
	exit 2 ;;
esac
[ -n "$db" ] && [ -n "$export" ] && [ $# -gt 0 ] || usage
if [ "$tokset" -eq 1 ] && [ "$raw" -eq 0 ]; then
	echo "$prog: -T gives firth-tokenize options, so it needs -r" >&2
	usage
fi
[ -n "$lock" ] || lock="$db.lock"
command -v flock > /dev/null || fail "flock(1) not found (util-linux)"

# The lock is held by file descriptor 9 for the whole run; the kernel
# drops it when the process dies, however it dies.
exec 9>> "$lock" || fail "cannot open lock file $lock"
if ! flock -n 9; then
	if [ -z "$wait" ]; then
		log "another refresh holds $lock; nothing done"
		exit 0
	fi
	log "another refresh holds $lock; waiting up to $wait s"
	flock -w "$wait" 9 ||
	    fail "another refresh still holds $lock after $wait s; nothing done"
fi
log "start: $# file(s) into $db"

# Run a tool; its one-line summary (or error) goes into this step's log line.
step() {	# step NAME COMMAND...
	name=$1
	shift
	if out=$("$@" 2>&1); then
		log "$name: $(printf '%s' "${out:-ok}" | tr '\n' ' ')"
	else
		fail "$name: $(printf '%s' "$out" | tr '\n' ' ')"
	fi
}

# The tokenizer options of the first -r run that tokenized a file are kept
# next to the database: a later run inherits them, and refuses others, since
# counts made with two tokenizations would not add up.
if [ "$raw" -eq 1 ]; then
	command -v firth-tokenize > /dev/null ||
	    fail "-r needs firth-tokenize on PATH"
	mkdir -p -- "$db.tokens" || fail "cannot create $db.tokens"
	if [ -f "$db.tokens/options" ]; then
		first=$(cat -- "$db.tokens/options") ||
		    fail "cannot read $db.tokens/options"
		[ "$tokset" -eq 1 ] || tokopts=$first
		[ "$tokopts" = "$first" ] ||
		    fail "-T '$tokopts' differs from the first run's '$first' ($db.tokens/options); counts of two tokenizations would not add up"
	fi
fi

for f in "$@"; do
	[ -r "$f" ] || fail "cannot read $f"
	tok=$f
	if [ "$raw" -eq 1 ]; then
		# Deterministic output: a rerun tokenizes to the same bytes,
		# which the database recognises as already counted.  Plain
		# sh has no pipefail, so the tokens go through a file to let
		# a failing firth-tokenize stop the run.
		tok="$db.tokens/$(basename -- "$f").tok.gz"
		raw_tmp=$(tmpbeside "$tok.raw") || fail "tokenize $f: cannot create a file beside $tok"
		# shellcheck disable=SC2086 # OPTS are words on purpose
		if ! out=$(firth-tokenize $tokopts < "$f" 2>&1 > "$raw_tmp"); then
			rm -f "$raw_tmp"
			fail "tokenize $f: $(printf '%s' "$out" | tr '\n' ' ')"
		fi
		gz_tmp=$(tmpbeside "$tok") || fail "tokenize $f: cannot create a file beside $tok"
		gzip -1 < "$raw_tmp" > "$gz_tmp" || { rm -f "$raw_tmp" "$gz_tmp"; fail "tokenize $f: gzip failed"; }
		rm -f "$raw_tmp"
		mv "$gz_tmp" "$tok" || fail "tokenize $f: cannot rename"
		# Recorded once they have worked, so a typo does not stick.
		if [ ! -f "$db.tokens/options" ]; then
			opt_tmp=$(tmpbeside "$db.tokens/options") ||
			    fail "cannot create a file beside $db.tokens/options"
			printf '%s\n' "$tokopts" > "$opt_tmp" ||
			    fail "cannot write $opt_tmp"
			mv "$opt_tmp" "$db.tokens/options" ||
			    fail "cannot rename to $db.tokens/options"
		fi
		log "tokenize $f: ${out:+$(printf '%s' "$out" | tr '\n' ' '); }$(wc -c < "$tok") bytes gzip"
	fi
	# "--": a file named -n.txt is a file, not an option.
	step "vocab $f" firth-vocab -d "$db" -- "$tok"
	# shellcheck disable=SC2086 # OPTS are words on purpose
	step "cooc $f" firth-cooc -d "$db" $coocopts -- "$tok"
done

exp_tmp=$(tmpbeside "$export") || fail "export: cannot create a file beside $export"
if ! firth-cooc -q -d "$db" --export -m "$mincount" > "$exp_tmp"; then
	rm -f "$exp_tmp"
	fail "export"
fi
mv "$exp_tmp" "$export" || fail "export: cannot rename to $export"
log "export: $(wc -c < "$export") bytes to $export (min count $mincount)"

if [ -n "$train" ]; then
	EXPORT=$export
	export EXPORT
	step "train" sh -c "$train"
fi
log "done"
