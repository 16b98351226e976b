#include "core/diag.h"

#include <string.h>

#include "core/gc.h"
#include "core/value.h"

/* half the width of the source excerpt under a message, in bytes */
#define LINE_WINDOW 80

const char *diag_short_path(const char *p) {
  const char *s = strstr(p, "/stdlib/");
  if (!s || !strstr(s, ".svl")) return p;
  for (const char *t; (t = strstr(s + 1, "/stdlib/"));) s = t;
  return s + 1;
}

const char *diag_render(const diag *d) { return diag_render_as(d, "error"); }

/* Only SVL source is quoted under a message: a rule file given by mistake
 * (or on purpose) as /etc/shadow, a .env or a CSV must not have a line of
 * it echoed.  Sources the host names "<...>" (a string, the REPL, stdin)
 * are SVL by construction. */
static bool quotable(const source *s) {
  size_t n = s->name ? strlen(s->name) : 0;
  return n == 0 || s->name[0] == '<' || (n >= 4 && !strcmp(s->name + n - 4, ".svl"));
}

const char *diag_render_as(const diag *d, const char *severity) {
  sbuf b;
  sb_init(&b);
  const source *s = d->at.src;
  int line = 0, col = 0;
  if (s) {
    loc_line_col(s, d->at.start, &line, &col);
    sb_printf(&b, "%s:%d:%d: ", s->name, line, col);
  }
  /* The code follows the message's first line, so "file:line:col: error:
   * message" stays a prefix for tools that match it (SPEC 10). */
  const char *msg = d->msg ? d->msg : "error";
  /* a message may quote a name or a text of the file: none of it either */
  if (s && !quotable(s)) msg = "an error in a file that is not SVL source (its text is not shown: name it NAME.svl)";
  int first = (int)strcspn(msg, "\n");
  sb_printf(&b, "%s: %.*s", severity, first, msg);
  if (d->code) sb_printf(&b, " [%s]", d->code);
  sb_printf(&b, "%s\n", msg + first);
  if (s && quotable(s)) {
    size_t lb, le;
    loc_line_bounds(s, d->at.start, &lb, &le);
    size_t at = d->at.start < le ? d->at.start : le;
    /* A generated file may have a line of megabytes: show a window of it
     * around the caret, cut at character boundaries. */
    size_t from = lb, to = le;
    if (le - lb > 2 * LINE_WINDOW) {
      from = at - lb > LINE_WINDOW ? at - LINE_WINDOW : lb;
      to = le - from > 2 * LINE_WINDOW ? from + 2 * LINE_WINDOW : le;
      while (from > lb && ((unsigned char)s->text[from] & 0xC0) == 0x80) from--;
      while (to < le && ((unsigned char)s->text[to] & 0xC0) == 0x80) to++;
    }
    sb_puts(&b, from > lb ? "  …" : "  ");
    /* Control characters are shown as '?': a hostile file must not send
     * escape sequences to the reader's terminal. */
    for (size_t off = from; off < to; off++) {
      unsigned char ch = (unsigned char)s->text[off];
      sb_putc(&b, (ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : (char)ch);
    }
    sb_puts(&b, to < le ? "…\n  " : "\n  ");
    if (from > lb) sb_putc(&b, ' ');
    /* tabs copied so the caret lines up with what the terminal shows */
    for (size_t off = from; off < at; off++) {
      unsigned char ch = (unsigned char)s->text[off];
      if ((ch & 0xC0) != 0x80) sb_putc(&b, ch == '\t' ? '\t' : ' ');
    }
    sb_puts(&b, "^\n");
  }
  if (d->hint) sb_printf(&b, "  hint: %s\n", d->hint);
  if (d->note) sb_printf(&b, "  note: %s\n", d->note);
  for (int i = 0; i < d->nframes; i++) {
    const diag_frame *f = &d->frames[i];
    /* runaway recursion: one line for a run of identical frames */
    int same = 0;
    while (i + same + 1 < d->nframes && d->frames[i + same + 1].name == f->name &&
           d->frames[i + same + 1].at.start == f->at.start && d->frames[i + same + 1].at.src == f->at.src)
      same++;
    if (f->at.src) {
      int fl, fc;
      loc_line_col(f->at.src, f->at.start, &fl, &fc);
      sb_printf(&b, "  in %s, called at %s:%d:%d\n", f->name, diag_short_path(f->at.src->name), fl, fc);
      if (same) sb_printf(&b, "  ... the same call %d more time%s\n", same, same == 1 ? "" : "s");
      i += same;
    } else {
      sb_printf(&b, "  in %s\n", f->name);
    }
  }
  return b.s ? b.s : "";
}

size_t diag_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 80 || lb > 80) return 99;
  size_t row[81];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = prev + cost;
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb];
}

const char *diag_nearest(const char *name, const char *const *cands, int n) {
  const char *best = NULL;
  size_t bd = 99;
  size_t len = strlen(name);
  size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  for (int i = 0; i < n; i++) {
    if (!cands[i] || strcmp(cands[i], name) == 0) continue;
    size_t d = diag_edit_distance(name, cands[i]);
    if (d < bd) { bd = d; best = cands[i]; }
  }
  return bd <= limit ? best : NULL;
}
