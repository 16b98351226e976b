/* svl explain A --vs B: two values made by the same function, side by
 * side, and their difference split into parts that add up to it exactly
 * (docs/tools.md):
 *   total(winner) 89.44 vs total(ranking[2]) 87.10: +2.34
 *     price −1.14 (34.44 vs 35.58)
 *     quality +3.00 (35.00 vs 32.00)
 *       method +5.00 (20.00 vs 15.00)
 *     …
 * The body of the shared function is opened in both calls' frames and
 * followed while it stays additive: a sum splits into its terms, a factor
 * or divisor equal on both sides scales what it multiplies, a let or a
 * parameter leads to the expression that made it, a call (the author's or
 * a library's) to its body, a field of a record literal to that field's
 * expression, and sum([... for k in keys]) to one part per key.  What is
 * left is a leaf: one part.  Whatever the 34-digit arithmetic or a round()
 * leaves over is a "rounding" part, so the parts add up exactly. */
#include <stdio.h>
#include <string.h>

#include "tools/explain.h"
#include "core/gc.h"

typedef struct part {
  const char *label, *sub;   /* criterion, and sub-criterion or NULL */
  dec a, b;                  /* the contributions on each side */
  bool named;                /* sub names a field of the bid (bid.method) */
} part;

/* Where a parameter of an opened call came from: its argument expression
 * in the caller's frames. */
typedef struct origin {
  frame *fa, *fb;            /* the callee's frames */
  int slot;
  const node *arg;
  frame *ca, *cb;            /* the caller's frames */
} origin;

/* The declaration whose frame fa is, for finding its lets: kept with the
 * frames as they are opened. */
typedef struct opened { frame *fa; const node *decl; } opened;

typedef struct vs {
  vm *v;
  opened open_decls[64];
  int nopen;
  part *parts;
  int n, cap;
  origin *org;
  int norg, caporg;
  const char *path[8];       /* labels: criterion, sub-criterion... */
  int depth;
  int budget;                /* calls opened: a bound on the work */
  int nest;                  /* recursion: a generated 200,000-term sum is one part past 400 */
} vs;

static void add_part(vs *s, const char *sub, dec a, dec b) {
  GC_GROW(s->parts, s->n, s->cap, 16);
  part *p = &s->parts[s->n++];
  int d = s->depth < 8 ? s->depth : 8;
  p->label = d ? s->path[0] : sub;
  p->sub = NULL;
  p->named = false;
  /* the deepest label that says more than the criterion, else the leaf */
  for (int i = d - 1; i > 0 && !p->sub; i--)
    if (strcmp(s->path[i], p->label)) p->sub = s->path[i];
  if (!p->sub && d && sub && strcmp(sub, p->label)) {
    p->sub = sub;
    p->named = true;
  }
  p->a = a;
  p->b = b;
}

static void src_text(sbuf *b, const node *n) {
  if (n->at.src) sb_putn(b, n->at.src->text + n->at.start, n->at.end - n->at.start);
}

/* A leaf's name: the field of the bid it reads (bid.method: "method"), else
 * the function it calls, else its text. */
static const char *leaf_name(const node *n) {
  if (!n) return NULL;
  if (n->kind == N_FIELD && n->a->kind == N_NAME && n->a->refkind == REF_LOCAL) return n->name;
  const node *k[3] = {n->a, n->b, n->c};
  for (int i = 0; i < n->nkids; i++) {
    const node *x = n->kids[i]->kind == N_NAMED ? n->kids[i]->a : n->kids[i];
    const char *r = leaf_name(x);
    if (r) return r;
  }
  for (int i = 0; i < 3; i++) {
    const char *r = n->kind == N_CALL && i == 0 ? NULL : leaf_name(k[i]);
    if (r) return r;
  }
  return NULL;
}

static const char *leaf_label(const node *n) {
  const char *r = leaf_name(n);
  if (r) return r;
  if (n->kind == N_CALL && n->a->kind == N_NAME) return n->a->name;
  if (n->kind == N_CALL && n->a->kind == N_FIELD) return n->a->name;
  sbuf b;
  sb_init(&b);
  src_text(&b, n);
  if (b.len > 60) { /* a label, not a listing */
    size_t k = 57;
    while (k && ((unsigned char)b.s[k] & 0xC0) == 0x80) k--;
    b.len = k;
    b.s[k] = 0;
    sb_puts(&b, "…");
  }
  return b.s ? b.s : "?";
}

static bool num_of(value x, dec *out) {
  if (x.tag != V_NUM) return false;
  *out = x.as.num;
  return true;
}

static void decompose(vs *s, const node *e, frame *fa, frame *fb, dec scale);

static void leaf(vs *s, const node *e, dec xa, dec xb, dec scale) {
  dec a, b;
  if (dec_mul(xa, scale, &a) != DEC_OK || dec_mul(xb, scale, &b) != DEC_OK) return;
  add_part(s, leaf_label(e), a, b);
  s->parts[s->n - 1].named = s->parts[s->n - 1].named && leaf_name(e) != NULL;
}

static const node *let_of(const node *body, int slot) {
  if (!body || body->kind != N_BLOCK) return NULL;
  for (int i = 0; i < body->nkids; i++)
    if (body->kids[i]->kind == N_LET && body->kids[i]->slot == slot) return body->kids[i];
  return NULL;
}

static const origin *origin_of(vs *s, frame *fa, frame *fb, int slot) {
  for (int i = s->norg - 1; i >= 0; i--)
    if (s->org[i].fa == fa && s->org[i].fb == fb && s->org[i].slot == slot) return &s->org[i];
  return NULL;
}

static void push_origin(vs *s, origin o) {
  GC_GROW(s->org, s->norg, s->caporg, 16);
  s->org[s->norg++] = o;
}

static const node *decl_of(vs *s, frame *fa) {
  for (int i = s->nopen - 1; i >= 0; i--)
    if (s->open_decls[i].fa == fa) return s->open_decls[i].decl;
  return NULL;
}

static frame *up_frame(frame *f, int up) {
  for (int i = 0; i < up && f; i++) f = f->up;
  return f;
}

/* Open a call made in both frames: the callee's frames, or false. */
static bool open_call(vs *s, const node *call, frame *fa, frame *fb, frame **ca, frame **cb, const node **decl) {
  if (call->kind != N_CALL || s->budget-- <= 0 || s->nopen == 64) return false;
  value fva, fvb;
  if (!eval_quiet(s->v, call->a, fa, &fva) || !eval_quiet(s->v, call->a, fb, &fvb)) return false;
  if (fva.tag != V_FUNC || fvb.tag != V_FUNC || fva.as.fn->fn != fvb.as.fn->fn) return false;
  const node *d = fva.as.fn->fn;
  if (d->kind != N_FN && d->kind != N_LAMBDA) return false;
  int n = call->nkids;
  for (int i = 0; i < n; i++)
    if (call->kids[i]->kind == N_NAMED) return false;
  if (n > 16 || n > d->nkids) return false;
  value aa[16], ab[16];
  for (int i = 0; i < n; i++)
    if (!eval_quiet(s->v, call->kids[i], fa, &aa[i]) || !eval_quiet(s->v, call->kids[i], fb, &ab[i])) return false;
  *ca = eval_call_frame(s->v, fva, n, aa);
  *cb = eval_call_frame(s->v, fvb, n, ab);
  if (!*ca || !*cb) return false;
  for (int i = 0; i < n; i++)
    push_origin(s, (origin){*ca, *cb, d->kids[i]->slot, call->kids[i], fa, fb});
  s->open_decls[s->nopen++] = (opened){*ca, d};
  *decl = d;
  return true;
}

/* The expression that made field `name` of the record e evaluates to, and
 * its frames, when e is (or leads to) a record literal. */
static bool field_source(vs *s, const node *e, frame *fa, frame *fb, const char *name, const node **out, frame **oa,
                         frame **ob) {
  for (int guard = 0; guard < 32; guard++) {
    if (e->kind == N_BLOCK) { e = e->a; continue; }
    if (e->kind == N_RECORD) {
      for (int i = 0; i < e->nkids; i++)
        if (!strcmp(e->kids[i]->name, name)) {
          *out = e->kids[i]->a;
          *oa = fa;
          *ob = fb;
          return true;
        }
      return false;
    }
    if (e->kind == N_NAME && e->refkind == REF_LOCAL) {
      frame *ua = up_frame(fa, e->up), *ub = up_frame(fb, e->up);
      const origin *o = origin_of(s, ua, ub, e->slot);
      if (o) { e = o->arg; fa = o->ca; fb = o->cb; continue; }
      const node *l = let_of(decl_of(s, ua) ? decl_of(s, ua)->a : NULL, e->slot);
      if (l) { e = l->a; fa = ua; fb = ub; continue; }
      return false;
    }
    if (e->kind == N_CALL) {
      frame *ca, *cb;
      const node *d;
      if (!open_call(s, e, fa, fb, &ca, &cb, &d)) return false;
      e = d->a;
      fa = ca;
      fb = cb;
      continue;
    }
    return false;
  }
  return false;
}

static void push_label(vs *s, const char *l) {
  if (s->depth < 8) s->path[s->depth] = l;
  s->depth++;
}

static void pop_label(vs *s) { s->depth--; }

static bool equal_in_both(vs *s, const node *e, frame *fa, frame *fb, dec *out) {
  value a, b;
  if (!eval_quiet(s->v, e, fa, &a) || !eval_quiet(s->v, e, fb, &b)) return false;
  if (a.tag != V_NUM || b.tag != V_NUM || dec_cmp(a.as.num, b.as.num) != 0) return false;
  *out = a.as.num;
  return true;
}

/* The list e gives in both frames, when it is the same list (the keys of
 * the weights): a sum over it splits item by item. */
static bool equal_list(vs *s, const node *e, frame *fa, frame *fb, value *out) {
  value a, b;
  if (!eval_quiet(s->v, e, fa, &a) || !eval_quiet(s->v, e, fb, &b)) return false;
  if (a.tag != V_LIST || b.tag != V_LIST || !value_equal(a, b)) return false;
  *out = a;
  return true;
}

static void decompose_node(vs *s, const node *e, frame *fa, frame *fb, dec scale, dec xa, dec xb, int before);

static void decompose(vs *s, const node *e, frame *fa, frame *fb, dec scale) {
  value va, vb;
  dec xa, xb;
  if (!eval_quiet(s->v, e, fa, &va) || !eval_quiet(s->v, e, fb, &vb) || !num_of(va, &xa) || !num_of(vb, &xb)) return;
  if (dec_cmp(xa, xb) == 0) return; /* no difference here */
  int before = s->n;
  if (s->nest > 400) {
    leaf(s, e, xa, xb, scale);
    return;
  }
  s->nest++;
  decompose_node(s, e, fa, fb, scale, xa, xb, before);
  s->nest--;
}

static void decompose_node(vs *s, const node *e, frame *fa, frame *fb, dec scale, dec xa, dec xb, int before) {
  dec c, sc;
  switch (e->kind) {
  case N_BLOCK:
    decompose(s, e->a, fa, fb, scale);
    return;
  case N_BIN:
    if (e->op == OP_ADD || e->op == OP_SUB) {
      decompose(s, e->a, fa, fb, scale);
      decompose(s, e->b, fa, fb, e->op == OP_SUB ? dec_neg(scale) : scale);
      return;
    }
    if (e->op == OP_MUL && equal_in_both(s, e->a, fa, fb, &c) && dec_mul(scale, c, &sc) == DEC_OK) {
      decompose(s, e->b, fa, fb, sc);
      return;
    }
    if ((e->op == OP_MUL && equal_in_both(s, e->b, fa, fb, &c) && dec_mul(scale, c, &sc) == DEC_OK) ||
        (e->op == OP_DIV && equal_in_both(s, e->b, fa, fb, &c) && !dec_is_zero(c) && dec_div(scale, c, &sc) == DEC_OK)) {
      decompose(s, e->a, fa, fb, sc);
      return;
    }
    break;
  case N_NEG:
    decompose(s, e->a, fa, fb, dec_neg(scale));
    return;
  case N_NAME:
    if (e->refkind == REF_LOCAL) {
      frame *ua = up_frame(fa, e->up), *ub = up_frame(fb, e->up);
      const origin *o = origin_of(s, ua, ub, e->slot);
      if (o) {
        decompose(s, o->arg, o->ca, o->cb, scale);
        return;
      }
      const node *d = decl_of(s, ua);
      const node *l = let_of(d ? d->a : NULL, e->slot);
      if (l) {
        decompose(s, l->a, ua, ub, scale);
        return;
      }
    }
    break;
  case N_FIELD: {
    const node *src;
    frame *oa, *ob;
    if (field_source(s, e->a, fa, fb, e->name, &src, &oa, &ob)) {
      push_label(s, e->name);
      decompose(s, src, oa, ob, scale);
      pop_label(s);
      if (s->n > before) return;
    }
    break;
  }
  case N_CALL: {
    if (e->a->kind == N_NAME && e->a->refkind == REF_BUILTIN) {
      const char *b = e->a->name;
      if (!strcmp(b, "round") && e->nkids >= 1) {
        decompose(s, e->kids[0], fa, fb, scale); /* the rounding is left over */
        return;
      }
      if (!strcmp(b, "get") && e->nkids == 2) {
        value k;
        const node *src;
        frame *oa, *ob;
        if (eval_quiet(s->v, e->kids[1], fa, &k) && k.tag == V_TEXT &&
            field_source(s, e->kids[0], fa, fb, k.as.text->s, &src, &oa, &ob)) {
          push_label(s, k.as.text->s);
          decompose(s, src, oa, ob, scale);
          pop_label(s);
          if (s->n > before) return;
        }
        break;
      }
      if (!strcmp(b, "sum") && e->nkids == 1 && e->kids[0]->kind == N_COMP) {
        const node *comp = e->kids[0];
        value src;
        if (!equal_list(s, comp->b, fa, fb, &src)) break;
        for (size_t i = 0; i < src.as.list->n; i++) {
          frame *ia = eval_frame_new(fa, comp->nslots), *ib = eval_frame_new(fb, comp->nslots);
          ia->slots[comp->slot] = ib->slots[comp->slot] = src.as.list->items[i];
          value keep;
          if (comp->c && (!eval_quiet(s->v, comp->c, ia, &keep) || keep.tag != V_BOOL || !keep.b)) continue;
          value x = src.as.list->items[i];
          push_label(s, x.tag == V_TEXT ? x.as.text->s : explain_show(s->v, x));
          decompose(s, comp->a, ia, ib, scale);
          pop_label(s);
        }
        return;
      }
      break;
    }
    frame *ca, *cb;
    const node *d;
    if (open_call(s, e, fa, fb, &ca, &cb, &d)) {
      decompose(s, d->a, ca, cb, scale);
      s->nopen--;
      /* one part from a call is that call, named as the caller writes it */
      if (s->n > before + 1 || (s->n == before + 1 && s->parts[before].named)) return;
    }
    break;
  }
  default:
    break;
  }
  s->n = before;
  leaf(s, e, xa, xb, scale);
}

/* ---- grouping and display ---- */

typedef struct group {
  const char *label;
  dec a, b, d;               /* contributions and their difference, exact */
  dec shown;                 /* d as displayed, so the shown parts add up */
  int first, n;              /* its parts: s->parts[first..], by index list */
  int *idx;
  dec *sub_shown;
} group;

static dec sub_dec(dec a, dec b) {
  dec r;
  return dec_sub(a, b, &r) == DEC_OK ? r : a;
}

static dec add_dec(dec a, dec b) {
  dec r;
  return dec_add(a, b, &r) == DEC_OK ? r : a;
}

static dec round2(dec x) {
  dec r;
  return dec_round(x, 2, DEC_HALF_EVEN, &r) == DEC_OK ? r : x;
}

/* A number shown like the values it is made of (unit, percent). */
static const char *num_show(value like, dec x, bool sign) {
  value y = like;
  y.tag = V_NUM;
  y.as.num = x;
  char buf[160];
  const char *s = buf;
  if (!y.unit && !y.pct) dec_format_fixed(x, 2, true, buf, sizeof buf);
  else s = value_short(y);
  sbuf b;
  sb_init(&b);
  int c = dec_cmp(x, dec_from_int(0));
  if (sign && c > 0) sb_putc(&b, '+');
  /* a minus sign, as the "price −2.15" writes it */
  if (*s == '-') {
    sb_puts(&b, "−");
    s++;
  }
  sb_puts(&b, s);
  return b.s;
}

/* Largest-remainder fix-up: shown[i] (2 d.p.) add up to total exactly;
 * the difference goes to the part named "rounding" if there is one,
 * else to the largest. */
static void fit(dec *exact, dec *shown, int n, dec total, int rounding) {
  dec sum = dec_from_int(0);
  for (int i = 0; i < n; i++) {
    shown[i] = round2(exact[i]);
    sum = add_dec(sum, shown[i]);
  }
  dec off = sub_dec(total, sum);
  if (dec_is_zero(off) || n == 0) return;
  int k = rounding;
  if (k < 0) {
    k = 0;
    for (int i = 1; i < n; i++)
      if (dec_cmp(dec_abs(exact[i]), dec_abs(exact[k])) > 0) k = i;
  }
  shown[k] = add_dec(shown[k], off);
}

/* A criterion as the panel says it: social_value -> "social value". */
static const char *words(const char *s) {
  char *w = gc_strdup(s);
  for (char *p = w; *p; p++)
    if (*p == '_') *p = ' ';
  return w;
}

static const char *root_label(vm *v, const trace *t) {
  const char *who = NULL;
  for (int i = 0; i < t->nkids && !who; i++) who = explain_subject(v, t->kids[i]);
  return who;
}

static const trace *shared_call(const trace *t) {
  for (int i = 0; i < t->nkids; i++)
    if (t->kids[i]->decl && (t->kids[i]->decl->kind == N_FN || t->kids[i]->decl->kind == N_LAMBDA) && t->kids[i]->env)
      return t->kids[i];
  return NULL;
}

static void json_num(sbuf *b, const char *key, dec x) {
  char buf[128];
  dec_format(x, buf, sizeof buf);
  sb_printf(b, "\"%s\": ", key);
  sb_json_string(b, buf, strlen(buf));
}

const char *trace_render_vs(vm *v, const trace *ta, const trace *tb, svl_format f, int plain) {
  sbuf o;
  sb_init(&o);
  value ra = ta->res, rb = tb->res;
  if (ra.tag != V_NUM || rb.tag != V_NUM) {
    if (f == SVL_FORMAT_JSON) {
      sb_puts(&o, "{\"a\": ");
      sb_puts(&o, trace_render(v, ta, f, 0, 0));
      sb_puts(&o, ", \"b\": ");
      sb_puts(&o, trace_render(v, tb, f, 0, 0));
      sb_puts(&o, ", \"parts\": []}\n");
      return o.s;
    }
    sb_printf(&o, "%s = %s vs %s = %s: not two numbers, so there is no difference to split\n\n", ta->name,
              explain_show(v, ra), tb->name, explain_show(v, rb));
    sb_puts(&o, trace_render(v, ta, f, plain, 0));
    sb_putc(&o, '\n');
    sb_puts(&o, trace_render(v, tb, f, plain, 0));
    return o.s;
  }
  vs s;
  memset(&s, 0, sizeof s);
  s.v = v;
  s.budget = 2000;
  const trace *ca = shared_call(ta), *cb = shared_call(tb);
  bool same = ca && cb && ca->decl == cb->decl;
  if (same) {
    s.open_decls[s.nopen++] = (opened){ca->env, ca->decl};
    decompose(&s, ca->decl->a, ca->env, cb->env, dec_from_int(1));
    s.nopen = 0;
  }
  /* 20 decimals: the parts' sums are then exact, here and for a reader
   * adding them up; the rest goes to "rounding" */
  for (int i = 0; i < s.n; i++) {
    dec r;
    if (dec_round(s.parts[i].a, 20, DEC_HALF_EVEN, &r) == DEC_OK) s.parts[i].a = r;
    if (dec_round(s.parts[i].b, 20, DEC_HALF_EVEN, &r) == DEC_OK) s.parts[i].b = r;
  }
  dec diff = sub_dec(ra.as.num, rb.as.num), sum = dec_from_int(0);
  for (int i = 0; i < s.n; i++) sum = add_dec(sum, sub_dec(s.parts[i].a, s.parts[i].b));
  if (!s.n) add_part(&s, "difference", ra.as.num, rb.as.num);
  else if (dec_cmp(sum, diff) != 0) add_part(&s, "rounding", sub_dec(diff, sum), dec_from_int(0));
  /* group by criterion, in order of appearance */
  group *g = gc_alloc((size_t)s.n * sizeof *g);
  int ng = 0, rounding = -1;
  for (int i = 0; i < s.n; i++) {
    int k = 0;
    while (k < ng && strcmp(g[k].label, s.parts[i].label)) k++;
    if (k == ng) {
      g[ng].label = s.parts[i].label;
      g[ng].a = g[ng].b = dec_from_int(0);
      g[ng].idx = gc_alloc((size_t)s.n * sizeof(int));
      g[ng].n = 0;
      if (!strcmp(g[ng].label, "rounding")) rounding = ng;
      ng++;
    }
    g[k].a = add_dec(g[k].a, s.parts[i].a);
    g[k].b = add_dec(g[k].b, s.parts[i].b);
    g[k].idx[g[k].n++] = i;
  }
  dec *ex = gc_alloc((size_t)(ng + 1) * sizeof(dec)), *sh = gc_alloc((size_t)(ng + 1) * sizeof(dec));
  for (int k = 0; k < ng; k++) ex[k] = g[k].d = sub_dec(g[k].a, g[k].b);
  /* the difference as shown: exactly the shown totals' difference */
  dec shown_diff = sub_dec(explain_rounded(ra).as.num, explain_rounded(rb).as.num);
  fit(ex, sh, ng, shown_diff, rounding);
  for (int k = 0; k < ng; k++) {
    g[k].shown = sh[k];
    g[k].sub_shown = gc_alloc((size_t)(g[k].n + 1) * sizeof(dec));
    dec *se = gc_alloc((size_t)(g[k].n + 1) * sizeof(dec));
    for (int j = 0; j < g[k].n; j++) {
      part *p = &s.parts[g[k].idx[j]];
      se[j] = sub_dec(p->a, p->b);
    }
    fit(se, g[k].sub_shown, g[k].n, sh[k], -1);
  }
  const char *wa = root_label(v, ta), *wb = root_label(v, tb);
  if (f == SVL_FORMAT_JSON) {
    sb_puts(&o, "{\"a\": ");
    sb_puts(&o, trace_render(v, ta, f, 0, 0));
    o.len--; /* the newline */
    sb_puts(&o, ", \"b\": ");
    sb_puts(&o, trace_render(v, tb, f, 0, 0));
    o.len--;
    sb_puts(&o, ", \"difference\": {");
    json_num(&o, "number", diff);
    const char *u = ra.unit ? unit_name(ra.unit) : ra.pct ? "%" : "";
    sb_puts(&o, ", \"unit\": ");
    sb_json_string(&o, u, strlen(u));
    sb_puts(&o, ", ");
    json_num(&o, "shown", shown_diff);
    sb_printf(&o, "}, \"same_function\": %s, \"parts\": [", same ? "true" : "false");
    for (int k = 0; k < ng; k++) {
      sb_puts(&o, k ? ", {\"criterion\": " : "{\"criterion\": ");
      sb_json_string(&o, g[k].label, strlen(g[k].label));
      sb_puts(&o, ", ");
      json_num(&o, "difference", g[k].d);
      sb_puts(&o, ", ");
      json_num(&o, "shown", g[k].shown);
      sb_puts(&o, ", ");
      json_num(&o, "a", g[k].a);
      sb_puts(&o, ", ");
      json_num(&o, "b", g[k].b);
      sb_puts(&o, ", \"parts\": [");
      int shownsubs = 0;
      for (int j = 0; j < g[k].n; j++) {
        part *p = &s.parts[g[k].idx[j]];
        if (!p->sub) continue;
        sb_puts(&o, shownsubs++ ? ", {\"criterion\": " : "{\"criterion\": ");
        sb_json_string(&o, p->sub, strlen(p->sub));
        sb_puts(&o, ", ");
        json_num(&o, "difference", sub_dec(p->a, p->b));
        sb_puts(&o, ", ");
        json_num(&o, "shown", g[k].sub_shown[j]);
        sb_puts(&o, ", ");
        json_num(&o, "a", p->a);
        sb_puts(&o, ", ");
        json_num(&o, "b", p->b);
        sb_putc(&o, '}');
      }
      sb_puts(&o, "]}");
    }
    sb_puts(&o, "]}\n");
    return o.s;
  }
  const char *na = wa ? wa : ta->name, *nb = wb ? wb : tb->name;
  if (plain) {
    sb_printf(&o, "%s scored %s and %s %s", na, num_show(ra, explain_rounded(ra).as.num, false), nb,
              num_show(rb, explain_rounded(rb).as.num, false));
    if (strcmp(na, ta->name) || strcmp(nb, tb->name)) sb_printf(&o, " (%s vs %s)", ta->name, tb->name);
    sb_puts(&o, ": ");
    int c = dec_cmp(shown_diff, dec_from_int(0));
    if (c == 0) sb_puts(&o, "the same.\n");
    else sb_printf(&o, "%s %s.\n", num_show(ra, dec_abs(shown_diff), false), c > 0 ? "more" : "less");
    for (int k = 0; k < ng; k++) {
      int ck = dec_cmp(g[k].shown, dec_from_int(0));
      if (!strcmp(g[k].label, "rounding")) {
        if (dec_is_zero(g[k].shown)) continue;
        sb_printf(&o, "  Rounding accounts for %s.\n", num_show(ra, g[k].shown, true));
        continue;
      }
      sb_printf(&o, "  On %s, %s had %s and %s %s: %s %s.\n", words(g[k].label), na, num_show(ra, round2(g[k].a), false), nb,
                num_show(ra, round2(g[k].b), false), ck ? num_show(ra, dec_abs(g[k].shown), false) : "no",
                ck > 0 ? "more" : ck < 0 ? "less" : "difference");
      for (int j = 0; j < g[k].n && g[k].n > 1; j++) {
        part *p = &s.parts[g[k].idx[j]];
        if (!p->sub) continue;
        sb_printf(&o, "    %s: %s against %s, %s.\n", words(p->sub), num_show(ra, round2(p->a), false),
                  num_show(ra, round2(p->b), false), num_show(ra, g[k].sub_shown[j], true));
      }
    }
    return o.s;
  }
  sb_printf(&o, "%s = %s%s%s vs %s = %s%s%s: %s\n", ta->name, num_show(ra, explain_rounded(ra).as.num, false), wa ? ", for " : "", wa ? wa : "", tb->name,
            num_show(rb, explain_rounded(rb).as.num, false), wb ? ", for " : "", wb ? wb : "", num_show(ra, shown_diff, true));
  for (int k = 0; k < ng; k++) {
    if (!strcmp(g[k].label, "rounding") && dec_is_zero(g[k].shown)) continue;
    sb_printf(&o, "  %s %s", words(g[k].label), num_show(ra, g[k].shown, true));
    if (strcmp(g[k].label, "rounding"))
      sb_printf(&o, " (%s vs %s)", num_show(ra, round2(g[k].a), false), num_show(ra, round2(g[k].b), false));
    sb_putc(&o, '\n');
    for (int j = 0; j < g[k].n && g[k].n > 1; j++) {
      part *p = &s.parts[g[k].idx[j]];
      if (!p->sub) continue;
      sb_printf(&o, "    %s %s (%s vs %s)\n", words(p->sub), num_show(ra, g[k].sub_shown[j], true), num_show(ra, round2(p->a), false),
                num_show(ra, round2(p->b), false));
    }
  }
  if (!same) sb_puts(&o, "  (the two are not made by the same function: only their difference is shown)\n");
  sb_putc(&o, '\n');
  sb_puts(&o, trace_render(v, ta, f, 0, 0));
  sb_putc(&o, '\n');
  sb_puts(&o, trace_render(v, tb, f, 0, 0));
  return o.s;
}
