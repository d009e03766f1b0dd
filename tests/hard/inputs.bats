#!/usr/bin/env bats
# make check-hard: a 1 GiB line, made in a pipe (head -c 1G /dev/zero |
# tr '\0' a), fed to every reader of every tool.  Each ends as pinned in
# tests/harden-inputs.bats for a 16 MiB line, and its peak resident
# memory (/usr/bin/time %M) stays under 256 MiB: no reader holds the
# whole line.

bats_require_minimum_version 1.5.0
load ../harden-lib

setup_file() {
	is_hard || skip "long: make check-hard"
	local F=$BATS_FILE_TMPDIR D="$FIRTH_TOP/tests/data/wclass"
	cd "$F"
	printf 'a b c a\nb a c\n' > t.txt
	firth-vocab -q -d c.db t.txt
	firth-cooc -q -d c.db -w 2 t.txt
	firth-cat -f firth < "$D/vec.txt" > vec.fs
	firth-wclass train -q -v "$D/vec.txt" --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o w.model -H 0 -e 1
}

setup() {
	is_hard || skip "long: make check-hard"
	cd "$BATS_TEST_TMPDIR"
	F=$BATS_FILE_TMPDIR
	D="$FIRTH_TOP/tests/data/wclass"
}

# gig: one line of 1 GiB ('a' bytes), then a newline.
gig() {
	head -c 1G /dev/zero | tr '\0' a
	echo
}

# huge WANT_STATUS PATTERN CMD...: CMD reads the 1 GiB line on stdin; it
# must exit WANT_STATUS
# with a stderr line matching PATTERN (ERE, "" for none wanted), within
# 600 s, peaking under 256 MiB.
huge() {
	local want=$1 pat=$2 st=0 kb
	shift 2
	gig | /usr/bin/time -f %M -o rss timeout 600 "$@" \
	    > out 2> err || st=$?
	kb=$(tail -n 1 rss)
	echo "1 GiB line: ${*//$BATS_FILE_TMPDIR\//}: status $st, peak ${kb} KiB" >> "${FIRTH_HARD_LOG:-/dev/null}"
	[ "$st" -eq "$want" ] || { echo "$*: status $st: $(head -c 300 err)"; return 1; }
	[ -z "$pat" ] || grep -Eq "$pat" err ||
	    { echo "$*: no '$pat' in: $(head -c 300 err)"; return 1; }
	[ "$kb" -lt $((256 * 1024)) ] || { echo "$*: peak ${kb} KiB"; return 1; }
}

@test "a 1 GiB line into the token text readers: cut, counted or refused in bounded memory" {
	huge 0 'firth-tokenize: .*1 long tokens dropped' firth-tokenize
	[ ! -s out ]
	huge 0 'firth-vocab: 1 tokens longer than 1024 bytes were cut short' firth-vocab
	[ "$(wc -c < out)" -eq 1027 ]
	cp "$F/c.db" k.db
	huge 1 'firth-cooc: 1 of 1 tokens are not in the database.s vocabulary; nothing was counted' \
	    firth-cooc -d k.db -w 2
	huge 0 'firth-vocab: 1 tokens longer' firth-vocab -q -d k.db
	db_check k.db
	huge 0 'firth-sgns: 1 tokens longer' firth-sgns -q --min-count 1 --size 4 --iter 1 --threads 1
}

@test "a 1 GiB line into the stream readers: refused at once" {
	for c in firth-shuffle "firth-glove -q" "firth-svd -q -k 1" firth-cat "firth cat"; do
		# shellcheck disable=SC2086
		huge 1 'stdin: input is text, not a firth stream' $c
	done
}

@test "a 1 GiB line into the vector, question and CoNLL readers: refused in bounded memory" {
	huge 1 'firth-eval: stdin:1: a line longer than [0-9]+ bytes: not a vector file' \
	    firth-eval -q neighbours anna
	huge 1 'firth-cat: stdin:1: a line longer than [0-9]+ bytes: not a vector file' \
	    firth-cat -f glove
	huge 1 'firth-eval: /dev/stdin:1: a line longer than 1048576 bytes' \
	    firth-eval -q -v "$F/vec.fs" analogy /dev/stdin
	huge 1 'firth-eval: /dev/stdin:1: a line longer than 1048576 bytes' \
	    firth-eval -q -v "$F/vec.fs" similarity /dev/stdin
	huge 1 'firth-eval: stdin:1: a line longer than 1048576 bytes' \
	    firth-eval -q -v "$F/vec.fs" neighbours
	huge 1 'firth-wclass: stdin:1: a line longer than 1048576 bytes' \
	    firth-wclass predict -m "$F/w.model"
	huge 1 'firth-wclass: /dev/stdin:1: a line longer than [0-9]+ bytes: not a vector file' \
	    firth-wclass train -q -v /dev/stdin --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o m.model -e 1
	[ ! -e m.model ]
}
