/* The moderation section of the evaluation report (docs/report.md): the
 * rows of moderation.moderate (docs/stdlib/moderation.md) as the panel's
 * record: for each bid, each evaluator's mark and reason per criterion,
 * the consensus and how it was reached, the spread, the outliers flagged
 * and the moderator's note. */
#include <string.h>

#include "core/gc.h"
#include "tools/report.h"

static value get(value rec, const char *k) {
  if (rec.tag != V_RECORD) return v_null;
  long i = record_find(rec.as.rec, k);
  return i < 0 ? v_null : rec_get(rec.as.rec, i);
}

static bool is_text(value x) { return x.tag == V_TEXT; }

const char *moderation_check(const list *rows) {
  for (size_t i = 0; i < rows->n; i++) {
    value r = rows->items[i], marks = get(r, "marks");
    if (!is_text(get(r, "bid")) || !is_text(get(r, "criterion")) || get(r, "consensus").tag != V_NUM ||
        marks.tag != V_LIST)
      return "each row of moderation needs bid, criterion, marks and consensus (moderation.moderate's result)";
    for (size_t j = 0; j < marks.as.list->n; j++) {
      value m = marks.as.list->items[j];
      if (!is_text(get(m, "evaluator")) || get(m, "mark").tag != V_NUM)
        return "each mark of moderation needs an evaluator and a numeric mark (moderation.moderate's result)";
    }
  }
  return NULL;
}

/* A mark as shown: a mean such as 2.666… to 2 decimals, exact in the title. */
static void mark_text(sbuf *b, value x) {
  dec y;
  if (x.tag == V_NUM && dec_round(x.as.num, 2, DEC_HALF_AWAY, &y) == DEC_OK && !dec_eq(y, x.as.num)) {
    sb_puts(b, "<span title=\"");
    html_escs(b, value_display(x, true));
    sb_puts(b, "\">");
    value r = x;
    r.as.num = y;
    html_escs(b, value_display(r, true));
    sb_puts(b, "</span>");
  } else if (x.tag == V_NUM) {
    html_escs(b, value_display(x, true));
  } else {
    sb_puts(b, "—");
  }
}

static void num(sbuf *b, value x) {
  sb_puts(b, "<td class=\"num\">");
  mark_text(b, x);
  sb_puts(b, "</td>");
}

static int flagged_in(const list *rows, const char *bid, int *criteria) {
  int n = 0;
  *criteria = 0;
  for (size_t i = 0; i < rows->n; i++) {
    value r = rows->items[i], marks = get(r, "marks");
    if (bid && strcmp(get(r, "bid").as.text->s, bid)) continue;
    int here = 0;
    for (size_t j = 0; j < marks.as.list->n; j++) {
      value o = get(marks.as.list->items[j], "outlier");
      here += o.tag == V_BOOL && o.b;
    }
    n += here;
    *criteria += here > 0;
  }
  return n;
}

void moderation_section(sbuf *b, const list *rows, const char *(*label)(void *, const char *), void *ctx) {
  sb_puts(b, "<section id=\"moderation\">\n<h2>Moderation of the evaluators' marks</h2>\n"
             "<p>Each evaluator marked each bid on each criterion independently, with a reason. The consensus is the "
             "mark the panel agreed where one is recorded, else the declared method; a mark whose distance from the "
             "consensus reaches the declared threshold is flagged ⚑ as an outlier the panel must discuss.</p>\n");
  int ncrit, n = flagged_in(rows, NULL, &ncrit);
  sb_printf(b, "<p class=\"summary\">%d mark%s flagged as outlier%s, on %d bid-criterion pair%s.</p>\n", n,
            n == 1 ? "" : "s", n == 1 ? "" : "s", ncrit, ncrit == 1 ? "" : "s");
  /* one table per bid, in the order the rows first name them */
  for (size_t i = 0; i < rows->n; i++) {
    const char *bid = get(rows->items[i], "bid").as.text->s;
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = !strcmp(get(rows->items[k], "bid").as.text->s, bid);
    if (seen) continue;
    sb_puts(b, "<h3>");
    data_text(b, bid);
    sb_puts(b, "</h3>\n<div class=\"scroll\">\n<table class=\"moderation\">\n<caption>Marks of ");
    data_text(b, bid);
    sb_puts(b, " by evaluator, and the consensus</caption>\n<thead><tr><th scope=\"col\">Criterion</th>"
               "<th scope=\"col\">Evaluator</th><th scope=\"col\">Mark</th><th scope=\"col\">Reason</th>"
               "<th scope=\"col\">Consensus</th><th scope=\"col\">Reached by</th><th scope=\"col\">Spread</th>"
               "<th scope=\"col\">Moderator's note</th></tr></thead>\n");
    for (size_t k = i; k < rows->n; k++) {
      value r = rows->items[k];
      if (strcmp(get(r, "bid").as.text->s, bid)) continue;
      const list *marks = get(r, "marks").as.list;
      size_t span = marks->n ? marks->n : 1;
      sb_puts(b, "<tbody>\n");
      for (size_t j = 0; j < span; j++) {
        value m = marks->n ? marks->items[j] : v_null;
        value o = get(m, "outlier");
        bool out = o.tag == V_BOOL && o.b;
        sb_puts(b, out ? "<tr class=\"outlier\">" : "<tr>");
        if (j == 0) {
          sb_printf(b, "<th scope=\"rowgroup\" rowspan=\"%zu\">", span);
          data_text(b, label(ctx, get(r, "criterion").as.text->s));
          sb_puts(b, "</th>");
        }
        sb_puts(b, "<td>");
        if (m.tag != V_NULL) data_text(b, get(m, "evaluator").as.text->s);
        sb_puts(b, "</td><td class=\"num\">");
        if (out) sb_puts(b, "⚑ ");
        if (m.tag != V_NULL) html_escs(b, value_display(get(m, "mark"), true));
        sb_puts(b, "</td><td class=\"reason\">");
        value why = get(m, "reason");
        if (is_text(why) && why.as.text->s[0]) data_text(b, why.as.text->s);
        else sb_puts(b, "(no reason recorded)");
        sb_puts(b, "</td>");
        if (j == 0) {
          sb_printf(b, "<td class=\"num consensus\" rowspan=\"%zu\">", span);
          mark_text(b, get(r, "consensus"));
          sb_printf(b, "</td><td rowspan=\"%zu\">", span);
          value how = get(r, "method"), th = get(r, "threshold");
          if (is_text(how)) data_text(b, how.as.text->s);
          if (th.tag == V_NUM) {
            sb_puts(b, " (outlier at ±");
            html_escs(b, value_display(th, true));
            sb_puts(b, ")");
          }
          sb_puts(b, "</td>");
          num(b, get(r, "spread"));
          sb_printf(b, "<td class=\"note\" rowspan=\"%zu\">", span);
          value note = get(r, "note");
          if (is_text(note)) data_text(b, note.as.text->s);
          else sb_puts(b, "—");
          sb_puts(b, "</td>");
        }
        sb_puts(b, "</tr>\n");
      }
      sb_puts(b, "</tbody>\n");
    }
    sb_puts(b, "</table>\n</div>\n");
  }
  sb_puts(b, "</section>\n");
}
