/*
 * cli.c - diagnostics, bounded parsing, checked allocation and output,
 * temporary-file cleanup and progress lines shared by every tool.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *cli_progname = "firth";
int cli_verbose;

/* Temporary files to remove on the way out.  Fixed size: tools keep few. */
#define TMP_MAX_FILES 4096
static char *tmp_paths[TMP_MAX_FILES];
static volatile sig_atomic_t tmp_count;

static void
tmp_cleanup(void)
{
	for (int i = 0; i < tmp_count; i++)
		if (tmp_paths[i] != NULL)
			unlink(tmp_paths[i]);
}

static void
on_signal(int sig)
{
	tmp_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
cli_init(int argc, char **argv)
{
	const char *p;

	(void)argc;
	if (argv[0] != NULL) {
		p = strrchr(argv[0], '/');
		cli_progname = p != NULL ? p + 1 : argv[0];
	}
	atexit(tmp_cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/*
	 * A closed pipe downstream (firth-cat | head) is not an error of ours:
	 * die quietly on SIGPIPE as every filter does, but clean up first.
	 */
	signal(SIGPIPE, on_signal);
	/*
	 * Past RLIMIT_FSIZE (ulimit -f) the kernel sends SIGXFSZ, whose
	 * default kills the process with no word and leaves its temporary
	 * files.  Ignored, the write fails with EFBIG instead, and the
	 * tool says "File too large", cleans up and exits 1 like on any
	 * other full disk.
	 */
	signal(SIGXFSZ, SIG_IGN);
}

static void
vmsg(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", cli_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
cli_info(const char *fmt, ...)
{
	va_list ap;

	if (cli_verbose < 0)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void (*cli_die_hook)(void);

void
cli_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	if (cli_die_hook != NULL)
		cli_die_hook();
	exit(EXIT_FAIL);
}

void
cli_usage_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    cli_progname);
	exit(EXIT_USAGE);
}

void
cli_version(void)
{
	printf("%s (firth) %s\n", cli_progname, FIRTH_VERSION);
	cli_fclose(stdout, "stdout");
	exit(EXIT_OK);
}

long long
cli_parse_int(const char *s, long long min, long long max, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0')
		cli_usage_die("%s: '%s' is not a whole number", what, s);
	if (errno == ERANGE)
		v = s[0] == '-' ? LLONG_MIN : LLONG_MAX;
	if (v < min)
		cli_usage_die("%s: %s is too small, the least is %lld",
		    what, s, min);
	if (v > max)
		cli_usage_die("%s: %s is too large, the most is %lld",
		    what, s, max);
	return v;
}

double
cli_parse_double(const char *s, double min, double max, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || isnan(v))
		cli_usage_die("%s: '%s' is not a number", what, s);
	if (v < min || v > max || errno == ERANGE)
		cli_usage_die("%s: %s is out of range [%g, %g]",
		    what, s, min, max);
	return v;
}

uint64_t
cli_physmem(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || size <= 0)
		return 4ULL << 30;
	return (uint64_t)pages * (uint64_t)size;
}

uint64_t
cli_parse_size(const char *s, const char *what)
{
	char *end;
	double v, mult = 1;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || end == s || isnan(v) || v < 0 || errno == ERANGE)
		cli_usage_die("%s: '%s' is not a size (try 512M, 4G, 50%%)",
		    what, s);
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mult = 1024.0; end++; break;
	case 'm': case 'M': mult = 1024.0 * 1024; end++; break;
	case 'g': case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
	case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	case '%':
		if (v > 100)
			cli_usage_die("%s: %s is more than all memory", what, s);
		mult = (double)cli_physmem() / 100; end++;
		break;
	default: break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		cli_usage_die("%s: '%s' is not a size (try 512M, 4G, 50%%)",
		    what, s);
	if (v * mult > 9.0e18)
		cli_usage_die("%s: %s is too large", what, s);
	return (uint64_t)(v * mult);
}

static void *
nomem(size_t n)
{
	cli_die("out of memory (wanted %zu bytes); lower -M or free memory", n);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p != NULL ? p : nomem(n);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p != NULL ? p : nomem(n * size);
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q != NULL ? q : nomem(n);
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		cli_die("out of memory (%zu x %zu bytes overflows)", n, size);
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void
xfwrite(const void *p, size_t size, size_t n, FILE *f, const char *name)
{
	if (n != 0 && fwrite(p, size, n, f) != n)
		cli_die("write error on %s: %s", name, strerror(errno));
}

void
cli_fclose(FILE *f, const char *name)
{
	int bad = ferror(f);

	if (fflush(f) != 0 || bad) {
		int e = errno;
		/* stdout closed by a reader that has all it wanted: not ours. */
		if (e == EPIPE)
			exit(EXIT_FAIL);
		cli_die("write error on %s: %s", name,
		    bad && e == 0 ? "I/O error" : strerror(e));
	}
	if (fclose(f) != 0)
		cli_die("write error on %s: %s", name, strerror(errno));
}

FILE *
cli_out_open(const char *path)
{
	FILE *f = fopen(path, "wb");
	struct stat sb;

	if (f == NULL)
		cli_die("cannot create %s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		cli_atexit_unlink(path);
	return f;
}

void
cli_out_close(FILE *f, const char *path)
{
	cli_fclose(f, path);
	cli_atexit_forget(path);
}

FILE *
cli_replace_open(const char *path, char **tmpp)
{
	size_t n = strlen(path) + 16;
	char *tmp = xmalloc(n);
	mode_t mask;
	FILE *f;
	int fd;

	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		cli_die("cannot create a file beside %s: %s", path,
		    strerror(errno));
	cli_atexit_unlink(tmp);
	/* mkstemp makes the file 0600; give it what creat(2) would
	 * (0666 less the umask). */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || (f = fdopen(fd, "wb")) == NULL)
		cli_die("cannot create %s: %s", tmp, strerror(errno));
	*tmpp = tmp;
	return f;
}

void
cli_replace_commit(FILE *f, char *tmp, const char *path)
{
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		int e = errno;
		fclose(f);
		cli_die("write error on %s: %s", tmp, strerror(e));
	}
	if (fclose(f) != 0)
		cli_die("write error on %s: %s", tmp, strerror(errno));
	if (rename(tmp, path) != 0)
		cli_die("cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
	cli_atexit_forget(tmp);
	free(tmp);
}

FILE *
cli_tmpfile(const char *tag, char **pathp)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	size_t n;
	int fd;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	n = strlen(dir) + strlen(tag) + 32;
	path = xmalloc(n);
	snprintf(path, n, "%s/firth-%s.XXXXXX", dir, tag);
	fd = mkstemp(path);
	if (fd < 0)
		cli_die("cannot create a temporary file in %s: %s "
		    "(set TMPDIR to a writable directory)", dir, strerror(errno));
	/*
	 * Every user reads and writes through the stream and keeps the name
	 * for its messages only, so the name goes at once: the file then
	 * lives as long as it is open and no longer, and a run killed with
	 * SIGKILL (or by the OOM killer) leaves nothing behind in $TMPDIR.
	 * Where the file system refuses, the name is removed at exit.
	 */
	if (unlink(path) != 0)
		cli_atexit_unlink(path);
	f = fdopen(fd, "w+");
	if (f == NULL)
		cli_die("cannot open %s: %s", path, strerror(errno));
	if (pathp != NULL)
		*pathp = path;
	return f;
}

void
cli_atexit_unlink(const char *path)
{
	for (int i = 0; i < tmp_count; i++)
		if (tmp_paths[i] == NULL) {
			tmp_paths[i] = (char *)path;
			return;
		}
	if (tmp_count == TMP_MAX_FILES)
		cli_die("too many temporary files (%d)", TMP_MAX_FILES);
	tmp_paths[tmp_count] = (char *)path;
	tmp_count++;
}

/* Forget path; 1 if it was registered. */
static int
tmp_forget(const char *path)
{
	int found = 0;

	for (int i = 0; i < tmp_count; i++)
		if (tmp_paths[i] == path) {
			tmp_paths[i] = NULL;
			found = 1;
		}
	return found;
}

void
cli_atexit_forget(const char *path)
{
	(void)tmp_forget(path);
}

void
cli_tmp_remove(const char *path)
{
	/* Unlinked already unless registered: never unlink a name twice,
	 * another process may have been given it since. */
	if (tmp_forget(path))
		unlink(path);
}

double
cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

uint64_t
cli_peak_rss(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_maxrss * 1024;
}

const char *
cli_fmt_size(uint64_t n, char *buf, size_t bufsize)
{
	const char *unit = "KMGT";
	double v = (double)n;

	if (n < 1024) {
		snprintf(buf, bufsize, "%lluB", (unsigned long long)n);
		return buf;
	}
	for (v /= 1024; v >= 1024 && unit[1] != '\0'; v /= 1024)
		unit++;
	snprintf(buf, bufsize, "%.1f%c", v, *unit);
	return buf;
}

static int progress_isatty = -1;
static double progress_last;

int
cli_progress_tty(void)
{
	if (progress_isatty < 0)
		progress_isatty = isatty(STDERR_FILENO);
	return progress_isatty && cli_verbose >= 0;
}

void
cli_progress(const char *fmt, ...)
{
	va_list ap;
	double t;

	if (!cli_progress_tty())
		return;
	t = cli_now();
	if (t - progress_last < 0.5)
		return;
	progress_last = t;
	fprintf(stderr, "\r%s: ", cli_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr);
}

void
cli_progress_done(const char *fmt, ...)
{
	va_list ap;

	if (cli_verbose < 0)
		return;
	if (cli_progress_tty())
		fputs("\r\033[K", stderr);
	fprintf(stderr, "%s: ", cli_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
