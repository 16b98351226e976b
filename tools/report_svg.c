/* The charts of the evaluation report (docs/report.md), as inline SVG.
 *
 * Geometry is whole pixels computed from per-mille integers that
 * tools/report.c derives from SVL's decimals, so no binary floating
 * point is involved.  Every series has its own fill pattern as well as its
 * own colour, and the colours differ in lightness, so a chart printed in
 * greyscale still tells its series apart.  Each chart carries a <title>
 * and <desc>, and the page puts a data table behind it. */
#include <string.h>

#include "core/gc.h"
#include "tools/report.h"

enum { WIDTH = 760, LABEL_W = 200, BAR_X = 204, BAR_W = 440, BAR_H = 22, GAP = 10 };
#define NPAT 6

/* Fill colours by decreasing lightness contrast, each with its pattern. */
static const char *const colour[NPAT] = {"#1d3557", "#f4a261", "#a8dadc", "#e76f51", "#2a9d8f", "#ffffff"};

void svg_patterns(sbuf *b) {
  sb_puts(b, "<svg width=\"0\" height=\"0\" aria-hidden=\"true\" focusable=\"false\" class=\"defs\"><defs>\n");
  /* 0 solid dark; 1 diagonal lines; 2 dots; 3 horizontal lines; 4 cross-hatch; 5 vertical lines */
  sb_printf(b, "<pattern id=\"svl-p0\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"%s\"/></pattern>\n", colour[0]);
  sb_printf(b, "<pattern id=\"svl-p1\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"%s\"/><rect width=\"3\" height=\"8\" fill=\"#1d3557\"/></pattern>\n", colour[1]);
  sb_printf(b, "<pattern id=\"svl-p2\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"%s\"/><circle cx=\"3\" cy=\"3\" r=\"1.5\" fill=\"#1d3557\"/></pattern>\n", colour[2]);
  sb_printf(b, "<pattern id=\"svl-p3\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"%s\"/><rect width=\"6\" height=\"2\" fill=\"#ffffff\"/></pattern>\n", colour[3]);
  sb_printf(b, "<pattern id=\"svl-p4\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"%s\"/><rect width=\"2\" height=\"8\" fill=\"#ffffff\"/><rect width=\"8\" height=\"2\" fill=\"#ffffff\"/></pattern>\n", colour[4]);
  sb_printf(b, "<pattern id=\"svl-p5\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"%s\"/><rect width=\"2\" height=\"6\" fill=\"#000000\"/></pattern>\n", colour[5]);
  sb_puts(b, "<pattern id=\"svl-band\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#457b9d\"/><rect width=\"3\" height=\"8\" fill=\"#1d3557\"/></pattern>\n");
  sb_puts(b, "</defs></svg>\n");
}

/* At most `max` code points of s, with "…" when cut: SVG text does not
 * wrap, and the full name is in the bar's <title> and the data table. */
static void short_label(sbuf *b, const char *s, size_t max) {
  size_t n = strlen(s), i = 0, cps = 0;
  while (i < n && cps < max) {
    int k = utf8_valid_seq((const unsigned char *)s + i, n - i);
    i += k > 0 ? (size_t)k : 1;
    cps++;
  }
  data_attr(b, s, i);
  if (i < n) sb_puts(b, "…");
}

/* A whole data text in an attribute or a <title>. */
static void attr(sbuf *b, const char *s) { data_attr(b, s, strlen(s)); }

static int px(int permille, int width) { return permille * width / 1000; }

void svg_contributions(sbuf *b, const chart_bar *bars, int nbars, const char **crit, const char **labels,
                       int ncrit, const char *scale) {
  int per_row = 4, legend_rows = (ncrit + per_row - 1) / per_row;
  int top = 12 + legend_rows * 22 + 8;
  int height = top + nbars * (BAR_H + GAP) + 34;
  sb_printf(b, "<svg class=\"chart contributions\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
               "aria-labelledby=\"contrib-title contrib-desc\">\n", WIDTH, height, WIDTH, height);
  sb_puts(b, "<title id=\"contrib-title\">Weighted contribution of each criterion to each bid's total</title>\n");
  sb_puts(b, "<desc id=\"contrib-desc\">A horizontal stacked bar for each ranked bid, best first; each segment is one "
             "criterion's weight times the bid's score on it. The table after the chart gives the numbers.</desc>\n");
  /* legend */
  for (int k = 0; k < ncrit; k++) {
    int lx = 10 + (k % per_row) * 185, ly = 12 + (k / per_row) * 22;
    sb_printf(b, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"url(#svl-p%d)\" stroke=\"#333\"/>"
                 "<text x=\"%d\" y=\"%d\">", lx, ly, k % NPAT, lx + 20, ly + 12);
    short_label(b, labels[k], 24);
    sb_puts(b, "</text></g>\n");
  }
  /* Each segment is filled with its series' plain colour; the series'
   * pattern is laid over all its segments at once, by one path per
   * series drawn after the bars.  A pattern fill is costly to print
   * (Chromium's PDF output renders each pattern-filled shape on its own:
   * 600 of them made the 200-bid report take minutes to print, see
   * docs/performance.md), and one per series keeps it to a handful. */
  sbuf *over = gc_alloc(((size_t)ncrit + 1) * sizeof *over);
  for (int k = 0; k < ncrit; k++) sb_init(&over[k]);
  for (int i = 0; i < nbars; i++) {
    const chart_bar *r = &bars[i];
    int y = top + i * (BAR_H + GAP);
    sb_puts(b, "<g class=\"bar\" data-bid=\"");
    bidi_esc(b, r->name, strlen(r->name));
    sb_printf(b, "\"><text class=\"name\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 4, y + 15);
    short_label(b, r->name, 26);
    sb_puts(b, "</text>\n");
    int cum = 0;
    for (int k = 0; k < ncrit; k++) {
      int x0 = px(cum, BAR_W), x1 = px(cum + r->permille[k], BAR_W);
      cum += r->permille[k];
      sb_printf(b, "<rect class=\"seg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#fff\" "
                   "data-permille=\"%d\" data-criterion=\"", BAR_X + x0, y, x1 - x0, BAR_H, colour[k % NPAT], r->permille[k]);
      if (x1 > x0) sb_printf(&over[k], "M%d %dh%dv%dh%dz", BAR_X + x0, y, x1 - x0, BAR_H, x0 - x1);
      html_escs(b, crit[k]);
      sb_puts(b, "\" data-value=\"");
      html_escs(b, r->shown[k]);
      sb_puts(b, "\"><title>");
      attr(b, r->name);
      sb_puts(b, ": ");
      attr(b, labels[k]);
      sb_puts(b, " ");
      html_escs(b, r->shown[k]);
      sb_puts(b, "</title></rect>\n");
    }
    sb_printf(b, "<text class=\"total\" x=\"%d\" y=\"%d\">", BAR_X + px(cum, BAR_W) + 6, y + 15);
    html_escs(b, r->total);
    sb_puts(b, "</text></g>\n");
  }
  for (int k = 0; k < ncrit; k++) {
    if (!over[k].len) continue;
    sb_puts(b, "<path class=\"pattern\" data-criterion=\"");
    html_escs(b, crit[k]);
    sb_printf(b, "\" d=\"%s\" fill=\"url(#svl-p%d)\" stroke=\"#fff\" pointer-events=\"none\" aria-hidden=\"true\"/>\n", over[k].s,
              k % NPAT);
  }
  int axis = top + nbars * (BAR_H + GAP);
  sb_printf(b, "<g class=\"axis\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", BAR_X, axis, BAR_X + BAR_W, axis);
  for (int q = 0; q <= 4; q++)
    sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", BAR_X + q * BAR_W / 4, axis, BAR_X + q * BAR_W / 4, axis + 5);
  sb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">0</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", BAR_X, axis + 20,
            BAR_X + BAR_W, axis + 20);
  html_escs(b, scale);
  sb_puts(b, "</text></g>\n</svg>\n");
}

void svg_sensitivity(sbuf *b, const sens_row *rows, int nrows, const char *winner) {
  enum { ROW = 40 };
  int top = 28, height = top + nrows * ROW + 30;
  sb_printf(b, "<svg class=\"chart sensitivity\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
               "aria-labelledby=\"sens-title sens-desc\">\n", WIDTH, height, WIDTH, height);
  sb_puts(b, "<title id=\"sens-title\">For each weight, the range over which the winner stays ");
  attr(b, winner);
  sb_puts(b, "</title>\n<desc id=\"sens-desc\">One track per criterion from 0% to 100% of the weight, the other weights "
             "rescaled in proportion. The hatched band is where the winner does not change; the black mark is the "
             "published weight. The table after the chart gives the numbers.</desc>\n");
  sb_printf(b, "<g class=\"legend\"><rect x=\"10\" y=\"6\" width=\"14\" height=\"14\" fill=\"url(#svl-band)\"/><text x=\"30\" y=\"18\">winner unchanged</text>"
               "<rect x=\"170\" y=\"4\" width=\"3\" height=\"18\" fill=\"#000\"/><text x=\"180\" y=\"18\">published weight</text></g>\n");
  for (int i = 0; i < nrows; i++) {
    const sens_row *r = &rows[i];
    int y = top + i * ROW;
    sb_puts(b, "<g class=\"weight\" data-criterion=\"");
    html_escs(b, r->criterion);
    sb_printf(b, "\"><text class=\"name\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 4, y + 15);
    short_label(b, r->label, 24);
    sb_puts(b, " ");
    html_escs(b, r->weight);
    sb_printf(b, "</text><rect class=\"track\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f1f1f1\" stroke=\"#999\"/>\n",
              BAR_X, y, BAR_W, BAR_H);
    if (!r->broken) {
      int x0 = px(r->low_pm, BAR_W), x1 = px(r->high_pm, BAR_W);
      if (x1 - x0 < 2) x1 = x0 + 2; /* a zero-width range stays visible */
      sb_printf(b, "<rect class=\"stable\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"url(#svl-band)\" "
                   "data-low-permille=\"%d\" data-high-permille=\"%d\" data-low=\"",
                BAR_X + x0, y + 3, x1 - x0, BAR_H - 6, r->low_pm, r->high_pm);
      html_escs(b, r->low);
      sb_puts(b, "\" data-high=\"");
      html_escs(b, r->high);
      sb_puts(b, "\"><title>");
      attr(b, winner);
      sb_puts(b, " stays the winner for a ");
      attr(b, r->label);
      sb_puts(b, " weight from ");
      html_escs(b, r->low);
      sb_puts(b, " to ");
      html_escs(b, r->high);
      sb_puts(b, "</title></rect>\n");
    }
    int wx = BAR_X + px(r->weight_pm, BAR_W);
    sb_printf(b, "<rect class=\"mark\" x=\"%d\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"#000\" data-permille=\"%d\"><title>published weight ",
              wx - 1, y - 3, BAR_H + 6, r->weight_pm);
    html_escs(b, r->weight);
    sb_printf(b, "</title></rect><text class=\"range\" x=\"%d\" y=\"%d\">", BAR_X + BAR_W + 6, y + 15);
    if (r->broken) {
      sb_puts(b, r->tied ? "tied now" : "not ahead now");
    } else {
      html_escs(b, r->low);
      sb_puts(b, " – ");
      html_escs(b, r->high);
    }
    sb_puts(b, "</text></g>\n");
  }
  int axis = top + nrows * ROW;
  sb_puts(b, "<g class=\"axis\">");
  for (int q = 0; q <= 4; q++)
    sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d%%</text>",
              BAR_X + q * BAR_W / 4, axis - 8, BAR_X + q * BAR_W / 4, axis - 2, BAR_X + q * BAR_W / 4, axis + 12, q * 25);
  sb_puts(b, "</g>\n</svg>\n");
}
