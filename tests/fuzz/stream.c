/*
 * stream.c - fuzz target: the record stream reader (lib/stream.c).
 *
 * Input: a whole stream.  Co-occurrence streams are read with
 * stream_read_block when the input's length is even and with small
 * stream_read calls when odd, so both paths see every input shape;
 * vector streams with stream_read_vector.  Besides not crashing, the
 * reader must keep its promises: vocabulary words are NUL-terminated
 * with the lengths it reports, and records come in whole.  Each input is
 * also run with its checksums rewritten to match (fixcrc.c), so that the
 * parsing behind the CRCs is fuzzed too.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "stream.h"

struct arg {
	const uint8_t *data;
	size_t size;
	FILE *f;
};

static void
body(void *p)
{
	struct arg *a = p;
	struct stream_reader *r = stream_ropen(a->f, "fuzz", 0);
	const struct stream_header *h = stream_rheader(r);
	uint64_t n = 0;

	for (uint32_t i = 0; i < h->nwords; i++)
		if (strlen(h->words[i]) != h->wordlen[i])
			abort();
	if (h->kind == STREAM_COOC) {
		struct cooc_rec buf[7];
		size_t k;

		if (a->size % 2 == 0) {
			const struct cooc_rec *b;
			while ((b = stream_read_block(r, &k)) != NULL) {
				if (k == 0)
					abort();
				/* Touch every record. */
				for (size_t i = 0; i < k; i++)
					n += b[i].w1 ^ b[i].w2;
			}
		} else
			while ((k = stream_read(r, buf, 7)) > 0)
				if (k > 7)
					abort();
	} else {
		float *v = xreallocarray(NULL, h->dim, sizeof(float));
		const char *w;
		size_t len;

		while (stream_read_vector(r, &w, &len, v))
			if (len > STREAM_MAX_WORD)
				abort();
		free(v);
	}
	(void)n;
	stream_rclose(r);
}

static void
run(const uint8_t *data, size_t size)
{
	struct arg a = { data, size, fuzz_fmem(data, size) };

	fuzz_call(body, &a);
	fuzz_fclose(a.f);
}

FUZZ_TARGET(stream)
{
	uint8_t *fixed = fuzz_fix_stream(data, size);

	run(data, size);
	if (fixed != NULL) {
		run(fixed, size);
		free(fixed);
	}
	return 0;
}
