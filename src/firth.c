/*
 * firth.c - the front command: `firth TOOL ARGS...' runs firth-TOOL with
 * ARGS, looked up first beside this program and then on PATH; `firth help'
 * lists the tools.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct {
	const char *name, *what;
} tools[] = {
	{ "tokenize", "Unicode text to token text, one document per line" },
	{ "phrase", "join phrases (new_york) in token text, counts in the db" },
	{ "vocab", "count words into a corpus database, or list them" },
	{ "cooc", "count co-occurrences into the database; export a stream" },
	{ "shuffle", "shuffle a record stream out of core" },
	{ "glove", "train GloVe vectors from a co-occurrence stream" },
	{ "svd", "PPMI and truncated SVD vectors (LSA)" },
	{ "sgns", "word2vec skip-gram and CBOW with negative sampling" },
	{ "eval", "analogies, word similarity, neighbours, plots" },
	{ "wclass", "window classification (named entities) with a small net" },
	{ "cat", "decode a firth stream to text; convert vector formats" },
};

static char selfdir[PATH_MAX - 128];

static void
usage(FILE *f)
{
	fprintf(f, "usage: firth TOOL [ARG...]\n"
	    "       firth help | --help | --version\n"
	    "Runs firth-TOOL.  'firth help' lists the tools; 'man firth' "
	    "explains the pipeline.\n");
}

/* Path of firth-NAME beside this program, or NULL. */
static const char *
beside(const char *name)
{
	static char path[PATH_MAX];

	if (selfdir[0] == '\0')
		return NULL;
	snprintf(path, sizeof(path), "%s/firth-%s", selfdir, name);
	return access(path, X_OK) == 0 ? path : NULL;
}

static int
on_path(const char *name)
{
	char cmd[128], *path = getenv("PATH"), *dup, *dir, *save;
	char full[PATH_MAX + 256];
	int found = 0;

	if (path == NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), "firth-%s", name);
	dup = xstrdup(path);
	for (dir = strtok_r(dup, ":", &save); dir && !found;
	    dir = strtok_r(NULL, ":", &save)) {
		snprintf(full, sizeof(full), "%s/%s", *dir ? dir : ".", cmd);
		found = access(full, X_OK) == 0;
	}
	free(dup);
	return found;
}

static void
list_tools(void)
{
	printf("firth tools (firth TOOL --help for each, man firth-TOOL):\n");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (beside(tools[i].name) || on_path(tools[i].name))
			printf("  %-9s %s\n", tools[i].name, tools[i].what);
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX], cmd[128], *slash;
	const char *path;
	ssize_t n;

	cli_init(argc, argv);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL &&
		    (size_t)(slash - self) < sizeof(selfdir)) {
			*slash = '\0';
			memcpy(selfdir, self, (size_t)(slash - self) + 1);
		}
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		list_tools();
		cli_fclose(stdout, "stdout");
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		cli_version();
	if (strcmp(argv[1], "help") == 0) {
		list_tools();
		cli_fclose(stdout, "stdout");
		return EXIT_OK;
	}
	if (argv[1][0] == '-' || strchr(argv[1], '/') != NULL ||
	    strlen(argv[1]) > 64)
		cli_usage_die("'%s' is not a tool name", argv[1]);
	snprintf(cmd, sizeof(cmd), "firth-%s", argv[1]);
	argv[1] = cmd;
	if ((path = beside(argv[1] + 6)) != NULL)
		execv(path, argv + 1);
	execvp(cmd, argv + 1);
	if (errno == ENOENT)
		cli_usage_die("no tool '%s' (firth help lists them)",
		    argv[1] + 6);
	cli_die("cannot run %s: %s", cmd, strerror(errno));
}
