#!/usr/bin/env bats
# pipelines/refresh.sh: the cron job that adds files to a corpus database
# and exports; one run at a time, a log line per step, safe to kill.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	refresh="$FIRTH_TOP/pipelines/refresh.sh"
	printf 'a b c a\nb a\n' > one.txt
	printf 'c a d\n' > two.txt
}

corpus() {
	local data="${FIRTH_SHARED:-$FIRTH_TOP/../shared/data}"
	local gz="$data/corpus/wiki-dev.txt.gz"
	[ -f "$gz" ] || skip "$gz not found"
	zcat "$gz" | head -c 1000000 | perl -ne '
	    if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > corpus.txt
}

@test "refresh.sh adds files, exports, and logs one line per step" {
	run --separate-stderr "$refresh" -d c.db -o c.fs -m 1 -c '-w 3' one.txt two.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 7 ]
	[[ "${lines[0]}" == *" refresh.sh: start: 2 file(s) into c.db" ]]
	[[ "${lines[1]}" == *" refresh.sh: vocab one.txt: firth-vocab: 6 tokens, 2 documents, 3 words (3 new) in "*" s; batch 1" ]]
	[[ "${lines[2]}" == *" refresh.sh: cooc one.txt: firth-cooc: 6 tokens, 2 documents, "* ]]
	[[ "${lines[5]}" == *" refresh.sh: export: "*" bytes to c.fs (min count 1)" ]]
	[[ "${lines[6]}" == *" refresh.sh: done" ]]
	cmp c.fs <(firth-cooc -q -d c.db --export -m 1)
	run firth-cat c.fs
	[ "${lines[0]}" = "a a 0.6666667" ]
	[ "${lines[1]}" = "a b 2.5" ]
	[ "${lines[2]}" = "a c 2.5" ]
}

@test "refresh.sh run again on the same files changes no count" {
	"$refresh" -d c.db -o c.fs -m 1 one.txt two.txt > /dev/null
	cp c.fs first.fs
	run --separate-stderr "$refresh" -d c.db -o c.fs -m 1 one.txt two.txt
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"vocab one.txt: firth-vocab: c.db: this input was already added as batch 1; nothing changed"* ]]
	[[ "${lines[2]}" == *"cooc one.txt: firth-cooc: c.db: this input was already counted as batch 2; nothing changed"* ]]
	cmp first.fs c.fs
}

@test "refresh.sh does nothing while another run holds the lock" {
	exec 9>> c.db.lock
	flock 9
	run --separate-stderr "$refresh" -d c.db -o c.fs one.txt
	exec 9>&-
	[ "$status" -eq 0 ]
	[[ "$output" == *" refresh.sh: another refresh holds c.db.lock; nothing done" ]]
	[ ! -e c.db ]
}

@test "refresh.sh stops with a non-zero exit when a step fails" {
	run --separate-stderr "$refresh" -d c.db -o c.fs one.txt missing.txt
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == *" refresh.sh: FAILED: cannot read missing.txt" ]]
	printf '\n' > empty.txt
	run --separate-stderr "$refresh" -d c.db -o c.fs empty.txt
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == *" refresh.sh: FAILED: vocab empty.txt: firth-vocab: no tokens in the input (empty.txt): did the upstream command fail?" ]]
}

@test "refresh.sh killed with SIGKILL at any moment, then run again, gives the exact counts" {
	corpus
	head -n 200 corpus.txt > a.txt
	tail -n +201 corpus.txt > b.txt
	"$refresh" -d clean.db -o clean.fs a.txt b.txt > /dev/null
	for delay in 0.1 0.5 1.2; do
		rm -f k.db* k.fs*
		setsid "$refresh" -d k.db -o k.fs a.txt b.txt > /dev/null 2>&1 &
		pid=$!
		sleep $delay
		kill -9 -- -$pid 2>/dev/null || true
		wait $pid || true
		# Killed children may take a moment to let go of the lock.
		flock k.db.lock true
		"$refresh" -d k.db -o k.fs a.txt b.txt > log.txt
		cmp <(firth-cat clean.fs) <(firth-cat k.fs)
		[ "$(sqlite3 k.db 'PRAGMA integrity_check')" = "ok" ]
		[ "$(sqlite3 k.db "SELECT count(*) FROM batches WHERE kind = 'cooc'")" = "2" ]
	done
}

@test "refresh.sh -r -T hands its options to firth-tokenize" {
	printf 'The Cat, the cat!\n42 Dogs.\n' > raw.txt
	run --separate-stderr "$refresh" -d c.db -o c.fs -m 1 -r -T '--text8 -q' raw.txt
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *" refresh.sh: tokenize raw.txt: "*" bytes gzip" ]]
	[ "$(zcat c.db.tokens/raw.txt.tok.gz)" = "$(firth-tokenize --text8 -q < raw.txt)" ]
	[ "$(zcat c.db.tokens/raw.txt.tok.gz)" = "the cat the cat
dogs" ]
	[ "$(cat c.db.tokens/options)" = "--text8 -q" ]
	# The default tokenizer would have kept the comma, the '!' and '42'.
	run firth-vocab -d c.db --list
	[ "$status" -eq 0 ]
	[[ "$output" != *","* ]] && [[ "$output" != *"42"* ]]
}

@test "refresh.sh -r keeps the first run's tokenizer options and refuses others" {
	printf 'The Cat, the cat!\n' > raw.txt
	printf 'A dog.\n' > more.txt
	"$refresh" -d c.db -o c.fs -m 1 -r -T --text8 raw.txt > /dev/null
	run --separate-stderr "$refresh" -d c.db -o c.fs -m 1 -r more.txt
	[ "$status" -eq 0 ]
	[ "$(zcat c.db.tokens/more.txt.tok.gz)" = "a dog" ]
	run --separate-stderr "$refresh" -d c.db -o c.fs -m 1 -r -T '' more.txt
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == *" refresh.sh: FAILED: -T '' differs from the first run's '--text8' (c.db.tokens/options); counts of two tokenizations would not add up" ]]
}

@test "refresh.sh stops when firth-tokenize fails, and -T needs -r" {
	printf 'some text\n' > raw.txt
	run --separate-stderr "$refresh" -d c.db -o c.fs -r -T --no-such-option raw.txt
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == *" refresh.sh: FAILED: tokenize raw.txt: firth-tokenize: "* ]]
	[ ! -e c.db.tokens/options ] && [ ! -e c.db.tokens/raw.txt.tok.gz ]
	run --separate-stderr "$refresh" -d c.db -o c.fs -T --text8 raw.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "refresh.sh: -T gives firth-tokenize options, so it needs -r" ]
}

@test "refresh.sh counts files whose names begin with '-' as files" {
	printf 'a b a\n' > ./-n.txt
	printf 'b c\n' > ./-v.txt
	run --separate-stderr "$refresh" -d c.db -o c.fs -m 1 -- -n.txt -v.txt
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *" refresh.sh: vocab -n.txt: firth-vocab: 3 tokens, 1 documents, 2 words (2 new) in "*" s; batch 1" ]]
	[ "$(sqlite3 c.db 'SELECT source FROM batches ORDER BY id' | tr '\n' ' ')" = "-n.txt -n.txt -v.txt -v.txt " ]
	[ "$(firth-vocab -d c.db --list | tr '\n' ' ')" = "a 2 b 2 c 1 " ]
	run --separate-stderr "$refresh" -d r.db -o r.fs -m 1 -r -- -n.txt
	[ "$status" -eq 0 ]
	[ "$(zcat r.db.tokens/-n.txt.tok.gz)" = "a b a" ]
}
