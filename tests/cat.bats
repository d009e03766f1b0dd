#!/usr/bin/env bats
# firth-cat: firth streams decoded to text; damaged or foreign input named
# and refused with exit 1; vector formats converted.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	# Three words of count 1: ranks cat 0, sat 1, the 2 (ties by bytes).
	printf 'the cat sat\n' | cooc_ref -w 2 > s.fs
	printf 'king 0.5 -1 2\nqueen 0.25 3e-07 -4\n' > v.txt
}

# A cooc stream of two frames: 3000 distinct words, 89760 records.
big_stream() {
	seq 1 3000 | tr '\n' ' ' | cooc_ref > big.fs
}

@test "firth-cat --help prints the usage on stdout and exits 0" {
	run --separate-stderr firth-cat --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-cat [-Hnqv] [-f FORMAT] [-l LEVEL] [FILE...]" ]
	[ -z "$stderr" ]
}

@test "firth-cat --version names the tool and the version" {
	run firth-cat --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-cat (firth) 0.1.0" ]
}

@test "firth-cat prints cooc records as word pairs with their weights" {
	run --separate-stderr firth-cat s.fs
	[ "$status" -eq 0 ]
	[ "$output" = "cat sat 1
cat the 1
sat cat 1
sat the 0.5
the cat 1
the sat 0.5" ]
	[ -z "$stderr" ]
}

@test "firth-cat -n prints cooc records as ids" {
	run firth-cat -n < s.fs
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 1
0 2 1
1 0 1
1 2 0.5
2 0 1
2 1 0.5" ]
}

@test "firth-cat -H prints the header, with the vocabulary fingerprint" {
	# FNV-1a 64 of "cat\xffsat\xffthe\xff", computed apart from firth.
	run firth-cat -H s.fs
	[ "$status" -eq 0 ]
	[ "$output" = "file: s.fs
kind: cooc
layout: w1:u32 w2:u32 x:f32
record-size: 12
count: unknown
vocabulary: 3 words
fingerprint: 1d423b31fb58c7c5" ]
}

@test "firth-cat -H on a vector stream gives dim and count" {
	firth-cat -f firth v.txt > v.fs
	run firth-cat -H < v.fs
	[ "$status" -eq 0 ]
	[ "$output" = "file: stdin
kind: vectors
layout: word:str16 vec:f32[3]
record-size: 0
dim: 3
count: 2
vocabulary: 0 words" ]
}

@test "firth-cat decodes every record of a stream of several frames" {
	big_stream
	run firth-cat -n big.fs
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 89760 ]
	# Ranks by bytes: "1" 0, "10" 1 (nine apart: 1/9); "998" 2998, "999" 2999.
	[ "${lines[0]}" = "0 1 0.1111111" ]
	[ "${lines[89759]}" = "2999 2998 1" ]
}

@test "firth-cat reads several files in turn, - for stdin" {
	run firth-cat s.fs - s.fs < s.fs
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 18 ]
}

@test "firth-cat refuses a truncated stream with the record count" {
	big_stream
	head -c 320000 big.fs > cut.fs
	run --separate-stderr firth-cat cut.fs
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: cut.fs: stream truncated after 87381 records: did the upstream command fail?" ]
}

@test "firth-cat refuses a stream cut anywhere in a pipe" {
	# 189 bytes: header 0-68, vocabulary frame 69-99, records 100-148,
	# end frame 149-188.
	[ "$(wc -c < s.fs)" -eq 189 ]
	for n in 1 7 8 40 69 70 99 100 120 148; do
		run --separate-stderr bash -c "head -c $n s.fs | firth-cat"
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[ "$stderr" = "firth-cat: stdin: stream truncated after 0 records: did the upstream command fail?" ]
	done
	for n in 149 150 188; do
		run --separate-stderr bash -c "head -c $n s.fs | firth-cat"
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 6 ]
		[ "$stderr" = "firth-cat: stdin: stream truncated after 6 records: did the upstream command fail?" ]
	done
}

@test "firth-cat refuses a stream with a damaged byte" {
	big_stream
	cp big.fs bad.fs
	printf '\000' | dd of=bad.fs bs=1 seek=1000 conv=notrunc 2>/dev/null
	run --separate-stderr firth-cat bad.fs
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cat: bad.fs: corrupt frame after 0 records (CRC mismatch)" ]
}

@test "firth-cat says token text is not a firth stream" {
	run firth-cat < v.txt
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: stdin: input is text, not a firth stream" ]
	run bash -c 'echo hi | firth-cat'
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: stdin: input is text, not a firth stream" ]
}

@test "firth-cat says gzip data is gzip" {
	gzip -c v.txt > v.gz
	run firth-cat v.gz
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: v.gz: input is gzip data (decompress it, or did you mean token text?)" ]
}

@test "firth-cat refuses empty input as a failed upstream" {
	run firth-cat < /dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: stdin: empty input where a firth stream was expected: did the upstream command fail?" ]
}

@test "firth-cat names a missing file" {
	run firth-cat nosuch.fs
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: cannot open nosuch.fs: No such file or directory" ]
}

@test "firth-cat into a closed pipe stops quietly" {
	big_stream
	run --separate-stderr bash -c 'firth-cat big.fs | head -1'
	[ "$status" -eq 0 ]
	[ "$output" = "1 10 0.1111111" ]
	[ -z "$stderr" ]
}

@test "firth-cat -f converts vectors through every format and back" {
	run bash -c 'firth-cat -f firth v.txt | firth-cat -f word2vec |
	    firth-cat -f word2vec-binary | firth-cat -f glove'
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat v.txt)" ]
}

@test "firth-cat -f word2vec writes the count and dim header" {
	run firth-cat -f word2vec v.txt
	[ "$status" -eq 0 ]
	[ "$output" = "2 3
king 0.5 -1 2
queen 0.25 3e-07 -4" ]
}

@test "firth-cat decodes a vector stream to GloVe text" {
	firth-cat -f firth -l 0 v.txt > v.fs
	run firth-cat v.fs
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat v.txt)" ]
}

@test "firth-cat -f refuses a cooc stream" {
	run firth-cat -f glove s.fs
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: s.fs: expected vectors, got co-occurrence records" ]
}

@test "firth-cat -f refuses ragged vector text with its line" {
	printf 'a 1 2\nb 3\n' > r.txt
	run firth-cat -f glove r.txt
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: r.txt:2: 1 numbers where 2 were expected: ragged rows or a wrong dimension" ]
}

@test "firth-cat refuses -H with -f, an unknown format and a bad level" {
	run firth-cat -H -f glove v.txt
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-cat: -H and -f do not go together" ]
	run firth-cat -f xml v.txt
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-cat: --format: 'xml' is not one of firth, glove, word2vec, word2vec-binary" ]
	run firth-cat -f firth -l 10 v.txt
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-cat: --level: 10 is too large, the most is 9" ]
}

@test "firth-cat reads a level-1 stream whose frames were compressed on several threads, in order, and it is the same bytes every time" {
	# 700,000 numbered records: 9 frames of 1 MiB, more than the writer's
	# four compressing threads, so frames finish out of order.
	gen_cooc -i -n 700000 -V 1000 -l 1 > a.fs
	gen_cooc -i -n 700000 -V 1000 -l 1 > b.fs
	cmp a.fs b.fs
	gen_cooc -i -n 700000 -V 1000 -l 0 > s.fs
	firth-cat -n a.fs > a.txt
	firth-cat -n s.fs > s.txt
	cmp a.txt s.txt
	run awk 'NR == 700000 { print $3 } END { print NR }' a.txt
	[ "${lines[0]}" = 699999 ]
	[ "${lines[1]}" = 700000 ]
}

@test "firth-cat -f refuses to write binary vectors to a terminal, not text" {
	command -v script > /dev/null || skip "script(1) not found"
	run script -qec "firth-cat -f firth v.txt" /dev/null
	[ "$status" -eq 1 ]
	[ "${output%$'\r'}" = "firth-cat: standard output is a terminal; send the vectors to a file or a pipe (firth-cat shows it as text)" ]
	run script -qec "firth-cat -f word2vec-binary v.txt" /dev/null
	[ "$status" -eq 1 ]
	run script -qec "firth-cat -f glove v.txt" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == "king 0.5 -1 2"* ]]
}
