/* svl fmt (see format.h).
 *
 * A re-emitter over the lexer's token stream, not a printer of the AST:
 * the AST has no comments and no record of where the author broke lines,
 * while the tokens carry byte offsets, so everything between two tokens —
 * spaces, line breaks, comments — can be read back from the source.  The
 * formatter keeps every line break the author wrote (collapsing runs of
 * blank lines) and decides only the horizontal layout: indentation,
 * spacing between tokens, table columns and trailing-comment columns.
 * Since it never adds or removes a line break inside a statement and
 * never touches the bytes of a token, the token stream — and so the
 * parse — cannot change; format_source re-lexes its result and refuses it
 * if that ever failed to hold. */
#include "lang/format.h"

#include <string.h>

#include "core/gc.h"
#include "core/value.h"
#include "lang/lexer.h"
#include "lang/parse.h"
#include "parser.h"

/* A token as the formatter sees it: a whole string literal, interpolation
 * included, is one item, copied byte for byte. */
typedef struct item {
  int kind;            /* token kind after the lexer's filter (keywords used as field names are NAME) */
  uint32_t start, end; /* source bytes */
  int match;           /* the matching bracket's item, or -1 */
  bool nl;             /* a statement-ending newline comes before it */
  bool in_table;       /* inside the body of a table */
  bool table_body;     /* '{' opening a table's rows */
  bool line_start;     /* first on its line, or just after a line-starting `else` */
  int level;           /* the indentation of its line */
  char ctx;            /* '{': 'S' statements, 'F' fields; '(' and '[': 'P' */
} item;

typedef enum { L_CODE, L_COMMENT, L_BLANK } line_kind;

typedef struct line {
  line_kind kind;
  int level;           /* indentation, in steps of two spaces */
  int first, last;     /* L_CODE: items [first, last) */
  uint32_t cs, ce;     /* the comment (trailing, on a code line), cs == ce: none */
  int table;           /* complete table row: the item of its table's '{'; else -1 */
  const char *text;    /* rendered code */
} line;

typedef struct open_br { int item, level; } open_br;

typedef struct fmt {
  const char *s;       /* source text */
  size_t len;
  item *it;
  int n;
  line *ln;
  int nl, lcap;
  open_br *stk;
  int depth;
  int last_code;       /* last item of the previous code line, or -1 */
} fmt;

static bool opener(int k) { return k == '(' || k == '[' || k == '{'; }
static bool closer(int k) { return k == ')' || k == ']' || k == '}'; }

/* Tokens after which an operand has ended: `-` after them is binary, and
 * `(` or `[` right after them is a call or an index. */
static bool operand_end(int k) {
  switch (k) {
  case NAME: case NUMBER: case MONEY: case STRBEG: case TRUE: case FALSE: case NUL:
  case ')': case ']': case '}': case '?':
    return true;
  default:
    return false;
  }
}

/* The lexer's newline rule (lang/lexer.re, continues_after and
 * continues_before), minus brackets and commas, which the indentation
 * handles itself.  Here it only decides indentation, never meaning. */
static bool cont_after(int k) {
  switch (k) {
  case '+': case '-': case '*': case '/': case '^': case '<': case '>': case '=': case ':': case '.':
  case EQ: case NE: case LE: case GE: case ARROW: case DOTDOT: case DEFAULT: case BARBAR:
  case IN: case MOD: case AS: case WITH: case PER: case THEN: case ELSE: case AND: case OR: case NOT:
    return true;
  default:
    return false;
  }
}

static bool cont_before(int k) {
  switch (k) {
  case THEN: case ELSE: case AND: case OR: case DEFAULT: case '.': case AS: case WITH:
  case '+': case '*': case '/': case '^': case '<': case '>': case '=': case EQ: case NE:
  case LE: case GE: case ARROW: case DOTDOT: case IN: case MOD: case PER: case BARBAR: case ':':
    return true;
  default:
    return false;
  }
}

static bool is_unary(const fmt *f, int i) {
  return f->it[i].kind == '-' && (i == 0 || f->it[i].nl || !operand_end(f->it[i - 1].kind));
}

/* ---- items ---- */

static void build_items(fmt *f, const token *t, size_t nt) {
  f->it = gc_alloc((nt + 1) * sizeof(item));
  bool nl = false;
  for (size_t i = 0; i < nt && t[i].kind != 0; i++) {
    if (t[i].kind == NL) { nl = true; continue; }
    item *x = &f->it[f->n++];
    x->kind = t[i].kind;
    x->start = t[i].start;
    x->end = t[i].end;
    x->match = -1;
    x->nl = nl;
    nl = false;
    if (t[i].kind == STRBEG) {
      /* strings nest through interpolations: "{f("x")}" */
      int d = 0;
      size_t j = i;
      for (; j < nt; j++) {
        if (t[j].kind == STRBEG) d++;
        else if (t[j].kind == STREND && --d == 0) break;
      }
      if (j < nt) x->end = t[j].end;
      i = j;
    }
  }
  /* brackets: matches, and what each '{' holds */
  int *st = gc_alloc_atomic(((size_t)f->n + 1) * sizeof(int));
  int d = 0, tables = 0;
  for (int i = 0; i < f->n; i++) {
    item *x = &f->it[i];
    x->in_table = tables > 0;
    if (opener(x->kind)) {
      x->ctx = 'P';
      if (x->kind == '{') {
        const item *p = i > 0 ? &f->it[i - 1] : NULL;
        /* table NAME(params) [hit WORD [WORD]] { */
        if (p && p->kind == ')' && p->match >= 2 && f->it[p->match - 2].kind == TABLE) x->table_body = true;
        if (i >= 2 && f->it[i - 2].kind == HIT) x->table_body = true;
        if (i >= 3 && f->it[i - 3].kind == HIT) x->table_body = true;
        /* table NAME[(params)] as of { (a dated table: lang/dated.c) */
        if (i >= 2 && f->it[i - 2].kind == AS) x->table_body = true;
        /* a body of statements follows `)` (fn, rule, table) or a test's name */
        x->ctx = (x->table_body || (p && (p->kind == ')' || p->kind == STRBEG))) ? 'S' : 'F';
        if (x->table_body) tables++;
      }
      st[d++] = i;
    } else if (closer(x->kind) && d > 0) {
      int o = st[--d];
      x->match = o;
      f->it[o].match = i;
      if (f->it[o].table_body) tables--;
    }
  }
}

/* ---- spacing ---- */

/* Tokens that continue an operand of `..`: if one stands next to an
 * operand, the operand is not a single term. */
static bool extends(int k) {
  switch (k) {
  case '+': case '-': case '*': case '/': case '^': case '.': case MOD: case AS: case WITH: case PER:
  case DOTDOT: case NAME: case NUMBER: case MONEY: case STRBEG: case TRUE: case FALSE: case NUL:
    return true;
  default:
    return false;
  }
}

static bool atom(int k) {
  return k == NAME || k == NUMBER || k == MONEY || k == STRBEG || k == TRUE || k == FALSE || k == NUL;
}

/* Is the left operand of the `..` at d a single term: an optional `-`, a
 * literal, name or bracketed group, then only `.f`, `[i]` and `(args)`? */
static bool simple_left(const fmt *f, int d) {
  const item *it = f->it;
  int j = d - 1;
  if (j < 0) return false;
  for (;;) {
    int k = it[j].kind;
    if ((k == ')' || k == ']') && it[j].match >= 0) {
      int o = it[j].match;
      if (o > 0 && !it[o].nl && operand_end(it[o - 1].kind)) { j = o - 1; continue; }
      j = o;
      break;
    }
    if (k == '}' && it[j].match >= 0) { j = it[j].match; break; }
    if (k == NAME && j >= 2 && it[j - 1].kind == '.' && !it[j].nl && !it[j - 1].nl) { j -= 2; continue; }
    if (atom(k)) break;
    return false;
  }
  if (j > 0 && !it[j].nl && is_unary(f, j - 1)) j--;
  return j == 0 || it[j].nl || !extends(it[j - 1].kind);
}

static bool simple_right(const fmt *f, int d) {
  const item *it = f->it;
  int j = d + 1;
  if (j < f->n && it[j].kind == '-') j++;
  if (j >= f->n) return false;
  int k = it[j].kind;
  if (opener(k) && it[j].match >= 0) j = it[j].match + 1;
  else if (atom(k)) j++;
  else return false;
  while (j < f->n && !it[j].nl) {
    k = it[j].kind;
    if (k == '.' && j + 1 < f->n && it[j + 1].kind == NAME) j += 2;
    else if ((k == '(' || k == '[') && it[j].match >= 0) j = it[j].match + 1;
    else break;
  }
  return j >= f->n || it[j].nl || !extends(it[j].kind);
}

/* `1..5` and `£0..£10k` are written tight, as the SPEC writes them;
 * `a + 1 .. b` keeps spaces so the range does not read as `a + (1..b)`. */
static bool tight_range(const fmt *f, int d) { return simple_left(f, d) && simple_right(f, d); }

/* Whether a space goes between items i and i + 1 on one line. */
static bool space_between(const fmt *f, int i) {
  int a = f->it[i].kind, b = f->it[i + 1].kind;
  if (a == '|' || a == BARBAR || b == '|' || b == BARBAR) return true;
  if (opener(a) || a == '.') return false;
  if (closer(b) || b == ',' || b == ':' || b == '.' || b == '?') return false;
  if (a == DOTDOT) return !tight_range(f, i);
  if (b == DOTDOT) return !tight_range(f, i + 1);
  if (is_unary(f, i)) return false;
  if (b == '(' || b == '[') {
    if (operand_end(a) || a == FN) return false;
    /* in a table cell a leading `not` is the unary test not(...) */
    if (a == NOT && f->it[i].in_table) return false;
  }
  return true;
}

static void render_range(const fmt *f, sbuf *b, int from, int to) {
  for (int i = from; i < to; i++) {
    if (i > from && space_between(f, i - 1)) sb_putc(b, ' ');
    sb_putn(b, f->s + f->it[i].start, f->it[i].end - f->it[i].start);
  }
}

/* ---- lines ---- */

static line *new_line(fmt *f, line_kind kind, int level) {
  if (f->nl == f->lcap) {
    f->lcap = f->lcap ? f->lcap * 2 : 64;
    f->ln = gc_realloc(f->ln, (size_t)f->lcap * sizeof(line));
  }
  line *l = &f->ln[f->nl++];
  memset(l, 0, sizeof *l);
  l->kind = kind;
  l->level = level;
  l->table = -1;
  return l;
}

/* The `if` that the `then` or `else` at e belongs to, or -1.  Between
 * them, complete if-expressions balance out and brackets are skipped; a
 * comprehension's filter `if` cannot come between. */
static int matching_if(const fmt *f, int e) {
  int need = 1;
  for (int j = e - 1; j >= 0; j--) {
    int k = f->it[j].kind;
    if (closer(k) && f->it[j].match >= 0) j = f->it[j].match;
    else if (opener(k)) return -1;
    else if (k == f->it[e].kind) need++;
    else if (k == IF && --need == 0) return j;
  }
  return -1;
}

/* One step of indentation inside the innermost open bracket, one more for
 * a line that continues a statement (after an operator, or starting with
 * `then`, `else`, `and`, ...).  After a comma that is a continuation only
 * among statements (`require ok,` then its message), not among the items
 * of a list, a call or a record.  A `then` or `else` starting a line lines
 * up with its `if` when that `if` starts a line too (or follows a
 * line-starting `else`, as in an else-if chain). */
static int level_at(const fmt *f, int next) {
  int base = 0;
  char ctx = 'S';
  if (f->depth > 0) {
    const open_br *o = &f->stk[f->depth - 1];
    if (next >= 0 && closer(f->it[next].kind)) return o->level;
    base = o->level + 1;
    ctx = f->it[o->item].ctx;
  }
  if (next >= 0 && (f->it[next].kind == ELSE || f->it[next].kind == THEN)) {
    int m = matching_if(f, next);
    if (m >= 0 && f->it[m].line_start) return f->it[m].level;
  }
  bool cont = false;
  int p = f->last_code;
  if (p >= 0) {
    int k = f->it[p].kind;
    cont = k == ',' ? ctx == 'S' : cont_after(k);
  }
  if (next >= 0) {
    int k = f->it[next].kind;
    if (k == ',') cont = cont || ctx == 'S';
    else if (cont_before(k)) cont = true;
  }
  return base + (cont ? 1 : 0);
}

static uint32_t rtrim(const char *s, uint32_t a, uint32_t b) {
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) b--;
  return b;
}

/* The bytes between two items (or before the first, or after the last):
 * only spaces, line breaks and comments.  `code` is the code line the gap
 * starts on, or NULL at the start of the file; `next` the item after it. */
static void scan_gap(fmt *f, uint32_t a, uint32_t b, int code, int next) {
  const char *s = f->s;
  uint32_t p = a;
  bool first = true;
  for (;;) {
    uint32_t q = p;
    while (q < b && s[q] != '\n') q++;
    uint32_t c = p;
    while (c < q && s[c] != '#') c++;
    bool has_comment = c < q;
    bool ends_line = q < b;
    if (first && code >= 0) {
      if (has_comment) { f->ln[code].cs = c; f->ln[code].ce = rtrim(s, c, q); }
    } else if (has_comment) {
      /* a comment just before a closing bracket belongs inside it */
      line *l = new_line(f, L_COMMENT, level_at(f, next >= 0 && closer(f->it[next].kind) ? -1 : next));
      l->cs = c;
      l->ce = rtrim(s, c, q);
    } else if (ends_line) {
      new_line(f, L_BLANK, 0);
    }
    if (!ends_line) break;
    first = false;
    p = q + 1;
  }
}

static bool gap_has_newline(const fmt *f, uint32_t a, uint32_t b) {
  return memchr(f->s + a, '\n', b - a) != NULL;
}

/* A table row written on one line: `| ... || ... |` with its brackets
 * balanced and no line break inside a string. */
static bool complete_row(const fmt *f, int first, int last) {
  const item *it = f->it;
  if (last - first < 3 || it[first].kind != '|' || it[last - 1].kind != '|') return false;
  int d = 0;
  bool bars = false;
  for (int i = first; i < last; i++) {
    if (opener(it[i].kind)) d++;
    else if (closer(it[i].kind) && --d < 0) return false;
    else if (it[i].kind == BARBAR && d == 0) bars = true;
    if (memchr(f->s + it[i].start, '\n', it[i].end - it[i].start)) return false;
  }
  return d == 0 && bars;
}

static void build_lines(fmt *f, uint32_t body) {
  f->stk = gc_alloc_atomic(((size_t)f->n + 1) * sizeof(open_br));
  f->last_code = -1;
  scan_gap(f, body, f->n ? f->it[0].start : (uint32_t)f->len, -1, f->n ? 0 : -1);
  int i = 0;
  while (i < f->n) {
    int j = i + 1;
    while (j < f->n && !gap_has_newline(f, f->it[j - 1].end, f->it[j].start)) j++;
    int level = level_at(f, i);
    line *l = new_line(f, L_CODE, level);
    l->first = i;
    l->last = j;
    if (f->depth > 0) {
      const item *o = &f->it[f->stk[f->depth - 1].item];
      if (o->table_body && complete_row(f, i, j)) l->table = f->stk[f->depth - 1].item;
    }
    int code = f->nl - 1;
    f->it[i].line_start = true;
    if (i + 1 < j && f->it[i].kind == ELSE) f->it[i + 1].line_start = true;
    for (int k = i; k < j; k++) {
      f->it[k].level = level;
      int kind = f->it[k].kind;
      if (opener(kind)) f->stk[f->depth++] = (open_br){k, level};
      else if (closer(kind) && f->depth > 0) f->depth--;
    }
    f->last_code = j - 1;
    scan_gap(f, f->it[j - 1].end, j < f->n ? f->it[j].start : (uint32_t)f->len, code, j < f->n ? j : -1);
    i = j;
  }
}

/* ---- rendering ---- */

typedef struct widths { size_t *w; int n; } widths;

static void widen(widths *w, int col, size_t n) {
  if (col >= w->n) {
    size_t *nw = gc_alloc_atomic((size_t)(col + 1) * sizeof(size_t));
    if (w->n) memcpy(nw, w->w, (size_t)w->n * sizeof(size_t));
    for (int i = w->n; i <= col; i++) nw[i] = 0;
    w->w = nw;
    w->n = col + 1;
  }
  if (n > w->w[col]) w->w[col] = n;
}

/* The cells of a complete row: texts, and how many are inputs. */
typedef struct cells { const char **text; size_t *width; int n, inputs; } cells;

static cells row_cells(const fmt *f, const line *l) {
  cells c = {0};
  int cap = 0;
  int d = 0, from = l->first + 1;
  for (int i = l->first + 1; i < l->last; i++) {
    int k = f->it[i].kind;
    if (opener(k)) d++;
    else if (closer(k)) d--;
    if (d != 0 || (k != '|' && k != BARBAR)) continue;
    if (c.n == cap) {
      cap = cap ? cap * 2 : 8;
      const char **t = gc_alloc((size_t)cap * sizeof *t);
      size_t *w = gc_alloc_atomic((size_t)cap * sizeof *w);
      if (c.n) { memcpy(t, c.text, (size_t)c.n * sizeof *t); memcpy(w, c.width, (size_t)c.n * sizeof *w); }
      c.text = t;
      c.width = w;
    }
    sbuf b;
    sb_init(&b);
    render_range(f, &b, from, i);
    c.text[c.n] = b.s ? b.s : "";
    c.width[c.n] = utf8_count(c.text[c.n], b.len);
    c.n++;
    if (k == BARBAR) c.inputs = c.n;
    from = i + 1;
  }
  return c;
}

/* Pad every cell of a table to its column's width, inputs and outputs
 * counted separately, so `|` and `||` line up down the table. */
static void render_table(fmt *f, int from) {
  int table = f->ln[from].table;
  int end = f->it[table].match;
  widths in = {0}, outs = {0};
  for (int pass = 0; pass < 2; pass++) {
    for (int i = from; i < f->nl; i++) {
      line *l = &f->ln[i];
      if (l->kind == L_CODE && end >= 0 && l->first > end) break;
      if (l->table != table) continue;
      cells c = row_cells(f, l);
      if (pass == 0) {
        for (int k = 0; k < c.n; k++)
          widen(k < c.inputs ? &in : &outs, k < c.inputs ? k : k - c.inputs, c.width[k]);
        continue;
      }
      sbuf b;
      sb_init(&b);
      sb_puts(&b, "|");
      for (int k = 0; k < c.n; k++) {
        size_t w = k < c.inputs ? in.w[k] : outs.w[k - c.inputs];
        sb_putc(&b, ' ');
        sb_puts(&b, c.text[k]);
        for (size_t p = c.width[k]; p < w; p++) sb_putc(&b, ' ');
        sb_puts(&b, k + 1 == c.inputs ? " ||" : " |");
      }
      l->text = b.s;
    }
  }
}

static void render_code(fmt *f) {
  for (int i = 0; i < f->nl; i++) {
    line *l = &f->ln[i];
    if (l->kind != L_CODE || l->text) continue;
    if (l->table >= 0) {
      render_table(f, i);
      continue;
    }
    sbuf b;
    sb_init(&b);
    render_range(f, &b, l->first, l->last);
    l->text = b.s ? b.s : "";
  }
}

/* Columns of the end of a code line as displayed (after any line break
 * inside a string). */
static size_t end_column(const line *l) {
  const char *nl = strrchr(l->text, '\n');
  if (nl) return utf8_count(nl + 1, strlen(nl + 1));
  return (size_t)l->level * 2 + utf8_count(l->text, strlen(l->text));
}

static void indent(sbuf *b, int level) {
  for (int i = 0; i < level; i++) sb_puts(b, "  ");
}

/* Blank lines: runs collapse to one; none at the start or end of the
 * file, just after a line ending in an open bracket, or just before a line
 * starting with a closing one. */
static void keep_blanks(fmt *f) {
  int prev = -1;
  bool pending = false;
  int w = 0;
  for (int i = 0; i < f->nl; i++) {
    line l = f->ln[i];
    if (l.kind == L_BLANK) { pending = true; continue; }
    if (pending && prev >= 0) {
      const line *p = &f->ln[prev];
      bool after_open = p->kind == L_CODE && opener(f->it[p->last - 1].kind);
      bool before_close = l.kind == L_CODE && closer(f->it[l.first].kind);
      if (!after_open && !before_close) f->ln[w++] = (line){.kind = L_BLANK, .table = -1};
    }
    pending = false;
    f->ln[w++] = l;
    prev = w - 1;
  }
  f->nl = w;
}

static bool trailing(const line *l) { return l->kind == L_CODE && l->ce > l->cs; }

static const char *emit(fmt *f, bool bom, size_t *len) {
  sbuf b;
  sb_init(&b);
  if (bom) sb_puts(&b, "\xEF\xBB\xBF");
  size_t col = 0; /* the trailing-comment column of the current run of lines */
  for (int i = 0; i < f->nl; i++) {
    line *l = &f->ln[i];
    if (l->kind == L_BLANK) { sb_putc(&b, '\n'); continue; }
    indent(&b, l->level);
    if (l->kind == L_COMMENT) {
      sb_putn(&b, f->s + l->cs, l->ce - l->cs);
      sb_putc(&b, '\n');
      continue;
    }
    sb_puts(&b, l->text);
    if (trailing(l)) {
      /* trailing comments of adjacent lines share a column, two spaces
       * after the longest of those lines */
      if (i == 0 || !trailing(&f->ln[i - 1])) {
        col = 0;
        for (int k = i; k < f->nl && trailing(&f->ln[k]); k++) {
          size_t e = end_column(&f->ln[k]);
          if (e > col) col = e;
        }
      }
      for (size_t p = end_column(l); p < col + 2; p++) sb_putc(&b, ' ');
      sb_putn(&b, f->s + l->cs, l->ce - l->cs);
    }
    sb_putc(&b, '\n');
  }
  *len = b.len;
  return b.s ? b.s : "";
}

/* ---- the guarantee ---- */

typedef struct span { uint32_t start, end; } span;

/* Every comment of a lexed source, trailing blanks dropped.  The gaps
 * between tokens hold only blanks, line breaks and comments, so a '#' in
 * a gap always starts one (in a string it is inside a token). */
static span *comments(const source *src, const token *t, size_t nt, size_t *count) {
  size_t cap = 16, n = 0;
  span *out = gc_alloc_atomic(cap * sizeof(span));
  uint32_t prev = src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  for (size_t i = 0; i <= nt; i++) {
    if (i < nt && t[i].kind == NL) continue;
    uint32_t to = i < nt ? t[i].start : (uint32_t)src->len;
    for (uint32_t p = prev; p < to; p++) {
      if (src->text[p] != '#') continue;
      uint32_t q = p;
      while (q < to && src->text[q] != '\n') q++;
      if (n == cap) {
        span *m = gc_alloc_atomic(cap * 2 * sizeof(span));
        memcpy(m, out, cap * sizeof(span));
        out = m;
        cap *= 2;
      }
      out[n++] = (span){p, rtrim(src->text, p, q)};
      p = q;
    }
    if (i < nt && t[i].end > prev) prev = t[i].end;
  }
  *count = n;
  return out;
}

static bool same_text(const source *a, uint32_t as, uint32_t ae, const source *b, uint32_t bs, uint32_t be) {
  return ae - as == be - bs && memcmp(a->text + as, b->text + bs, ae - as) == 0;
}

static bool changed(diag *err, const source *src, uint32_t at) {
  memset(err, 0, sizeof *err);
  err->kind = DIAG_RUNTIME;
  err->code = "E0000"; /* an internal error (docs/errors.md) */
  err->msg = "internal error: formatting would change this file's tokens or comments, so it was not formatted";
  err->hint = "please report this file as an svl fmt bug";
  err->at.src = src;
  err->at.start = at;
  err->at.end = at + 1;
  return false;
}

/* The result must lex to the same tokens, with the same bytes, and the
 * same statement-ending newlines, and hold the same comments: then it
 * parses to the same program. */
static bool check_same(const source *in, const token *ti, size_t ni, const source *out, diag *err) {
  token *to;
  size_t no;
  diag e = {0};
  memset(&e, 0, sizeof e);
  if (!lex_source(out, &to, &no, &e)) return changed(err, in, 0);
  size_t n = ni < no ? ni : no;
  for (size_t i = 0; i < n; i++) {
    if (ti[i].kind != to[i].kind) return changed(err, in, ti[i].start);
    if (ti[i].kind != NL && !same_text(in, ti[i].start, ti[i].end, out, to[i].start, to[i].end))
      return changed(err, in, ti[i].start);
  }
  if (ni != no) return changed(err, in, n < ni ? ti[n].start : 0);
  size_t ci, co;
  span *a = comments(in, ti, ni, &ci);
  span *b = comments(out, to, no, &co);
  for (size_t i = 0; i < ci && i < co; i++)
    if (!same_text(in, a[i].start, a[i].end, out, b[i].start, b[i].end)) return changed(err, in, a[i].start);
  if (ci != co) return changed(err, in, ci > co ? a[co].start : 0);
  return true;
}

bool format_source(const source *src, const char **out, size_t *len, diag *err) {
  if (src->len > FORMAT_MAX_BYTES) {
    memset(err, 0, sizeof *err);
    err->kind = DIAG_LIMIT;
    err->code = "E0805";
    err->msg = "source too large to format (over 1 GiB)";
    return false;
  }
  if (!parse_source(src, err)) return false;
  token *t;
  size_t nt;
  if (!lex_source(src, &t, &nt, err)) return false;
  fmt f;
  memset(&f, 0, sizeof f);
  f.s = src->text;
  f.len = src->len;
  bool bom = src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0;
  build_items(&f, t, nt);
  build_lines(&f, bom ? 3 : 0);
  render_code(&f);
  keep_blanks(&f);
  size_t n;
  const char *text = emit(&f, bom, &n);
  source *res = gc_alloc(sizeof *res);
  *res = *src;
  res->text = text;
  res->len = n;
  if (!check_same(src, t, nt, res, err)) return false;
  *out = text;
  *len = n;
  return true;
}
