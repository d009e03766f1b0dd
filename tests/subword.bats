#!/usr/bin/env bats
# firth-sgns --subword and firth-eval --model: character n-gram vectors
# (fastText's model) and vectors for words outside the vocabulary.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	# Two topics that never share a sentence; each word has a plural.
	awk 'BEGIN { srand(5)
		split("apple pear plum grape lemon melon", a, " ")
		split("truck train plane boat coach ferry", b, " ")
		for (d = 0; d < 300; d++) {
			line = ""
			for (i = 0; i < 20; i++) {
				k = int(rand() * 6) + 1
				w = d % 2 ? a[k] : b[k]
				line = line (i ? " " : "") w (rand() < 0.5 ? "s" : "")
			}
			print line
		} }' > fruit.txt
	opts="-q --min-count 1 --size 16 --iter 5 --sample 0 --threads 1 --buckets 5000 --format glove"
}

cosine() {
	awk -v a="$1" -v b="$2" '$1 == a { for (i = 2; i <= NF; i++) x[i] = $i }
		$1 == b { for (i = 2; i <= NF; i++) y[i] = $i }
		END { for (i in x) { d += x[i] * y[i]; p += x[i] ^ 2; q += y[i] ^ 2 }
			printf "%.3f\n", d / sqrt(p * q) }'
}

@test "firth-sgns --subword skip-gram puts words of one topic closer than words of two" {
	firth-sgns $opts --subword 3:6 fruit.txt > v.txt
	same=$(cosine apple plums < v.txt) other=$(cosine apple trains < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns --subword CBOW learns the topics too" {
	firth-sgns $opts --subword --cbow 1 fruit.txt > v.txt
	same=$(cosine boat ferrys < v.txt) other=$(cosine boat lemon < v.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o + 0.3) }'
	[ "$status" -eq 0 ]
}

@test "firth-sgns --subword gives identical bytes for the same seed with one thread" {
	firth-sgns $opts --subword=2:4 fruit.txt > a.txt
	firth-sgns $opts --subword=2:4 fruit.txt > b.txt
	run cmp a.txt b.txt
	[ "$status" -eq 0 ]
}

@test "firth-eval vectors gives a saved model's words the vectors firth-sgns wrote" {
	firth-sgns $opts --subword --save-model m.fsw fruit.txt > v.txt
	printf 'apple\ntrucks\n' > words.txt
	run --separate-stderr firth-eval --model m.fsw vectors words.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# Same floats, written by two printers: compare as numbers.
	run awk 'NR == FNR { v[$1] = $0; next }
		{ n = split(v[$1], a, " "); if (n != NF || n != 17) exit 1
		  for (i = 2; i <= NF; i++) if ((a[i] - $i) ^ 2 > 1e-14) exit 1 }' v.txt <(firth-eval --model m.fsw vectors words.txt)
	[ "$status" -eq 0 ]
}

@test "firth-eval vectors gives a word outside the vocabulary a vector close to its relatives" {
	firth-sgns $opts --subword --save-model m.fsw fruit.txt > /dev/null
	printf 'appless\nplaness\n' | firth-eval --model m.fsw vectors > oov.txt
	firth-eval --model m.fsw vectors <(printf 'apple\nplane\n') >> oov.txt
	[ "$(wc -l < oov.txt)" -eq 4 ]
	same=$(cosine appless apple < oov.txt) other=$(cosine appless plane < oov.txt)
	run awk -v s="$same" -v o="$other" 'BEGIN { exit !(s > o) }'
	[ "$status" -eq 0 ]
}

@test "firth-eval --oov subword scores pairs with unknown words instead of skipping them" {
	firth-sgns $opts --subword --save-model m.fsw fruit.txt > /dev/null
	printf 'apple applez 9\nplum boatz 1\ntrain plane 8\n' > pairs.txt
	run --separate-stderr firth-eval --model m.fsw similarity pairs.txt
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[1]}" | awk '{ print $2, $3 }')" = "3 1" ]
	run --separate-stderr firth-eval --model m.fsw --oov subword similarity pairs.txt
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[1]}" | awk '{ print $2, $3 }')" = "3 3" ]
	[ "$stderr" = "firth-eval: 24 words of the model, 2 more from the test files given subword vectors, 0 without any n-gram left unknown" ]
}

@test "firth-sgns refuses --subword 0:2 as a usage error" {
	run --separate-stderr firth-sgns --subword 0:2 fruit.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --subword 0:2: n-grams need 1 <= MIN <= MAX characters (fastText uses 3:6)" ]
}

@test "firth-sgns refuses --buckets 0 as a usage error" {
	run --separate-stderr firth-sgns --subword --buckets 0 fruit.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --buckets: 0 is too small, the least is 1" ]
}

@test "firth-sgns refuses --save-model without --subword" {
	run --separate-stderr firth-sgns --save-model m.fsw fruit.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-sgns: --save-model saves a subword model: add --subword" ]
}

@test "firth-eval refuses a model file written by another tool" {
	firth-sgns $opts fruit.txt > plain.txt
	run --separate-stderr firth-eval --model plain.txt vectors words.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: plain.txt is not a firth subword model; make one with firth-sgns --subword --save-model FILE" ]
}

@test "firth-eval refuses a truncated subword model" {
	firth-sgns $opts --subword --save-model m.fsw fruit.txt > /dev/null
	head -c 1000 m.fsw > cut.fsw
	run --separate-stderr firth-eval --model cut.fsw vectors <(echo apple)
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: cut.fsw: truncated subword model" ]
}

@test "firth-eval --oov subword without --model is a usage error" {
	run --separate-stderr firth-eval --oov subword similarity fruit.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-eval: --oov subword needs --model FILE" ]
}
