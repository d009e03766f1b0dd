#!/usr/bin/env bats
# Files the tools write by name (lib/cli.c cli_out_open): replaced whole
# through a temporary file made exclusively beside the target, never
# truncated in place; symlinks written through; temporary files of runs
# killed with SIGKILL removed by the next write; every output path tried
# before any input is read.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	# Words w0..w2999, Zipf-like, enough for a vector file of some MB.
	awk 'BEGIN { srand(5); for (d = 0; d < 200; d++) { line = "w0"
		for (t = 1; t < 400; t++) line = line " w" int(3000 * rand() ^ 2)
		print line } }' > corpus.txt
	cooc_ref -w 3 < corpus.txt > c.fs
}

# The temporary files beside target $1.
tmp_of() {
	local d b
	d=$(dirname -- "$1")
	b=$(basename -- "$1")
	compgen -G "$d/.$b.firth-tmp.??????" || true
}

# started_ms: now in milliseconds.
now_ms() {
	date +%s%3N
}

# catch_writing PID FILE: wait until process PID has written bytes for
# FILE (to its temporary file, or to FILE itself when it writes in
# place), then stop it there with SIGSTOP.  Fails if PID ends first.
catch_writing() {
	local pid=$1 f=$2 t d b
	d=$(dirname -- "$f")
	b=$(basename -- "$f")
	while kill -0 "$pid" 2>/dev/null; do
		for t in "$d/.$b.firth-tmp."?????? "$f"; do
			if [ "$t" = "$f" ] && [ "$(head -c 3 "$f")" = "old" ]; then
				continue
			fi
			if [ -s "$t" ]; then
				kill -STOP "$pid"
				return 0
			fi
		done
		sleep 0.01
	done
	echo "# $pid ended before it was caught writing $f"
	return 1
}

@test "firth-sgns stopped and killed while writing -o leaves the previous file whole" {
	printf 'old vectors\n' > vec.txt
	firth-sgns -q --min-count 1 --iter 1 --size 300 --threads 1 \
	    --format glove -o vec.txt corpus.txt &
	pid=$!
	catch_writing "$pid" vec.txt
	[ "$(cat vec.txt)" = "old vectors" ]
	kill -9 "$pid"
	wait "$pid" || true
	[ "$(cat vec.txt)" = "old vectors" ]
	# The killed run's file is left, recognisably named...
	[ -n "$(tmp_of vec.txt)" ]
	# ...and the next successful write replaces vec.txt and removes it.
	firth-sgns -q --min-count 1 --iter 1 --size 4 --threads 1 \
	    --format glove -o vec.txt corpus.txt
	[ "$(head -c 3 vec.txt)" = "w0 " ]
	[ -z "$(tmp_of vec.txt)" ]
}

@test "firth-sgns terminated while writing through a symlinked -o keeps the link and its file" {
	mkdir real
	printf 'old vectors\n' > real/vec.txt
	ln -s real/vec.txt link.txt
	firth-sgns -q --min-count 1 --iter 1 --size 300 --threads 1 \
	    --format glove -o link.txt corpus.txt &
	pid=$!
	catch_writing "$pid" real/vec.txt
	kill -TERM "$pid"
	kill -CONT "$pid"
	wait "$pid" || true
	[ -L link.txt ]
	[ "$(cat real/vec.txt)" = "old vectors" ]
	# SIGTERM is caught: the temporary file goes with the run.
	[ -z "$(ls -A . real | grep firth-tmp)" ]
}

@test "a symlinked -o is written through and stays a link, for every trainer" {
	mkdir real
	for tool in glove svd sgns; do
		printf 'old\n' > real/v.$tool
		ln -s real/v.$tool link.$tool
	done
	firth-glove -q -T 1 --iter 1 --vector-size 4 -f glove -o link.glove < c.fs
	firth-svd -q -k 2 -f glove -o link.svd < c.fs
	firth-sgns -q --min-count 1 --iter 1 --size 4 --threads 1 --format glove \
	    -o link.sgns corpus.txt
	for tool in glove svd sgns; do
		[ -L link.$tool ]
		[ "$(readlink link.$tool)" = "real/v.$tool" ]
		[ "$(head -c 3 real/v.$tool)" = "w0 " ]
		[ -z "$(ls -A . real | grep firth-tmp)" ]
	done
}

@test "a -o that is a link to nothing is refused and left as it is" {
	ln -s nowhere/v.txt dangling
	run --separate-stderr firth-svd -q -k 2 -f glove -o dangling < c.fs
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-svd: dangling is a symbolic link to nothing: remove it, or create the file it names" ]
	[ "$(readlink dangling)" = "nowhere/v.txt" ]
}

@test "an output keeps the mode of the file it replaces, and a new one follows the umask" {
	printf 'old\n' > kept.txt
	chmod 640 kept.txt
	firth-svd -q -k 2 -f glove -o kept.txt < c.fs
	[ "$(stat -c %a kept.txt)" = 640 ]
	(umask 027 && firth-svd -q -k 2 -f glove -o new.txt < c.fs)
	[ "$(stat -c %a new.txt)" = 640 ]
	(umask 022 && firth-svd -q -k 2 -f glove -o new2.txt < c.fs)
	[ "$(stat -c %a new2.txt)" = 644 ]
}

@test "-o /dev/stdout and -o /dev/null still work in place" {
	firth-svd -q -k 2 -f glove < c.fs > want
	firth-svd -q -k 2 -f glove -o /dev/stdout < c.fs > got
	cmp want got
	run firth-svd -q -k 2 -f glove -o /dev/null < c.fs
	[ "$status" -eq 0 ]
	[ -c /dev/null ]
}

@test "a -o that is a directory is refused before any work" {
	mkdir d
	run --separate-stderr firth-glove -q -o d < c.fs
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-glove: cannot write d: it is a directory" ]
}

@test "a successful write removes the stale temporary files of its target, not a locked one nor others" {
	printf 'x' > .v.txt.firth-tmp.AbC123
	printf 'x' > .v.txt.firth-tmp.AbC1234
	printf 'x' > .w.txt.firth-tmp.AbC123
	printf 'x' > .v.txt.firth-tmp.Locked
	# A live writer: holds its lock until told to stop.
	mkfifo go
	flock .v.txt.firth-tmp.Locked -c 'read -r _ < go' &
	holder=$!
	sleep 0.3
	firth-svd -q -k 2 -f glove -o v.txt < c.fs
	[ ! -e .v.txt.firth-tmp.AbC123 ]
	[ -e .v.txt.firth-tmp.Locked ]
	[ -e .v.txt.firth-tmp.AbC1234 ]
	[ -e .w.txt.firth-tmp.AbC123 ]
	echo > go
	wait "$holder"
	# Unlocked now: the next write takes it too.
	firth-svd -q -k 2 -f glove -o v.txt < c.fs
	[ ! -e .v.txt.firth-tmp.Locked ]
}

@test "a link planted at the old checkpoint temporary name ck.tmp is not followed" {
	printf 'victim\n' > victim.txt
	ln -s victim.txt ck.tmp
	firth-sgns -q --min-count 1 --iter 1 --size 4 --threads 1 \
	    --checkpoint ck -o v.fs corpus.txt
	[ "$(cat victim.txt)" = "victim" ]
	[ -L ck.tmp ]
	[ -s ck ]
	firth-glove -q -T 1 --iter 1 --vector-size 4 --checkpoint ck2 -o g.fs < c.fs
	[ "$(cat victim.txt)" = "victim" ]
}

@test "refresh.sh does not follow a link planted at the old export temporary name" {
	printf 'victim2\n' > victim2.txt
	ln -s victim2.txt exp.fs.tmp
	printf 'victim3\n' > victim3.txt
	mkdir k.db.tokens
	ln -s ../victim3.txt k.db.tokens/corpus.txt.tok.gz.tmp
	ln -s ../victim3.txt k.db.tokens/corpus.txt.tok.gz.raw
	ln -s ../victim3.txt k.db.tokens/options.tmp
	run sh "$FIRTH_TOP/pipelines/refresh.sh" -d k.db -o exp.fs -r corpus.txt
	[ "$status" -eq 0 ]
	[ "$(cat victim2.txt)" = "victim2" ]
	[ "$(cat victim3.txt)" = "victim3" ]
	firth-cat -H < exp.fs > /dev/null
	[ -z "$(ls -A . k.db.tokens | grep firth-tmp)" ]
}

# A FIFO that is never written: a tool that reads its input before
# trying its outputs would block on it until the timeout.
never_input() {
	mkfifo never
	exec 7<> never
}

@test "the trainers refuse an output in a missing directory within a second, before reading input" {
	never_input
	for cmd in "firth-sgns -q -o /nonexistent/x.fs" \
	    "firth-sgns -q --checkpoint /nonexistent/ck" \
	    "firth-glove -q -o /nonexistent/x.fs" \
	    "firth-glove -q --checkpoint /nonexistent/ck" \
	    "firth-svd -q -o /nonexistent/x.fs"; do
		t0=$(now_ms)
		run --separate-stderr timeout 10 $cmd < never
		t1=$(now_ms)
		echo "$cmd: status $status in $((t1 - t0)) ms: $stderr"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"cannot create a file beside /nonexistent/"*": No such file or directory" ]]
		[ $((t1 - t0)) -lt 1000 ]
	done
	exec 7>&-
}

@test "the trainers refuse to write binary vectors to a terminal, before reading input" {
	command -v script > /dev/null || skip "script(1) not found (needed for a terminal)"
	never_input
	for tool in "firth-sgns -q" "firth-glove -q" "firth-svd -q"; do
		run timeout 10 script -qec "$tool < never" /dev/null
		[ "$status" -eq 1 ]
		[[ "$output" == *"${tool%% *}: standard output is a terminal; send the vectors to a file or a pipe (firth-cat shows it as text)"* ]]
	done
	# Text is for people: it may go to the terminal.
	run timeout 10 script -qec "firth-svd -q -k 2 -f glove < c.fs" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == "w0 "* ]]
	exec 7>&-
}
