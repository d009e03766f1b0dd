/*
 * fuzz.h - what the fuzz targets share.
 *
 * A target is a function
 *
 *	FUZZ_TARGET(stream) { ...feed data[0..size) to the library... }
 *
 * built two ways: linked with libFuzzer by clang (`make fuzz'), where
 * tests/fuzz/libfuzzer.c turns it into LLVMFuzzerTestOneInput, and by the
 * ordinary compiler into build/tests/test_fuzz, which replays the seed
 * and regression inputs in `make check' (tests/fuzz/replay.c).
 *
 * The library rejects bad input with cli_die, which exits.  A target runs
 * the library inside fuzz_call, which catches cli_die with a longjmp, so a
 * clean rejection is one more input done, not a crash.  A longjmp skips
 * the library's own clean-up, so the memory, zlib streams and gzip files
 * the library opened during the call are tracked (tests/fuzz/track.c; the
 * library's objects are linked with malloc, free, inflateInit2_... renamed
 * to fuzz_malloc... by objcopy) and released after a rejection.  After a
 * normal return nothing is released: what is left is a real leak, for
 * LeakSanitizer to report.
 */
#ifndef FIRTH_FUZZ_H
#define FIRTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FUZZ_TARGET(name) \
	int fuzz_##name(const uint8_t *data, size_t size); \
	int fuzz_##name(const uint8_t *data, size_t size)

/*
 * Run body(arg) with cli_die caught.  Returns 0 when body returned, 1 when
 * the library rejected the input.  Anything body needs after a rejection
 * must not live in its own locals (they are gone).
 */
int fuzz_call(void (*body)(void *), void *arg);

/* A read-only FILE over data[0..size) (fmemopen; an empty buffer works). */
FILE *fuzz_fmem(const uint8_t *data, size_t size);
void fuzz_fclose(FILE *f);

/*
 * A copy of a stream or shard blob with its checksums (and the lengths and
 * totals that restate its contents) rewritten to match, or NULL when the
 * input does not start like one (fixcrc.c).  Free the copy.
 */
uint8_t *fuzz_fix_stream(const uint8_t *data, size_t size);
uint8_t *fuzz_fix_shard(const uint8_t *data, size_t size, uint8_t *scratch);

/* Set up once: the library's program name, stderr policy. */
void fuzz_init(void);

/* Tracking (track.c): begin before a call, end after it. */
void track_begin(void);
void track_end(int died);

#endif
