#!/usr/bin/env bats
# firth-vocab: word counts listed (GloVe vocab.txt) or added to a corpus
# database, one batch per input, the same input never counted twice.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'the cat sat on the mat\nthe dog sat\n' > t.txt
}

@test "firth-vocab --help prints the usage on stdout and exits 0" {
	run --separate-stderr firth-vocab --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-vocab [-qv] [--min-count N] [--max-size N] [FILE...]" ]
	[ -z "$stderr" ]
}

@test "firth-vocab --version names the tool and the version" {
	run firth-vocab --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-vocab (firth) 0.1.0" ]
}

@test "firth-vocab lists word counts by count, then bytes, in vocab.txt format" {
	run --separate-stderr firth-vocab t.txt
	[ "$status" -eq 0 ]
	[ "$output" = "the 3
sat 2
cat 1
dog 1
mat 1
on 1" ]
	[[ "$stderr" =~ ^firth-vocab:\ 9\ tokens,\ 2\ documents,\ 6\ words\ in\ [0-9]+\.[0-9][0-9]\ s$ ]]
}

@test "firth-vocab orders equal counts by bytes, not by locale" {
	printf 'b B a _ \xc3\xa9 A\n' > u.txt
	run firth-vocab -q u.txt
	[ "$status" -eq 0 ]
	[ "$output" = "A 1
B 1
_ 1
a 1
b 1
é 1" ]
}

@test "firth-vocab treats tabs, runs of spaces and CRLF as separators" {
	printf 'a\t b  a\r\n\n\nb\n' > s.txt
	run firth-vocab -q s.txt
	[ "$status" -eq 0 ]
	[ "$output" = "a 2
b 2" ]
}

@test "firth-vocab --min-count and --max-size limit the listing" {
	run firth-vocab -q --min-count 2 t.txt
	[ "$status" -eq 0 ]
	[ "$output" = "the 3
sat 2" ]
	run firth-vocab -q --max-size 3 t.txt
	[ "$output" = "the 3
sat 2
cat 1" ]
	run firth-vocab -q -m 2 -s 1 t.txt
	[ "$output" = "the 3" ]
}

@test "firth-vocab refuses --min-count 0 as a usage error" {
	run firth-vocab --min-count 0 t.txt
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-vocab: --min-count: 0 is too small, the least is 1" ]
}

@test "firth-vocab reads gzip input as if it were plain" {
	gzip -c t.txt > t.gz
	run firth-vocab -q t.txt
	plain=$output
	run firth-vocab -q t.gz
	[ "$status" -eq 0 ]
	[ "$output" = "$plain" ]
	run firth-vocab -q < t.gz
	[ "$output" = "$plain" ]
}

@test "firth-vocab refuses a truncated gzip file" {
	seq 1 20000 | gzip -c | head -c 2000 > cut.gz
	run firth-vocab -q cut.gz
	[ "$status" -eq 1 ]
	[ "$output" = "firth-vocab: cut.gz: unexpected end of gzip data (the file is truncated)" ]
}

@test "firth-vocab refuses gzip data with trailing garbage, from a file or stdin" {
	{ gzip -c t.txt; echo 'not gzip'; } > tg.gz
	run --separate-stderr firth-vocab -q tg.gz
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-vocab: tg.gz: trailing garbage after the gzip data (bytes that are not another gzip member): the file is damaged, or something was appended to it" ]
	run --separate-stderr firth-vocab -q -d c.db < tg.gz
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-vocab: stdin: trailing garbage after the gzip data (bytes that are not another gzip member): the file is damaged, or something was appended to it" ]
	[ "$(sqlite3 c.db 'SELECT count(*) FROM batches')" = 0 ]
}

@test "firth-vocab reads gzip members one after another as one file" {
	{ gzip -c t.txt; gzip -c t.txt; } > two.gz
	run --separate-stderr firth-vocab -q two.gz
	[ "$status" -eq 0 ]
	[ "$output" = "$(firth-vocab -q t.txt t.txt)" ]
}

@test "firth-vocab names stdin, not a file descriptor, in a gzip error" {
	seq 1 50000 | gzip -c > big.gz
	printf '\377\377\377\377\377\377\377\377' |
	    dd of=big.gz bs=1 seek=3000 conv=notrunc status=none
	run --separate-stderr firth-vocab -q < big.gz
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-vocab: stdin: damaged gzip data ("*")" ]]
	run --separate-stderr firth-vocab -q big.gz
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-vocab: big.gz: damaged gzip data ("*")" ]]
}

@test "firth-vocab adds up several input files" {
	run firth-vocab -q t.txt t.txt
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "the 6" ]
	[ "${lines[1]}" = "sat 4" ]
}

@test "firth-vocab names a missing input file" {
	run firth-vocab -q nosuch.txt
	[ "$status" -eq 1 ]
	[ "$output" = "firth-vocab: cannot open nosuch.txt: No such file or directory" ]
}

@test "firth-vocab -d creates the database and records the batch" {
	run --separate-stderr firth-vocab -d c.db t.txt
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == "firth-vocab: 9 tokens, 2 documents, 6 words (6 new) in "*" s; batch 1" ]]
	[ "$(sqlite3 c.db 'PRAGMA integrity_check')" = ok ]
	[ "$(sqlite3 c.db 'SELECT value FROM meta WHERE key = "schema"')" = 1 ]
	[ "$(sqlite3 c.db 'PRAGMA journal_mode')" = wal ]
	[ "$(sqlite3 c.db 'SELECT id, word, count FROM words ORDER BY id' | tr '\n' ' ')" = "0|the|3 1|sat|2 2|cat|1 3|dog|1 4|mat|1 5|on|1 " ]
	[ "$(sqlite3 c.db 'SELECT id, kind, source, docs, tokens FROM batches')" = "1|vocab|t.txt|2|9" ]
}

@test "firth-vocab -d --list prints what the database holds" {
	firth-vocab -q -d c.db t.txt
	run --separate-stderr firth-vocab -d c.db --list
	[ "$status" -eq 0 ]
	[ "$output" = "$(firth-vocab -q t.txt)" ]
	[ -z "$stderr" ]
	run firth-vocab -d c.db --list --min-count 2 --max-size 1
	[ "$output" = "the 3" ]
}

@test "firth-vocab -d refuses the same input twice and changes nothing" {
	firth-vocab -q -d c.db t.txt
	before=$(sqlite3 c.db 'SELECT * FROM words; SELECT * FROM batches')
	run --separate-stderr firth-vocab -d c.db < t.txt
	[ "$status" -eq 0 ]
	[ "$stderr" = "firth-vocab: c.db: this input was already added as batch 1; nothing changed (--force adds it again)" ]
	[ "$(sqlite3 c.db 'SELECT * FROM words; SELECT * FROM batches')" = "$before" ]
	[ "$(sqlite3 c.db 'PRAGMA integrity_check')" = ok ]
}

@test "firth-vocab -d knows a gzip copy of an input it has seen" {
	firth-vocab -q -d c.db t.txt
	gzip -c t.txt > t.gz
	run firth-vocab -d c.db t.gz
	[ "$status" -eq 0 ]
	[ "$output" = "firth-vocab: c.db: this input was already added as batch 1; nothing changed (--force adds it again)" ]
}

@test "firth-vocab -d -q stays silent on a repeated input" {
	firth-vocab -q -d c.db t.txt
	run firth-vocab -q -d c.db t.txt
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "firth-vocab -d --force adds the same input again" {
	firth-vocab -q -d c.db t.txt
	run --separate-stderr firth-vocab -d c.db --force t.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == "firth-vocab: 9 tokens, 2 documents, 6 words (0 new) in "*" s; batch 2" ]]
	[ "$(sqlite3 c.db 'SELECT count FROM words WHERE word = "the"')" = 6 ]
	[ "$(sqlite3 c.db 'SELECT count(*), count(DISTINCT digest) FROM batches')" = "2|2" ]
	[ "$(sqlite3 c.db 'PRAGMA integrity_check')" = ok ]
}

@test "firth-vocab -d keeps old ids and appends new words after them" {
	firth-vocab -q -d c.db t.txt
	printf 'zebra zebra ant the\n' > more.txt
	run firth-vocab -q -d c.db more.txt
	[ "$status" -eq 0 ]
	[ "$(sqlite3 c.db 'SELECT id, word, count FROM words ORDER BY id' | tr '\n' ' ')" = "0|the|4 1|sat|2 2|cat|1 3|dog|1 4|mat|1 5|on|1 6|zebra|2 7|ant|1 " ]
	run firth-vocab -d c.db --list --max-size 3
	[ "$output" = "the 4
sat 2
zebra 2" ]
}

@test "firth-vocab -d fails on empty input and adds no batch" {
	run firth-vocab -d c.db < /dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "firth-vocab: no tokens in the input (-): did the upstream command fail?" ]
	[ "$(sqlite3 c.db 'SELECT count(*) FROM batches')" = 0 ]
	printf '  \n\n' > blank.txt
	run firth-vocab -d c.db blank.txt
	[ "$status" -eq 1 ]
	[ "$output" = "firth-vocab: no tokens in the input (blank.txt): did the upstream command fail?" ]
}

@test "firth-vocab --list names a missing database and how to create it" {
	run firth-vocab -d none.db --list
	[ "$status" -eq 1 ]
	[ "$output" = "firth-vocab: none.db: no such corpus database; firth-vocab -d none.db creates it" ]
	[ ! -e none.db ]
}

@test "firth-vocab --list without -d is a usage error" {
	run firth-vocab --list
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-vocab: --list needs -d DB" ]
	[ "${lines[1]}" = "Try 'firth-vocab --help' for more information." ]
}

@test "firth-vocab --list with input files is a usage error" {
	run firth-vocab -d c.db --list t.txt
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-vocab: --list reads no input files" ]
}

@test "firth-vocab refuses a file that is not a firth database" {
	echo 'not a database at all, just some text' > bad.db
	run firth-vocab -d bad.db --list
	[ "$status" -eq 1 ]
	[[ "$output" == "firth-vocab: bad.db: "*"(not a firth corpus database, or a damaged one)" ]]
}

@test "firth-vocab refuses an SQLite file of another schema" {
	sqlite3 other.db 'CREATE TABLE t(x)'
	run firth-vocab -q -d other.db t.txt
	[ "$status" -eq 1 ]
	[ "$output" = "firth-vocab: other.db: not a firth corpus database (table meta has no column key)" ]
}

@test "firth-vocab refuses a database of a newer schema version" {
	firth-vocab -q -d c.db t.txt
	sqlite3 c.db "UPDATE meta SET value = '2' WHERE key = 'schema'"
	run firth-vocab -d c.db --list
	[ "$status" -eq 1 ]
	[ "$output" = "firth-vocab: c.db: schema version 2; this firth reads version 1 (use the firth that wrote it, or upgrade)" ]
}

@test "firth-vocab with an unknown option is a usage error" {
	run --separate-stderr firth-vocab --bogus
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"unrecognized option '--bogus'"* ]]
}

@test "firth-vocab cuts tokens longer than 1024 bytes and warns, even with -q" {
	{ head -c 2000 /dev/zero | tr '\0' x; echo ' y'; } > long.txt
	run --separate-stderr firth-vocab -q long.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$(head -c 1024 /dev/zero | tr '\0' x) 1" ]
	[ "${lines[1]}" = "y 1" ]
	[ "$stderr" = "firth-vocab: 1 tokens longer than 1024 bytes were cut short" ]
}

@test "firth-vocab ends a word and a document at the end of each file" {
	printf 'x a' > f1
	printf 'b y\n' > f2
	run --separate-stderr firth-vocab f1 f2
	[ "$status" -eq 0 ]
	[ "$output" = "a 1
b 1
x 1
y 1" ]
	[[ "$stderr" == "firth-vocab: 4 tokens, 2 documents, 4 words in "* ]]
}

@test "firth-vocab -d gives a file without a final newline the digest of one with it" {
	printf 'x a' > f1
	printf 'b y\n' > f2
	firth-vocab -q -d c.db f1 f2
	run firth-vocab -d c.db < <(printf 'x a\nb y\n')
	[ "$status" -eq 0 ]
	[ "$output" = "firth-vocab: c.db: this input was already added as batch 1; nothing changed (--force adds it again)" ]
	[ "$(sqlite3 c.db 'SELECT digest FROM batches')" = "$(sha256_b64 < <(printf 'x a\nb y\n'))" ]
}

# sha256_b64 < FILE: "sha256:" and the SHA-256 of FILE in unpadded
# base64url, as firth-db(5) says a batch digest is written.
sha256_b64() {
	printf 'sha256:%s' "$(sha256sum | cut -c1-64 | tr a-f A-F |
	    basenc -d --base16 | basenc --base64url | tr -d =)"
}

@test "firth-vocab -d records a batch under the SHA-256 of its bytes" {
	run --separate-stderr firth-vocab -d c.db t.txt
	[ "$status" -eq 0 ]
	[ "$(sqlite3 c.db 'SELECT digest FROM batches')" = "$(sha256_b64 < t.txt)" ]
	[ "$(sha256_b64 < t.txt)" = "sha256:LnPChNK94g5aVvcHxx_hEKCxq0NWdO0eHErdIgMkerk" ]
}

@test "firth-vocab -d and firth-cooc -d know a batch an older firth recorded under its CRC-32 digest" {
	# Made by firth 0.1 (before SHA-256): t.txt counted by firth-vocab
	# and by firth-cooc -w 2, digests d49e2200-da980bd9-23.
	gzip -dc "$FIRTH_TOP/tests/data/db/legacy-digest.db.gz" > old.db
	[ "$(sqlite3 old.db 'SELECT DISTINCT digest FROM batches')" = d49e2200-da980bd9-23 ]
	before=$(sqlite3 old.db 'SELECT * FROM words; SELECT * FROM batches')
	run --separate-stderr firth-vocab -d old.db t.txt
	[ "$status" -eq 0 ]
	[ "$stderr" = "firth-vocab: old.db: this input was already added as batch 1; nothing changed (--force adds it again)" ]
	run --separate-stderr firth-cooc -d old.db -w 2 t.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"already"*"batch 2"* ]]
	[ "$(sqlite3 old.db 'SELECT * FROM words; SELECT * FROM batches')" = "$before" ]
	# A new batch goes in under its SHA-256; the old rows stay.
	echo 'a new document' > n.txt
	firth-vocab -q -d old.db n.txt
	[ "$(sqlite3 old.db 'SELECT digest FROM batches ORDER BY id' | tr '\n' ' ')" = "d49e2200-da980bd9-23 d49e2200-da980bd9-23 $(sha256_b64 < n.txt) " ]
}

@test "firth-vocab -d lets two writers share a database, one after the other" {
	seq 1 30000 | paste -d ' ' - - - > a.txt
	seq 20001 50000 | paste -d ' ' - - - > b.txt
	firth-vocab -q -d c.db a.txt & pa=$!
	firth-vocab -q -d c.db b.txt & pb=$!
	wait "$pa"
	wait "$pb"
	[ "$(sqlite3 c.db 'SELECT count(*) FROM batches')" = 2 ]
	[ "$(sqlite3 c.db 'SELECT count(*), sum(count), max(id) FROM words')" = "50000|60000|49999" ]
	[ "$(sqlite3 c.db 'SELECT count(*) FROM words WHERE count = 2')" = 10000 ]
	[ "$(sqlite3 c.db 'PRAGMA integrity_check')" = ok ]
}
