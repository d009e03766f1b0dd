#!/usr/bin/env bash
# tests/bench/glove.sh - firth-glove speed, memory and analogy accuracy on
# the wiki-dev text8-style tokens, in the setting of the issue's GloVe
# reference (min-count 5, window 15, x_max 10, 50 dimensions, 15
# iterations, 2 threads: GloVe's C code ~22 s per iteration, 21.1% on the
# Google analogies with evaluate.py's conventions).
#
# Run from the repository root with bin/ on PATH.  Needs firth-cooc and
# firth-shuffle for the full corpus; without firth-cooc it counts the
# first $GLOVE_TOKENS bytes of tokens with build/tests/cooc_ref instead
# (brute force, in memory) and says so.  firth-eval, when on PATH, scores
# the analogies.  Scratch goes to $TMPDIR.
#
# Because the machine may be shared, speed is also given as a ratio taken
# in the same run: records/s of the fast kernel against the plain
# double-precision reference loop (--kernel reference), one thread each.
set -eu
top=$(pwd)
export PATH="$top/bin:$top/build/tests:$PATH"
shared=${FIRTH_SHARED:-$top/../shared/data}
TEXT8=${TEXT8:-/tmp/text8.txt}
ITER=${GLOVE_ITER:-15}
THREADS=${GLOVE_THREADS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-glove.XXXXXX")
trap 'rm -rf "$work"' EXIT

say() { printf 'bench glove: %s\n' "$*"; }

if [ ! -s "$TEXT8" ]; then
	[ -f "$shared/corpus/wiki-dev.txt.gz" ] ||
	    { say "skipped: no $TEXT8 and no $shared/corpus"; exit 0; }
	TEXT8=$work/text8.txt
	zcat "$shared/corpus/wiki-dev.txt.gz" | perl -ne '
	    if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$TEXT8"
fi

# 1. The co-occurrence stream, shuffled.
if command -v firth-cooc >/dev/null; then
	input=$TEXT8
	firth-vocab -q -d "$work/db" < "$input"
	/usr/bin/time -f '%e %M' -o "$work/t.cooc" \
	    firth-cooc -q -d "$work/db" --window 15 < "$input"
	firth-cooc -q -d "$work/db" --export --min-count 5 > "$work/cooc.fs"
	say "input = full corpus, counted by firth-cooc"
else
	bytes=${GLOVE_TOKENS:-24000000}
	input=$work/tokens
	head -c "$bytes" "$TEXT8" | awk 'NF' > "$input"
	cooc_ref -w 15 -m 5 < "$input" > "$work/cooc.fs"
	say "input = first $bytes bytes of tokens ($(wc -w < "$input") tokens), counted by cooc_ref: firth-cooc not on PATH"
fi
if command -v firth-shuffle >/dev/null; then
	firth-shuffle -q --seed 1 < "$work/cooc.fs" > "$work/shuf.fs"
else
	cp "$work/cooc.fs" "$work/shuf.fs"
	say "WARNING: firth-shuffle not on PATH, records sorted (speed optimistic, accuracy pessimistic)"
fi
rm -f "$work/cooc.fs"
header=$(firth-cat -H "$work/shuf.fs")
say "stream: $(tr '\n' ' ' <<< "$header" | cut -c1-200)"

# Mean seconds per iteration, records/s and CPU seconds per iteration
# from the progress lines of -v ("iter 3/15: cost C, R records/s, S s,
# ETA T" and "iter 3: S s of CPU, R records per CPU second").
per_iter() {	# per_iter LOG
	awk '/ iter [0-9]+\/[0-9]+: / { n++; s += $(NF-3); r += $(NF-5) }
	    / s of CPU, / { m++; c += $4 }
	    END { if (n) printf "%.2f s/iter (wall), %.2fM records/s, %.2f CPU s/iter", s / n, r / n, c / m }' "$1"
}

# 2. Kernels side by side, one thread, one iteration each, alternated.
#    Records per CPU second, so that other load on the machine counts less.
for k in fast reference fast reference; do
	firth-glove -v -T 1 --iter 1 --x-max 10 --kernel "$k" -o /dev/null \
	    < "$work/shuf.fs" 2>> "$work/k.$k"
done
rate() { awk '/ s of CPU, / { s += $(NF-4); n++ } END { printf "%.2f", s / n }' "$1"; }
fast=$(rate "$work/k.fast")
ref=$(rate "$work/k.reference")
say "1 thread: fast kernel = ${fast}M records/CPU s, reference loop = ${ref}M records/CPU s, ratio = $(awk -v a="$fast" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')"

# 2b. GloVe's own trainer in the same run, when GLOVE_GLOVE names a build
#     of its glove program (not part of firth; the issue quotes ~22 s per
#     iteration).  Both read the same shuffled records from disk, GloVe's
#     as its 16-byte binary records; GLOVE_REF_ITER iterations each
#     (default 2), alternated, so that load on a shared machine falls on
#     both alike.
if [ -n "${GLOVE_GLOVE:-}" ] && [ -x "$GLOVE_GLOVE" ]; then
	rit=${GLOVE_REF_ITER:-2}
	cooc_to_glove -V "$work/vocab.txt" < "$work/shuf.fs" > "$work/shuf.bin"
	for who in glove firth glove firth; do
		if [ "$who" = glove ]; then
			/usr/bin/time -f '%e %U %S %M' -a -o "$work/r.glove" \
			    "$GLOVE_GLOVE" -input-file "$work/shuf.bin" \
			    -vocab-file "$work/vocab.txt" -save-file "$work/gv" \
			    -iter "$rit" -threads "$THREADS" -x-max 10 \
			    -vector-size 50 -binary 1 -verbose 0 2>/dev/null
		else
			/usr/bin/time -f '%e %U %S %M' -a -o "$work/r.firth" \
			    firth-glove -q -T "$THREADS" --iter "$rit" \
			    --x-max 10 --vector-size 50 -M 1k -o /dev/null \
			    < "$work/shuf.fs"
		fi
	done
	rm -f "$work/shuf.bin" "$work/gv.bin"
	avg() { awk -v n="$rit" '{ w += $1; c += $2 + $3; m = $4 > m ? $4 : m }
	    END { printf "%.2f %.2f %d", w / NR / n, c / NR / n, m / 1024 }' "$1"; }
	read -r gw gc gm <<< "$(avg "$work/r.glove")"
	read -r fw fc fm <<< "$(avg "$work/r.firth")"
	say "same run, $rit iterations x 2 runs each, $THREADS threads: GloVe glove $gw s/iter wall ($gc CPU s/iter, peak $gm MB), firth-glove spooled $fw s/iter wall ($fc CPU s/iter, peak $fm MB)"
	say "firth-glove / GloVe: wall $(awk -v a="$fw" -v b="$gw" 'BEGIN { printf "%.2f", a / b }'), CPU $(awk -v a="$fc" -v b="$gc" 'BEGIN { printf "%.2f", a / b }') (start-up and reading included in both)"
else
	say "GloVe reference skipped (set GLOVE_GLOVE to its glove program)"
fi

# 3. The full training, records spooled (GloVe too re-reads them from
#    disk each iteration) and, for comparison, held in memory.
for mode in spool memory; do
	mem=$([ "$mode" = spool ] && echo 1k || echo 50%)
	/usr/bin/time -f '%e %M' -o "$work/t.$mode" \
	    firth-glove -v -T "$THREADS" --iter "$ITER" --x-max 10 \
	    --vector-size 50 -M "$mem" -o "$work/v.$mode.fs" \
	    < "$work/shuf.fs" 2> "$work/log.$mode"
	read -r secs kb < "$work/t.$mode"
	say "$mode, $THREADS threads: $(per_iter "$work/log.$mode"), total $secs s, peak memory = $((kb / 1024)) MB"
	say "$mode: final cost = $(awk '/ iter [0-9]+\/[0-9]+: /{ c = $5 } END { sub(",", "", c); print c }' "$work/log.$mode")"
done

# 4. Analogies, GloVe evaluate.py's conventions.
q=$shared/analogy/questions-words.txt
if command -v firth-eval >/dev/null && [ -f "$q" ]; then
	firth-eval -p glove -i analogy "$q" -v "$work/v.spool.fs" > "$work/eval" 2>&1 || true
	say "analogy (firth-eval -p glove -i: questions lowercased like GloVe's copies; spooled run):"
	sed 's/^/bench glove:   /' "$work/eval" | tail -6
else
	say "analogy: skipped (firth-eval not on PATH or no $q)"
fi
