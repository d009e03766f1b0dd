#!/usr/bin/env bats
# Scale-out: pipelines/parallel-count.sh (slices counted by GNU parallel,
# then merged), the text records of firth-cooc --dump / --reduce /
# --import, and pipelines/hadoop/local-test.sh (the Hadoop Streaming
# contract on one machine).  Each must give exactly what one database
# that counted everything gives.

bats_require_minimum_version 1.5.0

load zipf-corpus

setup() {
	cd "$BATS_TEST_TMPDIR"
	gen 800 3000 99 > corpus.txt
	mkdir tmp
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	PC="$FIRTH_TOP/pipelines/parallel-count.sh"
	HL="$FIRTH_TOP/pipelines/hadoop/local-test.sh"
}

# one DB OPTIONS...: corpus.txt counted into one database.
one() {
	local db=$1
	shift
	firth-vocab -q -d "$db" corpus.txt
	firth-cooc -q -d "$db" "$@" corpus.txt
}

same() {
	cmp <(firth-cooc -q -d "$1" --export -l 0) <(firth-cooc -q -d "$2" --export -l 0) &&
	cmp <(firth-vocab -d "$1" --list) <(firth-vocab -d "$2" --list) &&
	[ "$(firth-cat <(firth-cooc -q -d "$1" --export) | wc -l)" -gt 10000 ]
}

@test "parallel-count.sh -j 4 exports what a one-database count does, and leaves no temporary file" {
	one one.db -w 10
	run --separate-stderr "$PC" -q -j 4 -d all.db -w 10 corpus.txt
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	same one.db all.db
	[ "$(sqlite3 all.db "SELECT count(*), sum(docs) FROM batches WHERE kind = 'cooc'")" = "4|$(grep -c . corpus.txt)" ]
	[ -z "$(ls tmp)" ]
}

@test "parallel-count.sh counts gzip input and several files as one corpus, with a stopword file" {
	printf 'w2 w5\n' > stop.txt
	one one.db --left -w 3 -S stop.txt
	head -n 300 corpus.txt | gzip > a.gz
	tail -n +301 corpus.txt > b.txt
	"$PC" -q -j 3 -d all.db --left -w 3 -S stop.txt a.gz b.txt
	same one.db all.db
}

@test "parallel-count.sh --sshlogin : runs the jobs through parallel's transfer options, same counts" {
	one one.db
	run --separate-stderr "$PC" -q -j 2 --sshlogin : -d all.db corpus.txt
	[ "$status" -eq 0 ]
	same one.db all.db
}

@test "parallel-count.sh run again on the same corpus changes nothing" {
	"$PC" -q -j 4 -d all.db corpus.txt
	before=$(sqlite3 all.db 'SELECT id, kind, digest FROM batches; SELECT count(*) FROM shards')
	run --separate-stderr "$PC" -j 4 -d all.db corpus.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"firth-cooc: $BATS_TEST_TMPDIR/all.db: every slice was merged already; nothing changed" ]]
	[ "$before" = "$(sqlite3 all.db 'SELECT id, kind, digest FROM batches; SELECT count(*) FROM shards')" ]
}

@test "parallel-count.sh with a failing slice count says so, creates no target and cleans up" {
	run --separate-stderr "$PC" -q -j 2 -d all.db --doc-cap 1 corpus.txt
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"parallel-count.sh: counting a slice failed; all.db is unchanged" ]]
	[ ! -e all.db ]
	[ -z "$(ls tmp)" ]
}

@test "parallel-count.sh killed while counting removes its temporary files" {
	gen 20000 30000 5 > big.txt
	"$PC" -q -j 2 -d all.db big.txt &
	pid=$!
	sleep 0.5
	kill -TERM $pid
	wait $pid || true
	sleep 0.5
	[ -z "$(ls tmp)" ]
	[ ! -e all.db ] || [ "$(sqlite3 all.db 'PRAGMA integrity_check')" = ok ]
}

@test "parallel-count.sh without -d or files is a usage error" {
	run --separate-stderr "$PC" -j 2 corpus.txt
	[ "$status" -eq 2 ]
	[ "$stderr" = "usage: parallel-count.sh -j N -d TARGET.db [--sshlogin LOGIN]... [firth-cooc options] FILE..." ]
	run --separate-stderr "$PC" -j x -d a.db corpus.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "parallel-count.sh: -j: 'x' is not a number of slices" ]
}

@test "firth-cooc --dump writes settings, totals, words and exact pair sums as text records" {
	printf 'a b c a\nb a\n' > t.txt
	firth-vocab -q -d t.db t.txt
	firth-cooc -q -d t.db -w 2 t.txt
	run --separate-stderr firth-cooc -d t.db --dump
	[ "$status" -eq 0 ]
	# unit lcm(1,2) = 2: h of distance 1 is 2, of distance 2 is 1.
	# a-b at 1,1,1 (doc 1 a b, doc 2 b a; doc 1 b..a at 2); a-c at 1, 2; b-c at 1
	[ "$output" = "$(printf 's context=window window=2 weighting=harmonic symmetric=yes min-count=1 max-vocab=0 stopwords=none gaps=keep\t1
t\t2 6
w a\t3
w b\t2
w c\t1
p a b\t3 4 5
p a c\t2 3 3
p b c\t1 1 2')" ]
}

@test "firth-cooc --reduce sums equal keys exactly beyond 2^53 and refuses an overflow" {
	printf 'p a b\t9007199254740993 1 1\np a b\t1 2 3\nw a\t5\nw a\t7\nw b\t1\n' > r.txt
	run --separate-stderr firth-cooc -q --reduce r.txt
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'p a b\t9007199254740994 3 4\nw a\t12\nw b\t1')" ]
	printf 'w a\t18446744073709551615\nw a\t1\n' > o.txt
	run --separate-stderr firth-cooc -q --reduce < o.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: key 'w a': the sum overflows 64 bits" ]
	printf 'w a\t1\nw a 2\n' > bad.txt
	run --separate-stderr firth-cooc -q --reduce bad.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: bad.txt: line 2: not a firth text record (no KEY<TAB>VALUE)" ]
}

@test "firth-cooc --import of dumped slices exports what one database does; again changes nothing" {
	one one.db -w 6
	head -n 400 corpus.txt > a.txt
	tail -n +401 corpus.txt > b.txt
	for s in a b; do
		firth-vocab -q -d $s.db $s.txt
		firth-cooc -q -d $s.db -w 6 $s.txt
		firth-cooc -d $s.db --dump > $s.rec
	done
	cat a.rec b.rec | LC_ALL=C sort | firth-cooc -q --reduce > r.rec
	run --separate-stderr firth-cooc -d all.db --import r.rec
	[ "$status" -eq 0 ]
	[[ "$stderr" == "firth-cooc: imported "*" pair records ("*" pairs), "*" new words into all.db as batch 2, "* ]]
	same one.db all.db
	# Unreduced records add up the same.
	firth-cooc -q -d all2.db --import a.rec b.rec
	same one.db all2.db
	run --separate-stderr firth-cooc -d all.db --import < r.rec
	[ "$status" -eq 0 ]
	[ "$stderr" = "firth-cooc: all.db: these records were imported already; nothing changed" ]
}

@test "firth-cooc --import refuses mixed settings, garbage and pairs without words, and creates nothing" {
	printf 'a b\n' > t.txt
	firth-vocab -q -d a.db t.txt
	firth-cooc -q -d a.db -w 2 t.txt
	firth-vocab -q -d b.db t.txt
	firth-cooc -q -d b.db -w 3 t.txt
	run --separate-stderr firth-cooc -d all.db --import <(firth-cooc -d a.db --dump) <(firth-cooc -d b.db --dump)
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-cooc: /dev/fd/"*": line 1: counted with 'context=window window=3 "*"', earlier records with 'context=window window=2 "*"'; counts with other settings do not add up" ]]
	[ ! -e all.db ]
	firth-cooc -d a.db --dump | grep -v '^w b' > nob.rec
	run --separate-stderr firth-cooc -d all.db --import nob.rec
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: nob.rec: line 4: a pair of a word without its w record" ]
	printf 'hello world\n' > junk.rec
	run --separate-stderr firth-cooc -d all.db --import junk.rec
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: junk.rec: line 1: not a firth text record (no KEY<TAB>VALUE)" ]
	firth-cooc -d a.db --dump | sed 's/^p a b\t1 1 2$/p a b\t1 5 2/' > big.rec
	run --separate-stderr firth-cooc -d all.db --import big.rec
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: big.rec: line 5: sums that 1 occurrences within a window of 2 cannot have" ]
	[ ! -e all.db ]
}

@test "firth-cooc --dump refuses a word holding a space, tab or newline, and writes nothing" {
	printf 'a b c a\nb a\n' > t.txt
	for w in 'x y' "$(printf 'x\ty')" "$(printf 'x\ny')"; do
		rm -f t.db t.db-wal t.db-shm
		firth-vocab -q -d t.db t.txt
		firth-cooc -q -d t.db -w 2 t.txt
		# Written by other means: no seal (as before seals existed).
		sqlite3 t.db "UPDATE words SET word = '$w' WHERE id = 1;
		    DELETE FROM meta WHERE key = 'seal'"
		run --separate-stderr firth-cooc -d t.db --dump
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "firth-cooc: t.db: word 1 holds a space, tab or newline, which text records cannot carry; nothing was dumped (fix the words table)" ]
	done
}

@test "firth-cooc --reduce refuses word counts and totals whose sum passes INT64_MAX, and keeps pair sums to 2^64" {
	printf 'w a\t9223372036854775807\nw a\t9223372036854775807\n' > w.txt
	run --separate-stderr firth-cooc -q --reduce w.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: key 'w a': the sum overflows a signed 64-bit count (at most 9223372036854775807)" ]
	printf 't\t9223372036854775807 1\nt\t1 1\n' > t.txt
	run --separate-stderr firth-cooc -q --reduce t.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: key 't': the sum overflows a signed 64-bit count (at most 9223372036854775807)" ]
	printf 'p a b\t9223372036854775807 1 1\np a b\t9223372036854775807 1 1\n' > p.txt
	run --separate-stderr firth-cooc -q --reduce p.txt
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'p a b\t18446744073709551614 2 2')" ]
}

@test "firth-cooc --import from standard input names standard input in its errors" {
	printf 'garbage\n' > g.txt
	run --separate-stderr firth-cooc -d x.db --import < g.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: standard input: line 1: not a firth text record (no KEY<TAB>VALUE)" ]
	[ ! -e x.db ]
	printf 's context=window window=2 weighting=harmonic symmetric=yes min-count=1 max-vocab=0 stopwords=none gaps=keep\t1\nt\t1 2\nw a\t2\np a b\t1 1 1\n' > p.txt
	run --separate-stderr firth-cooc -d x.db --import < p.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: standard input: line 4: a pair of a word without its w record" ]
	[ ! -e x.db ]
}

@test "hadoop/local-test.sh: mapper, sort and reducer over 4 splits give the one-database counts" {
	run --separate-stderr "$HL" -n 4 -R 2 corpus.txt -w 8
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^local-test.sh:\ ok:\ 4\ splits,\ [0-9]+\ map\ records,\ [0-9]+\ reduced,\ export\ identical\ to\ a\ one-database\ count$ ]]
	run --separate-stderr "$HL" -n 3 corpus.txt -c doc --doc-cap 20
	[ "$status" -eq 0 ]
	[ -z "$(ls tmp)" ]
}

@test "hadoop/mapper.sh -r tokenizes raw text, and writes nothing for a split without tokens" {
	printf 'The cat sat.\nThe cat ran!\n' | "$FIRTH_TOP/pipelines/hadoop/mapper.sh" -r -w 2 > m.txt
	grep -qx "$(printf 'w the\t2')" m.txt
	grep -qx "$(printf 'p cat the\t2 2 4')" m.txt
	run --separate-stderr "$FIRTH_TOP/pipelines/hadoop/mapper.sh" < <(printf '\n  \n')
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "firth-cooc --import records its batch by SHA-256 and knows it again" {
	one a.db -w 6
	firth-cooc -d a.db --dump > a.rec
	firth-cooc -q -d all.db --import a.rec
	run sqlite3 all.db "SELECT DISTINCT substr(digest, 1, 7), length(digest) FROM batches"
	[ "$output" = "sha256:|50" ]
	run --separate-stderr firth-cooc -d all.db --import a.rec
	[ "$stderr" = "firth-cooc: all.db: these records were imported already; nothing changed" ]
}
