# tests/harden-lib.bash - helpers shared by the hardening suites
# (tests/harden-*.bats, quick, run by `make check') and their long twins
# (tests/hard/*.bats, run by `make check-hard' with FIRTH_HARD=1).
# Loaded with `load harden-lib' (or `load ../harden-lib').

# gen_corpus FILE DOCS [VOCAB] [SEED]: deterministic token text, DOCS lines
# of 5..300 tokens drawn log-uniformly from VOCAB words (w0 most frequent),
# so a few words are very frequent and most are rare, as in real text.
gen_corpus() {
	perl -e '
	    my ($docs, $v, $seed) = @ARGV;
	    srand($seed);
	    for (1 .. $docs) {
		my $n = 5 + int(rand(296));
		print join(" ", map { "w" . int($v ** rand()) } 1 .. $n), "\n";
	    }' "$2" "${3:-20000}" "${4:-1}" > "$1"
}

# db_check DB: the invariants every committed state of a corpus database
# keeps.  Prints what is wrong and fails; silent when all hold.
db_check() {
	local db=$1 r
	r=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)
	[ "$r" = ok ] || { echo "$db: integrity_check: $r"; return 1; }
	r=$(sqlite3 "$db" 'PRAGMA foreign_key_check' 2>&1)
	[ -z "$r" ] || { echo "$db: foreign_key_check: $r"; return 1; }
	# Word ids are 0..n-1, no gap.
	r=$(sqlite3 "$db" 'SELECT count(*) = coalesce(max(id) + 1, 0) AND
	    coalesce(min(id), 0) = 0 FROM words')
	[ "$r" = 1 ] || { echo "$db: word ids are not 0..n-1"; return 1; }
	# Every token of every vocab batch is in the words table, once: a
	# batch half added would break the sum.
	r=$(sqlite3 "$db" "SELECT (SELECT coalesce(sum(count), 0) FROM words)
	    || ' ' || (SELECT coalesce(sum(tokens), 0) FROM batches
	    WHERE kind = 'vocab')")
	[ "${r% *}" = "${r#* }" ] ||
	    { echo "$db: words sum to ${r% *} tokens, vocab batches to ${r#* }"; return 1; }
	# Every shard belongs to a cooc batch (or to a compacted run), and
	# every cooc batch that paired words has shards.
	r=$(sqlite3 "$db" "SELECT count(*) FROM shards s LEFT JOIN batches b
	    ON b.id = s.batch WHERE s.batch IS NOT NULL AND
	    (b.id IS NULL OR b.kind <> 'cooc')")
	[ "$r" = 0 ] || { echo "$db: $r shards without a cooc batch"; return 1; }
	r=$(sqlite3 "$db" "SELECT count(*) FROM batches b WHERE kind = 'cooc'
	    AND docs > 0 AND NOT EXISTS (SELECT 1 FROM shards s
	    WHERE s.batch = b.id) AND NOT EXISTS (SELECT 1 FROM shards s
	    WHERE s.batch IS NULL)")
	[ "$r" = 0 ] || { echo "$db: $r cooc batches without shards"; return 1; }
}

# batches DB KIND: how many batches of KIND the database holds.
batches() {
	sqlite3 "$1" "SELECT count(*) FROM batches WHERE kind = '$2'"
}

# rand_ms MAX: a pseudo-random delay in [0, MAX) milliseconds as seconds
# for sleep(1) ("0.123"), from bash's $RANDOM (seed it with RANDOM=N).
rand_ms() {
	local ms=$(( (RANDOM * 32768 + RANDOM) % $1 ))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# elapsed_ms COMMAND...: run it, print its wall time in milliseconds.
elapsed_ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" > /dev/null 2>&1
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

# kill_after SECONDS INPUT COMMAND...: run COMMAND in the background with
# stdin from INPUT (a background job would get /dev/null), SIGKILL it
# after SECONDS; sets killed_status (137 when the kill landed, else the
# command's own status).  Its stdout and stderr go to kill.out, kill.err.
kill_after() {
	local delay=$1 in=$2 pid
	shift 2
	"$@" < "$in" > kill.out 2> kill.err &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	killed_status=0
	wait "$pid" || killed_status=$?
}

# is_hard: true under `make check-hard'.
is_hard() {
	[ -n "${FIRTH_HARD:-}" ]
}

# bad_inputs DIR: the bad inputs every tool is fed, as files in DIR:
# garbage (4 KiB of pseudo-random bytes), badutf8 (invalid UTF-8 in
# text), nul (NUL bytes in text), empty, longline (one 16 MiB line, no
# newline at the end; make check-hard feeds 1 GiB through a pipe).
bad_inputs() {
	mkdir -p "$1"
	perl -e 'srand(5); print map { chr(int(rand(256))) } 1 .. 4096' > "$1/garbage"
	printf 'caf\xe9 na\xefve \xff\xfe word\n\xc3\x28 ok \xed\xa0\x80 \xf4\x90\x80\x80\n' > "$1/badutf8"
	printf 'a\0b c\0\0d\n\0\n' > "$1/nul"
	: > "$1/empty"
	head -c $((16 << 20)) /dev/zero | tr '\0' a > "$1/longline"
}
