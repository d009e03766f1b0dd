#!/usr/bin/env bats
# A hostile corpus database: one whose schema is firth's in its columns but
# not in its constraints (a words table without UNIQUE, holding a word
# twice), with objects firth never makes (a virtual table, an index), or
# with counts no corpus has (REAL, negative, summing past 2^63-1).  Every
# reader refuses it with a message and exit 1; every writer refuses to add
# a count that would pass 2^63-1 and leaves the database as it was.
#
# Each database is made by firth, then edited with sqlite3, its seal
# removed (a database written before the seal existed is accepted
# unsealed, so the edit is what the checks must catch, not the seal).

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'the cat sat on the mat\nthe dog sat\n' > t.txt
	firth-vocab -q -d c.db t.txt
	firth-cooc -q -d c.db -w 2 t.txt
}

# unseal DB SQL: run SQL on DB and drop the seal, as an old firth's file.
unseal() {
	sqlite3 "$1" "$2; DELETE FROM meta WHERE key = 'seal'"
}

# refused_by_readers DB MESSAGE: firth-vocab --list and firth-cooc --export
# both exit 1 with exactly "TOOL: MESSAGE".
refused_by_readers() {
	run --separate-stderr firth-vocab -d "$1" --list
	[ "$status" -eq 1 ] || { echo "vocab: $status $stderr"; return 1; }
	[ "$stderr" = "firth-vocab: $2" ] || { echo "vocab: $stderr"; return 1; }
	run --separate-stderr firth-cooc -d "$1" --export
	[ "$status" -eq 1 ] || { echo "cooc: $status $stderr"; return 1; }
	[ "$stderr" = "firth-cooc: $2" ] || { echo "cooc: $stderr"; return 1; }
}

@test "every reader refuses a words table without its UNIQUE constraint holding a word twice" {
	unseal c.db "CREATE TABLE w0 AS SELECT * FROM words; DROP TABLE words;
	    CREATE TABLE words(id INTEGER PRIMARY KEY, word TEXT NOT NULL,
	    count INTEGER NOT NULL CHECK (count >= 0));
	    INSERT INTO words SELECT * FROM w0; DROP TABLE w0;
	    INSERT INTO words VALUES ((SELECT max(id) + 1 FROM words), 'the', 1)"
	refused_by_readers c.db "c.db: not a firth corpus database (table 'words' is not defined as firth defines it: a column, type or constraint differs)"
}

@test "every reader refuses a database with a virtual table in it" {
	unseal c.db "CREATE VIRTUAL TABLE x USING fts4(word)"
	refused_by_readers c.db "c.db: not a firth corpus database (it holds virtual table 'x', which firth never makes)"
}

@test "every reader refuses an index firth never made" {
	unseal c.db "CREATE INDEX by_count ON words(count)"
	refused_by_readers c.db "c.db: not a firth corpus database (it holds index 'by_count', which firth never makes)"
}

@test "every reader refuses a database missing one of firth's indexes" {
	unseal c.db "DROP INDEX shards_level"
	refused_by_readers c.db "c.db: not a firth corpus database (it has no index 'shards_level')"
}

@test "readers accept the query planner's statistics (ANALYZE)" {
	firth-vocab -d c.db --list > before
	sqlite3 c.db ANALYZE
	run --separate-stderr firth-vocab -d c.db --list
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat before)" ]
}

@test "every reader refuses a count stored as a REAL" {
	unseal c.db "UPDATE words SET count = 1e19 WHERE word = 'cat'"
	refused_by_readers c.db "c.db: damaged words table: the count of word 2 ('cat') is 1.0e+19, not a non-negative integer"
}

@test "every reader refuses counts whose sum passes 2^63-1" {
	unseal c.db "UPDATE words SET count = 9223372036854775807 WHERE word = 'the'"
	refused_by_readers c.db "c.db: damaged words table: the counts add up to more than 9223372036854775807"
}

@test "firth-vocab refuses to add to a count that would pass 2^63-1, and changes nothing" {
	firth-vocab -q -d one.db <<< 'x'
	unseal one.db "UPDATE words SET count = 9223372036854775807"
	before=$(sqlite3 one.db 'SELECT * FROM words; SELECT count(*) FROM batches')
	run --separate-stderr firth-vocab -d one.db <<< 'x y'
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-vocab: one.db: word 'x' would be counted 9223372036854775807 + 1 times, more than 9223372036854775807 (2^63-1) that the database holds; nothing was added" ]
	[ "$(sqlite3 one.db 'SELECT * FROM words; SELECT count(*) FROM batches')" = "$before" ]
	[ "$(sqlite3 one.db 'SELECT typeof(count) FROM words')" = integer ]
}

@test "firth-phrase's tables are taken when firth made them, refused when their constraints differ or one is missing" {
	firth-phrase -q -d c.db --count t.txt
	run firth-cooc -d c.db --export
	[ "$status" -eq 0 ]
	cp c.db d.db
	unseal c.db "CREATE TABLE p0 AS SELECT * FROM phrase_words;
	    DROP TABLE phrase_words;
	    CREATE TABLE phrase_words(pass INTEGER NOT NULL,
	    id INTEGER NOT NULL, word TEXT NOT NULL, count INTEGER NOT NULL,
	    PRIMARY KEY (pass, id));
	    INSERT INTO phrase_words SELECT * FROM p0; DROP TABLE p0"
	refused_by_readers c.db "c.db: not a firth corpus database (table 'phrase_words' is not defined as firth defines it: a column, type or constraint differs)"
	unseal d.db "DROP TABLE phrase_bigrams"
	refused_by_readers d.db "d.db: not a firth corpus database (it has 3 of firth-phrase's 4 tables and indexes)"
}
