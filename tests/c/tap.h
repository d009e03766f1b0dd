/*
 * tap.h - the little the C unit tests share: TAP lines, and catching
 * cli_die (lib/cli.h) so that a rejected input can be checked and the
 * test go on.
 *
 *	TRY {
 *		...code that may call cli_die...
 *	}
 *	died = CATCH_END();	// the message is in tap_errmsg
 *
 * While a check runs, stderr (fd 2) goes to a scratch file, so the many
 * expected messages stay off the terminal but can be read back.
 */
#ifndef FIRTH_TAP_H
#define FIRTH_TAP_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static int tap_ntests, tap_nfailed;
static jmp_buf tap_jmp;
static volatile int tap_died;
static int tap_errfd = -1, tap_savedfd = -1;
static char tap_errmsg[4096];

static inline void __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_ntests++;
	if (!cond)
		tap_nfailed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Print the plan last (TAP allows it) and give the exit status. */
static inline int
tap_done(void)
{
	printf("1..%d\n", tap_ntests);
	return tap_nfailed != 0;
}

static inline void
tap_die_hook(void)
{
	tap_died = 1;
	longjmp(tap_jmp, 1);
}

static inline void
tap_capture(void)
{
	fflush(stderr);
	if (tap_errfd < 0) {
		FILE *f = tmpfile();
		if (f == NULL || (tap_errfd = dup(fileno(f))) < 0 ||
		    (tap_savedfd = dup(2)) < 0) {
			perror("tap: scratch file for stderr");
			exit(1);
		}
		fclose(f);
	}
	if (ftruncate(tap_errfd, 0) != 0 || dup2(tap_errfd, 2) < 0) {
		perror("tap: capture stderr");
		exit(1);
	}
	lseek(2, 0, SEEK_SET);
	tap_errmsg[0] = '\0';
	tap_died = 0;
	cli_die_hook = tap_die_hook;
}

/* Back to the real stderr; returns whether the check died. */
static inline int
tap_release(void)
{
	ssize_t n;

	cli_die_hook = NULL;
	fflush(stderr);
	n = pread(tap_errfd, tap_errmsg, sizeof(tap_errmsg) - 1, 0);
	tap_errmsg[n > 0 ? n : 0] = '\0';
	if (dup2(tap_savedfd, 2) < 0)
		exit(1);
	return tap_died;
}

/* The first line of the last captured message, for test names. */
static inline int
tap_msglen(void)
{
	int n = 0;

	while (tap_errmsg[n] != '\0' && tap_errmsg[n] != '\n')
		n++;
	return n;
}

/* setjmp alone in an if's condition: where C allows it. */
#define TRY tap_capture(); if (setjmp(tap_jmp) == 0)
#define CATCH_END() tap_release()

#endif
