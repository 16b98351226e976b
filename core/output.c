/* A list of records as a table: `--format csv` and `--format md`
 * (svl_format_value; docs/data.md, "Output").
 *
 * Both formats flatten nested records into dotted columns
 * (`supplier.name`), so a cell never holds a record's display string.
 * CSV is for spreadsheets and other programs: every number keeps its exact
 * digits, and a column never mixes units under one header — the values
 * are converted to one unit when that is exact, and otherwise the column
 * is written as two, the amounts and their units (a £1,000 bid under
 * `price (EUR)` was a wrong value with exit status 0).  Markdown is for
 * people: each cell shows its unit, and numbers are rounded for display
 * to 4 decimal places (a percentage to 2 decimals of a percent). */
#include "core/output.h"

#include <string.h>

#include "core/gc.h"
#include "core/unit.h"

/* Records nested deeper than this stay one display-form cell. */
#define FLAT_MAX_DEPTH 32

/* a + b + c as one GC text */
static const char *cat3(const char *a, const char *b, const char *c) {
  sbuf s;
  sb_init(&s);
  sb_puts(&s, a);
  sb_puts(&s, b);
  sb_puts(&s, c);
  return s.s;
}

bool output_records_list(value x) {
  if (x.tag != V_LIST) return false;
  for (size_t i = 0; i < x.as.list->n; i++)
    if (x.as.list->items[i].tag != V_RECORD) return false;
  return true;
}

/* A column: its dotted name and the path of field names to its cell. */
typedef struct col {
  const char *name;
  const char **path;
  int depth;
} col;

/* The columns so far, and an open-addressing index of their names
 * (slot: column number + 1, 0 empty): a list of records with thousands
 * of fields must not cost a comparison with every earlier column per
 * field and row. */
typedef struct cols {
  col *c;
  size_t n, cap;
  size_t *slot, nslot; /* nslot: a power of two, more than twice n */
} cols;

/* The slot of `name`: its column's, or the empty one it would take. */
static size_t *col_slot(const cols *cs, const char *name) {
  size_t mask = cs->nslot - 1;
  for (size_t i = gc_hash(name, strlen(name)) & mask;; i = (i + 1) & mask)
    if (!cs->slot[i] || !strcmp(cs->c[cs->slot[i] - 1].name, name)) return &cs->slot[i];
}

static void add_col(cols *cs, const char *name, const char **path, int depth) {
  if (cs->nslot && *col_slot(cs, name)) return;
  if (cs->n == cs->cap) {
    size_t cap = cs->cap ? cs->cap * 2 : 8;
    col *c = gc_alloc(cap * sizeof *c);
    if (cs->n) memcpy(c, cs->c, cs->n * sizeof *c);
    cs->c = c;
    cs->cap = cap;
    cs->nslot = cap * 4;
    cs->slot = gc_alloc_atomic(cs->nslot * sizeof *cs->slot);
    memset(cs->slot, 0, cs->nslot * sizeof *cs->slot);
    for (size_t j = 0; j < cs->n; j++) *col_slot(cs, cs->c[j].name) = j + 1;
  }
  const char **p = gc_alloc((size_t)depth * sizeof *p);
  memcpy(p, path, (size_t)depth * sizeof *p);
  cs->c[cs->n++] = (col){name, p, depth};
  *col_slot(cs, name) = cs->n;
}

/* The columns of one record, in field order, nested records expanded.
 * Each record entered is a step of a walk (value_walk_step): a record
 * whose two fields hold the same record, 32 levels down, is small to
 * build but has 2^32 columns, and the step, time and interrupt limits
 * must stop that as they stop any other walk. */
static void record_cols(cols *cs, const record *r, const char *prefix, const char **path, int depth) {
  value_walk_step();
  for (size_t k = 0; k < r->n; k++) {
    const char *name = prefix ? cat3(prefix, ".", r->keys[k]) : r->keys[k];
    path[depth] = r->keys[k];
    value v = rec_get(r, k);
    if (v.tag == V_RECORD && depth + 1 < FLAT_MAX_DEPTH)
      record_cols(cs, v.as.rec, name, path, depth + 1);
    else
      add_col(cs, name, path, depth + 1);
  }
}

/* Column headers: the first record's fields, then any new ones. */
static cols columns(const list *l) {
  cols cs = {0};
  const char *path[FLAT_MAX_DEPTH];
  for (size_t i = 0; i < l->n; i++) record_cols(&cs, l->items[i].as.rec, NULL, path, 0);
  return cs;
}

/* A row's cell in a column: null where the row has no such field. */
static value cell(const list *l, size_t row, const col *c) {
  value v = l->items[row];
  for (int d = 0; d < c->depth; d++) {
    if (v.tag != V_RECORD) return v_null;
    long k = record_find(v.as.rec, c->path[d]);
    if (k < 0) return v_null;
    v = rec_get(v.as.rec, (size_t)k);
  }
  return v;
}

/* A single record is written as a table of one row. */
static value as_table(value x) {
  if (x.tag != V_RECORD) return x;
  list *l = list_new(1);
  l->items[0] = x;
  return v_list(l);
}

/* ---- CSV ---- */

static void csv_field(sbuf *b, const char *s) {
  if (strpbrk(s, ",\"\n\r")) {
    sb_putc(b, '"');
    for (; *s; s++) {
      if (*s == '"') sb_putc(b, '"');
      sb_putc(b, *s);
    }
    sb_putc(b, '"');
  } else {
    sb_puts(b, s);
  }
}

static const char *exact(dec x) {
  char buf[DEC_BUFSZ];
  dec_format(x, buf, sizeof buf);
  return gc_strdup(buf);
}

static const char *plain_cell(value x) {
  if (x.tag == V_NULL) return "";
  if (x.tag == V_NUM) return exact(x.as.num);
  return value_display(x, true);
}

/* How one column's numbers are written. */
typedef enum { C_ONE_UNIT, C_CONVERTED, C_SPLIT } unit_plan;

typedef struct plan {
  unit_plan how;
  const unit_t *unit;  /* C_ONE_UNIT, C_CONVERTED: the header's unit */
} plan;

/* x in `to`, exactly, or false (a conversion that would round). */
static bool convert_exact(value x, const unit_t *to, dec *out) {
  if (unit_equal(x.unit, to)) { *out = x.as.num; return true; }
  dec back;
  return unit_convert(x.as.num, x.unit, to, out) == DEC_OK &&
         unit_convert(*out, to, x.unit, &back) == DEC_OK && dec_eq(back, x.as.num);
}

static plan plan_column(const list *l, const col *c) {
  plan p = {C_ONE_UNIT, NULL};
  bool any = false, mixed = false, plain = false;
  for (size_t i = 0; i < l->n; i++) {
    value x = cell(l, i, c);
    if (x.tag != V_NUM) continue;
    if (!x.unit) plain = true;
    if (!any) p.unit = x.unit;
    else if (!(x.unit == p.unit || (x.unit && p.unit && unit_equal(x.unit, p.unit)))) mixed = true;
    any = true;
  }
  if (!mixed) return p;
  if (plain) return (plan){C_SPLIT, NULL};
  /* one dimension: the finest unit, where whole conversions stay whole */
  const unit_t *to = p.unit;
  for (size_t i = 0; i < l->n; i++) {
    value x = cell(l, i, c);
    if (x.tag != V_NUM) continue;
    if (!unit_same_dim(x.unit, to)) return (plan){C_SPLIT, NULL};
    to = unit_finer(to, x.unit);
  }
  for (size_t i = 0; i < l->n; i++) {
    value x = cell(l, i, c);
    dec y;
    if (x.tag == V_NUM && !convert_exact(x, to, &y)) return (plan){C_SPLIT, NULL};
  }
  return (plan){C_CONVERTED, to};
}

const char *output_csv(value x) {
  sbuf b;
  sb_init(&b);
  x = as_table(x);
  if (!output_records_list(x)) {
    csv_field(&b, value_display(x, true));
    sb_putc(&b, '\n');
    return b.s;
  }
  const list *l = x.as.list;
  cols cs = columns(l);
  plan *pl = gc_alloc((cs.n ? cs.n : 1) * sizeof *pl);
  for (size_t j = 0; j < cs.n; j++) {
    pl[j] = plan_column(l, &cs.c[j]);
    if (j) sb_putc(&b, ',');
    const char *name = cs.c[j].name;
    if (pl[j].how == C_SPLIT) {
      csv_field(&b, name);
      sb_putc(&b, ',');
      csv_field(&b, cat3(name, " unit", ""));
    } else {
      csv_field(&b, pl[j].unit ? cat3(name, " (", cat3(unit_name(pl[j].unit), ")", "")) : name);
    }
  }
  sb_putc(&b, '\n');
  for (size_t i = 0; i < l->n; i++) {
    for (size_t j = 0; j < cs.n; j++) {
      if (j) sb_putc(&b, ',');
      value c = cell(l, i, &cs.c[j]);
      if (pl[j].how == C_CONVERTED && c.tag == V_NUM) {
        dec y;
        convert_exact(c, pl[j].unit, &y);
        csv_field(&b, exact(y));
      } else {
        csv_field(&b, plain_cell(c));
      }
      if (pl[j].how == C_SPLIT) {
        sb_putc(&b, ',');
        if (c.tag == V_NUM && c.unit) csv_field(&b, unit_name(c.unit));
      }
    }
    sb_putc(&b, '\n');
  }
  return b.s;
}

/* ---- Markdown ---- */

static void md_cell(sbuf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '|') sb_puts(b, "\\|");
    else if (*s == '\n') sb_puts(b, " ");
    else sb_putc(b, *s);
  }
}

/* A number as a person reads it in a table: at most 4 decimal places,
 * rounded half away from zero (a percentage: 2 decimals of the
 * percentage).  Four, not two, so a ratio the rules already rounded to 4
 * places (0.1216) and a unit price of £0.125 are shown as they are. */
static const char *md_value(value x) {
  if (x.tag == V_NULL) return "";
  dec y;
  if (x.tag == V_NUM && dec_round(x.as.num, 4, DEC_HALF_AWAY, &y) == DEC_OK) x.as.num = y;
  return value_display(x, true);
}

const char *output_md(value x) {
  x = as_table(x);
  if (!output_records_list(x)) {
    sbuf b;
    sb_init(&b);
    sb_puts(&b, value_display(x, true));
    sb_putc(&b, '\n');
    return b.s;
  }
  const list *l = x.as.list;
  cols cs = columns(l);
  sbuf b;
  sb_init(&b);
  sb_puts(&b, "|");
  for (size_t j = 0; j < cs.n; j++) { sb_putc(&b, ' '); md_cell(&b, cs.c[j].name); sb_puts(&b, " |"); }
  sb_puts(&b, "\n|");
  for (size_t j = 0; j < cs.n; j++) {
    bool num = false;
    for (size_t i = 0; i < l->n; i++) num = num || cell(l, i, &cs.c[j]).tag == V_NUM;
    sb_puts(&b, num ? " ---: |" : " --- |");
  }
  sb_putc(&b, '\n');
  for (size_t i = 0; i < l->n; i++) {
    sb_putc(&b, '|');
    for (size_t j = 0; j < cs.n; j++) {
      sb_putc(&b, ' ');
      md_cell(&b, md_value(cell(l, i, &cs.c[j])));
      sb_puts(&b, " |");
    }
    sb_putc(&b, '\n');
  }
  return b.s;
}
