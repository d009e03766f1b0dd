#!/usr/bin/env bats
# A corpus database is input too: a damaged or hostile file (flipped bytes
# in the words and shards tables and the header, a foreign schema, garbage
# shard blobs, a cut-off file) gives a clear message and exit status 1 from
# every tool that reads it, never a crash (status 128 and up), never a hang.

bats_require_minimum_version 1.5.0

setup_file() {
	cd "$BATS_FILE_TMPDIR"
	# 2000 distinct words over several pages of the words table, and
	# shards over several pages of the shards table.
	awk 'BEGIN { for (d = 0; d < 60; d++) { s = ""
		for (i = 0; i < 40; i++) s = s " w" ((d * 37 + i * i) % 2000)
		print substr(s, 2) } }' > corpus.txt
	firth-vocab -q -d good.db corpus.txt
	firth-cooc -q -d good.db -w 4 corpus.txt
	firth-cooc -q -d good.db --export > good.fs
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	cp "$BATS_FILE_TMPDIR/good.db" t.db
}

# flip FILE OFFSET: invert every bit of one byte in place.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 255)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# CRC-32 of a file, as the shards table's checksum column holds it.
crc32() {
	gzip -c < "$1" | tail -c 8 | od -An -tu4 -N4 | tr -d ' '
}

# survives DB: every reader of DB exits 0 or 1 within its time; on 1 it
# says why, on stderr, prefixed with the tool's name.  Damage SQLite cannot
# see (a byte of a word's text) may read as a different but valid database.
survives() {
	local db=$1 tool st
	for tool in "firth-cooc --export" "firth-vocab --list"; do
		st=0
		timeout 30 ${tool%% *} -d "$db" ${tool#* } > out 2> err || st=$?
		if [ "$st" -ne 0 ] && { [ "$st" -ne 1 ] ||
		    [[ "$(head -n 1 err)" != "${tool%% *}: "* ]]; }; then
			echo "$tool on $db: status $st: $(cat err)"
			return 1
		fi
	done
}

# fails_clearly TOOL MESSAGE ARGS...: exit 1 with exactly MESSAGE.
fails_clearly() {
	local want=$2
	shift 2
	run --separate-stderr timeout 60 "$@"
	if [ "$status" -ne 1 ] || [ "${stderr##*$'\n'}" != "$want" ]; then
		echo "$*: status $status, stderr: $stderr"
		echo "wanted: $want"
		return 1
	fi
}

pagesize() {
	sqlite3 "$1" 'PRAGMA page_size'
}

@test "a corpus database with bytes flipped in every page is refused or read, never a crash" {
	ps=$(pagesize t.db)
	pages=$(( $(stat -c %s t.db) / ps ))
	[ "$pages" -ge 6 ]
	for ((p = 0; p < pages; p++)); do
		for off in 100 $((ps / 2)); do
			cp "$BATS_FILE_TMPDIR/good.db" d.db
			flip d.db $((p * ps + off))
			survives d.db
		done
	done
}

@test "a corpus database with its header bytes flipped is refused or read, never a crash" {
	for off in 0 7 16 17 18 19 20 21 24 28 32 36 40 44 48 52 56 60 64 68 92 96 99; do
		cp "$BATS_FILE_TMPDIR/good.db" d.db
		flip d.db "$off"
		survives d.db
	done
}

@test "flipped bytes in the words table's pages are refused, never exported changed" {
	ps=$(pagesize t.db)
	n=0 refused=0
	firth-vocab -d t.db --list > good.list
	for pg in $(sqlite3 t.db "SELECT pageno FROM dbstat WHERE name IN ('words', 'sqlite_autoindex_words_1')"); do
		for k in 1 2 3 4 5 6 7; do
			cp "$BATS_FILE_TMPDIR/good.db" d.db
			flip d.db $(((pg - 1) * ps + k * ps / 8))
			survives d.db
			st=0
			timeout 30 firth-cooc -q -d d.db --export > d.fs 2> err || st=$?
			if [ "$st" -eq 0 ]; then
				# The flip fell in unused space: the same export
				# and the same words.
				cmp d.fs "$BATS_FILE_TMPDIR/good.fs"
				firth-vocab -d d.db --list | cmp - good.list
			else
				refused=$((refused + 1))
			fi
			n=$((n + 1))
		done
	done
	echo "# $refused of $n flips refused, the others in unused space" >&3
	[ "$n" -ge 14 ]
	[ "$refused" -ge 1 ]
}

@test "a word changed in place, the file otherwise sound, is refused by its seal" {
	sqlite3 t.db "UPDATE words SET word = 'wX' WHERE id = 5"
	[ "$(sqlite3 t.db 'PRAGMA integrity_check')" = ok ]
	fails_clearly firth-cooc "firth-cooc: t.db: the database is damaged: its words, batches or settings no longer match the seal written with them (restore it from a backup, or count the corpus again)" \
	    firth-cooc -d t.db --export
	fails_clearly firth-vocab "firth-vocab: t.db: the database is damaged: its words, batches or settings no longer match the seal written with them (restore it from a backup, or count the corpus again)" \
	    firth-vocab -d t.db --list
	# A count, a batch and a setting are sealed too.
	for sql in "UPDATE words SET count = count + 1 WHERE id = 0" \
	    "UPDATE batches SET digest = 'x' WHERE id = 1" \
	    "UPDATE meta SET value = value || ' ' WHERE key != 'seal' AND key != 'schema'"; do
		cp "$BATS_FILE_TMPDIR/good.db" d.db
		sqlite3 d.db "$sql"
		run firth-cooc -d d.db --export
		[ "$status" -eq 1 ]
		[[ "$output" == *"no longer match the seal"* ]]
	done
}

@test "flipped bytes in the shards' blob pages are refused, never exported changed" {
	ps=$(pagesize t.db)
	n=0 refused=0
	for pg in $(sqlite3 t.db "SELECT pageno FROM dbstat WHERE name = 'shards' AND pagetype = 'overflow'"); do
		cp "$BATS_FILE_TMPDIR/good.db" d.db
		flip d.db $(((pg - 1) * ps + ps / 2))
		st=0
		timeout 30 firth-cooc -q -d d.db --export > d.fs 2> err || st=$?
		if [ "$st" -eq 0 ]; then
			# The flip fell past the end of a blob: same export.
			cmp d.fs "$BATS_FILE_TMPDIR/good.fs"
		else
			[ "$st" -eq 1 ]
			[[ "$(cat err)" == "firth-cooc: d.db: shard "*" fails its checksum; the database is damaged (restore it, or count the corpus again)" ]]
			refused=$((refused + 1))
		fi
		n=$((n + 1))
	done
	[ "$n" -ge 4 ]
	[ "$refused" -ge $((n / 2)) ]
}

@test "firth-cooc refuses a shard blob replaced by garbage with a checksum that matches" {
	head -c 300 /dev/urandom > g.bin
	sqlite3 t.db "UPDATE shards SET data = readfile('g.bin'), checksum = $(crc32 g.bin) WHERE id = 1"
	fails_clearly firth-cooc "firth-cooc: t.db: shard 1 is damaged: not a shard (bad magic)" \
	    firth-cooc -d t.db --export
}

@test "firth-cooc refuses a shard blob cut short, its checksum recomputed" {
	sqlite3 t.db "SELECT writefile('cut.bin', substr(data, 1, 60)) FROM shards WHERE id = 1" > /dev/null
	sqlite3 t.db "UPDATE shards SET data = substr(data, 1, 60), checksum = $(crc32 cut.bin) WHERE id = 1"
	fails_clearly firth-cooc "firth-cooc: t.db: shard 1 is damaged: impossible lengths" \
	    firth-cooc -d t.db --export
}

@test "firth-cooc refuses a shard whose payload changed, header and checksum recomputed" {
	# Payload CRC in the shard header still guards a forged row checksum.
	sqlite3 t.db "SELECT writefile('s.bin', data) FROM shards WHERE id = 1" > /dev/null
	flip s.bin 45
	sqlite3 t.db "UPDATE shards SET data = readfile('s.bin'), checksum = $(crc32 s.bin) WHERE id = 1"
	fails_clearly firth-cooc "firth-cooc: t.db: shard 1 is damaged: payload CRC mismatch" \
	    firth-cooc -d t.db --export
}

@test "firth-glove -d and firth-svd -d fail cleanly on a garbage shard" {
	sqlite3 t.db "UPDATE shards SET data = randomblob(200) WHERE id = 1"
	run --separate-stderr timeout 60 firth-glove -q -d t.db --iter 1 --vector-size 4 -T 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"firth-cooc: t.db: shard 1 fails its checksum; the database is damaged (restore it, or count the corpus again)"* ]]
	run --separate-stderr timeout 60 firth-svd -q -d t.db
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"firth-cooc: t.db: shard 1 fails its checksum; the database is damaged (restore it, or count the corpus again)"* ]]
}

@test "every reader refuses a database with a trigger firth never made" {
	sqlite3 t.db "CREATE TRIGGER t AFTER INSERT ON words BEGIN DELETE FROM shards; END"
	msg="t.db: not a firth corpus database (it holds trigger 't', which firth never makes)"
	fails_clearly firth-cooc "firth-cooc: $msg" firth-cooc -d t.db --export
	fails_clearly firth-vocab "firth-vocab: $msg" firth-vocab -d t.db --list
	fails_clearly firth-vocab "firth-vocab: $msg" firth-vocab -q -d t.db "$BATS_FILE_TMPDIR/corpus.txt"
	[ "$(sqlite3 t.db 'SELECT count(*) FROM shards')" -gt 0 ]
}

@test "every reader refuses a database with a view in it" {
	sqlite3 t.db "CREATE VIEW v AS SELECT word FROM words"
	msg="t.db: not a firth corpus database (it holds view 'v', which firth never makes)"
	fails_clearly firth-cooc "firth-cooc: $msg" firth-cooc -d t.db --export
	fails_clearly firth-vocab "firth-vocab: $msg" firth-vocab -d t.db --list
}

@test "every reader refuses a database whose words table lacks a column" {
	sqlite3 t.db "ALTER TABLE words DROP COLUMN count"
	msg="t.db: not a firth corpus database (table words has no column count)"
	fails_clearly firth-cooc "firth-cooc: $msg" firth-cooc -d t.db --export
	fails_clearly firth-vocab "firth-vocab: $msg" firth-vocab -d t.db --list
	run --separate-stderr timeout 60 firth-glove -q -d t.db --iter 1 --vector-size 4 -T 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"firth-cooc: $msg"* ]]
}

@test "every reader refuses a table replaced by a view of the same name" {
	sqlite3 t.db "ALTER TABLE words RENAME TO w0; CREATE VIEW words AS SELECT * FROM w0"
	msg="t.db: not a firth corpus database (it holds view 'words', which firth never makes)"
	fails_clearly firth-cooc "firth-cooc: $msg" firth-cooc -d t.db --export
}

@test "every reader refuses a database of a newer schema version" {
	sqlite3 t.db "UPDATE meta SET value = '2' WHERE key = 'schema'"
	msg="t.db: schema version 2; this firth reads version 1 (use the firth that wrote it, or upgrade)"
	fails_clearly firth-cooc "firth-cooc: $msg" firth-cooc -d t.db --export
	fails_clearly firth-vocab "firth-vocab: $msg" firth-vocab -d t.db --list
}

@test "a truncated corpus database is refused at every cut, never read short" {
	ps=$(pagesize t.db)
	size=$(stat -c %s t.db)
	for cut in 0 1 50 99 100 $((ps - 1)) $ps $((ps + 1)) $((size / 2)) $((size - ps)) $((size - 1)); do
		head -c "$cut" "$BATS_FILE_TMPDIR/good.db" > d.db
		# Exit 1 with a message, or (a cut through unused bytes) the
		# whole export: never a shorter one.
		run --separate-stderr timeout 30 firth-cooc -q -d d.db --export -l 0
		if [ "$status" -eq 0 ]; then
			firth-cooc -q -d d.db --export > d.fs
			cmp d.fs "$BATS_FILE_TMPDIR/good.fs"
		elif [ "$status" -ne 1 ] || [[ "$stderr" != firth-cooc:\ d.db:\ * ]]; then
			echo "cut at $cut: status $status: $stderr"
			return 1
		fi
		run --separate-stderr timeout 30 firth-vocab -d d.db --list
		if [ "$status" -gt 1 ] || { [ "$status" -eq 1 ] &&
		    [[ "$stderr" != firth-vocab:\ d.db:\ * ]]; }; then
			echo "cut at $cut: firth-vocab status $status: $stderr"
			return 1
		fi
	done
}

@test "an undamaged copy still exports the same stream (the checks above can fail)" {
	firth-cooc -q -d t.db --export > t.fs
	cmp t.fs "$BATS_FILE_TMPDIR/good.fs"
}
