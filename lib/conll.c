/*
 * conll.c - read CoNLL sentences and score tagged phrases.
 *
 * Phrase boundaries follow the rules conlleval applies to a tag sequence,
 * written here from their definition: a phrase ends before a tag when the
 * previous tag was inside a phrase and the new one is O, begins a phrase
 * (B, S), or is of another type, or when the previous tag ended one (E,
 * S); a phrase starts at B or S, at I or E after O, E or S, and at any
 * tag whose type differs from the previous tag's.  So IOB1 ("I-PER I-PER
 * B-PER") and IOB2 ("B-PER I-PER B-PER") are read alike.
 */
#include "conll.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "linein.h"

struct conll_reader {
	FILE *f;
	const char *name;
	int tagged, text;
	char *line;
	size_t cap;
	uint64_t lineno;
	int ncols;		/* columns of the first token line */
	int64_t docs;		/* -DOCSTART- lines so far */
};

struct conll_reader *
conll_open(FILE *f, const char *name, int tagged, int text)
{
	struct conll_reader *r = xcalloc(1, sizeof(*r));

	r->f = f;
	r->name = name;
	r->tagged = tagged;
	r->text = text;
	return r;
}

void
conll_close(struct conll_reader *r)
{
	if (r == NULL)
		return;
	free(r->line);
	free(r);
}

void
conll_sent_free(struct conll_sent *s)
{
	free(s->tok);
	free(s->tag);
	free(s->line);
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

/* Copy len bytes into the sentence's buffer; returns the offset. */
static size_t
sent_copy(struct conll_sent *s, const char *p, size_t len)
{
	size_t off = s->buflen;

	if (s->buflen + len + 1 > s->bufcap) {
		s->bufcap = (s->buflen + len + 1) * 2;
		s->buf = xrealloc(s->buf, s->bufcap);
	}
	memcpy(s->buf + off, p, len);
	s->buf[off + len] = '\0';
	s->buflen += len + 1;
	return off;
}

static void
sent_push(struct conll_sent *s, size_t tok, size_t tag, size_t line)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->tok = xreallocarray(s->tok, s->cap, sizeof(char *));
		s->tag = xreallocarray(s->tag, s->cap, sizeof(char *));
		s->line = xreallocarray(s->line, s->cap, sizeof(char *));
	}
	/* Offsets now; pointers once the buffer stops moving. */
	s->tok[s->n] = (char *)(uintptr_t)tok;
	s->tag[s->n] = (char *)(uintptr_t)tag;
	s->line[s->n] = (char *)(uintptr_t)line;
	s->n++;
}

static void
sent_finish(struct conll_sent *s)
{
	for (int i = 0; i < s->n; i++) {
		s->tok[i] = s->buf + (uintptr_t)s->tok[i];
		s->tag[i] = s->buf + (uintptr_t)s->tag[i];
		s->line[i] = s->buf + (uintptr_t)s->line[i];
	}
}

static int
text_next(struct conll_reader *r, struct conll_sent *s, ssize_t len)
{
	char *p = r->line, *end = r->line + len;
	size_t empty = sent_copy(s, "", 0);

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		char *t = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (p > t) {
			size_t off = sent_copy(s, t, (size_t)(p - t));
			sent_push(s, off, empty, off);
		}
	}
	return 1;
}

int
conll_next(struct conll_reader *r, struct conll_sent *s)
{
	ssize_t len;

	s->n = 0;
	s->buflen = 0;
	/* Bounded lines; running out of memory is an error, not the end. */
	while ((len = linein_get(&r->line, &r->cap, r->f, r->name,
	    (unsigned long)r->lineno + 1, LINEIN_MAX)) >= 0) {
		r->lineno++;
		while (len > 0 && (r->line[len - 1] == '\n' ||
		    r->line[len - 1] == '\r'))
			r->line[--len] = '\0';
		if (memchr(r->line, '\0', len) != NULL)
			cli_die("%s:%llu: NUL byte in the input", r->name,
			    (unsigned long long)r->lineno);
		if (r->text) {
			text_next(r, s, len);
			if (s->n == 0)
				continue;
			sent_finish(s);
			return 1;
		}
		char *p = r->line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0') {
			if (s->n > 0)
				break;
			continue;
		}
		if (strncmp(p, "-DOCSTART-", 10) == 0 &&
		    (p[10] == '\0' || p[10] == ' ' || p[10] == '\t')) {
			r->docs++;
			continue;
		}
		/* token = first column, tag = last column */
		char *tok = p, *tokend = p, *last = p, *lastend;
		int cols = 0;
		while (*p != '\0') {
			char *c = p;
			while (*p != '\0' && *p != ' ' && *p != '\t')
				p++;
			if (cols == 0)
				tokend = p;
			last = c;
			lastend = p;
			cols++;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		lastend = last + strcspn(last, " \t");
		if (r->tagged && cols < 2)
			cli_die("%s:%llu: a token without a tag column ('%.40s'); "
			    "CoNLL lines are 'token ... tag'", r->name,
			    (unsigned long long)r->lineno, tok);
		if (r->ncols == 0)
			r->ncols = cols;
		else if (cols != r->ncols && r->tagged)
			cli_die("%s:%llu: %d columns where earlier lines had "
			    "%d", r->name, (unsigned long long)r->lineno, cols,
			    r->ncols);
		if (s->n == 0)
			s->doc = r->docs;	/* where the sentence starts */
		size_t lo = sent_copy(s, r->line, (size_t)len);
		size_t to = sent_copy(s, tok, (size_t)(tokend - tok));
		size_t ta = cols >= 2 ? sent_copy(s, last,
		    (size_t)(lastend - last)) : sent_copy(s, "", 0);
		sent_push(s, to, ta, lo);
	}
	if (ferror(r->f))
		cli_die("read error on %s: %s", r->name, strerror(errno));
	if (s->n == 0)
		return 0;
	sent_finish(s);
	return 1;
}

/* Split "B-PER" into prefix 'B' and type "PER"; "O" is ('O', ""). */
static void
tag_split(const char *tag, char *prefix, const char **type)
{
	if (tag[0] != '\0' && tag[1] == '-' && strchr("BIES", tag[0])) {
		*prefix = tag[0];
		*type = tag + 2;
	} else if (strcmp(tag, "O") == 0 || tag[0] == '\0') {
		*prefix = 'O';
		*type = "";
	} else {
		/* A bare type ("PER") counts as inside a phrase of it. */
		*prefix = 'I';
		*type = tag;
	}
}

static int
chunk_end(char pp, const char *pt, char p, const char *t)
{
	if (pp == 'O')
		return 0;
	if (pp == 'E' || pp == 'S')
		return 1;
	if (p == 'O' || p == 'B' || p == 'S')
		return 1;
	return strcmp(pt, t) != 0;
}

static int
chunk_start(char pp, const char *pt, char p, const char *t)
{
	if (p == 'O')
		return 0;
	if (p == 'B' || p == 'S')
		return 1;
	if (pp == 'O' || pp == 'E' || pp == 'S')
		return 1;
	return strcmp(pt, t) != 0;
}

static int
type_index(struct conll_score *sc, const char *t)
{
	/*
	 * Types are kept cut to 31 bytes, so compare only that much: with a
	 * whole-string compare a longer type never matched its own stored
	 * copy, and each phrase of it became a type of its own (found by
	 * fuzzing: gold scored against itself was not all correct).
	 */
	for (int i = 0; i < sc->ntypes; i++)
		if (strncmp(sc->type[i], t, sizeof(sc->type[0]) - 1) == 0)
			return i;
	if (sc->ntypes == CONLL_MAXTYPES)
		cli_die("more than %d entity types", CONLL_MAXTYPES);
	snprintf(sc->type[sc->ntypes], sizeof(sc->type[0]), "%s", t);
	return sc->ntypes++;
}

/* Phrases of a tag sequence as (start, end inclusive, type index). */
struct phrase {
	int start, end, type;
};

static int
phrases(struct conll_score *sc, char *const *tags, int n, struct phrase *out)
{
	char pp = 'O', p;
	const char *pt = "", *t;
	int np = 0, open = 0;

	for (int i = 0; i <= n; i++) {
		if (i < n)
			tag_split(tags[i], &p, &t);
		else {
			p = 'O';
			t = "";
		}
		if (open && chunk_end(pp, pt, p, t)) {
			out[np - 1].end = i - 1;
			open = 0;
		}
		if (i < n && chunk_start(pp, pt, p, t)) {
			out[np].start = i;
			out[np].type = type_index(sc, t);
			np++;
			open = 1;
		}
		pp = p;
		pt = t;
	}
	return np;
}

void
conll_score_add(struct conll_score *sc, char *const *gold, char *const *pred,
    int n)
{
	struct phrase *g = xcalloc(n + 1, sizeof(*g));
	struct phrase *q = xcalloc(n + 1, sizeof(*q));
	int ng = phrases(sc, gold, n, g), nq = phrases(sc, pred, n, q);
	int j = 0;

	for (int i = 0; i < n; i++) {
		sc->tokens++;
		sc->tokens_correct += strcmp(gold[i], pred[i]) == 0;
	}
	for (int i = 0; i < ng; i++)
		sc->gold[g[i].type]++;
	for (int i = 0; i < nq; i++)
		sc->found[q[i].type]++;
	/* Both lists are sorted by start: walk them together. */
	for (int i = 0; i < ng; i++) {
		while (j < nq && q[j].start < g[i].start)
			j++;
		if (j < nq && q[j].start == g[i].start &&
		    q[j].end == g[i].end && q[j].type == g[i].type)
			sc->correct[g[i].type]++;
	}
	free(g);
	free(q);
}

void
conll_score_prf(const struct conll_score *sc, int t, double *p, double *r,
    double *f)
{
	int64_t gold = 0, found = 0, correct = 0;

	for (int i = 0; i < sc->ntypes; i++)
		if (t < 0 || t == i) {
			gold += sc->gold[i];
			found += sc->found[i];
			correct += sc->correct[i];
		}
	*p = found ? 100.0 * correct / found : 0;
	*r = gold ? 100.0 * correct / gold : 0;
	*f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

/* ---- tag schemes ------------------------------------------------------ */

/* Tag prefix + "-" + type into out; -1 when it does not fit. */
static int
tag_put(char *out, char prefix, const char *type)
{
	int n = snprintf(out, CONLL_TAGMAX, "%c-%s", prefix, type);

	return n < 0 || n >= CONLL_TAGMAX ? -1 : 0;
}

int
conll_iobes(char *const *tags, int n, char (*out)[CONLL_TAGMAX])
{
	char pp = 'O', p, np;
	const char *pt = "", *t, *nt;

	for (int i = 0; i < n; i++) {
		tag_split(tags[i], &p, &t);
		if (p == 'O') {
			if (snprintf(out[i], CONLL_TAGMAX, "%s", tags[i]) >=
			    CONLL_TAGMAX)
				return -1;
		} else {
			if (i + 1 < n)
				tag_split(tags[i + 1], &np, &nt);
			else {
				np = 'O';
				nt = "";
			}
			int first = chunk_start(pp, pt, p, t);
			int last = chunk_end(p, t, np, nt) ||
			    chunk_start(p, t, np, nt);
			if (tag_put(out[i], first ? (last ? 'S' : 'B') :
			    (last ? 'E' : 'I'), t) != 0)
				return -1;
		}
		pp = p;
		pt = t;
	}
	return 0;
}

int
conll_unbiobes(char *const *tags, int n, int scheme,
    char (*out)[CONLL_TAGMAX])
{
	char pp = 'O', p;
	const char *pt = "", *t;
	int prevtype = 0;	/* the previous token was in a phrase of t */

	for (int i = 0; i < n; i++) {
		tag_split(tags[i], &p, &t);
		if (p == 'O') {
			if (snprintf(out[i], CONLL_TAGMAX, "%s", tags[i]) >=
			    CONLL_TAGMAX)
				return -1;
			pp = p;
			pt = t;
			continue;
		}
		int first = chunk_start(pp, pt, p, t);
		prevtype = pp != 'O' && strcmp(pt, t) == 0;
		char q = !first ? 'I' : scheme == CONLL_IOB2 ? 'B' :
		    prevtype ? 'B' : 'I';
		if (tag_put(out[i], q, t) != 0)
			return -1;
		pp = p;
		pt = t;
	}
	return 0;
}

/* seen: bit 0, a phrase starts with I-; bit 1, one starts with B- after a
 * token outside any phrase of its type. */
void
conll_scheme_add(int *seen, char *const *tags, int n)
{
	char pp = 'O', p;
	const char *pt = "", *t;

	for (int i = 0; i < n; i++) {
		tag_split(tags[i], &p, &t);
		if (chunk_start(pp, pt, p, t)) {
			if (p == 'I')
				*seen |= 1;
			else if (p == 'B' && (pp == 'O' || strcmp(pt, t) != 0))
				*seen |= 2;
		}
		pp = p;
		pt = t;
	}
}

int
conll_scheme(int seen)
{
	return (seen & 1) || !(seen & 2) ? CONLL_IOB1 : CONLL_IOB2;
}
