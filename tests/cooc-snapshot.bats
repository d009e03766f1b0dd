#!/usr/bin/env bats
# firth-cooc --export reads one snapshot of the database from its first
# read to its last, however many batches writers commit meanwhile
# (issue 14, items 1 and 2).  The test hook FIRTH_TEST_EXPORT_PAUSE
# (lib/cooc_export.c; for tests only) holds the export between its first
# and second pass, so that a batch commits exactly there.

bats_require_minimum_version 1.5.0

# words SEED LINES: LINES lines of 12 words drawn from 800 (a fixed LCG),
# enough distinct pairs that -M 1M takes the multi-pass export.
words() {
	awk -v s="$1" -v n="$2" 'BEGIN {
	    for (i = 0; i < n; i++) { l = "";
	        for (j = 0; j < 12; j++) { s = (s * 1103515245 + 12345) % 2147483648;
	            l = l (j ? " " : "") "w" int(s / 65536) % 800 }
	        print l } }'
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	words 1 3000 > a.txt
	words 2 3000 > b.txt
	firth-vocab -q -d c.db a.txt b.txt
	firth-cooc -q -d c.db -w 5 a.txt
}

# wait_for FILE: up to 60 s for FILE to appear.
wait_for() {
	local i
	for i in $(seq 600); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "$1 never appeared" >&2
	return 1
}

@test "firth-cooc --export reads one snapshot while a batch commits between its passes" {
	firth-cooc -q -d c.db --export -M 1M > before.fs
	FIRTH_TEST_EXPORT_PAUSE=$PWD/pause firth-cooc -d c.db --export -M 1M \
	    > during.fs 2> during.err &
	pid=$!
	wait_for pause
	firth-cooc -q -d c.db -w 5 b.txt
	rm pause
	wait "$pid" || { cat during.err; false; }
	firth-cooc -q -d c.db --export -M 1M > after.fs
	# The export took the multi-pass path, and the batch changed the counts.
	grep -q ' merge passes' during.err
	! cmp -s before.fs after.fs
	cmp before.fs during.fs
}

@test "firth-cooc --export of a database that a batch of repeated pairs changes keeps its snapshot" {
	# a.txt again (forced): no new pairs, only larger counts.
	firth-cooc -q -d c.db --export -M 1M > before.fs
	FIRTH_TEST_EXPORT_PAUSE=$PWD/pause firth-cooc -d c.db --export -M 1M \
	    > during.fs 2> during.err &
	pid=$!
	wait_for pause
	firth-cooc -q -f -d c.db -w 5 a.txt
	rm pause
	wait "$pid" || { cat during.err; false; }
	firth-cooc -q -d c.db --export -M 1M > after.fs
	grep -q ' merge passes' during.err
	! cmp -s before.fs after.fs
	cmp before.fs during.fs
}

@test "firth-cooc --export reads one snapshot while a batch and --compact replace its one run between passes" {
	# One run: -M 1M opens it directly, no rounds through temporary
	# files, so every pass reads the database.
	firth-cooc -q -d c.db --compact
	firth-cooc -q -d c.db --export -M 1M > before.fs
	FIRTH_TEST_EXPORT_PAUSE=$PWD/pause firth-cooc -d c.db --export -M 1M \
	    > during.fs 2> during.err &
	pid=$!
	wait_for pause
	firth-cooc -q -d c.db -w 5 b.txt
	firth-cooc -q -d c.db --compact
	rm pause
	wait "$pid" || { cat during.err; false; }
	[ "$(sqlite3 c.db 'SELECT count(*) FROM (SELECT DISTINCT batch, level FROM shards)')" -eq 1 ]
	firth-cooc -q -d c.db --export -M 1M > after.fs
	grep -q ' merge passes' during.err
	! cmp -s before.fs after.fs
	cmp before.fs during.fs
}
