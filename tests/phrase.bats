#!/usr/bin/env bats
# firth-phrase: phrases joined in token text, from unigram and bigram
# counts kept in the corpus database, additive across batches.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	# 14 tokens, 4 documents: "new york" 4 times, new 4, york 4.
	printf 'new york is big\ni love new york\nnew york new york\nthe cat\n' > t.txt
}

@test "firth-phrase --help prints the usage on stdout and exits 0" {
	run --separate-stderr firth-phrase --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-phrase -d DB [-qv] [-p N] [-s SCORING] [-t X] [-m N] [-M SIZE] [FILE...]" ]
	[ -z "$stderr" ]
}

@test "firth-phrase --version names the tool and the version" {
	run firth-phrase --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-phrase (firth) 0.1.0" ]
}

@test "firth-phrase refuses bad options with a usage error" {
	run --separate-stderr firth-phrase -d a.db --bogus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage: firth-phrase"* ]]
	run --separate-stderr firth-phrase -d a.db --scoring pmi t.txt
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "firth-phrase: --scoring: 'pmi' is not a scoring; use word2phrase or npmi" ]
	run --separate-stderr firth-phrase -d a.db -s npmi -t 1.5 t.txt
	[ "$status" -eq 2 ]
	[[ "$stderr" == "firth-phrase: --threshold: "* ]]
	run --separate-stderr firth-phrase -d a.db --pass 10 t.txt
	[ "$status" -eq 2 ]
	[[ "$stderr" == "firth-phrase: --pass: "* ]]
	run --separate-stderr firth-phrase t.txt
	[ "$status" -eq 2 ]
	[[ "$stderr" == "firth-phrase: -d DB is needed"* ]]
	run --separate-stderr firth-phrase -d a.db --count -t 50 t.txt
	[ "$status" -eq 2 ]
	[[ "$stderr" == "firth-phrase: --count stores counts, which do not depend on --scoring or --threshold"* ]]
	run --separate-stderr firth-phrase -d a.db --count --list
	[ "$status" -eq 2 ]
	[ ! -e a.db ]
}

@test "firth-phrase scores pairs as word2phrase does (hand-computed)" {
	firth-phrase -q -d a.db --count t.txt
	# (n(ab) - delta) / (n(a) n(b)) * N: new york (4 - 1) / 16 * 14 = 2.625;
	# york new (1 - 1) / 16 * 14 = 0; the cat (1 - 1) / 1 * 14 = 0.
	run --separate-stderr firth-phrase -d a.db -m 1 -t 1 --list
	[ "$status" -eq 0 ]
	[ "$output" = "new_york 4 2.625" ]
	# With delta 0, the pairs seen once score 1 / (1 * 1) * 14 = 14 and
	# new york 4 / 16 * 14 = 3.5, under a threshold of 5.
	run firth-phrase -d a.db -m 0 -t 5 --list
	[ "$output" = "is_big 1 14
i_love 1 14
the_cat 1 14" ]
	# The default delta (5) is above every count here: nothing joins.
	run firth-phrase -d a.db -t 0 --list
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "firth-phrase scores npmi as gensim does (hand-computed)" {
	firth-phrase -q -d a.db --count t.txt
	# york is: ln((1/14) / ((4/14) (1/14))) / -ln(1/14) = ln 3.5 / ln 14
	# = 0.474701; new york: ln 3.5 / ln 3.5 = 1.
	run --separate-stderr firth-phrase -d a.db -s npmi -m 1 -t 0.4 --list
	[ "$status" -eq 0 ]
	[ "$output" = "new_york 4 1
york_is 1 0.474701
is_big 1 1
i_love 1 1
love_new 1 0.474701
the_cat 1 1" ]
	# The threshold is strict and delta bars rarer pairs.
	run firth-phrase -d a.db -s npmi -m 2 -t 0.4 --list
	[ "$output" = "new_york 4 1" ]
}

@test "firth-phrase joins pairs greedily from the left and keeps the rest" {
	firth-phrase -q -d a.db --count t.txt
	run --separate-stderr firth-phrase -d a.db -m 1 -t 1 t.txt
	[ "$status" -eq 0 ]
	[ "$output" = "new_york is big
i love new_york
new_york new_york
the cat" ]
	[[ "$stderr" =~ ^firth-phrase:\ 14\ tokens,\ 4\ pairs\ joined\ \(1\ phrases\ known,\ pass\ 1\)\ in\ [0-9]+\.[0-9][0-9]\ s$ ]]
	# Words the pass never counted are copied as they are.
	printf 'new york zebra new\nnew\n' | firth-phrase -q -d a.db -m 1 -t 1 > out.txt
	[ "$(cat out.txt)" = "new_york zebra new
new" ]
}

@test "a phrase table built from two batches equals one built from one" {
	printf 'a b c\nnew york new york\n' >> t.txt
	for i in 1 2 3; do cat t.txt; done > all.txt
	head -n 7 all.txt > part1.txt
	tail -n +8 all.txt | gzip > part2.gz
	firth-phrase -q -d one.db --count all.txt
	firth-phrase -q -d two.db --count part1.txt
	firth-phrase -q -d two.db --count part2.gz
	[ "$(sqlite3 two.db "SELECT count(*) FROM batches WHERE kind = 'phrase1'")" = 2 ]
	firth-phrase -d one.db --dump > one.dump
	firth-phrase -d two.db --dump > two.dump
	# Same counts (and the same ids: new words are numbered in order of
	# first appearance, which splitting at a line end keeps).
	cmp one.dump two.dump
	grep -qx 'new york 18' one.dump
	grep -qx 'york new 6' one.dump
	firth-phrase -d one.db -m 1 -t 1 --list > one.list
	firth-phrase -d two.db -m 1 -t 1 --list > two.list
	cmp one.list two.list
	[ -s one.list ]
	firth-phrase -q -d one.db -m 1 -t 1 all.txt > one.out
	firth-phrase -q -d two.db -m 1 -t 1 all.txt > two.out
	cmp one.out two.out
}

@test "firth-phrase keeps counts exact when the pair table spills under -M" {
	# 60000 numbers, 4 to a line: 45000 distinct pairs, more than the
	# table holds in 1M (22937).
	seq 1 60000 | paste -d ' ' - - - - > big.txt
	seq 1 60000 | paste -d ' ' - - - - >> big.txt
	run --separate-stderr firth-phrase -v -d small.db -M 1M --count big.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"bigram table full (-M): spilled run 1 of "* ]]
	firth-phrase -q -d large.db --count big.txt
	firth-phrase -d small.db --dump > small.dump
	firth-phrase -d large.db --dump > large.dump
	cmp small.dump large.dump
	[ "$(grep -c ' .* ' small.dump)" = 45000 ]
	grep -qx '1 2 2' small.dump
}

@test "counts summed over more runs than one merge takes (16) stay exact" {
	# 17 batches of one line each against the same lines in one batch.
	for i in $(seq 1 17); do echo "w$i new york w$((i + 1))"; done > all.txt
	for i in $(seq 1 17); do
		sed -n "${i}p" all.txt | firth-phrase -q -d many.db --count
	done
	firth-phrase -q -d one.db --count all.txt
	firth-phrase -d one.db --dump | LC_ALL=C sort > one.dump
	firth-phrase -d many.db --dump | LC_ALL=C sort > many.dump
	cmp one.dump many.dump
	grep -qx 'new york 17' many.dump
	# 400000 distinct pairs spill 17 runs under -M 1M: merged in rounds.
	seq 1 600000 | paste -d ' ' - - - > big.txt
	run --separate-stderr firth-phrase -v -d small.db -M 1M --count big.txt
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"spilled run 17 of "* ]]
	firth-phrase -q -d large.db --count big.txt
	firth-phrase -d small.db --dump > small.dump
	firth-phrase -d large.db --dump | cmp - small.dump
	[ "$(grep -c ' .* ' small.dump)" = 400000 ]
}

@test "firth-phrase refuses a batch counted twice and changes nothing" {
	firth-phrase -q -d a.db --count t.txt
	firth-phrase -d a.db --dump > before
	gzip -c t.txt > t.gz
	run --separate-stderr firth-phrase -d a.db --count t.gz
	[ "$status" -eq 0 ]
	[ "$stderr" = "firth-phrase: a.db: this input was already counted for pass 1 as batch 1; nothing changed" ]
	firth-phrase -d a.db --dump | cmp - before
	# The same text for another pass is another batch.
	firth-phrase -q -d a.db --pass 2 --count t.txt
	[ "$(sqlite3 a.db 'SELECT kind FROM batches ORDER BY id' | tr '\n' ' ')" = "phrase1 phrase2 " ]
}

@test "firth-phrase says how to count when the database has no bigram counts" {
	firth-vocab -q -d v.db t.txt
	run --separate-stderr firth-phrase -d v.db t.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-phrase: v.db: no bigram counts (pass 1); count them first: firth-phrase -d v.db --count FILE..." ]
	[ -z "$output" ]
	firth-phrase -q -d v.db --count t.txt
	run --separate-stderr firth-phrase -d v.db --pass 2 --list
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-phrase: v.db: no bigram counts for pass 2; count the text pass 1 wrote: firth-phrase -d v.db --pass 2 --count FILE..." ]
	run --separate-stderr firth-phrase -d none.db t.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-phrase: none.db: no such corpus database; firth-vocab -d none.db creates it" ]
	[ ! -e none.db ]
}

@test "firth-phrase refuses empty input to --count and keeps nothing" {
	run --separate-stderr firth-phrase -d a.db --count < /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-phrase: no tokens in the input (-): did the upstream command fail?" ]
	[ "$(sqlite3 a.db 'SELECT count(*) FROM batches')" = 0 ]
}

@test "two passes give phrases of four words, the second counted on the first's output" {
	# x1..x3 and y1..y3 are seen once each: only a b, c d and z q join.
	for i in 1 2 3; do echo "x$i a b c d y$i"; echo 'z q'; done > p.txt
	firth-phrase -q -d p.db --count p.txt
	firth-phrase -q -d p.db -m 1 -t 1 p.txt > p1.txt
	[ "$(head -n 2 p1.txt)" = "x1 a_b c_d y1
z_q" ]
	firth-phrase -q -d p.db -m 1 -t 1 p.txt |
	    firth-phrase -q -d p.db --pass 2 --count
	run firth-phrase -q -d p.db --pass 2 -m 1 -t 1 p1.txt
	[ "${lines[0]}" = "x1 a_b_c_d y1" ]
	# Pass 1's counts are untouched by pass 2's.
	firth-phrase -d p.db --dump | grep -qx 'a b 3'
	firth-phrase -d p.db --pass 2 --dump | grep -qx 'a_b c_d 3'
}

@test "a phrase word changed in place is refused by the seal, a damaged blob by its checksum" {
	firth-phrase -q -d a.db --count t.txt
	cp a.db b.db
	sqlite3 a.db "UPDATE phrase_words SET word = 'nex' WHERE id = 0"
	run --separate-stderr firth-phrase -d a.db t.txt
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"a.db: the database is damaged: its words, batches or settings no longer match the seal"* ]]
	sqlite3 b.db "UPDATE phrase_bigrams SET data = substr(data, 1, 50) || x'ff' || substr(data, 52)"
	run --separate-stderr firth-phrase -d b.db t.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-phrase: b.db: bigram blob 1 fails its checksum; the database is damaged (restore it, or count the corpus again)" ]
	[ -z "$output" ]
}

@test "the man page's examples run as written on the sample corpus, twice to the same bytes" {
	ln -s "$FIRTH_TOP/pipelines" pipelines
	firth-tokenize -q --wiki --text8 pipelines/sample/wiki-sample.txt.gz |
	    gzip -1 > tokens.gz
	firth-phrase -q -d corpus.db --count tokens.gz
	firth-phrase -d corpus.db --list -t 200 | sort -k3,3gr | head -3 > top
	[ "$(wc -l < top)" = 3 ]
	firth-phrase -q -d corpus.db -t 200 tokens.gz |
	    firth-phrase -q -d corpus.db --pass 2 --count
	firth-phrase -q -d corpus.db -t 200 tokens.gz |
	    firth-phrase -q -d corpus.db --pass 2 -t 100 > phrased.txt
	n=$(tr ' ' '\n' < phrased.txt | grep -c '_.*_.*_')
	[ "$n" -gt 0 ]
	tr ' ' '\n' < phrased.txt | grep -qx new_york
	firth-vocab -q -d phrased.db phrased.txt
	firth-sgns -q -d phrased.db --iter 1 phrased.txt > vectors.fs
	[ -s vectors.fs ]
	firth-phrase -q -d corpus.db -t 200 tokens.gz |
	    firth-phrase -q -d corpus.db --pass 2 -t 100 | cmp - phrased.txt
}
