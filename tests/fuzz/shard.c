/*
 * shard.c - fuzz target: the shard blob decoder (lib/shard.c), the part of
 * a corpus database that is not SQLite's.
 *
 * Input: one blob, as the shards table's data column holds it.  A blob
 * the decoder accepts must survive a round trip: encoded again and
 * decoded, it gives the same header fields and the same records.  The
 * decoder reports damage by returning a message, so a cli_die is a bug.
 * Each input is also run with its checksums and lengths rewritten to
 * match (fixcrc.c), so that the record parsing behind them is fuzzed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "shard.h"

static struct shard_rec *recs, *recs2;
static unsigned char *scratch, *blob;
static size_t blobcap;

struct arg {
	const uint8_t *data;
	size_t size;
};

static void
body(void *p)
{
	struct arg *a = p;
	struct shard_meta m, m2;
	uint32_t n, n2;
	size_t len;

	if (shard_decode(a->data, a->size, &m, recs, &n, scratch) != NULL)
		return;
	if (n == 0 || n > SHARD_MAX_RECS)
		abort();
	for (int level = 0; level <= 1; level++) {
		len = shard_encode(recs, n, &m, level * 6, &blob, &blobcap);
		if (shard_decode(blob, len, &m2, recs2, &n2, scratch) != NULL ||
		    n2 != n || memcmp(&m, &m2, sizeof(m)) != 0 ||
		    memcmp(recs, recs2, n * sizeof(*recs)) != 0)
			abort();
	}
}

FUZZ_TARGET(shard)
{
	struct arg a = { data, size };

	/* Buffers of the decoder's fixed sizes, kept for all inputs. */
	if (recs == NULL) {
		recs = malloc(SHARD_MAX_RECS * sizeof(*recs));
		recs2 = malloc(SHARD_MAX_RECS * sizeof(*recs2));
		scratch = malloc(SHARD_MAX_RAW);
		if (recs == NULL || recs2 == NULL || scratch == NULL)
			abort();
	}
	/* The decoder returns a message for bad data; it never dies. */
	if (fuzz_call(body, &a))
		abort();
	if ((a.data = fuzz_fix_shard(data, size, scratch)) != NULL) {
		if (fuzz_call(body, &a))
			abort();
		free((void *)a.data);
	}
	return 0;
}
