/*
 * cli.h - what every firth tool needs from its command line and its
 * environment: diagnostics prefixed with the tool's name, bounded number
 * parsing, checked allocation, checked output, progress lines, and
 * temporary files that are removed on every way out.
 *
 * Exit status convention (firth(7)): 0 success, 1 failure, 2 usage error.
 */
#ifndef FIRTH_CLI_H
#define FIRTH_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define FIRTH_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

extern const char *cli_progname;	/* "firth-cooc", set by cli_init */
extern int cli_verbose;			/* -v: 1, -q: -1, default 0 */

void cli_init(int argc, char **argv);

/* Diagnostics: "firth-x: message" on stderr. die exits 1, usage_die 2. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void cli_usage_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/*
 * Called by cli_die before it exits.  Fuzz targets and unit tests set it to
 * a function that longjmps back, so a rejected input is not the end.
 */
extern void (*cli_die_hook)(void);
/* Informational line, silenced by -q. */
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --version output, same shape for every tool. */
void cli_version(void) __attribute__((noreturn));

/*
 * Bounded parsing of option arguments.  Each rejects trailing garbage,
 * out-of-range values and empty strings with a usage error naming the
 * option ("--window: 0 is too small, the least is 1").
 */
long long cli_parse_int(const char *s, long long min, long long max,
    const char *what);
double cli_parse_double(const char *s, double min, double max,
    const char *what);
/* "4G", "512M", "100k", "1000" (bytes); also "50%" of physical memory. */
uint64_t cli_parse_size(const char *s, const char *what);
/* Physical memory in bytes (sysconf), or 4 GiB if unknown. */
uint64_t cli_physmem(void);

/* Allocation that dies with a message instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

/* fwrite that dies on a short write ("write error on stdout: ..."). */
void xfwrite(const void *p, size_t size, size_t n, FILE *f, const char *name);
/* Flush and close a stream; die if any write to it failed (sbase fshut). */
void cli_fclose(FILE *f, const char *name);

/*
 * Files written by name (-o vectors, streams, exports, checkpoints,
 * models) are replaced whole or not at all.  cli_out_open creates a new
 * temporary file beside the target, DIR/.NAME.firth-tmp.XXXXXX
 * (mkstemp: exclusive, unpredictable; the target's mode, or 0666 less the
 * umask), locked with flock(2) while it is written and removed on every
 * way out but SIGKILL.  cli_out_close flushes, fsyncs and closes it,
 * renames it over the target and removes the temporary files of the
 * same target that earlier runs killed with SIGKILL left (those no live
 * process holds locked).  Until then the target keeps its old contents.
 * A symbolic link is written through: the file it resolves to is
 * replaced and the link stays; a link to nothing is refused.  A target
 * that exists and is not a regular file (/dev/stdout, /dev/null, a FIFO)
 * is opened and written in place.  Both die with a message on failure.
 *
 * cli_out_check is the same open undone at once: it proves, before any
 * work, that a file written much later (a checkpoint, a model) can be,
 * so a run fails in a second rather than after hours of training.
 *
 * cli_replace_open/commit are the same pair for files that must be
 * regular (checkpoints, models); *tmp is the temporary file's name for
 * messages, owned and freed by cli_replace_commit.
 */
FILE *cli_out_open(const char *path);
void cli_out_close(FILE *f, const char *path);
void cli_out_check(const char *path);
FILE *cli_replace_open(const char *path, char **tmp);
void cli_replace_commit(FILE *f, char *tmp, const char *path);
/*
 * Binary output (a cooc or vector stream) on a terminal helps no one and
 * can upset it: die, as firth-shuffle does, naming the file (`name',
 * or "standard output"), `what' ("vectors", "cooc stream") and the way
 * out.  Call it before reading any input.
 */
void cli_out_refuse_tty(FILE *f, const char *name, const char *what);

/*
 * Sibling tools (firth-glove -d and firth-svd -d run firth-cooc).
 * cli_spawn starts argv[0] ("firth-cooc"), found beside this program
 * first, so a tree runs its own siblings whatever PATH cron gives, then
 * on PATH; its stdin is fd `in' and its stdout fd `out' (ours when -1).
 * Give the caller's own pipe ends O_CLOEXEC (pipe2) so the child holds
 * none of them.  When the tool is not found it dies with "firth-cooc is
 * not beside firth-x nor on PATH; install it, or HINT".  cli_spawn_wait
 * reaps it and dies with "WHAT failed (exit status N)" or "WHAT was
 * killed by signal N" unless it exited 0.
 */
pid_t cli_spawn(const char *const argv[], int in, int out, const char *hint);
void cli_spawn_wait(pid_t pid, const char *what);

/*
 * Temporary files: cli_tmpfile creates a file in $TMPDIR (or /tmp), opens
 * it for reading and writing, and removes its name at once, so that it
 * goes when it is closed or the process ends, however it ends (SIGKILL
 * too); the path is for messages.  Where the name cannot be removed at
 * once it is recorded and removed on exit, on cli_die and on
 * SIGINT/SIGTERM/SIGHUP/SIGPIPE.  The returned path is owned by the
 * registry; cli_tmp_remove is called when the file is done with.
 */
FILE *cli_tmpfile(const char *tag, char **path);
void cli_tmp_remove(const char *path);
/* Register an arbitrary path for removal at exit (and its removal). */
void cli_atexit_unlink(const char *path);
void cli_atexit_forget(const char *path);

/*
 * Progress: on a terminal, a rewritten status line at most every 0.5 s;
 * otherwise nothing until cli_progress_done, which prints one summary
 * line unless -q.  Both take a printf format.
 */
int cli_progress_tty(void);
void cli_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_progress_done(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Monotonic seconds, for rates. */
double cli_now(void);
/* Peak resident set size of this process in bytes. */
uint64_t cli_peak_rss(void);
/* Human-readable size into buf ("1.5G"). */
const char *cli_fmt_size(uint64_t n, char *buf, size_t bufsize);

#endif
