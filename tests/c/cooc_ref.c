/*
 * cooc_ref.c - brute-force reference co-occurrence counter for the tests.
 *
 *   cooc_ref [-w WINDOW] [-m MIN_COUNT] [-x flat|harmonic|linear] [-l]
 *       < token-text > cooc-stream
 *
 * Reads all token text into memory, ranks the words by count (descending,
 * ties by bytes ascending: the order firth-vocab gives one batch), and
 * counts every pair inside each document with a plain double-precision
 * accumulator per pair, no cleverness.  Pair (w, c) with c at distance d
 * (1 <= d <= WINDOW) to the left of w adds weight(d) to both (w, c) and,
 * unless -l (left context only), (c, w).  Weights: harmonic 1/d (GloVe),
 * linear (WINDOW - d + 1) / WINDOW (word2vec's dynamic window in
 * expectation), flat 1.  Writes a firth cooc stream sorted by (w1, w2).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stream.h"
#include "tokin.h"
#include "vocab.h"

struct pair {
	uint64_t key;	/* w1 << 32 | w2, in rank ids */
	double x;
};

static int
cmp_pair(const void *a, const void *b)
{
	uint64_t x = ((const struct pair *)a)->key;
	uint64_t y = ((const struct pair *)b)->key;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int window = 15, left = 0, c;
	int64_t min_count = 1;
	const char *weight = "harmonic";
	struct vocab *v = vocab_new();
	struct tokin *in;
	uint32_t *toks = NULL, *order, *rank;
	size_t ntok = 0, cap = 0, start = 0, npairs = 0, pcap = 0;
	struct pair *pairs = NULL;
	const char *tok;
	size_t len;
	int k;

	cli_init(argc, argv);
	while ((c = getopt(argc, argv, "w:m:x:l")) != -1) {
		switch (c) {
		case 'w': window = cli_parse_int(optarg, 1, 1000, "-w"); break;
		case 'm': min_count = cli_parse_int(optarg, 1, 1LL << 40, "-m");
			break;
		case 'x': weight = optarg; break;
		case 'l': left = 1; break;
		default: return EXIT_USAGE;
		}
	}
	/* Documents end with UINT32_MAX in toks. */
	in = tokin_open(argv + optind, argc - optind);
	while ((k = tokin_next(in, &tok, &len)) != TOKIN_EOF) {
		if (ntok == cap) {
			cap = cap ? cap * 2 : 4096;
			toks = xreallocarray(toks, cap, sizeof(uint32_t));
		}
		toks[ntok++] = k == TOKIN_EOD ? UINT32_MAX :
		    vocab_add(v, tok, len, 1);
	}
	tokin_close(in);
	order = vocab_by_count(v);
	rank = xreallocarray(NULL, v->n + 1, sizeof(uint32_t));
	uint32_t nsel = 0;
	char **words = xreallocarray(NULL, v->n + 1, sizeof(char *));
	for (uint32_t r = 0; r < v->n; r++) {
		rank[order[r]] = UINT32_MAX;
	}
	for (uint32_t r = 0; r < v->n; r++)
		if (v->counts[order[r]] >= min_count) {
			rank[order[r]] = nsel;
			words[nsel++] = v->words[order[r]];
		}
	/* Every pair of in-vocabulary tokens within the window. */
	for (size_t i = 0; i < ntok; i++) {
		if (toks[i] == UINT32_MAX) {
			start = i + 1;
			continue;
		}
		/* Out-of-vocabulary tokens keep their place (distance). */
		if (rank[toks[i]] == UINT32_MAX)
			continue;
		for (size_t j = i; j > start && i - j + 1 <= (size_t)window; j--) {
			size_t d = i - j + 1;
			uint32_t cw = toks[j - 1];
			double x;
			if (rank[cw] == UINT32_MAX)
				continue;
			if (strcmp(weight, "harmonic") == 0)
				x = 1.0 / d;
			else if (strcmp(weight, "linear") == 0)
				x = (double)(window - d + 1) / window;
			else
				x = 1.0;
			if (npairs + 2 > pcap) {
				pcap = pcap ? pcap * 2 : 1 << 16;
				pairs = xreallocarray(pairs, pcap, sizeof(*pairs));
			}
			pairs[npairs].key = (uint64_t)rank[toks[i]] << 32 | rank[cw];
			pairs[npairs++].x = x;
			if (!left) {
				pairs[npairs].key = (uint64_t)rank[cw] << 32 |
				    rank[toks[i]];
				pairs[npairs++].x = x;
			}
		}
	}
	qsort(pairs, npairs, sizeof(*pairs), cmp_pair);
	struct stream_header h = { .kind = STREAM_COOC, .nwords = nsel,
	    .count = STREAM_COUNT_UNKNOWN };
	struct stream_writer *w = stream_wopen(stdout, "stdout", &h, words, 1);
	for (size_t i = 0; i < npairs;) {
		double sum = 0;
		size_t j = i;
		for (; j < npairs && pairs[j].key == pairs[i].key; j++)
			sum += pairs[j].x;
		struct cooc_rec r = { (uint32_t)(pairs[i].key >> 32),
		    (uint32_t)pairs[i].key, (float)sum };
		stream_write(w, &r, 1);
		i = j;
	}
	stream_wclose(w);
	cli_fclose(stdout, "stdout");
	return 0;
}
