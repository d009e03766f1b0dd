/*
 * replay.c - build/tests/test_fuzz: every seed and regression input of
 * every fuzz target, run once through the same target code that libFuzzer
 * drives, built by the ordinary compiler (no clang needed).  One TAP line
 * per target.  A crash kills the program; the input being run is named on
 * stderr first (and by the sanitizers' death callback under
 * `make check-sanitize').
 *
 *	test_fuzz [-v] [TARGET FILE...]
 *
 * Without arguments the inputs are the files of tests/fuzz/corpus/TARGET
 * and tests/fuzz/regress/TARGET under $FIRTH_TOP (or the current
 * directory).  -v keeps the library's
 * rejection messages on stderr.
 */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz.h"

#define TARGET(name) int fuzz_##name(const uint8_t *data, size_t size);
#include "targets.def"
#undef TARGET

static const struct {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
} targets[] = {
#define TARGET(name) { #name, fuzz_##name },
#include "targets.def"
#undef TARGET
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static char current[4096];

static void
say_current(void)
{
	/* Only async-signal-safe calls: this runs from a signal handler. */
	static const char pre[] = "test_fuzz: crashed on ";
	if (current[0] == '\0')
		return;
	(void)!write(STDERR_FILENO, pre, sizeof(pre) - 1);
	(void)!write(STDERR_FILENO, current, strlen(current));
	(void)!write(STDERR_FILENO, "\n", 1);
}

static void
on_crash(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Present only in a sanitizer build. */
void __sanitizer_set_death_callback(void (*cb)(void))
    __attribute__((weak));

static int
run_file(int (*fn)(const uint8_t *, size_t), const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, k;

	if (f == NULL) {
		printf("# cannot open %s\n", path);
		return -1;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	if (ferror(f)) {
		printf("# read error on %s\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	snprintf(current, sizeof(current), "%s", path);
	/* A copy of exactly n bytes, so overreads hit the redzone. */
	uint8_t *exact = malloc(n ? n : 1);
	if (exact == NULL)
		abort();
	memcpy(exact, buf, n);
	free(buf);
	fn(exact, n);
	free(exact);
	current[0] = '\0';
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every file of dir; returns how many, or -1 on a read error. */
static int
run_dir(int (*fn)(const uint8_t *, size_t), const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	int count = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof(*names))) == NULL)
				abort();
		}
		if ((names[n++] = strdup(e->d_name)) == NULL)
			abort();
	}
	closedir(d);
	if (n > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (count >= 0 && run_file(fn, path) == 0)
			count++;
		else
			count = -1;
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char **argv)
{
	const char *top = getenv("FIRTH_TOP");
	char dir[4096];
	int failed = 0, n = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		setenv("FUZZ_VERBOSE", "1", 1);
		argc--;
		argv++;
	}
	fuzz_init();
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGFPE, on_crash);
	signal(SIGABRT, on_crash);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(say_current);
	if (argc > 2) {
		/* One target, the files named. */
		for (size_t t = 0; t < NTARGETS; t++)
			if (strcmp(targets[t].name, argv[1]) == 0) {
				for (int i = 2; i < argc; i++)
					if (run_file(targets[t].fn, argv[i]))
						return 1;
				printf("ok 1 - %s: %d inputs\n", argv[1],
				    argc - 2);
				return 0;
			}
		dprintf(STDERR_FILENO, "test_fuzz: no target %s\n", argv[1]);
		return 2;
	}
	if (top == NULL)
		top = ".";
	for (size_t t = 0; t < NTARGETS; t++) {
		int seeds, regress;

		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top,
		    targets[t].name);
		seeds = run_dir(targets[t].fn, dir);
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/regress/%s", top,
		    targets[t].name);
		regress = run_dir(targets[t].fn, dir);
		/* A target without seeds would be a test that cannot fail. */
		n++;
		if (seeds <= 0 || regress < 0) {
			failed++;
			printf("not ok %d - fuzz target %s: %d seed inputs "
			    "(none, or unreadable)\n", n, targets[t].name,
			    seeds);
		} else
			printf("ok %d - fuzz target %s replays %d seed and %d "
			    "regression inputs\n", n, targets[t].name, seeds,
			    regress);
	}
	printf("1..%d\n", n);
	return failed != 0;
}
