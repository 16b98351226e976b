/* The parts of the evaluation record that are not computed but recorded
 * (docs/report.md): the clarification log (what was asked of a bidder,
 * when, its answer and what came of it), the declarations of interest of
 * everyone on the panel, and the panel's sign-off lines.  Each is a list
 * of records in the report declaration, typically read from a CSV; known
 * columns come first, in a fixed order and with fixed headings, then any
 * other column the data has, so nothing the commissioner recorded is
 * dropped. */
#include <string.h>
#include <strings.h>

#include "core/gc.h"
#include "tools/report_rep.h"

typedef struct col { const char *key, *head; bool required; } col;

typedef struct log_spec {
  fid field;
  const col *cols;   /* the known columns, in order */
  int ncols;
  const char *what;  /* "each clarification" */
} log_spec;

static const col clar_cols[] = {{"bid", "Bid", true},           {"asked", "Asked", false},
                                {"question", "Question", true}, {"answered", "Answered", false},
                                {"response", "Response", false}, {"outcome", "Outcome", false}};
static const log_spec clar = {F_CLARIFICATIONS, clar_cols, 6, "each clarification"};
static const col decl_cols[] = {{"person", "Person", true},            {"role", "Role", false},
                                {"date", "Declared on", false},        {"interest", "Interest declared", true},
                                {"action", "How it was managed", false}};
static const log_spec decl = {F_DECLARATIONS, decl_cols, 5, "each declaration"};
static const col sign_cols[] = {{"name", "Name", true}, {"role", "Role", true}, {"signature", "Signature", false},
                                {"date", "Date", false}};
static const log_spec sign = {F_SIGN_OFF, sign_cols, 4, "each sign-off line"};

static bool known(const log_spec *s, const char *k) {
  for (int c = 0; c < s->ncols; c++)
    if (!strcmp(s->cols[c].key, k)) return true;
  return false;
}

/* The columns a table shows: the known ones the data has (the required
 * ones always, and a sign-off's signature and date, to be filled by hand), then the others in order of first appearance.  Raises
 * E0409 when a row lacks a required field. */
static const char **columns(rep *r, const log_spec *s, const list *rows, int *n) {
  const char **cols = gc_alloc((size_t)s->ncols * sizeof *cols);
  int nc = 0, cap = s->ncols;
  for (size_t i = 0; i < rows->n; i++)
    for (int c = 0; c < s->ncols; c++)
      if (s->cols[c].required && rp_field_or_null(rows->items[i], s->cols[c].key).tag == V_NULL)
        vm_error_hint(r->v, r->at[s->field], "docs/report.md lists the columns",
                      "E0409 report: %s needs '%s' (row %zu has none)", s->what, s->cols[c].key, i + 1);
  for (int c = 0; c < s->ncols; c++) {
    bool any = s->cols[c].required || s->field == F_SIGN_OFF; /* a sign-off always has room to sign and date */
    for (size_t i = 0; i < rows->n && !any; i++) any = rp_field_or_null(rows->items[i], s->cols[c].key).tag != V_NULL;
    if (any) cols[nc++] = s->cols[c].key;
  }
  for (size_t i = 0; i < rows->n; i++) {
    const record *x = rows->items[i].as.rec;
    for (size_t k = 0; k < x->n; k++) {
      if (known(s, x->keys[k])) continue;
      bool seen = false;
      for (int c = 0; c < nc && !seen; c++) seen = !strcmp(cols[c], x->keys[k]);
      if (seen) continue;
      if (nc == cap) {
        cap *= 2;
        const char **nw = gc_alloc((size_t)cap * sizeof *nw);
        memcpy(nw, cols, (size_t)nc * sizeof *nw);
        cols = nw;
      }
      cols[nc++] = x->keys[k];
    }
  }
  *n = nc;
  return cols;
}

static const char *head_of(const log_spec *s, const char *key) {
  for (int c = 0; c < s->ncols; c++)
    if (!strcmp(s->cols[c].key, key)) return s->cols[c].head;
  return NULL;
}

/* An interest worth a second look: any text but "none" (or "no", "nil"). */
static bool declared(value row) {
  value x = rp_field_or_null(row, "interest");
  if (x.tag == V_BOOL) return x.b;
  if (x.tag != V_TEXT) return x.tag != V_NULL;
  const char *t = x.as.text->s;
  return *t && strcasecmp(t, "none") && strcasecmp(t, "no") && strcasecmp(t, "nil") && strcasecmp(t, "n/a");
}

/* A table of the rows (only those about bid `only`, without the bid
 * column, when only is not NULL); returns how many rows it showed. */
static int log_table(rep *r, const log_spec *s, const list *rows, const char *caption, const char *only) {
  sbuf *b = r->b;
  int nc;
  const char **cols = columns(r, s, rows, &nc);
  int shown = 0;
  for (size_t i = 0; i < rows->n; i++) {
    value who = rp_field_or_null(rows->items[i], "bid");
    shown += !only || (who.tag == V_TEXT && !strcmp(who.as.text->s, only));
  }
  if (!shown) return 0;
  sb_printf(b, "<div class=\"scroll\">\n<table class=\"log %s\">\n<caption>", s->field == F_CLARIFICATIONS ? "clarifications"
                                                                           : s->field == F_DECLARATIONS ? "declarations" : "sign-off");
  html_escs(b, caption);
  sb_puts(b, "</caption>\n<thead><tr>");
  for (int c = 0; c < nc; c++) {
    if (only && !strcmp(cols[c], "bid")) continue;
    sb_puts(b, "<th scope=\"col\">");
    const char *h = head_of(s, cols[c]);
    if (h) sb_puts(b, h);
    else rp_heading(r, cols[c]);
    sb_puts(b, "</th>");
  }
  sb_puts(b, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < rows->n; i++) {
    value row = rows->items[i];
    value who = rp_field_or_null(row, "bid");
    if (only && !(who.tag == V_TEXT && !strcmp(who.as.text->s, only))) continue;
    sb_puts(b, s->field == F_DECLARATIONS && declared(row) ? "<tr class=\"declared\">" : "<tr>");
    for (int c = 0; c < nc; c++) {
      if (only && !strcmp(cols[c], "bid")) continue;
      value x = rp_field_or_null(row, cols[c]);
      bool first = c == 0;
      if (s->field == F_SIGN_OFF && x.tag == V_NULL && (!strcmp(cols[c], "signature") || !strcmp(cols[c], "date"))) {
        sb_puts(b, "<td class=\"sign\"></td>"); /* room to sign by hand */
      } else if (first && x.tag == V_TEXT) {
        rp_th(b, "row", x.as.text->s);
      } else if (x.tag == V_DATE) {
        sb_puts(b, "<td class=\"date\">"); /* 2026-01-08 on one line */
        data_text(b, disp(x));
        sb_puts(b, "</td>");
      } else {
        rp_cell(b, x);
      }
    }
    sb_puts(b, "</tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n");
  return shown;
}

/* The bids' names, to check that a clarification names one of them. */
static void check_bids(rep *r, const list *rows) {
  value all = r->f[F_BIDS].tag != V_NULL ? r->f[F_BIDS] : r->f[F_RANKING];
  const list *bl = all.as.list;
  for (size_t i = 0; i < rows->n; i++) {
    value who = rp_field_or_null(rows->items[i], "bid");
    bool found = false;
    for (size_t j = 0; j < bl->n && !found; j++)
      found = who.tag == V_TEXT && !strcmp(who.as.text->s, rp_name_of(r, bl->items[j], (int)j));
    if (!found)
      vm_error_hint(r->v, r->at[F_CLARIFICATIONS], "a clarification's bid is the name the report gives the bid (its supplier)",
                    "E0409 report: clarification %zu is about '%s', which is not a bid of the report", i + 1,
                    who.tag == V_TEXT ? who.as.text->s : value_short(who));
  }
}

void rp_clarifications(rep *r) {
  sbuf *b = r->b;
  const list *rows = r->f[F_CLARIFICATIONS].as.list;
  check_bids(r, rows);
  sb_puts(b, "<section id=\"clarifications\">\n<h2>Clarifications</h2>\n");
  if (!rows->n) {
    sb_puts(b, "<p>No clarification was sought from any bidder.</p>\n</section>\n");
    return;
  }
  sb_printf(b, "<p>Every question put to a bidder during the evaluation, its answer and what came of it: %zu "
               "clarification%s.</p>\n", rows->n, rows->n == 1 ? "" : "s");
  log_table(r, &clar, rows, "Clarification log", NULL);
  sb_puts(b, "</section>\n");
}

bool rp_bid_clarifications(rep *r, const char *nm) {
  if (r->f[F_CLARIFICATIONS].tag == V_NULL) return false;
  check_bids(r, r->f[F_CLARIFICATIONS].as.list);
  return log_table(r, &clar, r->f[F_CLARIFICATIONS].as.list, "Clarifications sought from this bidder", nm) > 0;
}

void rp_declarations(rep *r) {
  sbuf *b = r->b;
  const list *rows = r->f[F_DECLARATIONS].as.list;
  sb_puts(b, "<section id=\"declarations\">\n<h2>Declarations of interest</h2>\n");
  if (!rows->n) {
    sb_puts(b, "<p class=\"tie\">No declaration of interest is recorded.</p>\n</section>\n");
    return;
  }
  int with = 0;
  for (size_t i = 0; i < rows->n; i++) with += declared(rows->items[i]);
  sb_printf(b, "<p class=\"summary\">%zu declaration%s; ", rows->n, rows->n == 1 ? "" : "s");
  if (with == 0) sb_puts(b, "no one declared an interest.</p>\n");
  else sb_printf(b, "%d declare%s an interest (highlighted, with how it was managed).</p>\n", with, with == 1 ? "s" : "");
  log_table(r, &decl, rows, "Declarations of interest by everyone who took part in the evaluation", NULL);
  sb_puts(b, "</section>\n");
}

void rp_sign_off(rep *r) {
  sbuf *b = r->b;
  const list *rows = r->f[F_SIGN_OFF].as.list;
  sb_puts(b, "<section id=\"sign-off\">\n<h2>Sign-off</h2>\n<p class=\"statement\">");
  /* the commissioner's own words when given (a declaration under its
   * standing orders, a conflict statement); a data text, so isolated */
  if (r->f[F_SIGN_OFF_STATEMENT].tag == V_TEXT) rp_free_text(r, r->f[F_SIGN_OFF_STATEMENT].as.text->s);
  else sb_puts(b, "Signed by the panel as a true record of the evaluation set out above.");
  sb_puts(b, "</p>\n");
  if (rows->n) log_table(r, &sign, rows, "The panel", NULL);
  sb_puts(b, "</section>\n");
}
