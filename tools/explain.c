/* Rendering explanation trees (svl explain, docs/tools.md) at the rule
 * author's level: a text tree of the calls, JSON for other programs, and a
 * plain narrative that reads like an evaluator's note:
 *   total of Acme = 74 because price_points(bid.price, lowest) 32 + … (evaluation.svl:18)
 * A call into a library module (import scoring) or of a _name is one step:
 * its documented meaning (the "# explain:" line of its doc comment) with
 * the values that went into it, unless the session asks for internals.
 * Records are named by their identifying field (supplier, name, id).
 * Pieces of a body (an if's condition, an operand) are shown with their
 * values by evaluating them again, quietly, in the call's frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "tools/explain.h"
#include "core/gc.h"

/* ---- values as a panel reads them ---- */

static const char *const default_ids = "supplier,bidder,name,contract,id";

const char *explain_ident(vm *v, value x) {
  if (x.tag != V_RECORD || x.as.rec->indicator) return NULL;
  const char *ids = v->xs && v->xs->ids ? v->xs->ids : default_ids;
  while (*ids) {
    const char *e = strchr(ids, ',');
    size_t n = e ? (size_t)(e - ids) : strlen(ids);
    char key[64];
    if (n && n < sizeof key) {
      memcpy(key, ids, n);
      key[n] = 0;
      long k = record_find(x.as.rec, key);
      if (k >= 0) {
        value f = rec_get(x.as.rec, k);
        if (f.tag == V_TEXT) return f.as.text->s;
        if (f.tag == V_NUM) return value_short(f);
      }
    }
    ids += n + (e ? 1 : 0);
  }
  return NULL;
}

/* A long exact quotient (84.677419354838709677…) is shown to 2 decimals
 * (4 below 1): the panel reads 84.68, and JSON keeps every digit. */
value explain_rounded(value x) {
  if (x.tag != V_NUM) return x;
  int keep = x.pct ? 6 : 4, show;
  dec r;
  if (dec_round(x.as.num, keep, DEC_HALF_EVEN, &r) != DEC_OK || dec_cmp(r, x.as.num) == 0) return x;
  dec one = dec_from_int(1);
  show = dec_cmp(dec_abs(x.as.num), x.pct ? dec_from_int(0) : one) >= 0 ? 2 : 4;
  if (x.pct) show += 2;
  if (dec_round(x.as.num, show, DEC_HALF_EVEN, &r) == DEC_OK) x.as.num = r;
  return x;
}

static value field_or_null(const record *r, const char *k) {
  long i = record_find(r, k);
  return i >= 0 ? rec_get(r, i) : v_null;
}

/* An indicator: its code, proxy (with its unit) and source. */
static const char *indicator_text(vm *v, const record *r) {
  sbuf b;
  sb_init(&b);
  value code = field_or_null(r, "code"), proxy = field_or_null(r, "proxy"), source = field_or_null(r, "source");
  sb_puts(&b, code.tag == V_TEXT ? code.as.text->s : r->name ? r->name : "indicator");
  if (proxy.tag == V_NUM) sb_printf(&b, " (proxy %s", value_short(explain_rounded(proxy)));
  else sb_puts(&b, " (no proxy");
  if (source.tag == V_TEXT) sb_printf(&b, ", source: %s", source.as.text->s);
  sb_putc(&b, ')');
  (void)v;
  return b.s;
}

const char *explain_show(vm *v, value x) {
  const char *id = explain_ident(v, x);
  if (id) return id;
  const char *first = x.tag == V_LIST && x.as.list->n ? explain_ident(v, x.as.list->items[0]) : NULL;
  bool nested = x.tag == V_LIST && x.as.list->n && (x.as.list->items[0].tag == V_RECORD || x.as.list->items[0].tag == V_LIST);
  if (x.tag == V_LIST && (x.as.list->n > (first ? 3u : 6u) || (nested && !first && x.as.list->n > 1))) {
    sbuf b;
    sb_init(&b);
    if (first) sb_printf(&b, "[%s, … %zu in all]", first, x.as.list->n);
    else sb_printf(&b, "[%zu items]", x.as.list->n);
    return b.s;
  }
  if (x.tag == V_LIST) {
    sbuf b;
    sb_init(&b);
    sb_putc(&b, '[');
    for (size_t i = 0; i < x.as.list->n; i++) {
      if (i) sb_puts(&b, ", ");
      sb_puts(&b, explain_show(v, x.as.list->items[i]));
    }
    sb_putc(&b, ']');
    return b.s;
  }
  if (x.tag == V_RECORD && x.as.rec->indicator) return indicator_text(v, x.as.rec);
  if (x.tag == V_RECORD && x.as.rec->n <= 8) {
    sbuf b;
    sb_init(&b);
    sb_putc(&b, '{');
    for (size_t i = 0; i < x.as.rec->n; i++) {
      value f = rec_get(x.as.rec, i);
      if (i) sb_puts(&b, ", ");
      const char *fs;
      if (f.tag == V_LIST) fs = f.as.list->n ? "[…]" : "[]";
      else if (f.tag == V_RECORD) fs = explain_ident(v, f) ? explain_ident(v, f) : "{…}";
      else fs = explain_show(v, f);
      sb_printf(&b, "%s: %s", x.as.rec->keys[i], fs);
    }
    sb_putc(&b, '}');
    return b.s;
  }
  return value_short(explain_rounded(x));
}

/* The module's name as the author imported it: "scoring". */
static const char *lib_name(const module *m) {
  const char *p = m && m->path ? m->path : "?";
  const char *s = strrchr(p, '/');
  s = s ? s + 1 : p;
  size_t n = strlen(s);
  if (n > 4 && !strcmp(s + n - 4, ".svl")) n -= 4;
  return gc_strndup(s, n);
}

/* A source file's name relative to the main file's directory, so no path
 * outside the project is printed. */
const char *explain_file(vm *v, const source *src) {
  const char *name = src->name;
  const char *base = v->xs && v->xs->base ? v->xs->base : NULL;
  if (!base && v->main_mod && v->main_mod->src && v->main_mod->src->dir) base = v->main_mod->src->dir;
  size_t n = base ? strlen(base) : 0;
  if (n && !strncmp(name, base, n) && name[n] == '/') return name + n + 1;
  const char *s = strrchr(name, '/');
  return s ? s + 1 : name;
}

bool explain_collapsed(vm *v, const trace *t) {
  if (v->xs && v->xs->internals) return false;
  if (t->mod && t->mod->library && t->decl && t->decl->kind != N_LET) return true;
  return t->name && t->name[0] == '_';
}

void explain_where(vm *v, sbuf *b, const trace *t) {
  if (t->mod && t->mod->library && t->decl && t->decl->kind != N_LET) {
    sb_printf(b, "(%s.%s)", lib_name(t->mod), t->name);
    return;
  }
  if (!t->at.src) return;
  int line, col;
  loc_line_col(t->at.src, t->at.start, &line, &col);
  sb_printf(b, "(%s:%d)", explain_file(v, t->at.src), line);
}

/* ---- a library step: its documented meaning ---- */

/* The "# explain: …" line of the comment just above a declaration. */
static bool doc_template(const node *d, const char **s, size_t *n) {
  if (!d || !d->at.src) return false;
  const char *text = d->at.src->text;
  long p = (long)d->at.start;
  while (p > 0 && text[p - 1] != '\n') p--;
  while (p > 0) {
    long e = p - 1, b = e;
    while (b > 0 && text[b - 1] != '\n') b--;
    const char *l = text + b;
    while (*l == ' ') l++;
    if (*l != '#') return false;
    static const char key[] = "# explain:";
    if (!strncmp(l, key, sizeof key - 1)) {
      l += sizeof key - 1;
      while (*l == ' ') l++;
      *s = l;
      *n = (size_t)(text + e - l);
      return true;
    }
    p = b;
  }
  return false;
}

static bool param_of(const trace *t, const char *name, value *out) {
  const node *d = t->decl;
  if (!d || !t->argv) return false;
  for (int i = 0; i < d->nkids; i++)
    if (d->kids[i]->kind == N_NAME || d->kids[i]->name) {
      if (d->kids[i]->name && !strcmp(d->kids[i]->name, name)) {
        *out = t->argv[d->kids[i]->slot];
        return true;
      }
    }
  return false;
}

static void args_text(vm *v, sbuf *b, const trace *t) {
  const node *d = t->decl;
  if (!d || !t->argv || d->kind == N_LET) {
    sb_puts(b, t->args);
    return;
  }
  for (int i = 0; i < d->nkids; i++) {
    if (i) sb_puts(b, ", ");
    sb_puts(b, explain_show(v, t->argv[d->kids[i]->slot]));
  }
}

/* A placeholder's value: {result}, {param} or either with .field. */
static bool placeholder(const trace *t, const char *name, value *out) {
  char head[64];
  const char *dot = strchr(name, '.');
  size_t n = dot ? (size_t)(dot - name) : strlen(name);
  if (n >= sizeof head) return false;
  memcpy(head, name, n);
  head[n] = 0;
  value x;
  if (!strcmp(head, "result")) {
    if (!t->result) return false;
    x = t->res;
  } else if (!param_of(t, head, &x)) {
    return false;
  }
  while (dot) {
    const char *f = dot + 1;
    dot = strchr(f, '.');
    size_t m = dot ? (size_t)(dot - f) : strlen(f);
    char key[64];
    if (m >= sizeof key || x.tag != V_RECORD) return false;
    memcpy(key, f, m);
    key[m] = 0;
    long k = record_find(x.as.rec, key);
    if (k < 0) return false;
    x = rec_get(x.as.rec, k);
  }
  *out = x;
  return true;
}

/* {Σ scores × weights}: "price 86.11 × 40% + quality 87.5 × 40% + …",
 * one term per field of the second record. */
static bool weighted_sum(vm *v, sbuf *b, const trace *t, const char *spec) {
  char a[64], w[64];
  if (sscanf(spec, "Σ %63s × %63s", a, w) != 2) return false;
  value xs, ws;
  if (!placeholder(t, a, &xs) || !placeholder(t, w, &ws) || xs.tag != V_RECORD || ws.tag != V_RECORD) return false;
  for (size_t i = 0; i < ws.as.rec->n; i++) {
    long k = record_find(xs.as.rec, ws.as.rec->keys[i]);
    if (k < 0) return false;
    if (i) sb_puts(b, " + ");
    sb_printf(b, "%s %s × %s", ws.as.rec->keys[i], explain_show(v, rec_get(xs.as.rec, k)),
              explain_show(v, rec_get(ws.as.rec, i)));
  }
  return true;
}

/* "price score 84.68 = lowest price £1,050,000.00 ÷ this price …" */
void explain_step(vm *v, sbuf *b, const trace *t) {
  const char *s;
  size_t n;
  if (doc_template(t->decl, &s, &n)) {
    for (size_t i = 0; i < n; i++) {
      if (s[i] == '{') {
        size_t j = i + 1;
        while (j < n && s[j] != '}') j++;
        char name[160];
        value x;
        if (j < n && j - i - 1 < sizeof name) {
          memcpy(name, s + i + 1, j - i - 1);
          name[j - i - 1] = 0;
          if (!strncmp(name, "Σ ", strlen("Σ ")) && weighted_sum(v, b, t, name)) { i = j; continue; }
          if (placeholder(t, name, &x)) { sb_puts(b, explain_show(v, x)); i = j; continue; }
        }
      }
      sb_putc(b, s[i]);
    }
    return;
  }
  if (t->mod && t->mod->library) sb_printf(b, "%s.", lib_name(t->mod));
  sb_printf(b, "%s(", t->name[0] == '_' ? t->name + 1 : t->name);
  args_text(v, b, t);
  sb_printf(b, ") = %s", t->result ? explain_show(v, t->res) : "(error)");
}

/* The record a call is about: its first argument that names itself. */
const char *explain_subject(vm *v, const trace *t) {
  if (!t->decl || !t->argv || t->decl->kind == N_LET) return NULL;
  for (int i = 0; i < t->decl->nkids; i++) {
    const char *id = explain_ident(v, t->argv[t->decl->kids[i]->slot]);
    if (id) return id;
  }
  return NULL;
}

/* ---- the tree ---- */

static int visible_kids(vm *v, const trace *t, const trace **out, int cap);
/* Room for visible_kids' answer, on the heap: the renderers recurse once
 * per level of calls, and a 2 KB array in each frame overflowed a 256 KiB
 * host thread at 120 levels (issue 17). */
static const trace **kids_buf(void) { return gc_alloc(256 * sizeof(const trace *)); }

static void tree_line(vm *v, sbuf *b, const trace *t) {
  if (explain_collapsed(v, t)) {
    explain_step(v, b, t);
  } else if (t->decl && t->decl->kind == N_LET) {
    sb_printf(b, "%s = %s", t->name, t->result ? explain_show(v, t->res) : "(error)");
  } else {
    sb_printf(b, "%s(", t->name);
    args_text(v, b, t);
    sb_printf(b, ") = %s", t->result ? explain_show(v, t->res) : "(error)");
  }
  /* a failed verdict already shows its reasons: `= failed ["..."]` */
  if (t->detail && !(t->result && t->res.tag == V_VERDICT)) sb_printf(b, "  [%s]", t->detail);
  sb_puts(b, "  ");
  explain_where(v, b, t);
  sb_putc(b, '\n');
}

/* Text and narrative trees show at most this many levels of nested calls
 * (issue 17): each level indents every line below it, so a chain of
 * 16,000 calls made 385 MB of text (quadratic in the depth).  Past the cap
 * one line says how many calls are not shown; JSON, which does not
 * indent, keeps them all.  No tree a panel reads is 100 calls deep. */
#define TEXT_MAX_DEPTH 100

/* The calls below t, counted without recursion (the chain may be as long
 * as the evaluator's call depth allows). */
static long nested_calls(const trace *t) {
  long n = 0, top = 0, cap = 64;
  const trace **todo = gc_alloc((size_t)cap * sizeof *todo);
  todo[top++] = t;
  while (top) {
    const trace *x = todo[--top];
    for (int i = 0; i < x->nkids; i++) {
      if (top == cap) {
        const trace **more = gc_alloc((size_t)cap * 2 * sizeof *more);
        memcpy(more, todo, (size_t)cap * sizeof *more);
        todo = more;
        cap *= 2;
      }
      todo[top++] = x->kids[i];
      n++;
    }
  }
  return n;
}

/* The line that stands for the calls below t past TEXT_MAX_DEPTH. */
static void not_shown(sbuf *b, const trace *t, const char *indent) {
  long n = nested_calls(t);
  sb_printf(b, "%s└─ … %ld nested call%s not shown (more than %d levels deep; --format json shows them)\n",
            indent, n, n == 1 ? "" : "s", TEXT_MAX_DEPTH);
}

static void tree_text(vm *v, sbuf *b, const trace *t, const char *prefix, bool last, int depth, int max) {
  sb_printf(b, "%s%s", prefix, last ? "└─ " : "├─ ");
  tree_line(v, b, t);
  if (max && depth >= max) return;
  sbuf p;
  sb_init(&p);
  sb_puts(&p, prefix);
  sb_puts(&p, last ? "   " : "│  ");
  if (t->nkids && depth >= TEXT_MAX_DEPTH && !explain_collapsed(v, t)) {
    not_shown(b, t, p.s);
    return;
  }
  const trace **k = kids_buf(); /* not 2 KB in every frame of a deep tree */
  int n = visible_kids(v, t, k, 256);
  for (int i = 0; i < n; i++) tree_text(v, b, k[i], p.s, i == n - 1, depth + 1, max);
}

/* The children shown: none under a collapsed step; a let is shown where
 * it is first used, which may be inside a collapsed step's arguments. */
static int visible_kids(vm *v, const trace *t, const trace **out, int cap) {
  int n = 0;
  if (explain_collapsed(v, t)) return 0;
  for (int i = 0; i < t->nkids && n < cap; i++) out[n++] = t->kids[i];
  return n;
}

/* ---- JSON ---- */

static void json_value(sbuf *b, value x) {
  sb_puts(b, "\"value\": ");
  sb_puts(b, value_json(x));
  if (x.tag == V_NUM) {
    /* the exact number as a string, its unit apart: for programs that
     * read JSON numbers as doubles */
    char buf[128];
    dec_format(x.as.num, buf, sizeof buf);
    sb_puts(b, ", \"number\": ");
    sb_json_string(b, buf, strlen(buf));
    const char *u = x.unit ? unit_name(x.unit) : x.pct ? "%" : "";
    sb_puts(b, ", \"unit\": ");
    sb_json_string(b, u, strlen(u));
  }
}

static void tree_json(vm *v, sbuf *b, const trace *t, int depth, int max) {
  sbuf s;
  sb_init(&s);
  tree_line(v, &s, t);
  if (s.len && s.s[s.len - 1] == '\n') s.s[--s.len] = 0;
  const char *name = t->name[0] == '_' && !(v->xs && v->xs->internals) ? t->name + 1 : t->name;
  sb_puts(b, "{\"name\": ");
  sb_json_string(b, name, strlen(name));
  if (t->mod && t->mod->library) {
    const char *m = lib_name(t->mod);
    sb_puts(b, ", \"module\": ");
    sb_json_string(b, m, strlen(m));
  }
  sb_printf(b, ", \"kind\": \"%s\", \"args\": ", t->kind);
  sbuf a;
  sb_init(&a);
  args_text(v, &a, t);
  sb_json_string(b, a.s ? a.s : "", a.len);
  sb_puts(b, ", \"result\": ");
  const char *r = t->result ? explain_show(v, t->res) : "";
  sb_json_string(b, r, strlen(r));
  if (t->result) {
    sb_puts(b, ", ");
    json_value(b, t->res);
  }
  sb_puts(b, ", \"text\": ");
  sb_json_string(b, s.s ? s.s : "", s.len);
  const char *id = explain_subject(v, t);
  if (id) {
    sb_puts(b, ", \"record\": ");
    sb_json_string(b, id, strlen(id));
  }
  if (t->detail) {
    sb_puts(b, ", \"detail\": ");
    sb_json_string(b, t->detail, strlen(t->detail));
  }
  if (t->at.src && !(t->mod && t->mod->library)) {
    int line, col;
    loc_line_col(t->at.src, t->at.start, &line, &col);
    const char *f = explain_file(v, t->at.src);
    sb_puts(b, ", \"file\": ");
    sb_json_string(b, f, strlen(f));
    sb_printf(b, ", \"line\": %d, \"column\": %d", line, col);
  }
  sb_puts(b, ", \"calls\": [");
  const trace **k = kids_buf(); /* not 2 KB in every frame of a deep tree */
  int n = (!max || depth < max) ? visible_kids(v, t, k, 256) : 0;
  for (int i = 0; i < n; i++) {
    if (i) sb_puts(b, ", ");
    tree_json(v, b, k[i], depth + 1, max);
  }
  sb_puts(b, "]}");
}

/* ---- the plain narrative ---- */

/* Whether an expression is written out in full (no name, no call): a
 * let of it is a setting, not a derivation. */
static bool constant(const node *n) {
  /* along `a` in a loop: a chain's left operands are not nesting */
  for (; n; n = n->a) {
    if (n->kind == N_NAME || n->kind == N_CALL || n->kind == N_COMP || n->kind == N_FIELD || n->kind == N_INDEX) return false;
    if (!constant(n->b) || !constant(n->c)) return false;
    for (int i = 0; i < n->nkids; i++)
      if (!constant(n->kids[i])) return false;
  }
  return true;
}

static void narrate_kids(vm *v, sbuf *b, const trace **k, int n, int depth, int max, bool lets_only);

/* Calls already narrated in this explanation (function and arguments):
 * a second identical call says nothing new.  Per thread, as VMs may
 * explain on several threads at once; malloc'ed (the collector does not
 * scan thread-local storage), freed by said_reset. */
static _Thread_local struct said { const node *decl; char *args; } *said;
static _Thread_local int nsaid, capsaid;

static bool said_before(vm *v, const trace *t) {
  if (!t->decl || t->decl->kind == N_LET) return false;
  sbuf a;
  sb_init(&a);
  args_text(v, &a, t);
  const char *args = a.s ? a.s : "";
  for (int i = 0; i < nsaid; i++)
    if (said[i].decl == t->decl && !strcmp(said[i].args, args)) return true;
  if (nsaid == capsaid) {
    int cap = capsaid ? capsaid * 2 : 64;
    struct said *p = realloc(said, (size_t)cap * sizeof *p);
    if (!p) return false;
    said = p;
    capsaid = cap;
  }
  char *copy = strdup(args);
  if (!copy) return false;
  said[nsaid++] = (struct said){t->decl, copy};
  return false;
}

static void said_reset(void) {
  for (int i = 0; i < nsaid; i++) free(said[i].args);
  free(said);
  said = NULL;
  nsaid = capsaid = 0;
}

static void narrative(vm *v, sbuf *b, const trace *t, int depth, int max) {
  for (int i = 0; i < depth; i++) sb_puts(b, "  ");
  const node *d = t->decl;
  const char *who = explain_subject(v, t);
  if (explain_collapsed(v, t)) {
    explain_step(v, b, t);
  } else if (d && d->kind == N_RULE) {
    sb_printf(b, "%s%s%s: %s", t->name, who ? " of " : "", who ? who : "", t->detail ? t->detail : "passed");
  } else if (d && d->kind == N_TABLE) {
    sb_printf(b, "%s(", t->name);
    args_text(v, b, t);
    sb_printf(b, ") = %s: %s", t->result ? explain_show(v, t->res) : "(error)", t->detail ? t->detail : "");
  } else if (d && d->kind == N_LET && constant(d->a)) {
    sb_printf(b, "%s = %s, as set", t->name, t->result ? explain_show(v, t->res) : "(error)");
  } else if (d && (d->kind == N_FN || d->kind == N_LAMBDA || d->kind == N_LET) && d->a) {
    sb_printf(b, "%s%s%s = %s because ", t->name, who ? " of " : "", who ? who : "",
              t->result ? explain_show(v, t->res) : "(error)");
    explain_formula(v, b, d->a, d->kind == N_LET ? NULL : t->env);
  } else {
    sb_printf(b, "%s = %s", t->name, t->result ? explain_show(v, t->res) : "(error)");
  }
  sb_putc(b, ' ');
  explain_where(v, b, t);
  sb_putc(b, '\n');
  /* the body's own lets, each with its formula: "p = 42.34 because …" */
  if (d && (d->kind == N_FN || d->kind == N_LAMBDA) && d->a && d->a->kind == N_BLOCK && t->env &&
      !explain_collapsed(v, t)) {
    for (int i = 0, shown = 0; i < d->a->nkids && shown < 8; i++) {
      const node *l = d->a->kids[i];
      value x;
      if (l->kind != N_LET || !eval_quiet(v, l->a, t->env, &x)) continue;
      shown++;
      for (int j = 0; j <= depth; j++) sb_puts(b, "  ");
      sb_printf(b, "%s = %s because ", l->name, explain_show(v, x));
      explain_formula(v, b, l->a, t->env);
      sb_putc(b, '\n');
    }
  }
  if (max && depth >= max) return;
  if (t->nkids && depth >= TEXT_MAX_DEPTH && !explain_collapsed(v, t)) {
    sbuf in;
    sb_init(&in);
    for (int i = 0; i <= depth; i++) sb_puts(&in, "  ");
    not_shown(b, t, in.s);
    return;
  }
  const trace **k = kids_buf(); /* not 2 KB in every frame of a deep tree */
  int n = visible_kids(v, t, k, 256);
  /* an earlier value in one line: the values it used, not every call that
   * made it (the tree has those) */
  narrate_kids(v, b, k, n, depth + 1, max, d && d->kind == N_LET);
}

static bool is_setting(const trace *t) { return t->decl && t->decl->kind == N_LET && constant(t->decl->a); }

/* The children of one step, shortened for a reader: settings (lets of a
 * written-out value) in one line, and three or more calls in a row of one
 * function (an outcome per commitment) in one line naming each. */
/* The lets explained inside steps that are not shown: they are still
 * earlier values the reader needs. */
static void hoist_lets(vm *v, const trace *t, const trace **out, int *n, int cap) {
  const trace *k[256];
  int m = visible_kids(v, t, k, 256);
  for (int i = 0; i < m && *n < cap; i++) {
    if (k[i]->decl && k[i]->decl->kind == N_LET) out[(*n)++] = k[i];
    else hoist_lets(v, k[i], out, n, cap);
  }
}

static void narrate_kids(vm *v, sbuf *b, const trace **k, int n, int depth, int max, bool lets_only) {
  if (lets_only) {
    const trace **lets = gc_alloc(256 * sizeof *lets);
    int nl = 0;
    for (int i = 0; i < n && nl < 256; i++) {
      if (k[i]->decl && k[i]->decl->kind == N_LET) lets[nl++] = k[i];
      else hoist_lets(v, k[i], lets, &nl, 256);
    }
    k = lets;
    n = nl;
  }
  bool settings_done = false;
  for (int i = 0; i < n; i++) {
    const trace *t = k[i];
    bool let = t->decl && t->decl->kind == N_LET;
    if (lets_only && !let) continue;
    if (is_setting(t)) {
      if (settings_done) continue;
      settings_done = true;
      int count = 0;
      for (int j = i; j < n; j++) count += is_setting(k[j]);
      if (count > 1) {
        for (int j = 0; j < depth; j++) sb_puts(b, "  ");
        sb_puts(b, "as set:");
        for (int j = i, c = 0; j < n; j++)
          if (is_setting(k[j])) {
            int line, col;
            loc_line_col(k[j]->at.src, k[j]->at.start, &line, &col);
            sb_printf(b, "%s %s %s (%s:%d)", c++ ? "," : "", k[j]->name, explain_show(v, k[j]->res), explain_file(v, k[j]->at.src), line);
          }
        sb_putc(b, '\n');
        continue;
      }
    }
    int run = 1;
    while (!let && i + run < n && k[i + run]->decl == t->decl) run++;
    if (run >= 3) {
      for (int j = 0; j < depth; j++) sb_puts(b, "  ");
      sb_printf(b, "%s, %d times:", t->name, run);
      for (int j = 0; j < run && j < 8; j++) {
        const char *who = explain_ident(v, k[i + j]->res);
        if (!who) who = explain_subject(v, k[i + j]);
        sb_printf(b, "%s %s", j ? "," : "", who ? who : explain_show(v, k[i + j]->res));
      }
      if (run > 8) sb_puts(b, ", …");
      sb_putc(b, ' ');
      explain_where(v, b, t);
      sb_putc(b, '\n');
      /* the earlier values those calls read */
      const trace **lets = gc_alloc(64 * sizeof *lets);
      int nl = 0;
      for (int j = 0; j < run; j++) hoist_lets(v, k[i + j], lets, &nl, 64);
      narrate_kids(v, b, lets, nl, depth + 1, max, false);
      i += run - 1;
      continue;
    }
    if (!said_before(v, t)) narrative(v, b, t, depth, max);
  }
}

const char *trace_render(vm *v, const trace *root, svl_format f, int plain, int max) {
  sbuf b;
  sb_init(&b);
  const char *who = NULL;
  for (int i = 0; i < root->nkids && !who; i++) who = explain_subject(v, root->kids[i]);
  if (f == SVL_FORMAT_JSON) {
    sb_puts(&b, "{\"expression\": ");
    sb_json_string(&b, root->name, strlen(root->name));
    sb_puts(&b, ", \"result\": ");
    const char *r = root->result ? explain_show(v, root->res) : "";
    sb_json_string(&b, r, strlen(r));
    if (root->result) {
      sb_puts(&b, ", ");
      json_value(&b, root->res);
    }
    if (who) {
      sb_puts(&b, ", \"record\": ");
      sb_json_string(&b, who, strlen(who));
    }
    if (root->detail) {
      sb_puts(&b, ", \"source\": ");
      sb_json_string(&b, root->detail, strlen(root->detail));
    }
    sb_puts(&b, ", \"calls\": [");
    for (int i = 0; i < root->nkids; i++) {
      if (i) sb_puts(&b, ", ");
      tree_json(v, &b, root->kids[i], 1, max);
    }
    sb_puts(&b, "]}\n");
  } else if (plain) {
    said_reset();
    sb_printf(&b, "%s = %s%s%s", root->name, root->result ? explain_show(v, root->res) : "(error)", who ? ", for " : "",
              who ? who : "");
    if (root->detail) sb_printf(&b, " (%s)", root->detail);
    if (root->decl && root->decl->a && !constant(root->decl->a)) {
      sb_puts(&b, " because ");
      explain_formula(v, &b, root->decl->a, NULL);
      sb_putc(&b, ' ');
      explain_where(v, &b, root);
    }
    sb_putc(&b, '\n');
    narrate_kids(v, &b, (const trace **)root->kids, root->nkids, 1, max, false);
    said_reset();
  } else {
    sb_printf(&b, "%s = %s%s%s", root->name, root->result ? explain_show(v, root->res) : "(error)", who ? ", for " : "",
              who ? who : "");
    if (root->detail) sb_printf(&b, " (%s)", root->detail);
    sb_putc(&b, '\n');
    for (int i = 0; i < root->nkids; i++) tree_text(v, &b, root->kids[i], "", i == root->nkids - 1, 1, max);
  }
  return b.s ? b.s : "";
}
