/* The methodology section of the evaluation report (docs/report.md): how
 * the bids were evaluated, taken from the rule file itself rather than
 * restated: the criteria, their labels and weights; the tie-break; the
 * thresholds the data declares (the abnormally-low limit, the moderation
 * method and outlier threshold); and the source text, with file and line,
 * of every gate and of each function the declaration's `methodology`
 * names (the price formula, the marking tables), as the panel applied
 * them. */
#include <string.h>

#include "core/gc.h"
#include "eval/eval.h"
#include "tools/report.h"

/* The source of a callable as written, with where it is; a library
 * function is named, its documentation being the reference. */
static void source_of(sbuf *b, value f) {
  if (f.tag == V_BUILTIN) {
    sb_puts(b, "<p class=\"source\"><code>");
    html_escs(b, f.as.builtin->name);
    sb_puts(b, "</code>: a built-in function (docs/stdlib/prelude.md)</p>\n");
    return;
  }
  if (f.tag != V_FUNC && f.tag != V_TABLE) return;
  const node *fn = f.as.fn->fn;
  const module *m = f.as.fn->mod;
  const char *name = fn->name && strcmp(fn->name, "fn") ? fn->name : "(a function written in place)";
  if (m && m->library) {
    sb_puts(b, "<p class=\"source\"><code>");
    html_escs(b, name);
    sb_puts(b, "</code>: from the standard library (docs/stdlib/)</p>\n");
    return;
  }
  const source *src = fn->at.src;
  int line = 0, col = 0;
  if (src) loc_line_col(src, fn->at.start, &line, &col);
  sb_puts(b, "<figure class=\"source\"><figcaption><code>");
  data_text(b, name);
  sb_puts(b, "</code>, ");
  data_text(b, src && src->name ? src->name : "?");
  sb_printf(b, " line %d</figcaption>\n<pre>", line);
  if (src && fn->at.end > fn->at.start && fn->at.end <= src->len)
    bidi_esc(b, src->text + fn->at.start, fn->at.end - fn->at.start);
  sb_puts(b, "</pre></figure>\n");
}

void methodology_section(sbuf *b, const method_info *m) {
  sb_puts(b, "<section id=\"methodology\">\n<h2>Methodology</h2>\n<p>How the bids were evaluated, taken from the "
             "rule file that made this page: the rules and functions below are quoted as written.</p>\n");
  if (m->nc > 0) {
    sb_puts(b, "<div class=\"scroll\">\n<table class=\"criteria\">\n<caption>Criteria and weights</caption>\n"
               "<thead><tr><th scope=\"col\">Criterion</th><th scope=\"col\">Key in the rules</th>"
               "<th scope=\"col\">Weight</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < m->nc; k++) {
      sb_puts(b, "<tr>");
      rp_th(b, "row", m->labels[k]);
      sb_puts(b, "<td><code>");
      data_text(b, m->keys[k]);
      sb_puts(b, "</code></td><td class=\"num\">");
      html_escs(b, value_display(m->weights[k], true));
      sb_puts(b, "</td></tr>\n");
    }
    sb_puts(b, "</tbody>\n</table>\n</div>\n");
  }
  sb_puts(b, "<p><strong>Ranking and tie-break:</strong> bids in competition are ranked by total, highest first; "
             "equal totals are separated by ");
  if (m->tie_break) data_text(b, m->tie_break);
  else sb_puts(b, "the tie-break declared in the rule file (the report is not given it in words: add tie_break)");
  sb_puts(b, ".</p>\n");
  if (m->alt_limit.tag != V_NULL) {
    sb_puts(b, "<p><strong>Abnormally low tenders:</strong> a tender below ");
    html_escs(b, m->alt_limit_text);
    sb_puts(b, " (and more than its proximity margin below ");
    html_escs(b, m->alt_reference ? m->alt_reference : "the next tender up");
    sb_puts(b, ") is flagged and asked to explain "
               "its price; it is rejected only if the explanation is not accepted.</p>\n");
  }
  if (m->moderation_method) {
    if (!strcmp(m->moderation_method, "moderator")) {
      sb_puts(b, "<p><strong>Moderation:</strong> the consensus mark is the moderator's decision for every bid "
                 "and criterion");
    } else {
      sb_puts(b, "<p><strong>Moderation:</strong> the consensus mark is the panel's agreed mark where one is "
                 "recorded, else the ");
      data_text(b, m->moderation_method);
      sb_puts(b, " of the evaluators' marks");
    }
    if (m->moderation_threshold) {
      sb_puts(b, "; a mark at least ");
      html_escs(b, m->moderation_threshold);
      sb_puts(b, " from the consensus is an outlier to discuss");
    }
    sb_puts(b, ".</p>\n");
  }
  if (m->ngates) {
    sb_puts(b, "<h3>Gates</h3>\n<p>Every bid received is checked against each gate; failing any excludes it.</p>\n");
    for (int i = 0; i < m->ngates; i++) source_of(b, m->gates[i]);
  }
  if (m->nfns) {
    sb_puts(b, "<h3>Scoring</h3>\n");
    for (int i = 0; i < m->nfns; i++) source_of(b, m->fns[i]);
  }
  sb_puts(b, "</section>\n");
}
