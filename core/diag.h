/* Errors as values.  Every error the library reports is an svl_diag:
 * what went wrong, where, and (for runtime errors) the call stack.  The
 * library never prints; the host renders a diag with diag_render. */
#ifndef SVL_DIAG_H
#define SVL_DIAG_H

#include "core/source.h"

typedef enum {
  DIAG_LEX = 1,    /* exit 2 */
  DIAG_SYNTAX,     /* exit 2 */
  DIAG_RESOLVE,    /* undefined names, arity, duplicates: exit 2 */
  DIAG_RUNTIME,    /* exit 1 */
  DIAG_ASSERT,     /* failed assert: exit 1 */
  DIAG_LIMIT,      /* step/heap/time/depth limit: exit 1 */
  DIAG_IO,         /* file not found etc.: exit 1 */
  DIAG_INCOMPLETE  /* the REPL's "more input needed": not shown */
} diag_kind;

typedef struct diag_frame {
  const char *name;  /* function, rule or table */
  loc at;            /* the call site */
  /* While the call runs (vm->stack only; NULL in a diag's copy): the
   * callee's declaration and argument slots, so an error can name the
   * record and the argument it concerns (eval/provenance.c). */
  const struct node *decl;
  const struct value *args;
} diag_frame;

typedef struct diag {
  diag_kind kind;
  const char *code;  /* stable error code, e.g. "E0201" */
  const char *msg;
  const char *hint;  /* NULL or "did you mean 'price'?" */
  loc at;            /* at.src NULL: no location */
  int nframes;
  diag_frame *frames; /* innermost first */
  /* An error raised inside an imported module (the stdlib, say) is
   * reported at the caller's line in the user's file; note_at is where
   * it was raised and note says so (eval/provenance.c). */
  loc note_at;
  const char *note;
} diag;

/* "file:line:col: error: msg [CODE]\n  line\n  caret\n  hint\n  stack" */
const char *diag_render(const diag *d);
/* The same with another severity word: "warning", "note" (svl check). */
const char *diag_render_as(const diag *d, const char *severity);

/* Error codes (docs/errors.md, core/errors.c) travel at the front of
 * a message or format string: "E0501 division by zero".  Split one off:
 * returns the text after the code and sets *code to the catalogue's own
 * copy (a code missing from the catalogue becomes "E0000"); without a
 * code, returns msg unchanged and sets *code to fallback. */
const char *diag_code(const char *msg, const char **code, const char *fallback);

/* A module of the installed stdlib as "stdlib/toms.svl" rather than its
 * absolute path (call stacks and notes); any other path as it is. */
const char *diag_short_path(const char *path);

/* Nearest candidate by edit distance, or NULL if none is close. */
const char *diag_nearest(const char *name, const char *const *cands, int n);
/* The edit distance (Levenshtein) of a and b; 99 past 80 bytes. */
size_t diag_edit_distance(const char *a, const char *b);

#endif
