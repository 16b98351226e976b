/* Assessment summaries (svl report --summaries DIR, docs/report.md): one
 * self-contained page per bid of the report declaration, for the supplier
 * (Procurement Act 2023 s.50 requires one for every assessed supplier):
 * the outcome, its rank and margin to the winner with any tie and the
 * tie-break named, its score on each criterion beside the winning tender's,
 * the reasons behind each mark, every gate's verdict with its reasons, the
 * abnormally-low screen and its explanation, the clarifications sought from
 * it, and the standstill and challenge text of the rule file; then an index
 * page linking them.  The pages share the report's helpers
 * (tools/report_rep.h), so they have its escaping, bidi isolation and
 * no-script guarantees, and the same inputs give the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/gc.h"
#include "tools/report_rep.h"

typedef struct summ {
  rep r;
  int nb;                 /* bids, each with a page */
  const value *bids;
  const char **bnames, **files;
  const char **outcome;   /* for the index: "ranked 2", "not ranked" */
  const char **html;      /* the pages: the index, then one per bid */
} summ;

/* A page's file name: the bid's position (so that no two names collide,
 * whatever the bids are called, and none is "index") and its name in
 * lower-case ASCII letters and digits, every other run of characters a
 * '-', at most 40 of them: never a path, a hidden file or a name a file
 * system treats specially. */
static const char *file_name(int pos, int width, const char *name) {
  sbuf b;
  sb_init(&b);
  sb_printf(&b, "%0*d-", width, pos);
  size_t start = b.len;
  int n = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p && n < 40; p++) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb_putc(&b, (char)c);
    else if (c >= 'A' && c <= 'Z') sb_putc(&b, (char)(c - 'A' + 'a'));
    else if (b.len > start && b.s[b.len - 1] != '-') sb_putc(&b, '-');
    else continue;
    n++;
  }
  while (b.len > start && b.s[b.len - 1] == '-') b.s[--b.len] = 0;
  if (b.len == start) sb_puts(&b, "bid");
  sb_puts(&b, ".html");
  return b.s;
}

/* The moderation row of a bid and criterion, or null. */
static value moderation_row(rep *r, const char *nm, const char *crit) {
  if (r->f[F_MODERATION].tag == V_NULL) return v_null;
  const list *l = r->f[F_MODERATION].as.list;
  for (size_t i = 0; i < l->n; i++) {
    value b = rp_field_or_null(l->items[i], "bid"), c = rp_field_or_null(l->items[i], "criterion");
    if (b.tag == V_TEXT && c.tag == V_TEXT && !strcmp(b.as.text->s, nm) && !strcmp(c.as.text->s, crit)) return l->items[i];
  }
  return v_null;
}

static void text_list(rep *r, value x) {
  sbuf *b = r->b;
  if (x.tag == V_LIST) {
    sb_puts(b, "<ul class=\"reasons\">");
    for (size_t i = 0; i < x.as.list->n; i++) {
      sb_puts(b, "<li>");
      rp_free_text(r, disp(x.as.list->items[i]));
      sb_puts(b, "</li>");
    }
    sb_puts(b, "</ul>");
  } else {
    sb_puts(b, "<p>");
    rp_free_text(r, disp(x));
    sb_puts(b, "</p>");
  }
}

/* The reasons behind a bid's score on a criterion, as a <td>: the
 * declaration's `reasons` when it gives them; else the moderation's
 * consensus mark, how it was reached, the moderator's note and each
 * evaluator's reason (without the evaluator's name: the supplier is told
 * why, not who). */
static void reason_cell(rep *r, value bid, const char *nm, const char *crit) {
  sbuf *b = r->b;
  sb_puts(b, "<td class=\"reason\">");
  if (r->f[F_REASONS].tag != V_NULL) {
    value all = rp_call1(r, F_REASONS, bid);
    if (all.tag != V_RECORD && all.tag != V_NULL)
      vm_error(r->v, r->at[F_REASONS], "E0409 report: reasons of %s must be a record of criterion: reason, got %s", nm,
               value_type_name(all));
    value x = rp_field_or_null(all, crit);
    if (x.tag != V_NULL) {
      text_list(r, x);
      sb_puts(b, "</td>");
      return;
    }
  }
  value row = moderation_row(r, nm, crit);
  if (row.tag == V_NULL) {
    sb_puts(b, "<span class=\"none\">no written reason in the record</span></td>");
    return;
  }
  value how = rp_field_or_null(row, "method"), marks = rp_field_or_null(row, "marks"),
        note = rp_field_or_null(row, "note");
  sb_puts(b, "<p>Mark ");
  html_escs(b, rp_num_text(rp_field_or_null(row, "consensus")));
  if (how.tag == V_TEXT) {
    size_t n = marks.tag == V_LIST ? marks.as.list->n : 0;
    const char *m = how.as.text->s;
    if (!strcmp(m, "median") || !strcmp(m, "mean"))
      sb_printf(b, " (the %s of %zu evaluators' marks)", m, n);
    else if (!strcmp(m, "agreed"))
      sb_printf(b, " (agreed at moderation, from %zu evaluators' marks)", n);
    else {
      sb_puts(b, " (");
      data_text(b, m);
      sb_printf(b, ", from %zu evaluators' marks)", n);
    }
  }
  sb_puts(b, "</p>");
  if (note.tag == V_TEXT) {
    sb_puts(b, "<p class=\"note\">Moderation: ");
    rp_free_text(r, note.as.text->s);
    sb_puts(b, "</p>");
  }
  if (marks.tag == V_LIST && marks.as.list->n) {
    sb_puts(b, "<ul class=\"reasons\">");
    for (size_t i = 0; i < marks.as.list->n; i++) {
      value why = rp_field_or_null(marks.as.list->items[i], "reason");
      if (why.tag == V_NULL) continue;
      sb_puts(b, "<li>");
      rp_free_text(r, disp(why));
      sb_puts(b, "</li>");
    }
    sb_puts(b, "</ul>");
  }
  sb_puts(b, "</td>");
}

/* The outcome in words: rank, total, margin to the winner or runner-up,
 * ties and the tie-break; for a bid not ranked, why. */
static void outcome(summ *s, int j, int i, const sbuf *failed) {
  rep *r = &s->r;
  sbuf *b = r->b;
  const char *nm = s->bnames[j];
  sb_puts(b, "<p class=\"summary\">");
  data_text(b, nm);
  if (i < 0) {
    sb_puts(b, "'s tender was <strong>not ranked</strong>: ");
    rp_not_ranked_text(r, s->bids[j], nm, failed);
    sb_puts(b, ".</p>\n");
    if (r->n > 0) {
      sb_puts(b, "<p>The contract is to be awarded to ");
      data_text(b, r->names[0]);
      sb_puts(b, ".</p>\n");
    }
    return;
  }
  sb_puts(b, i == 0 ? "'s tender is <strong>ranked first</strong>" : "'s tender is ranked <strong>");
  if (i > 0) html_escs(b, disp(rp_rank_of(r, i)));
  sb_printf(b, "%s of %d in competition", i == 0 ? "" : "</strong>", r->n);
  if (r->totals[i].tag != V_NULL) {
    sb_puts(b, ", with a total of ");
    html_escs(b, rp_fixed2(r->totals[i]));
  }
  sb_puts(b, ". ");
  int from, to;
  rp_tie_group(r, i, &from, &to);
  int other = i == 0 ? 1 : 0; /* the bid it is compared with: the runner-up, or the winner */
  if (r->n < 2) {
    sb_puts(b, "No other tender is in competition.");
  } else if (r->totals[i].tag != V_NULL && rp_same_total(r, i, other)) {
    sb_puts(b, "It has the same total as ");
    rp_name_list(r, from, to, i);
    if (rp_same_rank(r, 0, 1))
      sb_puts(b, ", and the tie-break (");
    else
      sb_puts(b, ": <strong class=\"tie\">the award rests on the tie-break</strong> (");
    data_text(b, rp_tie_rule(r));
    if (rp_same_rank(r, 0, 1)) sb_puts(b, ") does not separate them for first place: the ranking does not decide the award.");
    else {
      sb_puts(b, "), which ranked ");
      data_text(b, r->names[0]);
      sb_puts(b, " first.");
    }
  } else {
    sb_puts(b, i == 0 ? "The runner-up, " : "The winning tender, ");
    data_text(b, r->names[other]);
    if (r->totals[other].tag == V_NUM && r->totals[i].tag == V_NUM) {
      sb_puts(b, ", scored ");
      html_escs(b, rp_fixed2(r->totals[other]));
      sb_puts(b, ": a margin of <strong>");
      value d = vm_arith(r->v, rp_at_of(r, F_RANKING), OP_SUB, r->totals[0], r->totals[other == 0 ? i : other]);
      html_escs(b, rp_fixed2(d));
      sb_puts(b, "</strong> points.");
    } else {
      sb_puts(b, " is ranked first.");
    }
    if (to - from > 1) {
      sb_puts(b, " It has the same total as ");
      rp_name_list(r, from, to, i);
      sb_puts(b, "; the tie-break (");
      data_text(b, rp_tie_rule(r));
      bool shared = (i > from && rp_same_rank(r, i - 1, i)) || (i + 1 < to && rp_same_rank(r, i, i + 1));
      sb_puts(b, shared ? ") does not separate them: they share rank " : ") placed it at rank ");
      html_escs(b, disp(rp_rank_of(r, i)));
      sb_puts(b, ".");
    }
  }
  sb_puts(b, "</p>\n");
}

/* A bid's scores: n×1 decimals, one per criterion of weights, and its
 * total (the published one of a ranked bid; for a bid not ranked, the
 * weighted sum of its scores, as it has no published total). */
typedef struct bid_scores {
  const dec *s;
  value total;
} bid_scores;

/* Each criterion's score and weighted points beside bid o's (the winning
 * tender's, or on the winner's page the runner-up's; none when o < 0),
 * and the difference.  `counted`: false for a bid not ranked, whose
 * scores the rules give but which did not count in the competition. */
static void scores_table(summ *s, bid_scores mine, int o, bool counted) {
  rep *r = &s->r;
  sbuf *b = r->b;
  sb_puts(b, "<div class=\"scroll\">\n<table class=\"scores\">\n<caption>Score on each criterion and weighted points (weight × "
             "score), to 2 decimal places");
  if (!counted) sb_puts(b, ", as the evaluation's rules score this tender");
  if (o >= 0) sb_puts(b, o == 0 ? ", beside the winning tender's" : ", beside the runner-up's");
  sb_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Criterion</th><th scope=\"col\">Weight</th>"
             "<th scope=\"col\">Score</th><th scope=\"col\">Points</th>");
  if (o >= 0) {
    sb_puts(b, "<th scope=\"col\">Score of ");
    data_text(b, r->names[o]);
    sb_puts(b, "</th><th scope=\"col\">Points of ");
    data_text(b, r->names[o]);
    sb_puts(b, "</th><th scope=\"col\">Difference in points</th>");
  }
  sb_puts(b, "</tr></thead>\n<tbody>\n");
  for (int k = 0; k < r->nc; k++) {
    sb_puts(b, "<tr>");
    rp_th(b, "row", r->label[k]);
    sb_puts(b, "<td class=\"num\">");
    html_escs(b, disp(r->wv[k]));
    sb_puts(b, "</td>");
    dec pts = rp_dop(r, '*', r->w[k], mine.s[k]);
    rp_value_cell(b, v_num(mine.s[k]), true);
    rp_value_cell(b, v_num(pts), true);
    if (o >= 0) {
      dec theirs = rp_dop(r, '*', r->w[k], r->s[o * r->nc + k]);
      rp_value_cell(b, v_num(r->s[o * r->nc + k]), true);
      rp_value_cell(b, v_num(theirs), true);
      rp_value_cell(b, v_num(rp_dop(r, '-', pts, theirs)), true);
    }
    sb_puts(b, "</tr>\n");
  }
  sb_puts(b, counted ? "<tr class=\"total\"><th scope=\"row\" colspan=\"3\">Total</th>"
                     : "<tr class=\"total\"><th scope=\"row\" colspan=\"3\">Weighted total (not counted)</th>");
  rp_value_cell(b, mine.total, true);
  if (o >= 0) {
    sb_puts(b, "<td></td>");
    rp_value_cell(b, r->totals[o], true);
    if (mine.total.tag == V_NUM && r->totals[o].tag == V_NUM)
      rp_value_cell(b, vm_arith(r->v, rp_at_of(r, F_RANKING), OP_SUB, mine.total, r->totals[o]), true);
    else
      sb_puts(b, "<td></td>");
  }
  sb_puts(b, "</tr>\n</tbody>\n</table>\n</div>\n");
}

/* A ranked bid's scores beside the winning tender's (the runner-up's, on
 * the winner's page). */
static void scores(summ *s, int i) {
  rep *r = &s->r;
  sb_puts(r->b, "<section id=\"scores\">\n<h2>Scores</h2>\n");
  scores_table(s, (bid_scores){r->s + i * r->nc, r->totals[i]}, r->n < 2 ? -1 : i == 0 ? 1 : 0, true);
  sb_puts(r->b, "</section>\n");
}

/* Scoring a bid that is not ranked, protected: the rules' scores may
 * assume what the gates it failed ensure (a field, a quality minimum), so
 * an error here says why there is no score rather than stopping every
 * page. */
typedef struct unranked_job {
  rep *r;
  value bid;
  const char *nm;
  dec *s;
  dec total;
  const char *why; /* why there is no score, when it is not a record of numbers */
} unranked_job;

static void score_unranked(svl_vm *v, void *ctx) {
  (void)v;
  unranked_job *j = ctx;
  rep *r = j->r;
  value sc = r->f[F_SCORES].tag != V_NULL ? rp_call1(r, F_SCORES, j->bid) : rp_field_or_null(j->bid, "scores");
  if (sc.tag != V_RECORD) {
    j->why = sc.tag == V_NULL ? "the rules give it no scores" : "its scores are not a record of criterion scores";
    return;
  }
  j->total = dec_from_int(0);
  for (int k = 0; k < r->nc; k++) {
    value x = rp_field_or_null(sc, r->crit[k]);
    if (!report_plain_number(x)) {
      sbuf w;
      sb_init(&w);
      sb_printf(&w, "it has no %s score", rp_label_of(r, r->crit[k]));
      j->why = w.s;
      return;
    }
    j->s[k] = x.as.num;
    j->total = rp_dop(r, '+', j->total, rp_dop(r, '*', r->w[k], x.as.num));
  }
}

/* A bid not ranked: what the rules score it, beside the winning tender's
 * and marked as not counted, or why it has no score.  A panel (and the
 * supplier) must see both: a quality minimum is failed on a score. */
static void unranked_scores(summ *s, int j) {
  rep *r = &s->r;
  sbuf *b = r->b;
  unranked_job job = {r, s->bids[j], s->bnames[j], gc_alloc_atomic(((size_t)r->nc + 1) * sizeof(dec)), dec_from_int(0), NULL};
  if (!vm_protect(r->v, score_unranked, &job)) {
    if (r->v->err.kind == DIAG_LIMIT) longjmp(*r->v->jmp, 1); /* out of steps or memory ends the run, as anywhere */
    const char *msg = r->v->err.msg;
    memset(&r->v->err, 0, sizeof r->v->err);
    sbuf w;
    sb_init(&w);
    sb_printf(&w, "scoring it stops with an error: %s", msg ? msg : "an error");
    job.why = w.s;
  }
  sb_puts(b, "<section id=\"scores\">\n<h2>Scores</h2>\n<p class=\"not-counted\">");
  if (job.why) {
    sb_puts(b, "The tender was <strong>not scored</strong>: it was not ranked (see the outcome above), and ");
    data_text(b, job.why);
    sb_puts(b, ".</p>\n</section>\n");
    return;
  }
  sb_puts(b, "The tender was not ranked (see the outcome above), so <strong>these scores did not count</strong> in the "
             "competition; they are what the evaluation's rules give it, shown so that the reasons for its outcome can be "
             "checked.</p>\n");
  scores_table(s, (bid_scores){job.s, v_num(job.total)}, r->scored && r->n > 0 ? 0 : -1, false);
  sb_puts(b, "</section>\n");
}

/* The criteria a reasons table covers: the weights', else the moderation's. */
static const char **criteria(rep *r, int *n) {
  if (r->nc) {
    *n = r->nc;
    return r->crit;
  }
  *n = 0;
  if (r->f[F_MODERATION].tag == V_NULL) return NULL;
  const list *l = r->f[F_MODERATION].as.list;
  const char **out = gc_alloc((l->n + 1) * sizeof *out);
  for (size_t i = 0; i < l->n; i++) {
    value c = rp_field_or_null(l->items[i], "criterion");
    bool seen = c.tag != V_TEXT;
    for (int k = 0; k < *n && !seen; k++) seen = !strcmp(out[k], c.as.text->s);
    if (!seen) out[(*n)++] = c.as.text->s;
  }
  return out;
}

static void reasons(summ *s, int j, int i) {
  rep *r = &s->r;
  sbuf *b = r->b;
  if (r->f[F_REASONS].tag == V_NULL && r->f[F_MODERATION].tag == V_NULL) return;
  int nc;
  const char **crit = criteria(r, &nc);
  if (!nc) return;
  int w = r->n > 0 && i != 0 ? 0 : -1; /* the winning tender, beside a bid that is not it */
  sb_puts(b, "<section id=\"reasons\">\n<h2>Reasons for the scores</h2>\n<div class=\"scroll\">\n<table class=\"reasons\">\n"
             "<caption>The evaluators' reasons for each mark");
  if (w >= 0) sb_puts(b, ", beside the winning tender's");
  sb_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Criterion</th><th scope=\"col\">");
  data_text(b, s->bnames[j]);
  sb_puts(b, "</th>");
  if (w >= 0) {
    sb_puts(b, "<th scope=\"col\">");
    data_text(b, r->names[w]);
    sb_puts(b, " (winning tender)</th>");
  }
  sb_puts(b, "</tr></thead>\n<tbody>\n");
  for (int k = 0; k < nc; k++) {
    sb_puts(b, "<tr>");
    rp_th(b, "row", rp_label_of(r, crit[k]));
    reason_cell(r, s->bids[j], s->bnames[j], crit[k]);
    if (w >= 0) reason_cell(r, r->bid[w], r->names[w], crit[k]);
    sb_puts(b, "</tr>\n");
  }
  sb_puts(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

/* The gates' verdicts on the bid, into *out; the names of the failed ones
 * into *failed. */
static void gates(summ *s, int j, sbuf *out, sbuf *failed) {
  rep *r = &s->r;
  if (r->f[F_GATES].tag == V_NULL) return;
  sbuf *keep = r->b;
  r->b = out;
  sb_puts(out, "<section id=\"gates\">\n<h2>Conditions and gates</h2>\n<div class=\"scroll\">\n<table class=\"gates\">\n"
               "<caption>Each gate of the evaluation, its verdict on this tender and every reason</caption>\n"
               "<thead><tr><th scope=\"col\">Gate</th><th scope=\"col\">Verdict</th></tr></thead>\n<tbody>\n");
  rp_gate_cells(r, s->bids[j], failed, true);
  sb_puts(out, "</tbody>\n</table>\n</div>\n</section>\n");
  r->b = keep;
}

static void abnormally_low(summ *s, int j) {
  rep *r = &s->r;
  sbuf *b = r->b;
  value row = rp_alt_row(r, s->bnames[j]);
  if (row.tag == V_NULL) return;
  sb_puts(b, "<section id=\"abnormally-low\">\n<h2>Abnormally low tender screen</h2>\n<p>");
  if (!rp_is_flagged(row)) {
    sb_puts(b, "The price was screened and not flagged as abnormally low.</p>\n</section>\n");
    return;
  }
  value acc = rp_explanation_accepted(row), lim = rp_field_or_null(rp_alt_of(row), "limit");
  sb_puts(b, "<strong>The price was flagged as abnormally low</strong>");
  if (lim.tag != V_NULL) {
    sb_puts(b, " (below the limit of ");
    html_escs(b, rp_num_text(lim));
    sb_puts(b, ")");
  }
  sb_puts(b, acc.tag != V_BOOL ? "; an explanation was requested and its outcome is not in the record."
             : acc.b ? "; an explanation was requested and accepted."
                     : "; an explanation was requested and not accepted, so the tender was rejected as abnormally low.");
  sb_puts(b, "</p>\n</section>\n");
}

static void standstill(summ *s, int j) {
  rep *r = &s->r;
  sbuf *b = r->b;
  sb_puts(b, "<section id=\"standstill\">\n<h2>Standstill period and challenge</h2>\n");
  value t = r->f[F_STANDSTILL];
  if (t.tag != V_NULL && t.tag != V_TEXT) t = rp_call1(r, F_STANDSTILL, s->bids[j]);
  if (t.tag == V_NULL) {
    sb_puts(b, "<p class=\"tie\">The rule file gives no standstill or challenge text (<code>standstill</code> in the report "
               "declaration).</p>\n");
  } else {
    if (t.tag != V_TEXT)
      vm_error(r->v, r->at[F_STANDSTILL], "E0409 report: standstill of %s must be a text, got %s", s->bnames[j], value_type_name(t));
    sb_puts(b, "<p class=\"standstill\">");
    rp_free_text(r, t.as.text->s);
    sb_puts(b, "</p>\n");
  }
  sb_puts(b, "</section>\n");
}

static const char summary_css[] =
  ".kicker{text-transform:uppercase;letter-spacing:.06em;font-size:.85rem;color:#1d3557;margin:0}"
  "tr.total th,tr.total td{font-weight:600;border-top:2px solid #333}td.reason p{margin:.1rem 0}"
  "td.reason .note{font-style:italic}span.none{color:#555}.standstill{border-left:6px solid #1d3557;"
  "padding:.4rem .8rem;background:#eef2f7}table.index td a{white-space:nowrap}\n"
  "table.reasons{min-width:34rem}table.reasons tbody th{width:8.5rem;overflow-wrap:break-word}"
  "table.reasons td.reason{width:42%}\n"
  "@media print{body{font-size:9.5pt}h2{margin-top:1rem}table.reasons{font-size:8pt;min-width:0}footer table{font-size:7pt}}\n";

static void bid_header(summ *s, int j) {
  rep *r = &s->r;
  sbuf *b = r->b;
  sb_puts(b, "<header>\n<p class=\"kicker\">Assessment summary</p>\n<h1>");
  data_text(b, s->bnames[j]);
  sb_puts(b, "</h1>\n<p>");
  rp_free_text(r, disp(r->f[F_TITLE]));
  sb_puts(b, "</p>\n");
  rp_contract_date(r);
  sb_puts(b, "<nav aria-label=\"Contents\"><ul><li><a href=\"index.html\">All assessment summaries</a></li></ul></nav>\n</header>\n");
}

static void bid_page(summ *s, int j) {
  rep *r = &s->r;
  sbuf page, gsec, failed;
  sb_init(&page);
  sb_init(&gsec);
  sb_init(&failed);
  r->b = &page;
  const char *nm = s->bnames[j];
  int i = rp_ranked_at(r, nm);
  sbuf title;
  sb_init(&title);
  /* the name between FSI and PDI, its own bidi controls dropped: a stray
   * PDI in it would otherwise close the isolate early */
  sb_puts(&title, "Assessment summary: \xE2\x81\xA8");
  for (const unsigned char *p = (const unsigned char *)nm; *p; p++) {
    if (bidi_kind(p, strlen((const char *)p))) p += 2;
    else sb_putc(&title, (char)*p);
  }
  sb_puts(&title, "\xE2\x81\xA9");
  rp_page_start(r, title.s, summary_css);
  bid_header(s, j);
  gates(s, j, &gsec, &failed);
  sb_puts(&page, "<main>\n<section id=\"outcome\">\n<h2>Outcome</h2>\n");
  rp_decision_text(r);
  outcome(s, j, i, &failed);
  sb_puts(&page, "</section>\n");
  if (i >= 0 && r->scored) scores(s, i);
  else if (i < 0 && r->nc) unranked_scores(s, j);
  reasons(s, j, i);
  sb_putn(&page, gsec.s, gsec.len);
  abnormally_low(s, j);
  sbuf clar;
  sb_init(&clar);
  r->b = &clar;
  if (rp_bid_clarifications(r, nm)) {
    sb_puts(&page, "<section id=\"clarifications\">\n<h2>Clarifications</h2>\n");
    sb_putn(&page, clar.s, clar.len);
    sb_puts(&page, "</section>\n");
  }
  r->b = &page;
  standstill(s, j);
  sb_puts(&page, "</main>\n");
  rp_provenance(r);
  sb_puts(&page, "</body>\n</html>\n");
  s->html[j + 1] = page.s;
  s->outcome[j] = i < 0 ? "not ranked" : i == 0 ? "ranked first: the winning tender" : NULL;
  if (i > 0) {
    sbuf o;
    sb_init(&o);
    sb_printf(&o, "ranked %s", disp(rp_rank_of(r, i)));
    s->outcome[j] = o.s;
  }
}

static void index_page(summ *s) {
  rep *r = &s->r;
  sbuf page;
  sb_init(&page);
  r->b = &page;
  sbuf title;
  sb_init(&title);
  sb_printf(&title, "Assessment summaries: %s", disp(r->f[F_TITLE]));
  rp_page_start(r, title.s, summary_css);
  sb_puts(&page, "<header>\n<p class=\"kicker\">Assessment summaries</p>\n<h1>");
  rp_free_text(r, disp(r->f[F_TITLE]));
  sb_puts(&page, "</h1>\n");
  rp_contract_date(r);
  sb_puts(&page, "</header>\n<main>\n<section id=\"summaries\">\n");
  rp_decision_text(r);
  sb_printf(&page, "<p>One assessment summary for each of the %d tender%s assessed.</p>\n", s->nb, s->nb == 1 ? "" : "s");
  sb_puts(&page, "<div class=\"scroll\">\n<table class=\"index\">\n<caption>Assessment summaries</caption>\n<thead><tr>"
                 "<th scope=\"col\">Bid</th><th scope=\"col\">Outcome</th><th scope=\"col\">Total</th><th scope=\"col\">Summary</th>"
                 "</tr></thead>\n<tbody>\n");
  for (int j = 0; j < s->nb; j++) {
    int i = rp_ranked_at(r, s->bnames[j]);
    sb_puts(&page, "<tr>");
    rp_th(&page, "row", s->bnames[j]);
    sb_puts(&page, "<td>");
    html_escs(&page, s->outcome[j]);
    sb_puts(&page, "</td>");
    if (i >= 0) rp_value_cell(&page, r->totals[i], true);
    else sb_puts(&page, "<td>—</td>");
    sb_puts(&page, "<td><a href=\"");
    html_escs(&page, s->files[j]);
    sb_puts(&page, "\">");
    html_escs(&page, s->files[j]);
    sb_puts(&page, "</a></td></tr>\n");
  }
  sb_puts(&page, "</tbody>\n</table>\n</div>\n</section>\n</main>\n</body>\n</html>\n");
  s->html[0] = page.s;
}

static void draw(svl_vm *v, void *ctx) {
  summ *s = ctx;
  rep *r = &s->r;
  sbuf scratch;
  sb_init(&scratch);
  r->b = &scratch;
  rp_setup(r, v);
  value all = r->f[F_BIDS].tag != V_NULL ? r->f[F_BIDS] : r->f[F_RANKING];
  s->nb = (int)all.as.list->n;
  s->bids = all.as.list->items;
  s->bnames = gc_alloc(((size_t)s->nb + 1) * sizeof *s->bnames);
  s->files = gc_alloc(((size_t)s->nb + 1) * sizeof *s->files);
  s->outcome = gc_alloc(((size_t)s->nb + 1) * sizeof *s->outcome);
  s->html = gc_alloc(((size_t)s->nb + 2) * sizeof *s->html);
  int width = 2;
  for (int n = s->nb; n >= 100; n /= 10) width++;
  for (int j = 0; j < s->nb; j++) {
    s->bnames[j] = rp_name_of(r, s->bids[j], j);
    s->files[j] = file_name(j + 1, width, s->bnames[j]);
  }
  for (int j = 0; j < s->nb; j++) bid_page(s, j);
  index_page(s);
}

PUBLIC void svl_report_pages_free(svl_report_page *pages, size_t n) {
  for (size_t i = 0; pages && i < n; i++) {
    free(pages[i].file);
    free(pages[i].html);
  }
  free(pages);
}

PUBLIC svl_status svl_report_summaries(svl_vm *v, svl_report_page **pages, size_t *npages) {
  if (!v || !pages || !npages)
    return v ? api_usage(v, "svl_report_summaries: no place for the pages") : SVL_ERR_USAGE;
  *pages = NULL;
  *npages = 0;
  summ s;
  memset(&s, 0, sizeof s);
  svl_status st = rp_run(v, "svl_report_summaries", &s.r, draw, &s);
  if (st != SVL_OK) return st;
  size_t n = (size_t)s.nb + 1;
  svl_report_page *out = calloc(n, sizeof *out);
  for (size_t i = 0; out && i < n; i++) {
    const char *file = i == 0 ? "index.html" : s.files[i - 1];
    out[i].file = rp_strdup(file, strlen(file));
    out[i].html = rp_strdup(s.html[i], strlen(s.html[i]));
    if (!out[i].file || !out[i].html) {
      svl_report_pages_free(out, n);
      out = NULL;
    }
  }
  if (!out) return api_usage(v, "svl_report_summaries: out of memory");
  *pages = out;
  *npages = n;
  return SVL_OK;
}
