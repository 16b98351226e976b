/* OCDS builtins behind stdlib/ocds.svl (docs/ocds.md): merging releases
 * into compiled releases, OCDS Values to money, award-criteria weights
 * from text, and flattening a release to one row of dotted names.
 *
 * The merge follows "Merging" of OCDS 1.1 (standard.open-contracting.org/
 * 1.1/en/schema/merging/), checked against the standard's own examples and
 * ocds-merge's fixtures (tests/data/ocds/README.md); no code of either was
 * used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gc.h"
#include "stdlib/datetime.h"
#include "stdlib/ocds.h"

#define BUILTIN(name) static value name(vm *v, int nargs, value *args, loc at)

/* ---- merging ------------------------------------------------------------ */

/* Arrays of objects the 1.1.5 release schema merges whole (wholeListMerge,
 * or items without an `id`), by path without indices; derived from
 * schema/dereferenced-release-schema.json of tag 1__1__5 (Apache-2.0) the
 * way the standard's "Whole list merge" says. Any other array of objects
 * is merged by `id` (extensions' arrays too, as ocds-merge does). */
static const char *const whole_lists[] = {
    "parties.additionalIdentifiers", "buyer.additionalIdentifiers",
    "tender.procuringEntity.additionalIdentifiers", "tender.items.additionalClassifications",
    "tender.tenderers.additionalIdentifiers", "tender.amendments.changes", "tender.amendment.changes",
    "awards.suppliers.additionalIdentifiers", "awards.items.additionalClassifications",
    "awards.amendments.changes", "awards.amendment.changes", "contracts.items.additionalClassifications",
    "contracts.implementation.transactions.payer.additionalIdentifiers",
    "contracts.implementation.transactions.payee.additionalIdentifiers", "contracts.amendments.changes",
    "contracts.amendment.changes",
};

enum { M_LIT, M_OBJ, M_ARR };

/* The compiled release while it is built: records and lists are immutable
 * values, so the merge works on this mutable tree and turns it into values
 * once at the end.  Everything in it is garbage once the release is built,
 * and merging a national file makes a lot of it (the x40 benchmark's
 * package made seven times its size, and the collector's work and the
 * heap's slack grow with it): a leaf is only its kind and value, a leaf
 * merged again is overwritten in place, an object keeps no ids, and
 * mvalue builds on one scratch stack. */
typedef struct mnode {
  int kind;
  union {
    value lit; /* M_LIT */
    struct {
      size_t n, cap;     /* M_OBJ fields / M_ARR items */
      const char **keys; /* M_OBJ; NULL key: removed by a null */
      value *ids;        /* M_ARR: each item's id (null: none, never matched) */
      struct mnode **kids;
      /* The last record (M_OBJ) or list (M_ARR) merged into this node:
       * when the result has exactly its fields and values, the result IS
       * that value, shared rather than copied (mvalue).  A process
       * published once, and every part a later release repeats, then
       * costs no memory. */
      const record *src_rec;
      const list *src_list;
    };
  };
} mnode;

static mnode *mnew(int kind) {
  mnode *m = gc_alloc(kind == M_LIT ? offsetof(mnode, lit) + sizeof(value) : sizeof *m);
  m->kind = kind;
  return m;
}

static void mlit(mnode **slot, value x) {
  if (!*slot || (*slot)->kind != M_LIT) *slot = mnew(M_LIT);
  (*slot)->lit = x;
}

static void madd(mnode *m, const char *key, value id, mnode *kid) {
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : m->kind == M_OBJ ? 8 : 2;
    mnode **kids = gc_alloc(cap * sizeof *kids);
    if (m->n) memcpy(kids, m->kids, m->n * sizeof *kids);
    m->kids = kids;
    if (m->kind == M_OBJ) {
      const char **k = gc_alloc(cap * sizeof *k);
      if (m->n) memcpy(k, m->keys, m->n * sizeof *k);
      m->keys = k;
    } else {
      value *ids = gc_alloc(cap * sizeof *ids);
      if (m->n) memcpy(ids, m->ids, m->n * sizeof *ids);
      m->ids = ids;
    }
    m->cap = cap;
  }
  if (m->kind == M_OBJ) m->keys[m->n] = key;
  else m->ids[m->n] = id;
  m->kids[m->n++] = kid;
}

typedef struct { char *s; size_t len, cap; } pathbuf;

static size_t path_push(pathbuf *p, const char *key, char sep) {
  size_t mark = p->len, k = strlen(key);
  if (p->len + k + 2 > p->cap) {
    size_t cap = (p->len + k + 2) * 2;
    char *s = gc_alloc_atomic(cap);
    if (p->len) memcpy(s, p->s, p->len);
    p->s = s, p->cap = cap;
  }
  if (p->len) p->s[p->len++] = sep;
  memcpy(p->s + p->len, key, k);
  p->len += k;
  p->s[p->len] = 0;
  return mark;
}

static bool whole_list(const pathbuf *p) {
  for (size_t i = 0; i < sizeof whole_lists / sizeof whole_lists[0]; i++)
    if (!strcmp(p->s, whole_lists[i])) return true;
  return false;
}

static void merge_obj(vm *v, mnode *out, const record *in, pathbuf *path, int depth, bool top);

static void merge_value(vm *v, mnode **slot, value x, pathbuf *path, int depth) {
  if (value_too_deep(depth)) value_nesting_error(depth);
  if (x.tag == V_RECORD) {
    if (!*slot || (*slot)->kind != M_OBJ) *slot = mnew(M_OBJ);
    merge_obj(v, *slot, x.as.rec, path, depth + 1, false);
    return;
  }
  if (x.tag == V_LIST) {
    const list *l = x.as.list;
    bool objects = l->n > 0;
    for (size_t i = 0; i < l->n && objects; i++) objects = l->items[i].tag == V_RECORD;
    if (!objects || whole_list(path)) {
      mlit(slot, x);
      return;
    }
    /* identifier merge: the object with the same id, else a new one */
    if (!*slot || (*slot)->kind != M_ARR) *slot = mnew(M_ARR);
    mnode *arr = *slot;
    for (size_t i = 0; i < l->n; i++) {
      const record *r = l->items[i].as.rec;
      long k = record_find(r, "id");
      value id = k >= 0 ? rec_get(r, (size_t)k) : v_null;
      mnode *hit = NULL;
      for (size_t j = 0; j < arr->n && !hit && id.tag != V_NULL; j++)
        if (arr->ids[j].tag != V_NULL && value_equal(arr->ids[j], id)) hit = arr->kids[j];
      if (!hit) {
        hit = mnew(M_OBJ);
        madd(arr, NULL, id, hit);
      }
      merge_obj(v, hit, r, path, depth + 1, false);
    }
    arr->src_list = l;
    return;
  }
  mlit(slot, x);
}

static void merge_obj(vm *v, mnode *out, const record *in, pathbuf *path, int depth, bool top) {
  for (size_t i = 0; i < in->n; i++) {
    const char *key = in->keys[i];
    /* omitWhenMerged: the release's own metadata */
    if (top && (!strcmp(key, "id") || !strcmp(key, "date") || !strcmp(key, "tag"))) continue;
    value x = rec_get(in, i);
    long at = -1;
    for (size_t j = 0; j < out->n && at < 0; j++)
      if (out->keys[j] && !strcmp(out->keys[j], key)) at = (long)j;
    if (x.tag == V_NULL) { /* null removes the field */
      if (at >= 0) out->keys[at] = NULL;
      continue;
    }
    size_t mark = path_push(path, key, '.');
    /* an empty object or array changes nothing (as ocds-merge does), except
     * an empty list merged whole, which replaces the list */
    if ((x.tag == V_RECORD && x.as.rec->n == 0) || (x.tag == V_LIST && x.as.list->n == 0 && !whole_list(path))) {
      path->len = mark;
      path->s[mark] = 0;
      continue;
    }
    if (at < 0) {
      madd(out, key, v_null, NULL);
      at = (long)out->n - 1;
    }
    merge_value(v, &out->kids[at], x, path, depth + 1);
    path->len = mark;
    path->s[mark] = 0;
  }
  out->src_rec = in;
}

/* The same value, bit for bit (the same text, list or record object): a
 * false "no" only costs a copy. */
static bool same_value(value a, value b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Where mvalue gathers a node's values before it knows whether the node
 * is the very value it came from (most are): one stack for a whole
 * merge, a node's slots above its parent's. */
typedef struct {
  value *vals;
  const char **keys;
  int n, vcap, kcap;
} mstack;

static size_t mreserve(vm *v, loc at, mstack *st, size_t k) {
  size_t base = (size_t)st->n;
  while ((size_t)st->vcap < base + k)
    if (!GC_GROW(st->vals, st->vcap, st->vcap, 64)) vm_error(v, at, "E0802 out of memory");
  while ((size_t)st->kcap < base + k)
    if (!GC_GROW(st->keys, st->kcap, st->kcap, 64)) vm_error(v, at, "E0802 out of memory");
  st->n = (int)(base + k);
  return base;
}

/* The tree as values.  An object or list left with nothing in it is
 * left out, as the reference implementation does (it keeps leaves only):
 * {"planning": {"budget": {}}} compiles to no planning at all. */
static bool mvalue(vm *v, loc at, mstack *st, const mnode *m, value *out) {
  if (m->kind == M_LIT) {
    *out = m->lit;
    return true;
  }
  size_t base = mreserve(v, at, st, m->n), n = 0;
  for (size_t i = 0; i < m->n; i++) {
    const char *key = m->kind == M_OBJ ? m->keys[i] : NULL;
    value x;
    if ((m->kind == M_ARR || key) && m->kids[i] && mvalue(v, at, st, m->kids[i], &x)) {
      /* the stack may have moved while the child was built */
      st->vals[base + n] = x;
      st->keys[base + n++] = key;
    }
  }
  st->n = (int)base; /* the slots stay readable until the next reserve */
  if (n == 0) return false;
  const value *vals = st->vals + base;
  const char *const *keys = st->keys + base;
  if (m->kind == M_ARR && m->src_list && m->src_list->n == n) {
    size_t i = 0;
    while (i < n && same_value(vals[i], m->src_list->items[i])) i++;
    if (i == n) {
      *out = v_list(m->src_list);
      return true;
    }
  }
  if (m->kind == M_OBJ && m->src_rec && m->src_rec->n == n) {
    const record *r = m->src_rec;
    size_t i = 0;
    while (i < n && (keys[i] == r->keys[i] || !strcmp(keys[i], r->keys[i])) && same_value(vals[i], rec_get(r, i))) i++;
    if (i == n) {
      *out = v_rec(r);
      return true;
    }
  }
  if (m->kind == M_ARR) {
    list *l = list_new(n);
    memcpy(l->items, vals, n * sizeof *vals);
    *out = v_list(l);
    return true;
  }
  /* packed like a loaded object (core/value.h record_tagged): a compiled
   * release is as big as the releases it merges */
  const char **ks = gc_alloc(n * sizeof *ks);
  memcpy(ks, keys, n * sizeof *keys);
  *out = v_rec(record_tagged(n, ks, vals));
  return true;
}

static value field(const record *r, const char *name) {
  long k = record_find(r, name);
  return k < 0 ? v_null : rec_get(r, (size_t)k);
}

typedef struct {
  const record *r;
  const char *ocid;
  dtime date;
  size_t order, first; /* position in the input; first position of its ocid */
} dated;

static int by_ocid(const void *a, const void *b) {
  const dated *x = a, *y = b;
  int c = strcmp(x->ocid, y->ocid);
  return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* processes in the order their ocid first appears, then by date (stable) */
static int by_process(const void *a, const void *b) {
  const dated *x = a, *y = b;
  if (x->first != y->first) return x->first < y->first ? -1 : 1;
  int c = dt_cmp(&x->date, &y->date);
  if (c) return c;
  return (x->order > y->order) - (x->order < y->order);
}

static value compile_one(vm *v, loc at, mstack *st, dated *rs, size_t n) {
  mnode *out = mnew(M_OBJ);
  pathbuf path = {0};
  path_push(&path, "x", '.'); /* allocates */
  for (size_t i = 0; i < n; i++) {
    path.len = 0;
    path.s[0] = 0;
    merge_obj(v, out, rs[i].r, &path, 0, true);
  }
  value body = v_rec(record_new(0));
  mvalue(v, at, st, out, &body);
  /* the compiled release's own metadata, as the standard's note and the
   * reference implementation give it: tag, id {ocid}-{date}, date */
  value ocid = field(rs[0].r, "ocid"), date = field(rs[n - 1].r, "date");
  const record *b = body.as.rec;
  record *r = record_new(b->n + 3);
  list *tag = list_new(1);
  tag->items[0] = v_cstr("compiled");
  r->keys[0] = "tag", r->vals[0] = v_list(tag);
  r->keys[1] = "id";
  sbuf id;
  sb_init(&id);
  sb_printf(&id, "%s-%s", ocid.as.text->s, date.as.text->s);
  r->vals[1] = v_cstr(id.s);
  r->keys[2] = "date", r->vals[2] = date;
  for (size_t i = 0; i < b->n; i++) r->keys[3 + i] = b->keys[i], r->vals[3 + i] = rec_get(b, i);
  return v_rec(r);
}

/* ocds_merge(releases): one compiled release per ocid, in the order each
 * ocid first appears. */
BUILTIN(o_merge) {
  (void)nargs;
  value x = args[0];
  if (x.tag == V_RECORD && record_find(x.as.rec, "releases") >= 0) x = field(x.as.rec, "releases");
  if (x.tag != V_LIST)
    vm_error(v, at, "E0402 ocds_merge expects a list of releases or a release package, got %s", value_type_name(x));
  const list *l = x.as.list;
  dated *rs = gc_alloc((l->n ? l->n : 1) * sizeof *rs);
  for (size_t i = 0; i < l->n; i++) {
    if (l->items[i].tag != V_RECORD)
      vm_error(v, at, "E0402 ocds_merge: releases[%zu] is %s, not a release", i + 1, value_type_name(l->items[i]));
    const record *r = l->items[i].as.rec;
    value ocid = field(r, "ocid"), date = field(r, "date");
    if (ocid.tag != V_TEXT) vm_error(v, at, "E0407 ocds_merge: releases[%zu] has no ocid", i + 1);
    if (date.tag != V_TEXT)
      vm_error_hint(v, at, "the merge orders releases by their date, which OCDS requires",
                    "E0407 ocds_merge: releases[%zu] (ocid %s) has no date", i + 1, ocid.as.text->s);
    dtime t;
    dt_status st = dt_parse(date.as.text->s, date.as.text->len, &t);
    if (st != DT_OK && st != DT_NO_OFFSET) /* a date without offset is ordered as if in UTC */
      vm_error(v, at, "E0407 ocds_merge: releases[%zu].date %s is not a date-time: %s", i + 1,
               value_display(date, false), dt_status_text(st));
    rs[i].r = r, rs[i].ocid = ocid.as.text->s, rs[i].date = t, rs[i].order = i;
  }
  /* group by ocid (a sort, not a scan per ocid: national files hold
   * hundreds of thousands of processes), then order the groups */
  qsort(rs, l->n, sizeof *rs, by_ocid);
  size_t nocid = 0;
  for (size_t i = 0; i < l->n; i++) {
    bool head = i == 0 || strcmp(rs[i].ocid, rs[i - 1].ocid) != 0;
    rs[i].first = head ? rs[i].order : rs[i - 1].first;
    nocid += head;
  }
  qsort(rs, l->n, sizeof *rs, by_process);
  list *out = list_new(nocid);
  mstack st = {0};
  for (size_t i = 0, k = 0; i < l->n; k++) {
    size_t j = i + 1;
    while (j < l->n && rs[j].first == rs[i].first) j++;
    out->items[k] = compile_one(v, at, &st, rs + i, j - i);
    i = j;
  }
  return v_list(out);
}

/* ---- Values ------------------------------------------------------------- */

/* "in bids.json line 42": where a loaded record came from, for messages */
static const char *origin(value x, value where) {
  sbuf b;
  sb_init(&b);
  if (where.tag == V_TEXT) sb_printf(&b, " at %s", where.as.text->s);
  if (x.tag == V_RECORD && rec_src(x.as.rec) && rec_src(x.as.rec)->file)
    sb_printf(&b, " (%s, line %u)", rec_src(x.as.rec)->file, (unsigned)x.as.rec->line);
  return b.s ? b.s : "";
}

value ocds_money(vm *v, loc at, value x, value where) {
  if (x.tag == V_NULL) return x;
  if (x.tag == V_NUM && unit_is_money(x.unit)) return x;
  if (x.tag != V_RECORD)
    vm_error(v, at, "E0402 money expects an OCDS Value {amount, currency}%s, got %s", origin(x, where), value_type_name(x));
  value amount = field(x.as.rec, "amount"), cur = field(x.as.rec, "currency");
  if (amount.tag == V_NULL) return v_null; /* no amount published */
  if (amount.tag == V_TEXT) {
    dec d;
    if (dec_parse(amount.as.text->s, amount.as.text->len, &d) != DEC_OK)
      vm_error(v, at, "E0407 the amount %s of the Value%s is not a number", value_display(amount, false), origin(x, where));
    amount = v_num(d);
  }
  if (amount.tag != V_NUM || amount.unit || amount.pct)
    vm_error(v, at, "E0402 the amount of the Value%s is %s, not a number", origin(x, where), value_type_name(amount));
  if (cur.tag == V_NULL)
    vm_error_hint(v, at, "OCDS requires a currency with an amount; filter such Values out, or give the currency the publisher meant",
                  "E0403 the Value%s has amount %s and no currency (currency is null or missing)", origin(x, where),
                  value_display(amount, true));
  if (cur.tag != V_TEXT) vm_error(v, at, "E0402 the currency of the Value%s is %s, not a text", origin(x, where), value_type_name(cur));
  const char *err;
  const unit_def *d = unit_currency(vm_units(v), cur.as.text->s, &err);
  if (!d) vm_error(v, at, "E0407 the Value%s has currency %s: %s", origin(x, where), value_display(cur, false), err);
  return v_qty(amount.as.num, unit_from_def(d));
}

/* money(x, where = null) */
BUILTIN(o_money) {
  return ocds_money(v, at, args[0], nargs > 1 ? args[1] : v_null);
}

/* ---- award-criteria weights --------------------------------------------- */

static dec hundredth(dec x) {
  dec out;
  return dec_div(x, dec_from_int(100), &out) == DEC_OK ? out : x;
}

/* One number of a weight: digits with one '.' or ',' as the decimal mark. */
static bool weight_number(const char *s, size_t n, dec *out) {
  char buf[64];
  size_t k = 0;
  bool mark = false;
  if (n == 0 || n >= sizeof buf) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.' || c == ',') {
      if (mark || i == 0 || i == n - 1) return false;
      mark = true;
      buf[k++] = '.';
    } else if (c >= '0' && c <= '9') buf[k++] = c;
    else return false;
  }
  return dec_parse(buf, k, out) == DEC_OK;
}

static void trim(const char **s, size_t *n) {
  while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

/* ocds_weight(x): 70, "70", "70%", "70 %", "12,5%" give 70% (12.5%);
 * "15-40%" and "15–40 %" give the range 15%..40%; anything else is null,
 * for the caller to report (ocds.weights lists them). */
BUILTIN(o_weight) {
  (void)nargs, (void)v, (void)at;
  value x = args[0];
  if (x.tag == V_NUM && !x.unit) return x.pct ? x : v_pct(hundredth(x.as.num));
  if (x.tag != V_TEXT) return v_null;
  const char *s = x.as.text->s;
  size_t n = x.as.text->len;
  trim(&s, &n);
  if (n && s[n - 1] == '%') n--, trim(&s, &n);
  /* a range: "15-40", "15 – 40" (en dash, U+2013) */
  const char *dash = NULL;
  size_t dlen = 0;
  for (size_t i = 1; i < n && !dash; i++) {
    if (s[i] == '-') dash = s + i, dlen = 1;
    else if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x93)
      dash = s + i, dlen = 3;
  }
  dec lo, hi;
  if (dash) {
    const char *a = s, *b = dash + dlen;
    size_t an = (size_t)(dash - s), bn = n - an - dlen;
    trim(&a, &an), trim(&b, &bn);
    if (an && a[an - 1] == '%') an--, trim(&a, &an);
    if (!weight_number(a, an, &lo) || !weight_number(b, bn, &hi) || dec_cmp(lo, hi) > 0) return v_null;
    range *r = gc_alloc(sizeof *r);
    r->lo = v_pct(hundredth(lo));
    r->hi = v_pct(hundredth(hi));
    value out = {.tag = V_RANGE};
    out.as.range = r;
    return out;
  }
  if (!weight_number(s, n, &lo)) return v_null;
  return v_pct(hundredth(lo));
}

/* ---- flattening --------------------------------------------------------- */

static void flat(record *out, size_t *n, size_t *cap, value x, pathbuf *p, int depth);

static void flat_put(record *out, size_t *n, const pathbuf *p, value x) {
  out->keys[*n] = gc_strdup(p->s);
  out->vals[(*n)++] = x;
}

static void flat(record *out, size_t *n, size_t *cap, value x, pathbuf *p, int depth) {
  if (value_too_deep(depth)) value_nesting_error(depth);
  (void)cap;
  if (x.tag == V_RECORD) {
    for (size_t i = 0; i < x.as.rec->n; i++) {
      size_t mark = path_push(p, x.as.rec->keys[i], '/');
      flat(out, n, cap, rec_get(x.as.rec, i), p, depth + 1);
      p->len = mark, p->s[mark] = 0;
    }
    return;
  }
  if (x.tag == V_LIST) {
    bool scalars = true;
    for (size_t i = 0; i < x.as.list->n && scalars; i++) {
      int t = x.as.list->items[i].tag;
      scalars = t != V_RECORD && t != V_LIST;
    }
    if (scalars) { /* ["tender", "award"]: one cell, "tender;award" */
      sbuf b;
      sb_init(&b);
      for (size_t i = 0; i < x.as.list->n; i++) {
        if (i) sb_putc(&b, ';');
        sb_puts(&b, value_display(x.as.list->items[i], true));
      }
      flat_put(out, n, p, v_cstr(b.s ? b.s : ""));
      return;
    }
    for (size_t i = 0; i < x.as.list->n; i++) {
      char idx[32];
      snprintf(idx, sizeof idx, "%zu", i + 1);
      size_t mark = path_push(p, idx, '/');
      flat(out, n, cap, x.as.list->items[i], p, depth + 1);
      p->len = mark, p->s[mark] = 0;
    }
    return;
  }
  flat_put(out, n, p, x);
}

static size_t leaves(value x, int depth) {
  if (value_too_deep(depth)) value_nesting_error(depth);
  if (x.tag == V_RECORD) {
    size_t k = 0;
    for (size_t i = 0; i < x.as.rec->n; i++) k += leaves(rec_get(x.as.rec, i), depth + 1);
    return k;
  }
  if (x.tag == V_LIST) {
    size_t k = 0;
    bool scalars = true;
    for (size_t i = 0; i < x.as.list->n && scalars; i++) scalars = x.as.list->items[i].tag != V_RECORD && x.as.list->items[i].tag != V_LIST;
    if (scalars) return 1;
    for (size_t i = 0; i < x.as.list->n; i++) k += leaves(x.as.list->items[i], depth + 1);
    return k;
  }
  return 1;
}

/* ocds_flatten(r): one record whose names are paths, "tender/value/amount"
 * (the spelling of Flatten Tool's flat OCDS and of its CSV headers), with
 * list items numbered from 1 ("awards/1/suppliers/1/name") and a list of
 * plain values joined with ';' ("tag": "tender;award"). */
BUILTIN(o_flatten) {
  (void)nargs;
  if (args[0].tag != V_RECORD) vm_error(v, at, "E0402 ocds_flatten expects a record, got %s", value_type_name(args[0]));
  size_t total = leaves(args[0], 0), n = 0, cap = total;
  record *out = record_new(total);
  pathbuf p = {0};
  flat(out, &n, &cap, args[0], &p, 0);
  out->n = n;
  return v_rec(out);
}

const builtin ocds_builtins[] = {
    {"ocds_merge", 1, 1, o_merge, "releases"},
    {"money", 1, 2, o_money, "value, where"},
    {"ocds_weight", 1, 1, o_weight, "x"},
    {"ocds_flatten", 1, 1, o_flatten, "release"},
};
const int ocds_builtins_count = BUILTIN_COUNT(ocds_builtins);
