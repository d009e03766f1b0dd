/*
 * test_tagger.c - checks of lib/tagger*.c seams (TAP on stdout):
 *
 *   1. tagger_batches with sentences: over 50 epochs of random sentence
 *      lengths, every window is in exactly one batch once per epoch, a
 *      batch is whole sentences (each starts after an eos and runs to its
 *      eos, in order) and holds at most B windows unless it is one longer
 *      sentence; without sentences, a permutation in batches of B.
 *   2. tagger_scan: the held-out units of --dev-split by documents (ten
 *      or more) and by sentences, on small files written here.
 *   3. tagger_tags_out: a model with IOBES tags writes IOB1 and IOB2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tagger.h"
#include "tap.h"

static void
check_batches(void)
{
	struct tagger md = { 0 };
	struct tagger_windows ws = { 0 };
	struct rng rng;
	char *tok[12];
	struct conll_sent s = { 0 };
	size_t *order, *batch, *sent, *seen, nsent, nb;
	int B = 5, good = 1, perm = 1;

	for (int i = 0; i < 12; i++)
		tok[i] = "w";
	md.index = vocab_new();
	rng_seed(&rng, 9);
	s.tok = tok;
	for (int i = 0; i < 40; i++) {
		s.n = 1 + (int)rng_below(&rng, 9);	/* 1..9, some > B */
		tagger_windows_add(&ws, &md, &s, NULL, 0);
	}
	order = calloc(ws.n, sizeof(size_t));
	batch = calloc(ws.n + 1, sizeof(size_t));
	sent = calloc(ws.n + 1, sizeof(size_t));
	seen = calloc(ws.n, sizeof(size_t));
	nsent = tagger_sentences(&ws, sent);
	ok(nsent == 40, "40 sentences found (%zu)", nsent);
	for (int ep = 1; ep <= 50; ep++) {
		nb = tagger_batches(&ws, &rng, 1, B, order, batch, sent, nsent);
		for (size_t b = 0; b < nb; b++) {
			size_t from = batch[b], to = batch[b + 1];
			int sents = 0;
			for (size_t k = from; k < to; k++) {
				size_t w = order[k];
				seen[w]++;
				if (k == from || ws.eos[order[k - 1]]) {
					sents++;
					good &= w == 0 || ws.eos[w - 1];
				} else
					good &= w == order[k - 1] + 1;
			}
			good &= ws.eos[order[to - 1]];
			good &= to - from <= (size_t)B || sents == 1;
		}
		for (size_t w = 0; w < ws.n; w++)
			good &= seen[w] == (size_t)ep;
	}
	ok(good, "sentence batches: whole sentences, at most %d windows "
	    "or one sentence, every window once an epoch", B);
	for (size_t i = 0; i < ws.n; i++)
		order[i] = i;
	nb = tagger_batches(&ws, &rng, 0, B, order, batch, sent, nsent);
	memset(seen, 0, ws.n * sizeof(size_t));
	for (size_t i = 0; i < ws.n; i++)
		seen[order[i]]++;
	for (size_t i = 0; i < ws.n; i++)
		perm &= seen[i] == 1;
	for (size_t b = 0; b < nb; b++)
		perm &= batch[b] == b * B && batch[b + 1] - batch[b] <=
		    (size_t)B;
	ok(perm && batch[nb] == ws.n, "window batches: a permutation cut "
	    "every %d", B);
	free(order);
	free(batch);
	free(sent);
	free(seen);
	tagger_windows_free(&ws);
	vocab_free(md.index);
}

/* A file of ndoc documents of nper one-token sentences; tagger_scan. */
static size_t
scan(int ndoc, int nper, double frac, size_t *held, size_t *units)
{
	char path[] = "/tmp/test_tagger.XXXXXX";
	int fd = mkstemp(path), scheme;
	FILE *f = fdopen(fd, "w");
	size_t keep;

	for (int d = 0; d < ndoc; d++) {
		if (ndoc > 1)
			fprintf(f, "-DOCSTART- -X- O O\n\n");
		for (int i = 0; i < nper; i++)
			fprintf(f, "w%d x O\n\n", i);
	}
	fclose(f);
	keep = tagger_scan(path, frac, &scheme, held, units);
	unlink(path);
	return keep;
}

static void
check_scan(void)
{
	size_t held, units, keep;

	keep = scan(20, 3, 0.1, &held, &units);
	ok(keep == 54 && held == 2 && units == 20, "20 documents of 3, 0.1: "
	    "2 documents held out, 54 sentences kept (%zu, %zu, %zu)", held,
	    units, keep);
	keep = scan(9, 2, 0.2, &held, &units);
	ok(keep == 14 && held == 4 && units == 18, "9 documents: by "
	    "sentences, 4 of 18 held out (%zu, %zu, %zu)", held, units, keep);
	keep = scan(1, 2, 0.9, &held, &units);
	ok(keep == 1 && held == 1, "2 sentences, 0.9: one kept, one held out "
	    "(%zu, %zu)", keep, held);
	keep = scan(1, 5, 0, &held, &units);
	ok(keep == 5 && held == 0, "fraction 0: all kept (%zu, %zu)", keep,
	    held);
}

static void
check_tags_out(void)
{
	char *tags[] = { "O", "S-PER", "B-LOC", "E-LOC", "S-LOC" };
	struct tagger md = { .K = 5, .tags = tags, .scheme = TAGS_IOBES_IOB1 };
	int pred[] = { 1, 2, 3, 4, 0 };
	char *out[5], buf[5][CONLL_TAGMAX], got[128] = "";

	tagger_tags_out(&md, pred, 5, out, buf);
	for (int i = 0; i < 5; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ",
		    out[i]);
	ok(strcmp(got, "I-PER I-LOC I-LOC B-LOC O ") == 0, "IOBES to IOB1: "
	    "%s", got);
	md.scheme = TAGS_IOBES_IOB2;
	got[0] = '\0';
	tagger_tags_out(&md, pred, 5, out, buf);
	for (int i = 0; i < 5; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ",
		    out[i]);
	ok(strcmp(got, "B-PER B-LOC I-LOC B-LOC O ") == 0, "IOBES to IOB2: "
	    "%s", got);
	md.scheme = TAGS_ASIS;
	tagger_tags_out(&md, pred, 5, out, buf);
	ok(out[1] == tags[pred[1]], "tags as written are the model's own strings");
}

int
main(void)
{
	cli_init(1, (char *[]){ "test_tagger", NULL });
	check_batches();
	check_scan();
	check_tags_out();
	return tap_done();
}
