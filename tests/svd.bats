#!/usr/bin/env bats
# firth-svd: word vectors from a weighted co-occurrence matrix.  The
# hand-checked case is a matrix of two blocks whose singular values are
# known: "a b" three times and "c d" once, window 2, flat, gives
#   a-b and b-a counted 3, c-d and d-c counted 1,
# so A has singular values 3, 3, 1, 1 and the top two live on {a, b}.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'a b\na b\na b\nc d\n' > blocks.txt
	cooc_ref -w 2 -x flat < blocks.txt > blocks.fs
	# A less regular corpus for the pipeline tests.
	for i in $(seq 1 40); do
		echo "the cat sat on the mat and the dog sat on the log"
		echo "a cat and a dog ran to the park on a sunny day"
		echo "the sun is a star and the moon is not a star"
	done > small.txt
	cooc_ref -w 2 -x flat < small.txt > small.fs
}

# "word norm" per line of GloVe text.
norms() {
	awk '{ s = 0; for (i = 2; i <= NF; i++) s += $i * $i;
	    printf "%s %.5f\n", $1, sqrt(s) }' "$1"
}

@test "firth-svd --help prints the usage on stdout and exits 0" {
	run --separate-stderr firth-svd --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-svd [-qv] [-d DB [-m N] [-x WEIGHTING]] [-w raw|log|ppmi] [--shift K]" ]
	[ -z "$stderr" ]
}

@test "firth-svd --version names the tool and the version" {
	run firth-svd --version
	[ "$status" -eq 0 ]
	[[ "$output" == "firth-svd "*"0.1.0"* ]]
}

@test "firth-svd refuses an unknown weighting with a usage error" {
	run --separate-stderr firth-svd -w pmi < blocks.fs
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-svd: --weight: unknown weighting 'pmi' (raw, log or ppmi)" ]
	[ -z "$output" ]
}

@test "firth-svd refuses --min-count without -d" {
	run --separate-stderr firth-svd -m 3 < blocks.fs
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-svd: --min-count and --window-weighting need -d DB; a stream on stdin comes counted (firth-cooc --export takes them)" ]
}

@test "firth-svd refuses --eig outside [0, 1]" {
	run --separate-stderr firth-svd --eig 2 < blocks.fs
	[ "$status" -eq 2 ]
	[[ "$stderr" == "firth-svd: --eig"* ]]
}

@test "firth-svd finds singular values 3 and 3 of the two-block matrix" {
	run --separate-stderr firth-svd -q -w raw --dim 2 --eig 1 -f glove < blocks.fs
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > v.txt
	run norms v.txt
	[ "$output" = "$(printf 'a 3.00000\nb 3.00000\nc 0.00000\nd 0.00000')" ]
}

@test "firth-svd weights the vectors by s^eig: 0 gives unit rows, 0.5 gives sqrt 3" {
	firth-svd -q -w raw --dim 2 --eig 0 -f glove < blocks.fs > e0.txt
	firth-svd -q -w raw --dim 2 --eig 0.5 -f glove < blocks.fs > e5.txt
	run norms e0.txt
	[ "${lines[0]}" = "a 1.00000" ]
	[ "${lines[1]}" = "b 1.00000" ]
	run norms e5.txt
	[ "${lines[0]}" = "a 1.73205" ]
	[ "${lines[1]}" = "b 1.73205" ]
}

@test "firth-svd --add-context gives a and b the same vector of norm sqrt 6" {
	# A = [[0 3] [3 0]] on {a, b}: v = A u / 3 swaps a and b, so
	# W + C has rows u_a + u_b for both, of norm sqrt(2) * 3^0.5.
	run --separate-stderr firth-svd -q -w raw --dim 2 --add-context -f glove < blocks.fs
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > wc.txt
	run norms wc.txt
	[ "${lines[0]}" = "a 2.44949" ]
	[ "${lines[1]}" = "b 2.44949" ]
	# Text output keeps every float bit, so compare to 6 digits.
	a=$(sed -n 1p wc.txt | awk '{ for (i = 2; i <= NF; i++) printf "%.6g ", $i }')
	b=$(sed -n 2p wc.txt | awk '{ for (i = 2; i <= NF; i++) printf "%.6g ", $i }')
	[ "$a" = "$b" ]
}

@test "firth-svd writes one vector per word of the stream's vocabulary" {
	run --separate-stderr firth-svd -q --dim 4 -f word2vec < small.fs
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "19 4" ]
	[ "${#lines[@]}" -eq 20 ]
	[[ "${lines[1]}" == "the "* ]]
}

@test "firth-svd writes a firth vector stream that firth-cat reads back" {
	firth-svd -q --dim 3 -o v.fs < small.fs
	run --separate-stderr firth-cat v.fs
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 19 ]
	[ "$(echo "${lines[0]}" | wc -w)" -eq 4 ]
}

@test "firth-svd gives the same bytes for the same seed, other bytes for another" {
	firth-svd -q --dim 4 -s 5 < small.fs > a.fs
	firth-svd -q --dim 4 -s 5 < small.fs > b.fs
	firth-svd -q --dim 4 -s 6 --power 0 --oversample 0 < small.fs > c.fs
	cmp a.fs b.fs
	! cmp -s a.fs c.fs
}

@test "firth-svd spools the cells under a small -M and writes the same bytes" {
	firth-svd -q --dim 4 < small.fs > mem.fs
	run --separate-stderr firth-svd -v -M 70M --dim 4 -o spool.fs < small.fs
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"spooled to \$TMPDIR"* ]]
	cmp mem.fs spool.fs
	[ -z "$(ls "$TMPDIR" | grep '^firth-svd\.' || true)" ]
}

@test "firth-svd reports each pass with -v" {
	run --separate-stderr firth-svd -v --dim 2 --power 1 -o /dev/null < small.fs
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"pass 1/4: A X"* ]]
	[[ "$stderr" == *"pass 4/4: A^T X"* ]]
}

@test "firth-svd refuses more dimensions than words" {
	run --separate-stderr firth-svd < blocks.fs
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-svd: --dim 300 needs at least 300 words, the vocabulary has 4: lower --dim" ]
	[ -z "$output" ]
}

@test "firth-svd refuses -M too small for the dense blocks" {
	run --separate-stderr firth-svd -M 1M --dim 2 < small.fs
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-svd: -M 1"*" is too small: the dense 19 x 16 blocks alone need "*"; raise -M or lower --dim" ]]
}

@test "firth-svd fails on a truncated stream and writes nothing" {
	size=$(wc -c < small.fs)
	head -c $((size - 30)) small.fs > cut.fs
	run --separate-stderr firth-svd -q --dim 2 < cut.fs
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-svd: stdin: "*"truncated"* ]]
	[ -z "$output" ]
}

@test "firth-svd refuses a vector stream in place of co-occurrences" {
	firth-svd -q --dim 2 < small.fs > v.fs
	run --separate-stderr firth-svd -q --dim 2 < v.fs
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-svd: stdin: "*"co-occurrence"* ]]
}

@test "firth-svd -d says so when firth-cooc is missing" {
	mkdir bin
	cp "$(command -v firth-svd)" bin/
	run --separate-stderr env PATH=/usr/bin:/bin bin/firth-svd -d t.db --dim 2
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-svd: firth-cooc is not beside firth-svd nor on PATH; install it, or pipe a cooc stream into firth-svd" ]
}

@test "firth-svd -d reads the database through firth-cooc like the stream" {
	command -v firth-cooc > /dev/null || skip "firth-cooc not built"
	firth-vocab -q -d t.db small.txt
	# Counted harmonic (the default), exported flat through -x.
	firth-cooc -q -d t.db -w 2 small.txt
	firth-svd -q -d t.db --min-count 1 -x flat --dim 3 -f glove > db.txt
	firth-svd -q --dim 3 -f glove < small.fs > ref.txt
	# Same words; values within 1e-4 (cells may come in another order).
	paste -d ' ' db.txt ref.txt | awk '{ n = NF / 2; if ($1 != $(n + 1)) exit 1;
	    for (i = 2; i <= n; i++) { d = $i - $(n + i); if (d < 0) d = -d;
	    if (d > 1e-4) exit 1 } }'
	[ "$(wc -l < db.txt)" -eq 19 ]
}
