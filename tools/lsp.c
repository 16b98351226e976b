/* svl_analyze (include/svl.h): what an editor asks about a rule file while
 * it is being written — diagnostics, symbols, hover, definition,
 * references, completion, signature help, code actions — answered from the
 * text the editor holds, as JSON in the shapes of the Language Server
 * Protocol (docs/editors.md).  `svl lsp` (cli/lsp.c) is the protocol
 * around it; any other host can use the same answers.
 *
 * Every query parses and resolves the text afresh: a 2,000-line file takes
 * a few milliseconds (make bench), and no state kept between calls can go
 * stale.  Nothing is evaluated except for a hover's value, which runs the
 * file in a separate VM under the caller's step and time limits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/lsp.h"
#include "core/gc.h"
#include "lang/check.h"
#include "lang/parse.h"

/* ---- positions ---------------------------------------------------------
 * LSP counts a line's characters in UTF-16 code units; SVL's nodes carry
 * byte offsets.  A code point of 4 UTF-8 bytes is 2 units, any other 1. */

static int utf16_units(const char *s, size_t n) {
  int u = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xC0) == 0x80) continue;
    u += c >= 0xF0 ? 2 : 1;
  }
  return u;
}

size_t lsp_offset(const char *text, size_t len, int line, int character) {
  size_t i = 0;
  for (int l = 0; l < line && i < len; i++)
    if (text[i] == '\n') l++;
  int u = 0;
  while (i < len && text[i] != '\n' && u < character) {
    unsigned char c = (unsigned char)text[i];
    size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    u += k == 4 ? 2 : 1;
    i += k;
  }
  return i > len ? len : i;
}

static void position(sbuf *b, const source *s, uint32_t off) {
  int line = 1, col = 1;
  size_t from = 0, to = 0;
  if (s) {
    if (off > s->len) off = (uint32_t)s->len;
    loc_line_col(s, off, &line, &col);
    loc_line_bounds(s, off, &from, &to);
  }
  sb_printf(b, "{\"line\": %d, \"character\": %d}", line - 1, s ? utf16_units(s->text + from, off - from) : 0);
}

void lsp_range(sbuf *b, const source *s, uint32_t a, uint32_t e) {
  sb_puts(b, "{\"start\": ");
  position(b, s, a);
  sb_puts(b, ", \"end\": ");
  position(b, s, e > a ? e : a);
  sb_puts(b, "}");
}

static void json_str(sbuf *b, const char *s) {
  if (s) sb_json_string(b, s, strlen(s));
  else sb_puts(b, "null");
}

/* ---- documents ---------------------------------------------------------- */

static module *parse_text(svl_vm *v, const char *path, const char *text, size_t len, globals *g,
                          bool *resolved, diag *err) {
  module *m = gc_alloc(sizeof *m);
  m->path = path;
  source *s = gc_alloc(sizeof *s);
  s->name = path;
  const char *slash = strrchr(path, '/');
  s->dir = slash ? gc_strndup(path, (size_t)(slash - path)) : "";
  s->text = gc_strndup(text, len);
  s->len = len;
  m->src = s;
  m->g = g ? g : gc_alloc(sizeof(globals));
  memset(err, 0, sizeof *err);
  node *prog = parse_module(s, m, err);
  *resolved = false;
  if (!prog) return m;
  /* Resolution stops at its first error, but pass 1 has given every
   * top-level name its declaration by then: the AST is still worth
   * navigating (names past the error are looked up by spelling). */
  unit_reg *units = v->units;
  v->units = unit_reg_new();
  *resolved = resolve_program(prog, m->g, v->units, (resolver_opts){.builtins = v->builtins}, err);
  v->units = units;
  m->prog = prog;
  return m;
}

void lsp_open(svl_vm *v, ldoc *d, const char *path, const char *text, size_t len) {
  memset(d, 0, sizeof *d);
  d->v = v;
  d->path = path;
  d->text = text;
  d->len = len;
  d->m = parse_text(v, path, text, len, api_host_inputs(v), &d->resolved, &d->err);
}

/* ---- walking the tree -------------------------------------------------- */

static int children(const node *n, const node **out) {
  int k = 0;
  if (n->a) out[k++] = n->a;
  if (n->b) out[k++] = n->b;
  if (n->c) out[k++] = n->c;
  return k;
}

static bool owns_frame(const node *n) {
  return n->kind == N_FN || n->kind == N_RULE || n->kind == N_TABLE || n->kind == N_LAMBDA ||
         n->kind == N_TEST || n->kind == N_COMP;
}

static bool holds(const node *n, const source *s, uint32_t off) {
  return n && n->at.src == s && n->at.start <= off && off <= n->at.end && n->at.end > n->at.start;
}

/* Descend from the program to the innermost node holding off.  A loop,
 * not recursion: a 200,000-term chain is 200,000 levels deep. */
const node *lsp_node_at(const ldoc *d, uint32_t off, lpath *p) {
  memset(p, 0, sizeof *p);
  if (!d->m || !d->m->prog) return NULL;
  const source *s = d->m->src;
  const node *n = d->m->prog;
  int cap = 0;
  for (;;) {
    const node *next = NULL;
    const node *abc[3];
    int k = children(n, abc);
    /* a child whose extent holds off strictly wins over one that merely
     * ends there (the cursor just after a name still means the name) */
    for (int i = 0; i < k; i++)
      if (holds(abc[i], s, off) && (!next || off < abc[i]->at.end)) next = abc[i];
    for (int i = 0; i < n->nkids; i++)
      if (holds(n->kids[i], s, off) && (!next || off < n->kids[i]->at.end)) next = n->kids[i];
    if (!next) break;
    if (owns_frame(n) && !(n->kind == N_COMP && next == n->b)) {
      if (!GC_GROW(p->frames, p->nframes, cap, 16)) break;
      p->frames[p->nframes++] = n;
    }
    n = next;
  }
  p->hit = n == d->m->prog ? NULL : n;
  return p->hit;
}

/* Every node under root, without recursion; frames other than root are
 * not entered when `flat` (a frame's own lets and parameters). */
typedef struct walk { const node **stack; int n, cap; } walk;

static void push(walk *w, const node *n) {
  if (!n || !GC_GROW(w->stack, w->n, w->cap, 64)) return;
  w->stack[w->n++] = n;
}

static void push_kids(walk *w, const node *n) {
  for (int i = n->nkids - 1; i >= 0; i--) push(w, n->kids[i]);
  push(w, n->c);
  push(w, n->b);
  push(w, n->a);
}

/* The parameter, let or comprehension variable `name` of frame owner f
 * (slot -1: any slot), declared before `before`. */
static const node *frame_decl(const node *f, const char *name, int slot, uint32_t before) {
  if (f->kind == N_COMP) return !strcmp(f->name, name) && (slot < 0 || f->slot == slot) ? f : NULL;
  walk w = {0};
  push_kids(&w, f);
  const node *best = NULL;
  while (w.n) {
    const node *n = w.stack[--w.n];
    if ((n->kind == N_PARAM || n->kind == N_LET) && n->name && !strcmp(n->name, name) &&
        (slot < 0 || n->slot == slot) && n->at.start <= before) {
      if (!best || n->at.start > best->at.start) best = n;
    }
    if (owns_frame(n)) continue;
    push_kids(&w, n);
  }
  return best;
}

const node *lsp_global(const module *m, const char *name) {
  if (!m || !m->g) return NULL;
  int k = globals_find(m->g, name);
  return k >= 0 ? m->g->decls[k] : NULL;
}

const node *lsp_decl_of(const ldoc *d, const node *n, const lpath *p) {
  if (!n || n->kind != N_NAME) return NULL;
  if (n->refkind == REF_GLOBAL) return n->ref;
  if (n->refkind == REF_BUILTIN || n->refkind == REF_UNIT) return NULL;
  if (n->refkind == REF_LOCAL) {
    int i = p->nframes - 1 - n->up;
    return i >= 0 ? frame_decl(p->frames[i], n->name, n->slot, n->at.start) : NULL;
  }
  /* not resolved (past a resolution error): by spelling, innermost first */
  for (int i = p->nframes - 1; i >= 0; i--) {
    const node *x = frame_decl(p->frames[i], n->name, -1, n->at.start);
    if (x) return x;
  }
  return lsp_global(d->m, n->name);
}

/* ---- declarations ------------------------------------------------------ */

static bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (unsigned char)c >= 0x80;
}

/* The first whole-word `word` in text[from, to). */
static bool find_word(const char *t, size_t from, size_t to, const char *word, size_t *at) {
  size_t n = strlen(word);
  for (size_t i = from; n && i + n <= to; i++)
    if (!memcmp(t + i, word, n) && (i == 0 || !word_char(t[i - 1])) && (i + n >= to || !word_char(t[i + n]))) {
      *at = i;
      return true;
    }
  return false;
}

loc lsp_name_loc(const node *d) {
  loc l = d->at;
  const source *s = d->at.src;
  if (!s || !d->name) return l;
  size_t from = d->at.start, to = d->at.end > s->len ? s->len : d->at.end, at;
  if (d->kind == N_COMP) {
    if (find_word(s->text, from, to, "for", &at)) from = at + 3;
  } else if (d->kind == N_IMPORT && d->b) {
    from = d->b->at.end;
  } else if (d->kind != N_PARAM && d->kind != N_FIELDDEF) {
    while (from < to && word_char(s->text[from])) from++; /* the keyword */
  }
  if (find_word(s->text, from, to, d->name, &at)) {
    l.start = (uint32_t)at;
    l.end = (uint32_t)(at + strlen(d->name));
  }
  return l;
}

const char *lsp_kind_word(const node *d) {
  switch (d->kind) {
  case N_FN: return "fn";
  case N_RULE: return "rule";
  case N_TABLE: return "table";
  case N_LET: return "let";
  case N_PARAM: return "parameter";
  case N_COMP: return "variable";
  case N_TYPE: return "type";
  case N_UNIT: return "unit";
  case N_INDICATOR: return "indicator";
  case N_IMPORT: return "import";
  case N_TEST: return "test";
  case N_REPORT: return "report";
  case N_FIELDDEF: return "field";
  default: return "name";
  }
}

const char *lsp_header(const node *d) {
  const source *s = d->at.src;
  if (!s) return d->name ? d->name : "";
  if (d->kind == N_COMP) return d->name;
  size_t a = d->at.start, e = d->at.end > s->len ? s->len : d->at.end;
  if (d->kind == N_TYPE && e - a < 2000) return gc_strndup(s->text + a, e - a);
  size_t i = a;
  while (i < e && s->text[i] != '\n') i++;
  while (i > a && (s->text[i - 1] == ' ' || s->text[i - 1] == '{' || s->text[i - 1] == '\r')) i--;
  if (i - a > 160) {
    size_t k = a + 157;
    while (k > a && ((unsigned char)s->text[k] & 0xC0) == 0x80) k--;
    sbuf b;
    sb_init(&b);
    sb_putn(&b, s->text + a, k - a);
    sb_puts(&b, "…");
    return b.s;
  }
  return gc_strndup(s->text + a, i - a);
}

/* The comment lines right above a declaration, without their '#'. */
static const char *doc_comment(const node *d) {
  const source *s = d->at.src;
  if (!s || d->kind == N_PARAM || d->kind == N_COMP) return NULL;
  size_t b, e;
  loc_line_bounds(s, d->at.start, &b, &e);
  size_t top = b;
  while (top > 0) {
    size_t pb, pe;
    loc_line_bounds(s, (uint32_t)(top - 1), &pb, &pe);
    size_t i = pb;
    while (i < pe && (s->text[i] == ' ' || s->text[i] == '\t')) i++;
    if (i >= pe || s->text[i] != '#') break;
    top = pb;
  }
  if (top == b) return NULL;
  sbuf out;
  sb_init(&out);
  size_t i = top;
  while (i < b) {
    size_t lb = i, le = i;
    while (le < b && s->text[le] != '\n') le++;
    while (lb < le && (s->text[lb] == ' ' || s->text[lb] == '\t')) lb++;
    lb++; /* '#' */
    if (lb < le && s->text[lb] == ' ') lb++;
    sb_putn(&out, s->text + lb, le - lb);
    sb_putc(&out, '\n');
    i = le + 1;
  }
  return out.s;
}

/* ---- imports ------------------------------------------------------------ */

const module *lsp_import(const ldoc *d, const node *imp) {
  if (!imp || imp->kind != N_IMPORT) return NULL;
  svl_vm *v = d->v;
  const char *path = NULL;
  if (imp->b && imp->b->kind == N_LIT && imp->b->lit.tag == V_TEXT) {
    const char *given = imp->b->lit.as.text->s;
    const char *slash = strrchr(d->path, '/');
    sbuf b;
    sb_init(&b);
    if (given[0] != '/' && slash) sb_putn(&b, d->path, (size_t)(slash - d->path + 1));
    sb_puts(&b, given);
    path = b.s;
  } else if (!imp->b) {
    path = module_stdlib_file(v, imp->name);
  }
  if (!path) return NULL;
  size_t len;
  char *text = read_regular_file(path, &len);
  if (!text) return NULL;
  bool resolved;
  diag err;
  const module *m = parse_text(v, path, text, len, NULL, &resolved, &err);
  return m->prog ? m : NULL;
}

/* ---- record fields ------------------------------------------------------ */

typedef struct names { const char **s; int n, cap; } names;

static void add_name(names *x, const char *s) {
  for (int i = 0; i < x->n; i++)
    if (!strcmp(x->s[i], s)) return;
  if (!GC_GROW(x->s, x->n, x->cap, 16)) return;
  x->s[x->n++] = s;
}

static bool type_fields(const ldoc *d, const node *te, names *out, int depth) {
  if (!te || depth > 20) return false;
  if (te->kind == N_LIST && te->nkids == 1) return type_fields(d, te->kids[0], out, depth + 1);
  if (te->kind == N_NAME || (te->kind == N_TYPEEXPR && te->name && !te->nkids)) {
    const node *t = lsp_global(d->m, te->name);
    return t && t->kind == N_TYPE && type_fields(d, t->a, out, depth + 1);
  }
  if (te->kind != N_TYPEEXPR) return false;
  if (te->a && !te->nkids) return type_fields(d, te->a, out, depth + 1);
  for (int i = 0; i < te->nkids; i++)
    if (te->kids[i]->name) add_name(out, te->kids[i]->name);
  return te->nkids > 0;
}

/* The header line of a CSV file next to the rule file: its column names. */
static bool csv_fields(const ldoc *d, const char *given, names *out) {
  size_t gl = strlen(given);
  if (gl < 4 || strcmp(given + gl - 4, ".csv") != 0) return false;
  const char *slash = strrchr(d->path, '/');
  sbuf p;
  sb_init(&p);
  if (given[0] != '/' && slash) sb_putn(&p, d->path, (size_t)(slash - d->path + 1));
  sb_puts(&p, given);
  FILE *fp = fopen(p.s, "rb");
  if (!fp) return false;
  char line[4096];
  bool ok = fgets(line, sizeof line, fp) != NULL;
  fclose(fp);
  if (!ok) return false;
  char *s = line;
  if (!strncmp(s, "\xEF\xBB\xBF", 3)) s += 3;
  while (*s && *s != '\n' && *s != '\r') {
    char *e = s;
    while (*e && *e != ',' && *e != '\n' && *e != '\r') e++;
    char *a = s, *b = e;
    while (a < b && (*a == ' ' || *a == '"')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '"')) b--;
    /* "price (GBP)": the unit is not part of the field's name */
    char *paren = memchr(a, '(', (size_t)(b - a));
    if (paren) { b = paren; while (b > a && b[-1] == ' ') b--; }
    if (b > a) add_name(out, gc_strndup(a, (size_t)(b - a)));
    s = *e == ',' ? e + 1 : e;
  }
  return out->n > 0;
}

/* A let's or a comprehension's expression is resolved where it stands,
 * not where the cursor is (a comprehension's `in` list is outside its
 * frame): its names are looked up on a path of its own. */
static const lpath *path_of(const ldoc *d, const node *e, lpath *q) {
  lsp_node_at(d, e->at.start, q);
  return q;
}

/* A field `name` of a type: its declared type in *out.  Lists are seen
 * through, as type_fields does. */
static bool type_member(const ldoc *d, const node *te, const char *name, const node **out, int depth) {
  if (!te || depth > 20) return false;
  if (te->kind == N_NAME || (te->kind == N_TYPEEXPR && te->name && !te->nkids)) {
    const node *t = lsp_global(d->m, te->name);
    return t && t->kind == N_TYPE && type_member(d, t->a, name, out, depth + 1);
  }
  if (te->kind != N_TYPEEXPR) return false;
  if (te->a && !te->nkids) return type_member(d, te->a, name, out, depth + 1);
  for (int i = 0; i < te->nkids; i++)
    if (te->kids[i]->name && !strcmp(te->kids[i]->name, name)) { *out = te->kids[i]->a; return true; }
  return false;
}

/* What the text says field `name` of obj holds: a declared type (*te) or,
 * from a record literal, an expression (*ve) — so that `bid.address.`
 * completes the fields of the address. */
static bool member(const ldoc *d, const node *obj, const lpath *p, const char *name, const node **te,
                   const node **ve, int depth) {
  if (!obj || depth > 20) return false;
  switch (obj->kind) {
  case N_NAME: {
    const node *x = lsp_decl_of(d, obj, p);
    if (!x) return false;
    if (x->kind == N_PARAM || x->kind == N_TYPE) return type_member(d, x->a, name, te, depth + 1);
    lpath q;
    if (x->kind == N_LET && x->a) return member(d, x->a, path_of(d, x->a, &q), name, te, ve, depth + 1);
    if (x->kind == N_COMP && x->b) return member(d, x->b, path_of(d, x->b, &q), name, te, ve, depth + 1);
    return false;
  }
  case N_INDEX: return member(d, obj->a, p, name, te, ve, depth + 1);
  case N_WITH: return member(d, obj->b, p, name, te, ve, depth + 1) || member(d, obj->a, p, name, te, ve, depth + 1);
  case N_LIST: return obj->nkids > 0 && member(d, obj->kids[0], p, name, te, ve, depth + 1);
  case N_RECORD:
    for (int i = 0; i < obj->nkids; i++)
      if (obj->kids[i]->name && !strcmp(obj->kids[i]->name, name)) { *ve = obj->kids[i]->a; return true; }
    return false;
  case N_CALL:
    return obj->a && obj->a->kind == N_NAME && !strcmp(obj->a->name, "load") && obj->nkids >= 2 &&
           type_member(d, obj->kids[1], name, te, depth + 1);
  case N_FIELD: {
    const node *t = NULL, *v = NULL;
    if (!member(d, obj->a, p, obj->name, &t, &v, depth + 1)) return false;
    return t ? type_member(d, t, name, te, depth + 1) : member(d, v, p, name, te, ve, depth + 1);
  }
  default: return false;
  }
}

static bool expr_fields(const ldoc *d, const node *e, const lpath *p, names *out, int depth) {
  if (!e || depth > 20) return false;
  switch (e->kind) {
  case N_NAME: {
    const node *x = lsp_decl_of(d, e, p);
    if (!x) return false;
    if (x->kind == N_PARAM) return x->a ? type_fields(d, x->a, out, depth + 1) : false;
    lpath q;
    if (x->kind == N_LET && x->a) return expr_fields(d, x->a, path_of(d, x->a, &q), out, depth + 1);
    if (x->kind == N_COMP && x->b) return expr_fields(d, x->b, path_of(d, x->b, &q), out, depth + 1);
    if (x->kind == N_TYPE) return type_fields(d, x->a, out, depth + 1);
    return false;
  }
  case N_INDEX: return expr_fields(d, e->a, p, out, depth + 1);
  case N_FIELD: {
    const node *te = NULL, *ve = NULL;
    if (!member(d, e->a, p, e->name, &te, &ve, depth + 1)) return false;
    return te ? type_fields(d, te, out, depth + 1) : expr_fields(d, ve, p, out, depth + 1);
  }
  case N_WITH: {
    bool a = expr_fields(d, e->a, p, out, depth + 1);
    return expr_fields(d, e->b, p, out, depth + 1) || a;
  }
  case N_RECORD:
    for (int i = 0; i < e->nkids; i++)
      if (e->kids[i]->name) add_name(out, e->kids[i]->name);
    return true;
  case N_LIST:
    return e->nkids > 0 && expr_fields(d, e->kids[0], p, out, depth + 1);
  case N_CALL:
    if (e->a && e->a->kind == N_NAME && !strcmp(e->a->name, "load") && e->nkids >= 1) {
      if (e->nkids >= 2 && type_fields(d, e->kids[1], out, depth + 1)) return true;
      const node *f = e->kids[0];
      return f->kind == N_LIT && f->lit.tag == V_TEXT && csv_fields(d, f->lit.as.text->s, out);
    }
    return false;
  default: return false;
  }
}

int lsp_fields(const ldoc *d, const node *e, const lpath *p, const char ***out) {
  names x = {0};
  if (!expr_fields(d, e, p, &x, 0) && d->m && d->m->prog) {
    /* not known from the text: every record type the file declares */
    const node *prog = d->m->prog;
    for (int i = 0; i < prog->nkids; i++)
      if (prog->kids[i]->kind == N_TYPE) type_fields(d, prog->kids[i]->a, &x, 0);
  }
  *out = x.s;
  return x.n;
}

/* ---- diagnostics -------------------------------------------------------- */

static findings doc_findings(ldoc *d) {
  findings f = {0};
  if (d->m->prog && d->resolved) {
    check_program(d->m->prog, &f);
  } else {
    diag e = d->err;
    if (e.kind == DIAG_INCOMPLETE) e.kind = DIAG_SYNTAX;
    findings_add(&f, CHECK_ERROR, &e, d->path, NULL);
  }
  findings_sort(&f, 0);
  return f;
}

static void diagnostic(sbuf *b, const finding *x, const source *fallback) {
  const source *s = x->d.at.src ? x->d.at.src : fallback;
  uint32_t a = x->d.at.src ? x->d.at.start : 0, e = x->d.at.src ? x->d.at.end : 0;
  if (s) {
    /* a finding about a whole table or function is underlined on its
     * first line: an editor painting forty lines red hides the rest */
    size_t lb, le;
    loc_line_bounds(s, a, &lb, &le);
    if (e > le) e = (uint32_t)le;
  }
  sb_puts(b, "{\"range\": ");
  lsp_range(b, s, a, e);
  sb_printf(b, ", \"severity\": %d, \"source\": \"svl\", \"code\": ",
            x->sev == CHECK_ERROR ? 1 : x->sev == CHECK_WARNING ? 2 : 3);
  json_str(b, x->d.code ? x->d.code : "");
  sbuf m;
  sb_init(&m);
  sb_puts(&m, x->d.msg ? x->d.msg : "");
  if (x->d.hint) sb_printf(&m, "\nhint: %s", x->d.hint);
  if (x->example) sb_printf(&m, "\nexample: %s", x->example);
  if (x->d.note) sb_printf(&m, "\nnote: %s", x->d.note);
  sb_puts(b, ", \"message\": ");
  json_str(b, m.s);
  sb_puts(b, ", \"data\": {\"hint\": ");
  json_str(b, x->d.hint);
  sb_puts(b, "}}");
}

void lsp_diagnostics(ldoc *d, sbuf *b) {
  findings f = doc_findings(d);
  sb_puts(b, "[");
  for (int i = 0; i < f.n; i++) {
    if (i) sb_puts(b, ",\n");
    diagnostic(b, &f.items[i], d->m->src);
  }
  sb_puts(b, "]");
}

/* Findings on one line, with their diagnostics (code actions). */
int lsp_line_findings(ldoc *d, int line, const finding **out) {
  findings f = doc_findings(d);
  finding *keep = gc_alloc((size_t)(f.n + 1) * sizeof *keep);
  int k = 0;
  for (int i = 0; i < f.n; i++) {
    const finding *x = &f.items[i];
    if (!x->d.at.src) continue;
    int l1, c1, l2, c2;
    loc_line_col(x->d.at.src, x->d.at.start, &l1, &c1);
    loc_line_col(x->d.at.src, x->d.at.end, &l2, &c2);
    if (l1 - 1 <= line && line <= l2 - 1) keep[k++] = *x;
  }
  *out = keep;
  return k;
}

void lsp_diagnostic_json(sbuf *b, const finding *x, const source *s) { diagnostic(b, x, s); }

/* ---- symbols ------------------------------------------------------------ */

static int symbol_kind(const node *d) {
  switch (d->kind) {
  case N_FN: case N_RULE: case N_TABLE: return 12; /* Function */
  case N_LET: return 13;                             /* Variable */
  case N_TYPE: return 23;                            /* Struct */
  case N_UNIT: return 16;                            /* Number */
  case N_INDICATOR: return 19;                       /* Object */
  case N_IMPORT: return 2;                           /* Module */
  case N_TEST: return 24;                            /* Event */
  case N_FIELDDEF: return 8;                         /* Field */
  default: return 13;
  }
}

static void symbol(sbuf *b, const node *d) {
  const char *name = d->name;
  if (d->kind == N_TEST && d->b && d->b->kind == N_LIT && d->b->lit.tag == V_TEXT) name = d->b->lit.as.text->s;
  if (!name) name = lsp_kind_word(d);
  loc nl = d->kind == N_TEST ? (d->b ? d->b->at : d->at) : lsp_name_loc(d);
  sb_puts(b, "{\"name\": ");
  json_str(b, name);
  sb_puts(b, ", \"detail\": ");
  json_str(b, d->kind == N_TYPE ? "type" : lsp_header(d));
  sb_printf(b, ", \"kind\": %d, \"range\": ", symbol_kind(d));
  lsp_range(b, d->at.src, d->at.start, d->at.end);
  sb_puts(b, ", \"selectionRange\": ");
  lsp_range(b, d->at.src, nl.start, nl.end);
  if (d->kind == N_TYPE && d->a && d->a->kind == N_TYPEEXPR && d->a->nkids) {
    sb_puts(b, ", \"children\": [");
    for (int i = 0; i < d->a->nkids; i++) {
      if (i) sb_puts(b, ", ");
      symbol(b, d->a->kids[i]);
    }
    sb_puts(b, "]");
  }
  sb_puts(b, "}");
}

static void symbols(ldoc *d, sbuf *b) {
  sb_puts(b, "[");
  const node *prog = d->m->prog;
  for (int i = 0, k = 0; prog && i < prog->nkids; i++) {
    const node *x = prog->kids[i];
    if (x->kind == N_ASSERT || x->kind == N_PRINT || x->kind == N_EXPRSTMT) continue;
    if (k++) sb_puts(b, ",\n");
    symbol(b, x);
  }
  sb_puts(b, "]");
}

/* ---- definition, references, hover ------------------------------------ */

/* What the cursor is on: a declaration in this file or a module, reached
 * through a name, a module member (`scoring.rank`) or the declaration's
 * own name. */
typedef struct target {
  const node *decl;
  const module *mod;      /* where decl lives (this document's module or an import) */
  const node *import;     /* for a module member: the import declaration */
  const builtin *bi;      /* a builtin function instead */
  loc at;                 /* the word under the cursor */
} target;

static bool find_target(ldoc *d, uint32_t off, target *t, lpath *p) {
  memset(t, 0, sizeof *t);
  const node *n = lsp_node_at(d, off, p);
  if (!n) return false;
  t->mod = d->m;
  if (n->kind == N_NAME) {
    t->at = n->at;
    if (n->refkind == REF_BUILTIN) { t->bi = n->ref; return t->bi != NULL; }
    t->decl = lsp_decl_of(d, n, p);
    if (!t->decl && !n->refkind) {
      t->bi = builtin_find(n->name);
      return t->bi != NULL;
    }
    return t->decl != NULL;
  }
  if (n->kind == N_FIELD && n->a && n->a->kind == N_NAME) {
    const node *imp = lsp_decl_of(d, n->a, p);
    if (imp && imp->kind == N_IMPORT) {
      const module *m = lsp_import(d, imp);
      const node *x = lsp_global(m, n->name);
      if (!x) return false;
      t->decl = x;
      t->mod = m;
      t->import = imp;
      t->at = n->at;
      t->at.start = n->a->at.end + 1;
      return true;
    }
    return false;
  }
  if (n->kind == N_TYPEEXPR) {
    /* `bid: Bid`: the type's declaration */
    const node *x = n->name ? lsp_global(d->m, n->name) : NULL;
    if (!x || x->kind != N_TYPE) return false;
    t->decl = x;
    t->at = n->at;
    return true;
  }
  loc nl = lsp_name_loc(n);
  if (n->name && nl.start <= off && off <= nl.end && n->kind != N_FIELD && n->kind != N_CALL) {
    t->decl = n;
    t->at = nl;
    return true;
  }
  return false;
}

static void location(sbuf *b, const node *decl, const module *m) {
  loc nl = lsp_name_loc(decl);
  sb_puts(b, "{\"file\": ");
  json_str(b, m && m->path ? m->path : decl->at.src ? decl->at.src->name : "");
  sb_puts(b, ", \"range\": ");
  lsp_range(b, decl->at.src, nl.start, nl.end);
  sb_puts(b, "}");
}

static void definition(ldoc *d, uint32_t off, sbuf *b) {
  target t;
  lpath p;
  sb_puts(b, "[");
  if (find_target(d, off, &t, &p) && t.decl) {
    if (t.decl->kind == N_IMPORT && t.decl->at.src == d->m->src && lsp_name_loc(t.decl).start <= off &&
        off <= lsp_name_loc(t.decl).end) {
      /* on `import scoring` itself: the module's file */
      const module *m = lsp_import(d, t.decl);
      if (m) {
        sb_puts(b, "{\"file\": ");
        json_str(b, m->path);
        sb_puts(b, ", \"range\": {\"start\": {\"line\": 0, \"character\": 0}, \"end\": {\"line\": 0, \"character\": 0}}}");
      }
    } else {
      location(b, t.decl, t.mod);
    }
  }
  sb_puts(b, "]");
}

static void references(ldoc *d, uint32_t off, sbuf *b) {
  target t;
  lpath p;
  sb_puts(b, "[");
  if (!find_target(d, off, &t, &p) || !t.decl) { sb_puts(b, "]"); return; }
  int k = 0;
  if (t.mod == d->m) {
    location(b, t.decl, d->m);
    k++;
  }
  const char *name = t.decl->name;
  walk w = {0};
  push(&w, d->m->prog);
  while (w.n) {
    const node *n = w.stack[--w.n];
    push_kids(&w, n);
    const node *at = NULL;
    if (n->kind == N_TYPEEXPR && t.decl->kind == N_TYPE && t.mod == d->m && name && n->name &&
        !strcmp(n->name, name)) {
      at = n;
    } else if (n->kind == N_NAME && t.mod == d->m && name && !strcmp(n->name, name)) {
      lpath q;
      if (lsp_node_at(d, n->at.start, &q) == n && lsp_decl_of(d, n, &q) == t.decl) at = n;
    } else if (n->kind == N_FIELD && t.mod != d->m && name && !strcmp(n->name, name) && n->a &&
               n->a->kind == N_NAME) {
      lpath q;
      if (lsp_node_at(d, n->a->at.start, &q) == n->a) {
        const node *imp = lsp_decl_of(d, n->a, &q);
        if (imp && imp->kind == N_IMPORT && imp->name && t.import && !strcmp(imp->name, t.import->name)) at = n;
      }
    }
    if (!at) continue;
    uint32_t s = at->kind == N_FIELD ? at->a->at.end + 1 : at->at.start;
    if (k++) sb_puts(b, ", ");
    sb_puts(b, "{\"file\": ");
    json_str(b, d->path);
    sb_puts(b, ", \"range\": ");
    lsp_range(b, d->m->src, s, at->at.end);
    sb_puts(b, "}");
  }
  sb_puts(b, "]");
}

/* A top-level let's value, computed by running the document in a VM of
 * its own under the caller's limits (or 1,000,000 steps and one second):
 * a rule file that loops or explodes only loses its hover value. */
static const char *hover_value(svl_vm *v, const char *path, const char *text, size_t len, uint32_t need,
                               const char *modname, const char *name, const char **type) {
  svl_config c;
  svl_config_init(&c);
  c.stdlib_path = v->cfg.stdlib_path;
  c.permissions = SVL_ALLOW_FILES;
  c.max_steps = v->cfg.max_steps ? v->cfg.max_steps : 1000000;
  c.timeout_ms = v->cfg.timeout_ms ? v->cfg.timeout_ms : 1000;
  c.heap_budget = v->cfg.heap_budget ? v->cfg.heap_budget : (size_t)256 << 20;
  c.max_depth = v->cfg.max_depth;
  c.stack_bytes = v->cfg.stack_bytes;
  const char *slash = strrchr(path, '/');
  const char *allow[2] = {slash ? gc_strndup(path, (size_t)(slash - path)) : ".", NULL};
  c.allow_read = allow;
  svl_vm *sub = svl_new(&c);
  if (!sub) return NULL;
  for (int i = 0; i < v->host.n; i++) {
    if (v->host.decls[i]) continue;
    svl_value *h = svl_null(sub); /* the host's inputs are names only here */
    svl_set_global(sub, v->host.names[i], h);
    svl_release(sub, h);
  }
  svl_status st = svl_load_string(sub, path, text, len);
  const char *out = NULL;
  if (st == SVL_ERR_SYNTAX || st == SVL_ERR_RESOLVE) {
    /* Nothing ran.  An error below the declaration (the line being
     * typed, usually) need not hide its value: the text above the
     * error's line is run instead. */
    const svl_error *e = svl_last_error(sub);
    size_t cut = 0;
    for (int l = 1; e->line > 1 && cut < len && l < e->line; cut++)
      if (text[cut] == '\n') l++;
    svl_free(sub);
    if (e->line <= 1 || cut <= need || cut >= len) return NULL;
    return hover_value(v, path, text, cut, need, modname, name, type);
  }
  svl_value *h = NULL, *x = NULL;
  if (svl_get(sub, modname ? modname : name, &h) == SVL_OK) {
    if (modname && svl_field(sub, h, name, &x) == SVL_OK) {
      svl_release(sub, h);
      h = x;
    } else if (modname) {
      svl_release(sub, h);
      h = NULL;
    }
  }
  if (h) {
    char *s = svl_format_value(sub, h, SVL_FORMAT_REPL);
    *type = gc_strdup(svl_type_name(sub, h));
    if (s) {
      size_t n = strlen(s);
      if (n > 400) {
        size_t k = 397;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
        sbuf b;
        sb_init(&b);
        sb_putn(&b, s, k);
        sb_puts(&b, "…");
        out = b.s;
      } else {
        out = gc_strdup(s);
      }
      free(s);
    }
    svl_release(sub, h);
  }
  svl_free(sub);
  return out;
}

typedef struct hover_info {
  const char *md;        /* markdown without the value */
  loc at;
  const char *modname;   /* the value to compute: modname.name or name */
  const char *name;
  uint32_t need;         /* the text up to here must run for the value */
} hover_info;

static bool hover(ldoc *d, uint32_t off, hover_info *h) {
  target t;
  lpath p;
  memset(h, 0, sizeof *h);
  if (!find_target(d, off, &t, &p)) return false;
  sbuf b;
  sb_init(&b);
  h->at = t.at;
  if (t.bi) {
    sb_printf(&b, "```svl\n%s(%s)\n```\nbuiltin function", t.bi->name, t.bi->params ? t.bi->params : "");
    h->md = b.s;
    return true;
  }
  const node *x = t.decl;
  sb_printf(&b, "```svl\n%s\n```\n", lsp_header(x));
  sb_printf(&b, "**%s**", lsp_kind_word(x));
  if (x->kind == N_PARAM && x->a) sb_printf(&b, " · type `%s`", gc_strndup(x->a->at.src->text + x->a->at.start, x->a->at.end - x->a->at.start));
  if (t.import) sb_printf(&b, " · from `%s`", t.import->name);
  else if (x->kind == N_IMPORT) {
    const module *m = lsp_import(d, x);
    if (m) sb_printf(&b, " · `%s`", diag_short_path(m->path));
  }
  const char *doc = doc_comment(x);
  if (doc) sb_printf(&b, "\n\n%s", doc);
  h->md = b.s;
  bool top = t.mod && t.mod->prog && x->kind == N_LET;
  if (top) {
    top = false;
    for (int i = 0; i < t.mod->prog->nkids; i++)
      if (t.mod->prog->kids[i] == x) top = true;
  }
  if (top) {
    h->name = x->name;
    h->modname = t.import ? t.import->name : NULL;
    h->need = t.import ? 0 : x->at.end;
  }
  return true;
}

/* ---- the entry point ---------------------------------------------------- */

typedef struct job {
  const char *path, *text;
  size_t len;
  svl_query q;
  int line, character;
  sbuf out;
  hover_info hv;
  bool has_hover;
} job;

static void run(svl_vm *v, void *ctx) {
  job *j = ctx;
  ldoc d;
  size_t off = lsp_offset(j->text, j->len, j->line, j->character);
  if (j->q == SVL_QUERY_COMPLETION) {
    lsp_completion_doc(v, &d, j->path, j->text, j->len, off);
    lsp_completion(&d, off, &j->out);
    return;
  }
  if (j->q == SVL_QUERY_SIGNATURE) {
    lsp_completion_doc(v, &d, j->path, j->text, j->len, off);
    lsp_signature(&d, off, &j->out);
    return;
  }
  lsp_open(v, &d, j->path, j->text, j->len);
  switch (j->q) {
  case SVL_QUERY_DIAGNOSTICS: lsp_diagnostics(&d, &j->out); break;
  case SVL_QUERY_SYMBOLS: symbols(&d, &j->out); break;
  case SVL_QUERY_DEFINITION: definition(&d, (uint32_t)off, &j->out); break;
  case SVL_QUERY_REFERENCES: references(&d, (uint32_t)off, &j->out); break;
  case SVL_QUERY_ACTIONS: lsp_actions(&d, j->line, &j->out); break;
  case SVL_QUERY_HOVER:
    j->has_hover = hover(&d, (uint32_t)off, &j->hv);
    if (j->has_hover) {
      /* the range now: the value is computed outside this protected call */
      sbuf r;
      sb_init(&r);
      lsp_range(&r, d.m->src, j->hv.at.start, j->hv.at.end);
      j->out = r;
    }
    break;
  default: break;
  }
}

PUBLIC svl_status svl_analyze(svl_vm *v, const char *path, const char *src, size_t len, svl_query query, int line,
                              int character, char **json) {
  if (json) *json = NULL;
  if (!v) return SVL_ERR_USAGE;
  if (!json || !src || query < SVL_QUERY_DIAGNOSTICS || query > SVL_QUERY_ACTIONS || line < 0 || character < 0)
    return api_usage(v, "svl_analyze: bad arguments");
  if (len == SVL_NTS) len = strlen(src);
  job *j = gc_alloc(sizeof *j);
  j->path = gc_strdup(path && *path ? path : "<document>");
  j->text = gc_strndup(src, len);
  j->len = len;
  j->q = query;
  j->line = line;
  j->character = character;
  sb_init(&j->out);
  unit_reg *units = v->units;
  svl_status st = api_protect(v, run, j);
  v->units = units;
  if (st != SVL_OK) return st;
  const char *res = j->out.s ? j->out.s : "null";
  if (query == SVL_QUERY_HOVER) {
    if (!j->has_hover) {
      res = "null";
    } else {
      sbuf md;
      sb_init(&md);
      sb_puts(&md, j->hv.md);
      if (j->hv.name) {
        const char *type = NULL;
        const char *val = hover_value(v, j->path, j->text, j->len, j->hv.need, j->hv.modname, j->hv.name, &type);
        if (val) sb_printf(&md, "\n\n---\nvalue: `%s` (%s)", val, type ? type : "?");
      }
      sbuf b;
      sb_init(&b);
      sb_puts(&b, "{\"contents\": {\"kind\": \"markdown\", \"value\": ");
      json_str(&b, md.s);
      sb_puts(&b, "}, \"range\": ");
      sb_puts(&b, j->out.s);
      sb_puts(&b, "}");
      res = b.s;
    }
  }
  size_t n = strlen(res);
  *json = malloc(n + 1);
  if (!*json) return api_usage(v, "svl_analyze: out of memory");
  memcpy(*json, res, n + 1);
  return SVL_OK;
}
