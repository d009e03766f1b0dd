#!/usr/bin/env bats
# Hardening: every tool that reads firth streams, fed a small stream cut
# short at every byte offset and with each byte corrupted in turn.  Each
# must exit 1 with a message naming itself: never succeed on a damaged
# stream, never crash (status >= 128) and never hang (timeout).
# The streams are small (about 200 bytes).  firth-cat tries every byte
# offset; the other tools share its reader (lib/stream.c) and try every
# 9th here, every byte in tests/hard/streams.bats (which also tries the
# stored-frame copy, and streams of many frames).

bats_require_minimum_version 1.5.0
load harden-lib
load harden-streams-lib

setup_file() {
	local F=$BATS_FILE_TMPDIR
	cd "$F"
	printf 'a b c a\nb a c\n' > t.txt
	firth-vocab -q -d c.db t.txt
	firth-cooc -q -d c.db -w 2 t.txt
	firth-cooc -q -d c.db --export -l 1 > cooc1.fs
	firth-cooc -q -d c.db --export -l 0 > cooc0.fs
	head -n 3 "$FIRTH_TOP/tests/data/wclass/vec.txt" |
	    firth-cat -f firth -l 1 > vec1.fs
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "firth-cat rejects a cooc stream cut or corrupted at every byte" {
	damage_all firth-cat -- "$BATS_FILE_TMPDIR/cooc1.fs"
}

@test "firth-cat rejects a vector stream cut or corrupted at every byte" {
	damage_all firth-cat -- "$BATS_FILE_TMPDIR/vec1.fs"
}

@test "firth-shuffle rejects a cooc stream cut or corrupted at every byte" {
	damage_all firth-shuffle --seed 1 -- "$BATS_FILE_TMPDIR/cooc1.fs" ff 9
}

@test "firth-glove rejects a cooc stream cut or corrupted at every byte" {
	damage_all firth-glove -q --iter 1 --vector-size 2 -T 1 -- \
	    "$BATS_FILE_TMPDIR/cooc1.fs" ff 9
}

@test "firth-svd rejects a cooc stream cut or corrupted at every byte" {
	damage_all firth-svd -q -k 1 -- "$BATS_FILE_TMPDIR/cooc1.fs" ff 9
}

@test "firth-eval rejects a vector stream cut or corrupted at every byte" {
	damage_all firth-eval -q neighbours anna -- "$BATS_FILE_TMPDIR/vec1.fs" ff 9
}

@test "firth-wclass rejects a vector stream cut or corrupted at every byte" {
	D="$FIRTH_TOP/tests/data/wclass"
	damage_all firth-wclass train -q -v - --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o m.model -H 0 -e 1 -- \
	    "$BATS_FILE_TMPDIR/vec1.fs" ff 9
	# Only the undamaged run (damage_all's first) made a model: a
	# damaged run fails before it writes one.
	rm m.model
	firth-wclass train -q -v - --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o m.model -H 0 -e 1 < var/t.99 || true
	[ ! -e m.model ]
}
