/*
 * stream.c - firth record streams: writer and reader.
 *
 * A stream is a header, zero or more frames, and an end frame.  Every
 * integer is little-endian.  firth-stream(5) is the reference; this is the
 * same description for people reading the code.
 *
 * Header (50 + L bytes, the CRC included):
 *
 *   off  size  field
 *     0     8  magic 89 46 52 54 48 0d 0a 1a   ("\x89FRTH\r\n\x1a")
 *     8     2  format version (1)
 *    10     2  record kind: 1 cooc, 2 vectors
 *    12     4  record size in bytes, 0 when records vary (vectors)
 *    16     4  dim: floats per vector record (0 for cooc)
 *    20     4  flags (0)
 *    24     8  record count the writer promises, or ff..ff when unknown
 *    32     8  vocabulary fingerprint (0 without a vocabulary)
 *    40     4  vocabulary words V (0 without a vocabulary)
 *    44     2  L, length of the layout text (at most 255)
 *    46     L  layout text, ASCII: "w1:u32 w2:u32 x:f32"
 *  46+L     4  CRC-32 of bytes 0 .. 46+L-1
 *
 * Like PNG's, the magic's high byte catches 7-bit channels, the CR LF pair
 * catches newline translation and the ^Z stops a DOS `type'.
 *
 * Frame (16-byte head, then the payload):
 *
 *     0     1  type: 'V' vocabulary, 'R' records, 'E' end
 *     1     1  method: 0 stored, 1 raw deflate
 *     2     2  reserved (0)
 *     4     4  raw length (payload once inflated), at most 64 MiB
 *     8     4  stored length (bytes of payload that follow)
 *    12     4  CRC-32 of the raw payload
 *
 * 'V' frames come first and hold the V words in id order, each a u16 byte
 * length then the bytes; a word never spans two frames.  'R' frames hold
 * whole records: cooc records are (u32 w1, u32 w2, f32 x), 12 bytes; vector
 * records are a u16 length, the word's UTF-8 bytes, then dim f32.  Every
 * frame inflates on its own, so frames can be compressed on another thread
 * and a reader needs only one frame in memory.
 *
 * The 'E' frame is stored and carries 24 raw bytes: u64 records, u64 raw
 * payload bytes of all 'V' and 'R' frames, u32 CRC-32 over those same raw
 * bytes in order, u32 reserved.  A reader that reaches end of input before
 * the 'E' frame reports truncation, never short output.
 *
 * Example: an empty cooc stream without vocabulary, level 0, is
 *
 *   89 46 52 54 48 0d 0a 1a  01 00 01 00 0c 00 00 00   magic, v1, cooc, 12
 *   00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   dim, flags, count 0
 *   00 00 00 00 00 00 00 00  00 00 00 00 13 00        fingerprint, V, L
 *   "w1:u32 w2:u32 x:f32"  32 9d 41 68                 layout, header CRC
 *   45 00 00 00 18 00 00 00  18 00 00 00 20 ca c1 a3   end frame head
 *   00 (24 times)                                      0 records, 0 bytes,
 *                                                      CRC 0, reserved
 *
 * 109 bytes in all (checked against the writer's output).
 */
#include "stream.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "glovecooc.h"
#include "le.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "firth streams are little-endian; this host is not (add byte swaps)"
#endif

static const unsigned char magic[STREAM_MAGIC_LEN] =
    { 0x89, 'F', 'R', 'T', 'H', '\r', '\n', 0x1a };

#define HEAD_FIXED 46
#define FRAME_HEAD 16
#define FRAME_MAX_RAW (64u << 20)	/* bound on any frame's raw length */
#define FRAME_TARGET (1u << 20)		/* raw bytes a writer aims for */
#define END_PAYLOAD 24

enum { FRAME_VOCAB = 'V', FRAME_RECORDS = 'R', FRAME_END = 'E' };
enum { METHOD_STORED = 0, METHOD_DEFLATE = 1 };

const char *
stream_kind_name(int kind)
{
	switch (kind) {
	case STREAM_COOC: return "co-occurrence records";
	case STREAM_VECTORS: return "vectors";
	default: return "records of an unknown kind";
	}
}

int
stream_is_magic(const void *buf, size_t n)
{
	return n >= STREAM_MAGIC_LEN && memcmp(buf, magic, STREAM_MAGIC_LEN) == 0;
}

uint64_t
stream_fingerprint(char *const *words, uint32_t nwords)
{
	/* FNV-1a over each word's bytes, a 0xff separator after each. */
	uint64_t h = 0xcbf29ce484222325ULL;

	for (uint32_t i = 0; i < nwords; i++) {
		for (const unsigned char *p = (const unsigned char *)words[i];
		    *p != '\0'; p++)
			h = (h ^ *p) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
	}
	return h == 0 ? 1 : h;	/* 0 means "no vocabulary" */
}

/*
 * Writer.  The caller fills frames in cur.  At level 0 a full frame is
 * written at once: there is nothing to overlap.  At level > 0 it goes
 * into a ring of slots served by up to WRITER_THREADS workers.  Each
 * worker takes the oldest frame no one has taken, compresses it with its
 * own deflate state, then waits for its turn to write, so frames leave
 * in the order they were filled while several compress at once: deflate
 * level 1 manages about 30 MB per CPU second, far slower than anything
 * that feeds it, and one thread would cap every compressed stream there.
 */
#define WRITER_THREADS 4
#define WRITER_SLOTS (2 * WRITER_THREADS)

struct wframe {
	unsigned char *raw;
	size_t len;		/* bytes filled */
	size_t cap;		/* bytes allocated, at least the writer's cap */
	int type;
};

/* One deflate state and its output buffer, per thread that compresses. */
struct deflater {
	z_stream z;
	int ready;		/* deflateInit2 done */
	unsigned char *buf;
	size_t cap;
};

struct stream_writer {
	FILE *f;
	const char *name;
	int level;
	struct stream_header h;

	struct wframe cur;		/* being filled by the caller */
	size_t cap;			/* raw bytes a frame aims for */
	uint64_t nrecs;			/* records written */
	uint64_t rawbytes;		/* raw payload bytes of V and R frames */
	uint32_t crc;			/* CRC-32 over those raw bytes */

	/* compression workers (level > 0); with none the caller does all */
	int nthreads;
	pthread_t thread[WRITER_THREADS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wframe slot[WRITER_SLOTS];	/* frame n is slot[n % SLOTS] */
	uint64_t nfilled;		/* frames handed to the workers */
	uint64_t ntaken;		/* ... taken by a worker */
	uint64_t nwritten;		/* ... written, their slots free again */
	int quit;
	int werr;			/* errno of a failed write, 0 if none */
	struct deflater d;		/* the caller's, when nthreads is 0 */
};

/*
 * Compress one frame into d's buffer.  Sets *payload and *plen to what
 * goes on the wire and returns the method: incompressible data is stored
 * rather than grown.
 */
static int
frame_compress(int level, struct deflater *d, const struct wframe *fr,
    const unsigned char **payload, size_t *plen)
{
	size_t bound;

	*payload = fr->raw;
	*plen = fr->len;
	if (level == 0 || fr->len == 0)
		return METHOD_STORED;
	if (!d->ready) {
		if (deflateInit2(&d->z, level, Z_DEFLATED, -15, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			cli_die("zlib: deflateInit2 failed (out of memory?)");
		d->ready = 1;
	}
	bound = deflateBound(&d->z, fr->len);
	if (bound > d->cap) {
		d->buf = xrealloc(d->buf, bound);
		d->cap = bound;
	}
	if (deflateReset(&d->z) != Z_OK)
		cli_die("zlib: deflateReset failed");
	d->z.next_in = fr->raw;
	d->z.avail_in = fr->len;
	d->z.next_out = d->buf;
	d->z.avail_out = d->cap;
	if (deflate(&d->z, Z_FINISH) != Z_STREAM_END)
		cli_die("zlib: deflate did not finish a %zu-byte frame",
		    fr->len);
	if (d->z.total_out >= fr->len)
		return METHOD_STORED;
	*payload = d->buf;
	*plen = d->z.total_out;
	return METHOD_DEFLATE;
}

static void
deflater_free(struct deflater *d)
{
	if (d->ready)
		deflateEnd(&d->z);
	free(d->buf);
}

/* Write one frame.  Returns 0 or an errno value. */
static int
frame_put(FILE *f, const struct wframe *fr, const unsigned char *payload,
    size_t plen, int method)
{
	unsigned char head[FRAME_HEAD];

	head[0] = fr->type;
	head[1] = method;
	put16(head + 2, 0);
	put32(head + 4, fr->len);
	put32(head + 8, plen);
	put32(head + 12, crc32(0, fr->raw, fr->len));
	if (fwrite(head, 1, FRAME_HEAD, f) != FRAME_HEAD ||
	    fwrite(payload, 1, plen, f) != plen)
		return errno ? errno : EIO;
	return 0;
}

static void *
writer_main(void *arg)
{
	struct stream_writer *w = arg;
	struct deflater d = { .ready = 0 };
	const unsigned char *payload = NULL;
	struct wframe *fr;
	size_t plen = 0;
	uint64_t n;
	int method = METHOD_STORED, skip, e;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->ntaken == w->nfilled && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->ntaken == w->nfilled)
			break;		/* quit, and nothing left to take */
		n = w->ntaken++;
		fr = &w->slot[n % WRITER_SLOTS];
		skip = w->werr != 0;
		pthread_mutex_unlock(&w->mu);
		if (!skip)
			method = frame_compress(w->level, &d, fr, &payload,
			    &plen);
		pthread_mutex_lock(&w->mu);
		while (w->nwritten != n)
			pthread_cond_wait(&w->cv, &w->mu);
		/* Frame n's turn: no other thread writes until nwritten moves. */
		skip = skip || w->werr != 0;
		pthread_mutex_unlock(&w->mu);
		e = skip ? 0 : frame_put(w->f, fr, payload, plen, method);
		pthread_mutex_lock(&w->mu);
		if (e != 0)
			w->werr = e;
		w->nwritten++;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	deflater_free(&d);
	return NULL;
}

static void
writer_check(struct stream_writer *w)
{
	if (w->werr != 0)
		cli_die("write error on %s: %s", w->name, strerror(w->werr));
}

/* Send the current frame on its way and start an empty one. */
static void
frame_flush(struct stream_writer *w)
{
	struct wframe *fr = &w->cur, *slot;
	const unsigned char *payload;
	size_t plen;
	int type = fr->type, method;

	if (fr->len == 0)
		return;
	w->crc = crc32_combine(w->crc, crc32(0, fr->raw, fr->len), fr->len);
	w->rawbytes += fr->len;
	if (w->nthreads == 0) {
		method = frame_compress(w->level, &w->d, fr, &payload, &plen);
		w->werr = frame_put(w->f, fr, payload, plen, method);
		writer_check(w);
		fr->len = 0;
		return;
	}
	pthread_mutex_lock(&w->mu);
	/* Slot nfilled is free once the frame SLOTS before it is written. */
	while (w->nfilled - w->nwritten == WRITER_SLOTS)
		pthread_cond_wait(&w->cv, &w->mu);
	writer_check(w);
	slot = &w->slot[w->nfilled % WRITER_SLOTS];
	/* Swap buffers: the slot takes this frame, cur its old buffer. */
	struct wframe old = *slot;
	*slot = *fr;
	*fr = old;
	w->nfilled++;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (fr->raw == NULL) {
		fr->raw = xmalloc(w->cap);
		fr->cap = w->cap;
	}
	fr->len = 0;
	fr->type = type;
}

static void
frame_reserve(struct stream_writer *w, size_t n, int type)
{
	if (w->cur.type != type || w->cur.len + n > w->cap) {
		frame_flush(w);
		w->cur.type = type;
	}
	if (n > w->cur.cap) {
		if (n > FRAME_MAX_RAW)
			cli_die("%s: a %zu-byte record is larger than a frame "
			    "may be (%u bytes)", w->name, n, FRAME_MAX_RAW);
		/* A record larger than the target gets a frame of its own. */
		w->cur.raw = xrealloc(w->cur.raw, n);
		w->cur.cap = n;
	}
}

static void
header_write(struct stream_writer *w)
{
	unsigned char buf[HEAD_FIXED + 255 + 4];
	size_t L = strlen(w->h.layout);

	if (L > 255)
		cli_die("internal error: layout text longer than 255 bytes");
	memcpy(buf, magic, 8);
	put16(buf + 8, STREAM_VERSION);
	put16(buf + 10, w->h.kind);
	put32(buf + 12, w->h.recsize);
	put32(buf + 16, w->h.dim);
	put32(buf + 20, w->h.flags);
	put64(buf + 24, w->h.count);
	put64(buf + 32, w->h.fingerprint);
	put32(buf + 40, w->h.nwords);
	put16(buf + 44, L);
	memcpy(buf + HEAD_FIXED, w->h.layout, L);
	put32(buf + HEAD_FIXED + L, crc32(0, buf, HEAD_FIXED + L));
	if (fwrite(buf, 1, HEAD_FIXED + L + 4, w->f) != HEAD_FIXED + L + 4)
		cli_die("write error on %s: %s", w->name, strerror(errno));
}

int
stream_parse_level(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return STREAM_LEVEL_AUTO;
	return (int)cli_parse_int(s, 0, 9, "--level");
}

int
stream_auto_level(FILE *f)
{
	struct stat st;

	if (fstat(fileno(f), &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return 0;
	return 1;
}

struct stream_writer *
stream_wopen(FILE *f, const char *name, const struct stream_header *h,
    char *const *words, int level)
{
	struct stream_writer *w = xcalloc(1, sizeof(*w));

	if (level == STREAM_LEVEL_AUTO)
		level = stream_auto_level(f);
	if (level < 0 || level > 9)
		cli_usage_die("compression level %d is not 0..9", level);
	w->f = f;
	w->name = name;
	w->level = level;
	w->h = *h;
	w->h.words = NULL;
	w->h.wordlen = NULL;
	if (w->h.kind == STREAM_COOC) {
		w->h.recsize = sizeof(struct cooc_rec);
		if (w->h.layout[0] == '\0')
			strcpy(w->h.layout, "w1:u32 w2:u32 x:f32");
	}
	if (w->h.kind == STREAM_VECTORS && w->h.layout[0] == '\0')
		snprintf(w->h.layout, sizeof(w->h.layout),
		    "word:str16 vec:f32[%u]", w->h.dim);
	if (w->h.nwords > 0 && words != NULL)
		w->h.fingerprint = stream_fingerprint(words, w->h.nwords);
	w->crc = crc32(0, NULL, 0);
	w->cap = FRAME_TARGET;
	if (w->h.recsize > 0)
		w->cap -= FRAME_TARGET % w->h.recsize;
	w->cur.raw = xmalloc(w->cap);
	w->cur.cap = w->cap;
	w->cur.type = FRAME_VOCAB;
	if (level > 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		int want = ncpu < 1 ? 1 : ncpu > WRITER_THREADS ?
		    WRITER_THREADS : (int)ncpu;

		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		/* Fewer threads than wanted, even none, still work. */
		while (w->nthreads < want && pthread_create(
		    &w->thread[w->nthreads], NULL, writer_main, w) == 0)
			w->nthreads++;
	}
	header_write(w);
	for (uint32_t i = 0; i < w->h.nwords; i++) {
		size_t len = strlen(words[i]);
		if (len > STREAM_MAX_WORD)
			cli_die("word %u is %zu bytes; the most a stream "
			    "carries is %u", i, len, STREAM_MAX_WORD);
		frame_reserve(w, 2 + len, FRAME_VOCAB);
		put16(w->cur.raw + w->cur.len, len);
		memcpy(w->cur.raw + w->cur.len + 2, words[i], len);
		w->cur.len += 2 + len;
	}
	frame_flush(w);
	w->cur.type = FRAME_RECORDS;
	return w;
}

void
stream_write(struct stream_writer *w, const void *recs, size_t nrecs)
{
	const unsigned char *p = recs;
	size_t rs = w->h.recsize, room, n;

	if (rs == 0)
		cli_die("internal error: stream_write on variable records");
	while (nrecs > 0) {
		if (w->cur.len == w->cap)
			frame_flush(w);
		room = (w->cap - w->cur.len) / rs;
		n = nrecs < room ? nrecs : room;
		memcpy(w->cur.raw + w->cur.len, p, n * rs);
		w->cur.len += n * rs;
		p += n * rs;
		nrecs -= n;
		w->nrecs += n;
	}
}

void
stream_write_vector(struct stream_writer *w, const char *word, size_t len,
    const float *v)
{
	size_t need = 2 + len + (size_t)w->h.dim * sizeof(float);

	if (len > STREAM_MAX_WORD)
		cli_die("a %zu-byte word is longer than a stream carries (%u)",
		    len, STREAM_MAX_WORD);
	frame_reserve(w, need, FRAME_RECORDS);
	put16(w->cur.raw + w->cur.len, len);
	memcpy(w->cur.raw + w->cur.len + 2, word, len);
	memcpy(w->cur.raw + w->cur.len + 2 + len, v,
	    (size_t)w->h.dim * sizeof(float));
	w->cur.len += need;
	w->nrecs++;
}

uint64_t
stream_wcount(const struct stream_writer *w)
{
	return w->nrecs;
}

void
stream_wclose(struct stream_writer *w)
{
	unsigned char head[FRAME_HEAD], end[END_PAYLOAD];

	frame_flush(w);
	if (w->level > 0) {
		pthread_mutex_lock(&w->mu);
		while (w->nwritten != w->nfilled)
			pthread_cond_wait(&w->cv, &w->mu);
		w->quit = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		for (int t = 0; t < w->nthreads; t++)
			pthread_join(w->thread[t], NULL);
		for (int k = 0; k < WRITER_SLOTS; k++)
			free(w->slot[k].raw);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	writer_check(w);
	if (w->h.count != STREAM_COUNT_UNKNOWN && w->h.count != w->nrecs)
		cli_die("internal error: header promised %llu records, "
		    "wrote %llu", (unsigned long long)w->h.count,
		    (unsigned long long)w->nrecs);
	put64(end, w->nrecs);
	put64(end + 8, w->rawbytes);
	put32(end + 16, w->crc);
	put32(end + 20, 0);
	head[0] = FRAME_END;
	head[1] = METHOD_STORED;
	put16(head + 2, 0);
	put32(head + 4, END_PAYLOAD);
	put32(head + 8, END_PAYLOAD);
	put32(head + 12, crc32(0, end, END_PAYLOAD));
	if (fwrite(head, 1, FRAME_HEAD, w->f) != FRAME_HEAD ||
	    fwrite(end, 1, END_PAYLOAD, w->f) != END_PAYLOAD ||
	    fflush(w->f) != 0)
		cli_die("write error on %s: %s", w->name, strerror(errno));
	deflater_free(&w->d);
	free(w->cur.raw);
	free(w);
}

/*
 * Reader.  Input comes through inbuf so that bytes a caller peeked at can
 * be put back in front of the FILE.
 */
struct stream_reader {
	FILE *f;
	const char *name;
	struct stream_header h;
	const unsigned char *peek;	/* bytes the caller already read */
	size_t npeek;

	unsigned char *raw;		/* current frame, inflated */
	size_t rawcap, rawlen, rawpos;
	unsigned char *zin;		/* compressed payload */
	size_t zincap;
	z_stream z;
	uint64_t nrecs;
	uint64_t rawbytes;
	uint32_t crc;
	int ended;
	char *vocabbuf;			/* all words, NUL-terminated */
	size_t vocablen;
};

static void __attribute__((noreturn))
rdie_truncated(struct stream_reader *r)
{
	cli_die("%s: stream truncated after %llu records: did the upstream "
	    "command fail?", r->name, (unsigned long long)r->nrecs);
}

/* Read up to n bytes; fewer only at the end of input. */
static size_t
rread(struct stream_reader *r, void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0, k;

	if (r->npeek > 0) {
		k = n < r->npeek ? n : r->npeek;
		memcpy(p, r->peek, k);
		r->peek += k;
		r->npeek -= k;
		got = k;
	}
	if (got < n)
		got += fread(p + got, 1, n - got, r->f);
	if (got < n && ferror(r->f))
		cli_die("read error on %s: %s", r->name, strerror(errno));
	return got;
}

/* Read exactly n bytes; 0 on a clean end of input before any byte. */
static int
rfill(struct stream_reader *r, void *buf, size_t n)
{
	size_t got = rread(r, buf, n);

	if (got == n)
		return 1;
	if (got == 0)
		return 0;
	rdie_truncated(r);
}

static const char *
looks_like(const unsigned char *b, size_t n)
{
	size_t printable = 0;

	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return "gzip data (decompress it, or did you mean "
		    "token text?)";
	for (size_t i = 0; i < n; i++)
		if ((b[i] >= 0x20 && b[i] < 0x7f) || b[i] == '\n' ||
		    b[i] == '\t' || b[i] >= 0x80)
			printable++;
	if (printable == n)
		return "text, not a firth stream";
	if (glovecooc_sniff(b, n))
		return "not a firth stream (bad magic); if it is GloVe's "
		    "binary co-occurrence file (cooccurrence.shuf.bin), give "
		    "its vocab.txt: firth-cat --vocab vocab.txt -f firth FILE "
		    "> cooc.fs";
	return "not a firth stream (bad magic)";
}

static void
header_read(struct stream_reader *r, int expect)
{
	unsigned char buf[HEAD_FIXED + 255 + 4];
	uint32_t L, version;
	size_t n;

	/*
	 * Input shorter than the magic is still sniffed: "hi\n" is text, not
	 * a truncated stream; only a cut-off magic is truncation.
	 */
	n = rread(r, buf, 8);
	if (n == 0)
		cli_die("%s: empty input where a firth stream was expected: "
		    "did the upstream command fail?", r->name);
	if (memcmp(buf, magic, n) != 0)
		cli_die("%s: input is %s", r->name, looks_like(buf, n));
	if (n < 8)
		rdie_truncated(r);
	if (!rfill(r, buf + 8, HEAD_FIXED - 8))
		rdie_truncated(r);
	L = get16(buf + 44);
	if (L > 255)
		cli_die("%s: corrupt header (layout length %u)", r->name, L);
	if (!rfill(r, buf + HEAD_FIXED, L + 4))
		rdie_truncated(r);
	if (get32(buf + HEAD_FIXED + L) != crc32(0, buf, HEAD_FIXED + L))
		cli_die("%s: corrupt header (CRC mismatch)", r->name);
	version = get16(buf + 8);
	if (version != STREAM_VERSION)
		cli_die("%s: stream format version %u; this firth reads "
		    "version %u (upgrade firth)", r->name, version,
		    STREAM_VERSION);
	r->h.kind = get16(buf + 10);
	r->h.recsize = get32(buf + 12);
	r->h.dim = get32(buf + 16);
	r->h.flags = get32(buf + 20);
	r->h.count = get64(buf + 24);
	r->h.fingerprint = get64(buf + 32);
	r->h.nwords = get32(buf + 40);
	memcpy(r->h.layout, buf + HEAD_FIXED, L);
	r->h.layout[L] = '\0';
	if (expect != 0 && r->h.kind != expect)
		cli_die("%s: expected %s, got %s", r->name,
		    stream_kind_name(expect), stream_kind_name(r->h.kind));
	switch (r->h.kind) {
	case STREAM_COOC:
		if (r->h.recsize != sizeof(struct cooc_rec) || r->h.dim != 0)
			cli_die("%s: corrupt header (cooc record size %u)",
			    r->name, r->h.recsize);
		break;
	case STREAM_VECTORS:
		if (r->h.recsize != 0 || r->h.dim == 0 ||
		    r->h.dim > STREAM_MAX_DIM)
			cli_die("%s: corrupt header (vector dim %u)", r->name,
			    r->h.dim);
		break;
	default:
		cli_die("%s: unknown record kind %d (a newer firth wrote "
		    "it?)", r->name, r->h.kind);
	}
	if (r->h.nwords > STREAM_MAX_VOCAB)
		cli_die("%s: corrupt header (%u vocabulary words)", r->name,
		    r->h.nwords);
	if ((r->h.nwords == 0) != (r->h.fingerprint == 0))
		cli_die("%s: corrupt header (vocabulary without fingerprint)",
		    r->name);
}

/*
 * Read the next frame into r->raw.  Returns its type.  Every field is
 * checked before it is used.
 */
static int
frame_read(struct stream_reader *r)
{
	unsigned char head[FRAME_HEAD];
	uint32_t rawlen, zlen, crc;
	int type, method;

	if (!rfill(r, head, FRAME_HEAD))
		rdie_truncated(r);
	type = head[0];
	method = head[1];
	rawlen = get32(head + 4);
	zlen = get32(head + 8);
	crc = get32(head + 12);
	if ((type != FRAME_VOCAB && type != FRAME_RECORDS &&
	    type != FRAME_END) || get16(head + 2) != 0)
		cli_die("%s: corrupt frame after %llu records (bad frame "
		    "type)", r->name, (unsigned long long)r->nrecs);
	if (rawlen > FRAME_MAX_RAW ||
	    (method == METHOD_STORED && zlen != rawlen) ||
	    (method == METHOD_DEFLATE && (zlen > compressBound(rawlen) ||
	    zlen == 0)) || method > METHOD_DEFLATE ||
	    (type == FRAME_END && (rawlen != END_PAYLOAD || method != 0)))
		cli_die("%s: corrupt frame after %llu records (impossible "
		    "lengths %u/%u)", r->name, (unsigned long long)r->nrecs,
		    rawlen, zlen);
	if (rawlen > r->rawcap) {
		r->raw = xrealloc(r->raw, rawlen);
		r->rawcap = rawlen;
	}
	if (method == METHOD_STORED) {
		if (rawlen > 0 && !rfill(r, r->raw, rawlen))
			rdie_truncated(r);
	} else {
		if (zlen > r->zincap) {
			r->zin = xrealloc(r->zin, zlen);
			r->zincap = zlen;
		}
		if (!rfill(r, r->zin, zlen))
			rdie_truncated(r);
		if (inflateReset(&r->z) != Z_OK)
			cli_die("zlib: inflateReset failed");
		r->z.next_in = r->zin;
		r->z.avail_in = zlen;
		r->z.next_out = r->raw;
		r->z.avail_out = rawlen;
		if (inflate(&r->z, Z_FINISH) != Z_STREAM_END ||
		    r->z.total_out != rawlen || r->z.avail_in != 0)
			cli_die("%s: corrupt frame after %llu records "
			    "(deflate data does not decode)", r->name,
			    (unsigned long long)r->nrecs);
	}
	if (crc32(0, r->raw, rawlen) != crc)
		cli_die("%s: corrupt frame after %llu records (CRC "
		    "mismatch)", r->name, (unsigned long long)r->nrecs);
	r->rawlen = rawlen;
	r->rawpos = 0;
	if (type != FRAME_END) {
		r->crc = crc32_combine(r->crc, crc, rawlen);
		r->rawbytes += rawlen;
	}
	return type;
}

static void
end_check(struct stream_reader *r)
{
	uint64_t n = get64(r->raw), bytes = get64(r->raw + 8);
	uint32_t crc = get32(r->raw + 16);

	if (n != r->nrecs || bytes != r->rawbytes || crc != r->crc)
		cli_die("%s: corrupt stream: the trailer says %llu records, "
		    "%llu were read", r->name, (unsigned long long)n,
		    (unsigned long long)r->nrecs);
	if (r->h.count != STREAM_COUNT_UNKNOWN && r->h.count != n)
		cli_die("%s: corrupt stream: the header promised %llu "
		    "records, the trailer says %llu", r->name,
		    (unsigned long long)r->h.count, (unsigned long long)n);
	r->ended = 1;
}

static void
vocab_read(struct stream_reader *r)
{
	uint32_t got = 0;
	size_t pos, len, total = 0;
	int type;

	if (r->h.nwords == 0)
		return;
	r->h.words = xreallocarray(NULL, r->h.nwords, sizeof(char *));
	r->h.wordlen = xreallocarray(NULL, r->h.nwords, sizeof(uint16_t));
	while (got < r->h.nwords) {
		type = frame_read(r);
		if (type != FRAME_VOCAB)
			cli_die("%s: corrupt stream: %u of %u vocabulary "
			    "words before the records", r->name, got,
			    r->h.nwords);
		/* Words become NUL-terminated copies in one growing buffer. */
		r->vocabbuf = xrealloc(r->vocabbuf, total + r->rawlen +
		    r->rawlen / 2 + 1);
		for (pos = 0; pos < r->rawlen; pos += 2 + len) {
			if (r->rawlen - pos < 2 ||
			    (len = get16(r->raw + pos)) > r->rawlen - pos - 2)
				cli_die("%s: corrupt vocabulary frame "
				    "(word length past the frame)", r->name);
			if (got == r->h.nwords)
				cli_die("%s: corrupt stream: more than %u "
				    "vocabulary words", r->name, r->h.nwords);
			if (memchr(r->raw + pos + 2, '\0', len) != NULL)
				cli_die("%s: corrupt vocabulary (NUL byte in "
				    "word %u)", r->name, got);
			memcpy(r->vocabbuf + total, r->raw + pos + 2, len);
			r->vocabbuf[total + len] = '\0';
			r->h.words[got] = (char *)(uintptr_t)total;
			r->h.wordlen[got] = len;
			total += len + 1;
			got++;
		}
		r->rawpos = r->rawlen;	/* consumed: records come next */
	}
	for (uint32_t i = 0; i < r->h.nwords; i++)
		r->h.words[i] = r->vocabbuf + (uintptr_t)r->h.words[i];
	if (stream_fingerprint(r->h.words, r->h.nwords) != r->h.fingerprint)
		cli_die("%s: corrupt stream: vocabulary does not match its "
		    "fingerprint", r->name);
	r->vocablen = total;
}

struct stream_reader *
stream_ropen_peeked(FILE *f, const char *name, int expect_kind,
    const void *peek, size_t npeek)
{
	struct stream_reader *r = xcalloc(1, sizeof(*r));

	r->f = f;
	r->name = name;
	r->peek = peek;
	r->npeek = npeek;
	r->crc = crc32(0, NULL, 0);
	if (inflateInit2(&r->z, -15) != Z_OK)
		cli_die("zlib: inflateInit2 failed");
	header_read(r, expect_kind);
	vocab_read(r);
	return r;
}

struct stream_reader *
stream_ropen(FILE *f, const char *name, int expect_kind)
{
	return stream_ropen_peeked(f, name, expect_kind, NULL, 0);
}

const struct stream_header *
stream_rheader(const struct stream_reader *r)
{
	return &r->h;
}

/* Advance to a record frame with data; 0 at the verified end. */
static int
next_records(struct stream_reader *r)
{
	int type;

	while (r->rawpos == r->rawlen) {
		if (r->ended)
			return 0;
		type = frame_read(r);
		if (type == FRAME_END) {
			end_check(r);
			r->rawlen = r->rawpos = 0;
			return 0;
		}
		if (type != FRAME_RECORDS)
			cli_die("%s: corrupt stream: vocabulary frame among "
			    "the records", r->name);
	}
	return 1;
}

const void *
stream_read_block(struct stream_reader *r, size_t *nrecs)
{
	size_t rs = r->h.recsize, n;
	const void *p;

	*nrecs = 0;
	if (rs == 0)
		cli_die("internal error: stream_read_block on vectors");
	if (!next_records(r))
		return NULL;
	if ((r->rawlen - r->rawpos) % rs != 0)
		cli_die("%s: corrupt frame (%zu bytes is not a whole number "
		    "of %zu-byte records)", r->name, r->rawlen - r->rawpos, rs);
	n = (r->rawlen - r->rawpos) / rs;
	p = r->raw + r->rawpos;
	r->rawpos = r->rawlen;
	r->nrecs += n;
	*nrecs = n;
	return p;
}

size_t
stream_read(struct stream_reader *r, void *buf, size_t max)
{
	size_t rs = r->h.recsize, n, avail;

	if (rs == 0)
		cli_die("internal error: stream_read on vectors");
	if (max == 0 || !next_records(r))
		return 0;
	if ((r->rawlen - r->rawpos) % rs != 0)
		cli_die("%s: corrupt frame (%zu bytes is not a whole number "
		    "of %zu-byte records)", r->name, r->rawlen - r->rawpos, rs);
	avail = (r->rawlen - r->rawpos) / rs;
	n = avail < max ? avail : max;
	memcpy(buf, r->raw + r->rawpos, n * rs);
	r->rawpos += n * rs;
	r->nrecs += n;
	return n;
}

int
stream_read_vector(struct stream_reader *r, const char **word, size_t *len,
    float *v)
{
	size_t left, wl, vb = (size_t)r->h.dim * sizeof(float);

	if (r->h.kind != STREAM_VECTORS)
		cli_die("internal error: stream_read_vector on %s",
		    stream_kind_name(r->h.kind));
	if (!next_records(r))
		return 0;
	left = r->rawlen - r->rawpos;
	if (left < 2 || (wl = get16(r->raw + r->rawpos)) > left - 2 ||
	    vb > left - 2 - wl)
		cli_die("%s: corrupt vector record %llu (length past the "
		    "frame)", r->name, (unsigned long long)r->nrecs + 1);
	*word = (const char *)r->raw + r->rawpos + 2;
	*len = wl;
	memcpy(v, r->raw + r->rawpos + 2 + wl, vb);
	r->rawpos += 2 + wl + vb;
	r->nrecs++;
	return 1;
}

uint64_t
stream_rcount(const struct stream_reader *r)
{
	return r->nrecs;
}

void
stream_rclose(struct stream_reader *r)
{
	if (r == NULL)
		return;
	inflateEnd(&r->z);
	free(r->raw);
	free(r->zin);
	free(r->vocabbuf);
	free(r->h.words);
	free(r->h.wordlen);
	free(r);
}
