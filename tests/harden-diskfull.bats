#!/usr/bin/env bats
# Hardening: a full disk.  With RLIMIT_FSIZE (ulimit -f, which the tools
# turn into EFBIG by ignoring SIGXFSZ) and, as root, on a small tmpfs
# (ENOSPC): every tool fails with exit 1 and a message naming the cause,
# leaves no output file that looks complete (-o files are removed, a cut
# stream has no trailer), and leaves its database as it was.

bats_require_minimum_version 1.5.0
load harden-lib

setup_file() {
	local F=$BATS_FILE_TMPDIR D="$FIRTH_TOP/tests/data/wclass"
	cd "$F"
	gen_corpus a.txt 300 3000 1
	gen_corpus b.txt 300 6000 2
	gen_corpus c.txt 300 200000 3	# many new words: a big batch
	firth-vocab -q -d base.db a.txt
	firth-vocab -q -d base.db b.txt
	firth-cooc -q -d base.db -w 5 a.txt
	firth-cooc -q -d base.db --export > c.fs
	firth-glove -q -T 1 --iter 2 --vector-size 8 < c.fs > v.fs
	firth-wclass train -q -v "$D/vec.txt" --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o w.model -H 0 -e 1
	# The references: the database before and after batch b's cooc.
	firth-vocab -d base.db --list > vocab.before
	cp base.db ref.db
	firth-cooc -q -d ref.db -w 5 b.txt
	firth-cooc -q -d ref.db --export > cooc.after
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	F=$BATS_FILE_TMPDIR
}

teardown() {
	if mountpoint -q "$BATS_TEST_TMPDIR/full" 2>/dev/null; then
		umount "$BATS_TEST_TMPDIR/full"
	fi
}

# limited KB CMD...: run CMD with ulimit -f KB (1 KiB blocks); status in
# $status, stderr in err.
limited() {
	local kb=$1
	shift
	status=0
	( ulimit -f "$kb"; exec "$@" ) 2> err || status=$?
}

# fails_on_full TOOL: status 1 and TOOL's message saying why.
fails_on_full() {
	[ "$status" -eq 1 ] || { echo "status $status: $(cat err)"; return 1; }
	grep -q "^$1: .*\(File too large\|No space left on device\|disk full\)" err ||
	    { echo "no clear message: $(cat err)"; return 1; }
}

@test "every tool writing past ulimit -f exits 1 with 'File too large', and a cut stream is refused" {
	D="$FIRTH_TOP/tests/data/wclass"
	# KB of the limit, then the command: 40 KiB where SQLite needs its
	# 32 KiB of shared memory, 4 KiB elsewhere; every output is larger.
	cmds=(
	    "4 firth-tokenize $F/a.txt"
	    "4 firth-vocab $F/a.txt"
	    "40 firth-vocab -d $F/base.db --list"
	    "40 firth-cooc -q -d $F/base.db --export"
	    "4 firth-shuffle -q $F/c.fs"
	    "4 firth-glove -q -T 1 --iter 1 --vector-size 8"
	    "4 firth-svd -q -k 2"
	    "4 firth-sgns -q --size 8 --iter 1 --min-count 1 --threads 1 $F/a.txt"
	    "4 firth-eval -q -v $F/v.fs convert -f glove"
	    "4 firth-wclass predict -m $F/w.model $D/train.conll"
	    "4 firth-cat $F/c.fs"
	    "4 firth cat $F/v.fs"
	)
	for c in "${cmds[@]}"; do
		# shellcheck disable=SC2086 # words on purpose
		limited $c < "$F/c.fs" > out
		c=${c#* }
		tool=${c%% *}
		[ "$tool" = firth ] && tool=firth-cat
		fails_on_full "$tool" || { echo "$c"; return 1; }
		# firth-sgns may fill the limit with its spool of the corpus.
		grep -q "write error on \(stdout\|.*firth-sgns\..*\): File too large" err ||
		    { echo "$c: $(cat err)"; return 1; }
	done
	# A stream cut by the full disk has no trailer: readers refuse it.
	limited 40 firth-cooc -q -d "$F/base.db" --export > cut.fs
	run --separate-stderr firth-cat cut.fs
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-cat: cut.fs: stream truncated after "*" records: did the upstream command fail?" ]]
}

@test "firth-glove, firth-svd and firth-sgns remove their -o file when the disk fills" {
	for fmt in glove firth; do
		limited 4 firth-glove -q -T 1 --iter 1 --vector-size 8 -f $fmt \
		    -o g.out < "$F/c.fs"
		fails_on_full firth-glove
		[ "$(cat err)" = "firth-glove: write error on g.out: File too large" ]
		[ ! -e g.out ]
		limited 4 firth-svd -q -k 2 -f $fmt -o s.out < "$F/c.fs"
		fails_on_full firth-svd
		[ ! -e s.out ]
		# Room for the spool of the corpus, not for the vectors.
		limited 300 firth-sgns -q --size 100 --iter 1 --min-count 1 \
		    --threads 1 --format $fmt -o w.out "$F/a.txt"
		fails_on_full firth-sgns
		[ "$(cat err)" = "firth-sgns: write error on w.out: File too large" ]
		[ ! -e w.out ]
	done
	# -o of something that is not a regular file is never removed.
	limited 4 firth-glove -q -T 1 --iter 1 --vector-size 8 -f glove \
	    -o /dev/null < "$F/c.fs"
	[ "$status" -eq 0 ]
	[ -c /dev/null ]
}

@test "firth-wclass and firth-glove keep the old model and checkpoint when a new one does not fit" {
	D="$FIRTH_TOP/tests/data/wclass"
	cp "$F/w.model" m.model
	limited 1 firth-wclass train -q -v "$D/vec.txt" --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o m.model -H 20 -e 1
	fails_on_full firth-wclass
	cmp m.model "$F/w.model"
	[ -z "$(ls -A | grep 'm.model.firth-tmp')" ]
	firth-glove -q -T 1 --iter 1 --vector-size 8 --checkpoint ck < "$F/c.fs" > /dev/null
	cp ck ck.before
	limited 4 firth-glove -q -T 1 --iter 2 --vector-size 8 --resume ck \
	    --checkpoint ck < "$F/c.fs"
	fails_on_full firth-glove
	cmp ck ck.before
	[ -z "$(ls -A | grep 'ck.firth-tmp')" ]
}

@test "firth-vocab and firth-cooc past ulimit -f leave the database as it was" {
	cp "$F/base.db" k.db
	for kb in 16 64; do
		limited $kb firth-cooc -d k.db -w 5 "$F/b.txt"
		fails_on_full firth-cooc
		db_check k.db
		[ "$(batches k.db cooc)" = 1 ]
		limited $kb firth-vocab -d k.db "$F/c.txt"
		fails_on_full firth-vocab
		db_check k.db
		cmp <(firth-vocab -d k.db --list) "$F/vocab.before"
	done
	# Spills to $TMPDIR past the limit: the same.
	mkdir tmp
	limited 64 env TMPDIR="$PWD/tmp" firth-cooc -d k.db -w 5 -M 1M "$F/b.txt"
	fails_on_full firth-cooc
	grep -q "write error on $PWD/tmp/firth-cooc.*: File too large (is \$TMPDIR full?)" err
	[ -z "$(ls tmp)" ]
	db_check k.db
	# With room again, the batch goes in whole, once.
	firth-cooc -q -d k.db -w 5 "$F/b.txt"
	cmp <(firth-cooc -q -d k.db --export) "$F/cooc.after"
}

@test "on a full file system the tools say 'No space left on device' and lose nothing" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
	mkdir full
	mount -t tmpfs -o size=4m tmpfs full || skip "cannot mount a tmpfs here"
	cp "$F/base.db" full/k.db
	# Leave 48 KiB: more than SQLite's shared memory (32 KiB), less than
	# a batch.
	avail=$(df -k --output=avail full | tail -n 1)
	head -c $(( (avail - 48) * 1024 )) /dev/zero > full/fill
	run --separate-stderr firth-cooc -d full/k.db -w 5 "$F/b.txt"
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-cooc: full/k.db: COMMIT: disk full; the database is unchanged (nothing of this run was kept): free space and run again" ]
	db_check full/k.db
	run --separate-stderr firth-vocab -d full/k.db "$F/c.txt"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "firth-vocab: full/k.db: "*": disk full; the database is unchanged (nothing of this run was kept): free space and run again" ]]
	db_check full/k.db
	cmp <(firth-vocab -d full/k.db --list) "$F/vocab.before"
	# Temporary files on the full file system.
	export TMPDIR=$PWD/full
	limited 100000 firth-cooc -d "$F/ref.db" -w 5 -M 1M --force "$F/b.txt"
	fails_on_full firth-cooc
	limited 100000 firth-shuffle -q -M 64k "$F/c.fs"
	fails_on_full firth-shuffle
	limited 100000 firth-glove -q -T 1 --iter 1 --vector-size 8 -M 1k < "$F/c.fs"
	fails_on_full firth-glove
	limited 100000 firth-svd -q -k 2 -M 66M < "$F/c.fs"
	fails_on_full firth-svd
	[ "$(ls full)" = "$(printf 'fill\nk.db\nk.db-shm\nk.db-wal')" ] ||
	    [ "$(ls full)" = "$(printf 'fill\nk.db')" ]
	# Room again: the batch goes in whole, once.
	rm full/fill
	firth-cooc -q -d full/k.db -w 5 "$F/b.txt"
	db_check full/k.db
	cmp <(firth-cooc -q -d full/k.db --export) "$F/cooc.after"
}
