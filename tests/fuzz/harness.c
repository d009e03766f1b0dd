/*
 * harness.c - fuzz_call (catch cli_die), memory FILEs, and the tracking
 * of what the library allocates and opens (see fuzz.h for why).
 *
 * The library's objects call fuzz_malloc, fuzz_free, fuzz_inflateInit2_
 * ... instead of the C library's and zlib's functions (objcopy
 * --redefine-sym, see FUZZ_SYMS in the Makefile); this file is compiled
 * as it is, so the calls here reach the real ones.
 */
#include "fuzz.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"

/* ---- tracking ---- */

/*
 * Live blocks: an open-addressing set of pointers (linear probing, a
 * tombstone for deleted slots), grown so that it stays at most half full.
 */
#define TOMB ((void *)1)
static void **tab;
static size_t tabcap, tabused;	/* slots; live + tombstones */
static int active;

/* zlib streams and gzip files opened and not yet closed. */
enum { Z_INFL, Z_DEFL, Z_GZ };
struct zent {
	void *p;
	int kind;
};
static struct zent *zs;
static size_t nzs, capzs;

static size_t
slot(const void *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 20) & (cap - 1);
}

static void
tab_put(void *p)
{
	size_t i;

	if ((tabused + 1) * 2 > tabcap) {
		void **old = tab;
		size_t oldcap = tabcap;

		tabcap = tabcap ? tabcap * 2 : 1024;
		tab = calloc(tabcap, sizeof(*tab));
		if (tab == NULL)
			abort();
		tabused = 0;
		for (size_t k = 0; k < oldcap; k++)
			if (old[k] != NULL && old[k] != TOMB) {
				for (i = slot(old[k], tabcap); tab[i] != NULL;
				    i = (i + 1) & (tabcap - 1))
					;
				tab[i] = old[k];
				tabused++;
			}
		free(old);
	}
	for (i = slot(p, tabcap); tab[i] != NULL && tab[i] != TOMB;
	    i = (i + 1) & (tabcap - 1))
		;
	if (tab[i] == NULL)
		tabused++;
	tab[i] = p;
}

static void
tab_del(void *p)
{
	if (tabcap == 0 || p == NULL)
		return;
	for (size_t i = slot(p, tabcap); tab[i] != NULL;
	    i = (i + 1) & (tabcap - 1))
		if (tab[i] == p) {
			tab[i] = TOMB;
			return;
		}
}

static void
zs_add(void *p, int kind)
{
	if (nzs == capzs) {
		capzs = capzs ? capzs * 2 : 16;
		zs = realloc(zs, capzs * sizeof(*zs));
		if (zs == NULL)
			abort();
	}
	zs[nzs].p = p;
	zs[nzs++].kind = kind;
}

static void
zs_del(void *p)
{
	for (size_t i = 0; i < nzs; i++)
		if (zs[i].p == p) {
			zs[i] = zs[--nzs];
			return;
		}
}

void
track_begin(void)
{
	active = 1;
}

void
track_end(int died)
{
	active = 0;
	if (died) {
		/* Streams first: their state lives in tracked blocks. */
		for (size_t i = 0; i < nzs; i++)
			if (zs[i].kind == Z_INFL)
				inflateEnd(zs[i].p);
			else if (zs[i].kind == Z_DEFL)
				deflateEnd(zs[i].p);
			else
				gzclose(zs[i].p);
		for (size_t i = 0; i < tabcap; i++)
			if (tab[i] != NULL && tab[i] != TOMB)
				free(tab[i]);
	}
	/* After a normal return, leftovers are leaks: LeakSanitizer's. */
	nzs = 0;
	if (tabcap > 0)
		memset(tab, 0, tabcap * sizeof(*tab));
	tabused = 0;
}

void *fuzz_malloc(size_t n);
void *fuzz_calloc(size_t n, size_t size);
void *fuzz_realloc(void *p, size_t n);
void *fuzz_reallocarray(void *p, size_t n, size_t size);
void fuzz_free(void *p);
char *fuzz_strdup(const char *s);
ssize_t fuzz_getline(char **lp, size_t *cap, FILE *f);
ssize_t fuzz_getdelim(char **lp, size_t *cap, int delim, FILE *f);
ssize_t fuzz___getdelim(char **lp, size_t *cap, int delim, FILE *f);
int fuzz_inflateInit2_(z_streamp z, int bits, const char *v, int size);
int fuzz_inflateEnd(z_streamp z);
int fuzz_deflateInit2_(z_streamp z, int level, int method, int bits,
    int mem, int strategy, const char *v, int size);
int fuzz_deflateEnd(z_streamp z);
gzFile fuzz_gzopen(const char *path, const char *mode);
gzFile fuzz_gzdopen(int fd, const char *mode);
int fuzz_gzclose(gzFile gz);

void *
fuzz_malloc(size_t n)
{
	void *p = malloc(n);

	if (active && p != NULL)
		tab_put(p);
	return p;
}

void *
fuzz_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (active && p != NULL)
		tab_put(p);
	return p;
}

void *
fuzz_realloc(void *p, size_t n)
{
	void *q;

	/* Out of the set before the call: p's value is dead after it. */
	if (active)
		tab_del(p);
	q = realloc(p, n);
	if (active && (q != NULL || p != NULL))
		tab_put(q != NULL ? q : p);
	return q;
}

void *
fuzz_reallocarray(void *p, size_t n, size_t size)
{
	void *q;

	/* Out of the set before the call: p's value is dead after it. */
	if (active)
		tab_del(p);
	q = reallocarray(p, n, size);
	if (active && (q != NULL || p != NULL))
		tab_put(q != NULL ? q : p);
	return q;
}

void
fuzz_free(void *p)
{
	if (active)
		tab_del(p);
	free(p);
}

char *
fuzz_strdup(const char *s)
{
	char *p = strdup(s);

	if (active && p != NULL)
		tab_put(p);
	return p;
}

/* getline reallocates *lp itself: the old block leaves the set first. */
ssize_t
fuzz_getdelim(char **lp, size_t *cap, int delim, FILE *f)
{
	ssize_t n;

	if (active)
		tab_del(*lp);
	n = getdelim(lp, cap, delim, f);
	if (active && *lp != NULL)
		tab_put(*lp);
	return n;
}

/* What glibc's inline getline calls at -O2. */
ssize_t
fuzz___getdelim(char **lp, size_t *cap, int delim, FILE *f)
{
	return fuzz_getdelim(lp, cap, delim, f);
}

ssize_t
fuzz_getline(char **lp, size_t *cap, FILE *f)
{
	return fuzz_getdelim(lp, cap, '\n', f);
}

int
fuzz_inflateInit2_(z_streamp z, int bits, const char *v, int size)
{
	int rc = inflateInit2_(z, bits, v, size);

	if (active && rc == Z_OK)
		zs_add(z, Z_INFL);
	return rc;
}

int
fuzz_inflateEnd(z_streamp z)
{
	zs_del(z);
	return inflateEnd(z);
}

int
fuzz_deflateInit2_(z_streamp z, int level, int method, int bits, int mem,
    int strategy, const char *v, int size)
{
	int rc = deflateInit2_(z, level, method, bits, mem, strategy, v, size);

	if (active && rc == Z_OK)
		zs_add(z, Z_DEFL);
	return rc;
}

int
fuzz_deflateEnd(z_streamp z)
{
	zs_del(z);
	return deflateEnd(z);
}

gzFile
fuzz_gzopen(const char *path, const char *mode)
{
	gzFile gz = gzopen(path, mode);

	if (active && gz != NULL)
		zs_add(gz, Z_GZ);
	return gz;
}

gzFile
fuzz_gzdopen(int fd, const char *mode)
{
	gzFile gz = gzdopen(fd, mode);

	if (active && gz != NULL)
		zs_add(gz, Z_GZ);
	return gz;
}

int
fuzz_gzclose(gzFile gz)
{
	zs_del(gz);
	return gzclose(gz);
}

/* ---- calls ---- */

static jmp_buf die_jmp;

static void
die_hook(void)
{
	longjmp(die_jmp, 1);
}

int
fuzz_call(void (*body)(void *), void *arg)
{
	volatile int died = 0;

	track_begin();
	cli_die_hook = die_hook;
	if (setjmp(die_jmp) == 0)
		body(arg);
	else
		died = 1;
	cli_die_hook = NULL;
	track_end(died);
	return died;
}

FILE *
fuzz_fmem(const uint8_t *data, size_t size)
{
	static char empty[1];
	FILE *f;

	/* fmemopen wants a buffer of at least one byte. */
	if (size == 0) {
		f = fmemopen(empty, 1, "r");
		if (f != NULL)
			(void)fgetc(f);
	} else
		f = fmemopen((void *)data, size, "r");
	if (f == NULL) {
		perror("fuzz: fmemopen");
		abort();
	}
	return f;
}

void
fuzz_fclose(FILE *f)
{
	fclose(f);
}

/*
 * The library says why it rejects an input on stderr; thousands of
 * rejections a second would drown what matters.  The stdio stream goes to
 * /dev/null (unless $FUZZ_VERBOSE is set); sanitizer reports and the
 * fuzzer's own lines are written to file descriptor 2 and still show.
 */
void
fuzz_init(void)
{
	FILE *f;

	cli_progname = "fuzz";
	if (getenv("FUZZ_VERBOSE") == NULL &&
	    (f = fopen("/dev/null", "w")) != NULL)
		stderr = f;
}
