/*
 * tagger.c - the window tagger's model and features (tagger.h): word
 * shapes, affix keys, word rows, the windows of a corpus and the network's
 * input built from them, the model built from vectors and training counts,
 * prediction and entity scoring.  The model file is in tagger_file.c.
 */
#include "tagger.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crf.h"
#include "vecio.h"

static const int affix_len[TAGGER_NKIND] = { 2, 3 };

int
tagger_shape(const char *w)
{
	int lower = 0, upper = 0, digit = 0, other = 0, n = 0;

	for (const unsigned char *p = (const unsigned char *)w; *p; p++, n++) {
		if (*p >= 'a' && *p <= 'z')
			lower++;
		else if (*p >= 'A' && *p <= 'Z')
			upper++;
		else if (*p >= '0' && *p <= '9')
			digit++;
		else if (*p >= 0x80)
			lower++;	/* non-ASCII letters: no case seen */
		else
			other++;
	}
	if (digit > 0 && lower == 0 && upper == 0)
		return SHAPE_NUM;
	if (digit > 0)
		return SHAPE_HASDIGIT;
	if (lower == 0 && upper == 0)
		return other > 0 ? SHAPE_PUNCT : SHAPE_OTHER;
	if (upper > 0 && lower == 0)
		return n == 1 ? SHAPE_INITCAP : SHAPE_ALLCAPS;
	if (w[0] >= 'A' && w[0] <= 'Z')
		return upper == 1 ? SHAPE_INITCAP : SHAPE_MIXED;
	return upper > 0 ? SHAPE_MIXED : SHAPE_LOWER;
}

/* Row of E for a word: exact, then lower-cased, then UNK (row V). */
uint32_t
tagger_row(const struct tagger *md, const char *w)
{
	char low[256];
	size_t len = strlen(w);
	int64_t id;

	if (md->casemode != CASE_FOLD) {
		id = vocab_find(md->index, w, len);
		if (id >= 0)
			return (uint32_t)id;
	}
	if (md->casemode != CASE_EXACT && len < sizeof(low)) {
		for (size_t i = 0; i <= len; i++)
			low[i] = w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i];
		id = vocab_find(md->index, low, len);
		if (id >= 0)
			return (uint32_t)id;
	}
	return md->V;
}

/* The form a word is counted and stored under when it has no vector: as
 * written with --case exact, else lower-cased (ASCII letters), so that the
 * lookup of tagger_row finds it.  Into buf (size bytes); 0 if too long. */
size_t
tagger_word_form(int casemode, const char *w, char *buf, size_t size)
{
	size_t n = strlen(w);

	if (n >= size)
		return 0;
	for (size_t i = 0; i <= n; i++)
		buf[i] = casemode != CASE_EXACT && w[i] >= 'A' && w[i] <= 'Z' ?
		    w[i] + 32 : w[i];
	return n;
}

/*
 * The affix key of a word: its last affix_len[kind] characters (UTF-8
 * sequences, not bytes), ASCII letters lower-cased, after the length and a
 * bar ("3|ing"), so that the kinds share one table without colliding.  A
 * word shorter than the length is its own key.  Into key (size bytes);
 * returns the key's length, 0 when it does not fit.
 */
size_t
tagger_affix_key(const char *w, int kind, char *key, size_t size)
{
	size_t n = strlen(w), start = n, k = 2;

	for (int c = 0; c < affix_len[kind] && start > 0; c++) {
		start--;
		while (start > 0 && ((unsigned char)w[start] & 0xc0) == 0x80)
			start--;
	}
	if (n - start + 3 > size)
		return 0;
	key[0] = (char)('0' + affix_len[kind]);
	key[1] = '|';
	for (size_t i = start; i < n; i++)
		key[k++] = w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i];
	key[k] = '\0';
	return k;
}

/* Row of X for a word's affix of one kind: its own, or affix UNK (NA). */
static uint32_t
tagger_affix(const struct tagger *md, const char *w, int kind)
{
	char key[64];
	size_t n = tagger_affix_key(w, kind, key, sizeof(key));
	int64_t id = n > 0 ? vocab_find(md->aindex, key, n) : -1;

	return id >= 0 ? (uint32_t)id : md->NA;
}

/* P: the features of one window position. */
int
tagger_width(const struct tagger *md)
{
	return md->D + md->S + TAGGER_NKIND * md->A;
}


void
tagger_windows_add(struct tagger_windows *ws, const struct tagger *md,
    const struct conll_sent *s, const int *y, int doc)
{
	int W = 2 * md->m + 1;

	for (int i = 0; i < s->n; i++) {
		if (ws->n == ws->cap) {
			ws->cap = ws->cap ? 2 * ws->cap : 4096;
			ws->row = xreallocarray(ws->row, ws->cap * W,
			    sizeof(uint32_t));
			ws->shape = xreallocarray(ws->shape, ws->cap * W, 1);
			if (md->A > 0)
				ws->afx = xreallocarray(ws->afx, ws->cap * W *
				    TAGGER_NKIND, sizeof(uint32_t));
			ws->y = xreallocarray(ws->y, ws->cap, sizeof(int));
			ws->eos = xreallocarray(ws->eos, ws->cap, 1);
			ws->doc = xreallocarray(ws->doc, ws->cap, sizeof(int));
		}
		for (int k = -md->m; k <= md->m; k++) {
			size_t at = ws->n * W + (k + md->m);
			int j = i + k;
			int pad = j < 0 || j >= s->n;
			if (pad) {
				ws->row[at] = md->V + (j < 0 ? 1 : 2);
				ws->shape[at] = -1;
			} else {
				ws->row[at] = tagger_row(md, s->tok[j]);
				ws->shape[at] =
				    (signed char)tagger_shape(s->tok[j]);
			}
			for (int a = 0; md->A > 0 && a < TAGGER_NKIND; a++)
				ws->afx[at * TAGGER_NKIND + a] = pad ?
				    md->NA + 1 : tagger_affix(md, s->tok[j], a);
		}
		ws->eos[ws->n] = i == s->n - 1;
		ws->doc[ws->n] = doc;
		ws->y[ws->n++] = y != NULL ? y[i] : -1;
	}
}

void
tagger_windows_free(struct tagger_windows *ws)
{
	free(ws->row);
	free(ws->shape);
	free(ws->afx);
	free(ws->y);
	free(ws->eos);
	free(ws->doc);
	memset(ws, 0, sizeof(*ws));
}

/* Fill x ([B][I]) with the inputs of windows idx[0..B-1]. */
void
tagger_windows_input(const struct tagger *md,
    const struct tagger_windows *ws, const size_t *idx, int B, float *x)
{
	int W = 2 * md->m + 1, P = tagger_width(md);

	for (int b = 0; b < B; b++)
		for (int k = 0; k < W; k++) {
			size_t at = idx[b] * W + k;
			float *dst = x + (size_t)b * W * P + (size_t)k * P;
			memcpy(dst, md->E + (size_t)ws->row[at] * md->D,
			    md->D * sizeof(float));
			dst += md->D;
			if (md->S > 0) {
				memset(dst, 0, md->S * sizeof(float));
				if (ws->shape[at] >= 0)
					dst[ws->shape[at]] = 1.0f;
				dst += md->S;
			}
			for (int a = 0; md->A > 0 && a < TAGGER_NKIND; a++)
				memcpy(dst + a * md->A, md->X + (size_t)
				    ws->afx[at * TAGGER_NKIND + a] * md->A,
				    md->A * sizeof(float));
		}
}

int
tagger_tag_index(const struct tagger *md, const char *tag)
{
	for (int k = 0; k < md->K; k++)
		if (strcmp(md->tags[k], tag) == 0)
			return k;
	return -1;
}


/*
 * A first look at a training file: its tag scheme (CONLL_IOB1 or _IOB2)
 * into *scheme, and how many of its sentences to train on when the last
 * frac of it is held out (frac 0: all).  The cut falls between documents
 * (-DOCSTART-) when the file has ten or more, else between sentences;
 * held out are round(frac x units), at least one, at most all but one.
 * The units held out and in all into *held, *units.
 */
size_t
tagger_scan(const char *path, double frac, int *scheme, size_t *held,
    size_t *units)
{
	FILE *f = fopen(path, "r");
	struct conll_reader *r;
	struct conll_sent s = { 0 };
	size_t nsent = 0, cap = 0, ndoc = 0, keep;
	int64_t *doc = NULL;
	int seen = 0;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	r = conll_open(f, path, 1, 0);
	while (conll_next(r, &s)) {
		if (nsent == cap) {
			cap = cap ? 2 * cap : 1024;
			doc = xreallocarray(doc, cap, sizeof(int64_t));
		}
		if (nsent == 0 || s.doc != doc[nsent - 1])
			ndoc++;
		doc[nsent++] = s.doc;
		conll_scheme_add(&seen, s.tag, s.n);
	}
	conll_close(r);
	conll_sent_free(&s);
	fclose(f);
	*scheme = conll_scheme(seen);
	*units = ndoc >= 10 ? ndoc : nsent;
	*held = 0;
	keep = nsent;
	if (frac > 0 && *units >= 2) {
		*held = (size_t)floor(frac * *units + 0.5);
		*held = *held < 1 ? 1 : *held >= *units ? *units - 1 : *held;
		if (ndoc >= 10) {
			/* the first sentence of document ndoc - held */
			size_t d = 0;
			for (keep = 0; keep < nsent; keep++) {
				if (keep == 0 || doc[keep] != doc[keep - 1])
					d++;
				if (d > ndoc - *held)
					break;
			}
		} else
			keep = nsent - *held;
	}
	free(doc);
	return keep;
}

/* The model's tag index of each of n file tags into y, re-encoded first
 * with md->scheme; new tags are added when grow. */
static void
tagger_y(struct tagger *md, const char *path, char *const *tags, int n,
    int *y, int grow)
{
	char (*buf)[CONLL_TAGMAX] = NULL;
	char *const *t = tags;

	if (md->scheme != TAGS_ASIS) {
		char **p = xcalloc(n, sizeof(char *));
		buf = xcalloc(n, CONLL_TAGMAX);
		if (conll_iobes(tags, n, buf) != 0)
			cli_die("%s: a tag of more than %d bytes; shorten it "
			    "or train without --iobes", path, CONLL_TAGMAX - 3);
		for (int i = 0; i < n; i++)
			p[i] = buf[i];
		t = p;
	}
	for (int i = 0; i < n; i++) {
		y[i] = tagger_tag_index(md, t[i]);
		if (y[i] < 0 && grow) {
			md->tags = xreallocarray(md->tags, md->K + 1,
			    sizeof(char *));
			md->tags[md->K] = xstrdup(t[i]);
			y[i] = md->K++;
		}
	}
	if (t != tags)
		free((void *)t);
	free(buf);
}

/*
 * Read a tagged CoNLL file into windows: the first keep sentences into
 * ws, the rest into rest (or ws when rest is NULL); tags the model lacks
 * are added when grow.  Returns the sentences read into ws.
 */
size_t
tagger_read(struct tagger *md, const char *path, struct tagger_windows *ws,
    int grow, size_t keep, struct tagger_windows *rest)
{
	FILE *f = fopen(path, "r");
	struct conll_reader *r;
	struct conll_sent s = { 0 };
	int *y = NULL, ycap = 0;
	size_t sents = 0;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	r = conll_open(f, path, 1, 0);
	while (conll_next(r, &s)) {
		if (s.n > ycap) {
			ycap = s.n;
			y = xreallocarray(y, ycap, sizeof(int));
		}
		tagger_y(md, path, s.tag, s.n, y, grow);
		if (sents < keep || rest == NULL) {
			tagger_windows_add(ws, md, &s, y, (int)s.doc);
			sents++;
		} else
			tagger_windows_add(rest, md, &s, y, (int)s.doc);
	}
	if (ws->n == 0)
		cli_die("%s: no tokens (is it CoNLL: a token and its tag on "
		    "each line?)", path);
	conll_close(r);
	conll_sent_free(&s);
	fclose(f);
	free(y);
	return sents;
}

/*
 * A first pass over the training file: how often each word (in the form
 * tagger_word_form gives) and each affix key occurs in its first keep
 * sentences, into words and affixes.
 */
void
tagger_count(const struct tagger *md, const char *path, size_t keep,
    struct vocab *words, struct vocab *affixes)
{
	FILE *f = fopen(path, "r");
	struct conll_reader *r;
	struct conll_sent s = { 0 };
	char buf[256];
	size_t n;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	r = conll_open(f, path, 1, 0);
	for (size_t sent = 0; sent < keep && conll_next(r, &s); sent++)
		for (int i = 0; i < s.n; i++) {
			if ((n = tagger_word_form(md->casemode, s.tok[i], buf,
			    sizeof(buf))) > 0)
				vocab_add(words, buf, n, 1);
			for (int a = 0; a < TAGGER_NKIND; a++)
				if ((n = tagger_affix_key(s.tok[i], a, buf,
				    sizeof(buf))) > 0)
					vocab_add(affixes, buf, n, 1);
		}
	conll_close(r);
	conll_sent_free(&s);
	fclose(f);
}

/*
 * Training words without a vector that occur at least min times become
 * words of the model (rows after the vectors' rows, before UNK), starting
 * as UNK starts; tagger_from_vectors gives them their rows of E.  In count
 * order, then bytewise, so the rows do not depend on hashing.
 */
static void
tagger_add_words(struct tagger *md, const struct vocab *counts, int64_t min)
{
	uint32_t *order = vocab_by_count(counts), added = 0;

	for (uint32_t i = 0; i < counts->n; i++) {
		uint32_t w = order[i];
		if (counts->counts[w] < min)
			break;
		if (tagger_row(md, counts->words[w]) != md->V)
			continue;
		md->words = xreallocarray(md->words, (size_t)md->V + 1,
		    sizeof(char *));
		md->words[md->V] = xstrdup(counts->words[w]);
		if (vocab_add(md->index, md->words[md->V],
		    counts->lens[w], 1) != md->V)
			cli_die("internal error: new word '%s' has a row",
			    counts->words[w]);
		md->V++;
		added++;
	}
	free(order);
	cli_info("%u training words seen %lld times or more have no vector "
	    "and get rows of their own", added, (long long)min);
}

/*
 * The affix table: a row for every key seen at least TAGGER_AFFIX_MIN times in
 * training (rarer ones share the affix UNK row, which so learns what an
 * unseen affix is), then affix UNK and the padding's row; uniform in
 * [-0.5, 0.5].
 */
void
tagger_add_affixes(struct tagger *md, const struct vocab *counts,
    struct rng *rng)
{
	uint32_t *order = vocab_by_count(counts);
	size_t n;

	md->aindex = vocab_new();
	md->affixes = xcalloc((size_t)counts->n + 1, sizeof(char *));
	for (uint32_t i = 0; i < counts->n; i++) {
		uint32_t w = order[i];
		if (counts->counts[w] < TAGGER_AFFIX_MIN)
			break;
		md->affixes[md->NA] = xstrdup(counts->words[w]);
		vocab_add(md->aindex, counts->words[w], counts->lens[w], 1);
		md->NA++;
	}
	free(order);
	n = ((size_t)md->NA + 2) * md->A;
	md->X = xreallocarray(NULL, n + 1, sizeof(float));
	for (size_t i = 0; i < n; i++)
		md->X[i] = (float)(rng_uniform(rng) - 0.5);
}

/*
 * Vectors in; E = the vectors scaled by one number so that their entries
 * have unit variance (GloVe, word2vec and SVD vectors differ in scale by
 * orders of magnitude; one learning rate then serves them all).  UNK
 * starts as the mean vector, <s> and </s> small and random.
 */
void
tagger_from_vectors(struct tagger *md, const char *path,
    const struct vocab *counts, int newwords, struct rng *rng)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct vecset *vs;
	double sum = 0, sq = 0, sd;
	size_t n;

	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	vs = vec_read(f, path, VEC_AUTO);
	if (f != stdin)
		fclose(f);
	if (vs->n == 0)
		cli_die("%s: no vectors", path);
	md->V = md->Vvec = vs->n;
	md->D = vs->dim;
	md->words = vs->words;
	md->index = vocab_new();
	for (uint32_t i = 0; i < vs->n; i++)
		if (vocab_add(md->index, vs->words[i], strlen(vs->words[i]), 1)
		    != i)
			cli_die("%s: the word '%s' has two vectors", path,
			    vs->words[i]);
	if (newwords > 0)
		tagger_add_words(md, counts, newwords);
	n = (size_t)vs->n * vs->dim;
	for (size_t i = 0; i < n; i++) {
		sum += vs->v[i];
		sq += (double)vs->v[i] * vs->v[i];
	}
	sd = sqrt(sq / n - (sum / n) * (sum / n));
	if (!(sd > 0))
		sd = 1;
	md->E = xreallocarray(vs->v, ((size_t)md->V + 3) * md->D,
	    sizeof(float));
	for (size_t i = 0; i < n; i++)
		md->E[i] = (float)(md->E[i] / sd);
	/* UNK and the new words start at the mean vector */
	float *unk = md->E + (size_t)md->V * md->D;
	for (int k = 0; k < md->D; k++) {
		double m = 0;
		for (uint32_t i = 0; i < md->Vvec; i++)
			m += md->E[(size_t)i * md->D + k];
		for (uint32_t i = md->Vvec; i <= md->V; i++)
			md->E[(size_t)i * md->D + k] = (float)(m / md->Vvec);
		unk[md->D + k] = (float)(0.2 * rng_uniform(rng) - 0.1);
		unk[2 * md->D + k] = (float)(0.2 * rng_uniform(rng) - 0.1);
	}
	vs->words = NULL;
	vs->v = NULL;
	/* vs->wordbuf stays: md->words point into it for the model's life. */
}

void
tagger_scores(const struct tagger *md, const struct tagger_windows *ws,
    float *sc)
{
	struct nn_work w;
	int B = 256, K = md->K;
	size_t *idx = xcalloc(B, sizeof(size_t));

	nn_work_init(&w, &md->net, B);
	for (size_t at = 0; at < ws->n; at += B) {
		int nb = ws->n - at < (size_t)B ? (int)(ws->n - at) : B;
		for (int b = 0; b < nb; b++)
			idx[b] = at + b;
		tagger_windows_input(md, ws, idx, nb, w.a[0]);
		nn_forward(&md->net, &w, nb, 0, NULL, NULL);
		memcpy(sc + at * K, w.a[md->net.L], (size_t)nb * K *
		    sizeof(float));
	}
	nn_work_free(&w, &md->net);
	free(idx);
}

void
tagger_predict(const struct tagger *md, const struct tagger_windows *ws,
    int *pred)
{
	int K = md->K;
	float *sc = xreallocarray(NULL, ws->n * K + 1, sizeof(float));
	size_t start = 0;

	tagger_scores(md, ws, sc);
	for (size_t i = 0; i < ws->n; i++) {
		if (md->crf) {
			/* a sentence ends at eos (or at the end of ws) */
			if (ws->eos[i] || i + 1 == ws->n) {
				crf_viterbi(md->T, sc + start * K,
				    (int)(i + 1 - start), K, pred + start);
				start = i + 1;
			}
			continue;
		}
		const float *s = sc + i * K;
		int best = 0;
		for (int k = 1; k < K; k++)
			if (s[k] > s[best])
				best = k;
		pred[i] = best;
	}
	free(sc);
}

void
tagger_tags_out(const struct tagger *md, const int *pred, int n,
    char **out, char (*buf)[CONLL_TAGMAX])
{
	for (int i = 0; i < n; i++)
		out[i] = md->tags[pred[i]];
	if (md->scheme == TAGS_ASIS)
		return;
	/* model tags are at most CONLL_TAGMAX - 1 bytes (tagger_y made
	 * them), and decoding never lengthens a tag */
	if (conll_unbiobes(out, n, md->scheme == TAGS_IOBES_IOB1 ?
	    CONLL_IOB1 : CONLL_IOB2, buf) != 0)
		cli_die("internal error: a tag too long to decode");
	for (int i = 0; i < n; i++)
		out[i] = buf[i];
}

/* Entity F1 of predictions against ws->y, sentence by sentence. */
double
tagger_score(const struct tagger *md, const struct tagger_windows *ws,
    const int *pred, struct conll_score *sc)
{
	char **g = xcalloc(ws->n + 1, sizeof(char *));
	char **q = xcalloc(ws->n + 1, sizeof(char *));
	size_t start = 0;
	double p, r, f;

	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < ws->n; i++) {
		g[i] = ws->y[i] >= 0 ? md->tags[ws->y[i]] : "O";
		q[i] = md->tags[pred[i]];
		/* phrases never run across a sentence end (with --window
		 * 0 there is no </s> neighbour to tell where that is) */
		if (ws->eos[i]) {
			conll_score_add(sc, g + start, q + start,
			    (int)(i + 1 - start));
			start = i + 1;
		}
	}
	if (start < ws->n)
		conll_score_add(sc, g + start, q + start, (int)(ws->n - start));
	free(g);
	free(q);
	conll_score_prf(sc, -1, &p, &r, &f);
	return f;
}
