#include "source.h"

void loc_line_col(const source *s, uint32_t off, int *line, int *col) {
  int l = 1, c = 1;
  if (off > s->len) off = (uint32_t)s->len;
  for (uint32_t i = 0; i < off; i++) {
    unsigned char ch = (unsigned char)s->text[i];
    if (ch == '\n') { l++; c = 1; }
    else if ((ch & 0xC0) != 0x80) c++; /* count code points, not bytes */
  }
  *line = l;
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
