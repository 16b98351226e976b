/* The state of one rendering of a `report` declaration and the helpers the
 * report's pages share: the evaluation report (tools/report.c), the record
 * sections (tools/report_record.c) and the assessment summaries
 * (tools/report_summary.c).  Not part of the public API. */
#ifndef SVL_REPORT_REP_H
#define SVL_REPORT_REP_H

#include "eval/report_decl.h"
#include "tools/report.h"

typedef struct rep {
  vm *v;
  const node *d;
  sbuf *b;
  value f[NF];            /* v_null when not given */
  loc at[NF];
  /* the ranking */
  int n;
  const value *bid;
  const char **names;
  value *totals;          /* null when there is none */
  /* criteria, when weights and scores are known */
  int nc;
  const char **crit;
  const char **label;     /* each criterion's label (labels, else the key in words) */
  const value *wv;        /* the weights as written */
  dec *w, *s, *T;         /* weights; scores n×nc; computed totals */
  bool scored;
  bool ranges;            /* draw the sensitivity ranges */
  bool print_explanations; /* print the explanations in full, not one line per bid */
  const char **iso;       /* the names narratives isolate (non-ASCII ones), once made */
  int niso;
} rep;

static inline const char *disp(value x) { return value_display(x, true); }

/* Find the loaded report declaration, give it to r and run draw(v, ctx)
 * protected (ctx holds r); `who` names the API call in a usage error. */
svl_status rp_run(svl_vm *v, const char *who, rep *r, void (*draw)(svl_vm *, void *), void *ctx);
/* A malloc'ed copy of len bytes, NUL-terminated; NULL when out of memory. */
char *rp_strdup(const char *s, size_t len);
/* <!DOCTYPE html> to <body>: the policy forbidding scripts and requests,
 * the title (escaped) and the style sheet with css after it. */
void rp_page_start(rep *r, const char *title, const char *css);
/* The date of evaluation the declaration gives and the as-of date the
 * dated rules were applied under (svl report --as-of): two pages of one
 * tender scored under different rules differ there first. */
void rp_dates(rep *r, sbuf *b);
/* The Provenance footer: the SVL version and every file read, hashed. */
void rp_provenance(rep *r);
/* Load the declaration's fields and the ranking into r (r->d and r->b set):
 * the first step of every page. */
void rp_setup(rep *r, svl_vm *v);
void rp_load_ranking(rep *r);
/* Where field f was written (the declaration when it was not). */
loc rp_at_of(rep *r, fid f);
/* A decimal operation ('+', '-', '*', '/'); an overflow raises. */
dec rp_dop(rep *r, int op, dec a, dec b);
/* Field f (a function) called on x. */
value rp_call1(rep *r, fid f, value x);
/* rec.k, or null (also when rec is not a record). */
value rp_field_or_null(value rec, const char *k);
/* A bid's name (the declaration's `name`, else supplier, name, bidder, id). */
const char *rp_name_of(rep *r, value bid, int index);
/* A text the rule file made, isolated as a whole and each bid name in it. */
void rp_free_text(rep *r, const char *s);
/* A field or criterion in words (labels, else the key with spaces). */
const char *rp_label_of(rep *r, const char *key);
void rp_heading(rep *r, const char *key);
const char *rp_callable_name(value f);
/* Numbers as the page shows them: rounded in text; to exactly 2 decimals. */
const char *rp_num_text(value x);
const char *rp_fixed2(value x);
/* A <td> of a value (`two`: a plain number to exactly 2 decimals). */
void rp_value_cell(sbuf *b, value x, bool two);
void rp_cell(sbuf *b, value x);
/* Ties: rank, equal totals and ranks, the tie-break in words, the run of
 * bids with bid i's total, "A, B and C" (isolated). */
value rp_rank_of(rep *r, int i);
bool rp_same_total(rep *r, int i, int j);
bool rp_same_rank(rep *r, int i, int j);
const char *rp_tie_rule(rep *r);
void rp_tie_group(rep *r, int i, int *from, int *to);
void rp_name_list(rep *r, int from, int to, int skip);
/* The ranked position of the bid named name, or -1. */
int rp_ranked_at(rep *r, const char *name);
/* The abnormally-low screen: a row's screen record, whether it is
 * flagged, what came of its explanation (true, false, null), the row of
 * the bid named nm (or null). */
value rp_alt_of(value row);
bool rp_is_flagged(value row);
value rp_explanation_accepted(value row);
value rp_alt_row(rep *r, const char *nm);
/* A gate's verdict as a <td> (passed or failed, with every reason);
 * returns whether it passed. */
bool rp_verdict_cell(rep *r, value x, const char *gate);
/* Why a bid of `bids` is not ranked, in words (failed: the gates it
 * failed, in words, or empty). */
void rp_not_ranked_text(rep *r, value bid, const char *nm, const sbuf *failed);
/* The gates of the declaration: *n of them. */
const value *rp_gates(rep *r, int *n);

/* The record's own sections (tools/report_record.c): the clarification
 * log, the declarations of interest and the panel's sign-off; and a
 * bid's clarifications, for its assessment summary. */
void rp_clarifications(rep *r);
void rp_declarations(rep *r);
void rp_sign_off(rep *r);
/* The clarification rows about the bid named nm, as a table; false when
 * there are none. */
bool rp_bid_clarifications(rep *r, const char *nm);

#endif
