#!/usr/bin/env bats
# Hardening: two cron runs at once.  pipelines/refresh.sh takes a lock: a
# second run either exits cleanly (default) or, with -w SECONDS, waits for
# the first and then adds its own files.  No update is lost either way:
# the final counts equal those of one run over both inputs.  The tools
# themselves, run at once on one database, lose nothing either.

bats_require_minimum_version 1.5.0
load harden-lib

setup_file() {
	gen_corpus "$BATS_FILE_TMPDIR/a.txt" 300 3000 1
	gen_corpus "$BATS_FILE_TMPDIR/b.txt" 300 6000 2
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	refresh="$FIRTH_TOP/pipelines/refresh.sh"
	cp "$BATS_FILE_TMPDIR/a.txt" "$BATS_FILE_TMPDIR/b.txt" .
}

# wait_line FILE TEXT: until FILE has a line with TEXT (at most 20 s).
wait_line() {
	for _ in $(seq 400); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no '$2' in $1"
	return 1
}

@test "refresh.sh started while another run holds the lock exits 0 and the next run loses nothing" {
	"$refresh" -d one.db -o one.fs -m 1 a.txt b.txt > /dev/null
	"$refresh" -d c.db -o c.fs -m 1 -t 'sleep 0.5' a.txt > first.log &
	first=$!
	wait_line first.log 'export: '
	run --separate-stderr "$refresh" -d c.db -o c.fs -m 1 b.txt
	[ "$status" -eq 0 ]
	[[ "$output" == *" refresh.sh: another refresh holds c.db.lock; nothing done" ]]
	wait "$first"
	# Nothing of b yet; the next cron run (every file) adds it.
	[ "$(batches c.db vocab)" = 1 ]
	"$refresh" -d c.db -o c.fs -m 1 a.txt b.txt > /dev/null
	db_check c.db
	cmp one.fs c.fs
}

@test "refresh.sh -w waits for the run that holds the lock, then adds its own files" {
	"$refresh" -d one.db -o one.fs -m 1 a.txt b.txt > /dev/null
	"$refresh" -d c.db -o c.fs -m 1 -t 'sleep 0.5' a.txt > first.log &
	first=$!
	wait_line first.log 'export: '
	run --separate-stderr "$refresh" -w 60 -d c.db -o c.fs -m 1 b.txt
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" refresh.sh: another refresh holds c.db.lock; waiting up to 60 s" ]]
	[[ "${lines[-1]}" == *" refresh.sh: done" ]]
	wait "$first"
	db_check c.db
	[ "$(batches c.db vocab)" = 2 ]
	[ "$(batches c.db cooc)" = 2 ]
	cmp one.fs c.fs
}

@test "refresh.sh -w gives up with status 1 when the lock stays held" {
	exec 9>> c.db.lock
	flock 9
	run --separate-stderr "$refresh" -w 1 -d c.db -o c.fs b.txt
	exec 9>&-
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == *" refresh.sh: FAILED: another refresh still holds c.db.lock after 1 s; nothing done" ]]
	[ ! -e c.db ]
}

@test "refresh.sh rejects a -w that is not a number of seconds" {
	run --separate-stderr "$refresh" -w soon -d c.db -o c.fs b.txt
	[ "$status" -eq 2 ]
	[ "$stderr" = "refresh.sh: -w: 'soon' is not a number of seconds" ]
}

@test "firth-vocab and firth-cooc run at once on one database lose no update" {
	firth-vocab -q -d one.db a.txt
	firth-vocab -q -d one.db b.txt
	firth-cooc -q -d one.db -w 3 a.txt
	firth-cooc -q -d one.db -w 3 b.txt
	# Both vocabularies at once (ids depend on which commits first, so
	# the listings are compared sorted), then both co-occurrence batches.
	firth-vocab -q -d c.db a.txt & p1=$!
	firth-vocab -q -d c.db b.txt & p2=$!
	wait "$p1"
	wait "$p2"
	firth-cooc -q -d c.db -w 3 a.txt & p1=$!
	firth-cooc -q -d c.db -w 3 b.txt & p2=$!
	wait "$p1"
	wait "$p2"
	db_check c.db
	cmp <(firth-vocab -d one.db --list | sort) <(firth-vocab -d c.db --list | sort)
	cmp <(firth-cooc -q -d one.db --export | firth-cat | sort) \
	    <(firth-cooc -q -d c.db --export | firth-cat | sort)
}
