# structured.awk - random word vectors in which analogy questions have
# answers: reads a question file and a vocabulary (one word per line,
# in the order wanted), prints GloVe text.  Each section gets a random
# offset r; for each pair (a, b) of a question, an unseen b becomes
# a + r + noise (or a becomes b - r + noise), so b - a + c lands near d
# often but not always.  Integer-valued (-3..3 steps of 0.5) so that
# exact ties happen.  Deterministic: srand(seed).
#
#   awk -v dim=50 -v seed=1 -v noise=1.5 -f structured.awk QUESTIONS VOCAB
BEGIN { srand(seed) }
function rnd(s) { return int(rand() * 13 - 6) * 0.5 * s }
function fill(w,   k) { if (!(w in have)) { for (k = 0; k < dim; k++) v[w, k] = rnd(1); have[w] = 1 } }
function link(a, b,   k) {
	if ((a in have) && (b in have)) return
	if (!(a in have) && !(b in have)) fill(a)
	if (a in have) { for (k = 0; k < dim; k++) v[b, k] = v[a, k] + r[k] + rnd(noise); have[b] = 1 }
	else { for (k = 0; k < dim; k++) v[a, k] = v[b, k] - r[k] + rnd(noise); have[a] = 1 }
}
FNR == NR && /^:/ { for (k = 0; k < dim; k++) r[k] = rnd(1); next }
FNR == NR && NF == 4 { link($1, $2); link($3, $4); next }
FNR != NR { fill($1); printf "%s", $1; for (k = 0; k < dim; k++) printf " %g", v[$1, k]; printf "\n" }
