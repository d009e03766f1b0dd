#!/usr/bin/env bash
# tests/bench/eval-presets.sh - firth-eval -p gensim against gensim itself:
# KeyedVectors.evaluate_word_analogies and evaluate_word_pairs with their
# defaults (restrict_vocab=300000, case_insensitive=True, OOV skipped) on
# every 4th of Google's analogy questions (4,884 of 19,544: gensim takes
# minutes over the whole set) and every shared similarity set, section by
# section, and the time each side takes.
#
# The vectors: firth-sgns, 50 dimensions, 1 epoch on the wiki-dev
# text8-style tokens (lower-case), in three files:
#   trained  as trained;
#   padded   290,000 filler words of random vectors after the 20,000 most
#            frequent words, so that the rarer question words fall past
#            gensim's 300,000 and are not seen;
#   cased    Capitalised, UPPER and lOWER copies (vector + noise) of the
#            5,000 most frequent words after all the words, so that case
#            folding and gensim's 5-word window over case variants of a, b
#            and c matter.
# gensim scores in float32 and firth in double, so an answer can differ
# where two words score within about 1e-7; the counts of such answers and
# the largest rho and r differences are printed.
#
# Skipped (saying so) when no python3 imports gensim (FIRTH_PYTHON, then
# python3, then /usr/bin/python3: Debian's python3-gensim).  Run from the
# repository root with bin/ on PATH.  Prints "bench eval-presets: metric =
# value" lines.
set -euo pipefail
top=$(pwd)
shared=${FIRTH_SHARED:-$top/../shared/data}
TEXT8=${TEXT8:-/tmp/text8.txt}
Q=$shared/analogy/questions-words.txt
S=$shared/similarity
say() { echo "bench eval-presets: $*"; }

[ -f "$Q" ] && [ -d "$S" ] || { say "skipped, $shared not found"; exit 0; }
py=
for p in "${FIRTH_PYTHON:-}" python3 /usr/bin/python3; do
	if [ -n "$p" ] && "$p" -c 'import gensim' 2> /dev/null; then
		py=$p
		break
	fi
done
[ -n "$py" ] || { say "skipped, no python3 imports gensim (apt-get install python3-gensim)"; exit 0; }
if [ ! -f "$TEXT8" ]; then
	src=$shared/corpus/wiki-dev.txt.gz
	[ -f "$src" ] || { say "skipped, $src not found"; exit 0; }
	zcat "$src" | perl -ne 'if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$TEXT8"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-eval-presets.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
awk '/^:/ || NR % 4 == 0' "$Q" > "$tmp/questions.txt"
Q=$tmp/questions.txt

# gensim's side, as TSV lines shaped like firth-eval -t's: "section
# correct seen" per analogy section, "file pairs seen rho r" per set.
cat > "$tmp/gensim_side.py" << 'PY'
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
for s in kv.evaluate_word_analogies(sys.argv[2])[1][:-1]:
    c = len(s['correct'])
    print('%s\t%d\t%d' % (s['section'], c, c + len(s['incorrect'])))
for f in sys.argv[3:]:
    p, r, oov = kv.evaluate_word_pairs(f)
    pairs = sum(1 for line in open(f) if line.strip())
    print('%s\t%d\t%d\t%.6f\t%.6f' % (f.rsplit('/', 1)[1], pairs,
          round(pairs * (1 - oov / 100)), r[0], p[0]))
PY

timed() {	# timed OUT COMMAND...: stdout to OUT, "wall peak_kb" to OUT.time
	local out=$1
	shift
	/usr/bin/time -f "%e %M" -o "$out.time" "$@" > "$out" 2> /dev/null
}

compare() {	# compare NAME VECTORS.bin
	local name=$1 v=$2
	timed "$tmp/$name.gensim" "$py" "$tmp/gensim_side.py" "$v" "$Q" "$S"/*.txt
	timed "$tmp/$name.fa" firth-eval -p gensim -t -v "$v" analogy "$Q"
	timed "$tmp/$name.fs" firth-eval -p gensim -t -v "$v" similarity "$S"/*.txt
	{
		awk -F'\t' 'NR > 1 && $2 != "summary" { print $1 "\t" $3 "\t" $4 }' "$tmp/$name.fa"
		awk 'NR > 1' "$tmp/$name.fs"
	} > "$tmp/$name.firth"
	paste "$tmp/$name.firth" "$tmp/$name.gensim" | awk -F'\t' -v n="$name" '
	    function abs(x) { return x < 0 ? -x : x }
	    NF == 6 { if ($1 != $4) bad = bad " " $1 "/" $4
		if ($3 != $6) seen++
		fc += $2; gc += $5; fs += $3; gs += $6; dc += abs($2 - $5) }
	    NF == 10 { if ($1 != $6 || $2 != $7) bad = bad " " $1 "/" $6
		if ($3 != $8) sseen++
		if (abs($4 - $9) > drho) drho = abs($4 - $9)
		if (abs($5 - $10) > dr) dr = abs($5 - $10) }
	    NF != 6 && NF != 10 { bad = bad " unmatched" }
	    END {
		printf "bench eval-presets: %s_analogy_firth = %d/%d\n", n, fc, fs
		printf "bench eval-presets: %s_analogy_gensim = %d/%d\n", n, gc, gs
		printf "bench eval-presets: %s_sections_seen_differing = %d\n", n, seen
		printf "bench eval-presets: %s_section_correct_abs_diff_sum = %d\n", n, dc
		printf "bench eval-presets: %s_similarity_seen_differing = %d\n", n, sseen
		printf "bench eval-presets: %s_spearman_max_abs_diff = %.2g\n", n, drho
		printf "bench eval-presets: %s_pearson_max_abs_diff = %.2g\n", n, dr
		if (bad != "") printf "bench eval-presets: %s_misaligned =%s\n", n, bad }'
	read -r gw gkb < "$tmp/$name.gensim.time"
	read -r aw akb < "$tmp/$name.fa.time"
	read -r sw skb < "$tmp/$name.fs.time"
	say "${name}_gensim_wall_s = $gw"
	say "${name}_gensim_peak_kb = $gkb"
	say "${name}_firth_wall_s = $(awk -v a="$aw" -v s="$sw" 'BEGIN { print a + s }')"
	say "${name}_firth_peak_kb = $(( akb > skb ? akb : skb ))"
	say "${name}_firth_speedup = $(awk -v g="$gw" -v a="$aw" -v s="$sw" 'BEGIN { printf "%.1f", g / (a + s + 1e-9) }')"
}

say "load_avg = $(cut -d' ' -f1 /proc/loadavg)"
firth-sgns -q --size 50 --iter 1 --threads 2 --seed 1 \
    --format word2vec-binary -o "$tmp/trained.bin" "$TEXT8"
firth-eval convert -f glove -v "$tmp/trained.bin" > "$tmp/trained.txt"
words=$(wc -l < "$tmp/trained.txt")
say "trained_words = $words"
compare trained "$tmp/trained.bin"

awk 'BEGIN { srand(5) }
    NR == 20001 { for (i = 0; i < 290000; i++) { printf "zzpad%d", i
	for (k = 0; k < 50; k++) printf " %.4f", rand() - 0.5; printf "\n" } }
    { print }' "$tmp/trained.txt" > "$tmp/padded.txt"
firth-eval convert -f word2vec-binary -v "$tmp/padded.txt" > "$tmp/padded.bin"
rm -f "$tmp/padded.txt"
say "padded_words = $((words + 290000))"
compare padded "$tmp/padded.bin"

awk 'BEGIN { srand(6) }
    { print }
    NR <= 5000 { w[NR] = $0 }
    END { for (i = 1; i <= 5000; i++) for (j = 1; j <= 3; j++) {
	n = split(w[i], f, " ")
	if (j > 1 && length(f[1]) == 1)
		continue	# "A" twice: gensim would drop the second
	if (j == 1)
		printf "%s", toupper(substr(f[1], 1, 1)) substr(f[1], 2)
	else if (j == 2)
		printf "%s", toupper(f[1])
	else
		printf "%s", substr(f[1], 1, 1) toupper(substr(f[1], 2))
	for (k = 2; k <= n; k++) printf " %.6g", f[k] + (rand() - 0.5) * 0.05
	printf "\n" } }' "$tmp/trained.txt" > "$tmp/cased.txt"
firth-eval convert -f word2vec-binary -v "$tmp/cased.txt" > "$tmp/cased.bin"
say "cased_words = $(wc -l < "$tmp/cased.txt")"
compare cased "$tmp/cased.bin"
# What gensim's 5-word window over case variants changes here: firth's own
# convention (-i) looks past the variants as far as needed.
say "cased_analogy_firth_without_window = $(firth-eval -i -t -v "$tmp/cased.bin" analogy "$Q" |
    awk -F'\t' '$1 == "total" { print $3 "/" $4 }')"
