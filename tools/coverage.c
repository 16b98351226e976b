/* Coverage for `svl test --coverage`: which functions, rules, table rows
 * and require/warn lines ran.  The evaluator counts hits in the sites of
 * each module (eval/eval.h; one predictable branch when off); this file
 * only reports them. */
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "core/gc.h"

#define PUBLIC __attribute__((visibility("default")))

typedef struct item { const node *n; const char *kind; const char *name; int row; } item;
typedef struct items { item *v; int n, cap; } items;

static uint32_t hits(const node *n) {
  const site *st = site_of(n);
  return st ? st->hits : 0;
}

static void add(items *it, const node *n, const char *kind, const char *name, int row) {
  GC_GROW(it->v, it->n, it->cap, 32);
  it->v[it->n++] = (item){n, kind, name, row};
}

static void collect(items *it, const node *prog) {
  for (int i = 0; i < prog->nkids; i++) {
    const node *d = prog->kids[i];
    if (d->kind == N_FN) add(it, d, "fn", d->name, 0);
    else if (d->kind == N_RULE) {
      add(it, d, "rule", d->name, 0);
      for (int k = 0; k < d->a->nkids; k++) {
        const node *r = d->a->kids[k];
        if (r->kind == N_REQUIRE || r->kind == N_WARN) add(it, r, r->kind == N_REQUIRE ? "require" : "warn", d->name, 0);
      }
    } else if (d->kind == N_TABLE) {
      add(it, d, "table", d->name, 0);
      for (int k = 1; k < d->a->nkids; k++) add(it, d->a->kids[k], "row", d->name, k);
    }
  }
}

/* Modules the user wrote: the loaded file and its file imports, not the
 * standard library (its coverage is its own suite's business). */
static bool user_module(svl_vm *v, const module *m) {
  const char *p = v->cfg.stdlib_path;
  while (p && *p) {
    const char *e = strchr(p, ':');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n && strncmp(m->path, p, n) == 0 && m->path[n] == '/') return false;
    p += n + (e ? 1 : 0);
  }
  return true;
}

PUBLIC void svl_set_coverage(svl_vm *v, int on) { v->coverage = on != 0; }

PUBLIC void svl_set_test_filter(svl_vm *v, const char *substring) {
  v->test_filter = substring && *substring ? gc_strdup(substring) : NULL;
}

PUBLIC svl_status svl_coverage_report(svl_vm *v, svl_format f, char **out, int *covered, int *total) {
  items it = {0};
  if (v->main_mod && v->main_mod->prog) collect(&it, v->main_mod->prog);
  for (int i = 0; i < v->nmods; i++)
    if (user_module(v, v->mods[i])) collect(&it, v->mods[i]->prog);
  int c = 0;
  for (int i = 0; i < it.n; i++) c += hits(it.v[i].n) > 0;
  if (covered) *covered = c;
  if (total) *total = it.n;
  sbuf b;
  sb_init(&b);
  if (f == SVL_FORMAT_JSON) {
    sb_printf(&b, "{\"covered\": %d, \"total\": %d, \"items\": [", c, it.n);
    for (int i = 0; i < it.n; i++) {
      const item *x = &it.v[i];
      int line, col;
      loc_line_col(x->n->at.src, x->n->at.start, &line, &col);
      if (i) sb_puts(&b, ", ");
      sb_puts(&b, "{\"file\": ");
      sb_json_string(&b, x->n->at.src->name, strlen(x->n->at.src->name));
      sb_printf(&b, ", \"line\": %d, \"kind\": \"%s\", \"name\": ", line, x->kind);
      sb_json_string(&b, x->name, strlen(x->name));
      if (x->row) sb_printf(&b, ", \"row\": %d", x->row);
      sb_printf(&b, ", \"hits\": %u}", (unsigned)hits(x->n));
    }
    sb_puts(&b, "]}\n");
  } else {
    for (int i = 0; i < it.n; i++) {
      const item *x = &it.v[i];
      if (hits(x->n)) continue;
      int line, col;
      loc_line_col(x->n->at.src, x->n->at.start, &line, &col);
      if (x->row) sb_printf(&b, "  not run: %s:%d: table %s row %d", x->n->at.src->name, line, x->name, x->row);
      else sb_printf(&b, "  not run: %s:%d: %s %s", x->n->at.src->name, line, x->kind, x->name);
      sb_putc(&b, '\n');
    }
  }
  char *s = malloc(b.len + 1);
  if (!s) return SVL_ERR_LIMIT;
  memcpy(s, b.s ? b.s : "", b.len + 1);
  *out = s;
  return SVL_OK;
}
