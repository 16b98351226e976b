/* svl_analyze, the queries about what is being typed: completion,
 * signature help and code actions (tools/lsp.c has the rest). */
#include <dirent.h>
#include <string.h>

#include "tools/lsp.h"
#include "core/gc.h"

static bool ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The text with bytes [a, e) replaced by `with`. */
static char *splice(const char *t, size_t len, size_t a, size_t e, const char *with, size_t *n) {
  size_t w = strlen(with);
  *n = len - (e - a) + w;
  char *s = gc_alloc_atomic(*n + 1);
  memcpy(s, t, a);
  memcpy(s + a, with, w);
  memcpy(s + a + w, t + e, len - e);
  s[*n] = 0;
  return s;
}

void lsp_completion_doc(svl_vm *v, ldoc *d, const char *path, const char *text, size_t len, size_t off) {
  lsp_open(v, d, path, text, len);
  if (d->m->prog) return;
  size_t lb = off, le = off;
  while (lb > 0 && text[lb - 1] != '\n') lb--;
  while (le < len && text[le] != '\n') le++;
  /* `bid.` and `scoring.` end in a dot: a placeholder field makes them
   * parse (offsets before the cursor are unchanged) */
  size_t n;
  if (off > 0 && text[off - 1] == '.') {
    char *s = splice(text, len, off, off, "_", &n);
    lsp_open(v, d, path, s, n);
    if (d->m->prog) return;
  }
  /* a call being written: close it */
  if (off > 0 && (text[off - 1] == '(' || text[off - 1] == ',' || text[off - 1] == ' ')) {
    char *s = splice(text, len, off, le, "_)", &n);
    lsp_open(v, d, path, s, n);
    if (d->m->prog) return;
  }
  /* otherwise lines are left out (blanked, so offsets stay put), where
   * the parser stopped: the line before the cursor's when it stopped on
   * the cursor's line (`bid.` left dangling above makes the next line
   * the error) */
  const char *cur = text;
  n = len;
  for (int tries = 0; tries < 8 && !d->m->prog; tries++) {
    size_t at = d->err.at.src && d->err.at.start <= n ? d->err.at.start : off;
    size_t b = at, e = at;
    while (b > 0 && cur[b - 1] != '\n') b--;
    while (e < n && cur[e] != '\n') e++;
    /* on the cursor's line: the nearest line above with something on it */
    if (b <= off && off <= e) {
      bool found = false;
      while (b > 0 && !found) {
        e = b - 1;
        b = e;
        while (b > 0 && cur[b - 1] != '\n') b--;
        for (size_t k = b; k < e; k++)
          if (cur[k] != ' ' && cur[k] != '\t' && cur[k] != '\r') found = true;
      }
      if (!found) break;
    }
    char *blank = gc_alloc_atomic(e - b + 1);
    memset(blank, ' ', e - b);
    size_t m;
    cur = splice(cur, n, b, e, blank, &m);
    n = m;
    lsp_open(v, d, path, cur, n);
  }
  if (!d->m->prog) {
    /* nothing parses: the cursor's own line goes too */
    char *blank = gc_alloc_atomic(le - lb + 1);
    memset(blank, ' ', le - lb);
    char *s = splice(text, len, lb, le, blank, &n);
    lsp_open(v, d, path, s, n);
  }
  /* the word being typed is read from the text as typed */
  d->text = text;
  d->len = len;
}

/* ---- completion --------------------------------------------------------- */

static const char *const keywords[] = {
  "and", "as", "assert", "else", "false", "fn", "for", "hit", "if", "import", "in", "indicator",
  "let", "mod", "not", "null", "or", "per", "print", "require", "rule", "table", "test", "then",
  "true", "type", "unit", "warn", "with",
};

/* Built-in units (core/unit.c); declared ones come from the file. */
static const char *const units[] = {"GBP", "EUR", "USD", "hour", "hours", "day", "days", "week", "weeks", "year", "years"};

typedef struct items { sbuf *b; int n; const char *prefix; size_t plen; const char **seen; int nseen, capseen; } items;

static void item(items *it, const char *label, int kind, const char *detail, const char *doc) {
  if (!label || strncmp(label, it->prefix, it->plen) != 0) return;
  for (int i = 0; i < it->nseen; i++)
    if (!strcmp(it->seen[i], label)) return;
  if (!GC_GROW(it->seen, it->nseen, it->capseen, 64)) return;
  it->seen[it->nseen++] = label;
  sb_puts(it->b, it->n++ ? ",\n{\"label\": " : "{\"label\": ");
  sb_json_string(it->b, label, strlen(label));
  sb_printf(it->b, ", \"kind\": %d", kind);
  if (detail) {
    sb_puts(it->b, ", \"detail\": ");
    sb_json_string(it->b, detail, strlen(detail));
  }
  if (doc) {
    sb_puts(it->b, ", \"documentation\": ");
    sb_json_string(it->b, doc, strlen(doc));
  }
  sb_puts(it->b, "}");
}

/* CompletionItemKind of a declaration. */
static int item_kind(const node *x) {
  switch (x->kind) {
  case N_FN: case N_RULE: case N_TABLE: return 3; /* Function */
  case N_TYPE: return 22;                           /* Struct */
  case N_UNIT: return 11;                           /* Unit */
  case N_INDICATOR: return 21;                      /* Constant */
  case N_IMPORT: return 9;                          /* Module */
  case N_FIELDDEF: return 5;                        /* Field */
  default: return 6;                                /* Variable */
  }
}

static void module_members(items *it, const module *m) {
  for (int i = 0; m && m->prog && i < m->prog->nkids; i++) {
    const node *x = m->prog->kids[i];
    if (!x->name || x->name[0] == '_' || x->kind == N_TEST || x->kind == N_IMPORT) continue;
    item(it, x->name, item_kind(x), lsp_header(x), NULL);
  }
}

static void stdlib_modules(ldoc *d, items *it) {
  const char *p = d->v->cfg.stdlib_path;
  while (p && *p) {
    const char *e = strchr(p, ':');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    DIR *dir = n ? opendir(gc_strndup(p, n)) : NULL;
    struct dirent *de;
    while (dir && (de = readdir(dir))) {
      size_t l = strlen(de->d_name);
      if (l > 4 && !strcmp(de->d_name + l - 4, ".svl") && de->d_name[0] != '_')
        item(it, gc_strndup(de->d_name, l - 4), 9, "standard library module", NULL);
    }
    if (dir) closedir(dir);
    p += n + (e ? 1 : 0);
  }
}

/* Parameters, lets and comprehension variables visible at off. */
static void locals(ldoc *d, items *it, const lpath *p, size_t off) {
  for (int f = p->nframes - 1; f >= 0; f--) {
    const node *o = p->frames[f];
    if (o->kind == N_COMP) { item(it, o->name, 6, "variable", NULL); continue; }
    /* a frame's own declarations, not those of frames inside it */
    const node **stack = gc_alloc(64 * sizeof *stack);
    int n = 0, cap = 64;
    stack[n++] = o;
    while (n) {
      const node *x = stack[--n];
      if ((x->kind == N_PARAM || x->kind == N_LET) && x->name && x->at.start <= off)
        item(it, x->name, 6, lsp_header(x), NULL);
      if (x != o && (x->kind == N_FN || x->kind == N_RULE || x->kind == N_TABLE || x->kind == N_LAMBDA ||
                     x->kind == N_TEST || x->kind == N_COMP))
        continue;
      const node *kids[3] = {x->a, x->b, x->c};
      if (n + x->nkids + 3 > cap) {
        int nc = (n + x->nkids + 3) * 2;
        const node **s = gc_alloc((size_t)nc * sizeof *s);
        memcpy(s, stack, (size_t)n * sizeof *s);
        stack = s;
        cap = nc;
      }
      for (int i = 0; i < 3; i++)
        if (kids[i]) stack[n++] = kids[i];
      for (int i = 0; i < x->nkids; i++) stack[n++] = x->kids[i];
    }
  }
  (void)d;
}

void lsp_completion(ldoc *d, size_t off, sbuf *b) {
  const char *t = d->text;
  size_t w = off;
  while (w > 0 && ident(t[w - 1])) w--;
  items it = {b, 0, gc_strndup(t + w, off - w), off - w, NULL, 0, 0};
  sb_puts(b, "[");
  lpath p;
  if (w > 0 && t[w - 1] == '.') {
    /* `x.`: the object is the node ending just before the dot */
    const node *o = w >= 2 ? lsp_node_at(d, (uint32_t)(w - 1), &p) : NULL;
    while (o && o->kind == N_FIELD && o->a && o->a->at.end == w - 1 && o->at.end > w - 1) o = o->a;
    if (o && o->kind == N_NAME) {
      const node *x = lsp_decl_of(d, o, &p);
      if (x && x->kind == N_IMPORT) {
        module_members(&it, lsp_import(d, x));
        sb_puts(b, "]");
        return;
      }
    }
    if (o && (o->kind == N_NAME || o->kind == N_INDEX || o->kind == N_CALL || o->kind == N_FIELD)) {
      const char **f;
      int n = lsp_fields(d, o, &p, &f);
      for (int i = 0; i < n; i++) item(&it, f[i], 5, "field", NULL);
      if (!n) {
        item(&it, "passed", 5, "verdict field", NULL);
        item(&it, "reasons", 5, "verdict field", NULL);
      }
    }
    sb_puts(b, "]");
    return;
  }
  /* after `import ` come module names */
  size_t k = w;
  while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t')) k--;
  if (k >= 6 && !strncmp(t + k - 6, "import", 6) && (k == 6 || !ident(t[k - 7]))) {
    stdlib_modules(d, &it);
    sb_puts(b, "]");
    return;
  }
  /* after a number (`12 `, `£4`... no: units follow a bare number): units */
  if (k < w && k > 0 && t[k - 1] >= '0' && t[k - 1] <= '9') {
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) item(&it, units[i], 11, "unit", NULL);
    const node *prog = d->m->prog;
    for (int i = 0; prog && i < prog->nkids; i++)
      if (prog->kids[i]->kind == N_UNIT) {
        item(&it, prog->kids[i]->name, 11, lsp_header(prog->kids[i]), NULL);
        if (prog->kids[i]->name2) item(&it, prog->kids[i]->name2, 11, lsp_header(prog->kids[i]), NULL);
      }
    sb_puts(b, "]");
    return;
  }
  lsp_node_at(d, (uint32_t)(w ? w - 1 : 0), &p);
  locals(d, &it, &p, off);
  const node *prog = d->m->prog;
  for (int i = 0; prog && i < prog->nkids; i++) {
    const node *x = prog->kids[i];
    if (x->name && x->kind != N_TEST) item(&it, x->name, item_kind(x), lsp_header(x), NULL);
  }
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) item(&it, keywords[i], 14, "keyword", NULL);
  int nb = builtin_names(NULL, 0);
  const char **bn = gc_alloc((size_t)(nb + 1) * sizeof *bn);
  builtin_names(bn, nb);
  for (int i = 0; i < nb; i++) {
    const builtin *x = builtin_find(bn[i]);
    if (!x || bn[i][0] == '_') continue;
    sbuf s;
    sb_init(&s);
    sb_printf(&s, "%s(%s)", x->name, x->params ? x->params : "");
    item(&it, bn[i], 3, s.s, "builtin function");
  }
  for (int i = 0; i < d->v->host.n; i++) item(&it, d->v->host.names[i], 6, "input", NULL);
  sb_puts(b, "]");
}

/* ---- signature help ---------------------------------------------------- */

/* The innermost unclosed '(' before off, reading forwards so that strings
 * and comments are skipped; *commas counts the arguments before off. */
static bool open_call(const char *t, size_t off, size_t *paren, int *commas, size_t *arg) {
  typedef struct { char c; size_t at; int commas; size_t arg; } open;
  open st[256];
  int n = 0;
  for (size_t i = 0; i < off; i++) {
    char c = t[i];
    if (c == '#') {
      while (i < off && t[i] != '\n') i++;
    } else if (c == '"') {
      for (i++; i < off && t[i] != '"' && t[i] != '\n'; i++)
        if (t[i] == '\\') i++;
    } else if (c == '(' || c == '[' || c == '{') {
      if (n < 256) st[n] = (open){c, i, 0, i + 1};
      n++;
    } else if (c == ')' || c == ']' || c == '}') {
      if (n > 0) n--;
    } else if (c == ',' && n > 0 && n <= 256) {
      st[n - 1].commas++;
      st[n - 1].arg = i + 1;
    }
  }
  if (n == 0 || n > 256 || st[n - 1].c != '(') return false;
  *paren = st[n - 1].at;
  *commas = st[n - 1].commas;
  *arg = st[n - 1].arg;
  return true;
}

static void sig_param(sbuf *b, const char *label, int i) {
  sb_puts(b, i ? ", {\"label\": " : "{\"label\": ");
  sb_json_string(b, label, strlen(label));
  sb_puts(b, "}");
}

void lsp_signature(ldoc *d, size_t off, sbuf *b) {
  const char *t = d->text;
  size_t paren, arg;
  int commas;
  if (!open_call(t, off, &paren, &commas, &arg)) { sb_puts(b, "null"); return; }
  size_t e = paren;
  while (e > 0 && t[e - 1] == ' ') e--;
  size_t s = e;
  while (s > 0 && (ident(t[s - 1]) || t[s - 1] == '.')) s--;
  if (s == e) { sb_puts(b, "null"); return; }
  const char *callee = gc_strndup(t + s, e - s);
  const char *dot = strrchr(callee, '.');
  const char *name = dot ? dot + 1 : callee;
  const node *decl = NULL;
  if (dot) {
    const node *imp = lsp_global(d->m, gc_strndup(callee, (size_t)(dot - callee)));
    if (imp && imp->kind == N_IMPORT) decl = lsp_global(lsp_import(d, imp), name);
  } else {
    decl = lsp_global(d->m, name);
  }
  /* the argument being written may be a named one: `weight: 60%` */
  size_t a = arg;
  while (a < off && (t[a] == ' ' || t[a] == '\n')) a++;
  size_t ae = a;
  while (ae < off && ident(t[ae])) ae++;
  const char *named = ae > a && ae < off && t[ae] == ':' ? gc_strndup(t + a, ae - a) : NULL;
  int active = commas;
  sbuf lab, ps;
  sb_init(&lab);
  sb_init(&ps);
  sb_printf(&lab, "%s(", callee);
  if (decl && (decl->kind == N_FN || decl->kind == N_RULE || decl->kind == N_TABLE)) {
    for (int i = 0; i < decl->nkids; i++) {
      const node *pn = decl->kids[i];
      if (pn->kind != N_PARAM) continue;
      const char *pt = gc_strndup(pn->at.src->text + pn->at.start, pn->at.end - pn->at.start);
      if (i) sb_puts(&lab, ", ");
      sb_puts(&lab, pt);
      sig_param(&ps, pt, i);
      if (named && !strcmp(pn->name, named)) active = i;
    }
  } else {
    const builtin *bi = dot ? NULL : builtin_find(name);
    if (!bi) { sb_puts(b, "null"); return; }
    const char *pl = bi->params ? bi->params : "";
    sb_puts(&lab, pl);
    int i = 0;
    while (*pl) {
      const char *c = strchr(pl, ',');
      size_t n = c ? (size_t)(c - pl) : strlen(pl);
      const char *pt = gc_strndup(pl, n);
      sig_param(&ps, pt, i);
      if (named && !strncmp(pt, named, strlen(named)) && !ident(pt[strlen(named)])) active = i;
      i++;
      pl += n;
      while (*pl == ',' || *pl == ' ') pl++;
    }
  }
  sb_puts(&lab, ")");
  sb_puts(b, "{\"signatures\": [{\"label\": ");
  sb_json_string(b, lab.s, lab.len);
  sb_printf(b, ", \"parameters\": [%s]}], \"activeSignature\": 0, \"activeParameter\": %d}", ps.s ? ps.s : "", active);
}

/* ---- code actions ------------------------------------------------------ */

/* The first whole token `word` (a number or a name) in [a, e) of s. */
static bool find_token(const source *s, uint32_t a, uint32_t e, const char *word, uint32_t *at) {
  size_t n = strlen(word);
  for (uint32_t i = a; n && i + n <= e && i + n <= s->len; i++)
    if (!memcmp(s->text + i, word, n) && (i == 0 || (!ident(s->text[i - 1]) && s->text[i - 1] != '.')) &&
        !ident(s->text[i + n]) && s->text[i + n] != '.' && s->text[i + n] != '%') {
      *at = i;
      return true;
    }
  return false;
}

static void action(sbuf *b, int *k, const finding *x, const char *title, const source *s, uint32_t a, uint32_t e,
                   const char *text, bool preferred) {
  sb_puts(b, (*k)++ ? ",\n{\"title\": " : "{\"title\": ");
  sb_json_string(b, title, strlen(title));
  sb_printf(b, ", \"kind\": \"quickfix\", \"isPreferred\": %s, \"diagnostics\": [", preferred ? "true" : "false");
  lsp_diagnostic_json(b, x, s);
  sb_puts(b, "], \"edits\": [{\"range\": ");
  lsp_range(b, s, a, e);
  sb_puts(b, ", \"newText\": ");
  sb_json_string(b, text, strlen(text));
  sb_puts(b, "}]}");
}

/* Text between `open` and `close` in h, from its first `open`. */
static const char *between(const char *h, const char *open, const char *close) {
  const char *a = strstr(h, open);
  if (!a) return NULL;
  a += strlen(open);
  const char *e = strstr(a, close);
  return e && e > a ? gc_strndup(a, (size_t)(e - a)) : NULL;
}

void lsp_actions(ldoc *d, int line, sbuf *b) {
  const finding *f;
  int n = lsp_line_findings(d, line, &f);
  int k = 0;
  sb_puts(b, "[");
  for (int i = 0; i < n; i++) {
    const finding *x = &f[i];
    const char *h = x->d.hint;
    const source *s = x->d.at.src;
    if (!h || !s) continue;
    uint32_t a = x->d.at.start, e = x->d.at.end, at;
    const char *name;
    char title[300];
    /* "did you mean 'price'?": the misspelt name is the diagnostic's range
     * (or the last name in it: `bid.prise`) */
    if ((name = between(h, "did you mean '", "'"))) {
      uint32_t ws = e;
      while (ws > a && ident(s->text[ws - 1])) ws--;
      snprintf(title, sizeof title, "Change to '%s'", name);
      if (ws < e) action(b, &k, x, title, s, ws, e, name, true);
      continue;
    }
    /* "write 60% if 60 is a percentage, or 6000% if it is a fraction" */
    const char *pct = between(h, "write ", "%");
    if (pct && strncmp(h, "write the number", 16) != 0 && find_token(s, a, e, pct, &at)) {
      snprintf(title, sizeof title, "Write %s%%", pct);
      action(b, &k, x, title, s, at, at + (uint32_t)strlen(pct), gc_strdup(title + 6), true);
      const char *frac = between(h, "or ", "% if it is a fraction");
      if (frac) {
        char with[120];
        snprintf(with, sizeof with, "%s%%", frac);
        snprintf(title, sizeof title, "Write %s (%s is a fraction)", with, pct);
        action(b, &k, x, title, s, at, at + (uint32_t)strlen(pct), with, false);
      }
      continue;
    }
    /* "compare with 60 if the number is a score out of 100": the
     * percentage 60% becomes 60 */
    const char *num = between(h, "compare with ", " if the number");
    if (num) {
      char lit[120];
      snprintf(lit, sizeof lit, "%s", num);
      snprintf(title, sizeof title, "Compare with %s (a score out of 100)", num);
      /* the percentage literal is "60%" in the source */
      size_t ln = strlen(lit);
      for (uint32_t j = a; j + ln < e && j + ln < s->len; j++)
        if (!memcmp(s->text + j, lit, ln) && s->text[j + ln] == '%' && (j == a || !ident(s->text[j - 1]))) {
          action(b, &k, x, title, s, j, j + (uint32_t)ln + 1, lit, false);
          break;
        }
    }
  }
  sb_puts(b, "]");
}
