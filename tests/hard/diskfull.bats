#!/usr/bin/env bats
# make check-hard: the disk fills at every point of a database write.
# firth-vocab, firth-cooc and firth-cooc --compact run under ulimit -f
# limits from 32 KiB up in steps of 32 KiB, and (as root) on a tmpfs with
# 48 KiB to 1.5 MiB free, until they succeed.  Each run either fails with
# exit 1 and a message naming the cause, leaving the database exactly as
# before (counts compared with cmp), or succeeds with exactly the counts
# of a run with room: never anything in between.

bats_require_minimum_version 1.5.0
load ../harden-lib

setup_file() {
	is_hard || skip "long: make check-hard"
	local F=$BATS_FILE_TMPDIR
	cd "$F"
	gen_corpus a.txt 300 3000 1
	gen_corpus b.txt 300 200000 2
	firth-vocab -q -d base.db a.txt
	firth-cooc -q -d base.db -w 5 a.txt
	firth-vocab -d base.db --list > vocab.before
	cp base.db after.db
	firth-vocab -q -d after.db b.txt
	firth-vocab -d after.db --list > vocab.after
	# Before b's cooc batch: both vocabularies, a's pairs.
	cp after.db cbase.db
	firth-cooc -q -d cbase.db --export > cooc.before
	firth-cooc -q -d after.db -w 5 b.txt
	firth-cooc -q -d after.db --export > cooc.after
}

setup() {
	is_hard || skip "long: make check-hard"
	cd "$BATS_TEST_TMPDIR"
	F=$BATS_FILE_TMPDIR
}

teardown() {
	if mountpoint -q "$BATS_TEST_TMPDIR/full" 2>/dev/null; then
		umount "$BATS_TEST_TMPDIR/full"
	fi
}

# outcome DB WHAT BEFORE AFTER STATUS: the run ended in a clean failure
# (state BEFORE) or a success (state AFTER); WHAT lists the state.
# Counts the outcomes in $failed and $succeeded.
outcome() {
	local db=$1 what=$2 before=$3 after=$4 st=$5
	db_check "$db"
	$what "$db" > state
	if [ "$st" -eq 0 ]; then
		cmp state "$after" || { echo "succeeded with other counts"; return 1; }
		succeeded=$((succeeded + 1))
	else
		[ "$st" -eq 1 ] || { echo "status $st: $(cat err)"; return 1; }
		grep -Eq "(File too large|No space left on device|disk full|a write failed)" err ||
		    { echo "no clear message: $(cat err)"; return 1; }
		cmp state "$before" || { echo "failed, but the counts changed"; return 1; }
		failed=$((failed + 1))
	fi
}

list_words() { firth-vocab -d "$1" --list; }
export_cooc() { firth-cooc -q -d "$1" --export; }

# sweep NAME DB-SOURCE WHAT BEFORE AFTER CMD...: CMD (with k.db, a fresh
# copy of DB-SOURCE) under ulimit -f 32, 64, ... KiB until it succeeds.
sweep() {
	local name=$1 src=$2 what=$3 before=$4 after=$5 kb st
	shift 5
	failed=0 succeeded=0
	for ((kb = 32; succeeded == 0 && kb <= 8192; kb += 32)); do
		rm -f k.db k.db-wal k.db-shm
		cp "$src" k.db
		st=0
		( ulimit -f "$kb"; exec "$@" ) > /dev/null 2> err || st=$?
		outcome k.db "$what" "$before" "$after" "$st" ||
		    { echo "$name under ulimit -f $kb"; return 1; }
	done
	echo "ulimit -f sweep, $name: $failed limits failed cleanly (32 to $((kb - 64)) KiB), then succeeded; 0 left other counts" >> "${FIRTH_HARD_LOG:-/dev/null}"
	[ "$succeeded" -eq 1 ]
}

@test "firth-vocab under every ulimit -f from 32 KiB: clean failure or the whole batch" {
	sweep firth-vocab "$F/base.db" list_words "$F/vocab.before" \
	    "$F/vocab.after" firth-vocab -q -d k.db "$F/b.txt"
}

@test "firth-cooc under every ulimit -f from 32 KiB: clean failure or the whole batch" {
	sweep firth-cooc "$F/cbase.db" export_cooc "$F/cooc.before" \
	    "$F/cooc.after" firth-cooc -q -d k.db -w 5 "$F/b.txt"
}

@test "firth-cooc --compact under every ulimit -f from 32 KiB: the same counts whether it fails or not" {
	sweep "firth-cooc --compact" "$F/after.db" export_cooc "$F/cooc.after" \
	    "$F/cooc.after" firth-cooc -q -d k.db --compact
}

@test "firth-cooc on a file system with 48 KiB to 1.5 MiB free: clean failure or the whole batch" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
	mkdir full
	mount -t tmpfs -o size=8m tmpfs full || skip "cannot mount a tmpfs here"
	failed=0 succeeded=0
	for ((kb = 48; succeeded == 0 && kb <= 1536; kb += 16)); do
		rm -f full/*
		cp "$F/cbase.db" full/k.db
		avail=$(df -k --output=avail full | tail -n 1)
		head -c $(( (avail - kb) * 1024 )) /dev/zero > full/fill
		st=0
		TMPDIR=$PWD/full firth-cooc -q -d full/k.db -w 5 -M 1M \
		    "$F/b.txt" 2> err || st=$?
		outcome full/k.db export_cooc "$F/cooc.before" "$F/cooc.after" \
		    "$st" || { echo "with $kb KiB free"; return 1; }
	done
	echo "tmpfs sweep, firth-cooc (spills and database on it): $failed fill levels failed cleanly (48 to $((kb - 32)) KiB free), then succeeded; 0 left other counts" >> "${FIRTH_HARD_LOG:-/dev/null}"
	[ "$succeeded" -eq 1 ]
}
