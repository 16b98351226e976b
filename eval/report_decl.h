/* The `report` declaration's fields (eval/report_decl.c), shared by the
 * evaluator, which checks them, and the report renderer (tools/report.c).
 * Not part of the public API. */
#ifndef SVL_REPORT_DECL_H
#define SVL_REPORT_DECL_H

#include "eval/eval.h"

typedef enum {
  F_TITLE, F_CONTRACT, F_DATE, F_DECISION, F_BIDS, F_NAME, F_GATES, F_RANKING, F_TOTAL, F_WEIGHTS,
  F_SCORES, F_ALT, F_SENS, F_SV, F_EXPLAIN, F_LABELS, F_TIE_BREAK, F_NOT_RANKED, F_MODERATION, F_METHODOLOGY,
  F_REASONS, F_STANDSTILL, F_CLARIFICATIONS, F_DECLARATIONS, F_SIGN_OFF, F_SIGN_OFF_STATEMENT, NF
} fid;

/* The field called name, or -1. */
int report_field_id(const char *name);
/* A list of records; a number without a unit. */
bool report_records(value x);
bool report_plain_number(value x);

/* Check the evaluated fields of a `report { ... }` declaration `d`
 * (unknown fields, wrong kinds of value, a missing title or ranking) and
 * return the record that becomes the global `report`.  Raises E0409. */
value report_check(vm *v, const node *d, value rec);

#endif
