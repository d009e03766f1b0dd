/*
 * cli.c - diagnostics, bounded parsing, checked allocation and output,
 * temporary-file cleanup and progress lines shared by every tool.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

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

/*
 * Files written by name.  The target is never written in place: the
 * bytes go to a temporary file beside it, created exclusively (mkstemp:
 * O_EXCL, a random suffix, so nothing planted in advance is followed) and
 * renamed over the target once whole, flushed and fsynced.  Its name,
 *
 *	DIR/.NAME.firth-tmp.XXXXXX	(beside DIR/NAME)
 *
 * tells which target it belongs to, and the writer holds an flock(2) on
 * it for as long as it writes.  A process killed with SIGKILL leaves its
 * temporary file but not its lock (the kernel drops locks with the last
 * descriptor), so the next successful write of NAME removes every file of
 * that pattern it can lock: none of them is being written.  The lock is
 * taken before the file counts as ours (out_tmp_create checks that the
 * name still holds it), so a cleaner racing a new writer removes nothing
 * that writer keeps.
 */
#define OUT_TMP_TAG ".firth-tmp."
#define OUT_TMP_SUFFIX 6	/* XXXXXX */

/* Outputs open through cli_out_open, to find their temporary file. */
#define OUT_MAX 16
static struct out_slot {
	FILE *f;
	char *tmp;		/* the temporary file, NULL when in place */
	char *real;		/* what tmp is renamed over */
} out_slots[OUT_MAX];

/*
 * The prefix of a temporary file of target `real': "DIR/.NAME.firth-tmp."
 * (the base name cut so that the whole stays within NAME_MAX).  *dirlen
 * gets the length of "DIR/" (0 for a name without a slash).
 */
static char *
out_tmp_prefix(const char *real, size_t *dirlen)
{
	const char *slash = strrchr(real, '/');
	const char *base = slash != NULL ? slash + 1 : real;
	size_t dl = (size_t)(base - real), bl = strlen(base);
	size_t room = NAME_MAX - 1 - strlen(OUT_TMP_TAG) - OUT_TMP_SUFFIX;
	char *p;

	if (bl > room)
		bl = room;
	p = xmalloc(dl + 1 + bl + strlen(OUT_TMP_TAG) + OUT_TMP_SUFFIX + 1);
	memcpy(p, real, dl);
	p[dl] = '.';
	memcpy(p + dl + 1, base, bl);
	strcpy(p + dl + 1 + bl, OUT_TMP_TAG);
	*dirlen = dl;
	return p;
}

/*
 * In a sticky directory (/tmp) only a file's owner may rename over it:
 * say so now rather than when the work is done.
 */
static void
out_sticky_check(const char *real, const struct stat *target)
{
	const char *slash = strrchr(real, '/');
	struct stat ds;
	char *dir;

	if (target->st_uid == geteuid() || geteuid() == 0)
		return;
	dir = slash == NULL ? xstrdup(".") : slash == real ? xstrdup("/") :
	    xstrdup(real);
	if (slash != NULL && slash != real)
		dir[slash - real] = '\0';
	if (stat(dir, &ds) == 0 && (ds.st_mode & S_ISVTX) &&
	    ds.st_uid != geteuid())
		cli_die("cannot replace %s: it belongs to another user in a "
		    "sticky directory; remove it or write elsewhere", real);
	free(dir);
}

/*
 * Where a write of `path' goes.  Returns 0 and *real (allocated) when the
 * file is replaced by rename: path itself, or for a symbolic link the
 * file it resolves to, so the link stays a link.  Returns 1 when path is
 * something else that exists (a terminal, /dev/stdout, /dev/null, a
 * FIFO): that is written in place.  *mode gets the mode the new file
 * takes: the old file's, or 0666 less the umask.
 */
static int
out_resolve(const char *path, char **real, mode_t *mode)
{
	struct stat sb, ls;
	mode_t mask = umask(0);

	umask(mask);
	*mode = 0666 & ~mask;
	if (*path == '\0')
		cli_die("an empty file name is no place to write to");
	/*
	 * /dev/stdout, /dev/fd/N and the like name a descriptor the caller
	 * opened (a pipe, a terminal, or a file opened with >> to append):
	 * written in place, as the shell would.
	 */
	if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0) {
		*real = NULL;
		return 1;
	}
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			cli_die("cannot write %s: %s", path, strerror(errno));
		if (lstat(path, &sb) == 0)
			cli_die("%s is a symbolic link to nothing: remove it, "
			    "or create the file it names", path);
		*real = xstrdup(path);
		return 0;
	}
	if (S_ISDIR(sb.st_mode))
		cli_die("cannot write %s: it is a directory", path);
	/* /dev/stdout is a link to a pipe or a terminal: written in place. */
	if (!S_ISREG(sb.st_mode)) {
		*real = NULL;
		return 1;
	}
	if (lstat(path, &ls) != 0)
		cli_die("cannot write %s: %s", path, strerror(errno));
	if (S_ISLNK(ls.st_mode)) {
		if ((*real = realpath(path, NULL)) == NULL)
			cli_die("cannot resolve %s: %s", path,
			    strerror(errno));
	} else
		*real = xstrdup(path);
	out_sticky_check(*real, &sb);
	/* Permission bits only: a set-id bit is not for a new file. */
	*mode = sb.st_mode & 0777;
	return 0;
}

/*
 * Create and lock a new temporary file for target `real'; returns its
 * descriptor (close-on-exec, so children do not hold the lock) and *tmp.
 * The name is registered for removal on every way out but SIGKILL.
 */
static int
out_tmp_create(const char *real, mode_t mode, char **tmpp)
{
	size_t dl, n;
	char *prefix = out_tmp_prefix(real, &dl), *tmp;
	struct stat fs, ls;
	int fd;

	n = strlen(prefix) + OUT_TMP_SUFFIX + 1;
	tmp = xmalloc(n);
	for (int tries = 0; ; tries++) {
		snprintf(tmp, n, "%sXXXXXX", prefix);
		if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
			cli_die("cannot create a file beside %s: %s", real,
			    strerror(errno));
		/* A cleaner may have taken the name between mkostemp and
		 * flock; then the lock fails or the name is gone.  Retry. */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &fs) == 0 &&
		    lstat(tmp, &ls) == 0 && fs.st_ino == ls.st_ino &&
		    fs.st_dev == ls.st_dev)
			break;
		close(fd);
		if (tries == 100)
			cli_die("cannot hold a file beside %s", real);
	}
	free(prefix);
	cli_atexit_unlink(tmp);
	/* mkstemp makes the file 0600: give it the target's mode. */
	if (fchmod(fd, mode) != 0)
		cli_die("cannot create %s: %s", tmp, strerror(errno));
	*tmpp = tmp;
	return fd;
}

/* Remove the temporary files of target `real' that no one writes. */
static void
out_tmp_sweep(const char *real)
{
	size_t dl, pl;
	char *prefix = out_tmp_prefix(real, &dl), *path;
	const char *base;
	DIR *d;
	struct dirent *e;

	base = prefix + dl;
	pl = strlen(base);
	if (dl == 0)
		d = opendir(".");
	else {
		char *dir = xmalloc(dl + 1);
		memcpy(dir, prefix, dl);
		dir[dl] = '\0';
		d = opendir(dir);
		free(dir);
	}
	if (d == NULL) {
		free(prefix);
		return;
	}
	path = xmalloc(dl + NAME_MAX + 1);
	memcpy(path, prefix, dl);
	while ((e = readdir(d)) != NULL) {
		struct stat fs, ls;
		int fd;

		if (strncmp(e->d_name, base, pl) != 0 ||
		    strlen(e->d_name) != pl + OUT_TMP_SUFFIX)
			continue;
		strcpy(path + dl, e->d_name);
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
		if (fd < 0)
			continue;
		/* Ours, a regular file, not locked by a live writer, and
		 * still the file of that name. */
		if (fstat(fd, &fs) == 0 && S_ISREG(fs.st_mode) &&
		    fs.st_uid == geteuid() &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    lstat(path, &ls) == 0 && ls.st_ino == fs.st_ino &&
		    ls.st_dev == fs.st_dev) {
			if (unlink(path) == 0 && cli_verbose > 0)
				cli_info("removed %s, left by a run that was "
				    "killed", path);
		}
		close(fd);
	}
	closedir(d);
	free(path);
	free(prefix);
}

/* fsync the directory holding `real', so the rename is on disk too. */
static void
out_sync_dir(const char *real)
{
	const char *slash = strrchr(real, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == real)
		dir = xstrdup("/");
	else {
		dir = xstrdup(real);
		dir[slash - real] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		/* Some file systems refuse fsync on a directory: the data
		 * is safe already, only the name may wait. */
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Flush, fsync and close f, rename tmp over real, sweep; frees tmp. */
static void
out_commit(FILE *f, char *tmp, const char *real, const char *path)
{
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		int e = errno;
		fclose(f);
		cli_die("write error on %s: %s", path,
		    e != 0 ? strerror(e) : "I/O error");
	}
	if (fclose(f) != 0)
		cli_die("write error on %s: %s", path, strerror(errno));
	if (rename(tmp, real) != 0)
		cli_die("cannot rename %s to %s: %s", tmp, real,
		    strerror(errno));
	cli_atexit_forget(tmp);
	free(tmp);
	out_sync_dir(real);
	out_tmp_sweep(real);
}

/* The slot of an output open through cli_out_open. */
static struct out_slot *
out_slot_of(FILE *f)
{
	for (int i = 0; i < OUT_MAX; i++)
		if (out_slots[i].f == f)
			return &out_slots[i];
	return NULL;
}

FILE *
cli_out_open(const char *path)
{
	struct out_slot *s = NULL;
	mode_t mode;
	char *real;
	FILE *f;
	int fd;

	for (int i = 0; i < OUT_MAX && s == NULL; i++)
		if (out_slots[i].f == NULL)
			s = &out_slots[i];
	if (s == NULL)
		cli_die("too many output files open at once (%d)", OUT_MAX);
	if (out_resolve(path, &real, &mode) != 0) {
		if ((f = fopen(path, "wb")) == NULL)
			cli_die("cannot create %s: %s", path, strerror(errno));
		s->f = f;
		s->tmp = s->real = NULL;
		return f;
	}
	fd = out_tmp_create(real, mode, &s->tmp);
	if ((f = fdopen(fd, "wb")) == NULL)
		cli_die("cannot create %s: %s", s->tmp, strerror(errno));
	s->f = f;
	s->real = real;
	return f;
}

void
cli_out_close(FILE *f, const char *path)
{
	struct out_slot *s = out_slot_of(f);

	if (s == NULL || s->tmp == NULL) {
		cli_fclose(f, path);
	} else {
		out_commit(f, s->tmp, s->real, path);
		free(s->real);
	}
	if (s != NULL)
		memset(s, 0, sizeof(*s));
}

void
cli_out_check(const char *path)
{
	FILE *f = cli_out_open(path);
	struct out_slot *s = out_slot_of(f);

	/* The name goes first, while the lock still says it is ours. */
	if (s->tmp != NULL)
		cli_tmp_remove(s->tmp);
	fclose(f);
	free(s->tmp);
	free(s->real);
	memset(s, 0, sizeof(*s));
}

void
cli_out_refuse_tty(FILE *f, const char *name, const char *what)
{
	if (isatty(fileno(f)))
		cli_die("%s is a terminal; send the %s to a file or a pipe "
		    "(firth-cat shows it as text)", f == stdout ?
		    "standard output" : name, what);
}

FILE *
cli_replace_open(const char *path, char **tmpp)
{
	mode_t mode;
	char *real;

	if (out_resolve(path, &real, &mode) != 0)
		cli_die("cannot replace %s: it is not a regular file", path);
	free(real);
	FILE *f = cli_out_open(path);
	*tmpp = out_slot_of(f)->tmp;
	return f;
}

void
cli_replace_commit(FILE *f, char *tmp, const char *path)
{
	(void)tmp;		/* the slot holds it, and frees it */
	cli_out_close(f, path);
}

/*
 * Sibling tools.  Beside this program first: an installed or freshly
 * built tree runs its own firth-cooc, whatever PATH cron gives it; then
 * PATH.  Returns an allocated path, or NULL.
 */
static char *
spawn_find(const char *tool)
{
	char self[PATH_MAX], *slash, *dirs, *dir, *save, *path = NULL;
	const char *env = getenv("PATH");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t len;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			len = (size_t)(slash - self) + strlen(tool) + 2;
			path = xmalloc(len);
			snprintf(path, len, "%.*s/%s", (int)(slash - self),
			    self, tool);
			if (access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	if (env == NULL)
		return NULL;
	dirs = xstrdup(env);
	for (dir = strtok_r(dirs, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		len = strlen(dir) + strlen(tool) + 2;
		path = xmalloc(len);
		snprintf(path, len, "%s/%s", *dir ? dir : ".", tool);
		if (access(path, X_OK) == 0)
			break;
		free(path);
		path = NULL;
	}
	free(dirs);
	return path;
}

pid_t
cli_spawn(const char *const argv[], int in, int out, const char *hint)
{
	posix_spawn_file_actions_t fa;
	char *path = spawn_find(argv[0]);
	pid_t pid;
	int rc;

	if (path == NULL)
		cli_die("%s is not beside %s nor on PATH; install it, or %s",
		    argv[0], cli_progname, hint);
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    (in >= 0 && posix_spawn_file_actions_adddup2(&fa, in,
	    STDIN_FILENO) != 0) ||
	    (out >= 0 && posix_spawn_file_actions_adddup2(&fa, out,
	    STDOUT_FILENO) != 0))
		cli_die("posix_spawn_file_actions: out of memory");
	/* Buffered output would be written twice, by us and the child. */
	fflush(NULL);
	rc = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, environ);
	if (rc != 0)
		cli_die("cannot run %s: %s", path, strerror(rc));
	posix_spawn_file_actions_destroy(&fa);
	free(path);
	return pid;
}

void
cli_spawn_wait(pid_t pid, const char *what)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			cli_die("cannot wait for %s: %s", what,
			    strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFEXITED(st))
		cli_die("%s failed (exit status %d)", what, WEXITSTATUS(st));
	cli_die("%s was killed by signal %d", what, WTERMSIG(st));
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
