/*
 * test_vecio.c - TAP tests for lib/vecio.c: word vectors written and read
 * back in all four formats (firth and word2vec binary exactly, GloVe and
 * word2vec text to the 6 significant digits they are written with), each
 * format detected on its own, and damaged files refused with a message
 * naming the line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stream.h"
#include "tap.h"
#include "vecio.h"

static const int formats[] = { VEC_FIRTH, VEC_GLOVE, VEC_W2V, VEC_W2V_BIN };

/* Write n x dim vectors in a format into a malloc'd buffer. */
static char *
write_mem(int format, char **words, uint32_t n, uint32_t dim, const float *m,
    size_t *len)
{
	char *p = NULL;
	FILE *f = open_memstream(&p, len);

	vec_write(f, "memory", format, words, n, dim, m, dim, 1);
	if (fclose(f) != 0)
		exit(1);
	return p;
}

/* vec_read from memory, catching cli_die; NULL when it died. */
static struct vecset *
read_mem(const char *p, size_t len, int format)
{
	struct vecset *volatile vs = NULL;
	FILE *f = fmemopen((void *)p, len ? len : 1, "rb");

	if (len == 0)
		fgetc(f);	/* fmemopen wants size > 0: leave it at EOF */
	TRY
		vs = vec_read(f, "vec", format);
	CATCH_END();
	fclose(f);
	return vs;
}

/*
 * Same words, same dim, values equal within rel (0: bit for bit).
 * %.6g keeps 6 significant digits: the error is at most half a unit in
 * the 6th digit, 5e-6 relative.
 */
static int
same_set(const struct vecset *vs, char **words, uint32_t n, uint32_t dim,
    const float *m, double rel)
{
	if (vs == NULL || vs->n != n || vs->dim != dim)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(vs->words[i], words[i]) != 0)
			return 0;
		for (uint32_t k = 0; k < dim; k++) {
			float a = vs->v[(size_t)i * dim + k];
			float b = m[(size_t)i * dim + k];
			if (rel == 0 ? memcmp(&a, &b, sizeof(a)) != 0 :
			    fabs(a - b) > rel * fabs(b) + 1e-30)
				return 0;
		}
	}
	return 1;
}

static void
test_roundtrips(void)
{
	static const uint32_t dims[] = { 1, 3, 50, 300 };
	uint32_t n = 257;
	char **words = xreallocarray(NULL, n, sizeof(char *));

	for (uint32_t i = 0; i < n; i++) {
		char tmp[32];
		snprintf(tmp, sizeof(tmp), i == 7 ? "caf\xc3\xa9%u" : "w%u", i);
		words[i] = xstrdup(tmp);
	}
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		uint32_t dim = dims[d];
		float *m = xreallocarray(NULL, (size_t)n * dim, sizeof(float));

		/* Values over many magnitudes and both signs, some zeros. */
		for (size_t k = 0; k < (size_t)n * dim; k++)
			m[k] = k % 17 == 0 ? 0.0f : (float)(k % 2 ? 1 : -1) *
			    (float)((k * 2654435761u) % 1000003) /
			    powf(10.0f, (float)(k % 9));
		for (size_t f = 0; f < 4; f++) {
			int fmt = formats[f];
			size_t len;
			char *p = write_mem(fmt, words, n, dim, m, &len);
			struct vecset *a = read_mem(p, len, fmt);
			struct vecset *b = read_mem(p, len, VEC_AUTO);
			double rel = fmt == VEC_GLOVE || fmt == VEC_W2V ?
			    5e-6 : 0;

			ok(same_set(a, words, n, dim, m, rel), "%s, dim %u: "
			    "%u vectors round trip (%s)", vec_format_name(fmt),
			    dim, n, rel ? "6 significant digits" : "exactly");
			ok(same_set(b, words, n, dim, m, rel), "%s, dim %u: "
			    "detected without being named",
			    vec_format_name(fmt), dim);
			vec_free(a);
			vec_free(b);
			free(p);
		}
		free(m);
	}
	for (uint32_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

/* Input that must be refused, and a piece of the message it must give. */
static const struct {
	const char *what;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int format;
	const char *msg;
} bad[] = {
	{ "empty input", "", 0, VEC_AUTO,
	  "vec: empty input where vectors were expected" },
	{ "a short row", "a 1 2\nb 1\n", 0, VEC_AUTO,
	  "vec:2: 1 numbers where 2 were expected: ragged rows" },
	{ "a long row", "a 1 2\nb 1 2 3\n", 0, VEC_AUTO,
	  "vec:2: more than 2 numbers (the first row had 2): ragged rows" },
	{ "a word in place of a number", "a 1 2\nb 1 x\n", 0, VEC_GLOVE,
	  "vec:2: 'x' is not a number" },
	{ "a number glued to text", "a 1 2\nb 1 2z\n", 0, VEC_AUTO,
	  "vec:2: '2z' is not a number" },
	{ "NaN", "a nan 1\n", 0, VEC_AUTO, "vec:1: infinite or NaN value" },
	{ "a word alone", "a\n", 0, VEC_GLOVE,
	  "vec:1: a word without a vector" },
	{ "a header promising more rows", "3 2\na 1 2\nb 1 2\n", 0,
	  VEC_AUTO, "vec: the header promises 3 vectors, the file has 2" },
	{ "a header promising fewer rows", "1 2\na 1 2\nb 1 2\n", 0,
	  VEC_W2V, "vec: the header promises 1 vectors, the file has 2" },
	{ "a header with the wrong dim", "2 3\na 1 2\nb 1 2\n", 0,
	  VEC_AUTO, "vec:2: 2 numbers where 3 were expected" },
	{ "a zero dim in the header", "2 0\n", 0, VEC_AUTO,
	  "vec:1: word2vec header '2 0' is out of range" },
	{ "word2vec named, no header", "a 1 2\n", 0, VEC_W2V,
	  "vec:1: 'a 1 2' is not a word2vec header (count dim)" },
	{ "binary cut inside a vector",
	  "2 2\na \x00\x00\x80\x3f\x00\x00\x00\x40\nb \x00\x00\x80", 20,
	  VEC_W2V_BIN, "vec: vector 2: truncated" },
	{ "binary with fewer vectors than promised",
	  "3 1\na \x00\x00\x80\x3f\n", 11, VEC_W2V_BIN,
	  "vec: truncated: 1 of 3 vectors" },
	{ "text named as firth", "a 1 2\n", 0, VEC_FIRTH,
	  "vec: not a firth vector stream" },
	/* 1.0f is 00 00 80 3f, 2.0f is 00 00 00 40. */
	{ "binary with more vectors than the header says",
	  "1 1\na \x00\x00\x80\x3f\nb \x00\x00\x00\x40\n", 20, VEC_W2V_BIN,
	  "vec: the header promises 1 vectors, but more follow" },
	{ "binary with more vectors than the header says, detected",
	  "1 1\na \x00\x00\x80\x3f\nb \x00\x00\x00\x40\n", 20, VEC_AUTO,
	  "vec: the header promises 1 vectors, but more follow" },
	{ "binary with trailing garbage",
	  "1 1\na \x00\x00\x80\x3f\nxyz", 14, VEC_W2V_BIN,
	  "vec: 3 bytes of trailing garbage after the 1 vectors" },
	{ "binary with a NUL inside a word",
	  "1 1\na\x00" "b \x00\x00\x80\x3f\n", 13, VEC_W2V_BIN,
	  "vec: vector 1: a NUL byte inside the word" },
	{ "binary with a word twice",
	  "2 1\na \x00\x00\x80\x3f\na \x00\x00\x00\x40\n", 18, VEC_W2V_BIN,
	  "vec: word 'a' appears twice (vectors 1 and 2)" },
	{ "GloVe text with a word twice", "a 1 2\nb 1 2\na 3 4\n", 0,
	  VEC_GLOVE, "vec: word 'a' appears twice (vectors 1 and 3)" },
};

static void
test_refusals(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);
		struct vecset *vs = read_mem(bad[i].in, len, bad[i].format);

		ok(vs == NULL && strstr(tap_errmsg, bad[i].msg) != NULL,
		    "refuses %s: \"%.*s\"", bad[i].what, tap_msglen(),
		    tap_errmsg);
		vec_free(vs);
	}
}

/* Streams of the wrong kind or named as another format are refused. */
static void
test_stream_refusals(void)
{
	char *words[] = { "x" };
	float v[2] = { 0.5f, -2 };
	size_t len;
	char *p = write_mem(VEC_FIRTH, words, 1, 2, v, &len);
	struct vecset *vs = read_mem(p, len, VEC_GLOVE);
	struct stream_header h = { .kind = STREAM_COOC, .count = 0 };
	struct stream_writer *w;
	FILE *f;

	ok(vs == NULL && strstr(tap_errmsg, "vec: this is a firth stream, "
	    "not glove"), "a firth stream named as glove: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
	free(p);
	f = open_memstream(&p, &len);
	w = stream_wopen(f, "memory", &h, NULL, 1);
	stream_wclose(w);
	fclose(f);
	vs = read_mem(p, len, VEC_AUTO);
	ok(vs == NULL && strstr(tap_errmsg, "vec: expected vectors, got "
	    "co-occurrence records"), "a cooc stream as vectors: \"%.*s\"",
	    tap_msglen(), tap_errmsg);
	free(p);
}

/* What text readers must accept: CRLF, blank lines, tabs, no last \n. */
static void
test_lenient_text(void)
{
	static const char in[] = "a\t1 2\r\n\nb  3\t4";
	char *words[] = { "a", "b" };
	float m[4] = { 1, 2, 3, 4 };
	struct vecset *vs = read_mem(in, strlen(in), VEC_AUTO);

	ok(same_set(vs, words, 2, 2, m, 0), "GloVe text with CRLF, a blank "
	    "line, tabs and no final newline reads as 2 x 2");
	vec_free(vs);
}

/*
 * Damage files of each format at 1 to 3 random bytes, 300 times each.
 * vec_read must die with a message or return a set whose every value is
 * finite and whose words are all there (for a firth stream: the original
 * set, since a byte overwritten with its own value is no damage); it
 * must never crash (run this
 * under ASan: make SANITIZE=-fsanitize=address,undefined).
 */
static void
test_random_damage(void)
{
	static const char *const words[] = { "alpha", "b", "gamma", "d" };
	float m[4 * 5];
	uint32_t s = 2463534242u;

	for (int k = 0; k < 20; k++)
		m[k] = (float)(k - 7) / 3.0f;
	for (size_t f = 0; f < 4; f++) {
		size_t len, returned = 0, died = 0, nbad = 0;
		char *p = write_mem(formats[f], (char **)words, 4, 5, m, &len);
		char *copy = xmalloc(len);

		for (int t = 0; t < 300; t++) {
			struct vecset *vs;
			memcpy(copy, p, len);
			for (int j = 0; j <= t % 3; j++) {
				s ^= s << 13, s ^= s >> 17, s ^= s << 5;
				copy[s % len] = (char)(s >> 8);
			}
			if ((vs = read_mem(copy, len, VEC_AUTO)) == NULL) {
				died++;
				continue;
			}
			returned++;
			for (size_t i = 0; i < (size_t)vs->n * vs->dim; i++)
				nbad += !isfinite(vs->v[i]);
			for (uint32_t i = 0; i < vs->n; i++)
				nbad += vs->words[i] == NULL;
			/* A firth stream is checksummed: read means intact. */
			if (formats[f] == VEC_FIRTH)
				nbad += !same_set(vs, (char **)words, 4, 5, m,
				    0);
			vec_free(vs);
		}
		ok(nbad == 0, "%s damaged 300 times: %zu refused, %zu read, "
		    "none with a NaN, an infinity or a missing word%s",
		    vec_format_name(formats[f]), died, returned,
		    formats[f] == VEC_FIRTH ? ", each read one intact" : "");
		free(copy);
		free(p);
	}
}

/*
 * A word longer than any reader takes (STREAM_MAX_WORD bytes) is refused
 * when written, in every format, and nothing is written.
 */
static void
test_long_word_refused(void)
{
	size_t n = 70000, len = 0;
	char *w = xmalloc(n + 1), *p = NULL;
	char *words[] = { "a", w };
	float m[2] = { 1, 2 };

	memset(w, 'x', n);
	w[n] = '\0';
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		FILE *out = open_memstream(&p, &len);
		int died;

		TRY
			vec_write(out, "memory", formats[f], words, 2, 1, m, 1,
			    1);
		died = CATCH_END();
		fflush(out);
		ok(died && len == 0 && strstr(tap_errmsg, "memory: word 2 "
		    "('xxxx") != NULL && strstr(tap_errmsg, "is 70000 bytes, "
		    "longer than the 65535 a vector file may hold") != NULL,
		    "%s: a 70000-byte word is refused at write, nothing "
		    "written: \"%.*s\"", vec_format_name(formats[f]),
		    tap_msglen(), tap_errmsg);
		fclose(out);
		free(p);
		p = NULL;
	}
	free(w);
}

int
main(int argc, char **argv)
{
	cli_init(argc, argv);
	test_roundtrips();
	test_refusals();
	test_stream_refusals();
	test_lenient_text();
	test_random_damage();
	test_long_word_refused();
	return tap_done();
}
