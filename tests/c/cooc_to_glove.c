/*
 * cooc_to_glove.c - write a firth co-occurrence stream as the binary
 * records GloVe's glove program reads, for same-run speed comparisons in
 * tests/bench/glove.sh.
 *
 *   cooc_to_glove < cooc-stream > cooc.bin
 *
 * GloVe's record is { int word1; int word2; double val; }: 16 bytes on
 * x86-64, ids counted from 1.  With -V FILE, the stream's vocabulary is
 * also written as glove's vocab file: one "word count" line per id in
 * rank order.  The count column is a placeholder 1; glove reads only the
 * words from it, to name the vectors it saves.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stream.h"

struct glove_rec {
	int w1, w2;
	double x;
};

int
main(int argc, char **argv)
{
	struct stream_reader *r;
	const struct cooc_rec *recs;
	const struct stream_header *h;
	struct glove_rec out[4096];
	FILE *vf = NULL;
	size_t n, i, k = 0;

	cli_init(argc, argv);
	if (argc == 3 && strcmp(argv[1], "-V") == 0) {
		if ((vf = fopen(argv[2], "w")) == NULL)
			cli_die("cannot create %s: %s", argv[2], strerror(errno));
	} else if (argc != 1)
		cli_usage_die("usage: cooc_to_glove [-V VOCABFILE] < cooc-stream > cooc.bin");
	r = stream_ropen(stdin, "stdin", STREAM_COOC);
	h = stream_rheader(r);
	if (vf != NULL) {
		for (uint32_t w = 0; w < h->nwords; w++)
			fprintf(vf, "%s 1\n", h->words[w]);
		cli_fclose(vf, argv[2]);
	}
	while ((recs = stream_read_block(r, &n)) != NULL)
		for (i = 0; i < n; i++) {
			out[k].w1 = (int)recs[i].w1 + 1;
			out[k].w2 = (int)recs[i].w2 + 1;
			out[k].x = recs[i].x;
			if (++k == sizeof(out) / sizeof(out[0])) {
				if (fwrite(out, sizeof(out[0]), k, stdout) != k)
					cli_die("stdout: %s", strerror(errno));
				k = 0;
			}
		}
	if (k > 0 && fwrite(out, sizeof(out[0]), k, stdout) != k)
		cli_die("stdout: %s", strerror(errno));
	stream_rclose(r);
	cli_fclose(stdout, "stdout");
	return 0;
}
