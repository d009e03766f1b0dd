#!/usr/bin/env bats
# firth-cooc: co-occurrence counts into a corpus database, exported as a
# sorted cooc stream; hand-computed counts for every weighting and context,
# the brute-force reference on a real corpus, batches that add up exactly.

bats_require_minimum_version 1.5.0

# The corpus of the hand-computed tests: ids a=0 b=1 c=2 (counts 3, 2, 1).
#   doc 1: a b c a     doc 2: b a
setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'a b c a\nb a\n' > t.txt
	firth-vocab -q -d t.db t.txt
}

# A few hundred thousand real tokens (the wiki-dev text8-style cleaning).
corpus() {
	local data="${FIRTH_SHARED:-$FIRTH_TOP/../shared/data}"
	local gz="$data/corpus/wiki-dev.txt.gz"
	[ -f "$gz" ] || skip "$gz not found"
	if [ ! -s "$BATS_FILE_TMPDIR/corpus.txt" ]; then
		zcat "$gz" | head -c 1800000 | perl -ne '
		    if (/^<doc /) { $d = ""; next }
		    if (/^<\/doc>/) { print "$d\n" if length $d; next }
		    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
		    sed 's/^ *//; s/  */ /g' > "$BATS_FILE_TMPDIR/corpus.txt"
	fi
	cp "$BATS_FILE_TMPDIR/corpus.txt" corpus.txt
}

# Same keys in the same order, values within a relative 1e-6.
agree() {
	paste -d ' ' "$1" "$2" | awk '
	    { if ($1 != $4 || $2 != $5) { print "key " NR ": " $0; bad = 1; exit }
	      d = $3 - $6; if (d < 0) d = -d; m = $6 < 0 ? -$6 : $6;
	      if (d > 1e-6 * m + 1e-30) { print "value " NR ": " $0; bad = 1; exit } }
	    END { exit bad }' &&
	[ "$(wc -l < "$1")" -eq "$(wc -l < "$2")" ]
}

@test "firth-cooc --help prints the usage on stdout and exits 0" {
	run --separate-stderr firth-cooc --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: firth-cooc -d DB [-qv] [-M SIZE]"* ]]
	[ -z "$stderr" ]
}

@test "firth-cooc --version names the tool and the version" {
	run firth-cooc --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-cooc (firth) 0.1.0" ]
}

@test "firth-cooc without -d is a usage error" {
	run --separate-stderr firth-cooc t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-cooc: -d DB is required (the corpus database firth-vocab -d DB made)" ]
}

@test "firth-cooc refuses a window of 0 and an unknown weighting" {
	run --separate-stderr firth-cooc -d t.db -w 0 t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-cooc: --window: 0 is too small, the least is 1" ]
	run --separate-stderr firth-cooc -d t.db -x cubic t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-cooc: --weighting: 'cubic' is not one of harmonic, linear, flat" ]
}

@test "firth-cooc counts harmonic symmetric windows as computed by hand" {
	firth-cooc -q -d t.db -w 3 t.txt
	run firth-cooc -q -d t.db --export
	[ "$status" -eq 0 ]
	run firth-cat <(firth-cooc -q -d t.db --export)
	[ "$status" -eq 0 ]
	[ "$output" = "a a 0.6666667
a b 2.5
a c 1.5
b a 2.5
b c 1
c a 1.5
c b 1" ]
}

@test "firth-cooc exports linear and flat weighting of the same counts without a recount" {
	firth-cooc -q -d t.db -w 3 t.txt
	run firth-cat <(firth-cooc -q -d t.db --export -x linear)
	[ "$status" -eq 0 ]
	[ "$output" = "a a 0.6666667
a b 2.666667
a c 1.666667
b a 2.666667
b c 1
c a 1.666667
c b 1" ]
	run firth-cat <(firth-cooc -q -d t.db --export -x flat)
	[ "$output" = "a a 2
a b 3
a c 2
b a 3
b c 1
c a 2
c b 1" ]
}

@test "firth-cooc counted with linear weighting exports linear by default" {
	firth-cooc -q -d t.db -w 3 -x linear t.txt
	run firth-cat <(firth-cooc -q -d t.db --export)
	[ "${lines[1]}" = "a b 2.666667" ]
}

@test "firth-cooc --left counts each word with its left context only" {
	firth-cooc -q -d t.db -w 3 --left t.txt
	run firth-cat <(firth-cooc -q -d t.db --export)
	[ "$status" -eq 0 ]
	[ "$output" = "a a 0.3333333
a b 1.5
a c 1
b a 1
c a 0.5
c b 1" ]
}

@test "firth-cooc document contexts count every pair of a document" {
	firth-cooc -q -d t.db -c doc t.txt
	run firth-cat <(firth-cooc -q -d t.db --export)
	[ "$status" -eq 0 ]
	[ "$output" = "a a 2
a b 3
a c 2
b a 3
b c 1
c a 2
c b 1" ]
}

@test "firth-cooc --doc-cap cuts long documents into pieces" {
	firth-cooc -q -d t.db -c doc --doc-cap 2 t.txt
	run firth-cat <(firth-cooc -q -d t.db --export)
	[ "$output" = "a b 2
a c 1
b a 2
c a 1" ]
}

@test "firth-cooc word-document counts number documents across batches" {
	printf 'c c a\n' > u.txt
	firth-vocab -q -d t.db u.txt
	firth-cooc -q -d t.db -c worddoc t.txt
	firth-cooc -q -d t.db -c worddoc u.txt
	run firth-cat -n <(firth-cooc -q -d t.db --export)
	[ "$status" -eq 0 ]
	# ranks after both batches: a (4) = 0, c (3) = 1, b (2) = 2
	[ "$output" = "0 0 2
0 1 1
0 2 1
1 0 1
1 2 2
2 0 1
2 1 1" ]
	run firth-cat -H <(firth-cooc -q -d t.db --export)
	[ "${lines[2]}" = "layout: w1:u32 doc:u32 x:f32" ]
}

@test "firth-cooc refuses harmonic weighting for document contexts" {
	firth-cooc -q -d t.db -c doc t.txt
	run --separate-stderr firth-cooc -d t.db --export -x harmonic
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-cooc: t.db holds doc counts, which are flat; --weighting harmonic applies to window contexts" ]
}

@test "firth-cooc skips stopwords as if they were not there" {
	printf 'c\n' > stop.txt
	firth-cooc -q -d t.db -w 3 -S stop.txt t.txt
	run firth-cat <(firth-cooc -q -d t.db --export)
	[ "$output" = "a a 1
a b 3
b a 3" ]
}

@test "firth-cooc counting only frequent words keeps the others' places, or closes the gaps" {
	firth-cooc -q -d t.db -w 3 --min-count 2 t.txt
	run firth-cat <(firth-cooc -q -d t.db --export)
	[ "$output" = "a a 0.6666667
a b 2.5
b a 2.5" ]
	firth-vocab -q -d u.db t.txt
	firth-cooc -q -d u.db -w 3 --min-count 2 --close-gaps t.txt
	run firth-cat <(firth-cooc -q -d u.db --export)
	[ "$output" = "a a 1
a b 3
b a 3" ]
}

@test "firth-cooc --cap limits every exported count" {
	firth-cooc -q -d t.db -w 3 t.txt
	run firth-cat <(firth-cooc -q -d t.db --export --cap 2)
	[ "$output" = "a a 0.6666667
a b 2
a c 1.5
b a 2
b c 1
c a 1.5
c b 1" ]
}

@test "firth-cooc --export --min-count keeps the chosen vocabulary, ids by rank" {
	firth-cooc -q -d t.db -w 3 t.txt
	run firth-cat <(firth-cooc -q -d t.db --export --min-count 2)
	[ "$output" = "a a 0.6666667
a b 2.5
b a 2.5" ]
	run firth-cat -H <(firth-cooc -q -d t.db --export --max-vocab 2)
	[ "${lines[4]}" = "count: 3" ]
	[ "${lines[5]}" = "vocabulary: 2 words" ]
}

@test "firth-cooc refuses the same input twice and says nothing changed" {
	firth-cooc -q -d t.db t.txt
	run --separate-stderr firth-cooc -d t.db t.txt
	[ "$status" -eq 0 ]
	[ "$stderr" = "firth-cooc: t.db: this input was already counted as batch 2; nothing changed (--force counts it again)" ]
	run firth-cat <(firth-cooc -q -d t.db --export -x flat)
	[ "${lines[0]}" = "a a 2" ]
}

@test "firth-cooc refuses a batch counted with another window, naming both" {
	firth-cooc -q -d t.db -w 3 t.txt
	printf 'b c\n' > u.txt
	run --separate-stderr firth-cooc -d t.db -w 5 u.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: t.db: earlier batches were counted with 'context=window window=3 weighting=harmonic symmetric=yes min-count=1 max-vocab=0 stopwords=none gaps=keep'; this one with 'context=window window=5 weighting=harmonic symmetric=yes min-count=1 max-vocab=0 stopwords=none gaps=keep'. Counts with other settings do not add up: use the same options, or a new database" ]
}

@test "firth-cooc refuses tokens the vocabulary has not seen, and records nothing" {
	printf 'a zz b\n' > u.txt
	run --separate-stderr firth-cooc -d t.db u.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: 1 of 3 tokens are not in the database's vocabulary; nothing was counted: run firth-vocab -d t.db on this input first, then this again (--force counts the other tokens without them)" ]
	[ "$(sqlite3 t.db "SELECT count(*) FROM batches WHERE kind = 'cooc'")" = 0 ]
	# After firth-vocab the same input counts in full.
	firth-vocab -q -d t.db u.txt
	run --separate-stderr firth-cooc -d t.db u.txt
	[ "$status" -eq 0 ]
}

@test "firth-cooc --force counts the known tokens and warns about the others" {
	printf 'a zz b\n' > u.txt
	run --separate-stderr firth-cooc -d t.db --force u.txt
	[ "$status" -eq 0 ]
	[ "${stderr_lines[0]}" = "firth-cooc: 1 of 3 tokens are not in the database's vocabulary (not counted; run firth-vocab -d t.db on this input first)" ]
}

@test "firth-cooc --export on a database without counts says what to run" {
	run --separate-stderr firth-cooc -d t.db --export
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: t.db: no co-occurrence counts yet; count some with firth-cooc -d t.db FILE" ]
}

@test "firth-cooc reports a damaged shard instead of exporting it" {
	firth-cooc -q -d t.db t.txt
	sqlite3 t.db "UPDATE shards SET data = CAST(substr(data, 1, 45) || CASE WHEN substr(data, 46, 1) = x'00' THEN x'01' ELSE x'00' END || substr(data, 47) AS BLOB)"
	run --separate-stderr firth-cooc -d t.db --export
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: t.db: shard 1 fails its checksum; the database is damaged (restore it, or count the corpus again)" ]
	sqlite3 t.db "UPDATE shards SET checksum = 0"
	sqlite3 t.db "UPDATE shards SET data = CAST(x'00' || substr(data, 2) AS BLOB)"
	run --separate-stderr firth-cooc -d t.db --export
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-cooc: t.db: shard 1 fails its checksum"* ]]
}

@test "firth-cooc agrees with the brute-force reference on every pair of a real corpus" {
	corpus
	firth-vocab -q -d c.db corpus.txt
	firth-cooc -q -d c.db corpus.txt
	[ "$(wc -w < corpus.txt)" -gt 250000 ]
	firth-cat <(firth-cooc -q -d c.db --export -m 5) > got.txt
	cooc_ref -m 5 < corpus.txt | firth-cat > want.txt
	[ "$(wc -l < want.txt)" -gt 800000 ]
	agree got.txt want.txt
}

@test "firth-cooc linear and flat exports agree with the reference" {
	corpus
	head -n 100 corpus.txt > small.txt
	firth-vocab -q -d c.db small.txt
	firth-cooc -q -d c.db -w 10 small.txt
	for x in linear flat; do
		firth-cat <(firth-cooc -q -d c.db --export -m 2 -x $x) > got.txt
		cooc_ref -w 10 -m 2 -x $x < small.txt | firth-cat > want.txt
		agree got.txt want.txt
	done
}

@test "firth-cooc agrees with the reference at window 22 (widest packed cells) and 23 (16-byte cells)" {
	corpus
	head -n 100 corpus.txt > small.txt
	for w in 22 23; do
		rm -f c.db
		firth-vocab -q -d c.db small.txt
		firth-cooc -q -d c.db -w $w small.txt
		firth-cat <(firth-cooc -q -d c.db --export -m 2) > got.txt
		cooc_ref -w $w -m 2 < small.txt | firth-cat > want.txt
		agree got.txt want.txt
	done
}

@test "firth-cooc --left agrees with the brute-force reference" {
	corpus
	head -n 300 corpus.txt > small.txt
	firth-vocab -q -d c.db small.txt
	firth-cooc -q -d c.db -w 7 --left small.txt
	firth-cat <(firth-cooc -q -d c.db --export -m 3) > got.txt
	cooc_ref -w 7 -l -m 3 < small.txt | firth-cat > want.txt
	agree got.txt want.txt
}

@test "firth-cooc counted in two batches exports what one batch does" {
	corpus
	head -n 600 corpus.txt > all.txt
	head -n 250 all.txt > one.txt
	tail -n +251 all.txt > two.txt
	firth-vocab -q -d all.db all.txt
	firth-cooc -q -d all.db all.txt
	firth-vocab -q -d two.db one.txt
	firth-cooc -q -d two.db one.txt
	firth-vocab -q -d two.db two.txt
	firth-cooc -q -d two.db two.txt
	# Words with equal counts may rank differently (ids differ): compare words.
	firth-cat <(firth-cooc -q -d all.db --export -m 3) | LC_ALL=C sort > a.txt
	firth-cat <(firth-cooc -q -d two.db --export -m 3) | LC_ALL=C sort > b.txt
	[ "$(wc -l < a.txt)" -gt 100000 ]
	cmp a.txt b.txt
}

@test "firth-cooc under a small -M spills and merges to the same counts" {
	corpus
	head -n 400 corpus.txt > small.txt
	firth-vocab -q -d big.db small.txt
	firth-cooc -q -d big.db small.txt
	firth-vocab -q -d small.db small.txt
	run --separate-stderr firth-cooc -v -M 1M -d small.db small.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"merged 16 spill runs into one"* ]]
	# The batch is stored as 8 sorted runs (levels 0..7), merged by export.
	[ "$(sqlite3 small.db 'SELECT count(DISTINCT level), min(level), max(level), count(DISTINCT batch) FROM shards')" = "8|0|7|1" ]
	cmp <(firth-cooc -q -d big.db --export -l 0) <(firth-cooc -q -d small.db -M 1M --export -l 0)
}

@test "firth-cooc merges more runs than its fan-in in rounds and exports the same counts" {
	corpus
	head -n 300 corpus.txt > all.txt
	firth-vocab -q -d all.db all.txt
	firth-cooc -q -d all.db all.txt
	for r in 1,100 101,200 201,300; do
		sed -n "${r}p" all.txt > part.txt
		firth-vocab -q -d parts.db part.txt
		firth-cooc -q -M 1M -d parts.db part.txt
	done
	[ "$(sqlite3 parts.db 'SELECT count(*) FROM (SELECT DISTINCT batch, level FROM shards)')" -gt 16 ]
	firth-cooc -v -M 1M -d parts.db --export -m 3 > b.fs 2> err.txt
	grep -q "^firth-cooc: merged [0-9]* runs into one" err.txt
	firth-cat <(firth-cooc -q -d all.db --export -m 3) | LC_ALL=C sort > a.txt
	firth-cat b.fs | LC_ALL=C sort > b.txt
	[ "$(wc -l < a.txt)" -gt 50000 ]
	cmp a.txt b.txt
}

@test "firth-cooc --compact leaves one run and the same export" {
	corpus
	head -n 200 corpus.txt > one.txt
	sed -n '201,400p' corpus.txt > two.txt
	for f in one.txt two.txt; do
		firth-vocab -q -d c.db $f
		firth-cooc -q -d c.db $f
	done
	firth-cooc -q -d c.db --export -l 0 > before.fs
	run --separate-stderr firth-cooc -d c.db --compact
	[ "$status" -eq 0 ]
	[ "$(sqlite3 c.db 'SELECT count(DISTINCT level), count(batch) FROM shards')" = "1|0" ]
	firth-cooc -q -d c.db --export -l 0 > after.fs
	cmp before.fs after.fs
	run --separate-stderr firth-cooc -d c.db --compact
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"nothing to compact" ]]
}

@test "firth-cooc moves a dense cell out before its sums overflow, and keeps them exact" {
	# 100 documents of 1000 a's, window 255: each document adds
	# n = sum(1000 - d) = 222360 and sum of d = 27080320 to (a, a), so the
	# distance sum passes 2^31 within the batch.
	yes a | head -n 1000 | tr '\n' ' ' > doc.txt
	echo >> doc.txt
	for i in $(seq 100); do cat doc.txt; done > a.txt
	firth-vocab -q -d a.db a.txt
	run --separate-stderr firth-cooc -v -w 255 -x flat -d a.db a.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *", 1 overflow cells"* ]]
	run firth-cat <(firth-cooc -q -d a.db --export)
	[ "$output" = "a a 4.4472e+07" ]
	# linear: 2 x 100 x (256 n - sum d) / 255
	run firth-cat <(firth-cooc -q -d a.db --export -x linear)
	[ "$output" = "a a 2.340693e+07" ]
}

@test "firth-cooc moves a packed dense cell out before a field carries, and keeps the sums exact" {
	# Window 15 packs a cell in 64 bits with n in its top 15 bits: (a, a)
	# gains n = sum(1000 - d, d = 1..15) = 14880 a document, 1488000 in
	# all, so it moves out each time n reaches 2^14 (181 times).
	yes a | head -n 1000 | tr '\n' ' ' > doc.txt
	echo >> doc.txt
	for i in $(seq 100); do cat doc.txt; done > a.txt
	firth-vocab -q -d a.db a.txt
	run --separate-stderr firth-cooc -v -w 15 -d a.db a.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *", 181 overflow cells"* ]]
	# harmonic: 2 x 100 x sum((1000 - d) / d) = 660645.7986
	run firth-cat <(firth-cooc -q -d a.db --export)
	[ "$output" = "a a 660645.8" ]
	run firth-cat <(firth-cooc -q -d a.db --export -x flat)
	[ "$output" = "a a 2976000" ]
	# linear: 2 x 100 x sum((16 - d)(1000 - d)) / 15 = 1590933.33
	run firth-cat <(firth-cooc -q -d a.db --export -x linear)
	[ "$output" = "a a 1590933" ]
}

@test "firth-cooc --force still refuses a window whose counts cannot be merged" {
	firth-cooc -q -d t.db -w 3 t.txt
	printf 'b c\n' > u.txt
	run --separate-stderr firth-cooc -d t.db -w 5 --force u.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: t.db: earlier batches were counted with another context, window or side; their counts cannot be merged with these, even with --force (use a new database)" ]
	run firth-cooc -q -d t.db -w 3 -x linear --force u.txt
	[ "$status" -eq 0 ]
}

@test "firth-cooc --export and --compact of many runs stay within a small -M and export the same bytes" {
	corpus
	head -n 96 corpus.txt > all.txt
	firth-vocab -q -d c.db all.txt
	for i in $(seq 0 11); do
		sed -n "$((i * 8 + 1)),$((i * 8 + 8))p" all.txt > part.txt
		firth-cooc -q -d c.db part.txt
	done
	[ "$(sqlite3 c.db 'SELECT count(*) FROM (SELECT DISTINCT batch, level FROM shards)')" -ge 12 ]
	firth-cooc -q -d c.db --export > big.fs
	# -M 1M allows 2 open runs (a sixth of -M, 8 MB a run, 2 at least):
	# the others are merged 2 at a time first, once for every pass.
	/usr/bin/time -f %M -o kb.txt firth-cooc -v -M 1M -d c.db --export \
	    > small.fs 2> err.txt
	cmp big.fs small.fs
	grep -q '^firth-cooc: merged 2 runs into one of [0-9]* records$' err.txt
	! grep '^firth-cooc: merged [13-9][0-9]* runs' err.txt
	[ "$(grep -c 'merge pass' err.txt)" -eq 1 ]
	echo "export peak $(cat kb.txt) KB"
	# AddressSanitizer's shadow memory counts too: bounds only without it.
	[ -n "${FIRTH_SANITIZE:-}" ] || [ "$(cat kb.txt)" -lt 32768 ]
	/usr/bin/time -f %M -o kb.txt firth-cooc -v -M 1M -d c.db --compact \
	    2> err.txt
	grep -q '^firth-cooc: merged 2 runs into one of [0-9]* records$' err.txt
	echo "compact peak $(cat kb.txt) KB"
	[ -n "${FIRTH_SANITIZE:-}" ] || [ "$(cat kb.txt)" -lt 32768 ]
	[ "$(sqlite3 c.db 'SELECT count(*) FROM (SELECT DISTINCT batch, level FROM shards)')" -eq 1 ]
	firth-cooc -q -d c.db --export | cmp big.fs -
}
