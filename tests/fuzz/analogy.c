/*
 * analogy.c - fuzz target: the analogy question reader (qset_read in
 * lib/analogy.c).
 *
 * Input: a question file.  Read questions have four non-empty words
 * without blanks, and a section that exists.
 */
#include <stdlib.h>
#include <string.h>

#include "analogy.h"
#include "cli.h"
#include "fuzz.h"

struct arg {
	FILE *f;
};

static void
body(void *p)
{
	struct arg *a = p;
	struct qset *qs = qset_new();

	qset_read(qs, a->f, "dir/fuzz.txt");
	for (uint32_t i = 0; i < qs->n; i++) {
		if (qs->q[i].section >= qs->nsec)
			abort();
		for (int k = 0; k < 4; k++)
			if (qs->q[i].w[k][0] == '\0' ||
			    strpbrk(qs->q[i].w[k], " \t\n") != NULL)
				abort();
	}
	for (uint32_t i = 0; i < qs->nsec; i++)
		(void)analogy_syntactic(qs->secname[i]);
	qset_free(qs);
}

FUZZ_TARGET(analogy)
{
	struct arg a = { fuzz_fmem(data, size) };

	fuzz_call(body, &a);
	fuzz_fclose(a.f);
	return 0;
}
