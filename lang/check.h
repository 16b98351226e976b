/* svl check: read-only analyses of a resolved program that find problems
 * without running anything (SPEC 6 and 10).
 *
 *  - decision tables under `hit unique`: the inputs no row covers (gaps)
 *    and the pairs of rows that overlap, each with a concrete example input;
 *  - unit mismatches between operands whose units are known before running
 *    (literals, quantities, top-level lets bound to them, annotated
 *    parameters);
 *  - unused names: top-level lets, fns and imports, parameters and local
 *    lets that nothing refers to.
 *
 * Findings are values; nothing here prints.  A finding is a diag (code,
 * message, hint, location) with a severity and, for tables, an example. */
#ifndef SVL_CHECK_H
#define SVL_CHECK_H

#include "lang/ast.h"
#include "core/diag.h"

typedef enum { CHECK_ERROR, CHECK_WARNING, CHECK_NOTE } check_severity;

typedef struct finding {
  check_severity sev;
  diag d;              /* d.at.src NULL: no position (an unreadable file) */
  const char *file;    /* the file the finding belongs to */
  const char *example; /* a concrete input showing the problem, or NULL */
  int seq;             /* insertion order, to keep sorting stable */
} finding;

typedef struct findings {
  finding *items;
  int n, cap;
  uint64_t deadline_ms; /* CLOCK_MONOTONIC milliseconds; 0: none */
  bool timed_out;       /* the analyses stopped at the deadline */
} findings;

/* Analyse a resolved program (lang/resolve.c has run on it) and append
 * what is found to *out.  Never fails; never evaluates. */
void check_program(const node *prog, findings *out);

/* Only the likely mistakes the spelling shows (E0411), with no analysis:
 * what a run reports before it starts (svl_config.warn). */
void check_spelling(const node *prog, findings *out);

/* Append one finding (the diag is copied). */
void findings_add(findings *f, check_severity sev, const diag *d, const char *file, const char *example);
/* Sort items[from..n) by position in their file; ties keep their order. */
void findings_sort(findings *f, int from);
/* --strict: warnings become errors. */
void findings_promote_warnings(findings *f);
void findings_count(const findings *f, int *errors, int *warnings);

/* Render every finding as "file:line:col: error: ..." with the source
 * line and a caret (GC text; "" when there are none)... */
const char *findings_text(const findings *f);
/* ...or as a JSON array of {file, line, column, end_line, end_column,
 * severity, code, message, hint, example}. */
const char *findings_json(const findings *f);

#endif
