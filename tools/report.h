/* The HTML evaluation report (svl report, docs/report.md): tools/report.c
 * renders the page of a `report` declaration (checked by
 * eval/report_decl.c); tools/report_svg.c draws its charts.  Not part of
 * the public API. */
#ifndef SVL_REPORT_H
#define SVL_REPORT_H

#include "eval/eval.h"

/* ---- shared by report.c and report_svg.c ---- */

/* HTML-escape len bytes of UTF-8 (& < > " '), for text and attributes. */
void html_esc(sbuf *b, const char *s, size_t len);
void html_escs(sbuf *b, const char *s);
/* Data text (names, reasons, anything from a rule file or the bids):
 * bidi_esc escapes it with its bidi controls balanced; data_text puts it
 * in a <bdi> element, data_attr between FSI and PDI for an attribute or
 * SVG text, so nothing in it can reorder the page's own words. */
void bidi_esc(sbuf *b, const char *s, size_t len);
/* The bidi control at p (UAX #9): 0 none, 'e' an embedding or override
 * (U+202A/B/D/E), 'i' an isolate initiator (U+2066..8), 'p' PDF, 'q' PDI. */
char bidi_kind(const unsigned char *p, size_t left);
/* The page's style sheet; `print_explanations` is appended to it when the
 * explanations are printed in full. */
extern const char report_css[];
extern const char report_css_print_explanations[];
void data_text(sbuf *b, const char *s);
void data_attr(sbuf *b, const char *s, size_t len);
/* A heading cell, <th scope="col"> or "row", of a data text. */
void rp_th(sbuf *b, const char *scope, const char *text);

/* One bid's bar of the contributions chart: its name, the display form of
 * each criterion's weighted contribution, and the same values in
 * per-mille of the chart's scale (integers computed with decimals). */
typedef struct chart_bar {
  const char *name;
  const char *total;        /* display form */
  const char **shown;       /* ncrit display forms */
  int *permille;            /* ncrit widths, cumulative rounding */
} chart_bar;

typedef struct sens_row {
  const char *criterion, *label;      /* the weight's key and its label */
  const char *weight, *low, *high;    /* display forms (percentages) */
  int weight_pm, low_pm, high_pm;      /* per-mille of 0..100% */
  const char *below, *above;           /* who wins past each end, or NULL */
  bool broken;                         /* the winner is not ahead now */
  bool tied;                           /* ... because its total equals another's */
} sens_row;

/* The stacked bar chart of contributions (SVG with <title>, <desc>, a
 * legend and labels); `scale` is the display form of the axis maximum. */
void svg_contributions(sbuf *b, const chart_bar *bars, int nbars, const char **crit, const char **labels,
                       int ncrit, const char *scale);
/* The sensitivity chart: for each weight, the range keeping the winner. */
void svg_sensitivity(sbuf *b, const sens_row *rows, int nrows, const char *winner);
/* The moderation section: moderation.moderate's rows; `label` names a
 * criterion.  moderation_check returns why the rows cannot be shown, or
 * NULL. */
const char *moderation_check(const list *rows);
void moderation_section(sbuf *b, const list *rows, const char *(*label)(void *, const char *), void *ctx);
/* What the methodology section states (tools/report_method.c). */
typedef struct method_info {
  int nc;                                  /* criteria */
  const char **keys, **labels;
  const value *weights;
  const char *tie_break;                   /* NULL: not given in words */
  value alt_limit;                         /* null: no abnormally-low screen */
  const char *alt_limit_text;
  const char *alt_reference;               /* "the next tender up", ... (scoring.alt_screen's reference_rule) */
  const char *moderation_method, *moderation_threshold; /* NULL: no moderation */
  const value *gates, *fns;                /* rules, and functions to quote */
  int ngates, nfns;
} method_info;
void methodology_section(sbuf *b, const method_info *m);
/* <defs> with the fill patterns both charts use (once per page). */
void svg_patterns(sbuf *b);

#endif
