# bats-vectors.awk - the vectors for the BATS fixture in bats/, as GloVe
# text: awk -f bats-vectors.awk > bats-vectors.txt
#
# Each source word is a one-hot axis; its target is the source plus its
# relation's axis, so every method answers every question it can see.
# "quick" is also pushed along an axis of its own, so that for "fast"
# the listed second answer "rapid" is the nearer one: it is right only
# because any listed answer counts.  "mice", "atlantis" and "little"
# have no vectors (coverage).
BEGIN {
	n = split("cat dog tree house mouse hope care home france italy " \
	    "spain big small fast", src, " ")
	split("cats dogs trees houses - hopeless careless homeless paris " \
	    "rome madrid large tiny rapid", tgt, " ")
	split("1 1 1 1 1 2 2 2 3 3 3 4 4 4", rel, " ")
	d = n + 5
	for (i = 1; i <= n; i++) {
		row(src[i], i, 0, 0)
		if (tgt[i] != "-")
			row(tgt[i], i, n + rel[i], 0)
	}
	row("quick", n, n + 4, d)
	row("filler", 0, 0, 0)
}

function row(w, a, b, c,   k, s) {
	s = w
	for (k = 1; k <= d; k++)
		s = s " " (k == a || k == b ? 1 : k == c ? 0.6 : \
		    w == "filler" ? 0.1 : 0)
	print s
}
