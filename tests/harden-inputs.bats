#!/usr/bin/env bats
# Hardening: bad inputs for every tool.  Binary garbage, invalid UTF-8,
# NUL bytes, a 16 MiB line (1 GiB in tests/hard/inputs.bats), empty
# input, a stream of the wrong kind, vectors of mismatched dimension:
# each gives a clear message and exit 1, or a documented, sensible
# success pinned here (token text is runs of bytes between separators,
# firth-vocab(1); firth-tokenize counts and drops invalid UTF-8; empty
# text in gives empty text out).  Never a crash or a hang.

bats_require_minimum_version 1.5.0
load harden-lib

setup_file() {
	local F=$BATS_FILE_TMPDIR D="$FIRTH_TOP/tests/data/wclass"
	cd "$F"
	bad_inputs in
	printf 'a b c a\nb a c\n' > t.txt
	firth-vocab -q -d c.db t.txt
	firth-cooc -q -d c.db -w 2 t.txt
	firth-cooc -q -d c.db --export > cooc.fs
	gzip -c cooc.fs > cooc.fs.gz
	firth-cat -f firth < "$D/vec.txt" > vec.fs
	firth-wclass train -q -v "$D/vec.txt" --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o w.model -H 0 -e 1
	# The same vectors with one row short: a mismatched dimension.
	awk 'NR == 5 { NF = NF - 1 } { print }' "$D/vec.txt" > ragged.txt
	# A word2vec header that promises 5 dimensions over rows of 4.
	{ echo "36 5"; cat "$D/vec.txt"; } > w2v-wrong.txt
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	F=$BATS_FILE_TMPDIR
	D="$FIRTH_TOP/tests/data/wclass"
}

# try INPUT CMD...: CMD with INPUT on stdin, at most 60 s; sets $status,
# $out (stdout bytes) and $err.
try() {
	local in=$1
	shift
	status=0
	timeout 60 "$@" < "$in" > out 2> err.txt || status=$?
	err=$(cat err.txt)
}

# refused TOOL PATTERN: exit 1 and a line of TOOL's messages matching
# PATTERN (ERE).
refused() {
	if [ "$status" -ne 1 ] || ! grep -Eq "^$1: $2" err.txt; then
		echo "expected exit 1 and '$1: $2', got $status: ${err:0:300}"
		return 1
	fi
}

# accepted: exit 0.
accepted() {
	[ "$status" -eq 0 ] || { echo "expected exit 0, got $status: ${err:0:300}"; return 1; }
}

STREAM_NOT='stdin: input is (text, not a firth stream|not a firth stream \(bad magic\))'
STREAM_EMPTY='stdin: empty input where a firth stream was expected: did the upstream command fail\?'

@test "firth-tokenize: invalid bytes counted and dropped, NUL a separator, a stream refused" {
	for f in garbage badutf8; do
		try "$F/in/$f" firth-tokenize
		accepted
		[[ "$err" =~ \ [1-9][0-9]*\ invalid\ bytes, ]]
		iconv -f UTF-8 -t UTF-8 out > /dev/null
		! grep -q "$(printf '\r')" out
	done
	try "$F/in/nul" firth-tokenize
	accepted
	[ "$(cat out)" = "a b c d" ]
	try "$F/in/empty" firth-tokenize
	accepted
	[ ! -s out ]
	try "$F/in/longline" firth-tokenize
	accepted
	[[ "$err" == *"1 long tokens dropped" ]]
	[ ! -s out ]
	try "$F/cooc.fs" firth-tokenize
	refused firth-tokenize 'stdin: a firth stream, not text \(firth-cat decodes it\)$'
	try "$F/cooc.fs.gz" firth-tokenize
	refused firth-tokenize 'stdin: a firth stream, not text'
}

@test "firth-vocab: bytes are words, empty input adds nothing, a stream is refused" {
	try "$F/in/nul" firth-vocab -q
	accepted
	[ "$(cat out)" = "$(printf 'a 1\nb 1\nc 1\nd 1')" ]
	try "$F/in/badutf8" firth-vocab -q
	accepted
	grep -q "^caf$(printf '\xe9') 1$" out
	try "$F/in/garbage" firth-vocab -q
	accepted
	try "$F/in/empty" firth-vocab -q
	accepted
	[ ! -s out ]
	try "$F/in/longline" firth-vocab -q
	accepted
	[ "$err" = "firth-vocab: 1 tokens longer than 1024 bytes were cut short" ]
	[ "$(wc -c < out)" -eq 1027 ]
	cp "$F/c.db" k.db
	try "$F/in/empty" firth-vocab -d k.db
	refused firth-vocab 'no tokens in the input \(-\): did the upstream command fail\?$'
	for f in cooc.fs cooc.fs.gz vec.fs; do
		try "$F/$f" firth-vocab -d k.db
		refused firth-vocab 'stdin: a firth stream, not token text \(firth-cat decodes it\)$'
	done
	db_check k.db
	cmp <(firth-vocab -d k.db --list) <(firth-vocab -d "$F/c.db" --list)
}

@test "firth-cooc: words the vocabulary lacks, empty input and streams are refused, nothing recorded" {
	cp "$F/c.db" k.db
	for f in garbage badutf8 nul longline; do
		try "$F/in/$f" firth-cooc -d k.db -w 2
		refused firth-cooc '[0-9]+ of [0-9]+ tokens are not in the database.s vocabulary; nothing was counted'
	done
	try "$F/in/empty" firth-cooc -d k.db -w 2
	refused firth-cooc 'no tokens in the input \(-\)'
	try "$F/cooc.fs" firth-cooc -d k.db -w 2
	refused firth-cooc 'stdin: a firth stream, not token text'
	db_check k.db
	[ "$(batches k.db cooc)" = 1 ]
	cmp <(firth-cooc -q -d k.db --export) "$F/cooc.fs"
}

@test "firth-sgns: empty input and streams are refused; bytes are words" {
	try "$F/in/empty" firth-sgns -q
	refused firth-sgns 'no tokens in the input \(stdin\): did the upstream command fail\?$'
	try "$F/in/garbage" firth-sgns -q
	refused firth-sgns 'no word occurs --min-count 5 times; lower --min-count$'
	try "$F/in/badutf8" firth-sgns -q --min-count 1 --size 4 --iter 1 --threads 1
	accepted
	try "$F/vec.fs" firth-sgns -q
	refused firth-sgns 'stdin: a firth stream, not token text'
	try "$F/in/longline" firth-sgns -q --min-count 1 --size 4 --iter 1 --threads 1
	accepted
	[ "$err" = "firth-sgns: 1 tokens longer than 1024 bytes were cut short" ]
}

@test "firth-shuffle, firth-glove, firth-svd and firth-cat refuse what is not a stream of their kind" {
	for c in "firth-shuffle" "firth-glove -q" "firth-svd -q -k 1" "firth-cat"; do
		tool=${c%% *}
		for f in garbage badutf8 nul longline; do
			# shellcheck disable=SC2086
			try "$F/in/$f" $c
			refused "$tool" "$STREAM_NOT$" || { echo "$f"; return 1; }
		done
		# shellcheck disable=SC2086
		try "$F/in/empty" $c
		refused "$tool" "$STREAM_EMPTY$"
		# shellcheck disable=SC2086
		try "$F/cooc.fs.gz" $c
		refused "$tool" 'stdin: input is gzip data \(decompress it, or did you mean token text\?\)$'
	done
	for c in "firth-glove -q" "firth-svd -q -k 1"; do
		# shellcheck disable=SC2086
		try "$F/vec.fs" $c
		refused "${c%% *}" 'stdin: expected co-occurrence records, got vectors$'
	done
	# firth-shuffle shuffles vectors too (firth-shuffle(1)).
	try "$F/vec.fs" firth-shuffle -q
	accepted
	try "$F/cooc.fs" firth-cat -f glove
	refused firth-cat 'stdin: expected vectors, got co-occurrence records$'
}

@test "firth-eval: garbage, empty, wrong-kind and mismatched vectors and question files are refused" {
	for f in garbage badutf8 nul longline; do
		try "$F/in/$f" firth-eval -q neighbours anna
		refused firth-eval 'stdin:1: ' || { echo "$f"; return 1; }
	done
	try "$F/in/empty" firth-eval -q neighbours anna
	refused firth-eval 'stdin: empty input where vectors were expected$'
	try "$F/cooc.fs" firth-eval -q neighbours anna
	refused firth-eval 'stdin: expected vectors, got co-occurrence records$'
	try "$F/ragged.txt" firth-eval -q neighbours anna
	refused firth-eval 'stdin:5: 3 numbers where 4 were expected: ragged rows or a wrong dimension$'
	try "$F/w2v-wrong.txt" firth-eval -q neighbours anna
	refused firth-eval 'stdin:2: 4 numbers where 5 were expected: ragged rows or a wrong dimension$'
	# Question and pair files.
	for kind in analogy similarity; do
		for f in garbage nul empty longline; do
			try /dev/null firth-eval -q -v "$F/vec.fs" $kind "$F/in/$f"
			refused firth-eval "$F/in/$f" || { echo "$kind $f"; return 1; }
		done
	done
	try /dev/null firth-eval -q -v "$F/vec.fs" analogy "$F/in/longline"
	refused firth-eval "$F/in/longline:1: a line longer than 1048576 bytes: not the text this reads$"
	try "$F/in/longline" firth-eval -q -v "$F/vec.fs" neighbours
	refused firth-eval 'stdin:1: a line longer than 1048576 bytes'
}

@test "firth-wclass: garbage CoNLL, models and vectors are refused; empty input predicts nothing" {
	for f in garbage nul; do
		try "$F/in/$f" firth-wclass predict -m "$F/w.model"
		refused firth-wclass 'stdin:[0-9]+: NUL byte in the input$'
	done
	try "$F/in/longline" firth-wclass predict -m "$F/w.model"
	refused firth-wclass 'stdin:1: a line longer than 1048576 bytes'
	try "$F/in/empty" firth-wclass predict -m "$F/w.model"
	accepted
	[ ! -s out ]
	try "$F/in/empty" firth-wclass evaluate -m "$F/w.model"
	refused firth-wclass 'no tokens to evaluate$'
	for f in garbage badutf8 empty; do
		try /dev/null firth-wclass predict -m "$F/in/$f"
		refused firth-wclass "$F/in/$f: not a firth-wclass model"
	done
	for v in cooc.fs ragged.txt in/garbage in/empty; do
		try /dev/null firth-wclass train -q -v "$F/$v" --train "$D/train.conll" \
		    --dev "$D/dev.conll" -o m.model -e 1
		refused firth-wclass "$F/$v" || { echo "$v"; return 1; }
		[ ! -e m.model ]
	done
}

@test "firth refuses names that are not tools and passes bad input on to the tool" {
	for name in '' "$(printf '\xff\xfe')" nosuchtool 'a b' '../x' '-x'; do
		try /dev/null firth "$name"
		[ "$status" -eq 2 ] || { echo "'$name': $status $err"; return 1; }
		[[ "$err" =~ ^firth:\  ]]
	done
	try "$F/in/garbage" firth cat
	refused firth-cat "$STREAM_NOT$"
	try "$F/in/empty" firth vocab -d k.db
	refused firth-vocab 'no tokens in the input'
}
