/*
 * gen_cooc.c - seeded generator of cooc streams for tests and benchmarks.
 *
 *   gen_cooc [-n RECORDS] [-V WORDS] [-s SEED] [-l LEVEL] [-i] [-r] [-u]
 *       > cooc-stream
 *
 * Writes RECORDS co-occurrence records over a vocabulary of WORDS made-up
 * words ("w0", "w1", ...).  By default ids are uniform in 0..WORDS-1 and
 * counts are uniform in [0, 100), like an unsorted export; -i numbers the
 * records instead (record i is w1 = i mod WORDS, w2 = i / WORDS mod WORDS,
 * x = i), so each is distinct and its input position readable from x
 * (exact below 2^24).  -u leaves the header's record count unknown, as a
 * writer that streams does.  -r writes the same records raw, 12 bytes
 * each with no header: the layout of GloVe's CREC built with float
 * counts, for benchmarks against GloVe's tools.  Never for production data.
 */
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "rng.h"
#include "stream.h"

int
main(int argc, char **argv)
{
	long long n = 1000, nwords = 1000, seed = 1;
	int level = 1, numbered = 0, unknown = 0, raw = 0, c;
	struct stream_header h = { .kind = STREAM_COOC };
	struct cooc_rec buf[4096];
	struct stream_writer *w;
	struct rng r;
	char **words;

	cli_init(argc, argv);
	while ((c = getopt(argc, argv, "n:V:s:l:iru")) != -1) {
		switch (c) {
		case 'n': n = cli_parse_int(optarg, 0, 1LL << 40, "-n"); break;
		case 'V': nwords = cli_parse_int(optarg, 1, 1 << 24, "-V");
			break;
		case 's': seed = cli_parse_int(optarg, 0, INT64_MAX, "-s");
			break;
		case 'l': level = cli_parse_int(optarg, 0, 9, "-l"); break;
		case 'i': numbered = 1; break;
		case 'r': raw = 1; break;
		case 'u': unknown = 1; break;
		default: return EXIT_USAGE;
		}
	}
	words = xreallocarray(NULL, nwords, sizeof(char *));
	for (long long i = 0; i < nwords; i++) {
		char tmp[32];
		snprintf(tmp, sizeof(tmp), "w%lld", i);
		words[i] = xstrdup(tmp);
	}
	h.nwords = nwords;
	h.count = unknown ? STREAM_COUNT_UNKNOWN : (uint64_t)n;
	rng_seed(&r, seed);
	w = raw ? NULL : stream_wopen(stdout, "stdout", &h, words, level);
	for (long long i = 0; i < n;) {
		size_t k = 0;
		for (; k < 4096 && i < n; k++, i++) {
			if (numbered) {
				buf[k].w1 = i % nwords;
				buf[k].w2 = i / nwords % nwords;
				buf[k].x = (float)i;
			} else {
				buf[k].w1 = rng_below(&r, nwords);
				buf[k].w2 = rng_below(&r, nwords);
				buf[k].x = (float)(rng_uniform(&r) * 100);
			}
		}
		if (raw)
			xfwrite(buf, sizeof(buf[0]), k, stdout, "stdout");
		else
			stream_write(w, buf, k);
	}
	if (!raw)
		stream_wclose(w);
	cli_fclose(stdout, "stdout");
	for (long long i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	return EXIT_OK;
}
