/* Internals shared by lang/check.c (the walk, units, unused names) and
 * lang/check_table.c (decision-table analysis).  Not used elsewhere. */
#ifndef SVL_CHECK_INT_H
#define SVL_CHECK_INT_H

#include "lang/check.h"

/* What is known before running about the value of an expression. */
typedef enum { S_UNKNOWN, S_NUM, S_TEXT, S_BOOL, S_DATE } skind;
typedef struct sty {
  skind k;
  bool pct;            /* S_NUM: a percentage */
  const unit_t *unit;  /* S_NUM: NULL for plain numbers */
  bool plain;          /* S_NUM: certainly not a percentage (a `number`
                          parameter may hold one: neither pct nor plain) */
} sty;

typedef struct checker checker;

/* Add a finding at `at`. */
void ck_report(checker *c, check_severity sev, const char *code, loc at, const char *hint,
               const char *example, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* The value of an expression that is a constant: a number, money,
 * percentage, text, bool or null literal, a quantity, date("YYYY-MM-DD"),
 * a negated number, a range or list of constants, or the name of a
 * top-level let bound to one.  False for anything else. */
bool ck_const(const node *n, value *out);

/* The source text of a node, for messages. */
const char *ck_node_text(const node *n);
/* "GBP", "a plain number", "text"... */
const char *ck_label(sty t);

/* The declared type of input column `col` of table d, when the column's
 * header is a bare parameter annotated with a type (`table band(mark:
 * int)` with header `| mark || ... |`); NULL when the header is an
 * expression or the parameter has no annotation.  What the analysis may
 * rely on, because every call checks it (eval/eval.c bind):
 *   T_INT      every input is a whole plain number;
 *   T_ENUM     every input is one of t->vals[0 .. t->nvals) (all plain
 *              numbers or all texts, in declared order; t->name is the
 *              type's name, "Lot", or NULL for an inline `1 | 2 | 3`);
 *   T_PERCENT  a percentage; T_NUMBER a plain number; T_UNIT a quantity
 *              of t->unit's dimension; T_TEXT, T_BOOL, T_DATE.
 * t->opt: null is also accepted. */
const vtype *ck_input_type(const node *d, int col);

/* The values an input column can take, for gaps and overlaps: any value
 * of its kind, whole numbers only, or the members of an enumeration. */
typedef enum { DOM_ALL, DOM_INT, DOM_SET } ck_domain_kind;
typedef struct ck_domain {
  ck_domain_kind k;
  int n;                 /* DOM_SET: the members */
  const value *members;
} ck_domain;

/* Gaps and overlaps of a `hit unique` table.  `inputs` holds what is known
 * of each input column's header expression (d->ninputs entries), `domains`
 * each column's domain (NULL: every column DOM_ALL). */
void ck_table(checker *c, const node *d, const sty *inputs, const ck_domain *domains);

/* True once the check has run past its deadline (svl check --timeout). */
bool ck_out_of_time(checker *c);

#endif
