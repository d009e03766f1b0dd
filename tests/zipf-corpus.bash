# zipf-corpus.bash - loaded by tests/merge.bats and tests/scaleout.bats.
#
# gen N V SEED: a corpus of N documents over about V words drawn with a
# Zipf-like law (Park-Miller generator, exact in awk's doubles), with a
# blank line now and then (not a document).
gen() {
	awk -v n="$1" -v V="$2" -v x="$3" 'BEGIN {
	    for (d = 0; d < n; d++) {
		if (d % 37 == 5) print "";
		x = (x * 16807) % 2147483647; len = 3 + int(x / 2147483647 * 40);
		line = "";
		for (i = 0; i < len; i++) {
			x = (x * 16807) % 2147483647;
			w = int(exp(x / 2147483647 * log(V)));
			line = line (i ? " " : "") "w" w;
		}
		print line;
	    } }'
}
