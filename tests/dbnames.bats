#!/usr/bin/env bats
# A corpus database's path is a file name, whatever it looks like: one
# beginning with "file:" is not an SQLite URI (which would open another
# file, or a database in memory that vanishes at exit).

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'the cat sat on the mat\nthe dog sat\n' > t.txt
}

@test "firth-vocab -d takes a path beginning with file: as a file name" {
	firth-vocab -q -d 'file:c.db?mode=memory' t.txt
	[ -s 'file:c.db?mode=memory' ]
	[ ! -e c.db ]
	run --separate-stderr firth-vocab -d 'file:c.db?mode=memory' --list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "the 3" ]
	run --separate-stderr firth-vocab -d 'file:c.db?mode=memory' t.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"already added as batch 1"* ]]
}

@test "firth-cooc counts into and exports from a database named file:..." {
	firth-vocab -q -d file:c.db t.txt
	firth-cooc -q -d file:c.db -w 2 t.txt
	firth-vocab -q -d plain.db t.txt
	firth-cooc -q -d plain.db -w 2 t.txt
	firth-cooc -q -d file:c.db --export > a.fs
	firth-cooc -q -d plain.db --export > b.fs
	cmp a.fs b.fs
}

@test "parallel-count.sh counts files and a target named file:..." {
	command -v parallel > /dev/null || skip "GNU parallel not installed"
	cp t.txt file:t.txt
	printf 'a dog and a cat\n' >> file:t.txt
	run --separate-stderr "$FIRTH_TOP/pipelines/parallel-count.sh" -q -j 2 \
	    -d file:all.db -w 2 file:t.txt
	[ "$status" -eq 0 ]
	firth-vocab -q -d one.db file:t.txt
	[ "$(firth-vocab -d file:all.db --list)" = "$(firth-vocab -d one.db --list)" ]
}
