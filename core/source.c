#include "core/source.h"

#include <string.h>

#include "core/gc.h"

/* Record the line starts in [s->scanned, upto).  Only bytes before an
 * offset somebody asked about are read, as a plain scan would (a source
 * refused as too large to format has len but no text). */
static void scan_lines(source *s, uint32_t upto) {
  if (!s->nlines) {
    s->caplines = 64;
    s->lines = gc_alloc_atomic(s->caplines * sizeof *s->lines);
    s->lines[s->nlines++] = 0;
  }
  for (uint32_t i = s->scanned; i < upto; i++) {
    const char *nl = memchr(s->text + i, '\n', upto - i);
    if (!nl) break;
    i = (uint32_t)(nl - s->text);
    if (s->nlines == s->caplines) {
      uint32_t *l = gc_alloc_atomic(2 * (size_t)s->caplines * sizeof *l);
      memcpy(l, s->lines, s->nlines * sizeof *l);
      s->lines = l;
      s->caplines *= 2;
    }
    s->lines[s->nlines++] = i + 1;
  }
  if (upto > s->scanned) s->scanned = upto;
}

void loc_line_col(const source *cs, uint32_t off, int *line, int *col) {
  /* the index is a cache: filling it in changes no visible part of the source */
  source *s = (source *)cs;
  if (off > s->len) off = (uint32_t)s->len;
  scan_lines(s, off);
  uint32_t lo = 0, hi = s->nlines; /* the last line start <= off is in [lo, hi) */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->lines[mid] <= off) lo = mid;
    else hi = mid;
  }
  int c = 1;
  for (uint32_t i = s->lines[lo]; i < off; i++)
    if (((unsigned char)s->text[i] & 0xC0) != 0x80) c++; /* count code points, not bytes */
  *line = (int)lo + 1;
  *col = c;
}

void loc_line_bounds(const source *s, uint32_t off, size_t *b, size_t *e) {
  size_t i = off > s->len ? s->len : off;
  size_t start = i;
  while (start > 0 && s->text[start - 1] != '\n') start--;
  size_t end = i;
  while (end < s->len && s->text[end] != '\n') end++;
  if (end > start && s->text[end - 1] == '\r') end--;
  *b = start;
  *e = end;
}
