#!/usr/bin/env bats
# firth-shuffle: uniform out-of-core shuffle of firth streams.
# The statistical tests of uniformity are in tests/c/test_shuffle.c.

bats_require_minimum_version 1.5.0

setup() {
	# Each test gets its own TMPDIR, so "no temporary file is left" can be
	# checked without seeing other suites' files.
	export TMPDIR="$BATS_TEST_TMPDIR/spill"
	mkdir -p "$TMPDIR"
	d="$BATS_TEST_TMPDIR"
}

# The records of a stream as sorted text lines (ids, not words).
sorted_records() {
	firth-cat -n "$1" | LC_ALL=C sort
}

@test "firth-shuffle --help prints usage to stdout" {
	run --separate-stderr firth-shuffle --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-shuffle [-qv] [-M SIZE] [-s SEED] [-l LEVEL] [FILE]" ]
	[ -z "$stderr" ]
}

@test "firth-shuffle --version names the tool" {
	run firth-shuffle --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-shuffle (firth) 0.1.0" ]
}

@test "firth-shuffle refuses an unknown option with status 2" {
	run --separate-stderr firth-shuffle --bogus
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-shuffle: unrecognized option '--bogus'" ]
}

@test "firth-shuffle refuses a memory size that is not a size" {
	run --separate-stderr firth-shuffle -M lots
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-shuffle: --memory: 'lots' is not a size (try 512M, 4G, 50%)" ]
}

@test "firth-shuffle refuses a memory limit of 0" {
	run --separate-stderr firth-shuffle -M 0
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-shuffle: --memory: 0 bytes is too small" ]
}

@test "firth-shuffle refuses to write a stream to a terminal" {
	command -v script > /dev/null || skip "script(1) not found"
	gen_cooc -n 10 > "$d/in.fs"
	run script -qec "firth-shuffle '$d/in.fs'" /dev/null
	[ "$status" -eq 1 ]
	[ "${output%$'\r'}" = "firth-shuffle: standard output is a terminal; send the stream to a file or a pipe (firth-cat shows it as text)" ]
}

@test "firth-shuffle refuses a negative seed" {
	run --separate-stderr firth-shuffle --seed -1
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-shuffle: --seed: -1 is too small, the least is 0" ]
}

@test "firth-shuffle refuses a compression level above 9" {
	run --separate-stderr firth-shuffle --level 10
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-shuffle: --level: 10 is too large, the most is 9" ]
}

@test "firth-shuffle refuses two input files" {
	run --separate-stderr firth-shuffle a.fs b.fs
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-shuffle: one input at a time (got 2 files); concatenating streams is not shuffling them" ]
}

@test "firth-shuffle says so when the input file is missing" {
	run --separate-stderr firth-shuffle "$d/none.fs"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-shuffle: cannot open $d/none.fs: No such file or directory" ]
	[ -z "$output" ]
}

@test "firth-shuffle refuses token text" {
	printf 'the cat sat on the mat\n' > "$d/text"
	run --separate-stderr firth-shuffle -q "$d/text"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-shuffle: $d/text: input is text, not a firth stream" ]
	[ -z "$output" ]
}

@test "firth-shuffle keeps every record and the header, in memory, without a temporary file" {
	gen_cooc -n 3000 -V 40 -s 2 > "$d/in.fs"
	run --separate-stderr bash -c 'firth-shuffle -q -s 1 "$1" > "$2"' sh "$d/in.fs" "$d/out.fs"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(sorted_records "$d/out.fs")" = "$(sorted_records "$d/in.fs")" ]
	run ! cmp -s <(firth-cat -n "$d/out.fs") <(firth-cat -n "$d/in.fs")
	[ "$(firth-cat -H "$d/out.fs" | tail -n +2)" = "$(firth-cat -H "$d/in.fs" | tail -n +2)" ]
	# With the vocabulary: the same lines as words.
	[ "$(firth-cat "$d/out.fs" | LC_ALL=C sort)" = "$(firth-cat "$d/in.fs" | LC_ALL=C sort)" ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "firth-shuffle spills chunks under a small -M and keeps every record" {
	gen_cooc -n 5000 -V 30 -s 3 > "$d/in.fs"
	firth-shuffle -v -s 4 -M 4k "$d/in.fs" > "$d/out.fs" 2> "$d/err"
	grep -qx 'firth-shuffle: seed 4 (rerun with --seed 4 -M 4096 for the same order)' "$d/err"
	# 5000 records of 12 bytes in chunks of 341: 14 spilled, 1 in memory.
	grep -q '; 14 chunks spilled (' "$d/err"
	[ "$(sorted_records "$d/out.fs")" = "$(sorted_records "$d/in.fs")" ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "firth-shuffle gives the same bytes for the same seed and other bytes for another" {
	gen_cooc -n 2000 -s 5 > "$d/in.fs"
	firth-shuffle -q -s 9 -M 2k "$d/in.fs" > "$d/a.fs"
	firth-shuffle -q -s 9 -M 2k < "$d/in.fs" > "$d/b.fs"
	firth-shuffle -q -s 10 -M 2k "$d/in.fs" > "$d/c.fs"
	cmp "$d/a.fs" "$d/b.fs"
	run ! cmp -s "$d/a.fs" "$d/c.fs"
	[ "$(sorted_records "$d/c.fs")" = "$(sorted_records "$d/in.fs")" ]
}

@test "firth-shuffle writes the record count into a header that lacked it" {
	gen_cooc -n 777 -u > "$d/in.fs"
	[ "$(firth-cat -H "$d/in.fs" | grep count:)" = "count: unknown" ]
	firth-shuffle -q -M 1k "$d/in.fs" > "$d/out.fs"
	[ "$(firth-cat -H "$d/out.fs" | grep count:)" = "count: 777" ]
}

@test "firth-shuffle passes an empty stream through" {
	gen_cooc -n 0 > "$d/in.fs"
	firth-shuffle -q "$d/in.fs" > "$d/out.fs"
	run firth-cat -H "$d/out.fs"
	[ "$status" -eq 0 ]
	[ "${lines[4]}" = "count: 0" ]
	[ "$(firth-cat "$d/out.fs")" = "" ]
}

@test "firth-shuffle writes nothing for a truncated input and leaves no temporary file" {
	gen_cooc -n 200000 -l 0 > "$d/in.fs"
	head -c 2000000 "$d/in.fs" > "$d/cut.fs"
	run --separate-stderr firth-shuffle -q -M 64k "$d/cut.fs"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-shuffle: $d/cut.fs: stream truncated after 87381 records: did the upstream command fail?" ]
	[ -z "$output" ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "firth-shuffle removes its temporary file when interrupted" {
	gen_cooc -n 400000 -l 0 > "$d/in.fs"
	mkfifo "$d/fifo"
	firth-shuffle -q -M 64k < "$d/fifo" > "$d/out.fs" 2> "$d/err" &
	pid=$!
	# Half the input, then a writer that holds the pipe open.
	sh -c 'head -c 2500000 "$1"; exec sleep 60' sh "$d/in.fs" > "$d/fifo" &
	feeder=$!
	# The spill file is open (its name is removed at once: cli_tmpfile).
	# /proc shows the path with symbolic links resolved (make
	# check-sanitize runs the suite through a linked tests/).
	spill=$(realpath "$TMPDIR")/firth-shuffle
	for i in $(seq 600); do
		ls -l /proc/$pid/fd 2> /dev/null | grep -q "$spill" && break
		kill -0 "$pid" 2> /dev/null ||
		    { echo "firth-shuffle ended early: $(cat "$d/err")"; false; }
		sleep 0.1
	done
	ls -l /proc/$pid/fd | grep -q "$spill"
	sleep 0.2
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	kill "$feeder"
	[ "$rc" -eq 130 ]
	[ -z "$(ls -A "$TMPDIR")" ]
	[ ! -s "$d/out.fs" ]
}

@test "firth-shuffle shuffles vector streams too" {
	for i in $(seq 300); do echo "w$i $i 0.5 -$i"; done > "$d/v.txt"
	firth-cat -f firth < "$d/v.txt" > "$d/v.fs"
	firth-shuffle -q -s 2 -M 1k "$d/v.fs" > "$d/out.fs"
	run firth-cat -H "$d/out.fs"
	[ "${lines[1]}" = "kind: vectors" ]
	[ "${lines[4]}" = "dim: 3" ]
	[ "$(firth-cat "$d/out.fs" | LC_ALL=C sort)" = "$(LC_ALL=C sort "$d/v.txt")" ]
	run ! cmp -s <(firth-cat "$d/out.fs") "$d/v.txt"
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "firth-shuffle --level 0 writes stored frames that read back the same" {
	gen_cooc -n 5000 -s 6 > "$d/in.fs"
	firth-shuffle -q -s 3 -l 0 "$d/in.fs" > "$d/l0.fs"
	firth-shuffle -q -s 3 -l 6 "$d/in.fs" > "$d/l6.fs"
	[ "$(stat -c %s "$d/l0.fs")" -gt "$(stat -c %s "$d/l6.fs")" ]
	cmp <(firth-cat -n "$d/l0.fs") <(firth-cat -n "$d/l6.fs")
}

@test "firth-shuffle ends with one summary line" {
	gen_cooc -n 100 > "$d/in.fs"
	run --separate-stderr bash -c 'firth-shuffle -s 1 -M 120 "$1" > /dev/null' sh "$d/in.fs"
	[ "$status" -eq 0 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	# 100 records, 10 to a chunk: 9 spilled, the last kept in memory.
	[[ "${stderr_lines[0]}" == "firth-shuffle: 100 records shuffled in "*" s ("*" M records/s, 9 chunks spilled, peak memory "* ]]
}

@test "firth-shuffle holds no more than -M of records in memory" {
	[ -x /usr/bin/time ] || skip "/usr/bin/time not found"
	# AddressSanitizer's shadow memory and quarantine are not the tool's.
	[ -z "${FIRTH_SANITIZE:-}" ] || skip "memory bounds do not hold under AddressSanitizer"
	# 2,000,000 records are 24 MB: in memory the peak is above that;
	# under -M 4M it stays near 4 MB plus the stream buffers.
	gen_cooc -n 2000000 -l 0 > "$d/in.fs"
	/usr/bin/time -f %M -o "$d/rss.mem" firth-shuffle -q -l 0 "$d/in.fs" > /dev/null
	/usr/bin/time -f %M -o "$d/rss.spill" firth-shuffle -q -l 0 -M 4M "$d/in.fs" > /dev/null
	[ "$(cat "$d/rss.mem")" -gt 24000 ]
	[ "$(cat "$d/rss.spill")" -lt 14000 ]
	[ -z "$(ls -A "$TMPDIR")" ]
}
