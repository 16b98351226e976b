/* A source text and positions in it.  Tokens and AST nodes carry byte
 * offsets only; line, column (in code points) and the caret line are
 * worked out from offsets when a diagnostic is rendered. */
#ifndef SVL_SOURCE_H
#define SVL_SOURCE_H

#include <stddef.h>
#include <stdint.h>

typedef struct source {
  const char *name;   /* as given: "rules.svl", "<repl>" */
  const char *dir;    /* directory for relative load/import ("" = cwd) */
  const char *text;   /* NUL-terminated copy */
  size_t len;
  /* Where lines start, found as far as `scanned` (a cache kept by
   * loc_line_col, so that a file with thousands of diagnostics is not
   * rescanned from its start for each; zeroed by gc_alloc). */
  uint32_t *lines;
  uint32_t nlines, caplines, scanned;
  /* The texts and numbers the lexer found (lang/lexer.re): tokens index
   * them and nodes point into them, so they live as long as the source. */
  void *strings;
} source;

typedef struct loc {
  const source *src;
  uint32_t start, end;  /* byte offsets, [start, end) */
} loc;

/* 1-based line and column (column counts code points). */
void loc_line_col(const source *s, uint32_t off, int *line, int *col);
/* Bounds of the line containing off (without the newline). */
void loc_line_bounds(const source *s, uint32_t off, size_t *b, size_t *e);

#endif
