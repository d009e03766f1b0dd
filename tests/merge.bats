#!/usr/bin/env bats
# firth-cooc --merge: slices of a corpus counted into databases of their
# own, summed into a target whose export and word list are byte for byte
# those of one database that counted everything; and every refusal
# leaves the target as it was.

bats_require_minimum_version 1.5.0

load zipf-corpus

setup() {
	cd "$BATS_TEST_TMPDIR"
	gen 600 2000 42 > corpus.txt
	# Three slices by document, in order.
	sed -n '1,200p' corpus.txt > s1.txt
	sed -n '201,450p' corpus.txt > s2.txt
	sed -n '451,$p' corpus.txt > s3.txt
}

# count DB OPTIONS... FILE: vocabulary and co-occurrences of FILE into DB.
count() {
	local db=$1
	shift
	firth-vocab -q -d "$db" "${@: -1}"
	firth-cooc -q -d "$db" "$@"
}

# same A B: the two databases export the same bytes and list the same words.
same() {
	cmp <(firth-cooc -q -d "$1" --export -l 0) <(firth-cooc -q -d "$2" --export -l 0) &&
	cmp <(firth-vocab -d "$1" --list) <(firth-vocab -d "$2" --list) &&
	[ "$(firth-cat <(firth-cooc -q -d "$1" --export) | wc -l)" -gt 10000 ]
}

# snap DB: everything the database holds, to compare before and after.
snap() {
	sqlite3 "$1" 'SELECT * FROM meta; SELECT * FROM words; SELECT id, kind, digest, source, docs, tokens FROM batches; SELECT id, batch, level, records, checksum FROM shards'
}

@test "firth-cooc --merge of three slices exports what one database that counted everything does" {
	count one.db corpus.txt
	for i in 1 2 3; do count s$i.db s$i.txt; done
	run --separate-stderr firth-cooc -d all.db --merge s1.db s2.db s3.db
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ ^firth-cooc:\ merged\ 3\ slices\ into\ all.db:\ [0-9]+\ new\ words,\ [0-9]+\ records\ in\ 1\ shards, ]]
	same one.db all.db
	[ "$(sqlite3 all.db 'SELECT * FROM words')" = "$(sqlite3 one.db 'SELECT * FROM words')" ]
	[ "$(sqlite3 all.db "SELECT kind, source FROM batches WHERE id IN (1, 6)")" = "vocab|s1.txt (via s1.db)
cooc|s3.txt (via s3.db)" ]
}

@test "firth-cooc --merge gives the same counts for every context and side" {
	for opts in "-w 4 --left" "-w 23 -x linear" "-c doc --doc-cap 7" "-c worddoc" "-w 3 -S stop.txt --close-gaps"; do
		printf 'w1 w3\n' > stop.txt
		rm -f one.db all.db s?.db
		count one.db $opts corpus.txt
		for i in 1 2 3; do count s$i.db $opts s$i.txt; done
		firth-cooc -q -d all.db --merge s1.db s2.db s3.db
		same one.db all.db || { echo "differs: $opts"; false; }
	done
}

@test "firth-cooc --merge into a database with counts adds the slices as one batch of their documents would" {
	count ref.db s1.txt
	cat s2.txt s3.txt > s23.txt
	count ref.db s23.txt
	count all.db s1.txt
	count s2.db s2.txt
	count s3.db s3.txt
	firth-cooc -q -d all.db --merge s2.db s3.db
	same ref.db all.db
}

@test "firth-cooc --merge of merged databases is a merge of their slices" {
	count one.db corpus.txt
	for i in 1 2 3; do count s$i.db s$i.txt; done
	firth-cooc -q -d s12.db --merge s1.db s2.db
	firth-cooc -q -d all.db --merge s12.db s3.db
	# The words of s1 and s2 were numbered first: compare as words.
	cmp <(firth-cat <(firth-cooc -q -d one.db --export) | LC_ALL=C sort) \
	    <(firth-cat <(firth-cooc -q -d all.db --export) | LC_ALL=C sort)
}

@test "firth-cooc --merge re-sorts in bounded memory: a small -M makes several runs, same counts" {
	gen 3000 20000 7 > big.txt
	count one.db big.txt
	head -n 1500 big.txt > b1.txt
	tail -n +1501 big.txt > b2.txt
	count b1.db b1.txt
	count b2.db b2.txt
	run --separate-stderr firth-cooc -v -M 1M -d all.db --merge b1.db b2.db
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ records\ re-sorted\ into\ ([0-9]+)\ runs ]]
	[ "${BASH_REMATCH[1]}" -ge 3 ]
	same one.db all.db
}

@test "firth-cooc --merge run again changes nothing and says so" {
	for i in 1 2 3; do count s$i.db s$i.txt; done
	firth-cooc -q -d all.db --merge s1.db s2.db s3.db
	snap all.db > before.txt
	run --separate-stderr firth-cooc -d all.db --merge s1.db s2.db s3.db
	[ "$status" -eq 0 ]
	[ "$stderr" = "firth-cooc: all.db: every slice was merged already; nothing changed" ]
	cmp before.txt <(snap all.db)
}

@test "firth-cooc --merge refuses a slice merged before, alongside a new one, and changes nothing" {
	for i in 1 2 3; do count s$i.db s$i.txt; done
	firth-cooc -q -d all.db --merge s1.db s2.db
	snap all.db > before.txt
	run --separate-stderr firth-cooc -d all.db --merge s3.db s2.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: s2.db was merged into all.db already: nothing changed; leave it out" ]
	cmp before.txt <(snap all.db)
}

@test "firth-cooc --merge refuses a slice whose input the target counted itself" {
	count all.db s1.txt
	count s1.db s1.txt
	count s2.db s2.txt
	run --separate-stderr firth-cooc -d all.db --merge s2.db s1.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: s1.db was merged into all.db already: nothing changed; leave it out" ]
}

@test "firth-cooc --merge refuses overlapping slices, the same slice twice, and the target itself" {
	count s1.db s1.txt
	count s2.db s2.txt
	count s12.db s1.txt
	run --separate-stderr firth-cooc -d all.db --merge s1.db s2.db s12.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: s1.db and s12.db both hold the vocab batch $(sqlite3 s1.db "SELECT digest FROM batches WHERE id = 1"): slices must not overlap (each would be counted twice)" ]
	[ ! -e all.db ]
	run --separate-stderr firth-cooc -d all.db --merge s1.db ./s1.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: s1.db and ./s1.db are the same database; give each slice once" ]
	run --separate-stderr firth-cooc -d s1.db --merge s2.db s1.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: s1.db is the target; a database cannot be merged into itself" ]
}

@test "firth-cooc --merge refuses slices counted with other settings, naming both, and creates nothing" {
	count s1.db s1.txt
	count s2.db -w 10 s2.txt
	run --separate-stderr firth-cooc -d all.db --merge s1.db s2.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: s2.db was counted with 'context=window window=10 weighting=harmonic symmetric=yes min-count=1 max-vocab=0 stopwords=none gaps=keep', s1.db with 'context=window window=15 weighting=harmonic symmetric=yes min-count=1 max-vocab=0 stopwords=none gaps=keep'. Counts with other settings do not add up: count every slice with the same options" ]
	[ ! -e all.db ] && [ ! -e all.db-wal ]
}

@test "firth-cooc --merge refuses slices whose settings differ from the target's, and changes nothing" {
	count all.db -c doc s1.txt
	count s2.db s2.txt
	snap all.db > before.txt
	run --separate-stderr firth-cooc -d all.db --merge s2.db
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-cooc: all.db: earlier batches were counted with 'context=doc doc-cap=1000 "*"'; this one with 'context=window window=15 "*"'. Counts with other settings do not add up: use the same options, or a new database" ]]
	cmp before.txt <(snap all.db)
}

@test "firth-cooc --merge refuses slices counted with --min-count" {
	count s1.db -m 2 s1.txt
	run --separate-stderr firth-cooc -d all.db --merge s1.db
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-cooc: s1.db was counted with --min-count or --max-vocab ("*"): which words it paired depended on its own counts, so slices do not add up; count slices without them (firth-cooc --export selects words later)" ]]
}

@test "firth-cooc --merge refuses a file that is not a firth database, and one without counts" {
	count s1.db s1.txt
	run --separate-stderr firth-cooc -d all.db --merge s1.db s2.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: s2.txt: prepare: file is not a database (not a firth corpus database, or a damaged one)" ]
	firth-vocab -q -d v.db s2.txt
	run --separate-stderr firth-cooc -d all.db --merge s1.db v.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: v.db: no co-occurrence counts to merge; count them with firth-cooc -d v.db FILE first" ]
	run --separate-stderr firth-cooc -d all.db --merge s1.db nosuch.db
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: nosuch.db: No such file or directory" ]
	[ ! -e all.db ]
}

@test "firth-cooc --merge stopped by a damaged shard half way leaves the target as it was" {
	count all.db s1.txt
	count s2.db s2.txt
	count s3.db s3.txt
	sqlite3 s3.db "UPDATE shards SET checksum = checksum + 1 WHERE id = (SELECT max(id) FROM shards)"
	snap all.db > before.txt
	run --separate-stderr firth-cooc -d all.db --merge s2.db s3.db
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-cooc: s3.db: shard "*" fails its checksum; the database is damaged (restore it, or count the corpus again)" ]]
	cmp before.txt <(snap all.db)
	[ "$(sqlite3 all.db 'PRAGMA integrity_check')" = ok ]
	# A target the failed merge created is removed.
	run firth-cooc -q -d new.db --merge s2.db s3.db
	[ "$status" -eq 1 ]
	[ ! -e new.db ] && [ ! -e new.db-wal ] && [ ! -e new.db-shm ]
}

@test "firth-cooc --merge killed at any moment leaves the target as before or fully merged" {
	gen 3000 20000 7 > big.txt
	head -n 1500 big.txt > b1.txt
	tail -n +1501 big.txt > b2.txt
	count all.db s1.txt
	count b1.db b1.txt
	count b2.db b2.txt
	# What a merge may change: words, batches, and the exported counts
	# (how the counts are cut into runs depends on -M).
	state() {
		sqlite3 "$1" 'SELECT * FROM words; SELECT id, kind, digest, source, docs, tokens FROM batches'
		firth-cooc -q -d "$1" --export -l 0 | cksum
	}
	state all.db > before.txt
	cp all.db ref.db
	firth-cooc -q -d ref.db --merge b1.db b2.db
	state ref.db > after.txt
	for delay in 0.02 0.1 0.2 0.4; do
		rm -f k.db*
		cp all.db k.db
		firth-cooc -q -M 1M -d k.db --merge b1.db b2.db &
		sleep $delay
		kill -9 $! 2> /dev/null || true
		wait $! || true
		[ "$(sqlite3 k.db 'PRAGMA integrity_check')" = ok ]
		state k.db > now.txt
		cmp -s now.txt before.txt || cmp -s now.txt after.txt ||
		    { echo "delay $delay: neither before nor after"; false; }
	done
}

@test "firth-cooc --merge without slices, or with counting options, is a usage error" {
	run --separate-stderr firth-cooc -d all.db --merge
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-cooc: --merge needs the slice databases to merge (firth-cooc -d TARGET --merge A.db B.db ...)" ]
	run --separate-stderr firth-cooc -d all.db --merge -w 5 s1.db
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-cooc: --merge takes the settings the counts were made with; counting and export options do not apply" ]
}
