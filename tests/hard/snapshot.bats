#!/usr/bin/env bats
# make check-hard: readers racing writers with no test hook (issue 14,
# items 1 and 2).  Each of SNAPSHOT_N (default 20) rounds runs the
# readers firth-cooc --export -M 1M (the multi-pass path), firth-cooc
# --dump and firth-vocab --list in the background twice: while
# firth-vocab adds a file with a new word, then while firth-cooc counts
# it, each writer starting after a delay that varies by round.  Every
# read must equal, byte for byte, the state before that commit or the
# state after it.

bats_require_minimum_version 1.5.0
load ../harden-lib

# words SEED LINES: LINES lines of 12 words drawn from 800 (a fixed LCG),
# each line ending with the word n SEED.
words() {
	awk -v s="$1" -v n="$2" 'BEGIN { t = s;
	    for (i = 0; i < n; i++) { l = "";
	        for (j = 0; j < 12; j++) { s = (s * 1103515245 + 12345) % 2147483648;
	            l = l "w" int(s / 65536) % 800 " " }
	        print l "n" t } }'
}

setup() {
	is_hard || skip "long: make check-hard"
	cd "$BATS_TEST_TMPDIR"
}

# state PREFIX: what each reader reads now, into PREFIX.fs .txt .list
state() {
	firth-cooc -q -d c.db --export -M 1M > "$1.fs"
	firth-cooc -q -d c.db --dump > "$1.txt"
	firth-vocab -d c.db --list > "$1.list"
}

# race ROUND WRITER...: the readers in the background, WRITER meanwhile;
# each read must be the state s (before) or t (after).  Prints what
# failed; returns 1 then.
race() {
	local round=$1 bad=0 pe pd pl
	shift
	state s
	firth-cooc -q -d c.db --export -M 1M > r.fs 2> re.err & pe=$!
	firth-cooc -q -d c.db --dump > r.txt 2> rd.err & pd=$!
	firth-vocab -d c.db --list > r.list 2> rl.err & pl=$!
	sleep "0.0$((round % 10))"
	"$@"
	wait "$pe" || { echo "round $round: export: $(cat re.err)"; bad=1; }
	wait "$pd" || { echo "round $round: dump: $(cat rd.err)"; bad=1; }
	wait "$pl" || { echo "round $round: list: $(cat rl.err)"; bad=1; }
	state t
	for x in fs txt list; do
		cmp -s "r.$x" "s.$x" || cmp -s "r.$x" "t.$x" ||
		    { echo "round $round: the .$x read is a mix of states"; bad=1; }
	done
	return "$bad"
}

@test "readers of the database see the state before or after each commit, never a mix" {
	local n=${SNAPSHOT_N:-20} i bad=0
	words 0 2000 > b0.txt
	firth-vocab -q -d c.db b0.txt
	firth-cooc -q -d c.db -w 5 b0.txt
	for i in $(seq "$n"); do
		words "$i" 300 > "b$i.txt"
		race "$i" firth-vocab -q -d c.db "b$i.txt" || bad=1
		race "$i" firth-cooc -q -d c.db -w 5 "b$i.txt" || bad=1
	done
	echo "snapshot: $n rounds of export, dump and list racing firth-vocab and firth-cooc: $([ $bad -eq 0 ] && echo 'every read one state' || echo 'MIXED OR FAILED READS')" >> "${FIRTH_HARD_LOG:-/dev/null}"
	[ "$bad" -eq 0 ]
}
