#!/usr/bin/env bats
# firth-glove: GloVe training from a co-occurrence stream.
# Streams come from build/tests/cooc_ref (brute-force counter) on a small
# generated corpus, or are written byte by byte by mkcooc below.

bats_require_minimum_version 1.5.0

# A corpus with structure: animals eat foods, people drive vehicles, in
# sentences drawn with a fixed awk seed; one document per line.
corpus() {	# corpus DOCS
	awk -v docs="$1" 'BEGIN {
		srand(7)
		na = split("cat dog horse cow sheep goat", an)
		nf = split("grass hay apples carrots oats corn", fo)
		np = split("alice bob carol dave erin frank", pe)
		nv = split("car bus truck van bike train", ve)
		for (d = 0; d < docs; d++) {
			line = ""
			for (s = 0; s < 12; s++) {
				if (rand() < 0.5)
					t = "the " an[int(rand() * na) + 1] \
					    " eats " fo[int(rand() * nf) + 1]
				else
					t = pe[int(rand() * np) + 1] \
					    " drives the " ve[int(rand() * nv) + 1]
				line = line (line == "" ? "" : " ") t
			}
			print line
		}
	}'
}

# mkcooc [--vocab w,w,...] w1:w2:x ... : a cooc stream with stored frames.
mkcooc() {
	python3 - "$@" <<'EOF'
import struct, sys, zlib
args = sys.argv[1:]
words = []
if args and args[0] == '--vocab':
    words = args[1].split(',')
    args = args[2:]
recs = [a.split(':') for a in args]
def fp(ws):
    h = 0xcbf29ce484222325
    for w in ws:
        for b in w.encode():
            h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
        h = ((h ^ 0xff) * 0x100000001b3) & 0xffffffffffffffff
    return h or 1
layout = b"w1:u32 w2:u32 x:f32"
head = b"\x89FRTH\r\n\x1a" + struct.pack('<HHIIIQQIH', 1, 1, 12, 0, 0,
    len(recs), fp(words) if words else 0, len(words), len(layout)) + layout
out = head + struct.pack('<I', zlib.crc32(head))
def frame(t, raw):
    return struct.pack('<BBHIII', ord(t), 0, 0, len(raw), len(raw),
        zlib.crc32(raw)) + raw
allraw = b""
if words:
    v = b"".join(struct.pack('<H', len(w.encode())) + w.encode() for w in words)
    out += frame('V', v)
    allraw += v
r = b"".join(struct.pack('<IIf', int(a), int(b), float(x)) for a, b, x in recs)
if recs:
    out += frame('R', r)
    allraw += r
out += frame('E', struct.pack('<QQII', len(recs), len(allraw),
    zlib.crc32(allraw), 0))
sys.stdout.buffer.write(out)
EOF
}

setup_file() {
	corpus 400 > "$BATS_FILE_TMPDIR/tokens"
	cooc_ref -w 5 < "$BATS_FILE_TMPDIR/tokens" > "$BATS_FILE_TMPDIR/cooc.fs"
	# About a million distinct pairs: Zipf-like draws from 3000 words.
	awk 'BEGIN { srand(3); for (d = 0; d < 300; d++) { line = "w0"
		for (t = 1; t < 500; t++) line = line " w" int(3000 * rand() ^ 2)
		print line } }' > "$BATS_FILE_TMPDIR/big-tokens"
	cooc_ref -w 10 < "$BATS_FILE_TMPDIR/big-tokens" \
	    > "$BATS_FILE_TMPDIR/big.fs"
}

setup() {
	C="$BATS_FILE_TMPDIR/cooc.fs"
	T="$BATS_TEST_TMPDIR"
}

need_python() {
	command -v python3 >/dev/null || skip "python3 not found (needed to write test streams)"
}

@test "firth-glove --help prints usage on stdout and exits 0" {
	run --separate-stderr firth-glove --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: firth-glove [-qv] [options] < cooc-stream" ]]
	[ -z "$stderr" ]
}

@test "firth-glove --version names the tool" {
	run firth-glove --version
	[ "$status" -eq 0 ]
	[[ "$output" == "firth-glove "* ]]
}

@test "firth-glove writes one vector per vocabulary word with its word" {
	run firth-glove -q -T 1 --iter 3 --vector-size 7 -f glove < "$C"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 27 ]	# "the" "eats" "drives" + 4 x 6 words
	run awk '{ print NF }' <<< "$output"
	[ "$(sort -u <<< "$output")" = 8 ]
	run firth-glove -q -T 1 --iter 1 -f glove < "$C"
	grep -q '^horse ' <<< "$output"
}

@test "firth-glove gives the same bytes for the same seed with one thread" {
	firth-glove -q -T 1 --seed 5 --iter 4 < "$C" > "$T/a"
	firth-glove -q -T 1 --seed 5 --iter 4 < "$C" > "$T/b"
	firth-glove -q -T 1 --seed 6 --iter 4 < "$C" > "$T/c"
	cmp "$T/a" "$T/b"
	! cmp -s "$T/a" "$T/c"
}

@test "firth-glove spooled under a small -M equals firth-glove in memory" {
	B="$BATS_FILE_TMPDIR/big.fs"
	firth-glove -q -T 1 --iter 2 < "$B" > "$T/mem"
	run --separate-stderr firth-glove -T 1 --iter 2 -M 1M -o "$T/spool" < "$B"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"records exceed -M; spooling them to "* ]]
	cmp "$T/mem" "$T/spool"
	[ -z "$(ls "$T" | grep firth-glove)" ]
}

@test "firth-glove resumed after iteration 7 ends bit-identical to an uninterrupted run" {
	firth-glove -q -T 1 --iter 15 < "$C" > "$T/full"
	firth-glove -q -T 1 --iter 7 --checkpoint "$T/ck" < "$C" > /dev/null
	run --separate-stderr firth-glove -T 1 --iter 15 --resume "$T/ck" -o "$T/resumed" < "$C"
	[ "$status" -eq 0 ]
	# The first line warns that cooc_ref's records come sorted.
	[[ "$(sed -n 2p <<< "$stderr")" == "firth-glove: iter 8/15: cost "* ]]
	cmp "$T/full" "$T/resumed"
}

@test "firth-glove killed with SIGKILL mid-run resumes from its checkpoint to the same bytes" {
	B="$BATS_FILE_TMPDIR/big.fs"
	firth-glove -q -T 1 --iter 12 < "$B" > "$T/full"
	firth-glove -q -T 1 --iter 12 --checkpoint "$T/ck" < "$B" > /dev/null &
	pid=$!
	# Kill as soon as a checkpoint exists (after iteration 1 or later).
	for _ in $(seq 1000); do
		[ -e "$T/ck" ] && break
		sleep 0.01
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" || true
	[ -e "$T/ck" ]
	done_iter=$(od -An -tu4 -j80 -N4 "$T/ck" | tr -d ' ')	# "model" payload at 36 + 32, iter at +12
	echo "# killed with a checkpoint after iteration $done_iter of 12" >&3
	firth-glove -q -T 1 --iter 12 --resume "$T/ck" < "$B" > "$T/resumed"
	cmp "$T/full" "$T/resumed"
}

@test "firth-glove refuses to resume with other hyperparameters" {
	firth-glove -q -T 1 --iter 2 --checkpoint "$T/ck" < "$C" > /dev/null
	run firth-glove -q --iter 4 --eta 0.1 --resume "$T/ck" < "$C"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-glove: --eta 0.1 differs from the checkpoint's 0.05" ]
}

@test "firth-glove refuses to resume on another vocabulary" {
	need_python
	firth-glove -q -T 1 --iter 2 --checkpoint "$T/ck" < "$C" > /dev/null
	mkcooc --vocab a,b 0:1:2 1:0:2 > "$T/other.fs"
	run firth-glove -q --iter 4 --resume "$T/ck" < "$T/other.fs"
	[ "$status" -eq 1 ]
	[[ "$output" == "firth-glove: $T/ck was made from another vocabulary (27 words) than stdin (2 words)" ]]
}

@test "firth-glove refuses a damaged checkpoint" {
	firth-glove -q -T 1 --iter 2 --checkpoint "$T/ck" < "$C" > /dev/null
	printf 'X' | dd of="$T/ck" bs=1 seek=5000 conv=notrunc 2>/dev/null
	run firth-glove -q --iter 4 --resume "$T/ck" < "$C"
	[ "$status" -eq 1 ]
	[ "$output" = "firth-glove: $T/ck: section \"params\" is damaged (CRC mismatch)" ]
}

@test "firth-glove resumes from a checkpoint written by firth 0.1.0 to that release's bytes" {
	# tests/data/state/README says how these were made with firth 0.1.0.
	D="$FIRTH_TOP/tests/data/state"
	run --separate-stderr firth-glove -q -T 1 --iter 4 --vector-size 4 -f glove \
	    --resume "$D/glove-0.1.0.ck" -o "$T/v" < "$D/cooc.fs"
	[ "$status" -eq 0 ]
	cmp "$T/v" "$D/glove-iter4.txt"
}

@test "firth-glove checkpoints are firth state files that carry the words" {
	D="$FIRTH_TOP/tests/data/state"
	firth-glove -q -T 1 --iter 2 --vector-size 4 --checkpoint "$T/ck" -o /dev/null < "$D/cooc.fs"
	[ "$(head -c 8 "$T/ck" | od -An -tx1 | tr -d ' \n')" = 894653540d0a1a0a ]
	grep -q drives "$T/ck"
	# and carry the run on to the same bytes as the old format does.
	firth-glove -q -T 1 --iter 4 --vector-size 4 -f glove --resume "$T/ck" -o "$T/v" < "$D/cooc.fs"
	cmp "$T/v" "$D/glove-iter4.txt"
}

@test "firth-glove refuses a firth-sgns checkpoint by name" {
	D="$FIRTH_TOP/tests/data/state"
	firth-sgns -q --min-count 1 --size 4 --iter 1 --threads 1 --checkpoint "$T/sg.ck" -o /dev/null "$D/corpus.txt"
	run firth-glove -q --resume "$T/sg.ck" < "$D/cooc.fs"
	[ "$status" -eq 1 ]
	[ "$output" = "firth-glove: $T/sg.ck holds firth-sgns state, not firth-glove's" ]
}

@test "firth-glove stops on NaN or infinity, names the pair and writes nothing" {
	run firth-glove -T 1 --iter 3 --eta 1e25 -o "$T/v" < "$C"
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" =~ ^"firth-glove: iteration "[0-9]+": the model diverged (NaN or infinity) on the pair ("[a-z]+", "[a-z]+"), count "[0-9.e+]+"; no vectors written: lower --eta (now 1e+25) or --grad-clip (now 100)"$ ]]
	[ ! -e "$T/v" ]
}

@test "firth-glove prints one progress line per iteration and nothing with -q" {
	firth-shuffle --seed 1 < "$C" > "$T/shuf.fs"
	run --separate-stderr firth-glove -T 1 --iter 3 < "$T/shuf.fs"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^firth-glove: iter [1-3]/3: cost [0-9.]*, [0-9.]*M records/s, [0-9.]* s, ETA [0-9]:[0-9][0-9]:[0-9][0-9]$' <<< "$stderr")" -eq 3 ]
	[ "$(wc -l <<< "$stderr")" -eq 3 ]
	run --separate-stderr firth-glove -q -T 1 --iter 3 < "$C"
	[ -z "$stderr" ]
}

@test "firth-glove says to shuffle records that come sorted, and not shuffled ones" {
	run --separate-stderr firth-glove -T 1 --iter 1 -o /dev/null < "$C"
	[ "$status" -eq 0 ]
	[ "${stderr%%$'\n'*}" = "firth-glove: stdin: the records are sorted by word (an export not shuffled?); pipe them through firth-shuffle for good vectors" ]
	firth-shuffle --seed 2 < "$C" > "$T/shuf.fs"
	run --separate-stderr firth-glove -T 1 --iter 1 -o /dev/null < "$T/shuf.fs"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"sorted"* ]]
}

@test "firth-glove's cost falls every iteration on a shuffled structured corpus" {
	command -v firth-shuffle >/dev/null ||
	    skip "firth-shuffle not on PATH (needed to shuffle the records)"
	firth-shuffle --seed 1 < "$C" > "$T/shuf.fs"
	run --separate-stderr firth-glove -T 1 --iter 10 --x-max 10 -o /dev/null < "$T/shuf.fs"
	[ "$status" -eq 0 ]
	run awk '{ sub(",", "", $5); c = $5 + 0
		if (NR > 1 && c >= prev) { print "rose at " NR; exit 1 }
		prev = c }' <<< "$stderr"
	[ "$status" -eq 0 ]
}

@test "firth-glove puts animals nearer animals than vehicles" {
	# w+c of cat is closer (cosine) to dog than to truck.
	firth-glove -q -T 1 --iter 30 --vector-size 10 --x-max 10 -f glove < "$C" > "$T/v"
	run awk '
		{ for (i = 2; i <= NF; i++) v[$1, i] = $i; n = NF }
		function cosine(a, b,   i, d, x, y) {
			for (i = 2; i <= n; i++) {
				d += v[a, i] * v[b, i]; x += v[a, i] ^ 2; y += v[b, i] ^ 2
			}
			return d / sqrt(x * y)
		}
		END { printf "# cos(cat, dog) %.3f, cos(cat, truck) %.3f\n",
		          cosine("cat", "dog"), cosine("cat", "truck")
		      exit !(cosine("cat", "dog") > cosine("cat", "truck") &&
		          cosine("car", "bus") > cosine("car", "oats")) }' "$T/v"
	echo "$output" >&3
	[ "$status" -eq 0 ]
}

@test "firth-glove writes word2vec text, binary, and all vectors with biases" {
	firth-glove -q -T 1 --iter 1 --vector-size 4 -f word2vec < "$C" > "$T/w2v"
	[ "$(head -1 "$T/w2v")" = "27 4" ]
	firth-glove -q -T 1 --iter 1 --vector-size 4 -f word2vec-binary < "$C" > "$T/bin"
	[ "$(head -c 5 "$T/bin")" = "27 4" ]
	run firth-glove -q -T 1 --iter 1 --vector-size 4 -f glove --output-vectors all < "$C"
	[ "$(awk '{ print NF }' <<< "$output" | sort -u)" = 11 ]
	# W+C is W plus C: compare with the "all" rows.
	firth-glove -q -T 1 --iter 1 --vector-size 4 -f glove --output-vectors W < "$C" > "$T/w"
	[ "$(head -1 "$T/w" | cut -d' ' -f2-5)" = "$(head -1 <<< "$output" | cut -d' ' -f2-5)" ]
}

@test "firth-glove refuses a stream without vocabulary unless given --vocab" {
	need_python
	mkcooc 0:1:2 1:2:3.5 2:0:1 > "$T/novocab.fs"
	run firth-glove -q < "$T/novocab.fs"
	[ "$status" -eq 1 ]
	[ "$output" = "firth-glove: stdin: the stream carries no vocabulary, so the vectors would have no words: export it with firth-cooc -d DB --export, or give the words with --vocab FILE" ]
	printf 'x 3\ny 2\nz 1\n' > "$T/vocab"
	run firth-glove -q -T 1 --iter 2 --vector-size 3 -f glove --vocab "$T/vocab" < "$T/novocab.fs"
	[ "$status" -eq 0 ]
	[ "$(cut -d' ' -f1 <<< "$output" | tr '\n' ' ')" = "x y z " ]
}

@test "firth-glove refuses word ids outside the vocabulary" {
	need_python
	mkcooc --vocab a,b,c 0:1:2 1:5:3.5 > "$T/bad.fs"
	run firth-glove -q < "$T/bad.fs"
	[ "$status" -eq 1 ]
	[ "$output" = "firth-glove: stdin: record 2 has word id 5, outside the vocabulary of 3 words (a stream mixed from two vocabularies?)" ]
}

@test "firth-glove refuses token text with a hint" {
	run firth-glove -q <<< "the cat sat on the mat"
	[ "$status" -eq 1 ]
	[[ "$output" == "firth-glove: stdin: input is text, not a firth stream"* ]]
}

@test "firth-glove refuses a truncated stream" {
	head -c 2000 "$C" > "$T/cut.fs"
	run firth-glove -q < "$T/cut.fs"
	[ "$status" -eq 1 ]
	[[ "$output" == "firth-glove: stdin: "*"truncated"* ]]
}

@test "firth-glove rejects bad options with a usage error" {
	run firth-glove --output-vectors X
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = 'firth-glove: --output-vectors: "X" is not W, W+C or all' ]
	run firth-glove --min-count 5
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth-glove: --min-count and --max-vocab need -d DB (filter a stream with firth-cooc --export)" ]
	run firth-glove --vector-size 0
	[ "$status" -eq 2 ]
}

@test "firth-glove -d DB trains on firth-cooc's export, shuffled" {
	command -v firth-cooc >/dev/null ||
	    skip "firth-cooc not on PATH (it runs firth-cooc -d DB --export)"
	firth-vocab -q -d "$T/db" < "$BATS_FILE_TMPDIR/tokens"
	firth-cooc -q -d "$T/db" --window 5 < "$BATS_FILE_TMPDIR/tokens"
	command -v firth-shuffle >/dev/null ||
	    skip "firth-shuffle not on PATH (-d shuffles the export)"
	firth-cooc -q -d "$T/db" --export | firth-shuffle -q --seed 4 > "$T/export.fs"
	firth-glove -q -T 1 --iter 3 --seed 4 < "$T/export.fs" > "$T/piped"
	run firth-glove -q -T 1 --iter 3 --seed 4 -d "$T/db" -o "$T/direct"
	[ "$status" -eq 0 ]
	cmp "$T/piped" "$T/direct"
}

@test "firth-glove -d finds firth-cooc and firth-shuffle beside itself with a bare PATH" {
	firth-vocab -q -d "$T/db" < "$BATS_FILE_TMPDIR/tokens"
	firth-cooc -q -d "$T/db" --window 5 < "$BATS_FILE_TMPDIR/tokens"
	firth-cooc -q -d "$T/db" --export | firth-shuffle -q --seed 4 > "$T/export.fs"
	firth-glove -q -T 1 --iter 2 --seed 4 < "$T/export.fs" > "$T/piped"
	run env PATH=/usr/bin:/bin "$FIRTH_TOP/bin/firth-glove" -q -T 1 --iter 2 --seed 4 -d "$T/db" -o "$T/direct"
	[ "$status" -eq 0 ]
	cmp "$T/piped" "$T/direct"
}

@test "firth-glove -d says so when firth-cooc is neither beside it nor on PATH" {
	mkdir "$T/lone"
	cp "$FIRTH_TOP/bin/firth-glove" "$T/lone/"
	run env PATH=/usr/bin:/bin "$T/lone/firth-glove" -q -d "$T/db" -o "$T/v"
	[ "$status" -eq 1 ]
	[ "$output" = "firth-glove: firth-cooc is not beside firth-glove nor on PATH; install it, or pipe \`firth-cooc -d DB --export | firth-shuffle' into firth-glove" ]
	[ ! -e "$T/v" ]
}

# Stand-ins for firth-cooc and firth-shuffle that log their arguments;
# the first exports a fixed stream, the second passes it on unchanged.
fake_cooc() {	# fake_cooc EXIT-STATUS
	mkdir -p "$T/fakebin"
	cat > "$T/fakebin/firth-cooc" <<FAKE
#!/bin/sh
echo "\$*" > "$T/args"
cat "$C"
exit $1
FAKE
	cat > "$T/fakebin/firth-shuffle" <<FAKE
#!/bin/sh
echo "\$*" > "$T/shuffle-args"
cat
FAKE
	chmod +x "$T/fakebin/firth-cooc" "$T/fakebin/firth-shuffle"
	# Siblings are looked for beside the program first.
	cp "$(command -v firth-glove)" "$T/fakebin/"
}

@test "firth-glove -d runs firth-cooc -d DB --export | firth-shuffle with its options and seed" {
	fake_cooc 0
	firth-glove -q -T 1 --iter 2 < "$C" > "$T/piped"
	PATH="$T/fakebin:$PATH" run firth-glove -q -T 1 --iter 2 -d "my db" --min-count 3 --max-vocab 100 -o "$T/direct"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/args")" = "-d my db --export --min-count 3 --max-vocab 100 -q" ]
	[ "$(cat "$T/shuffle-args")" = "--seed 1 -q" ]
	cmp "$T/piped" "$T/direct"
}

@test "firth-glove -d fails when firth-cooc fails, and writes nothing" {
	fake_cooc 3
	PATH="$T/fakebin:$PATH" run firth-glove -q -T 1 --iter 2 -d db -o "$T/v"
	[ "$status" -eq 1 ]
	[ "$output" = "firth-glove: firth-cooc -d db --export failed (exit status 3)" ]
	[ ! -e "$T/v" ]
}
