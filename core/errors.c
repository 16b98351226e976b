/* The error catalogue: every code a diagnostic can carry, with the help
 * text `svl help CODE` prints.  The entries are generated at build time
 * from docs/errors.md (core/errors.awk), so the manual and the binary
 * cannot disagree, and the installed binary needs no documentation files. */
#include <stdbool.h>
#include <string.h>

#include "svl.h"
#include "core/diag.h"

typedef struct errdoc {
  const char *code;  /* "E0501" */
  const char *title; /* "division by zero" */
  const char *text;  /* the whole entry, title line first */
} errdoc;

/* catalogue[] and catalogue_index[] (one line per code) */
#include "errors.inc"

#define NDOCS (sizeof catalogue / sizeof catalogue[0])

static const errdoc *find(const char *code, size_t n) {
  if (n != 5) return NULL;
  for (size_t i = 0; i < NDOCS; i++)
    if (strncmp(catalogue[i].code, code, 5) == 0) return &catalogue[i];
  return NULL;
}

static bool is_code(const char *s) {
  if (s[0] != 'E') return false;
  for (int i = 1; i < 5; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

const char *diag_code(const char *msg, const char **code, const char *fallback) {
  if (!msg || !is_code(msg) || msg[5] != ' ') {
    *code = fallback;
    return msg;
  }
  const errdoc *e = find(msg, 5);
  /* no allocation here: this runs while raising "out of memory" too */
  *code = e ? e->code : "E0000";
  return msg + 6;
}

SVL_API const char *svl_error_help(const char *code) {
  if (code) {
    char up[6];
    size_t n = strlen(code);
    if (n != 5) return NULL;
    for (size_t i = 0; i < 5; i++) up[i] = code[i] == 'e' ? 'E' : code[i];
    up[5] = 0;
    if (!is_code(up)) return NULL;
    const errdoc *e = find(up, 5);
    return e ? e->text : NULL;
  }
  return catalogue_index;
}
