#!/usr/bin/env bats
# GloVe's own binary co-occurrence records (cooccurrence.bin,
# cooccurrence.shuf.bin: int32 w1, int32 w2, float64 x, ids 1-based into
# vocab.txt) read by firth-cat --vocab, and a hint where a stream reader
# meets them without it.  The fixtures are written here byte by byte (and
# with perl's pack for the larger one); nothing is built from GloVe.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'the 10\ncat 5\nsat 3\n' > vocab.txt
	# (1,2,0.5) (2,1,0.5) (1,3,1.0) (3,3,2.25), little-endian.
	printf '\001\0\0\0\002\0\0\0\0\0\0\0\0\0\340\077' > c.bin
	printf '\002\0\0\0\001\0\0\0\0\0\0\0\0\0\340\077' >> c.bin
	printf '\001\0\0\0\003\0\0\0\0\0\0\0\0\0\360\077' >> c.bin
	printf '\003\0\0\0\003\0\0\0\0\0\0\0\0\0\002\100' >> c.bin
}

@test "firth-cat --vocab prints GloVe's records as word pairs, ids from vocab.txt's lines" {
	run --separate-stderr firth-cat --vocab vocab.txt c.bin
	[ "$status" -eq 0 ]
	[ "$output" = "the cat 0.5
cat the 0.5
the sat 1
sat sat 2.25" ]
}

@test "firth-cat --vocab -f firth writes a co-occurrence stream with vocab.txt's words" {
	firth-cat --vocab vocab.txt -f firth c.bin > c.fs
	run firth-cat -H c.fs
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "kind: cooc" ]
	[ "${lines[5]}" = "vocabulary: 3 words" ]
	run firth-cat -n c.fs
	[ "$output" = "0 1 0.5
1 0 0.5
0 2 1
2 2 2.25" ]
}

@test "a stream reader given GloVe's records says how to convert them" {
	run --separate-stderr firth-shuffle c.bin
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-shuffle: c.bin: input is not a firth stream (bad magic); if it is GloVe's binary co-occurrence file (cooccurrence.shuf.bin), give its vocab.txt: firth-cat --vocab vocab.txt -f firth FILE > cooc.fs" ]
}

@test "firth-cat --vocab refuses an id outside the vocabulary, naming the record" {
	printf 'the 10\ncat 5\n' > short.txt
	run --separate-stderr firth-cat --vocab short.txt c.bin
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: c.bin: record 3 has word ids 1 and 3; short.txt has 2 words (ids 1..2): is it the vocabulary these records were counted with?" ]
}

@test "firth-cat --vocab refuses a file that ends inside a record" {
	head -c 40 c.bin > cut.bin
	run --separate-stderr firth-cat --vocab vocab.txt -f firth cut.bin
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: cut.bin: ends inside record 3 (8 of its 16 bytes): not GloVe co-occurrence records, or cut short" ]
}

@test "firth-cat --vocab refuses a count that is not finite and above 0" {
	printf '\001\0\0\0\002\0\0\0\0\0\0\0\0\0\360\277' > neg.bin
	run --separate-stderr firth-cat --vocab vocab.txt neg.bin
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: neg.bin: record 1 has the count -1; GloVe's counts are finite and above 0" ]
}

@test "firth-cat --vocab refuses a vocabulary that is not vocab_count's" {
	printf 'the 10\ncat\n' > bad.txt
	run --separate-stderr firth-cat --vocab bad.txt c.bin
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: bad.txt:2: not a GloVe vocabulary line (\"word count\" expected)" ]
	printf 'the 10\ncat 5\nthe 3\n' > dup.txt
	run --separate-stderr firth-cat --vocab dup.txt c.bin
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: dup.txt: the word 'the' is on two lines" ]
	run --separate-stderr firth-cat --vocab missing.txt c.bin
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: cannot open the vocabulary missing.txt: No such file or directory" ]
}

@test "firth-cat --vocab with a vector format is a usage error" {
	run --separate-stderr firth-cat --vocab vocab.txt -f glove c.bin
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-cat: --vocab reads co-occurrence records, and of the -f formats only firth holds them (glove and word2vec are for vectors)" ]
}

@test "firth-glove trains on GloVe's shuffled records exactly as on the same firth stream" {
	# A firth stream of real counts, written out as GloVe's files: vocab.txt
	# in id order and the records as 16-byte int32/int32/float64.  Flat
	# weighting keeps the counts whole, so firth-cat's text is exact.
	zcat "$FIRTH_TOP/pipelines/sample/wiki-sample.txt.gz" | head -n 2000 |
		firth-tokenize --wiki > t.txt
	firth-vocab -q -d c.db t.txt
	firth-cooc -q -d c.db -x flat t.txt
	firth-cooc -d c.db --export --min-count 3 | firth-shuffle --seed 1 > s.fs
	firth-cat -H s.fs > /dev/null
	firth-vocab -d c.db --list --min-count 3 > vocab.txt
	firth-cat -n s.fs |
		perl -ne '@f = split; print pack("l<l<d<", $f[0] + 1, $f[1] + 1, $f[2])' \
		> cooccurrence.shuf.bin
	[ "$(stat -c %s cooccurrence.shuf.bin)" -eq $(( $(firth-cat -n s.fs | wc -l) * 16 )) ]
	firth-glove -q --seed 1 -T 1 --iter 3 --vector-size 10 < s.fs > a.fs
	firth-cat --vocab vocab.txt -f firth cooccurrence.shuf.bin |
		firth-glove -q --seed 1 -T 1 --iter 3 --vector-size 10 > b.fs
	firth-cat a.fs > a.txt
	firth-cat b.fs > b.txt
	[ "$(wc -l < a.txt)" -gt 100 ]
	cmp a.txt b.txt
}

@test "firth-glove, firth-shuffle and firth-svd take GloVe's records with --vocab, and firth streams as before" {
	firth-cat --vocab vocab.txt -f firth c.bin > c.fs
	firth-shuffle --seed 3 --vocab vocab.txt c.bin > a.fs
	firth-shuffle --seed 3 c.fs > b.fs
	cmp a.fs b.fs
	firth-shuffle --seed 3 --vocab vocab.txt c.fs > d.fs
	cmp a.fs d.fs
	firth-glove -q --seed 1 -T 1 --iter 2 --vector-size 4 --vocab vocab.txt < c.bin > g1.fs
	firth-glove -q --seed 1 -T 1 --iter 2 --vector-size 4 < c.fs > g2.fs
	cmp g1.fs g2.fs
	firth-svd -q --dim 2 --vocab vocab.txt < c.bin > s1.fs
	firth-svd -q --dim 2 < c.fs > s2.fs
	cmp s1.fs s2.fs
	run --separate-stderr firth-svd -d x.db --vocab vocab.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-svd: --vocab is for GloVe's records on stdin; -d DB reads the database's own words" ]
}
