#!/usr/bin/env bats
# eval.bats - firth-eval: analogies, similarity, neighbours, plot, convert.

bats_require_minimum_version 1.5.0

setup() {
	D="$FIRTH_TOP/tests/data/eval"
	SHARED="${FIRTH_SHARED:-$FIRTH_TOP/../shared/data}"
	T="$BATS_TEST_TMPDIR"
}

# Structured random vectors (tests/data/eval/structured.awk) for the
# words of question file $1, in a shuffled order, padded with fillers
# to $2 words; extra words (one per line) from file $3 if given.
make_vectors() {
	{
		awk '!/^:/ { for (i = 1; i <= NF; i++) print $i }' "$1"
		[ -n "${3:-}" ] && cat "$3"
	} | sort -u > "$T/words"
	awk -v n="$2" 'BEGIN { srand(7) }
	    { print rand(), $1
	      if ($1 ~ /^[A-Z]/ && rand() < 0.3) print rand() + 0.3, tolower($1) }
	    END { for (i = 0; i < n; i++) print rand() * 2, "filler" i }' \
	    "$T/words" | sort -k1,1g | awk '!s[$2]++ { print $2 }' |
	    head -n "$2" > "$T/vocab"
	awk -v dim=50 -v seed=1 -v noise=1.5 -f "$D/structured.awk" "$1" \
	    "$T/vocab" > "$T/vectors.txt"
}

# The fast path and analogy_ref give the same answer to every question.
same_answers() {	# same_answers "EVAL OPTS" "REF OPTS" QUESTIONS
	firth-eval analogy --verbose $1 -t -v "$T/vectors.txt" "$3" \
	    2> "$T/fast.ans" > "$T/fast.out"
	grep -v '^firth-eval' "$T/fast.ans" > "$T/fast.txt"
	analogy_ref -a $2 "$T/vectors.txt" "$3" 2> "$T/ref.txt" > "$T/ref.out"
	cmp "$T/fast.txt" "$T/ref.txt"
	fast=$(awk -F'\t' '$1 == "total" { print $3, $4, $5 }' "$T/fast.out")
	[ "$fast" = "$(cat "$T/ref.out")" ]
	# Not a vacuous agreement: many answers are right, many wrong.
	read -r correct seen total < "$T/ref.out"
	[ "$correct" -gt $((seen / 10)) ] && [ "$correct" -lt "$seen" ]
}

@test "firth-eval --help prints usage on stdout and exits 0" {
	run --separate-stderr firth-eval --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-eval [options] analogy FILE..." ]
	[ -z "$stderr" ]
}

@test "firth-eval --version names the tool" {
	run firth-eval --version
	[ "$status" -eq 0 ]
	[[ "$output" == firth-eval* ]]
}

@test "firth-eval refuses an unknown command with a usage error" {
	run --separate-stderr firth-eval frobnicate
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-eval: 'frobnicate' is not a command: analogy, similarity, neighbours, similar, plot, convert, align or drift" ]
}

@test "firth-eval refuses a bad --restrict value" {
	run --separate-stderr firth-eval -r -5 analogy x
	[ "$status" -eq 2 ]
	[[ "$stderr" == "firth-eval: --restrict"* ]]
}

@test "firth-eval analogy prints per-section, semantic, syntactic and total accuracy with coverage" {
	run --separate-stderr firth-eval analogy -v "$D/tiny.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "3CosAdd over 8 words of 4 dimensions, case as is, preset none
section                       correct     seen    total  accuracy  coverage
family                              3        4        5    75.00%    80.00%
gram1-test                          3        3        3   100.00%   100.00%
semantic                            3        4        5    75.00%    80.00%
syntactic                           3        3        3   100.00%   100.00%
total                               6        7        8    85.71%    87.50%" ]
}

@test "firth-eval analogy reads the vectors from stdin" {
	run firth-eval analogy -t "$D/tiny-questions.txt" < "$D/tiny.txt"
	[ "$status" -eq 0 ]
	[ "${lines[5]}" = "$(printf 'total\tsummary\t6\t7\t8\t0.857143\t0.875000')" ]
}

@test "firth-eval analogy breaks ties toward the lowest index and answers known words" {
	run --separate-stderr firth-eval analogy --verbose -v "$D/tiny.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 0 ]
	[ "$(grep -- '->' <<< "$stderr")" = "man woman king queen -> queen ok
woman man queen king -> king ok
woman man queen monarch -> king
man woman boy girl -> girl ok
man woman xyzzy queen -> (unknown words)
boy girl man woman -> woman ok
king queen man woman -> woman ok
man king woman queen -> queen ok" ]
}

@test "firth-eval analogy -m mul answers the hand-made set by 3CosMul" {
	run firth-eval analogy -m mul -t -v "$D/tiny.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 0 ]
	[ "${lines[5]}" = "$(printf 'total\tsummary\t6\t7\t8\t0.857143\t0.875000')" ]
}

@test "firth-eval analogy -z counts questions with unknown words as wrong" {
	run firth-eval analogy -z -t -v "$D/tiny.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 0 ]
	[ "${lines[5]}" = "$(printf 'total\tsummary\t6\t8\t8\t0.750000\t1.000000')" ]
}

@test "firth-eval analogy --restrict searches only the first N words" {
	run firth-eval analogy -r 5 -t -v "$D/tiny.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 0 ]
	# Only the, man, woman, king, queen: four questions remain.
	[ "${lines[5]}" = "$(printf 'total\tsummary\t4\t4\t8\t1.000000\t0.500000')" ]
}

@test "firth-eval analogy --json is valid JSON with the totals" {
	run firth-eval analogy --json -v "$D/tiny.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 0 ]
	run python3 -c 'import json,sys; d=json.load(sys.stdin); t=d["total"]; print(t["correct"], t["seen"], t["total"], d["sections"][1]["kind"])' <<< "$output"
	[ "$output" = "6 7 8 syntactic" ]
}

@test "firth-eval analogy folds case with -i and the gensim preset, not by default" {
	run firth-eval analogy -t -v "$D/case.txt" "$D/case-questions.txt"
	[ "${lines[4]}" = "$(printf 'total\tsummary\t0\t0\t1\tNA\t0.000000')" ]
	run firth-eval analogy -i -t -v "$D/case.txt" "$D/case-questions.txt"
	[ "${lines[4]}" = "$(printf 'total\tsummary\t1\t1\t1\t1.000000\t1.000000')" ]
	run firth-eval analogy -p gensim -t -v "$D/case.txt" "$D/case-questions.txt"
	[ "${lines[4]}" = "$(printf 'total\tsummary\t1\t1\t1\t1.000000\t1.000000')" ]
}

@test "firth-eval analogy -p word2vec excludes only the rows of a, b, c, so a case variant can win" {
	run --separate-stderr firth-eval analogy -p word2vec --verbose -t -v "$D/case.txt" "$D/case-questions.txt"
	[ "$status" -eq 0 ]
	[ "${lines[4]}" = "$(printf 'total\tsummary\t0\t1\t1\t0.000000\t1.000000')" ]
	[[ "$stderr" == *"MAN WOMAN KING QUEEN -> King"* ]]
}

@test "firth-eval analogy -p gensim looks at 5 words only when passing over case variants" {
	# b - a + c scores queen 0.985 and each variant of woman about 0.995.
	printf 'the 0 0 0 1\nman 1 0 0 0\nwoman 0 1 0 0\nking 1 0 1 0\nqueen 0 1 1 1\n' > "$T/v.txt"
	printf 'Woman 0 1 0 0.1\nWOMAN 0 1 0 0.11\nwOman 0 1 0 0.12\nwoMan 0 1 0 0.13\n' >> "$T/v.txt"
	printf 'man woman king queen\n' > "$T/q.txt"
	run --separate-stderr firth-eval analogy -p gensim --verbose -t -v "$T/v.txt" "$T/q.txt"
	[ "$status" -eq 0 ]
	[ "${lines[4]}" = "$(printf 'total\tsummary\t1\t1\t1\t1.000000\t1.000000')" ]
	[[ "$stderr" == *"man woman king queen -> queen ok"* ]]
	# A fifth variant fills gensim's window: its answer is that variant.
	printf 'womAn 0 1 0 0.14\n' >> "$T/v.txt"
	run --separate-stderr firth-eval analogy -p gensim --verbose -t -v "$T/v.txt" "$T/q.txt"
	[ "${lines[4]}" = "$(printf 'total\tsummary\t0\t1\t1\t0.000000\t1.000000')" ]
	[[ "$stderr" == *"man woman king queen -> womAn" ]]
	run --separate-stderr firth-eval analogy -i --verbose -t -v "$T/v.txt" "$T/q.txt"
	[[ "$stderr" == *"man woman king queen -> queen ok"* ]]
}

@test "firth-eval analogy -p glove never answers <unk>" {
	run --separate-stderr firth-eval analogy --verbose -v "$D/tiny-unk.txt" "$D/tiny-questions.txt"
	[[ "$stderr" == *"man woman king queen -> <unk>"* ]]
	run --separate-stderr firth-eval analogy -p glove --verbose -v "$D/tiny-unk.txt" "$D/tiny-questions.txt"
	[[ "$stderr" == *"man woman king queen -> queen ok"* ]]
}

@test "firth-eval analogy names the line of a malformed question" {
	run --separate-stderr firth-eval analogy -v "$D/tiny.txt" "$D/bad-questions.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $D/bad-questions.txt:2: 3 words where 4 were expected (a b c d, or ': section')" ]
}

@test "firth-eval analogy refuses an empty question file" {
	: > "$T/empty"
	run --separate-stderr firth-eval analogy -v "$D/tiny.txt" "$T/empty"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $T/empty: no questions (lines 'a b c d', sections ': name')" ]
}

@test "firth-eval refuses ragged vectors naming file and line" {
	printf 'a 1 2 3\nb 1 2\n' > "$T/ragged.txt"
	run --separate-stderr firth-eval analogy -v "$T/ragged.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $T/ragged.txt:2: 2 numbers where 3 were expected: ragged rows or a wrong dimension" ]
}

@test "firth-eval refuses a non-number in the vectors naming file and line" {
	printf 'a 1 2\nb 1 x2\n' > "$T/nan.txt"
	run --separate-stderr firth-eval similarity -v "$T/nan.txt" "$D/tiny-sim.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $T/nan.txt:2: 'x2' is not a number" ]
}

@test "firth-eval refuses a word2vec file whose header promises more vectors" {
	printf '3 2\na 1 2\nb 1 2\n' > "$T/short.txt"
	run --separate-stderr firth-eval similarity -v "$T/short.txt" "$D/tiny-sim.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $T/short.txt: the header promises 3 vectors, the file has 2" ]
}

@test "firth-eval refuses empty vectors" {
	run --separate-stderr firth-eval similarity "$D/tiny-sim.txt" < /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: stdin: empty input where vectors were expected" ]
}

@test "firth-eval similarity gives tie-corrected Spearman and Pearson on CRLF files without a final newline" {
	run --separate-stderr firth-eval similarity -v "$D/tiny.txt" "$D/tiny-sim.txt"
	[ "$status" -eq 0 ]
	# rho = 9.75/17 by hand (average ranks); r = 0.454692.
	[ "$output" = "file                       pairs    seen  spearman   pearson
tiny-sim.txt                   7       6    0.5735    0.4547" ]
}

@test "firth-eval similarity -z scores unknown pairs as 0" {
	run firth-eval similarity -z --tsv -v "$D/tiny.txt" "$D/tiny-sim.txt"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "$(printf 'tiny-sim.txt\t7\t6\t0.715626\t0.617515')" ]
}

@test "firth-eval similarity names the line of a malformed pair" {
	printf 'man woman 3\nking queen\n' > "$T/bad-sim.txt"
	run --separate-stderr firth-eval similarity -v "$D/tiny.txt" "$T/bad-sim.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $T/bad-sim.txt:2: 2 fields where 3 were expected (word word score)" ]
}

@test "firth-eval neighbours lists the k nearest words with cosines" {
	run --separate-stderr firth-eval neighbours -k 2 -v "$D/tiny.txt" king
	[ "$status" -eq 0 ]
	[ "$output" = "king:
   1  monarch                    1.0000
   2  man                        0.7071" ]
}

@test "firth-eval neighbours answers 'a b c' analogy lines from stdin" {
	run firth-eval neighbours -k 1 --tsv -v "$D/tiny.txt" <<< "man woman king"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'man woman king\t1\tqueen\t0.958569')" ]
}

@test "firth-eval neighbours answers each query before the next arrives" {
	coproc NB { firth-eval neighbours -k 1 --tsv -v "$D/tiny.txt"; }
	echo king >&"${NB[1]}"
	IFS= read -r -t 10 line <&"${NB[0]}"
	exec {NB[1]}>&-
	wait "$NB_PID" || true
	[ "$line" = "$(printf 'king\t1\tmonarch\t1.000000')" ]
}

@test "firth-eval neighbours warns about an unknown word and fails at the end" {
	run --separate-stderr firth-eval neighbours -k 1 --tsv -v "$D/tiny.txt" xyzzy queen
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: 'xyzzy' is not in the vectors" ]
	[ "$output" = "$(printf 'queen\t1\twoman\t0.707107')" ]
}

@test "firth-eval neighbours without -v refuses to read queries and vectors from stdin" {
	run --separate-stderr firth-eval neighbours < "$D/tiny.txt"
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-eval: neighbours reads queries from stdin, so give the vectors with -v FILE" ]
}

@test "firth-eval convert writes the exact word2vec binary layout" {
	printf 'ab 1 -2\n' > "$T/one.txt"
	run bash -c "firth-eval convert -f word2vec-binary -v '$T/one.txt' | od -An -tx1 | tr -s ' \n' ' '"
	[ "$status" -eq 0 ]
	# "1 2\n" "ab " 1.0f -2.0f (little-endian) "\n"
	[ "$output" = " 31 20 32 0a 61 62 20 00 00 80 3f 00 00 00 c0 0a " ]
}

@test "firth-eval convert round-trips through every format unchanged" {
	firth-eval convert -f glove -v "$D/tiny.txt" > "$T/a.txt"
	firth-eval convert -f word2vec-binary < "$T/a.txt" > "$T/b.bin"
	firth-eval convert -f firth < "$T/b.bin" > "$T/c.fs"
	firth-eval convert -f word2vec < "$T/c.fs" > "$T/d.txt"
	run firth-eval convert -f glove -v "$T/d.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$T/a.txt")" ]
	[ "$(head -1 "$T/d.txt")" = "8 4" ]
}

@test "firth-cat -f converts vectors the same way as firth-eval convert" {
	firth-eval convert -f word2vec-binary -v "$D/tiny.txt" > "$T/e.bin"
	run bash -c "firth-cat -f word2vec-binary '$D/tiny.txt' | cmp - '$T/e.bin'"
	[ "$status" -eq 0 ]
}

@test "firth-eval convert needs an output format" {
	run --separate-stderr firth-eval convert -v "$D/tiny.txt"
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-eval: convert needs -f FORMAT (firth, glove, word2vec, word2vec-binary)" ]
}

@test "firth-eval plot draws labelled points and arrows for pairs" {
	run --separate-stderr firth-eval plot -v "$D/tiny.txt" <<< "man woman
king queen
boy girl"
	[ "$status" -eq 0 ]
	[ "$(grep -c '<circle' <<< "$output")" -eq 6 ]
	[ "$(grep -c 'marker-end' <<< "$output")" -eq 3 ]
	[[ "$output" == *">queen</text>"* ]]
	[[ "$output" == *"</svg>" ]]
}

@test "firth-eval plot renders to a non-blank PNG" {
	if ! command -v rsvg-convert > /dev/null; then
		if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			    --no-install-recommends librsvg2-bin > /dev/null 2>&1 || true
		fi
	fi
	command -v rsvg-convert > /dev/null ||
	    skip "rsvg-convert not found (Debian package librsvg2-bin) and not root to install it"
	firth-eval plot -P -v "$D/tiny.txt" man woman king queen boy girl > "$T/p.svg"
	rsvg-convert -o "$T/p.png" "$T/p.svg"
	printf '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="100%%" height="100%%" fill="white"/></svg>' > "$T/blank.svg"
	rsvg-convert -o "$T/blank.png" "$T/blank.svg"
	run file "$T/p.png"
	[[ "$output" == *"PNG image data, 800 x 600"* ]]
	# Ink compresses worse than a white page: text and arrows are there.
	[ "$(stat -c %s "$T/p.png")" -gt $(( $(stat -c %s "$T/blank.png") * 4 )) ]
}

@test "firth-eval plot refuses fewer than two known words" {
	run --separate-stderr firth-eval plot -v "$D/tiny.txt" king xyzzy
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: 'xyzzy' is not in the vectors; left out of the plot
firth-eval: plot needs at least two known words, got 1" ]
}

@test "firth-eval analogy agrees answer for answer with the brute-force scorer on synthetic questions" {
	# 4 sections of 25 word pairs: 4 x 25 x 24 questions.
	awk 'BEGIN { for (s = 0; s < 4; s++) {
	    print ": " (s < 2 ? "sem" : "gram") s
	    for (i = 0; i < 25; i++) for (j = 0; j < 25; j++) if (i != j)
	      print "a" s "_" i, "b" s "_" i, "a" s "_" j, "b" s "_" j } }' > "$T/q.txt"
	make_vectors "$T/q.txt" 2000
	same_answers "" "" "$T/q.txt"
	same_answers "-m mul" "-m mul" "$T/q.txt"
	same_answers "-r 1000" "-r 1000" "$T/q.txt"
}

@test "firth-eval analogy agrees with the brute-force scorer on 5000 x 50 vectors and all Google questions" {
	Q="$SHARED/analogy/questions-words.txt"
	[ -f "$Q" ] || skip "$Q not found"
	make_vectors "$Q" 5000
	same_answers "" "" "$Q"
	same_answers "-p word2vec -r 3000" "-i -x -p -r 3000" "$Q"
	same_answers "-m mul -i" "-m mul -i" "$Q"
}

@test "firth-eval gives numbers for every shared similarity and analogy set" {
	Q="$SHARED/analogy/questions-words.txt"
	S="$SHARED/similarity"
	[ -f "$Q" ] && [ -d "$S" ] || skip "$SHARED not found"
	cat "$S"/*.txt | tr -d '\r' | awk '{ print $1; print $2 }' > "$T/simwords"
	make_vectors "$Q" 6000 "$T/simwords"
	run firth-eval similarity -i -t -v "$T/vectors.txt" "$S"/*.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq $(( $(ls "$S"/*.txt | wc -l) + 1 )) ]
	# Every set: pairs > 0, seen > 0, numeric rho and r.
	awk -F'\t' 'NR > 1 && !($2 > 0 && $3 > 0 && $4 ~ /^-?[0-9.]+$/ && $5 ~ /^-?[0-9.]+$/) { bad = 1; print }
	    END { exit bad }' <<< "$output"
	run firth-eval analogy -p gensim -t -v "$T/vectors.txt" "$Q"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 18 ]
	[[ "${lines[17]}" == "$(printf 'total\tsummary\t')"*"$(printf '\t19544\t')"* ]]
}

@test "firth-eval reads word2vec text with trailing spaces and CRLF, as word2vec writes it" {
	printf '2 3\r\nthe 0.1 0.2 0.3 \r\nof 1 2 3 \r\n' > "$T/w2v.txt"
	run firth-eval convert -f glove -v "$T/w2v.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "the 0.1 0.2 0.3
of 1 2 3" ]
}

# A python3 that imports gensim: $FIRTH_PYTHON, python3 or Debian's.
gensim_python() {
	local p
	for p in "${FIRTH_PYTHON:-}" python3 /usr/bin/python3; do
		if [ -n "$p" ] && "$p" -c 'import gensim' 2> /dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

@test "firth-eval -p gensim gives gensim's own analogy and similarity numbers" {
	Q="$SHARED/analogy/questions-words.txt"
	S="$SHARED/similarity"
	[ -f "$Q" ] && [ -d "$S" ] || skip "$SHARED not found"
	py=$(gensim_python) || skip "gensim not importable (set FIRTH_PYTHON, or apt-get install python3-gensim)"
	# Every 6th question; vectors for their words and the similarity words.
	awk '/^:/ || NR % 6 == 0' "$Q" > "$T/q.txt"
	cat "$S"/*.txt | tr -d '\r' | awk '{ print $1; print $2 }' > "$T/simwords"
	make_vectors "$T/q.txt" 3000 "$T/simwords"
	# Jitter breaks structured.awk's exact ties (gensim sorts them in no
	# fixed order).  Three words in five get up to three near copies in
	# other cases after all the words, so that questions whose b and c
	# have them can fill gensim's 5-word window with case variants.
	awk 'BEGIN { srand(11) }
	    function flip(s, i,   c) { c = substr(s, i, 1)
	        c = c ~ /[a-z]/ ? toupper(c) : tolower(c)
	        return substr(s, 1, i - 1) c substr(s, i + 1) }
	    { have[$1] = 1; line = $1
	      for (k = 2; k <= NF; k++) { x[k] = $k + (rand() - 0.5) * 0.1; line = line " " x[k] }
	      print line
	      if (rand() < 0.6) { w[++n] = $1; for (k = 2; k <= NF; k++) keep[n, k] = x[k] } }
	    END { for (i = 1; i <= n; i++) {
	        c[1] = toupper(w[i]); c[2] = tolower(w[i]); c[3] = flip(w[i], 1)
	        c[4] = flip(w[i], length(w[i])); m = 0
	        for (j = 1; j <= 4 && m < 3; j++) {
	            if (c[j] in have) continue
	            have[c[j]] = 1; m++; line = c[j]
	            for (k = 2; k <= 51; k++) line = line " " keep[i, k] + (rand() - 0.5) * 0.6
	            print line } } }' "$T/vectors.txt" > "$T/cased.txt"
	firth-eval convert -f word2vec-binary -v "$T/cased.txt" > "$T/v.bin"
	cat > "$T/g.py" <<'PY'
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
n = int(sys.argv[3])
for s in kv.evaluate_word_analogies(sys.argv[2], restrict_vocab=n)[1][:-1]:
    c = len(s['correct'])
    print('%s\t%d\t%d' % (s['section'], c, c + len(s['incorrect'])))
for f in sys.argv[4:]:
    p, r, oov = kv.evaluate_word_pairs(f, restrict_vocab=n)
    pairs = sum(1 for line in open(f) if line.strip())
    print('%s\t%d\t%d\t%.6f\t%.6f' % (f.rsplit('/', 1)[1], pairs,
          round(pairs * (1 - oov / 100)), r[0], p[0]))
PY
	for n in 300000 2000; do
		r=; [ "$n" = 300000 ] || r="-r $n"
		"$py" "$T/g.py" "$T/v.bin" "$T/q.txt" "$n" "$S"/*.txt > "$T/gensim.$n" 2> /dev/null
		firth-eval -p gensim $r -t -v "$T/v.bin" analogy "$T/q.txt" |
		    awk -F'\t' '$2 != "summary" && NR > 1 { print $1 "\t" $3 "\t" $4 }' > "$T/firth.$n"
		firth-eval -p gensim $r -t -v "$T/v.bin" similarity "$S"/*.txt |
		    awk 'NR > 1' >> "$T/firth.$n"
		[ "$(wc -l < "$T/firth.$n")" -eq 23 ]
		# Sections and similarity sets line up; seen counts and pair
		# counts are equal; correct answers within 2 of 3258 (gensim
		# scores in float32), rho and r within 2e-5.
		run paste "$T/firth.$n" "$T/gensim.$n"
		[ "$status" -eq 0 ]
		run awk -F'\t' 'NF == 6 && !($1 == $4 && $3 == $6 && ($2 - $5)^2 <= 4) { print "analogy: " $0; bad = 1 }
		    NF == 10 && !($1 == $6 && $2 == $7 && $3 == $8 && ($4 - $9)^2 < 4e-10 && ($5 - $10)^2 < 4e-10) { print "similarity: " $0; bad = 1 }
		    NF != 6 && NF != 10 { print "unmatched: " $0; bad = 1 }
		    { if (NF == 6) { d += $2 - $5; if ($2 != $5) nd++ } }
		    END { if (d * d > 4) { print "total correct differs by " d; bad = 1 }; exit bad }' <<< "$output"
		echo "$output"
		[ "$status" -eq 0 ]
	done
	# Not vacuous: without the window, 5 or more answers would differ;
	# -r 2000 leaves questions out.
	fast=$(firth-eval -i -t -v "$T/v.bin" analogy "$T/q.txt" |
	    awk -F'\t' '$1 == "total" { print $3 }')
	slow=$(head -n 14 "$T/gensim.300000" | awk -F'\t' '{ c += $2 } END { print c }')
	[ "$fast" -ge $((slow + 5)) ]
	[ "$(head -n 14 "$T/gensim.2000" | awk -F'\t' '{ n += $3 } END { print n }')" -lt \
	    "$(head -n 14 "$T/gensim.300000" | awk -F'\t' '{ n += $3 } END { print n }')" ]
}

# ---- BATS-layout analogy sets (tests/data/eval/bats, bats-vectors.awk) ----

@test "firth-eval analogy reads a BATS directory: per relation, per family and total" {
	run --separate-stderr firth-eval analogy -v "$D/bats-vectors.txt" "$D/bats"
	[ "$status" -eq 0 ]
	[ "$output" = "3CosAdd over 29 words of 19 dimensions, case as is, preset none
relation                      correct     seen    total  accuracy  coverage
I01 [noun - plural_reg]            12       12       20   100.00%    60.00%
D01 [noun+less_reg]                 6        6        6   100.00%   100.00%
E01 [country - capital]             6        6       12   100.00%    50.00%
L01 [synonyms - exact]              6        6        6   100.00%   100.00%
inflectional                       12       12       20   100.00%    60.00%
derivational                        6        6        6   100.00%   100.00%
encyclopedic                        6        6       12   100.00%    50.00%
lexicographic                       6        6        6   100.00%   100.00%
total                              30       30       44   100.00%    68.18%" ]
}

@test "firth-eval analogy asks BATS questions by every method, each pair once for 3CosAvg and LRCos" {
	# 5 + 3 + 4 + 3 pairs: n (n - 1) ordered pairs of pairs, or n pairs;
	# mice, atlantis have no vectors, so their pairs are never seen.
	for m in add mul avg lrcos; do
		firth-eval analogy -t -m "$m" -v "$D/bats-vectors.txt" "$D/bats" |
		    awk -F'\t' -v m="$m" '$1 == "total" { print m, $3, $4, $5 }'
	done > "$T/got"
	[ "$(cat "$T/got")" = "add 30 30 44
mul 30 30 44
avg 13 13 15
lrcos 13 13 15" ]
}

@test "firth-eval analogy counts any listed answer of a BATS pair as correct" {
	# rapid, fast's second answer, is nearer than quick: listing quick
	# alone makes both questions about fast wrong.
	printf 'big\tlarge\nsmall\tlittle/tiny\nfast\tquick\n' > "$T/L02 [x - y].txt"
	run firth-eval analogy -t -v "$D/bats-vectors.txt" "$T/L02 [x - y].txt"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "$(printf 'L02 [x - y]\tlexicographic\t4\t6\t6\t0.666667\t1.000000')" ]
	printf 'big\tlarge\nsmall\tlittle/tiny\nfast\tquick/rapid\n' > "$T/L02 [x - y].txt"
	run firth-eval analogy -t -m lrcos -v "$D/bats-vectors.txt" "$T/L02 [x - y].txt"
	[ "${lines[1]}" = "$(printf 'L02 [x - y]\tlexicographic\t3\t3\t3\t1.000000\t1.000000')" ]
}

@test "firth-eval analogy refuses a BATS line without answers" {
	printf 'big\tlarge\nsmall\t\n' > "$T/rel.txt"
	run --separate-stderr firth-eval analogy -v "$D/bats-vectors.txt" "$T/rel.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $T/rel.txt:2: 'small' has no answers; BATS lines are word<TAB>answer1/answer2/..." ]
	[ -z "$output" ]
}

@test "firth-eval analogy refuses a BATS relation of one pair" {
	printf 'big\tlarge\n' > "$T/rel.txt"
	run --separate-stderr firth-eval analogy -v "$D/bats-vectors.txt" "$T/rel.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: $T/rel.txt: 1 pair; a relation needs at least 2 pairs to ask a question" ]
}

@test "firth-eval analogy refuses 3CosAvg on four-word questions, and a mix of layouts" {
	run --separate-stderr firth-eval analogy -m avg -v "$D/tiny.txt" "$D/tiny-questions.txt"
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-eval: 3CosAvg learns from the other pairs of a relation: give BATS relation files or directories, not four-word questions" ]
	run --separate-stderr firth-eval analogy -v "$D/tiny.txt" "$D/tiny-questions.txt" "$D/bats"
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-eval: give either BATS relations (word<TAB>answers) or four-word questions, not both in one run" ]
}

# ---- similar ----

@test "firth-eval similar answers king woman -man with queen, gensim's way" {
	# king + woman - man over unit rows is (-0.293, 1, 0.707, 0);
	# its cosine with queen (0, 1, 1, 0) / sqrt 2 is 0.958569.
	run --separate-stderr firth-eval similar -k 2 -t -v "$D/tiny.txt" <<< "king woman -man"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'king woman -man\t1\tqueen\t0.958569\nking woman -man\t2\tgirl\t0.710269')" ]
	run firth-eval similar -k 1 -v "$D/tiny.txt" -- king woman -man
	[ "$output" = "king woman -man:
   1  queen                      0.9586" ]
}

@test "firth-eval similar gives the cosine of a pair written a ~ b" {
	run --separate-stderr firth-eval similar -v "$D/tiny.txt" <<< "king ~ queen"
	[ "$status" -eq 0 ]
	[ "$output" = "king                 ~ queen                  0.5000" ]
	run firth-eval similar -t -v "$D/tiny.txt" <<< "king ~ queen"
	[ "$output" = "$(printf 'king\t~\tqueen\t0.500000')" ]
}

@test "firth-eval similar warns about an unknown word and fails at the end" {
	run --separate-stderr firth-eval similar -k 1 -t -v "$D/tiny.txt" <<< "xyzzy -man
-man
queen"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: 'xyzzy' is not in the vectors
firth-eval: stdin:2: a query needs at least one word without '-'" ]
	[ "$output" = "$(printf 'queen\t1\twoman\t0.707107')" ]
}

@test "firth-eval pads words by display width, not bytes" {
	printf 'amélia 1 0\nmaria 1 0.1\n日本 0.9 0.2\n' > "$T/u.txt"
	run --separate-stderr firth-eval neighbours -k 2 -v "$T/u.txt" maria
	[ "$status" -eq 0 ]
	# The scores start in one column: 6 + 24 + 1 columns in.  By hand:
	# cos((1, .1), (1, 0)) = .9950, cos((1, .1), (.9, .2)) = .9929.
	[ "${lines[1]}" = "   1  amélia                     0.9950" ]
	[ "${lines[2]}" = "   2  日本                       0.9929" ]
}

# ---- align, drift ----

# A fixed rotation of 4-D vectors: 30 degrees in the plane of axes 1-2,
# 70 in the plane of 3-4, then axes 1 and 4 swapped (a reflection).
rotate() {
	awk '{ c = cos(30 * 3.14159265358979 / 180); s = sin(30 * 3.14159265358979 / 180)
	       C = cos(70 * 3.14159265358979 / 180); S = sin(70 * 3.14159265358979 / 180)
	       a = c * $2 - s * $3; b = s * $2 + c * $3
	       x = C * $4 - S * $5; y = S * $4 + C * $5
	       printf "%s %.9f %.9f %.9f %.9f\n", $1, y, b, x, a }' "$1"
}

# Random 4-D vectors for n words.
random_vectors() {
	awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed); for (i = 0; i < n; i++)
	    printf "w%d %.6f %.6f %.6f %.6f\n", i, rand() - .5, rand() - .5, rand() - .5, rand() - .5 }'
}

# Largest |cosine(row i, row i+1) in $1 - the same in $2|, as rows go.
cos_drift() {
	paste -d ' ' "$1" "$2" | awk '{
	    n1 = 0; n2 = 0; for (k = 2; k <= 5; k++) { a[k] = $k; b[k] = $(k + 5) }
	    if (NR > 1) { d1 = 0; d2 = 0; p1 = 0; q1 = 0; p2 = 0; q2 = 0
	        for (k = 2; k <= 5; k++) { d1 += a[k] * pa[k]; p1 += a[k]^2; q1 += pa[k]^2
	            d2 += b[k] * pb[k]; p2 += b[k]^2; q2 += pb[k]^2 }
	        e = d1 / sqrt(p1 * q1) - d2 / sqrt(p2 * q2); if (e < 0) e = -e; if (e > m) m = e }
	    for (k = 2; k <= 5; k++) { pa[k] = a[k]; pb[k] = b[k] } }
	    END { printf "%.1e\n", m }'
}

@test "firth-eval align turns a rotated copy back onto the original" {
	random_vectors 40 3 > "$T/a.txt"
	rotate "$T/a.txt" > "$T/r.txt"
	run --separate-stderr firth-eval align -f glove -v "$T/r.txt" "$T/a.txt"
	[ "$status" -eq 0 ]
	[ "$stderr" = "firth-eval: rotated 40 vectors onto $T/a.txt over 40 shared words; mean cosine of a shared word with its previous vector 1.0000" ]
	printf '%s\n' "$output" > "$T/back.txt"
	run awk 'NR == FNR { for (k = 2; k <= 5; k++) v[$1, k] = $k; next }
	    { for (k = 2; k <= 5; k++) { e = $k - v[$1, k]; if (e < 0) e = -e; if (e > m) m = e } }
	    END { exit !(m < 1e-5) }' "$T/a.txt" "$T/back.txt"
	[ "$status" -eq 0 ]
	# Not vacuous: the rotated copy is far from the original.
	run awk 'NR == FNR { v[$1] = $2; next } { e = $2 - v[$1]; m += e * e } END { exit !(m > 1) }' \
	    "$T/a.txt" "$T/r.txt"
	[ "$status" -eq 0 ]
}

@test "firth-eval align changes no cosine between the new vectors" {
	# New vectors: a rotated, perturbed copy with 10 words the old set lacks.
	random_vectors 60 5 > "$T/old.txt"
	random_vectors 70 9 | awk 'NR <= 60 { getline l < "'"$T/old.txt"'"; split(l, o, " ")
	    printf "%s", $1; for (k = 2; k <= 5; k++) printf " %.6f", o[k] + ($k) / 5; print "" ; next }
	    { print "new" $0 }' > "$T/p.txt"
	rotate "$T/p.txt" > "$T/new.txt"
	firth-eval align -q -f word2vec -v "$T/new.txt" "$T/old.txt" | tail -n +2 > "$T/aligned.txt"
	[ "$(wc -l < "$T/aligned.txt")" -eq 70 ]
	[ "$(cut -d ' ' -f 1 "$T/aligned.txt" | paste -sd ' ')" = "$(cut -d ' ' -f 1 "$T/new.txt" | paste -sd ' ')" ]
	run cos_drift "$T/new.txt" "$T/aligned.txt"
	echo "largest cosine change: $output"
	awk -v m="$output" 'BEGIN { exit !(m < 1e-5) }'
	# Not vacuous: the aligned vectors moved.
	run cos_drift "$T/new.txt" "$T/old.txt"
	awk -v m="$output" 'BEGIN { exit !(m > 0.01) }'
}

@test "firth-eval align refuses vectors of another dimension" {
	printf 'a 1 0\nb 0 1\n' > "$T/two.txt"
	printf 'a 1 0 0\nb 0 1 0\n' > "$T/three.txt"
	run --separate-stderr firth-eval align -v "$T/three.txt" "$T/two.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: the vectors have 2 and 3 dimensions; they can be compared or aligned only in the same dimension" ]
	[ -z "$output" ]
}

# East, north and west turn by +90 degrees from A to B, moved turns by
# 270; gone is only in A, fresh only in B (tests/c/test_align.c works
# out the cosines and top-2 overlaps by hand).
drift_sets() {
	printf 'east 1 0\nnorth 0 1\nmoved 1 1\nwest -1 0\ngone -1 -1\n' > "$T/A.txt"
	printf 'fresh 5 5\nnorth -1 0\neast 0 2\nmoved 3 -3\nwest 0 -1\n' > "$T/B.txt"
}

@test "firth-eval drift reports overlap, cosine after alignment, the most moved and the new and dropped words" {
	drift_sets
	cd "$T"
	run --separate-stderr firth-eval drift -k 2 A.txt B.txt
	[ "$status" -eq 0 ]
	[ "$output" = "drift from A.txt (5 words) to B.txt (5 words), 2 dimensions
4 shared words; top-2 neighbours among them compared for the 4 most frequent
(frequency: row order in A.txt)

frequency rank       words   overlap    cosine
1-1000                   4     0.750     0.500
all                      4     0.750     0.500

most moved (lowest cosine with itself after alignment):
word                    rank  cosine overlap  neighbours before -> after
moved                      3  -1.000   0.500  east,north -> west,east
east                       1   1.000   1.000  moved,north -> north,moved
north                      2   1.000   0.500  moved,east -> east,west
west                       4   1.000   1.000  north,moved -> moved,north

new 1: fresh
dropped 1: gone" ]
}

@test "firth-eval drift -t writes a row per bucket, shared, new and dropped word" {
	drift_sets
	run --separate-stderr firth-eval drift -t -k 2 "$T/A.txt" "$T/B.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'kind\tword\trank_a\trank_b\twords\tcosine\toverlap
bucket\t1-1000\tNA\tNA\t4\t0.500000\t0.750000
bucket\tall\tNA\tNA\t4\t0.500000\t0.750000
word\teast\t1\t3\t1\t1.000000\t1.000000
word\tnorth\t2\t2\t1\t1.000000\t0.500000
word\tmoved\t3\t4\t1\t-1.000000\t0.500000
word\twest\t4\t5\t1\t1.000000\t1.000000
new\tfresh\tNA\t1\t1\tNA\tNA
dropped\tgone\t5\tNA\t1\tNA\tNA')" ]
}

@test "firth-eval drift -N compares the neighbours of the most frequent words only" {
	drift_sets
	run --separate-stderr firth-eval drift -t -k 2 -N 2 "$T/A.txt" "$T/B.txt"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "$(printf 'bucket\t1-1000\tNA\tNA\t2\t1.000000\t0.750000')" ]
	[ "${lines[5]}" = "$(printf 'word\tmoved\t3\t4\t1\t-1.000000\tNA')" ]
}

@test "firth-eval drift refuses sets with fewer than two words in common" {
	printf 'a 1 0\nb 0 1\n' > "$T/x.txt"
	printf 'a 1 0\nc 0 1\n' > "$T/y.txt"
	run --separate-stderr firth-eval drift "$T/x.txt" "$T/y.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-eval: the two sets share 1 word; at least 2 are needed" ]
	run --separate-stderr firth-eval drift "$T/x.txt"
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-eval: drift takes two vectors files, the earlier first: drift A B" ]
}

# ---- plot labels ----

@test "firth-eval plot places 40 labels without overlaps and captions the vectors file" {
	# 40 words in 4 tight clusters: labels at a fixed offset would collide.
	awk 'BEGIN { srand(11); for (i = 0; i < 40; i++) { c = i % 4
	    printf "word%02d %.4f %.4f %.4f\n", i, (c == 1) + rand() * .05, (c == 2) + rand() * .05, (c == 3) + rand() * .05 } }' > "$T/c.txt"
	cut -d ' ' -f 1 "$T/c.txt" > "$T/words"
	run --separate-stderr firth-eval plot -v "$T/c.txt" < "$T/words"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" > "$T/p.svg"
	[[ "$output" == *'vectors: c.txt</text>'* ]]
	# Every label box against every other: no two intersect.
	run awk -F'"' '/<rect class="label"/ { x[n] = $4; y[n] = $6; w[n] = $8; h[n] = $10; n++ }
	    END { if (n != 40) { print n " labels"; exit 1 }
	          for (i = 0; i < n; i++) for (j = i + 1; j < n; j++)
	              if (x[i] < x[j] + w[j] && x[j] < x[i] + w[i] && y[i] < y[j] + h[j] && y[j] < y[i] + h[i]) {
	                  print "overlap " i " " j; bad = 1 }
	          exit bad }' "$T/p.svg"
	echo "$output"
	[ "$status" -eq 0 ]
	# Labels moved away from crowded points get leader lines.
	[ "$(grep -c 'class="leader"' "$T/p.svg")" -gt 0 ]
}
