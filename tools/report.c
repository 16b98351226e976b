/* The evaluation report: svl_report_html renders a `report` declaration
 * (docs/report.md; checked by eval/report_decl.c) as one self-contained
 * HTML page.
 *
 * The page has no script, no external resource and a Content-Security-
 * Policy that forbids both, so it works offline and nothing in it can
 * call out.  Every text that comes from a rule file or from bids goes
 * through html_esc.  Numbers are SVL's own decimals in display form; the
 * few the report derives itself (weighted contributions, the sensitivity
 * ranges, chart geometry) are computed with the same decimal operations,
 * never binary floating point.  The output has no time stamp, so the same
 * inputs give the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/gc.h"
#include "eval/report_decl.h"
#include "tools/report.h"
#include "tools/report_rep.h"
#include "tools/explain.h"

/* ---- rendering ---- */


loc rp_at_of(rep *r, fid f) { return r->f[f].tag != V_NULL ? r->at[f] : r->d->at; }

dec rp_dop(rep *r, int op, dec a, dec b) {
  dec out;
  dec_status st = op == '+' ? dec_add(a, b, &out) : op == '-' ? dec_sub(a, b, &out)
                : op == '*' ? dec_mul(a, b, &out) : dec_div(a, b, &out);
  vm_check(r->v, r->d->at, st);
  return out;
}

/* x rounded half away from zero to `places`, in display form (a
 * percentage when pct). */
static const char *rounded(rep *r, dec x, int places, bool pct) {
  dec y;
  vm_check(r->v, r->d->at, dec_round(x, places, DEC_HALF_AWAY, &y));
  return disp(pct ? v_pct(y) : v_num(y));
}

/* x / scale in per-mille, rounded, clamped to 0..1000: chart geometry. */
static int permille(rep *r, dec x, dec scale) {
  if (dec_is_zero(scale) || dec_is_neg(x)) return 0;
  dec y;
  vm_check(r->v, r->d->at, dec_round(rp_dop(r, '/', rp_dop(r, '*', x, dec_from_int(1000)), scale), 0, DEC_HALF_AWAY, &y));
  int64_t i;
  if (!dec_to_int(y, &i) || i > 1000) return 1000;
  return (int)i;
}

value rp_call1(rep *r, fid f, value x) { return vm_call(r->v, r->f[f], 1, &x, r->at[f]); }

value rp_field_or_null(value rec, const char *k) {
  if (rec.tag != V_RECORD) return v_null;
  long i = record_find(rec.as.rec, k);
  return i < 0 ? v_null : rec_get(rec.as.rec, i);
}

/* A bid's name: the declaration's `name`, else the first of supplier,
 * name, bidder and id that is there (scoring.bid_name's convention). */
const char *rp_name_of(rep *r, value bid, int index) {
  if (r->f[F_NAME].tag != V_NULL) return disp(rp_call1(r, F_NAME, bid));
  static const char *keys[] = {"supplier", "name", "bidder", "id"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    value x = rp_field_or_null(bid, keys[k]);
    if (x.tag != V_NULL) return disp(x);
  }
  sbuf b;
  sb_init(&b);
  sb_printf(&b, "bid %d", index + 1);
  return b.s;
}

/* The bid names that texts made by the rule file may hold (a decision
 * "Award to {winner.supplier}", a gate's reason, a narrative of svl
 * explain): the non-ASCII ones, which alone can reorder what surrounds
 * them.  Made once. */
static void iso_names(rep *r) {
  if (r->iso) return;
  value all = r->f[F_BIDS].tag != V_NULL ? r->f[F_BIDS] : r->f[F_RANKING];
  const list *bl = all.as.list;
  r->iso = gc_alloc((bl->n + (size_t)r->n + 1) * sizeof *r->iso);
  for (size_t i = 0; i < bl->n + (size_t)r->n; i++) {
    const char *nm = i < bl->n ? rp_name_of(r, bl->items[i], (int)i) : r->names[i - bl->n];
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)nm; *p && plain; p++) plain = *p < 0x80;
    if (!plain) r->iso[r->niso++] = nm;
  }
}

/* A text the rule file made, perhaps from data: every bid name in it is
 * isolated in its own <bdi> (string interpolation does not mark where a
 * name begins, so the names are found again here).  The rest is escaped
 * with its bidi controls balanced; in a narrative (`shown`) such a control
 * is printed as its code point instead, never obeyed. */
static void mixed_text(rep *r, const char *s, bool shown) {
  sbuf *b = r->b;
  iso_names(r);
  size_t from = 0, len = strlen(s);
  for (size_t i = 0; i < len;) {
    const char *hit = NULL;
    for (int k = 0; k < r->niso; k++) /* the longest name that starts here */
      if (!strncmp(s + i, r->iso[k], strlen(r->iso[k])) && (!hit || strlen(r->iso[k]) > strlen(hit))) hit = r->iso[k];
    char kind = shown ? bidi_kind((const unsigned char *)s + i, len - i) : 0;
    if ((!hit || !*hit) && !kind) { i++; continue; }
    (shown ? html_esc : bidi_esc)(b, s + from, i - from);
    if (hit && *hit) {
      data_text(b, hit);
      i += strlen(hit);
    } else {
      const unsigned char *p = (const unsigned char *)s + i;
      sb_printf(b, "[U+%04X]", ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F));
      i += 3;
    }
    from = i;
  }
  (shown ? html_esc : bidi_esc)(b, s + from, len - from);
}

/* A text of the rule file or the data, isolated as a whole and its names
 * each on their own. */
void rp_free_text(rep *r, const char *s) {
  sb_puts(r->b, "<bdi>");
  mixed_text(r, s, false);
  sb_puts(r->b, "</bdi>");
}

/* A field or criterion in words: its label when `labels` gives one,
 * else the key with spaces for underscores ("adjusted_average" ->
 * "adjusted average"). */
const char *rp_label_of(rep *r, const char *key) {
  value l = rp_field_or_null(r->f[F_LABELS], key);
  if (l.tag == V_TEXT) return l.as.text->s;
  char *t = gc_strdup(key);
  for (char *p = t; *p; p++)
    if (*p == '_') *p = ' ';
  return t;
}

void rp_heading(rep *r, const char *key) { data_text(r->b, rp_label_of(r, key)); }
static const char *label_cb(void *r, const char *key) { return rp_label_of(r, key); }

const char *rp_callable_name(value f) {
  if ((f.tag == V_FUNC || f.tag == V_TABLE) && f.as.fn->fn->name && strcmp(f.as.fn->fn->name, "fn")) return f.as.fn->fn->name;
  if (f.tag == V_BUILTIN) return f.as.builtin->name;
  return "gate";
}

static bool is_money(value x) {
  return x.tag == V_NUM && x.unit && x.unit->n == 1 && x.unit->f[0].exp == 1 && x.unit->f[0].def->money;
}

/* A plain number or percentage with more than 2 decimals (of the
 * percentage) is shown rounded half away from zero, money to the penny,
 * the exact value in the cell's title; NULL when x is shown as it is. */
static const char *rounded_form(value x) {
  if (x.tag != V_NUM || (x.unit && !is_money(x))) return NULL;
  dec y;
  if (dec_round(x.as.num, x.pct ? 4 : 2, DEC_HALF_AWAY, &y) != DEC_OK || dec_eq(y, x.as.num)) return NULL;
  value r = x;
  r.as.num = y;
  return disp(r);
}

/* A number in running text: rounded as in cells. */
const char *rp_num_text(value x) {
  const char *approx = rounded_form(x);
  return approx ? approx : disp(x);
}

/* A score or total: a plain number to exactly 2 decimals (77.50 beside
 * 80.25), rounded half away from zero; other values as num_text. */
const char *rp_fixed2(value x) {
  if (x.tag != V_NUM || x.unit || x.pct) return rp_num_text(x);
  dec y;
  if (dec_round(x.as.num, 2, DEC_HALF_AWAY, &y) != DEC_OK) return disp(x);
  const char *s = disp(v_num(y)), *dot = strchr(s, '.');
  if (strchr(s, 'e') || strchr(s, 'E')) return s;
  sbuf b;
  sb_init(&b);
  sb_puts(&b, s);
  if (!dot) sb_puts(&b, ".00");
  else if (strlen(dot) == 2) sb_putc(&b, '0');
  return b.s;
}

/* A cell of a value; `two` shows a plain number to exactly 2 decimals. */
void rp_value_cell(sbuf *b, value x, bool two) {
  const char *approx = two ? rp_fixed2(x) : rounded_form(x);
  if (approx && strcmp(approx, disp(x))) {
    sb_puts(b, "<td class=\"num\" title=\"");
    html_escs(b, disp(x));
    sb_puts(b, "\">");
    html_escs(b, approx);
    sb_puts(b, "</td>");
    return;
  }
  bool num = x.tag == V_NUM;
  sb_puts(b, num ? "<td class=\"num\">" : "<td>");
  if (x.tag == V_BOOL) sb_puts(b, x.b ? "yes" : "no");
  else if (x.tag == V_NULL) sb_puts(b, "—");
  else if (num) html_escs(b, disp(x));
  else if (x.tag == V_TEXT || x.tag == V_DATE || x.tag == V_DATETIME) data_text(b, disp(x));
  else data_text(b, value_short(x));
  sb_puts(b, "</td>");
}

void rp_cell(sbuf *b, value x) { rp_value_cell(b, x, false); }


/* ---- sections ---- */

void rp_load_ranking(rep *r) {
  const list *l = r->f[F_RANKING].as.list;
  r->n = (int)l->n;
  r->bid = l->items;
  r->names = gc_alloc((l->n + 1) * sizeof *r->names);
  r->totals = gc_alloc((l->n + 1) * sizeof *r->totals);
  for (int i = 0; i < r->n; i++) {
    r->names[i] = rp_name_of(r, r->bid[i], i);
    r->totals[i] = r->f[F_TOTAL].tag != V_NULL ? rp_call1(r, F_TOTAL, r->bid[i]) : rp_field_or_null(r->bid[i], "total");
  }
  if (r->f[F_WEIGHTS].tag == V_NULL) return;
  const record *wr = r->f[F_WEIGHTS].as.rec;
  r->nc = (int)wr->n;
  r->crit = wr->keys;
  r->label = gc_alloc(((size_t)r->nc + 1) * sizeof *r->label);
  for (int k = 0; k < r->nc; k++) r->label[k] = rp_label_of(r, r->crit[k]);
  r->wv = record_values(wr);
  r->w = gc_alloc_atomic(wr->n * sizeof(dec));
  for (int k = 0; k < r->nc; k++) r->w[k] = rec_get(wr, k).as.num;
  /* scores: the declaration's function, else each bid's `scores` record */
  r->s = gc_alloc_atomic(((size_t)r->n * (size_t)r->nc + 1) * sizeof(dec));
  r->T = gc_alloc_atomic(((size_t)r->n + 1) * sizeof(dec));
  for (int i = 0; i < r->n; i++) {
    value sc = r->f[F_SCORES].tag != V_NULL ? rp_call1(r, F_SCORES, r->bid[i]) : rp_field_or_null(r->bid[i], "scores");
    if (sc.tag == V_NULL && r->f[F_SCORES].tag == V_NULL) return; /* no scores: no chart */
    if (sc.tag != V_RECORD)
      vm_error(r->v, rp_at_of(r, F_SCORES), "E0409 report: the scores of %s must be a record of criterion scores, got %s",
               r->names[i], value_type_name(sc));
    r->T[i] = dec_from_int(0);
    for (int k = 0; k < r->nc; k++) {
      long j = record_find(sc.as.rec, r->crit[k]);
      if (j < 0)
        vm_error_hint(r->v, rp_at_of(r, F_SCORES), "the scores need a field for every criterion of weights",
                      "E0409 report: the scores of %s have no '%s'", r->names[i], r->crit[k]);
      value x = rec_get(sc.as.rec, j);
      if (!report_plain_number(x))
        vm_error(r->v, rp_at_of(r, F_SCORES), "E0409 report: the %s score of %s must be a plain number, got %s", r->crit[k],
                 r->names[i], value_type_name(x));
      r->s[i * r->nc + k] = x.as.num;
      r->T[i] = rp_dop(r, '+', r->T[i], rp_dop(r, '*', r->w[k], x.as.num));
    }
    if (r->totals[i].tag == V_NULL) r->totals[i] = v_num(r->T[i]);
  }
  r->scored = true;
}

/* The contract, the date of evaluation and the as-of date under a page's heading. */
void rp_contract_date(rep *r) {
  sbuf *b = r->b;
  if (r->f[F_CONTRACT].tag != V_NULL) {
    sb_puts(b, "<p class=\"contract\">");
    rp_free_text(r, disp(r->f[F_CONTRACT]));
    sb_puts(b, "</p>\n");
  }
  rp_dates(r, b);
}

/* The award decision in the rule file's words, when it gives one. */
void rp_decision_text(rep *r) {
  if (r->f[F_DECISION].tag == V_NULL) return;
  sb_puts(r->b, "<p class=\"decision\">");
  rp_free_text(r, disp(r->f[F_DECISION]));
  sb_puts(r->b, "</p>\n");
}

static bool has_separation(rep *r) {
  return r->n >= 2 && (r->f[F_EXPLAIN].tag != V_NULL || r->f[F_TOTAL].tag != V_NULL);
}

static void separation(rep *r);

static void header(rep *r) {
  sbuf *b = r->b;
  sb_puts(b, "<header>\n<h1>");
  rp_free_text(r, disp(r->f[F_TITLE]));
  sb_puts(b, "</h1>\n");
  rp_contract_date(r);
  sb_puts(b, "</header>\n<nav aria-label=\"Contents\"><ul><li><a href=\"#decision\">Award decision</a></li>"
             "<li><a href=\"#methodology\">Methodology</a></li>"
             "<li><a href=\"#ranking\">Ranking</a></li>");
  if (r->scored) sb_puts(b, "<li><a href=\"#contributions\">Contributions</a></li>");
  if (r->f[F_GATES].tag != V_NULL) sb_puts(b, "<li><a href=\"#eligibility\">Eligibility</a></li>");
  if (r->f[F_MODERATION].tag != V_NULL) sb_puts(b, "<li><a href=\"#moderation\">Moderation</a></li>");
  if (r->f[F_ALT].tag != V_NULL) sb_puts(b, "<li><a href=\"#abnormally-low\">Abnormally low tenders</a></li>");
  if (r->f[F_CLARIFICATIONS].tag != V_NULL) sb_puts(b, "<li><a href=\"#clarifications\">Clarifications</a></li>");
  if (r->ranges || r->f[F_SENS].tag != V_NULL) sb_puts(b, "<li><a href=\"#sensitivity\">Sensitivity</a></li>");
  if (r->f[F_SV].tag != V_NULL) sb_puts(b, "<li><a href=\"#social-value\">Social value</a></li>");
  if (has_separation(r)) sb_puts(b, "<li><a href=\"#separation\">Winner and runner-up</a></li>");
  if (r->f[F_EXPLAIN].tag != V_NULL) sb_puts(b, "<li><a href=\"#explanations\">Explanations</a></li>");
  if (r->f[F_DECLARATIONS].tag != V_NULL) sb_puts(b, "<li><a href=\"#declarations\">Declarations of interest</a></li>");
  if (r->f[F_SIGN_OFF].tag != V_NULL) sb_puts(b, "<li><a href=\"#sign-off\">Sign-off</a></li>");
  sb_puts(b, "</ul></nav>\n");
}

/* ---- ties ---- */

/* The bid's rank: its `rank` field (scoring.rank_bids gives bids still
 * equal after every tie-break the same rank), else its position. */
value rp_rank_of(rep *r, int i) {
  value rank = rp_field_or_null(r->bid[i], "rank");
  return rank.tag != V_NULL ? rank : v_num(dec_from_int(i + 1));
}

static bool same_value(value a, value b) {
  return a.tag == V_NUM && b.tag == V_NUM && a.unit == b.unit && dec_eq(a.as.num, b.as.num);
}

/* Bids i and j have the same published total / the same rank. */
bool rp_same_total(rep *r, int i, int j) { return same_value(r->totals[i], r->totals[j]); }
bool rp_same_rank(rep *r, int i, int j) {
  value a = rp_rank_of(r, i), b = rp_rank_of(r, j);
  return same_value(a, b) || (a.tag == V_TEXT && b.tag == V_TEXT && !strcmp(a.as.text->s, b.as.text->s));
}

const char *rp_tie_rule(rep *r) {
  return r->f[F_TIE_BREAK].tag == V_TEXT ? r->f[F_TIE_BREAK].as.text->s : "the tie-break declared in the rule file";
}

/* The run of bids with the same total as bid i: [*from, *to). */
void rp_tie_group(rep *r, int i, int *from, int *to) {
  int a = i, z = i + 1;
  while (a > 0 && rp_same_total(r, a - 1, i)) a--;
  while (z < r->n && rp_same_total(r, z, i)) z++;
  *from = a;
  *to = z;
}

static bool any_tie(rep *r) {
  for (int i = 1; i < r->n; i++)
    if (rp_same_total(r, i - 1, i)) return true;
  return false;
}

/* "A", "A and B", "A, B and C": names of bids from..to-1 but `skip`, each isolated. */
void rp_name_list(rep *r, int from, int to, int skip) {
  int n = 0, total = to - from - (skip >= from && skip < to);
  for (int i = from; i < to; i++) {
    if (i == skip) continue;
    if (n) sb_puts(r->b, n == total - 1 ? " and " : ", ");
    data_text(r->b, r->names[i]);
    n++;
  }
}

/* A sentence on the tie-break's part in a run of equal totals. */
static void tie_sentence(rep *r, int from, int to) {
  sbuf *b = r->b;
  int distinct = 1;
  for (int i = from + 1; i < to; i++) distinct += !rp_same_rank(r, i - 1, i);
  sb_puts(b, "equal totals of ");
  html_escs(b, rp_fixed2(r->totals[from]));
  sb_puts(b, "; ");
  if (distinct == to - from) {
    sb_puts(b, "the tie-break (");
    data_text(b, rp_tie_rule(r));
    sb_puts(b, ") decided their order.");
    return;
  }
  sb_puts(b, "the tie-break (");
  data_text(b, rp_tie_rule(r));
  sb_puts(b, distinct == 1 ? ") does not separate them: they share rank " : ") separated some of them; still tied after it:");
  if (distinct == 1) {
    html_escs(b, disp(rp_rank_of(r, from)));
    sb_puts(b, ".");
    return;
  }
  for (int i = from; i < to;) {
    int j = i + 1;
    while (j < to && rp_same_rank(r, i, j)) j++;
    if (j - i > 1) {
      sb_puts(b, " ");
      rp_name_list(r, i, j, -1);
      sb_puts(b, " (rank ");
      html_escs(b, disp(rp_rank_of(r, i)));
      sb_puts(b, ")");
    }
    i = j;
  }
  sb_puts(b, ".");
}

static void decision(rep *r) {
  sbuf *b = r->b;
  sb_puts(b, "<section id=\"decision\">\n<h2>Award decision</h2>\n");
  rp_decision_text(r);
  if (r->n == 0) {
    sb_puts(b, "<p class=\"summary\">No bid is in competition: there is nothing to award.</p>\n</section>\n");
    return;
  }
  sb_puts(b, "<p class=\"summary\">Ranked first: <strong class=\"winner\">");
  data_text(b, r->names[0]);
  sb_puts(b, "</strong>");
  if (r->totals[0].tag != V_NULL) {
    sb_puts(b, ", with a total of ");
    html_escs(b, rp_fixed2(r->totals[0]));
  }
  if (r->n >= 2) {
    sb_puts(b, ". Runner-up: <strong>");
    data_text(b, r->names[1]);
    sb_puts(b, "</strong>");
    if (r->totals[1].tag != V_NULL) {
      sb_puts(b, " with ");
      html_escs(b, rp_fixed2(r->totals[1]));
      if (rp_same_total(r, 0, 1)) {
        int from, to;
        rp_tie_group(r, 0, &from, &to);
        sb_puts(b, ": the same total");
        if (to > 2) {
          sb_puts(b, " as ");
          rp_name_list(r, 2, to, -1);
        }
        if (rp_same_rank(r, 0, 1)) {
          sb_puts(b, ", and still tied for first after the tie-break (");
          data_text(b, rp_tie_rule(r));
          sb_puts(b, "): <strong class=\"tie\">the ranking does not decide the award</strong>");
        } else {
          sb_puts(b, ". <strong class=\"tie\">The award rests on the tie-break</strong> (");
          data_text(b, rp_tie_rule(r));
          sb_puts(b, "), which ranked ");
          data_text(b, r->names[0]);
          sb_puts(b, " first");
        }
      } else if (r->totals[0].tag == V_NUM && r->totals[1].tag == V_NUM) {
        sb_puts(b, ", a margin of ");
        html_escs(b, rp_fixed2(vm_arith(r->v, rp_at_of(r, F_RANKING), OP_SUB, r->totals[0], r->totals[1])));
      }
    }
  }
  sb_printf(b, ". %d bid%s in competition.</p>\n</section>\n", r->n, r->n == 1 ? "" : "s");
}

static void ranking(rep *r) {
  sbuf *b = r->b;
  bool ties = any_tie(r);
  sb_puts(b, "<section id=\"ranking\">\n<h2>Ranking</h2>\n<div class=\"scroll\">\n<table class=\"ranking\">\n"
             "<caption>The bids in competition, best first");
  if (r->scored) sb_puts(b, ", with each criterion's score and weight (numbers to 2 decimal places; the exact value is in each cell's tooltip)");
  sb_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">Bid</th>");
  for (int k = 0; r->scored && k < r->nc; k++) {
    sb_puts(b, "<th scope=\"col\">");
    data_text(b, r->label[k]);
    sb_puts(b, " <span class=\"weight\">(");
    html_escs(b, disp(r->wv[k]));
    sb_puts(b, ")</span></th>");
  }
  sb_puts(b, "<th scope=\"col\">Total</th>");
  if (ties) sb_puts(b, "<th scope=\"col\">Tie</th>");
  sb_puts(b, "</tr></thead>\n<tbody>\n");
  for (int i = 0; i < r->n; i++) {
    int from, to;
    rp_tie_group(r, i, &from, &to);
    bool tied = to - from > 1;
    sb_printf(b, "<tr class=\"%s%s\"><td class=\"num\">", i == 0 ? "first" : "", tied ? " tie" : "");
    html_escs(b, disp(rp_rank_of(r, i)));
    sb_puts(b, "</td><th scope=\"row\" class=\"bid\">");
    data_text(b, r->names[i]);
    sb_puts(b, "</th>");
    for (int k = 0; r->scored && k < r->nc; k++) rp_value_cell(b, v_num(r->s[i * r->nc + k]), true);
    rp_value_cell(b, r->totals[i], true);
    if (ties) {
      sb_puts(b, "<td class=\"tie\">");
      if (tied) {
        bool shared = (i > from && rp_same_rank(r, i - 1, i)) || (i + 1 < to && rp_same_rank(r, i, i + 1));
        sb_puts(b, "same total as ");
        rp_name_list(r, from, to, i);
        sb_puts(b, shared ? "; still tied after the tie-break" : "; placed by the tie-break");
      }
      sb_puts(b, "</td>");
    }
    sb_puts(b, "</tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n");
  if (ties) {
    sb_puts(b, "<ul class=\"ties\">\n");
    for (int i = 0; i < r->n;) {
      int from, to;
      rp_tie_group(r, i, &from, &to);
      if (to - from > 1) {
        sb_puts(b, "<li>");
        rp_name_list(r, from, to, -1);
        sb_puts(b, ": ");
        tie_sentence(r, from, to);
        sb_puts(b, "</li>\n");
      }
      i = to;
    }
    sb_puts(b, "</ul>\n");
  }
  sb_puts(b, "</section>\n");
}

static void contributions(rep *r) {
  sbuf *b = r->b;
  dec zero = dec_from_int(0), top = zero;
  for (int i = 0; i < r->n; i++) {
    dec sum = zero;
    for (int k = 0; k < r->nc; k++) {
      dec c = rp_dop(r, '*', r->w[k], r->s[i * r->nc + k]);
      if (!dec_is_neg(c)) sum = rp_dop(r, '+', sum, c);
    }
    if (dec_cmp(sum, top) > 0) top = sum;
  }
  /* scores out of 100 with weights totalling 100%: a scale of 100 */
  dec scale = dec_cmp(top, dec_from_int(100)) <= 0 && dec_cmp(top, dec_from_int(40)) > 0 ? dec_from_int(100) : top;
  chart_bar *bars = gc_alloc(((size_t)r->n + 1) * sizeof *bars);
  for (int i = 0; i < r->n; i++) {
    chart_bar *c = &bars[i];
    c->name = r->names[i];
    c->total = rp_fixed2(v_num(r->T[i]));
    c->shown = gc_alloc(((size_t)r->nc + 1) * sizeof *c->shown);
    c->permille = gc_alloc_atomic(((size_t)r->nc + 1) * sizeof(int));
    /* widths from cumulative sums, so the segments add up to the bar */
    dec cum = zero;
    int before = 0;
    for (int k = 0; k < r->nc; k++) {
      dec x = rp_dop(r, '*', r->w[k], r->s[i * r->nc + k]);
      c->shown[k] = rp_fixed2(v_num(x));
      if (!dec_is_neg(x)) cum = rp_dop(r, '+', cum, x);
      int now = permille(r, cum, scale);
      c->permille[k] = now - before;
      before = now;
    }
  }
  sb_puts(b, "<section id=\"contributions\">\n<h2>How each total is made</h2>\n<figure>\n");
  svg_contributions(b, bars, r->n, r->crit, r->label, r->nc, rounded(r, scale, 2, false));
  sb_puts(b, "<figcaption>Each bar is a bid's total: for every criterion its weight times the bid's score, "
             "to 2 decimal places (totals here are the unrounded sums; the ranking shows the totals the rules "
             "published).</figcaption>\n</figure>\n");
  sb_puts(b, "<div class=\"scroll\">\n<table class=\"data contributions\">\n<caption>Data of the chart: weighted contribution by criterion</caption>\n"
             "<thead><tr><th scope=\"col\">Bid</th>");
  for (int k = 0; k < r->nc; k++) {
    sb_puts(b, "<th scope=\"col\">");
    data_text(b, r->label[k]);
    sb_puts(b, " × ");
    html_escs(b, disp(r->wv[k]));
    sb_puts(b, "</th>");
  }
  sb_puts(b, "<th scope=\"col\">Sum</th></tr></thead>\n<tbody>\n");
  for (int i = 0; i < r->n; i++) {
    sb_puts(b, "<tr>");
    rp_th(b, "row", r->names[i]);
    for (int k = 0; k < r->nc; k++) {
      sb_puts(b, "<td class=\"num\">");
      html_escs(b, bars[i].shown[k]);
      sb_puts(b, "</td>");
    }
    sb_puts(b, "<td class=\"num\">");
    html_escs(b, bars[i].total);
    sb_puts(b, "</td></tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

int rp_ranked_at(rep *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (!strcmp(r->names[i], name)) return i;
  return -1;
}

/* The screen record of an abnormally_low row: its `alt` field
 * (scoring.alt_flagged's shape) or the row itself. */
value rp_alt_of(value row) {
  value inner = rp_field_or_null(row, "alt");
  return inner.tag == V_RECORD ? inner : row;
}

bool rp_is_flagged(value row) {
  value fl = rp_field_or_null(rp_alt_of(row), "flagged");
  return fl.tag == V_BOOL && fl.b;
}

/* Whether a flagged tender's explanation was accepted, as the data says:
 * a field rp_explanation_accepted (or alt_explanation_accepted) of the row,
 * its screen record or the bid; null when the data does not say. */
value rp_explanation_accepted(value row) {
  static const char *keys[] = {"explanation_accepted", "alt_explanation_accepted"};
  value srcs[] = {row, rp_alt_of(row)};
  for (size_t s = 0; s < 2; s++)
    for (size_t k = 0; k < 2; k++) {
      value x = rp_field_or_null(srcs[s], keys[k]);
      if (x.tag == V_BOOL) return x;
    }
  return v_null;
}

/* The abnormally_low row of the bid named nm, or null. */
value rp_alt_row(rep *r, const char *nm) {
  if (r->f[F_ALT].tag == V_NULL) return v_null;
  const list *l = r->f[F_ALT].as.list;
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(rp_name_of(r, l->items[i], (int)i), nm)) return l->items[i];
  return v_null;
}

/* Why a bid of `bids` is not in the ranking: the rule file's words
 * (not_ranked), else the gates it failed, else the abnormally-low screen
 * and its explanation's outcome; and said plainly when nothing tells. */
void rp_not_ranked_text(rep *r, value bid, const char *nm, const sbuf *failed) {
  sbuf *b = r->b;
  value why = r->f[F_NOT_RANKED].tag != V_NULL ? rp_call1(r, F_NOT_RANKED, bid) : v_null;
  value row = rp_alt_row(r, nm);
  if (why.tag != V_NULL) rp_free_text(r, disp(why));
  else if (failed->len) {
    sb_puts(b, "failed ");
    sb_puts(b, failed->s);
  } else if (row.tag != V_NULL && rp_is_flagged(row)) {
    value acc = rp_explanation_accepted(row);
    sb_puts(b, "abnormally low; ");
    sb_puts(b, acc.tag == V_BOOL ? (acc.b ? "its explanation was accepted, so another step of the rules excluded it"
                                          : "its explanation was not accepted")
                                 : "the outcome of its explanation is not in the data");
  } else {
    sb_puts(b, "it passed every gate shown; the report is not told why (give not_ranked in the report declaration)");
  }
}

static void not_ranked_reason(rep *r, value bid, const char *nm, const sbuf *failed) {
  sb_puts(r->b, "<td class=\"outcome not-ranked\">not ranked: ");
  rp_not_ranked_text(r, bid, nm, failed);
  sb_puts(r->b, "</td>");
}

const value *rp_gates(rep *r, int *n) {
  value g = r->f[F_GATES];
  *n = g.tag == V_LIST ? (int)g.as.list->n : g.tag != V_NULL;
  return g.tag == V_LIST ? g.as.list->items : &r->f[F_GATES];
}

bool rp_verdict_cell(rep *r, value x, const char *gate) {
  sbuf *b = r->b;
  bool passed;
  if (x.tag == V_VERDICT) passed = x.as.verdict->passed;
  else if (x.tag == V_BOOL) passed = x.b;
  else vm_error(r->v, rp_at_of(r, F_GATES), "E0409 report: gate %s gave a %s, expected a verdict (a rule's result)", gate, value_type_name(x));
  sb_puts(b, passed ? "<td class=\"pass\">✓ passed" : "<td class=\"fail\">✗ failed");
  if (x.tag == V_VERDICT) {
    const list *rs = x.as.verdict->reasons, *ws = x.as.verdict->warnings;
    if (rs->n) {
      sb_puts(b, "<ul class=\"reasons\">");
      for (size_t i = 0; i < rs->n; i++) {
        sb_puts(b, "<li>");
        rp_free_text(r, disp(rs->items[i]));
        sb_puts(b, "</li>");
      }
      sb_puts(b, "</ul>");
    }
    if (ws->n) {
      sb_puts(b, "<ul class=\"warnings\">");
      for (size_t i = 0; i < ws->n; i++) {
        sb_puts(b, "<li>warning: ");
        rp_free_text(r, disp(ws->items[i]));
        sb_puts(b, "</li>");
      }
      sb_puts(b, "</ul>");
    }
  }
  sb_puts(b, "</td>");
  return passed;
}

/* Each gate's verdict on bid, a <td> each (with `rows`, each in a row
 * headed by the gate); the names of the gates it failed, in words, into
 * *failed. */
void rp_gate_cells(rep *r, value bid, sbuf *failed, bool rows) {
  int ng;
  const value *gs = rp_gates(r, &ng);
  for (int k = 0; k < ng; k++) {
    const char *g = rp_callable_name(gs[k]);
    if (rows) {
      sb_puts(r->b, "<tr>");
      rp_th(r->b, "row", rp_label_of(r, g));
    }
    value arg = bid;
    if (!rp_verdict_cell(r, vm_call(r->v, gs[k], 1, &arg, r->at[F_GATES]), g)) {
      if (failed->len) sb_puts(failed, ", ");
      data_text(failed, rp_label_of(r, g));
    }
    if (rows) sb_puts(r->b, "</tr>\n");
  }
}

static void gates(rep *r) {
  sbuf *b = r->b;
  int ng;
  const value *gs = rp_gates(r, &ng);
  value all = r->f[F_BIDS].tag != V_NULL ? r->f[F_BIDS] : r->f[F_RANKING];
  const list *bl = all.as.list;
  sb_puts(b, "<section id=\"eligibility\">\n<h2>Eligibility</h2>\n");
  sb_printf(b, "<p>Each of the %zu bid%s received, against every gate; a failed gate lists each of its reasons.</p>\n",
            bl->n, bl->n == 1 ? "" : "s");
  sb_puts(b, "<div class=\"scroll\">\n<table class=\"gates\">\n<caption>Gates and verdicts</caption>\n<thead><tr><th scope=\"col\">Bid</th>");
  for (int k = 0; k < ng; k++) {
    rp_th(b, "col", rp_label_of(r, rp_callable_name(gs[k])));
  }
  sb_puts(b, "<th scope=\"col\">Outcome</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < bl->n; i++) {
    const char *nm = rp_name_of(r, bl->items[i], (int)i);
    sb_puts(b, "<tr>");
    rp_th(b, "row", nm);
    sbuf failed;
    sb_init(&failed);
    rp_gate_cells(r, bl->items[i], &failed, false);
    int at = rp_ranked_at(r, nm);
    if (at >= 0) {
      sb_puts(b, "<td class=\"outcome\">ranked ");
      html_escs(b, disp(rp_rank_of(r, at)));
      sb_puts(b, "</td>");
    } else {
      not_ranked_reason(r, bl->items[i], nm, &failed);
    }
    sb_puts(b, "</tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

static bool is_name_key(const char *k) {
  return !strcmp(k, "supplier") || !strcmp(k, "name") || !strcmp(k, "bidder") || !strcmp(k, "id");
}

/* What a table of records is: any records; the abnormally-low screen,
 * whose `alt` field holds a record whose fields become columns
 * (scoring.alt_flagged's shape) and which gets a column saying what came
 * of each flagged tender's explanation; scoring.sensitivity's rows, whose
 * change is in percentage points and whose criteria have labels. */
typedef enum { RT_PLAIN, RT_ALT, RT_SENS } table_kind;

/* A cell of a record table of that kind. */
static void record_cell(rep *r, table_kind kind, const char *col, value x) {
  if (kind == RT_SENS && !strcmp(col, "criterion") && x.tag == V_TEXT) {
    sb_puts(r->b, "<td>");
    data_text(r->b, rp_label_of(r, x.as.text->s));
    sb_puts(r->b, "</td>");
  } else if (kind == RT_SENS && !strcmp(col, "change") && x.tag == V_NUM && x.pct) {
    sb_puts(r->b, "<td class=\"num\">");
    html_escs(r->b, rp_fixed2(v_num(rp_dop(r, '*', x.as.num, dec_from_int(100)))));
    sb_puts(r->b, "</td>");
  } else {
    rp_cell(r->b, x);
  }
}

/* A table of records: one column per field, in order of first appearance.
 * With names, a first column names the bid.  Returns how many rows have
 * flagged: true. */
static int record_table(rep *r, const list *rows, const char *caption, table_kind kind, bool names) {
  sbuf *b = r->b;
  const char *flatten = kind == RT_ALT ? "alt" : NULL;
  bool explained = false;
  const char **cols = NULL;
  int nc = 0, cap = 0, flagged = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const record *x = rows->items[i].as.rec;
    value inner = flatten ? rp_field_or_null(rows->items[i], flatten) : v_null;
    const record *srcs[2] = {inner.tag == V_RECORD ? inner.as.rec : NULL, inner.tag == V_RECORD ? NULL : x};
    for (int s = 0; s < 2; s++) {
      if (!srcs[s]) continue;
      for (size_t k = 0; k < srcs[s]->n; k++) {
        bool seen = false;
        for (int c = 0; c < nc && !seen; c++) seen = !strcmp(cols[c], srcs[s]->keys[k]);
        /* the bid's name has its own first column */
        if (names && s == 1 && is_name_key(srcs[s]->keys[k])) seen = true;
        /* an explanation's outcome has its own column */
        if (kind == RT_ALT && strstr(srcs[s]->keys[k], "explanation_accepted")) seen = true;
        if (seen) continue;
        if (nc == cap) {
          cap = cap ? cap * 2 : 16;
          const char **nw = gc_alloc((size_t)cap * sizeof *nw);
          if (nc) memcpy(nw, cols, (size_t)nc * sizeof *nw);
          cols = nw;
        }
        cols[nc++] = srcs[s]->keys[k];
      }
    }
  }
  for (size_t i = 0; kind == RT_ALT && i < rows->n; i++) explained = explained || rp_is_flagged(rows->items[i]);
  sb_puts(b, "<div class=\"scroll\">\n<table class=\"records\">\n<caption>");
  html_escs(b, caption);
  sb_puts(b, "</caption>\n<thead><tr>");
  if (names) sb_puts(b, "<th scope=\"col\">Bid</th>");
  for (int c = 0; c < nc; c++) {
    sb_puts(b, "<th scope=\"col\">");
    rp_heading(r, cols[c]);
    if (kind == RT_SENS && !strcmp(cols[c], "change")) sb_puts(b, " (percentage points)");
    sb_puts(b, "</th>");
  }
  if (explained) sb_puts(b, "<th scope=\"col\">Explanation of the price</th>");
  sb_puts(b, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < rows->n; i++) {
    value row = rows->items[i];
    value inner = flatten ? rp_field_or_null(row, flatten) : v_null;
    value src = inner.tag == V_RECORD ? inner : row;
    value fl = rp_field_or_null(src, "flagged");
    bool flag = fl.tag == V_BOOL && fl.b;
    flagged += flag;
    sb_puts(b, flag ? "<tr class=\"flagged\">" : "<tr>");
    if (names) {
      sb_puts(b, "<th scope=\"row\">");
      if (flag) sb_puts(b, "⚑ ");
      data_text(b, rp_name_of(r, row, (int)i));
      sb_puts(b, "</th>");
    }
    for (int c = 0; c < nc; c++) {
      long k = record_find(src.as.rec, cols[c]);
      record_cell(r, kind, cols[c], k < 0 ? v_null : rec_get(src.as.rec, k));
    }
    if (explained) {
      value acc = rp_explanation_accepted(row);
      sb_puts(b, "<td class=\"explanation\">");
      sb_puts(b, !flag ? "not needed (not flagged)"
                 : acc.tag != V_BOOL ? "requested; the outcome is not in the data"
                 : acc.b ? "requested; accepted" : "requested; not accepted: rejected as abnormally low");
      sb_puts(b, "</td>");
    }
    sb_puts(b, "</tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n");
  return flagged;
}

static bool looks_like_bid(value x) {
  static const char *keys[] = {"supplier", "name", "bidder", "id", "alt"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
    if (record_find(x.as.rec, keys[k]) >= 0) return true;
  return false;
}


/* The words for the screen's reference price: scoring.alt_screen records
 * them in reference_rule; a screen record without one (written before the
 * two readings were named) used the next tender up. */
static const char *alt_reference(value row) {
  value ref = rp_field_or_null(rp_alt_of(row), "reference_rule");
  return ref.tag == V_TEXT ? ref.as.text->s : "the next tender up";
}

static void abnormally_low(rep *r) {
  sbuf *b = r->b;
  const list *l = r->f[F_ALT].as.list;
  sb_puts(b, "<section id=\"abnormally-low\">\n<h2>Abnormally low tenders</h2>\n");
  if (l->n == 0) {
    sb_puts(b, "<p>No tender was flagged as abnormally low.</p>\n</section>\n");
    return;
  }
  value first = rp_field_or_null(l->items[0], "alt");
  if (first.tag != V_RECORD) first = l->items[0];
  value avg = rp_field_or_null(first, "adjusted_average"), lim = rp_field_or_null(first, "limit");
  if (avg.tag != V_NULL && lim.tag != V_NULL) {
    sb_puts(b, "<p>Average of the tenders excluding the highest: ");
    html_escs(b, rp_num_text(avg));
    sb_puts(b, "; a tender below ");
    html_escs(b, rp_num_text(lim));
    sb_puts(b, " and more than its proximity margin below ");
    html_escs(b, alt_reference(l->items[0]));
    sb_puts(b, " is flagged. A flagged tender is asked "
               "to explain its price, and is rejected only if the explanation is not accepted.</p>\n");
  }
  int flagged = record_table(r, l, "Abnormally-low-tender screen (⚑ flagged)", RT_ALT, looks_like_bid(l->items[0]));
  sb_printf(b, "<p class=\"summary\">%d of %zu tender%s flagged.</p>\n</section>\n", flagged, l->n, l->n == 1 ? "" : "s");
}

/* scoring.sensitivity's rows.  Its winner is the first of the highest
 * weighted totals in the order it was given the bids: when that is not
 * the first-ranked bid, the table is about another bid, and says so. */
static void rules_sensitivity(rep *r, const char *caption) {
  sbuf *b = r->b;
  const list *l = r->f[F_SENS].as.list;
  value w = l->n ? rp_field_or_null(l->items[0], "winner") : v_null;
  if (r->n > 0 && w.tag == V_TEXT && strcmp(w.as.text->s, r->names[0])) {
    sb_puts(b, "<p class=\"tie\">This table, as the rules computed it, takes ");
    data_text(b, w.as.text->s);
    sb_puts(b, " as the winner, not the first-ranked bid ");
    data_text(b, r->names[0]);
    int at = rp_ranked_at(r, w.as.text->s);
    if (at > 0 && rp_same_total(r, 0, at))
      sb_puts(b, ": their totals are equal and the tie-break decided the ranking, so a change of 0 means the award "
                 "already rests on the tie-break.</p>\n");
    else
      sb_puts(b, ": read it as the sensitivity of that bid's lead, not of the award.</p>\n");
  }
  record_table(r, l, caption, RT_SENS, false);
}

/* For each weight, the range of that weight (the others rescaled in
 * proportion, scoring.sensitivity's convention) over which the first bid
 * keeps the highest weighted total: the crossings x* = (Δ − w·a)/(Δ − a)
 * nearest the published weight on either side (docs/stdlib/scoring.md). */
static void sensitivity(rep *r) {
  sbuf *b = r->b;
  dec zero = dec_from_int(0), one = dec_from_int(1);
  sens_row *rows = gc_alloc(((size_t)r->nc + 1) * sizeof *rows);
  /* what the row says instead of a range, when the first bid is not ahead (HTML) */
  const char **why = gc_alloc(((size_t)r->nc + 1) * sizeof *why);
  int tied_with = -1; /* a bid whose weighted total equals the first's */
  for (int c = 1; c < r->n && tied_with < 0; c++)
    if (dec_eq(r->T[0], r->T[c])) tied_with = c;
  for (int k = 0; k < r->nc; k++) {
    sens_row *row = &rows[k];
    dec wk = r->w[k], low = zero, high = one;
    const char *below = NULL, *above = NULL;
    bool behind = false;
    sbuf ties;
    sb_init(&ties);
    for (int c = 1; c < r->n && dec_cmp(wk, one) < 0; c++) {
      dec lead = rp_dop(r, '-', r->T[0], r->T[c]);
      if (dec_is_neg(lead)) { behind = true; break; }
      dec a = rp_dop(r, '-', r->s[k], r->s[c * r->nc + k]);
      if (dec_is_zero(lead)) {
        /* an exact tie: the gap is a·(x − w)/(1 − w), so the side of the
         * published weight where each bid leads follows a's sign alone */
        sbuf *t = &ties;
        sbuf *keep = r->b;
        r->b = t;
        sb_puts(t, " With ");
        data_text(t, r->names[c]);
        sb_puts(t, ": ");
        if (dec_is_zero(a)) {
          sb_puts(t, "equal scores on this criterion, so no change of this weight separates them.");
        } else {
          data_text(t, r->names[dec_is_neg(a) ? c : 0]);
          sb_puts(t, " leads at any higher weight, ");
          data_text(t, r->names[dec_is_neg(a) ? 0 : c]);
          sb_puts(t, " at any lower one.");
        }
        r->b = keep;
        continue;
      }
      dec den = rp_dop(r, '-', lead, a);
      if (dec_is_zero(den)) continue;
      dec x = rp_dop(r, '/', rp_dop(r, '-', lead, rp_dop(r, '*', wk, a)), den);
      if (dec_is_neg(x) || dec_cmp(x, one) > 0) continue;
      if (dec_cmp(x, wk) <= 0 && dec_cmp(x, low) > 0) { low = x; below = r->names[c]; }
      if (dec_cmp(x, wk) >= 0 && dec_cmp(x, high) < 0) { high = x; above = r->names[c]; }
    }
    if (dec_cmp(wk, one) >= 0) low = high = wk;
    row->criterion = r->crit[k];
    row->label = r->label[k];
    row->weight = disp(r->wv[k]);
    row->low = rounded(r, low, 4, true);
    row->high = rounded(r, high, 4, true);
    row->weight_pm = permille(r, wk, one);
    row->low_pm = permille(r, low, one);
    row->high_pm = permille(r, high, one);
    row->below = below;
    row->above = above;
    row->tied = !behind && ties.len > 0;
    row->broken = behind || row->tied;
    if (behind)
      why[k] = "the first-ranked bid does not have the highest weighted total at the published weights (totals "
               "rounded before ranking, or a ranking by something else): there is no range to show";
    else if (row->tied) {
      sbuf w;
      sb_init(&w);
      sb_puts(&w, "the first-ranked bid is not ahead: its weighted total equals another's at the published weights, "
                  "so the award rests on the tie-break.");
      sb_puts(&w, ties.s);
      why[k] = w.s;
    }
  }
  sb_puts(b, "<section id=\"sensitivity\">\n<h2>Sensitivity of the award to the weights</h2>\n");
  if (tied_with > 0) {
    sb_puts(b, "<p class=\"tie\"><strong>");
    data_text(b, r->names[0]);
    sb_puts(b, " is not ahead of ");
    data_text(b, r->names[tied_with]);
    sb_puts(b, "</strong>: at the published weights their weighted totals are equal, and the tie-break (");
    data_text(b, rp_tie_rule(r));
    sb_puts(b, ") ranked ");
    data_text(b, r->names[0]);
    sb_puts(b, " first. There is no range over which the winner stays the same; each row says which bid a change "
               "of that weight would put ahead.</p>\n");
  }
  if (tied_with < 0) {
    sb_puts(b, "<p>How far each weight could move, the other weights rescaled in proportion so they still total 100%, "
               "before another bid would overtake ");
    data_text(b, r->names[0]);
    sb_puts(b, " on the weighted total of its scores. At an end of a range the two totals are equal and the declared "
               "tie-breaks decide.</p>\n");
  }
  sb_puts(b, "<figure>\n");
  svg_sensitivity(b, rows, r->nc, r->names[0]);
  sb_puts(b, "<figcaption>Ranges to 0.01 percentage point, from the exact crossings.</figcaption>\n</figure>\n");
  sb_puts(b, "<div class=\"scroll\">\n<table class=\"data sensitivity\">\n<caption>Data of the chart: the range of each weight over which the winner stays the same</caption>\n"
             "<thead><tr><th scope=\"col\">Criterion</th><th scope=\"col\">Published weight</th><th scope=\"col\">Winner unchanged from</th>"
             "<th scope=\"col\">to</th><th scope=\"col\">Below that, first would be</th><th scope=\"col\">Above that, first would be</th></tr></thead>\n<tbody>\n");
  for (int k = 0; k < r->nc; k++) {
    const sens_row *row = &rows[k];
    sb_puts(b, "<tr>");
    rp_th(b, "row", row->label);
    sb_puts(b, "<td class=\"num\">");
    html_escs(b, row->weight);
    if (row->broken) {
      sb_printf(b, "</td><td colspan=\"4\" class=\"not-ahead\">%s</td></tr>\n", why[k]);
      continue;
    }
    sb_puts(b, "</td><td class=\"num\">");
    html_escs(b, row->low);
    sb_puts(b, "</td><td class=\"num\">");
    html_escs(b, row->high);
    sb_puts(b, "</td><td>");
    if (row->below) data_text(b, row->below);
    else sb_puts(b, "— (no change below)");
    sb_puts(b, "</td><td>");
    if (row->above) data_text(b, row->above);
    else sb_puts(b, "— (no change above)");
    sb_puts(b, "</td></tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n");
  if (r->f[F_SENS].tag != V_NULL) rules_sensitivity(r, "The smallest change of each weight that changes the winner, as the rules computed it");
  sb_puts(b, "</section>\n");
}

/* The columns of a social value line: an indicator field expands into the
 * measure, its proxy and the proxy's source. */
static void sv_head(rep *r, const record *x) {
  sbuf *b = r->b;
  for (size_t k = 0; k < x->n; k++) {
    if (rec_get(x, k).tag == V_RECORD && rec_get(x, k).as.rec->indicator) {
      sb_puts(b, "<th scope=\"col\">Measure</th><th scope=\"col\">Proxy</th><th scope=\"col\">Source of the proxy</th>");
      continue;
    }
    rp_th(b, "col", rp_label_of(r, x->keys[k]));
  }
}

static void indicator_cells(sbuf *b, value ind) {
  value code = rp_field_or_null(ind, "code");
  value title = rp_field_or_null(ind, "title");
  sb_puts(b, "<td class=\"measure\">");
  if (code.tag != V_NULL) data_text(b, disp(code));
  else if (ind.as.rec->name) data_text(b, ind.as.rec->name);
  if (title.tag != V_NULL) {
    sb_puts(b, " <span class=\"title\">");
    data_text(b, disp(title));
    sb_puts(b, "</span>");
  }
  sb_puts(b, "</td>");
  rp_cell(b, rp_field_or_null(ind, "proxy"));
  sb_puts(b, "<td class=\"source\">");
  value src = rp_field_or_null(ind, "source");
  if (src.tag != V_NULL) data_text(b, disp(src));
  else sb_puts(b, "(no source given)");
  static const char *extra[][2] = {{"price_year", "price year"}, {"year", "year"}, {"licence", "licence"}};
  for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
    value x = rp_field_or_null(ind, extra[e][0]);
    if (x.tag == V_NULL) continue;
    sb_printf(b, "; %s ", extra[e][1]);
    data_text(b, disp(x));
  }
  sb_puts(b, "</td>");
}

static void social_value(rep *r) {
  sbuf *b = r->b;
  sb_puts(b, "<section id=\"social-value\">\n<h2>Social value offers</h2>\n"
             "<p>Each bid's commitments by measure, with the proxy value used and where it comes from.</p>\n");
  for (int i = 0; i < r->n; i++) {
    value lines = rp_call1(r, F_SV, r->bid[i]);
    if (!report_records(lines))
      vm_error(r->v, r->at[F_SV], "E0409 report: social_value of %s must be a list of records, got %s", r->names[i],
               value_type_name(lines));
    const list *l = lines.as.list;
    sb_puts(b, "<h3>");
    data_text(b, r->names[i]);
    sb_puts(b, "</h3>\n");
    if (l->n == 0) {
      sb_puts(b, "<p>No social value commitments.</p>\n");
      continue;
    }
    sb_puts(b, "<div class=\"scroll\">\n<table class=\"social-value\">\n<caption>Social value offer of ");
    data_text(b, r->names[i]);
    sb_puts(b, "</caption>\n<thead><tr>");
    sv_head(r, l->items[0].as.rec);
    sb_puts(b, "</tr></thead>\n<tbody>\n");
    const record *shape = l->items[0].as.rec;
    for (size_t j = 0; j < l->n; j++) {
      sb_puts(b, "<tr>");
      for (size_t k = 0; k < shape->n; k++) {
        value x = rp_field_or_null(l->items[j], shape->keys[k]);
        bool ind = rec_get(shape, k).tag == V_RECORD && rec_get(shape, k).as.rec->indicator;
        if (ind && x.tag == V_RECORD) indicator_cells(b, x);
        else if (ind) sb_puts(b, "<td>—</td><td>—</td><td>—</td>");
        else rp_cell(b, x);
      }
      sb_puts(b, "</tr>\n");
    }
    sb_puts(b, "</tbody>\n</table>\n</div>\n");
  }
  sb_puts(b, "</section>\n");
}

/* One traced call of f on a bid, as svl explain --vs needs it: a lambda
 * (explain: b => ...) is not traced as a call, so its frame is made and
 * put first, where --vs looks for the shared function. */
static trace *traced_call(rep *r, value f, value bid, fid at) {
  trace *root = gc_alloc(sizeof *root);
  const char *id = explain_ident(r->v, bid);
  root->name = id ? id : "bid";
  root->kind = "let";
  root->args = "";
  trace *saved = r->v->tr;
  r->v->tr = root;
  value res = vm_call(r->v, f, 1, &bid, r->at[at]);
  r->v->tr = saved;
  root->res = res;
  root->result = value_short(res);
  if (f.tag == V_FUNC && f.as.fn->fn->kind == N_LAMBDA) {
    trace *k = gc_alloc(sizeof *k);
    *k = (trace){.name = "explain", .kind = "fn", .args = "", .decl = f.as.fn->fn, .mod = f.as.fn->mod, .res = res,
                 .result = root->result, .parent = root};
    k->env = eval_call_frame(r->v, f, 1, &bid);
    k->argv = k->env ? k->env->slots : NULL;
    trace **kids = gc_alloc((size_t)(root->nkids + 1) * sizeof *kids);
    kids[0] = k;
    for (int i = 0; i < root->nkids; i++) kids[i + 1] = root->kids[i];
    root->kids = kids;
    root->nkids++;
    root->cap = root->nkids;
  }
  return root;
}

/* What separated the winner from the runner-up: the explain function (or
 * total) of the first two ranked bids, the difference split as svl
 * explain --vs splits it (tools/explain_vs.c). */
static void separation(rep *r) {
  sbuf *b = r->b;
  fid at = r->f[F_EXPLAIN].tag != V_NULL ? F_EXPLAIN : F_TOTAL;
  value f = r->f[at];
  trace *w = traced_call(r, f, r->bid[0], at), *u = traced_call(r, f, r->bid[1], at);
  sb_puts(b, "<section id=\"separation\">\n<h2>What separated the winner from the runner-up</h2>\n"
             "<p>The difference between the two totals, split into what each criterion contributed on each side "
             "(the parts add up to the difference exactly; as <code>svl explain --vs</code> prints it).</p>\n"
             "<pre class=\"narrative\">");
  mixed_text(r, trace_render_vs(r->v, w, u, SVL_FORMAT_TEXT, 1), true);
  sb_puts(b, "</pre>\n</section>\n");
}

static void explanations(rep *r) {
  sbuf *b = r->b;
  sb_puts(b, "<section id=\"explanations\">\n<h2>Why each bid scored what it did</h2>\n"
             "<p>The evaluation of each ranked bid, step by step: every rule, table and function it went through, "
             "with the values behind each number (as <code>svl explain --plain</code> prints it).</p>\n");
  if (!r->print_explanations)
    sb_puts(b, "<p class=\"print-only\">Printed as one line per bid; <code>svl report --print-explanations</code> "
               "prints each explanation in full.</p>\n");
  value f = r->f[F_EXPLAIN];
  const char *fname = rp_callable_name(f);
  for (int i = 0; i < r->n; i++) {
    trace *root = gc_alloc(sizeof *root);
    root->name = strcmp(fname, "gate") ? fname : "result";
    root->kind = "let";
    root->args = "";
    root->at = r->at[F_EXPLAIN];
    trace *saved = r->v->tr;
    r->v->tr = root;
    value x = r->bid[i];
    value res = vm_call(r->v, f, 1, &x, r->at[F_EXPLAIN]);
    r->v->tr = saved;
    root->result = value_short(res);
    root->res = res;
    sb_puts(b, "<details class=\"explain\">\n<summary>");
    data_text(b, r->names[i]);
    sb_puts(b, ": ");
    html_escs(b, root->name);
    sb_puts(b, " = ");
    data_text(b, res.tag == V_NUM ? rp_num_text(res) : root->result);
    /* the narrative rather than the tree too: it reads better to a panel,
     * and both would double the page (100 bids must stay under 1 MB) */
    sb_puts(b, "</summary>\n<pre class=\"narrative\">");
    mixed_text(r, trace_render(r->v, root, SVL_FORMAT_TEXT, 1, 0), true);
    sb_puts(b, "</pre>\n</details>\n");
  }
  sb_puts(b, "</section>\n");
}

void rp_dates(rep *r, sbuf *b) {
  if (r->f[F_DATE].tag != V_NULL) {
    sb_puts(b, "<p class=\"date\">Date of evaluation: <time>");
    data_text(b, disp(r->f[F_DATE]));
    sb_puts(b, "</time></p>\n");
  }
  int32_t d;
  const char *bad = NULL;
  int y, m, dd;
  if (vm_as_of(r->v, &d, &bad) == 1) {
    date_to_ymd(d, &y, &m, &dd);
    sb_printf(b, "<p class=\"as-of\">Rules applied as of <time datetime=\"%04d-%02d-%02d\">%04d-%02d-%02d</time></p>\n",
              y, m, dd, y, m, dd);
  } else {
    /* a host's text that is not a date stopped any rule that read it, so
     * nothing on the page was decided under it */
    sb_puts(b, "<p class=\"as-of\">Rules applied as of: no as-of date given; every dated rule used a date written in the rule file</p>\n");
  }
}

void rp_provenance(rep *r) {
  sbuf *b = r->b;
  sb_puts(b, "<footer>\n<h2>Provenance</h2>\n<p>Made by SVL " SVL_VERSION " with <code>svl report</code> from the files "
             "below; re-running it on the same files gives the same page.</p>\n<div class=\"scroll\">\n<table class=\"files\">\n"
             "<caption>Files read</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
  for (int i = 0; i < r->v->nread; i++) {
    sb_puts(b, "<tr><td>");
    data_text(b, r->v->read_paths[i]);
    sb_puts(b, "</td><td class=\"hash\">");
    const char *h = vm_file_hash(r->v, i); /* NULL: the host asked for none (svl_config.file_hashes) */
    html_escs(b, h ? h : "not worked out");
    sb_puts(b, "</td></tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n</footer>\n");
}

/* The methodology from the declaration (tools/report_method.c). */
static void methodology(rep *r) {
  method_info m = {.nc = r->scored || r->nc ? r->nc : 0, .keys = r->crit, .labels = r->label, .weights = r->wv,
                   .alt_limit = v_null};
  if (r->f[F_TIE_BREAK].tag == V_TEXT) m.tie_break = r->f[F_TIE_BREAK].as.text->s;
  if (r->f[F_ALT].tag != V_NULL && r->f[F_ALT].as.list->n) {
    m.alt_limit = rp_field_or_null(rp_alt_of(r->f[F_ALT].as.list->items[0]), "limit");
    if (m.alt_limit.tag != V_NULL) m.alt_limit_text = rp_num_text(m.alt_limit);
    m.alt_reference = alt_reference(r->f[F_ALT].as.list->items[0]);
  }
  if (r->f[F_MODERATION].tag != V_NULL && r->f[F_MODERATION].as.list->n) {
    value first = r->f[F_MODERATION].as.list->items[0], how = rp_field_or_null(first, "declared"),
          th = rp_field_or_null(first, "threshold");
    m.moderation_method = how.tag == V_TEXT ? how.as.text->s : "declared method";
    if (th.tag == V_NUM) m.moderation_threshold = disp(th);
  }
  value g = r->f[F_GATES], f = r->f[F_METHODOLOGY];
  m.gates = g.tag == V_LIST ? g.as.list->items : g.tag != V_NULL ? &r->f[F_GATES] : NULL;
  m.ngates = g.tag == V_LIST ? (int)g.as.list->n : g.tag != V_NULL;
  m.fns = f.tag == V_LIST ? f.as.list->items : f.tag != V_NULL ? &r->f[F_METHODOLOGY] : NULL;
  m.nfns = f.tag == V_LIST ? (int)f.as.list->n : f.tag != V_NULL;
  methodology_section(r->b, &m);
}

void rp_page_start(rep *r, const char *title, const char *css) {
  sbuf *b = r->b;
  sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"generator\" content=\"SVL " SVL_VERSION "\">\n<title>");
  bidi_esc(b, title, strlen(title));
  sb_printf(b, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", report_css, css);
}

void rp_setup(rep *r, svl_vm *v) {
  r->v = v;
  const record *rec = v->host.vals[globals_find(&v->host, "report")].as.rec;
  for (int k = 0; k < NF; k++) {
    r->f[k] = v_null;
    r->at[k] = r->d->at;
  }
  for (size_t i = 0; i < rec->n; i++) {
    int id = report_field_id(rec->keys[i]);
    if (id < 0) continue;
    r->f[id] = rec_get(rec, i);
    r->at[id] = r->d->a->kids[i]->at;
  }
  rp_load_ranking(r);
  /* the sensitivity ranges rescale the other weights so they total 100%:
   * weights that do not total exactly 100% (60, 30, 10) get no chart */
  dec sum = dec_from_int(0);
  for (int k = 0; k < r->nc; k++) sum = rp_dop(r, '+', sum, r->w[k]);
  r->ranges = r->scored && r->n >= 2 && dec_eq(sum, dec_from_int(1));
}

static void render(svl_vm *v, void *ctx) {
  rep *r = ctx;
  sbuf *b = r->b;
  rp_setup(r, v);
  rp_page_start(r, disp(r->f[F_TITLE]), r->print_explanations ? report_css_print_explanations : "");
  svg_patterns(b);
  header(r);
  sb_puts(b, "<main>\n");
  decision(r);
  methodology(r);
  ranking(r);
  if (r->scored && r->n > 0) contributions(r);
  if (r->f[F_GATES].tag != V_NULL) gates(r);
  if (r->f[F_MODERATION].tag != V_NULL) {
    const char *why = moderation_check(r->f[F_MODERATION].as.list);
    if (why) vm_error(r->v, r->at[F_MODERATION], "E0409 report: %s", why);
    moderation_section(b, r->f[F_MODERATION].as.list, label_cb, r);
  }
  if (r->f[F_ALT].tag != V_NULL) abnormally_low(r);
  if (r->f[F_CLARIFICATIONS].tag != V_NULL) rp_clarifications(r);
  if (r->ranges) sensitivity(r);
  else if (r->f[F_SENS].tag != V_NULL) {
    sb_puts(b, "<section id=\"sensitivity\">\n<h2>Sensitivity of the award to the weights</h2>\n");
    rules_sensitivity(r, "The smallest change of each weight that changes the winner");
    sb_puts(b, "</section>\n");
  }
  if (r->f[F_SV].tag != V_NULL) social_value(r);
  if (has_separation(r)) separation(r);
  if (r->f[F_EXPLAIN].tag != V_NULL) explanations(r);
  if (r->f[F_DECLARATIONS].tag != V_NULL) rp_declarations(r);
  if (r->f[F_SIGN_OFF].tag != V_NULL) rp_sign_off(r);
  sb_puts(b, "</main>\n");
  rp_provenance(r);
  sb_puts(b, "</body>\n</html>\n");
}

PUBLIC svl_status svl_report_html(svl_vm *v, char **out) { return svl_report_html_with(v, 0, out); }

svl_status rp_run(svl_vm *v, const char *who, rep *r, void (*draw)(svl_vm *, void *), void *ctx) {
  int k = globals_find(&v->host, "report");
  node *d = k >= 0 ? v->host.decls[k] : NULL;
  if (!d || d->kind != N_REPORT)
    return api_usage(v, "%s: the loaded program has no report declaration (report { title: ..., ranking: ... })", who);
  if (!v->host.ready[k]) return api_usage(v, "%s: the report declaration was not reached (an error stopped the file before it)", who);
  r->d = d;
  trace *saved = v->tr;
  svl_status st = api_protect(v, draw, ctx);
  v->tr = saved;
  return st;
}

char *rp_strdup(const char *s, size_t len) {
  char *t = malloc(len + 1);
  if (t) {
    memcpy(t, s, len);
    t[len] = 0;
  }
  return t;
}

PUBLIC svl_status svl_report_html_with(svl_vm *v, unsigned flags, char **out) {
  if (!v || !out) return v ? api_usage(v, "svl_report_html: no place for the page") : SVL_ERR_USAGE;
  *out = NULL;
  sbuf b;
  sb_init(&b);
  rep r;
  memset(&r, 0, sizeof r);
  r.b = &b;
  r.print_explanations = flags & SVL_REPORT_PRINT_EXPLANATIONS;
  svl_status st = rp_run(v, "svl_report_html", &r, render, &r);
  if (st != SVL_OK) return st;
  char *s = rp_strdup(b.s, b.len);
  if (!s) return api_usage(v, "svl_report_html: out of memory");
  *out = s;
  return SVL_OK;
}
