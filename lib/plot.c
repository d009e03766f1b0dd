/*
 * plot.c - label placement for scatter plots (see plot.h).  Labels
 * drawn at a fixed offset from their points overprint each other as
 * soon as two words are close, which in a PCA of related words is the
 * common case; this tries places in widening rings instead, and the
 * caller draws a leader line from a point to a label set far from it.
 */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"
#include "linein.h"
#include "pca.h"

#include "uwidth.h"

#define PLOT_DIRS 16
#define PLOT_RINGS 40
#define PLOT_STEP 6.0

void
plot_label_size(const char *s, double fs, double *w, double *h)
{
	*w = 0.62 * fs * uwidth(s) + 4;
	*h = fs + 4;
}

int
plot_overlap(const struct plot_box *a, const struct plot_box *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	    a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Is box b free: on the page, off every placed label and marker? */
static int
box_free(const struct plot_box *b, const struct plot_box *placed,
    uint32_t nplaced, uint32_t n, const double *px, const double *py,
    double r, double W, double y0, double y1)
{
	if (b->x < 0 || b->y < y0 || b->x + b->w > W || b->y + b->h > y1)
		return 0;
	for (uint32_t i = 0; i < nplaced; i++)
		if (plot_overlap(b, &placed[i]))
			return 0;
	for (uint32_t i = 0; i < n; i++) {
		struct plot_box m = { px[i] - r, py[i] - r, 2 * r, 2 * r };
		if (plot_overlap(b, &m))
			return 0;
	}
	return 1;
}

uint32_t
plot_place(uint32_t n, const double *px, const double *py, const double *w,
    const double *h, double r, double W, double y0, double y1,
    struct plot_box *box)
{
	uint32_t failed = 0;

	for (uint32_t i = 0; i < n; i++) {
		int done = 0;
		for (int ring = 0; ring < PLOT_RINGS && !done; ring++) {
			double dist = r + 2 + ring * PLOT_STEP;
			/* Start up-right (the usual label spot), go round. */
			for (int k = 0; k < PLOT_DIRS && !done; k++) {
				double a = -M_PI / 4 + 2 * M_PI * k / PLOT_DIRS;
				double ax = px[i] + dist * cos(a);
				double ay = py[i] + dist * sin(a);
				/* The box sits on the far side of its anchor. */
				struct plot_box b = {
					ax - w[i] / 2 + cos(a) * w[i] / 2,
					ay - h[i] / 2 + sin(a) * h[i] / 2,
					w[i], h[i]
				};
				if (box_free(&b, box, i, n, px, py, r, W, y0,
				    y1)) {
					box[i] = b;
					done = 1;
				}
			}
		}
		if (!done) {
			box[i] = (struct plot_box){ px[i] + r + 2, py[i] - r -
			    2 - h[i], w[i], h[i] };
			failed++;
		}
	}
	return failed;
}
int64_t
plot_point(struct plot *p, const struct emb *e, const char *w)
{
	int64_t id = emb_lookup(e, w);

	if (id < 0) {
		cli_warn("'%s' is not in the vectors; left out of the plot", w);
		return -1;
	}
	for (uint32_t i = 0; i < p->n; i++)
		if (p->row[i] == id)
			return i;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->row = xreallocarray(p->row, p->cap, sizeof(uint32_t));
	}
	p->row[p->n] = (uint32_t)id;
	return p->n++;
}

void
plot_pair(struct plot *p, const struct emb *e, const char *a, const char *b)
{
	int64_t i = plot_point(p, e, a), j = plot_point(p, e, b);

	if (i < 0 || j < 0 || i == j)
		return;
	if (p->np == p->pcap) {
		p->pcap = p->pcap ? p->pcap * 2 : 32;
		p->from = xreallocarray(p->from, p->pcap, sizeof(uint32_t));
		p->to = xreallocarray(p->to, p->pcap, sizeof(uint32_t));
	}
	p->from[p->np] = (uint32_t)i;
	p->to[p->np++] = (uint32_t)j;
}


void
plot_free(struct plot *p)
{
	free(p->row);
	free(p->from);
	free(p->to);
}

/* The point of box b nearest (x, y). */
static void
box_nearest(const struct plot_box *b, double x, double y, double *nx,
    double *ny)
{
	*nx = fmin(fmax(x, b->x), b->x + b->w);
	*ny = fmin(fmax(y, b->y), b->y + b->h);
}

void
plot_svg(const struct plot *p, const struct emb *e, const double *xy,
    const char *caption, void (*text)(const char *))
{
	const double W = 800, H = 600, M = 60, FS = 16, R = 4;
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
	double *px = xcalloc(p->n, sizeof(double)), *py = xcalloc(p->n,
	    sizeof(double));
	double *lw = xcalloc(p->n, sizeof(double)), *lh = xcalloc(p->n,
	    sizeof(double));
	struct plot_box *box = xcalloc(p->n, sizeof(*box));

	for (uint32_t i = 0; i < p->n; i++) {
		x0 = fmin(x0, xy[2 * i]);
		x1 = fmax(x1, xy[2 * i]);
		y0 = fmin(y0, xy[2 * i + 1]);
		y1 = fmax(y1, xy[2 * i + 1]);
	}
	/*
	 * One scale for both axes, so that angles and lengths are as PCA
	 * found them; room on the right for the last labels.
	 */
	double sx = x1 > x0 ? (W - 3 * M) / (x1 - x0) : INFINITY;
	double sy = y1 > y0 ? (H - 2 * M) / (y1 - y0) : INFINITY;
	double sc = fmin(sx, sy);
	if (!isfinite(sc))
		sc = 1;
	double ox = M + ((W - 3 * M) - (x1 - x0) * sc) / 2;
	double oy = M + ((H - 2 * M) - (y1 - y0) * sc) / 2;
	for (uint32_t i = 0; i < p->n; i++) {
		px[i] = ox + (xy[2 * i] - x0) * sc;
		py[i] = H - oy - (xy[2 * i + 1] - y0) * sc;
		plot_label_size(e->words[p->row[i]], FS, &lw[i], &lh[i]);
	}
	/* Labels stay between the title (top 32) and the caption. */
	uint32_t bad = plot_place(p->n, px, py, lw, lh, R, W, 32, H - 28, box);
	if (bad > 0)
		cli_warn("%u label%s found no free place and may overlap", bad,
		    bad == 1 ? "" : "s");
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n", W, H, W, H);
	printf("<title>firth-eval plot: PCA of %u words</title>\n", p->n);
	printf("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" "
	    "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
	    "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
	    "fill=\"#c0392b\"/></marker></defs>\n");
	printf("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	printf("<text x=\"%.0f\" y=\"24\" font-family=\"sans-serif\" "
	    "font-size=\"14\" fill=\"#555\">first two principal components"
	    " of %u word vectors</text>\n", M, p->n);
	printf("<text class=\"caption\" x=\"%.0f\" y=\"%.0f\" "
	    "font-family=\"sans-serif\" font-size=\"12\" fill=\"#555\">"
	    "vectors: ", M, H - 10);
	text(caption);
	printf("</text>\n");
	for (uint32_t k = 0; k < p->np; k++) {
		double ax = px[p->from[k]], ay = py[p->from[k]];
		double bx = px[p->to[k]], by = py[p->to[k]];
		double dx = bx - ax, dy = by - ay, len = hypot(dx, dy);
		/* Stop short of the target point so the head stays visible. */
		double cut = len > 12 ? 6 / len : 0;
		printf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#c0392b\" stroke-width=\"1.5\" "
		    "marker-end=\"url(#head)\"/>\n", ax, ay, bx - dx * cut,
		    by - dy * cut);
	}
	for (uint32_t i = 0; i < p->n; i++) {
		double nx, ny;
		box_nearest(&box[i], px[i], py[i], &nx, &ny);
		/* A label set away from its point gets a leader line. */
		if (hypot(nx - px[i], ny - py[i]) > R + 6)
			printf("<line class=\"leader\" x1=\"%.1f\" "
			    "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			    "stroke=\"#999\" stroke-width=\"0.8\"/>\n", px[i],
			    py[i], nx, ny);
	}
	for (uint32_t i = 0; i < p->n; i++)
		printf("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.0f\" "
		    "fill=\"#2c3e50\"/>\n", px[i], py[i], R);
	for (uint32_t i = 0; i < p->n; i++) {
		printf("<rect class=\"label\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"white\" "
		    "fill-opacity=\"0.7\"/>\n", box[i].x, box[i].y, box[i].w,
		    box[i].h);
		printf("<text x=\"%.1f\" y=\"%.1f\" font-family=\"sans-serif\" "
		    "font-size=\"%.0f\" fill=\"#2c3e50\">", box[i].x + 2,
		    box[i].y + box[i].h - 6, FS);
		text(e->words[p->row[i]]);
		printf("</text>\n");
	}
	printf("</svg>\n");
	free(px);
	free(py);
	free(lw);
	free(lh);
	free(box);
}

void
plot_read(struct plot *p, const struct emb *e, FILE *f, const char *name)
{
	char *line = NULL, *tok[3];
	size_t cap = 0;
	unsigned long lineno = 0;

	while (linein_get(&line, &cap, f, name, lineno + 1, LINEIN_MAX) !=
	    -1) {
		int nt = 0;
		lineno++;
		for (char *s = strtok(line, " \t\r\n"); s != NULL && nt < 3;
		    s = strtok(NULL, " \t\r\n"))
			tok[nt++] = s;
		if (nt == 1)
			plot_point(p, e, tok[0]);
		else if (nt == 2)
			plot_pair(p, e, tok[0], tok[1]);
		else if (nt == 3)
			cli_die("%s:%lu: one word or a pair per line", name,
			    lineno);
	}
	if (ferror(f))
		cli_die("read error on %s", name);
	free(line);
}

double *
plot_project(const struct plot *p, const struct emb *e)
{
	float *x = xreallocarray(NULL, (size_t)p->n * e->dim, sizeof(float));
	double *xy = xreallocarray(NULL, (size_t)p->n * 2, sizeof(double));

	for (uint32_t i = 0; i < p->n; i++)
		memcpy(x + (size_t)i * e->dim, e->u + (size_t)p->row[i] *
		    e->dim, e->dim * sizeof(float));
	int info = pca_project2(x, p->n, e->dim, xy);
	if (info != 0)
		cli_die("LAPACKE_dsyev failed (info %d) on %u words", info,
		    p->n);
	free(x);
	return xy;
}
