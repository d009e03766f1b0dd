#!/usr/bin/env bats
# firth-sgns: word2vec skip-gram and CBOW.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	# Two topics that never share a sentence: words of one topic keep
	# company with each other only.
	awk 'BEGIN { srand(7)
		for (d = 0; d < 400; d++) {
			t = d % 2 ? "x" : "y"; line = ""
			for (i = 0; i < 30; i++)
				line = line (i ? " " : "") t int(rand() * 8)
			print line
		} }' > topics.txt
}

# cos(a, b) from GloVe text on stdin.
cosine() {
	awk -v a="$1" -v b="$2" '$1 == a { for (i = 2; i <= NF; i++) x[i] = $i }
		$1 == b { for (i = 2; i <= NF; i++) y[i] = $i }
		END { for (i in x) { d += x[i] * y[i]; p += x[i] ^ 2; q += y[i] ^ 2 }
			printf "%.3f\n", d / sqrt(p * q) }'
}

# close_to A B: the same words in the same order, every number within 1e-4.
close_to() {
	awk 'NR == FNR { w[FNR] = $1; for (i = 2; i <= NF; i++) v[FNR, i] = $i; n[FNR] = NF; next }
	    { if ($1 != w[FNR] || NF != n[FNR]) { print "line " FNR ": " $1 " vs " w[FNR]; bad = 1; exit }
	      for (i = 2; i <= NF; i++) { d = $i - v[FNR, i]; if (d < 0) d = -d
	        if (d > 1e-4) { print "line " FNR " col " i ": " $i " vs " v[FNR, i]; bad = 1; exit } } }
	    END { if (FNR != length(w)) bad = 1; exit bad }' "$2" "$1"
}

@test "firth-sgns --help prints usage on stdout and exits 0" {
	run --separate-stderr firth-sgns --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-sgns [-qv] [-d DB] [-o FILE] [--size N] [--window N] [--negative N]" ]
	[ -z "$stderr" ]
}

@test "firth-sgns --version names the tool and the version" {
	run firth-sgns --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-sgns (firth) 0.1.0" ]
}

@test "firth-sgns refuses --cbow 2 as a usage error" {
	run --separate-stderr firth-sgns --cbow 2 topics.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --cbow: 2 is too large, the most is 1" ]
	[ -z "$output" ]
}

@test "firth-sgns refuses an unknown --output" {
	run --separate-stderr firth-sgns --output both topics.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --output: 'both' is not in, out or sum" ]
}

@test "firth-sgns refuses empty input and says the upstream may have failed" {
	run --separate-stderr firth-sgns < /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-sgns: no tokens in the input (stdin): did the upstream command fail?" ]
	[ -z "$output" ]
}

@test "firth-sgns refuses a vocabulary emptied by --min-count" {
	run --separate-stderr firth-sgns --min-count 100000 topics.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-sgns: no word occurs --min-count 100000 times; lower --min-count" ]
}

@test "firth-sgns writes GloVe text: one line per word, most frequent first, --size numbers" {
	printf 'a a a b b c\na b\n' > tiny.txt
	run --separate-stderr firth-sgns -q --min-count 1 --size 3 --iter 1 --format glove --seed 1 --threads 1 tiny.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "$output" | awk '{ print $1, NF }' | tr '\n' ' ')" = "a 4 b 4 c 4 " ]
	[ -z "$stderr" ]
}

@test "firth-sgns writes a word2vec header with -o FILE and nothing on stdout" {
	run firth-sgns -q --min-count 1 --size 5 --iter 1 --format word2vec -o v.txt topics.txt
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(head -n 1 v.txt)" = "16 5" ]
	[ "$(wc -l < v.txt)" -eq 17 ]
}

@test "firth-sgns gives identical bytes for the same seed with one thread, from a pipe" {
	firth-sgns -q --min-count 1 --size 10 --iter 2 --seed 5 --threads 1 < topics.txt > a.fs
	cat topics.txt | firth-sgns -q --min-count 1 --size 10 --iter 2 --seed 5 --threads 1 > b.fs
	firth-sgns -q --min-count 1 --size 10 --iter 2 --seed 6 --threads 1 topics.txt > c.fs
	run cmp a.fs b.fs
	[ "$status" -eq 0 ]
	run cmp -s a.fs c.fs
	[ "$status" -eq 1 ]
}

@test "firth-sgns reads gzip input as plain" {
	gzip -c topics.txt > topics.txt.gz
	firth-sgns -q --min-count 1 --size 8 --iter 1 --threads 1 topics.txt > plain.fs
	firth-sgns -q --min-count 1 --size 8 --iter 1 --threads 1 topics.txt.gz > gz.fs
	run cmp plain.fs gz.fs
	[ "$status" -eq 0 ]
}

@test "firth-sgns resumed from a checkpoint gives the bytes of an uninterrupted run" {
	opts="-q --min-count 1 --size 10 --iter 3 --seed 2 --threads 1 --format glove"
	firth-sgns $opts topics.txt > whole.txt
	run firth-sgns $opts --checkpoint ck --stop-after 2 -o part.txt topics.txt
	[ "$status" -eq 0 ]
	[ -f ck ]
	firth-sgns $opts --resume ck topics.txt > resumed.txt
	run cmp whole.txt resumed.txt
	[ "$status" -eq 0 ]
	run cmp -s whole.txt part.txt
	[ "$status" -eq 1 ]
}

@test "firth-sgns refuses to resume a checkpoint made with another --window" {
	firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --checkpoint ck --stop-after 1 topics.txt > /dev/null
	run --separate-stderr firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --window 3 --resume ck topics.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-sgns: ck was made with --window 5, this run has 3; use the same settings to resume" ]
	[ -z "$output" ]
}

@test "firth-sgns refuses a damaged checkpoint" {
	firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --checkpoint ck --stop-after 1 topics.txt > /dev/null
	head -c 300 ck > cut
	run --separate-stderr firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --resume cut topics.txt
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-sgns: cut: "*"(truncated?)" ]]
}

@test "firth-sgns skip-gram puts words of one topic closer than words of two" {
	firth-sgns -q --min-count 1 --size 20 --iter 5 --sample 0 --threads 1 --format glove topics.txt > v.txt
	same=$(cosine x1 x2 < v.txt) other=$(cosine x1 y2 < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns skip-gram with shared negatives puts words of one topic closer" {
	firth-sgns -q --share-negatives 1 --min-count 1 --size 20 --iter 5 --sample 0 --threads 1 --format glove topics.txt > v.txt
	same=$(cosine x4 x6 < v.txt) other=$(cosine x4 y6 < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns CBOW puts words of one topic closer than words of two" {
	firth-sgns -q --cbow 1 --min-count 1 --size 20 --iter 5 --sample 0 --threads 1 --format glove topics.txt > v.txt
	same=$(cosine y3 y5 < v.txt) other=$(cosine y3 x5 < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns --softmax learns the topics too" {
	firth-sgns -q --softmax --min-count 1 --size 20 --iter 5 --sample 0 --threads 1 --format glove topics.txt > v.txt
	same=$(cosine x0 x7 < v.txt) other=$(cosine x0 y7 < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns --hs --negative 0 learns the topics with hierarchical softmax alone" {
	firth-sgns -q --hs --negative 0 --min-count 1 --size 20 --iter 5 --sample 0 --threads 1 --format glove topics.txt > v.txt
	same=$(cosine x2 x5 < v.txt) other=$(cosine x2 y5 < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns CBOW with --hs and negatives learns the topics" {
	firth-sgns -q --cbow 1 --hs --min-count 1 --size 20 --iter 5 --sample 0 --threads 1 --format glove topics.txt > v.txt
	same=$(cosine y1 y6 < v.txt) other=$(cosine y1 x6 < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns --hs gives identical bytes for the same seed with one thread" {
	firth-sgns -q --hs --negative 0 --min-count 1 --size 8 --iter 2 --threads 1 --format glove topics.txt > a.txt
	firth-sgns -q --hs --negative 0 --min-count 1 --size 8 --iter 2 --threads 1 --format glove topics.txt > b.txt
	run cmp a.txt b.txt
	[ "$status" -eq 0 ]
}

@test "firth-sgns refuses --hs with --softmax as a usage error" {
	run --separate-stderr firth-sgns --hs --softmax topics.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --hs and --softmax are two objectives for the same job; choose one" ]
}

@test "firth-sgns refuses --negative 0 without --hs: nothing would train" {
	run --separate-stderr firth-sgns --negative 0 topics.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --negative 0 leaves nothing to train; add --hs or give --negative N > 0" ]
}

@test "firth-sgns --output sum is the sum of --output in and --output out" {
	opts="-q --min-count 1 --size 4 --iter 1 --threads 1 --format glove"
	firth-sgns $opts --output in topics.txt > in.txt
	firth-sgns $opts --output out topics.txt > out.txt
	firth-sgns $opts --output sum topics.txt > sum.txt
	run awk 'FNR == 1 { f++ } f == 1 { for (i = 2; i <= NF; i++) a[$1, i] = $i }
		f == 2 { for (i = 2; i <= NF; i++) a[$1, i] += $i }
		f == 3 { for (i = 2; i <= NF; i++) if ((a[$1, i] - $i) ^ 2 > 1e-10) bad++ }
		END { print bad + 0 }' in.txt out.txt sum.txt
	[ "$status" -eq 0 ]
	[ "$output" = "0" ]
}

@test "firth-sgns -d takes the vocabulary and its limits from a corpus database" {
	firth-vocab -q -d c.db topics.txt
	run --separate-stderr firth-sgns -q -d c.db --min-count 1 --max-vocab 5 --size 4 --iter 1 --format glove topics.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[ "$(printf '%s\n' "$output" | cut -d' ' -f1 | tr '\n' ' ')" = "$(firth-vocab -d c.db --list --max-size 5 | cut -d' ' -f1 | tr '\n' ' ')" ]
}

@test "firth-sgns reports one line per epoch with words/s when stderr is not a terminal" {
	run --separate-stderr firth-sgns --min-count 1 --size 4 --iter 2 --threads 1 topics.txt
	[ "$status" -eq 0 ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	[[ "${stderr_lines[0]}" == "firth-sgns: 12000 tokens, 16 words in the vocabulary, 12000 of them trained on, "* ]]
	[[ "${stderr_lines[1]}" == "firth-sgns: epoch 1/2: 12000 words in "*" words/s, "*" words/thread/s, "*" words/cpu-s, ETA "* ]]
	[[ "${stderr_lines[2]}" == "firth-sgns: epoch 2/2: 12000 words in "* ]]
}

@test "firth-sgns with three Hogwild threads still learns the topics" {
	# Enough text for three spool blocks, one per thread.
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do cat topics.txt; done > big.txt
	firth-sgns -q --min-count 1 --size 20 --iter 1 --sample 0 --threads 3 --format glove big.txt > v.txt
	same=$(cosine x1 x2 < v.txt) other=$(cosine x1 y2 < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns --sample-formula paper subsamples, and other formulas are refused" {
	run --separate-stderr firth-sgns -q --min-count 1 --size 4 --iter 1 --threads 1 --sample 0.01 --sample-formula paper topics.txt
	[ "$status" -eq 0 ]
	run --separate-stderr firth-sgns --sample-formula gensim topics.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --sample-formula: 'gensim' is not word2vec or paper" ]
}

@test "firth-sgns refuses a missing corpus database and names the command that makes one" {
	run --separate-stderr firth-sgns -d missing.db topics.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-sgns: missing.db: no such corpus database; firth-vocab -d missing.db creates it" ]
	[ -z "$output" ]
}

@test "firth-sgns resumes from a checkpoint written by firth 0.1.0 to that release's vectors" {
	# tests/data/state/README says how these were made with firth 0.1.0.
	D="$FIRTH_TOP/tests/data/state"
	run --separate-stderr firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 \
	    --format glove --resume "$D/sgns-0.1.0.ck" -o v.txt "$D/corpus.txt"
	[ "$status" -eq 0 ]
	# 0.1.0's bytes come from its -O3 build; another build (the
	# sanitizers' -O1) rounds differently, so within 1e-4, word by word.
	close_to v.txt "$D/sgns-iter2.txt"
}

@test "firth-sgns checkpoints are firth state files that carry the words and resume to the same bytes" {
	D="$FIRTH_TOP/tests/data/state"
	firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --checkpoint ck \
	    --stop-after 1 -o /dev/null "$D/corpus.txt"
	[ "$(head -c 8 ck | od -An -tx1 | tr -d ' \n')" = 894653540d0a1a0a ]
	grep -q drives ck
	firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --format glove \
	    --resume ck -o v.txt "$D/corpus.txt"
	firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --format glove \
	    -o whole.txt "$D/corpus.txt"
	cmp v.txt whole.txt
	close_to v.txt "$D/sgns-iter2.txt"
}

@test "firth-sgns refuses a firth-glove checkpoint by name" {
	D="$FIRTH_TOP/tests/data/state"
	run --separate-stderr firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 \
	    --resume "$D/glove-0.1.0.ck" "$D/corpus.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-sgns: $D/glove-0.1.0.ck is not a firth-sgns checkpoint" ]
	firth-glove -q -T 1 --iter 1 --vector-size 4 --checkpoint gl.ck -o /dev/null < "$D/cooc.fs"
	run --separate-stderr firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 \
	    --resume gl.ck "$D/corpus.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-sgns: gl.ck holds firth-glove state, not firth-sgns's" ]
}

@test "firth-sgns refuses a checkpoint with a flipped byte in its vectors" {
	D="$FIRTH_TOP/tests/data/state"
	firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 --checkpoint ck \
	    --stop-after 1 -o /dev/null "$D/corpus.txt"
	size=$(stat -c %s ck)
	printf 'X' | dd of=ck bs=1 seek=$((size - 10)) conv=notrunc 2>/dev/null
	run --separate-stderr firth-sgns -q --min-count 1 --size 4 --iter 2 --threads 1 \
	    --resume ck "$D/corpus.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-sgns: ck: section \"out\" is damaged (CRC mismatch)" ]
}
