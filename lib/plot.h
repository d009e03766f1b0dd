/*
 * plot.h - place the word labels of a scatter plot so that no two
 * overlap (firth-eval plot).  Coordinates are SVG user units, y down.
 */
#ifndef FIRTH_PLOT_H
#define FIRTH_PLOT_H

#include <stdint.h>
#include <stdio.h>

#include "analogy.h"

/* The points of a plot (rows of an embedding) and its arrows. */
struct plot {
	uint32_t n, cap;	/* points */
	uint32_t *row;		/* [n] vector index */
	uint32_t np, pcap;	/* arrows */
	uint32_t *from, *to;	/* [np] point numbers */
};

/* Point number of word w, added if new; -1 (with a warning) if unknown. */
int64_t plot_point(struct plot *p, const struct emb *e, const char *w);
/* An arrow from a to b (both added as points); unknown words: none. */
void plot_pair(struct plot *p, const struct emb *e, const char *a,
    const char *b);
void plot_free(struct plot *p);
/* Points and pairs from lines of one word or two (an arrow) of f. */
void plot_read(struct plot *p, const struct emb *e, FILE *f,
    const char *name);
/* The points' unit rows on their two principal axes: xy[n][2], to free. */
double *plot_project(const struct plot *p, const struct emb *e);
/*
 * Write the SVG on stdout: 800 x 600 user units, the points xy[n][2]
 * (PCA coordinates) scaled into a margin with one scale for both axes,
 * arrows, labels placed by plot_place (each on a white box of class
 * "label", with a grey leader line when it sits away from its point),
 * and a caption naming the vectors.  text writes a string escaped for
 * XML on stdout.
 */
void plot_svg(const struct plot *p, const struct emb *e, const double *xy,
    const char *caption, void (*text)(const char *));

struct plot_box {
	double x, y, w, h;	/* top-left corner, width, height */
};

/* The box a label of text s takes at font size fs: 0.62 fs a column
 * (a sans-serif glyph is narrower than that), fs + 4 high. */
void plot_label_size(const char *s, double fs, double *w, double *h);

/*
 * Greedy placement: each label in turn, at the first of 16 directions
 * around its point, on rings 6 units apart, where its box stays inside
 * the page (x in [0, W], y in [y0, y1]), overlaps no label already placed and no point's
 * marker (a square of half-side r).  px[n], py[n] the points, w[n],
 * h[n] the label sizes; writes box[n].  A label with no free place
 * within the rings goes at its first spot.  Returns how many did.
 */
uint32_t plot_place(uint32_t n, const double *px, const double *py,
    const double *w, const double *h, double r, double W, double y0,
    double y1, struct plot_box *box);
/* Does box a overlap box b (touching edges do not)? */
int plot_overlap(const struct plot_box *a, const struct plot_box *b);

#endif
