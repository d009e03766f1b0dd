#!/usr/bin/env bats
# make check-hard: damaged streams, more of them than make check tries.
# The small streams of tests/harden-streams.bats at every byte offset for
# every reader, each byte xor 01, 80 and ff; and streams of many frames
# (a cooc stream of 13 frames, a vector stream of 3) cut at every frame
# boundary and 2 bytes either side, and at 40 random offsets, and
# corrupted at those places.  Every damaged copy: exit 1
# with the tool's message, no crash, no hang.

bats_require_minimum_version 1.5.0
load ../harden-lib
load ../harden-streams-lib

setup_file() {
	is_hard || skip "long: make check-hard"
	local F=$BATS_FILE_TMPDIR
	cd "$F"
	printf 'a b c a\nb a c\n' > t.txt
	firth-vocab -q -d c.db t.txt
	firth-cooc -q -d c.db -w 2 t.txt
	firth-cooc -q -d c.db --export -l 1 > cooc1.fs
	firth-cooc -q -d c.db --export -l 0 > cooc0.fs
	head -n 3 "$FIRTH_TOP/tests/data/wclass/vec.txt" |
	    firth-cat -f firth -l 1 > vec1.fs
	# Many frames: frames hold about 1 MiB raw, 87381 cooc records.
	gen_corpus big.txt 1000 30000 3
	firth-vocab -q -d big.db big.txt
	firth-cooc -q -d big.db -w 5 big.txt
	firth-cooc -q -d big.db --export -l 1 > bigcooc.fs
	awk 'BEGIN { srand(3); for (i = 0; i < 30000; i++) { printf "w%d", i;
	    for (d = 0; d < 10; d++) printf " %.6f", rand() - 0.5; print "" } }' |
	    firth-cat -f firth -l 1 > bigvec.fs
}

setup() {
	is_hard || skip "long: make check-hard"
	cd "$BATS_TEST_TMPDIR"
	F=$BATS_FILE_TMPDIR
	D="$FIRTH_TOP/tests/data/wclass"
}

# places FILE N SEED: the offsets to damage in FILE, one per line: each
# frame head's first byte and 2 bytes either side, the trailer's, and N
# random offsets.
places() {
	python3 - "$@" <<'EOF'
import random, struct, sys
data = open(sys.argv[1], 'rb').read()
random.seed(int(sys.argv[3]))
L = struct.unpack_from('<H', data, 44)[0]
pos, marks = 46 + L + 4, {0, 8, 45, 46 + L}
while pos + 16 <= len(data):
    marks.add(pos)
    kind, zlen = data[pos], struct.unpack_from('<I', data, pos + 8)[0]
    pos += 16 + zlen
    if kind == ord('E'):
        break
out = set()
for m in marks:
    out.update(k for k in range(m - 2, m + 3) if 0 <= k < len(data))
out.update(random.randrange(len(data)) for _ in range(int(sys.argv[2])))
print('\n'.join(str(k) for k in sorted(out)))
print('# %d frames' % (len(marks) - 4), file=sys.stderr)
EOF
}

# damage_big CMD... -- FILE: FILE cut at, and corrupted (xor ff) at, each
# of its places; CMD must refuse every copy, or (a corruption of deflate
# padding bits only, see damage_all) give the undamaged output.
damage_big() {
	local cmd=() k st bad=0 n=0 tool b harmless=0
	while [ "$1" != -- ]; do cmd+=("$1"); shift; done
	shift
	tool=${cmd[0]}
	good_run "${cmd[@]}" -- "$1"
	places "$1" 40 7 > places 2> frames
	cp "$1" copy
	while read -r k; do
		n=$((n + 2))
		st=0
		head -c "$k" "$1" | timeout 60 "${cmd[@]}" > out 2> err || st=$?
		if [ "$st" -ne 1 ] || ! grep -q "^$tool: ." err; then
			bad=$((bad + 1))
			echo "cut at $k: status $st: $(head -c 200 err)"
		fi
		b=$(od -An -tu1 -j "$k" -N 1 "$1" | tr -d ' ')
		printf "\\x$(printf %02x $((b ^ 255)))" |
		    dd of=copy bs=1 seek="$k" conv=notrunc status=none
		st=0
		timeout 60 "${cmd[@]}" < copy > out 2> err || st=$?
		printf "\\x$(printf %02x "$b")" |
		    dd of=copy bs=1 seek="$k" conv=notrunc status=none
		if [ "$st" -eq 0 ] && cmp -s out good.out; then
			harmless=$((harmless + 1))
		elif [ "$st" -ne 1 ] || ! grep -q "^$tool: ." err; then
			bad=$((bad + 1))
			echo "byte $k corrupted: status $st: $(head -c 200 err)"
		fi
	done < places
	cmp copy "$1"
	echo "$tool: $n damaged copies of $(basename "$1") ($(wc -c < "$1") bytes, $(cat frames | tr -d '#'), cut and xor ff at frame edges and 40 random places), $bad not refused, $harmless harmless" >> "${FIRTH_HARD_LOG:-/dev/null}"
	[ "$bad" -eq 0 ]
}

@test "every cooc stream reader refuses the small stream cut or corrupted anywhere, three ways" {
	for c in firth-cat "firth-shuffle --seed 1" "firth-glove -q --iter 1 --vector-size 2 -T 1" \
	    "firth-svd -q -k 1"; do
		for s in cooc1.fs cooc0.fs; do
			# shellcheck disable=SC2086
			damage_all $c -- "$F/$s" 01,80,ff
		done
	done
}

@test "every vector stream reader refuses the small stream cut or corrupted anywhere, three ways" {
	damage_all firth-cat -- "$F/vec1.fs" 01,80,ff
	damage_all firth-eval -q neighbours anna -- "$F/vec1.fs" 01,80,ff
	damage_all firth-wclass train -q -v - --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o m.model -H 0 -e 1 -- "$F/vec1.fs" 01,80,ff
}

@test "every cooc stream reader refuses a stream of many frames cut or corrupted at its frame edges and at random" {
	for c in firth-cat "firth-shuffle --seed 1" "firth-glove -q --iter 1 --vector-size 2 -T 1" \
	    "firth-svd -q -k 2"; do
		# shellcheck disable=SC2086
		damage_big $c -- "$F/bigcooc.fs"
	done
}

@test "every vector stream reader refuses a stream of many frames cut or corrupted at its frame edges and at random" {
	damage_big firth-cat -- "$F/bigvec.fs"
	damage_big firth-eval -q neighbours w1 -- "$F/bigvec.fs"
	damage_big firth-wclass train -q -v - --train "$D/train.conll" \
	    --dev "$D/dev.conll" -o m.model -H 0 -e 1 -- "$F/bigvec.fs"
}
