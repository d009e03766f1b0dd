/*
 * bench_stream.c - how fast cooc records go through a pipe as a firth
 * stream, against the same bytes through the same pipe unframed.
 *
 *   bench_stream [-n MILLIONS] [-l LEVEL]...
 *
 * For the reference and then each level (default: 1 and 0), a child
 * process writes n million 12-byte records into a pipe and this process
 * reads them back (stream_read_block) and checks their sum, so both ends
 * run at once as in a real pipeline.  Prints, in MB of records (10^6
 * bytes of 12-byte records) per second of wall time, and the stream's
 * size against the records' (measured apart, on one block):
 *
 *   bench stream: raw pipe (reference) = X MB/s
 *   bench stream: write+read level 1 = X MB/s (R x the reference; S% size)
 *
 * The records imitate a shuffled co-occurrence stream: word ids drawn
 * with a Zipf-like skew from 400000 words, weights sums of 1/d.  The same
 * 1 Mi records are written over and over; deflate's 32 KiB window cannot
 * see the repeat, so the compression ratio is that of fresh data.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "stream.h"

#define BLOCK (1u << 20)	/* records generated once, written repeatedly */

static struct cooc_rec *block;
static uint64_t nrecs;

static void
block_make(void)
{
	uint64_t s = 88172645463325252ULL;

	block = xreallocarray(NULL, BLOCK, sizeof(*block));
	for (uint32_t i = 0; i < BLOCK; i++) {
		double u, v;
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		u = (double)(s >> 11) / 9007199254740992.0;
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		v = (double)(s >> 11) / 9007199254740992.0;
		/* u^3 skews ids towards the frequent words, as ranks are. */
		block[i].w1 = (uint32_t)(400000 * u * u * u);
		block[i].w2 = (uint32_t)(400000 * v * v * v);
		block[i].x = 1.0f / (float)(1 + (s >> 60)) +
		    (float)((s >> 40) & 3);
	}
}

static double
sum_block(const struct cooc_rec *r, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += r[i].w1 + r[i].w2 + r[i].x;
	return sum;
}

/* Child: write nrecs records to fd, as a stream (level >= 0) or raw. */
static void
writer(int fd, int level)
{
	FILE *f = fdopen(fd, "wb");
	struct stream_header h = { .kind = STREAM_COOC };
	struct stream_writer *w = NULL;
	uint64_t left = nrecs;

	if (f == NULL)
		cli_die("fdopen: %s", strerror(errno));
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	h.count = nrecs;
	if (level >= 0)
		w = stream_wopen(f, "pipe", &h, NULL, level);
	while (left > 0) {
		size_t n = left < BLOCK ? left : BLOCK;
		if (w != NULL)
			stream_write(w, block, n);
		else
			xfwrite(block, sizeof(*block), n, f, "pipe");
		left -= n;
	}
	if (w != NULL)
		stream_wclose(w);
	cli_fclose(f, "pipe");
	_exit(0);
}

/* Parent: read everything back; returns the sum of the fields. */
static double
reader(int fd, int level)
{
	FILE *f = fdopen(fd, "rb");
	double sum = 0;
	uint64_t got = 0;
	size_t n;

	if (f == NULL)
		cli_die("fdopen: %s", strerror(errno));
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	if (level >= 0) {
		struct stream_reader *r = stream_ropen(f, "pipe", STREAM_COOC);
		const struct cooc_rec *rec;
		while ((rec = stream_read_block(r, &n)) != NULL) {
			sum += sum_block(rec, n);
			got += n;
		}
		stream_rclose(r);
	} else {
		struct cooc_rec *buf = xreallocarray(NULL, 87381,
		    sizeof(*buf));
		while ((n = fread(buf, sizeof(*buf), 87381, f)) > 0) {
			sum += sum_block(buf, n);
			got += n;
		}
		free(buf);
	}
	fclose(f);
	if (got != nrecs)
		cli_die("read %llu records of %llu", (unsigned long long)got,
		    (unsigned long long)nrecs);
	return sum;
}

static ssize_t
count_write(void *cookie, const char *buf, size_t n)
{
	(void)buf;
	*(uint64_t *)cookie += n;
	return (ssize_t)n;
}

/* Stream bytes per record byte at a level, from one block (untimed). */
static double
stream_ratio(int level)
{
	uint64_t bytes = 0;
	cookie_io_functions_t io = { .write = count_write };
	FILE *f = fopencookie(&bytes, "w", io);
	struct stream_header h = { .kind = STREAM_COOC,
	    .count = STREAM_COUNT_UNKNOWN };
	struct stream_writer *w;

	if (f == NULL)
		cli_die("fopencookie: %s", strerror(errno));
	w = stream_wopen(f, "counter", &h, NULL, level);
	stream_write(w, block, BLOCK);
	stream_wclose(w);
	cli_fclose(f, "counter");
	return (double)bytes / (BLOCK * 12.0);
}

/* CPU seconds used so far by this process and its waited-for children. */
static double
cpu_seconds(void)
{
	struct rusage a, b;

	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec +
	    b.ru_stime.tv_sec + (a.ru_utime.tv_usec + a.ru_stime.tv_usec +
	    b.ru_utime.tv_usec + b.ru_stime.tv_usec) * 1e-6;
}

/*
 * One run through a pipe.  Returns MB/s of wall time; *cpu is the CPU
 * seconds both ends used (on a shared machine the wall time also counts
 * waiting for a core).
 */
static double
run(int level, double *sum, double *cpu)
{
	int fd[2], st;
	pid_t pid;
	double t0 = cli_now(), t, c0 = cpu_seconds();

	if (pipe(fd) != 0)
		cli_die("pipe: %s", strerror(errno));
	fflush(stdout);
	if ((pid = fork()) < 0)
		cli_die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		writer(fd[1], level);
	}
	close(fd[1]);
	*sum = reader(fd[0], level);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		cli_die("the writer failed");
	t = cli_now() - t0;
	*cpu = cpu_seconds() - c0;
	return (double)nrecs * sizeof(struct cooc_rec) / 1e6 / t;
}

int
main(int argc, char **argv)
{
	int levels[10], nlevels = 0, c;
	double ref, mbs, sum_ref, sum, cpu;

	cli_init(argc, argv);
	nrecs = 20000000;
	while ((c = getopt(argc, argv, "n:l:")) != -1) {
		switch (c) {
		case 'n':
			nrecs = (uint64_t)(cli_parse_double(optarg, 0.001, 1e4,
			    "-n") * 1e6);
			break;
		case 'l':
			if (nlevels == 10)
				cli_usage_die("at most 10 levels");
			levels[nlevels++] = cli_parse_int(optarg, 0, 9, "-l");
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (nlevels == 0) {
		levels[nlevels++] = 1;
		levels[nlevels++] = 0;
	}
	block_make();
	ref = run(-1, &sum_ref, &cpu);
	printf("bench stream: records = %.1f million (%.0f MB)\n",
	    nrecs / 1e6, nrecs * 12 / 1e6);
	printf("bench stream: raw pipe (reference) = %.0f MB/s "
	    "(%.2f CPU s)\n", ref, cpu);
	for (int i = 0; i < nlevels; i++) {
		mbs = run(levels[i], &sum, &cpu);
		if (sum != sum_ref)
			cli_die("level %d: records differ from the reference",
			    levels[i]);
		printf("bench stream: write+read level %d = %.0f MB/s "
		    "(%.2f x the raw pipe; %.2f CPU s, %.0f MB per CPU "
		    "second; stream %.1f%% of the records' bytes)\n",
		    levels[i], mbs, mbs / ref, cpu, nrecs * 12 / 1e6 / cpu,
		    100.0 * stream_ratio(levels[i]));
	}
	cli_fclose(stdout, "stdout");
	free(block);
	return 0;
}
