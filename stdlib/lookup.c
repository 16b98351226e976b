/* Rows by key: lookup(rows, key, value[, default]) and the three-argument
 * join(left, right, key) (docs/language.md "Lookups and joins").
 *
 * Both exist so that a key written differently in two files (a supplier
 * "Acme Ltd" in one, "Acme Limited" in the other) stops the run with the
 * key, the nearest keys there are and the rows concerned, instead of
 * filtering to an empty list that fails somewhere later ("first of an
 * empty list") or silently dropping the row from a join.
 *
 * Nearest keys: texts are compared after folding case, punctuation and
 * the usual company suffixes (Limited/Ltd, Company/Co, &/and...), then by
 * edit distance, so "Acme Ltd" suggests "Acme Limited". */
#include "stdlib/lookup.h"

#include <stdio.h>
#include <string.h>

#include "eval/eval.h"
#include "core/gc.h"

#define MAX_SUGGEST 3   /* nearest keys named in one message */
#define MAX_LISTED 10   /* unmatched rows listed per side of a join */

/* ---- nearest keys ---------------------------------------------------- */

static const char *const folds[][2] = {
    {"public limited company", "plc"}, {"limited", "ltd"}, {"company", "co"}, {"incorporated", "inc"},
    {"corporation", "corp"},           {"&", "and"},       {"the", ""},
};

/* Lower case, words of letters and digits separated by one space, the
 * usual company words folded. */
static const char *fold(const char *s) {
  sbuf w;
  sb_init(&w);
  sb_putc(&w, ' ');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (c == '&') sb_puts(&w, " & ");
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) sb_putc(&w, (char)c);
    else if (w.s[w.len - 1] != ' ') sb_putc(&w, ' ');
  }
  sb_putc(&w, ' ');
  const char *t = w.s;
  for (size_t k = 0; k < sizeof folds / sizeof folds[0]; k++) {
    char from[40], to[40];
    snprintf(from, sizeof from, " %s ", folds[k][0]);
    snprintf(to, sizeof to, folds[k][1][0] ? " %s " : " ", folds[k][1]);
    sbuf o;
    sb_init(&o);
    const char *p = t, *q;
    while ((q = strstr(p, from))) {
      sb_putn(&o, p, (size_t)(q - p));
      sb_puts(&o, to);
      p = q + strlen(from) - 1; /* the closing space starts the next match */
    }
    sb_puts(&o, p);
    t = o.s;
  }
  sbuf out; /* collapse the spaces the folds left */
  sb_init(&out);
  for (const char *p = t; *p; p++)
    if (*p != ' ' || (out.len && out.s[out.len - 1] != ' ')) sb_putc(&out, *p);
  while (out.len && out.s[out.len - 1] == ' ') out.s[--out.len] = 0;
  return out.s ? out.s : "";
}

/* The key as a text for comparing and showing: a text as it is, anything
 * else in its display form. */
static const char *key_text(value k) { return k.tag == V_TEXT ? k.as.text->s : value_display(k, true); }

typedef struct {
  value key;
  const record *row;
  size_t d;
} near;

/* Up to MAX_SUGGEST keys of rows (field key) close to want, nearest first,
 * each once; *n of them. */
static int nearest(const list *rows, const char *key, value want, near *out) {
  const char *w = fold(key_text(want));
  size_t limit = strlen(w) / 3;
  if (limit < 2) limit = 2;
  int n = 0;
  for (size_t i = 0; i < rows->n && i < 200000; i++) {
    if (rows->items[i].tag != V_RECORD) continue;
    const record *r = rows->items[i].as.rec;
    long f = record_find(r, key);
    if (f < 0) continue;
    value k = rec_get(r, (size_t)f);
    if (k.tag == V_NULL || value_equal(k, want)) continue;
    bool seen = false;
    for (int j = 0; j < n && !seen; j++) seen = value_equal(out[j].key, k);
    if (seen) continue;
    size_t d = diag_edit_distance(w, fold(key_text(k)));
    if (d > limit) continue;
    int at = n < MAX_SUGGEST ? n++ : MAX_SUGGEST;
    if (at == MAX_SUGGEST) {
      if (d >= out[MAX_SUGGEST - 1].d) continue;
      at = MAX_SUGGEST - 1;
    }
    while (at > 0 && out[at - 1].d > d) out[at] = out[at - 1], at--;
    out[at] = (near){k, r, d};
  }
  return n;
}

/* "did you mean "Acme Limited" (commitments.csv:2)?" or NULL. */
static const char *suggest(const list *rows, const char *key, value want) {
  near nb[MAX_SUGGEST];
  int n = nearest(rows, key, want, nb);
  if (!n) return NULL;
  sbuf b;
  sb_init(&b);
  sb_puts(&b, "did you mean ");
  for (int i = 0; i < n; i++) {
    if (i) sb_puts(&b, i == n - 1 ? " or " : ", ");
    sb_puts(&b, value_display(nb[i].key, false));
    if (rec_src(nb[i].row)) sb_printf(&b, " (%s:%u)", nb[i].row->src->file, (unsigned)nb[i].row->line);
  }
  sb_putc(&b, '?');
  return b.s;
}

/* Where a list of rows came from: its first row's file, else `fallback`. */
static const char *where(const list *rows, const char *fallback) {
  for (size_t i = 0; i < rows->n; i++)
    if (rows->items[i].tag == V_RECORD && rec_src(rows->items[i].as.rec)) return rows->items[i].as.rec->src->file;
  return fallback;
}

/* "bids.csv:3 (supplier "Acme Ltd")", or "row 3" for a built list. */
static const char *row_name(const record *r, size_t i) {
  const char *p = prov_row(r);
  if (p) return p;
  sbuf b;
  sb_init(&b);
  sb_printf(&b, "row %zu", i + 1);
  return b.s;
}

static const list *want_rows(vm *v, loc at, const char *fname, const char *what, value x) {
  if (x.tag != V_LIST) vm_error(v, at, "E0402 %s expects a list of records for %s, got %s", fname, what, value_type_name(x));
  for (size_t i = 0; i < x.as.list->n; i++)
    if (x.as.list->items[i].tag != V_RECORD)
      vm_error(v, at, "E0402 %s expects a list of records for %s, item %zu is %s", fname, what, i + 1,
               value_type_name(x.as.list->items[i]));
  return x.as.list;
}

/* The key field of row r (item i of a list from `from`): an error when
 * the row has no such column. */
static value key_of(vm *v, loc at, const char *fname, const record *r, size_t i, const char *key, const char *from) {
  long f = record_find(r, key);
  if (f < 0)
    vm_error(v, at, "E0710 %s: %s of %s has no column '%s'", fname, row_name(r, i), from, key);
  return rec_get(r, (size_t)f);
}

/* ---- lookup ----------------------------------------------------------- */

static value b_lookup(vm *v, int nargs, value *args, loc at) {
  const list *rows = want_rows(v, at, "lookup", "rows", args[0]);
  if (args[1].tag != V_TEXT) vm_error(v, at, "E0402 lookup expects a column name (a text) for key, got %s", value_type_name(args[1]));
  const char *key = args[1].as.text->s;
  value want = args[2];
  const char *from = where(rows, "the list");
  const record *found = NULL;
  size_t first = 0, count = 0;
  sbuf dups;
  sb_init(&dups);
  for (size_t i = 0; i < rows->n; i++) {
    const record *r = rows->items[i].as.rec;
    if (!value_equal(key_of(v, at, "lookup", r, i, key, from), want)) continue;
    if (count < 5) sb_printf(&dups, "%s%s", count ? ", " : "", row_name(r, i));
    if (!count++) found = r, first = i;
  }
  (void)first;
  if (count == 1) return v_rec(found);
  vm_blame(v, want, want);
  if (count > 1)
    vm_error_hint(v, at, "lookup finds one row; for all of them write [r for r in rows if r.KEY == value]",
                  "E0710 lookup: %zu rows of %s have %s %s: %s%s", count, from, key, value_display(want, false),
                  dups.s, count > 5 ? ", …" : "");
  if (nargs > 3) return args[3];
  const char *hint = suggest(rows, key, want);
  vm_error_hint(v, at, hint ? hint : "check the spelling, or give a default: lookup(rows, key, value, null)",
                "E0710 lookup: no row of %s has %s %s (%zu row%s searched)", from, key, value_display(want, false),
                rows->n, rows->n == 1 ? "" : "s");
}

/* ---- join ------------------------------------------------------------- */

/* A hash of a key that agrees with value_equal for texts and whole
 * numbers; other keys share one bucket (correct, only slower). */
static size_t key_hash(value k) {
  size_t h = 1469598103934665603u;
  if (k.tag == V_TEXT) {
    for (size_t i = 0; i < k.as.text->len; i++) h = (h ^ (unsigned char)k.as.text->s[i]) * 1099511628211u;
    return h;
  }
  int64_t n;
  if (k.tag == V_NUM && !k.pct && dec_to_int(k.as.num, &n)) return (size_t)n * 2654435761u ^ (size_t)(uintptr_t)k.unit;
  return k.tag;
}

value lookup_table_join(vm *v, value lv, value rv, value kv, loc at) {
  const list *left = want_rows(v, at, "join", "the first table", lv);
  const list *right = want_rows(v, at, "join", "the second table", rv);
  if (kv.tag != V_TEXT) vm_error(v, at, "E0402 join expects a column name (a text) as its third argument, got %s", value_type_name(kv));
  const char *key = kv.as.text->s;
  const char *lname = where(left, "the first table"), *rname = where(right, "the second table");
  /* the right table's rows by key: buckets chained through next[] */
  size_t nb = 16;
  while (nb < right->n * 2) nb *= 2;
  long *head = gc_alloc_atomic(nb * sizeof(long)), *next = gc_alloc_atomic((right->n + 1) * sizeof(long));
  value *rkeys = gc_alloc((right->n + 1) * sizeof(value));
  for (size_t b = 0; b < nb; b++) head[b] = -1;
  for (size_t j = right->n; j-- > 0;) {
    rkeys[j] = key_of(v, at, "join", right->items[j].as.rec, j, key, rname);
    size_t b = key_hash(rkeys[j]) & (nb - 1);
    next[j] = head[b];
    head[b] = (long)j;
  }
  bool *rused = gc_alloc_atomic(right->n + 1);
  value *out = NULL;
  size_t nout = 0, cap = 0;
  sbuf miss;
  sb_init(&miss);
  size_t nmiss_l = 0, nmiss_r = 0;
  for (size_t i = 0; i < left->n; i++) {
    const record *l = left->items[i].as.rec;
    value k = key_of(v, at, "join", l, i, key, lname);
    bool any = false;
    for (long j = head[key_hash(k) & (nb - 1)]; j >= 0; j = next[j]) {
      if (!value_equal(rkeys[j], k)) continue;
      any = true;
      rused[j] = true;
      const record *r = right->items[j].as.rec;
      /* left's fields, then right's others; a column in both must agree */
      size_t extra = 0;
      for (size_t f = 0; f < r->n; f++) {
        long lf = record_find(l, r->keys[f]);
        if (lf < 0) { extra++; continue; }
        if (!value_equal(rec_get(l, (size_t)lf), rec_get(r, f)))
          vm_error_hint(v, at, "rename the column in one table, or drop it before the join",
                        "E0711 join on %s: both tables have a column '%s', and %s has %s where %s has %s", key,
                        r->keys[f], row_name(l, i), value_display(rec_get(l, (size_t)lf), false), row_name(r, (size_t)j),
                        value_display(rec_get(r, f), false));
      }
      record *o = record_new(l->n + extra);
      o->src = rec_src(l), o->line = l->line;
      for (size_t f = 0; f < l->n; f++) o->keys[f] = l->keys[f], o->vals[f] = rec_get(l, f);
      size_t p = l->n;
      for (size_t f = 0; f < r->n; f++)
        if (record_find(l, r->keys[f]) < 0) o->keys[p] = r->keys[f], o->vals[p++] = rec_get(r, f);
      if (nout == cap) {
        size_t c = cap ? cap * 2 : 16;
        value *n2 = gc_alloc(c * sizeof(value));
        if (nout) memcpy(n2, out, nout * sizeof(value));
        out = n2, cap = c;
      }
      out[nout++] = v_rec(o);
    }
    if (!any && nmiss_l++ < MAX_LISTED) {
      const char *h = suggest(right, key, k);
      sb_printf(&miss, "\n  %s: no %s %s in %s%s%s", row_name(l, i), key, value_display(k, false), rname,
                h ? "; " : "", h ? h : "");
    }
  }
  for (size_t j = 0; j < right->n; j++) {
    if (rused[j] || nmiss_r++ >= MAX_LISTED) continue;
    const char *h = suggest(left, key, rkeys[j]);
    sb_printf(&miss, "\n  %s: no %s %s in %s%s%s", row_name(right->items[j].as.rec, j), key,
              value_display(rkeys[j], false), lname, h ? "; " : "", h ? h : "");
  }
  if (nmiss_l || nmiss_r) {
    size_t more = (nmiss_l > MAX_LISTED ? nmiss_l - MAX_LISTED : 0) + (nmiss_r > MAX_LISTED ? nmiss_r - MAX_LISTED : 0);
    if (more) sb_printf(&miss, "\n  … and %zu more", more);
    sbuf who;
    sb_init(&who);
    if (nmiss_l) sb_printf(&who, "%zu row%s of %s", nmiss_l, nmiss_l == 1 ? "" : "s", lname);
    if (nmiss_r) sb_printf(&who, "%s%zu row%s of %s", nmiss_l ? " and " : "", nmiss_r, nmiss_r == 1 ? "" : "s", rname);
    vm_error_hint(v, at, "correct the keys so that every row has a partner, or filter the rows you mean to leave out before the join",
                  "E0711 join on %s: %s %s no match in the other table%s", key, who.s,
                  nmiss_l + nmiss_r == 1 ? "has" : "have", miss.s);
  }
  list *res = list_new(nout);
  if (nout) memcpy(res->items, out, nout * sizeof(value));
  return v_list(res);
}

const builtin lookup_builtins[] = {
    {"lookup", 3, 4, b_lookup, "rows, key, value, default"},
};
const int lookup_builtins_count = BUILTIN_COUNT(lookup_builtins);
