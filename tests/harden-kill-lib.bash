# tests/harden-kill-lib.bash - kill -9 at many points: the fixtures and
# the loops, shared by tests/harden-kill.bats (a few points) and
# tests/hard/kill.bats (many).  Needs harden-lib.bash loaded first.
#
# Every loop prints one line to bats' fd 3 saying where the kills landed,
# and appends it to $FIRTH_HARD_LOG when that is set (make check-hard).

COOC_OPTS=(-w 5 -M 2M)		# small -M: spills, merges of spill runs
GLOVE_ITER=${GLOVE_ITER:-6}
GLOVE_OPTS=(-T 1 --seed 1 --vector-size "${GLOVE_DIM:-10}" --iter "$GLOVE_ITER")

# kill_fixtures DOCS [VOCAB_B]: two corpora (the second brings new
# words: VOCAB_B, default 40000, draws), the databases before the batch
# that gets killed, and the references.
kill_fixtures() {
	local F=$BATS_FILE_TMPDIR
	gen_corpus "$F/a.txt" "$1" 20000 1
	gen_corpus "$F/b.txt" "$1" "${2:-40000}" 2
	# vocab: a counted; b is the batch killed.
	firth-vocab -q -d "$F/base_v.db" "$F/a.txt"
	cp "$F/base_v.db" "$F/ref.db"
	firth-vocab -q -d "$F/ref.db" "$F/b.txt"
	firth-vocab -d "$F/ref.db" --list > "$F/vocab.ref"
	# cooc: both vocabularies and the cooc of a counted; b is killed.
	firth-cooc -q -d "$F/ref.db" "${COOC_OPTS[@]}" "$F/a.txt"
	cp "$F/ref.db" "$F/base_c.db"
	firth-cooc -q -d "$F/ref.db" "${COOC_OPTS[@]}" "$F/b.txt"
	firth-cooc -q -d "$F/ref.db" --export > "$F/cooc.ref"
	# glove: a shuffled stream of the frequent words, and its vectors.
	firth-cooc -q -d "$F/ref.db" --export --min-count "${GLOVE_MINCOUNT:-5}" |
	    firth-shuffle -q --seed 1 > "$F/glove.fs"
	firth-glove -q "${GLOVE_OPTS[@]}" < "$F/glove.fs" > "$F/glove.ref"
}

# report LINE: where the kills landed, to the bats log and the hard log.
report() {
	echo "# $*" >&3
	if [ -n "${FIRTH_HARD_LOG:-}" ]; then
		echo "$*" >> "$FIRTH_HARD_LOG"
	fi
}

# delay_for I N T MODE: the Ith of N kill delays over a run of T ms:
# evenly spread (fixed), or random in [0, 1.1 T) (random).
delay_for() {
	local i=$1 n=$2 t=$3
	if [ "$4" = fixed ]; then
		local ms=$(( t * i / n ))
		printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
	else
		rand_ms $(( t * 11 / 10 + 1 ))
	fi
}

# tmp_left DIR: temporary files a killed run left in DIR.
tmp_left() {
	find "$1" -type f | wc -l
}

# kill_vocab_points N fixed|random
kill_vocab_points() {
	local F=$BATS_FILE_TMPDIR n=$1 mode=$2 t i delay phase wal
	local counting=0 writing=0 walwrite=0 committed=0 finished=0 left=0
	RANDOM=11
	cp "$F/base_v.db" t.db
	t=$(elapsed_ms firth-vocab -q -d t.db "$F/b.txt")
	for ((i = 0; i < n; i++)); do
		rm -rf k.db k.db-wal k.db-shm tmp
		mkdir tmp
		cp "$F/base_v.db" k.db
		delay=$(delay_for "$i" "$n" "$t" "$mode")
		TMPDIR=$PWD/tmp kill_after "$delay" /dev/null firth-vocab -v \
		    -d k.db "$F/b.txt"
		# Where it landed: -v says when counting is done.  The WAL is
		# looked at first: the last connection to close (sqlite3
		# below) checkpoints and removes it.
		wal=0
		[ -s k.db-wal ] && wal=1
		if [ "$killed_status" -eq 0 ]; then
			phase=finished
		elif [ "$(batches k.db vocab)" = 2 ]; then
			phase=committed
		elif [ "$wal" -eq 1 ]; then
			phase=walwrite
			writing=$((writing + 1))
		elif grep -q 'adding the batch' kill.err; then
			phase=writing
		else
			phase=counting
		fi
		[ "$killed_status" -eq 0 ] || [ "$killed_status" -eq 137 ] ||
		    { echo "killed at $delay s: status $killed_status"; cat kill.err; return 1; }
		eval "$phase=\$(($phase + 1))"
		left=$((left + $(tmp_left tmp)))
		db_check k.db || { echo "after a kill at $delay s ($phase)"; return 1; }
		# The cron job runs again: exact counts, the batch once.
		firth-vocab -q -d k.db "$F/b.txt" ||
		    { echo "rerun after a kill at $delay s ($phase) failed"; return 1; }
		db_check k.db
		[ "$(batches k.db vocab)" = 2 ]
		firth-vocab -d k.db --list > got
		cmp got "$F/vocab.ref" ||
		    { echo "counts differ after a kill at $delay s ($phase)"; return 1; }
	done
	report "firth-vocab: $n kills over ${t} ms ($mode): counting $counting," \
	    "in the batch's transaction $writing (with pages already in" \
	    "the WAL $walwrite), committed $committed, finished $finished;" \
	    "temp files left $left; counts lost 0"
}

# kill_cooc_points N fixed|random
kill_cooc_points() {
	local F=$BATS_FILE_TMPDIR n=$1 mode=$2 t i delay phase
	local loading=0 counting=0 storing=0 committed=0 finished=0 left=0
	RANDOM=12
	cp "$F/base_c.db" t.db
	t=$(elapsed_ms firth-cooc -q -d t.db "${COOC_OPTS[@]}" "$F/b.txt")
	for ((i = 0; i < n; i++)); do
		rm -rf k.db k.db-wal k.db-shm tmp
		mkdir tmp
		cp "$F/base_c.db" k.db
		delay=$(delay_for "$i" "$n" "$t" "$mode")
		TMPDIR=$PWD/tmp kill_after "$delay" /dev/null firth-cooc -v -d k.db \
		    "${COOC_OPTS[@]}" "$F/b.txt"
		if [ "$killed_status" -eq 0 ]; then
			phase=finished
		elif [ "$(batches k.db cooc)" = 2 ]; then
			phase=committed
		elif grep -q 'counted in' kill.err; then
			phase=storing
		elif grep -q 'dense table' kill.err; then
			phase=counting
		else
			phase=loading
		fi
		[ "$killed_status" -eq 0 ] || [ "$killed_status" -eq 137 ] ||
		    { echo "killed at $delay s: status $killed_status"; cat kill.err; return 1; }
		eval "$phase=\$(($phase + 1))"
		left=$((left + $(tmp_left tmp)))
		db_check k.db || { echo "after a kill at $delay s ($phase)"; return 1; }
		firth-cooc -q -d k.db "${COOC_OPTS[@]}" "$F/b.txt" ||
		    { echo "rerun after a kill at $delay s ($phase) failed"; return 1; }
		db_check k.db
		[ "$(batches k.db cooc)" = 2 ]
		firth-cooc -q -d k.db --export > got
		cmp got "$F/cooc.ref" ||
		    { echo "export differs after a kill at $delay s ($phase)"; return 1; }
	done
	report "firth-cooc: $n kills over ${t} ms ($mode): loading $loading," \
	    "counting $counting, storing the batch $storing, committed" \
	    "$committed, finished $finished; temp files left $left; counts" \
	    "lost 0"
}

# kill_glove_points N fixed|random
kill_glove_points() {
	local F=$BATS_FILE_TMPDIR n=$1 mode=$2 t i delay phase iters
	local reading=0 training=0 output=0 finished=0 inckpt=0 left=0
	RANDOM=13
	t=$(elapsed_ms firth-glove -q "${GLOVE_OPTS[@]}" --checkpoint t.ck \
	    < "$F/glove.fs")
	for ((i = 0; i < n; i++)); do
		rm -rf ck .ck.firth-tmp.* tmp
		mkdir tmp
		delay=$(delay_for "$i" "$n" "$t" "$mode")
		TMPDIR=$PWD/tmp kill_after "$delay" "$F/glove.fs" \
		    firth-glove "${GLOVE_OPTS[@]}" --checkpoint ck
		iters=$(grep -c '^firth-glove: iter ' kill.err || true)
		if [ "$killed_status" -eq 0 ]; then
			phase=finished
		elif [ "$iters" -eq 0 ] && [ ! -e ck ]; then
			phase=reading
		elif [ "$iters" -lt "$GLOVE_ITER" ]; then
			phase=training
		else
			phase=output
		fi
		[ "$killed_status" -eq 0 ] || [ "$killed_status" -eq 137 ] ||
		    { echo "killed at $delay s: status $killed_status"; cat kill.err; return 1; }
		eval "$phase=\$(($phase + 1))"
		# Killed while writing a checkpoint: the old one is whole.
		if compgen -G '.ck.firth-tmp.*' > /dev/null; then
			inckpt=$((inckpt + 1))
			left=$((left + 1))
		fi
		left=$((left + $(tmp_left tmp)))
		if [ -e ck ]; then
			firth-glove -q "${GLOVE_OPTS[@]}" --checkpoint ck \
			    --resume ck < "$F/glove.fs" > got ||
			    { echo "resume after a kill at $delay s ($phase) failed"; return 1; }
		else
			firth-glove -q "${GLOVE_OPTS[@]}" --checkpoint ck \
			    < "$F/glove.fs" > got
		fi
		cmp got "$F/glove.ref" ||
		    { echo "vectors differ after a kill at $delay s ($phase)"; return 1; }
	done
	report "firth-glove: $n kills over ${t} ms ($mode): reading $reading," \
	    "training $training (of them $inckpt while writing a" \
	    "checkpoint), writing the vectors $output, finished $finished;" \
	    "temp files left $left; resumed to the same bytes $n of $n"
}
