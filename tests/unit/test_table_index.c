/* The decision-table index (eval/table_index.c) against the linear scan.
 *
 * Random tables -- every hit policy; number, money, percent, unit and text
 * columns; boundary constants written several ways (5, 5.0, 5e0); ranges,
 * comparisons, not(...), lists of tests; wildcards; cells the index cannot
 * judge (tests against parameters, calls, constants of another kind, tests
 * that raise errors) -- are loaded into two VMs, one evaluating with the
 * index and one with table_index_off, and called with the same random
 * inputs: exact boundaries, values a hair either side, other
 * representations of one value, nulls, texts, other units.  Everything
 * observable must be identical: results, error messages with their
 * locations and call stacks, explain output (text and JSON), coverage
 * counts per row, and where step limits and interrupts strike (they are
 * reported at the row being tested).
 *
 *   test_table_index [TABLES [SEED]]     defaults 300 and 1
 */
#include <stdarg.h>
#include <stdlib.h>

#include "api_tap.h"
#include "eval/eval.h"
#include "eval/table_index.h"

/* ---- random numbers (xorshift64*) ---- */

static uint64_t rng_state;

static uint64_t rnd64(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static int rnd(int n) { return (int)(rnd64() % (uint64_t)n); }

static const char *pick(const char *const *xs, int n) { return xs[rnd(n)]; }
#define PICK(xs) pick(xs, (int)(sizeof xs / sizeof xs[0]))

/* ---- text buffer ---- */

typedef struct { char *s; size_t n, cap; } buf;

static void bp(buf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    size_t room = b->cap - b->n;
    va_start(ap, fmt);
    int k = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
    va_end(ap);
    if (k >= 0 && (size_t)k < room) { b->n += (size_t)k; return; }
    b->cap = (b->cap + (size_t)k + 1) * 2;
    b->s = realloc(b->s, b->cap);
    if (!b->s) abort();
  }
}

/* ---- the generator ---- */

enum { K_NUM, K_GBP, K_PCT, K_KG, K_TEXT, NKINDS };

/* Some masses in tonnes, equal to points in kg: equal after conversion. */
static const char *const tonnes[] = {"0.005 tonne", "0.01 tonnes", "0.0025 tonne", "0.002 tonne", "0.02 tonne"};

/* Per table: how often cells stray from constants of the column's kind
 * (percent), so that some tables are nearly all clean and others not. */
static int noise;

/* Points the constants sit on, and ways of writing each. */
static const char *const points[] = {"-2", "0", "1", "2.5", "3", "5", "7", "10", "12.75", "20"};

static void number(buf *b, const char *p) {
  /* the same value written another way: trailing zeros, an exponent */
  const char *neg = p[0] == '-' ? "-" : "";
  const char *mag = p + (p[0] == '-');
  switch (rnd(6)) {
  case 0: bp(b, strchr(mag, '.') ? "%s%s0" : "%s%s.0", neg, mag); break;
  case 1: bp(b, "%s%se0", neg, mag); break;
  case 2: bp(b, strchr(mag, '.') ? "%s%s00" : "%s%s.00", neg, mag); break;
  default: bp(b, "%s%s", neg, mag);
  }
}

/* Per table: constants on whole numbers only (looked up as integers), and
 * now and then far apart (searched rather than looked up directly). */
static int whole, far;

static void constant(buf *b, int kind) {
  static const char *const texts[] = {"\"a\"", "\"b\"", "\"ab\"", "\"B\"", "\"\"", "\"\xc3\xa9\""};
  static const char *const wholes[] = {"-2", "0", "1", "3", "5", "7", "10", "20"};
  static const char *const fars[] = {"-5000", "10000", "123456789"};
  const char *p = far && rnd(6) == 0 ? PICK(fars) : whole ? PICK(wholes) : PICK(points);
  const char *mag = p + (p[0] == '-');
  switch (kind) {
  case K_NUM: number(b, p); break;
  case K_GBP: bp(b, "%s\xc2\xa3", p[0] == '-' ? "-" : ""); number(b, mag); break;
  case K_PCT: number(b, p); bp(b, "%%"); break;
  case K_KG:
    if (rnd(8)) { number(b, p); bp(b, " kg"); }
    else bp(b, "%s", PICK(tonnes));
    break;
  default: bp(b, "%s", PICK(texts));
  }
}

/* A constant of the column's kind, now and then of another kind, null or
 * a bool (equal to nothing in the column; an error when ordered). */
static void operand(buf *b, int kind) {
  int r = rnd(100);
  if (r < noise / 2) bp(b, "%s", rnd(2) ? "null" : "true");
  else if (r < noise) constant(b, rnd(NKINDS));
  else constant(b, kind == K_PCT && rnd(2) ? K_NUM : kind);
}

static void tests(buf *b, int kind, int ncols, int depth);

static void test(buf *b, int kind, int ncols, int depth) {
  static const char *const ops[] = {"", "< ", "<= ", "> ", ">= ", "== ", "!= "};
  int r = rnd(100);
  if (r < 7 && depth < 3) {
    bp(b, "not(");
    tests(b, kind, ncols, depth + 1);
    bp(b, ")");
  } else if (r < 7 + noise / 2) {
    /* cells the index leaves to the scan: parameters, calls, arithmetic */
    static const char *const dirty[] = {"< p%d", "== p%d", "!= p%d", ">= p%d", "p%d"};
    switch (rnd(4)) {
    case 0: bp(b, "<= abs(-3)"); break;
    case 1: bp(b, "1 + 1"); break;
    default: bp(b, PICK(dirty), 1 + rnd(ncols));
    }
  } else if (r < 35) {
    bp(b, "%s", rnd(8) ? "" : PICK(ops));
    operand(b, kind);
    bp(b, "..");
    operand(b, kind);
  } else {
    bp(b, "%s", PICK(ops));
    operand(b, kind);
  }
}

static void tests(buf *b, int kind, int ncols, int depth) {
  int n = rnd(4) ? 1 : 2 + rnd(2);
  for (int i = 0; i < n; i++) {
    if (i) bp(b, ", ");
    test(b, kind, ncols, depth);
  }
}

/* An input: usually of the column's kind, on, between or beside the
 * constants; sometimes anything else. */
static void input(buf *b, int kind) {
  static const char *const nums[] = {
      "-1000", "-2.0000000000000000000000000000001", "-2", "-2.00", "-1.5", "0", "-0", "0.5", "1", "1.00",
      "2.5", "2.50000000000000000000000000000001", "2.4999999999999", "3", "4", "5", "5.0", "6", "7",
      "9.99", "10", "1e1", "10.0000001", "12.75", "12.7499", "15", "20", "20.000", "21", "1000",
      "0.05", "0.1275", "0.2", "-5000", "-4999", "10000", "123456789", "123456788.5", "9223372036854775807",
      "-9223372036854775808", "1e30"};
  static const char *const texts[] = {"\"a\"", "\"b\"", "\"ab\"", "\"B\"", "\"\"", "\"aa\"", "\"\xc3\xa9\"", "\"c\""};
  static const char *const other[] = {"null", "true", "false", "[1]", "\"5\"", "5 kg", "\302\2435", "5%"}; /* £5 */
  if (rnd(100) < 6) { bp(b, "%s", PICK(other)); return; }
  const char *p = PICK(nums);
  const char *mag = p + (p[0] == '-');
  switch (kind) {
  case K_NUM: bp(b, "%s", p); break;
  case K_GBP: bp(b, "%s\xc2\xa3%s", p[0] == '-' ? "-" : "", mag); break;
  case K_PCT: bp(b, rnd(2) ? "%s%%" : "%s", p); break;
  case K_KG:
    if (rnd(8)) bp(b, "%s kg", p);
    else bp(b, "%s", PICK(tonnes));
    break;
  default: bp(b, "%s", PICK(texts));
  }
}

typedef struct table_case {
  buf src;
  int ncols, nrows, ninputs;
} table_case;

static void generate(table_case *t) {
  static const char *const policies[] = {"", "hit unique", "hit first", "hit first", "hit any", "hit collect",
                                         "hit rule order", "hit collect sum", "hit collect min",
                                         "hit collect max", "hit collect count"};
  buf *b = &t->src;
  b->n = 0;
  int wide = rnd(30) == 0;
  noise = rnd(2) ? 1 : 2 + rnd(14);
  whole = rnd(3) == 0;
  far = rnd(4) == 0;
  t->ncols = wide ? 15 + rnd(4) : 1 + rnd(4);
  int r = rnd(10);
  t->nrows = r < 4 ? 1 + rnd(10) : r < 8 ? 11 + rnd(70) : 81 + rnd(120);
  if (wide) t->nrows = 1 + rnd(40);
  int kind[20];
  for (int i = 0; i < t->ncols; i++) kind[i] = rnd(NKINDS);
  const char *policy = PICK(policies);
  bool any = strstr(policy, "any") != NULL, numeric = strstr(policy, "collect ") != NULL;
  int nout = numeric ? 1 : 1 + (rnd(5) == 0);
  bp(b, "unit kg\nunit tonne, tonnes = 1000 kg\n\ntable t(");
  for (int i = 0; i < t->ncols; i++) bp(b, "%sp%d", i ? ", " : "", i + 1);
  bp(b, ") %s {\n  |", policy);
  /* a header may read a parameter twice */
  int col_param[20];
  for (int i = 0; i < t->ncols; i++) {
    col_param[i] = rnd(12) ? i : rnd(t->ncols);
    bp(b, " p%d |", col_param[i] + 1);
  }
  bp(b, "| o |%s\n", nout == 2 ? " q |" : "");
  for (int k = 1; k <= t->nrows; k++) {
    bp(b, "  |");
    int dense = rnd(3); /* rows with more or fewer wildcards */
    for (int i = 0; i < t->ncols; i++) {
      if (rnd(10) < 2 + dense * 2) bp(b, " - |");
      else {
        bp(b, " ");
        tests(b, kind[col_param[i]], t->ncols, 0);
        bp(b, " |");
      }
    }
    /* outputs: the row number; for `any`, values that often agree; now
     * and then one that fails when it is evaluated */
    if (rnd(25) == 0) bp(b, "| 10 / (p1 - 5) |");
    else if (any) bp(b, "| %d |", 1 + rnd(2));
    else bp(b, "| %d |", k);
    if (nout == 2) bp(b, " \"r%d\" |", k);
    bp(b, "\n");
  }
  /* usually a default row, so that more calls succeed and run on */
  if (rnd(4)) {
    bp(b, "  |");
    for (int i = 0; i < t->ncols; i++) bp(b, " - |");
    bp(b, "| 0 |%s\n", nout == 2 ? " \"none\" |" : "");
    t->nrows++;
  }
  bp(b, "}\n\nlet inputs = [\n");
  t->ninputs = 20 + rnd(40);
  for (int j = 0; j < t->ninputs; j++) {
    bp(b, "  [");
    for (int i = 0; i < t->ncols; i++) {
      if (i) bp(b, ", ");
      input(b, kind[i]);
    }
    bp(b, "],\n");
  }
  bp(b, "]\n\nfn drive(xs) = [t(tick(x[1])");
  for (int i = 1; i < t->ncols; i++) bp(b, ", x[%d]", i + 1);
  bp(b, ") for x in xs]\n");
}

/* ---- running ---- */

typedef struct tick_state { svl_vm *vm; int count, trigger; } tick_state;

/* tick(x) is x; its trigger-th call interrupts the VM, which stops at the
 * next periodic check -- a row of some table call, the same with or
 * without the index. */
static svl_value *tick(svl_vm *vm, int nargs, svl_value *const *args, void *user) {
  (void)nargs;
  tick_state *s = user;
  if (++s->count == s->trigger) svl_interrupt(vm);
  return svl_dup(vm, args[0]);
}

typedef struct side {
  svl_vm *vm;
  bool off;      /* evaluate with table_index_off */
  uint64_t steps; /* taken by the last call */
  tick_state ts;
} side;

static bool open_side(side *s, bool off, uint64_t max_steps, int trigger, bool coverage, const char *src) {
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.max_steps = max_steps;
  s->vm = svl_new(&cfg);
  s->off = off;
  s->ts = (tick_state){s->vm, 0, trigger};
  if (!s->vm) return false;
  if (coverage) svl_set_coverage(s->vm, 1);
  svl_register(s->vm, "tick(x)", tick, 1, 1, &s->ts);
  table_index_off = off;
  if (svl_load_string(s->vm, "t.svl", src, SVL_NTS) != SVL_OK) {
    printf("# load failed: %s\n", svl_last_error(s->vm)->rendered);
    return false;
  }
  return true;
}

/* What a call showed: its result, or its error in full. */
static char *outcome(svl_vm *vm, svl_status st, svl_value *r) {
  buf b = {0};
  if (st == SVL_OK) {
    char *s = svl_format_value(vm, r, SVL_FORMAT_REPL);
    bp(&b, "ok %s", s ? s : "?");
    free(s);
    svl_release(vm, r);
  } else {
    bp(&b, "error %d %s", (int)st, svl_last_error(vm)->rendered);
  }
  return b.s;
}

static svl_value *global(side *s, const char *name) {
  svl_value *v = NULL;
  svl_get(s->vm, name, &v);
  return v;
}

/* The args of input j, as handles (released by the caller). */
static int args_of(side *s, svl_value *inputs, int j, svl_value **args) {
  svl_value *row = NULL;
  size_t n = 0;
  svl_item(s->vm, inputs, (size_t)j, &row);
  svl_length(s->vm, row, &n);
  for (size_t i = 0; i < n; i++) svl_item(s->vm, row, i, &args[i]);
  svl_release(s->vm, row);
  return (int)n;
}

/* A call's outcome and the steps it took: the index must count the rows
 * it skips, or step limits would strike elsewhere. */
static char *call(side *s, svl_value *fn, int nargs, svl_value **args) {
  table_index_off = s->off;
  svl_value *r = NULL;
  svl_status st = svl_call(s->vm, fn, nargs, args, &r);
  s->steps = s->vm->steps; /* before the next entry point starts counting again */
  char *o = outcome(s->vm, st, r);
  buf b = {o, strlen(o), strlen(o) + 1};
  bp(&b, " [%llu steps]", (unsigned long long)s->steps);
  return b.s;
}

static char *explain(side *s, svl_value *fn, int nargs, svl_value **args, svl_format f) {
  table_index_off = s->off;
  char *out = NULL;
  svl_status st = svl_explain_call(s->vm, fn, nargs, args, 0, NULL, NULL, f, 0, &out, NULL);
  if (st != SVL_OK) {
    free(out);
    return outcome(s->vm, st, NULL);
  }
  return out;
}

static int mismatches, compared;

static void same(const char *what, const table_case *t, int j, char *a, char *b) {
  compared++;
  if (a && b && !strcmp(a, b)) {
    free(a);
    free(b);
    return;
  }
  if (++mismatches <= 3) {
    printf("# %s differs (input %d) in table:\n", what, j + 1);
    for (const char *p = t->src.s; *p;) {
      const char *e = strchr(p, '\n');
      int n = e ? (int)(e - p) : (int)strlen(p);
      printf("#   %.*s\n", n, p);
      p += n + (e != NULL);
    }
    printf("# with the index:    %s\n# without the index: %s\n", a ? a : "(null)", b ? b : "(null)");
  }
  free(a);
  free(b);
}

/* The table node of a loaded program, to ask the index what it knows. */
static const node *table_node(side *s) {
  const node *prog = s->vm->main_mod->prog;
  for (int i = 0; i < prog->nkids; i++)
    if (prog->kids[i]->kind == N_TABLE) return prog->kids[i];
  return NULL;
}

static int calls, indexed_calls, tables_indexed, dirty_rows, rows_total, long_runs, limited_runs;

/* The inputs of the calls that succeeded, `reps` times over: a long run. */
static svl_value *long_list(side *s, const bool *ok, int n, int reps, int *len) {
  svl_value *inputs = global(s, "inputs");
  svl_value **items = calloc((size_t)(n * reps + 1), sizeof *items);
  int m = 0;
  for (int j = 0; j < n; j++)
    if (ok[j]) svl_item(s->vm, inputs, (size_t)j, &items[m++]);
  for (int j = m; j < m * reps; j++) items[j] = items[j % m];
  svl_value *l = svl_list(s->vm, (size_t)(m * reps), items);
  free(items);
  *len = m * reps;
  return l;
}

static void run_case(table_case *t) {
  side on, off;
  if (!open_side(&on, false, 0, 0, true, t->src.s) || !open_side(&off, true, 0, 0, true, t->src.s)) {
    mismatches++;
    return;
  }
  svl_value *fon = global(&on, "t"), *foff = global(&off, "t");
  svl_value *ion = global(&on, "inputs"), *ioff = global(&off, "inputs");
  bool *ok = calloc((size_t)t->ninputs, sizeof *ok);
  svl_value *aon[20], *aoff[20];
  for (int j = 0; j < t->ninputs; j++) {
    int n = args_of(&on, ion, j, aon);
    args_of(&off, ioff, j, aoff);
    char *a = call(&on, fon, n, aon), *b = call(&off, foff, n, aoff);
    ok[j] = !strncmp(a, "ok ", 3);
    same("a call", t, j, a, b);
    if (j % 3 == 0) {
      svl_format f = j % 2 ? SVL_FORMAT_JSON : SVL_FORMAT_TEXT;
      same("explain", t, j, explain(&on, fon, n, aon, f), explain(&off, foff, n, aoff, f));
    }
    /* which path the call took: the index, or the scan after all */
    table_index_off = false;
    const node *d = table_node(&on);
    const table_index *ix = table_index_of(d);
    const uint64_t *sets[TABLE_INDEX_MAX_COLS];
    if (ix) {
      /* the header reads parameters, maybe one twice: the inputs in column order */
      value cols[20];
      for (int i = 0; i < d->ninputs; i++) {
        const node *h = d->a->kids[0]->a->kids[i]->kids[0]->b;
        for (int p = 0; p < d->nkids; p++)
          if (d->kids[p]->slot == h->slot) cols[i] = aon[p]->v;
      }
      if (table_index_locate(ix, cols, sets)) indexed_calls++;
    }
    calls++;
    for (int i = 0; i < n; i++) {
      svl_release(on.vm, aon[i]);
      svl_release(off.vm, aoff[i]);
    }
  }
  table_index_off = false;
  const table_index *ix = table_index_of(table_node(&on));
  if (ix) {
    tables_indexed++;
    for (int k = 1; k <= t->nrows; k++) dirty_rows += table_index_dirty(ix, k);
  }
  rows_total += t->nrows;
  char *ca = NULL, *cb = NULL;
  int c1 = 0, c2 = 0, n1 = 0, n2 = 0;
  table_index_off = false;
  svl_coverage_report(on.vm, SVL_FORMAT_JSON, &ca, &c1, &n1);
  table_index_off = true;
  svl_coverage_report(off.vm, SVL_FORMAT_JSON, &cb, &c2, &n2);
  same("coverage", t, -1, ca, cb);

  /* One long run through the calls that succeeded, repeated until it
   * takes thousands of steps; then the same again, stopped by a step
   * budget somewhere inside it (single calls meet that budget too), or
   * by an interrupt at a random call, which lands at the next periodic
   * check (every 1,024 steps). */
  int nok = 0;
  for (int j = 0; j < t->ninputs; j++) nok += ok[j];
  if (!nok) {
    free(ok);
    svl_free(on.vm);
    svl_free(off.vm);
    return;
  }
  int reps = 1, len = 0;
  while (reps < 40 && reps * nok * (t->nrows + 3) < 8000) reps++;
  svl_value *xon = long_list(&on, ok, t->ninputs, reps, &len), *xoff = long_list(&off, ok, t->ninputs, reps, &len);
  char *a = call(&on, global(&on, "drive"), 1, &xon);
  uint64_t total = on.steps;
  same("a long run", t, -1, a, call(&off, global(&off, "drive"), 1, &xoff));
  svl_free(on.vm);
  svl_free(off.vm);
  uint64_t budget = 0;
  int trigger = 0;
  if (rnd(2) && total) budget = 1 + rnd64() % total;
  else trigger = 1 + rnd(len / 2 + 1);
  if (!open_side(&on, false, budget, trigger, false, t->src.s) ||
      !open_side(&off, true, budget, trigger, false, t->src.s)) {
    mismatches++;
    free(ok);
    return;
  }
  fon = global(&on, "t");
  foff = global(&off, "t");
  ion = global(&on, "inputs");
  ioff = global(&off, "inputs");
  for (int j = 0; j < t->ninputs; j += 4) {
    int n = args_of(&on, ion, j, aon);
    args_of(&off, ioff, j, aoff);
    same("a call under a step limit", t, j, call(&on, fon, n, aon), call(&off, foff, n, aoff));
    for (int i = 0; i < n; i++) {
      svl_release(on.vm, aon[i]);
      svl_release(off.vm, aoff[i]);
    }
  }
  xon = long_list(&on, ok, t->ninputs, reps, &len);
  xoff = long_list(&off, ok, t->ninputs, reps, &len);
  a = call(&on, global(&on, "drive"), 1, &xon);
  if (strstr(a, budget ? "[E0801]" : "[E0803]")) limited_runs++;
  same("a long run under a step limit or an interrupt", t, -1, a, call(&off, global(&off, "drive"), 1, &xoff));
  long_runs++;
  free(ok);
  svl_free(on.vm);
  svl_free(off.vm);
}

/* 2,500 rows: the first column's 2,500 distinct constants would need
 * bitsets over its budget, so its cells are left to the scan; the second
 * column's are indexed. */
static void generate_big(table_case *t) {
  buf *b = &t->src;
  b->n = 0;
  t->ncols = 2;
  t->nrows = 2501;
  bp(b, "unit kg\n\ntable t(p1, p2) hit first {\n  | p1 | p2 || o |\n");
  for (int k = 1; k <= 2500; k++) bp(b, "  | %d | >= %d || %d |\n", k, k % 40, k);
  bp(b, "  | - | - || 0 |\n}\n\nlet inputs = [\n");
  t->ninputs = 30;
  for (int j = 0; j < t->ninputs; j++) bp(b, "  [%d, %d],\n", rnd(2600), rnd(45));
  bp(b, "]\n\nfn drive(xs) = [t(tick(x[1]), x[2]) for x in xs]\n");
}

int main(int argc, char **argv) {
  int ntables = argc > 1 ? atoi(argv[1]) : 300;
  rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ull + 1 : 0x5EED5EED5EEDull;
  printf("TAP version 13\n");
  table_case t = {0};
  for (int i = 0; i < ntables; i++) {
    generate(&t);
    run_case(&t);
  }
  printf("# %d tables (%d indexed), %d calls (%d answered by the index), %d of %d rows dirty\n", ntables,
         tables_indexed, calls, indexed_calls, dirty_rows, rows_total);
  char desc[160];
  snprintf(desc, sizeof desc, "the index and the scan agree on %d comparisons over %d random tables", compared, ntables);
  tap_ok(mismatches == 0 && compared > ntables * 20, desc);
  /* the comparison means something only if the index answered many calls */
  tap_ok(tables_indexed > ntables / 2, "most tables are indexed");
  tap_ok(indexed_calls > calls / 4, "many calls are answered by the index");
  tap_ok(dirty_rows < rows_total / 2 && dirty_rows > 0, "some rows, not most, are left to the scan");
  printf("# %d long runs, %d of them stopped by the step limit or the interrupt\n", long_runs, limited_runs);
  tap_ok(limited_runs > long_runs / 2, "most long runs meet their limit");
  int before = mismatches, dirty_before = dirty_rows;
  generate_big(&t);
  run_case(&t);
  tap_ok(mismatches == before && dirty_rows - dirty_before == 2500,
         "a column whose bitsets would be too big is left to the scan");
  free(t.src.s);
  return tap_done();
}
