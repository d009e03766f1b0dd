/*
 * vecio.c - fuzz targets: the vector readers (lib/vecio.c), one per
 * format and one for the format detection: vec_auto, vec_glove,
 * vec_w2v, vec_w2v_bin, vec_firth.
 *
 * Input: a whole vector file.  A set the reader accepts must be what
 * vec_read promises: n words, each NUL-terminated, and n * dim finite
 * floats.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "vecio.h"

struct arg {
	FILE *f;
	int format;
};

static void
body(void *p)
{
	struct arg *a = p;
	struct vecset *vs = vec_read(a->f, "fuzz", a->format);
	volatile size_t sum = 0;

	if (vs->dim == 0 || (vs->n > 0 && vs->words == NULL))
		abort();
	for (uint32_t i = 0; i < vs->n; i++)
		sum += strlen(vs->words[i]);
	for (size_t i = 0; i < (size_t)vs->n * vs->dim; i++)
		if (!isfinite(vs->v[i]))
			abort();
	(void)sum;
	vec_free(vs);
}

static int
run(const uint8_t *data, size_t size, int format)
{
	struct arg a = { fuzz_fmem(data, size), format };

	fuzz_call(body, &a);
	fuzz_fclose(a.f);
	return 0;
}

FUZZ_TARGET(vec_auto) { return run(data, size, VEC_AUTO); }
FUZZ_TARGET(vec_glove) { return run(data, size, VEC_GLOVE); }
FUZZ_TARGET(vec_w2v) { return run(data, size, VEC_W2V); }
FUZZ_TARGET(vec_w2v_bin) { return run(data, size, VEC_W2V_BIN); }
FUZZ_TARGET(vec_firth) { return run(data, size, VEC_FIRTH); }
