/* Rules (SPEC 7: require and warn lines make a verdict) and decision
 * tables (SPEC 6: hit policies, the row index of eval/table_index.c),
 * called through eval/eval.c call_full like functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/walk.h"
#include "eval/assert_error.h"
#include "eval/dated.h"
#include "eval/require_list.h"
#include "eval/table_index.h"

/* ---- rules (SPEC 7) ---- */

/* ... and every rule that passes without a warning, this verdict */
static const verdict passed_clean = {true, &empty_list, &empty_list};

static value source_text(const node *n) {
  const source *s = n->at.src;
  if (!s) return v_cstr("requirement failed");
  return v_text(s->text + n->at.start, n->at.end - n->at.start);
}

value eval_rule(vm *v, const node *d, frame *f) {
  /* The first few reasons and warnings are gathered here, on the C stack,
   * and copied into the verdict's lists: a rule failed by a quarter of
   * 100,000 bids made a growing array of each on the heap, garbage at
   * once.  list_push moves to the heap past four. */
  value rbuf[4], wbuf[4];
  value *reasons = rbuf, *warns = wbuf;
  size_t nr = 0, cr = 4, nw = 0, cw = 4;
  const node *body = d->a;
  for (int i = 0; i < body->nkids; i++) {
    const node *it = body->kids[i];
    if (it->kind == N_LET) { f->slots[it->slot] = eval(v, it->a, f); continue; }
    if (v->coverage) count_hit(it);
    value c;
    if (it->kind != N_REQUIRE || !require_all_form(v, it->a, f, eval, &c)) {
      site *st = site_of(it); /* the condition's compiled form is kept there */
      c = st ? code_run(v, it->a, &st->code, f) : eval(v, it->a, f);
    }
    if (it->kind == N_REQUIRE) {
      if (c.tag == V_LIST) c = require_list(v, it->a, c.as.list);
      if (c.tag == V_VERDICT) {
        for (size_t k = 0; k < c.as.verdict->warnings->n; k++) list_push(&warns, &nw, &cw, c.as.verdict->warnings->items[k]);
        if (!c.as.verdict->passed) {
          if (it->b) list_push(&reasons, &nr, &cr, eval(v, it->b, f));
          else for (size_t k = 0; k < c.as.verdict->reasons->n; k++) list_push(&reasons, &nr, &cr, c.as.verdict->reasons->items[k]);
        }
        continue;
      }
      if (!want_bool(v, it->a->at, c, "a requirement")) {
        value msg = it->b ? eval(v, it->b, f) : source_text(it->a);
        if (msg.tag != V_TEXT) msg = v_cstr(value_display(msg, true));
        list_push(&reasons, &nr, &cr, msg);
      }
    } else { /* warn */
      if (want_bool(v, it->a->at, c, "a warning condition")) {
        value msg = eval(v, it->b, f);
        if (msg.tag != V_TEXT) msg = v_cstr(value_display(msg, true));
        list_push(&warns, &nw, &cw, msg);
      }
    }
  }
  value r = {.tag = V_VERDICT};
  if (!nr && !nw) {
    r.as.verdict = &passed_clean;
    return r;
  }
  verdict *vd = gc_alloc(sizeof *vd);
  vd->passed = nr == 0;
  vd->reasons = to_list(reasons, nr);
  vd->warnings = to_list(warns, nw);
  r.as.verdict = vd;
  if (v->tr && nr) {
    sbuf b;
    sb_init(&b);
    sb_puts(&b, "failed: ");
    sb_puts(&b, value_display(v_list(vd->reasons), false));
    v->tr->detail = b.s;
  }
  return r;
}

/* ---- decision tables (SPEC 6) ---- */

/* A unary test's verdict: 1 it matches, 0 it does not, -1 unknown.  The
 * null rule (DMN's; docs/language.md): an ordering test or a range with a
 * null input is unknown, never an error; = and != compare null as a value
 * (null = null); not(...) of unknown stays unknown; a cell matches only
 * when a test gives 1.  So a null input decides nothing by the order of
 * the columns. */
static int unary_test(vm *v, const node *t, value in, frame *f) {
  if (t->kind == N_NOT) {
    const node *inner = t->a;
    int any = 0;
    for (int i = 0; i < inner->nkids && any != 1; i++) {
      int r = unary_test(v, inner->kids[i], in, f);
      if (r) any = r;
    }
    return any < 0 ? -1 : !any;
  }
  value x = eval(v, t->b, f);
  if (t->op == OP_EQ) {
    if (x.tag == V_RANGE) return in.tag == V_NULL ? -1 : op_in_range(v, t->at, in, x.as.range);
    if (x.tag == V_LIST) return op_contains(v, t->at, x, in);
    return value_equal(in, x);
  }
  if (t->op == OP_NE) return !value_equal(in, x);
  if (in.tag == V_NULL || x.tag == V_NULL) return -1;
  return op_apply(v, t->at, t->op, in, x).b;
}

static bool cell_matches(vm *v, const node *cell, value in, frame *f) {
  if (cell->op == OP_ANY) return true;
  for (int i = 0; i < cell->nkids; i++)
    if (unary_test(v, cell->kids[i], in, f) == 1) return true;
  return false;
}

static const char *inputs_text(const node *d, int n, value *ins) {
  sbuf b;
  sb_init(&b);
  const node *hdr = d->a->kids[0]->a;
  for (int i = 0; i < n; i++) {
    if (i) sb_puts(&b, ", ");
    const node *h = hdr->kids[i]->kids[0]->b;
    if (h->kind == N_NAME) sb_printf(&b, "%s = ", h->name);
    sb_puts(&b, value_short(ins[i]));
  }
  return b.s ? b.s : "";
}

static value row_output(vm *v, const node *d, const node *row, frame *f) {
  const node *outs = row->b, *hdr = d->a->kids[0]->b;
  if (outs->nkids == 1) return outs->kids[0]->kind == N_LIT ? outs->kids[0]->lit : eval(v, outs->kids[0], f);
  record *r = record_new((size_t)outs->nkids);
  for (int i = 0; i < outs->nkids; i++) {
    r->keys[i] = hdr->kids[i]->name;
    r->vals[i] = eval(v, outs->kids[i], f);
  }
  return v_rec(r);
}

/* The steps of testing rows from+1..to, one a row as the scan counts them,
 * added in bulk: step() itself runs only for the row at which the step
 * limit or a periodic check (every 1,024 steps) falls due, so that it
 * strikes there as it would in the scan. */
static void step_rows(vm *v, const node *rows, int from, int to) {
  while (from < to) {
    uint64_t room = 1023 - (v->steps & 1023);
    if (v->cfg.max_steps) {
      uint64_t left = v->steps < v->cfg.max_steps ? v->cfg.max_steps - v->steps : 0;
      if (left < room) room = left;
    }
    if ((uint64_t)(to - from) <= room) {
      v->steps += (uint64_t)(to - from);
      v->here = rows->kids[to]->at;
      return;
    }
    v->steps += room;
    from += (int)room + 1;
    step(v, rows->kids[from]->at);
  }
}

/* An input column that is the table's own parameter (a local of its
 * frame, not of one around it): read from its slot, not evaluated. */
static bool own_parameter(const node *in) { return in->kind == N_NAME && in->refkind == REF_LOCAL && in->up == 0; }

/* The one row the index knows matches ins, under a hit policy that
 * reads no other row; 0 when it cannot say (eval_table, table_direct). */
static int only_row(const node *d, const table_index *ix, const value *ins) {
  int policy = d->op;
  if (!ix || (policy != HIT_UNIQUE && policy != HIT_ANY && policy != HIT_FIRST)) return 0;
  return table_index_only(ix, ins);
}

/* Row k's output when it is one constant, else NULL (k 0: no row). */
static const value *constant_output(const node *d, int k) {
  const node *o = k ? d->a->kids[k]->b : NULL;
  return o && o->nkids == 1 && o->kids[0]->kind == N_LIT ? &o->kids[0]->lit : NULL;
}

/* The last row whose steps a hit on row k counts: a constant output does
 * nothing between the steps before its row and those after, so one count
 * covers both. */
static int steps_to(const node *d, int k) { return d->op == HIT_FIRST ? k : d->a->nkids - 1; }

bool table_direct(const node *d, int nargs, const value *args, value *out, int *to) {
  const node *rows = d->a;
  int ni = d->ninputs;
  value ins[8];
  if (ni > 8 || nargs != d->nkids) return false;
  /* each parameter in the slot of its place, so args can stand for the
   * frame's slots (a frame's args, read by provenance on an error) */
  for (int i = 0; i < nargs; i++)
    if (d->kids[i]->slot != i) return false;
  const table_index *ix = table_index_of(d);
  if (!ix) return false;
  for (int i = 0; i < ni; i++) { /* each input column a parameter, as eval_table reads it */
    const node *in = rows->kids[0]->a->kids[i]->kids[0]->b;
    if (!own_parameter(in) || in->slot < 0 || in->slot >= nargs) return false;
    ins[i] = args[in->slot];
  }
  int k = only_row(d, ix, ins);
  const value *lit = constant_output(d, k);
  if (!lit) return false;
  *out = *lit;
  *to = steps_to(d, k);
  return true;
}

void table_steps(vm *v, const node *d, int to) { step_rows(v, d->a, 0, to); }

value eval_table(vm *v, const node *d, frame *f, loc at) {
  const node *rows = d->a;
  int ni = d->ninputs, last = rows->nkids - 1;
  value small[8];
  value *ins = ni < 8 ? small : gc_alloc((size_t)(ni + 1) * sizeof(value));
  for (int i = 0; i < ni; i++) {
    const node *in = rows->kids[0]->a->kids[i]->kids[0]->b; /* mostly a parameter: read it here */
    ins[i] = own_parameter(in) ? f->slots[in->slot] : eval(v, in, f);
  }
  /* The index (eval/table_index.c) skips the rows that cannot match;
   * the rows it cannot judge ("dirty") are tested here, in their turn. */
  const table_index *ix = table_index_of(d);
  int policy = d->op;
  /* The index knows the one row that matches (a grade column): the steps
   * and the output exactly as the loop below takes them for that row,
   * without the loop.  Coverage and explain take the loop. */
  if (!v->tr && !v->coverage) {
    int k = only_row(d, ix, ins);
    const value *lit = constant_output(d, k);
    if (lit) {
      step_rows(v, rows, 0, steps_to(d, k));
      return *lit;
    }
    if (k) {
      step_rows(v, rows, 0, k);
      value r = row_output(v, d, rows->kids[k], f);
      if (policy != HIT_FIRST) step_rows(v, rows, k, last);
      return r;
    }
  }
  const uint64_t *sets[TABLE_INDEX_MAX_COLS];
  if (ix && !table_index_locate(ix, ins, sets)) ix = NULL;
  value *outs = NULL;
  size_t no = 0, co = 0;
  int first_row = 0;
  sbuf matched;
  sb_init(&matched);
  value result = v_null;
  bool have = false;
  int *mrows = NULL; /* priority, output order: the rows of outs */
  size_t nrows_cap = 0;
  int k = 0; /* the last row tested (or skipped) */
  for (;;) {
    int next = ix ? table_index_next(ix, sets, k + 1) : k + 1;
    if (next > last) {
      if (ix) step_rows(v, rows, k, last);
      break;
    }
    if (ix) step_rows(v, rows, k, next);
    else step(v, rows->kids[next]->at);
    k = next;
    const node *row = rows->kids[k];
    if (!ix || table_index_dirty(ix, k)) {
      bool ok = true;
      for (int i = 0; i < ni && ok; i++) ok = cell_matches(v, row->a->kids[i], ins[i], f);
      if (!ok) continue;
    }
    if (v->coverage) count_hit(row);
    if (v->tr) { /* only explain shows the matched rows */
      if (matched.len) sb_puts(&matched, ", ");
      sb_printf(&matched, "%d", k);
    }
    if (policy == HIT_FIRST) { result = row_output(v, d, row, f); have = true; first_row = k; break; }
    if (policy == HIT_UNIQUE) {
      if (have && d->opt) dated_table_error(v, d, at, ni, ins, first_row, k);
      if (have)
        vm_error_hint(v, at, "a unique table must not overlap: narrow a row, or use hit first",
                      "E0602 table %s: rows %d and %d both match (%s)", d->name, first_row, k, inputs_text(d, ni, ins));
      result = row_output(v, d, row, f);
      have = true;
      first_row = k;
      continue;
    }
    value o = row_output(v, d, row, f);
    if (policy == HIT_PRIORITY || policy == HIT_OUTPUT_ORDER) {
      if (no == nrows_cap) {
        nrows_cap = nrows_cap ? 2 * nrows_cap : 8;
        int *m = gc_alloc_atomic(nrows_cap * sizeof *m);
        if (no) memcpy(m, mrows, no * sizeof *m);
        mrows = m;
      }
      mrows[no] = k;
    }
    if (policy == HIT_ANY) {
      if (have && !value_equal(o, result))
        vm_error(v, at, "E0603 table %s: rows %d and %d match with different outputs (%s)", d->name, first_row, k, inputs_text(d, ni, ins));
      if (!have) first_row = k;
      result = o;
      have = true;
      continue;
    }
    list_push(&outs, &no, &co, o);
  }
  if (v->tr) {
    sbuf b;
    sb_init(&b);
    bool several = strchr(matched.s ? matched.s : "", ',') != NULL;
    sb_printf(&b, "matched row%s %s", several ? "s" : "", matched.len ? matched.s : d->b ? "none: else" : "none");
    /* one matched row: show its cells, the line a challenger will ask about */
    if (matched.len && !several) {
      const node *row = rows->kids[first_row ? first_row : atoi(matched.s)];
      if (row->at.src) {
        /* the row as written, with the alignment padding squeezed out */
        sb_puts(&b, ": ");
        bool in_str = false, space = false;
        for (uint32_t i = row->at.start; i < row->at.end; i++) {
          char c = row->at.src->text[i];
          if (c == '"' && (i == row->at.start || row->at.src->text[i - 1] != '\\')) in_str = !in_str;
          if (!in_str && (c == ' ' || c == '\t')) { space = true; continue; }
          if (space) sb_putc(&b, ' ');
          space = false;
          sb_putc(&b, c);
        }
      }
    }
    v->tr->detail = b.s;
  }
  /* | else || ... |: the table's output when no row matches */
  if (d->b && !have && !no) {
    if (v->coverage) count_hit(d->b);
    value o = row_output(v, d, d->b, f);
    if (policy != HIT_COLLECT && policy != HIT_RULE_ORDER && policy != HIT_OUTPUT_ORDER) return o;
    list_push(&outs, &no, &co, o);
    return v_list(to_list(outs, no));
  }
  switch (policy) {
  case HIT_UNIQUE: case HIT_FIRST: case HIT_ANY: case HIT_PRIORITY:
    if (policy == HIT_PRIORITY && no) return table_output_order(v, d, at, outs, mrows, no, false);
    if (!have) {
      if (d->opt) dated_table_error(v, d, at, ni, ins, 0, 0);
      for (int i = 0; i < ni; i++)
        if (ins[i].tag == V_NULL)
          vm_error_hint(v, at, "a null input matches only - cells, null and != tests: give it a value with ??, or add | else || ... |",
                        "E0601 table %s: no row matches (%s)", d->name, inputs_text(d, ni, ins));
      vm_error_hint(v, at, "add a last row | - | ... || for a default, or | else || ... |", "E0601 table %s: no row matches (%s)", d->name, inputs_text(d, ni, ins));
    }
    return result;
  case HIT_OUTPUT_ORDER: return no ? table_output_order(v, d, at, outs, mrows, no, true) : v_list(to_list(outs, no));
  case HIT_COLLECT: case HIT_RULE_ORDER: return v_list(to_list(outs, no));
  case HIT_COLLECT_COUNT: return v_int((int64_t)no);
  case HIT_COLLECT_SUM: {
    value s = v_int(0);
    for (size_t i = 0; i < no; i++) s = i == 0 ? outs[0] : vm_arith(v, at, OP_ADD, s, outs[i]);
    return s;
  }
  default: { /* min, max */
    if (!no) return v_null;
    value m = outs[0];
    for (size_t i = 1; i < no; i++) {
      int c = vm_compare(v, at, outs[i], m);
      if ((policy == HIT_COLLECT_MIN && c < 0) || (policy == HIT_COLLECT_MAX && c > 0)) m = outs[i];
    }
    return m;
  }
  }
}
