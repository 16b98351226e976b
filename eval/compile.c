/* The compiled form (issue 19, first step): the bodies the evaluator runs
 * most -- a function's or lambda's body, a comprehension's item and
 * filter, a rule's require and warn conditions -- are compiled, on their
 * first run, into a tree of `code`:
 * each node a function pointer chosen for its kind and the shape of its
 * operands (a local of this frame, a literal...), with what the tree
 * walker looks up on every visit worked out once: the site (the field
 * read's record-layout cache), a record literal's names, constants
 * folded.  The AST stays as the resolver left it; the code is owned by
 * the VM through the module's site table (site.code), like every other
 * cache, so two VMs compile separately.
 *
 * Every code keeps its node: errors are raised at the node's place with
 * the tree walker's own helpers (field_of, get_index, op_apply, the call
 * path), so messages, provenance, steps and limits are the walker's.
 * Explain needs nothing of its own: calls still go through call_full,
 * which opens the trace node, and explain re-evaluates pieces of a body
 * with the tree walker on the same frames (the compiled form uses the
 * resolver's slots as they are).  A kind not compiled here runs through
 * the walker (run_tree), so the two can never disagree about it. */
#include "eval/walk.h"

#include <alloca.h>

/* Deeper than the stack left allows: the walker raises it where it did. */
static inline bool stack_low(void) {
  char here;
  return value_stack_floor && (uintptr_t)&here < (uintptr_t)value_stack_floor;
}

static value run_tree(vm *v, const code *c, frame *f) { return eval(v, c->n, f); }
static value run_const(vm *v, const code *c, frame *f) { (void)v, (void)f; return c->k; }
static value run_local0(vm *v, const code *c, frame *f) { (void)v; return f->slots[c->slot]; }
static value run_local1(vm *v, const code *c, frame *f) { (void)v; return f->up->slots[c->slot]; }
static value run_local(vm *v, const code *c, frame *f) {
  (void)v;
  for (int i = 0; i < c->up; i++) f = f->up;
  return f->slots[c->slot];
}
static value run_global(vm *v, const code *c, frame *f) {
  (void)f;
  const globals *g = c->n->mod->g;
  if (__builtin_expect(!g->ready[c->n->slot], 0)) return eval_global(v, c->n); /* raises E0302 */
  return g->vals[c->n->slot];
}

#define RUN(x, f) ((x)->run(v, (x), (f)))

/* A field read: the layout cache of the site inline, the walker's
 * field_of for anything else (another layout, a verdict, a module,
 * null and its error). */
static inline value field_read(vm *v, const code *c, value o) {
  if (o.tag == V_RECORD) {
    const field_cache *fc = c->st->cache;
    const record *r = o.as.rec;
    if (fc && fc->keys == r->keys) {
      prov_read(v, r, fc->at);
      return rec_get(r, fc->at);
    }
  }
  value out;
  field_of(v, c->n, o, false, &out);
  return out;
}
static value run_field(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  return field_read(v, c, RUN(c->a, f));
}
/* bid.price with bid a parameter: the commonest read of all */
static value run_field_local0(vm *v, const code *c, frame *f) { return field_read(v, c, f->slots[c->a->slot]); }

static value run_index(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  value o = RUN(c->a, f), i = RUN(c->b, f), out;
  /* xs[k], k a whole number within the list: the item; anything else
   * (a text, a record, out of range, not a whole number) as the walker */
  int64_t k;
  if (o.tag == V_LIST && i.tag == V_NUM && !i.unit && (dec_small_whole(i.as.num, &k) || dec_to_int(i.as.num, &k))) {
    const list *l = o.as.list;
    if (k > 0 && (uint64_t)k <= l->n) return l->items[k - 1];
    if (k < 0 && 0 - (uint64_t)k <= l->n) return l->items[(int64_t)l->n + k];
  }
  get_index(v, c->n->at, o, i, false, &out);
  return out;
}

/* op_apply, with the commonest cases of two numbers worked here, as
 * arith_num and compare work them: + and - in one unit with one percent
 * flag, * and / by a plain number (a quantity keeps its unit; a zero
 * divisor goes on to raise), a plain number to a plain power, and the
 * orderings in one unit with one flag.  Everything else, and every
 * error, is op_apply's.  The status is tested here and vm_check called
 * only for an error (sroi: ten years of `yearly * (100% - p.drop_off) ^
 * (t - 1) / (100% + discount_rate) ^ t`, every operation of it here). */
static inline __attribute__((always_inline)) value num_op(vm *v, loc at, int op, const value *pa, const value *pb) {
  const value a = *pa, b = *pb;
  value out = {.tag = V_NUM};
  dec_status st;
  if (a.tag == V_NUM && b.tag == V_NUM) {
    switch (op) {
    case OP_ADD: case OP_SUB:
      if (a.unit != b.unit || a.pct != b.pct) break;
      v->here = at;
      st = op == OP_ADD ? dec_add(a.as.num, b.as.num, &out.as.num) : dec_sub(a.as.num, b.as.num, &out.as.num);
      out.pct = a.pct, out.unit = a.unit;
      goto done;
    case OP_MUL: case OP_DIV:
      if (b.unit || (op == OP_DIV && dec_is_zero(b.as.num))) break;
      v->here = at;
      st = op == OP_MUL ? dec_mul(a.as.num, b.as.num, &out.as.num) : dec_div(a.as.num, b.as.num, &out.as.num);
      out.unit = a.unit;
      goto done;
    case OP_POW:
      if (a.unit || b.unit) break;
      v->here = at;
      st = dec_pow(a.as.num, b.as.num, &out.as.num);
      goto done;
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: {
      if (a.unit != b.unit || a.pct != b.pct) break;
      v->here = at;
      int k = dec_cmp(a.as.num, b.as.num);
      return v_bool(op == OP_LT ? k < 0 : op == OP_LE ? k <= 0 : op == OP_GT ? k > 0 : k >= 0);
    }
    default: break;
    }
  }
  return op_apply(v, at, op, a, b);
done:
  if (__builtin_expect(st != DEC_OK, 0)) vm_check(v, at, st);
  return out;
}

static value run_bin(vm *v, const code *c, frame *f) {
  value a = RUN(c->a, f);
  value b = RUN(c->b, f);
  return num_op(v, c->n->at, c->n->op, &a, &b);
}

/* a + b - c ...: three or more operands, left to right without
 * recursion (a flat sum of 200,000 terms needs no C stack).  kids[0] is
 * the innermost left operand, kids[i + 1] the right operand of links[i]. */
static value run_chain(vm *v, const code *c, frame *f) {
  value acc = RUN(c->kids[0], f);
  for (int i = 1; i < c->nkids; i++) {
    const node *l = c->links[i - 1];
    value b = RUN(c->kids[i], f);
    acc = num_op(v, l->at, l->op, &acc, &b);
  }
  return acc;
}

static value run_and(vm *v, const code *c, frame *f) {
  if (!want_bool(v, c->n->a->at, RUN(c->a, f), "the left side of 'and'")) return v_bool(false);
  return v_bool(want_bool(v, c->n->b->at, RUN(c->b, f), "the right side of 'and'"));
}
static value run_or(vm *v, const code *c, frame *f) {
  if (want_bool(v, c->n->a->at, RUN(c->a, f), "the left side of 'or'")) return v_bool(true);
  return v_bool(want_bool(v, c->n->b->at, RUN(c->b, f), "the right side of 'or'"));
}
static value run_if(vm *v, const code *c, frame *f) {
  if (want_bool(v, c->n->a->at, RUN(c->a, f), "an if condition")) return RUN(c->b, f);
  return RUN(c->c, f);
}
static value run_not(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  return v_bool(!want_bool(v, c->n->a->at, RUN(c->a, f), "the operand of 'not'"));
}
static value run_neg(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  value a = RUN(c->a, f);
  if (a.tag != V_NUM) vm_error(v, c->n->at, "E0402 cannot negate %s", value_type_name(a));
  a.as.num = dec_neg(a.as.num);
  return a;
}

/* The items of list literal c run into l, which has room for them: a new
 * list, or one lent on a caller's C stack (run_call_lend, run_block_lent,
 * code_run_lent). */
static inline value list_items(vm *v, const code *c, frame *f, list *l) {
  for (int i = 0; i < c->nkids; i++) l->items[i] = RUN(c->kids[i], f);
  l->n = (size_t)c->nkids;
  return v_list(l);
}
static value run_list(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  return list_items(v, c, f, list_new((size_t)c->nkids));
}
/* The names were worked out at compile time: the walker's own array for
 * this literal (literal_keys), so both make records of one layout. */
static value run_record(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  record *r = record_new_shared((size_t)c->nkids, c->keys);
  for (int i = 0; i < c->nkids; i++) r->vals[i] = RUN(c->kids[i], f);
  return v_rec(r);
}

/* `x with {k: e, ...}`: x, then the literal's values in order, as the
 * walker does (eval.c with_literal). */
static value run_with_literal(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  value a = RUN(c->a, f);
  value small[8];
  value *vals = c->nkids <= 8 ? small : gc_alloc((size_t)c->nkids * sizeof(value));
  for (int i = 0; i < c->nkids; i++) vals[i] = RUN(c->kids[i], f);
  return with_values(v, c->n, a, vals);
}

/* A call with positional arguments only (named ones go through the
 * walker, which maps them): the callee, then the arguments in order, as
 * eval_call does, and call_full from there (limits, trace, coverage). */
static value run_call(vm *v, const code *c, frame *f) {
  value fv = RUN(c->a, f);
  value small[4];
  value *args = c->nkids <= 4 ? small : gc_alloc((size_t)c->nkids * sizeof(value));
  for (int i = 0; i < c->nkids; i++) args[i] = RUN(c->kids[i], f);
  return vm_call(v, fv, c->nkids, args, c->n->at);
}

/* A call of a builtin named in the source (`sum(xs)`, `value(jobs, q)`):
 * the builtin is known when compiling and its arity was checked then, so
 * what is left of call_full's way is the step and the call itself. */
static value run_call_builtin(vm *v, const code *c, frame *f) {
  const builtin *b = c->a->k.as.builtin;
  value small[4];
  value *args = c->nkids <= 4 ? small : gc_alloc((size_t)c->nkids * sizeof(value));
  for (int i = 0; i < c->nkids; i++) args[i] = RUN(c->kids[i], f);
  step(v, c->n->at);
  if (b->fn == v->native_fn) return v->native_call(v, b, c->nkids, args, c->n->at);
  return b->fn(v, c->nkids, args, c->n->at);
}

/* A comprehension: the walker's loop, which runs the item and the filter
 * compiled (comp_one). */
static value run_comp(vm *v, const code *c, frame *f) {
  if (__builtin_expect(stack_low(), 0)) return eval(v, c->n, f);
  return comprehension_lent(v, c->n, f, NULL, 0);
}

/* A list for a builtin that only reads it (builtin_set.borrows: sum,
 * mean, min, max...): `sum([m[k] * p[k] for k in 1..6])`, `mean([a, b,
 * c])`.  The list is made in storage on this C stack, which dies when
 * the call returns, instead of on the heap: the same items in the same
 * order, and nothing of it can outlive the call.  A comprehension whose
 * result may not fit makes its list on the heap as before. */
enum { LEND_MAX = 16 };
static value run_call_lend(vm *v, const code *c, frame *f) {
  const builtin *b = c->a->k.as.builtin;
  _Alignas(list) _Alignas(value) unsigned char buf[sizeof(list) + LEND_MAX * sizeof(value)];
  list *l = (list *)(void *)buf;
  const code *x = c->kids[0];
  value arg;
  if (x->run == run_list) {
    arg = list_items(v, x, f, l);
  } else if (x->run == run_comp) {
    arg = comprehension_lent(v, x->n, f, l, LEND_MAX);
  } else {
    arg = RUN(x, f); /* compiled while the stack was short */
  }
  step(v, c->n->at);
  value r = b->fn(v, 1, &arg, c->n->at);
  /* A comprehension too long for the stack made its list on the heap, and
   * only the builtin has seen it: given back at once, it does not grow
   * the heap (`min([b.price for b in valid])` over 74,212 bids: 2.4 MB
   * each).  Longer than LEND_MAX, it is the comprehension's own new list
   * (never the shared empty one); explain is left what it may keep. */
  if (x->run == run_comp && arg.tag == V_LIST && arg.as.list->n > LEND_MAX && !v->tr)
    gc_free(arg.as.list);
  return r;
}

/* A block: its lets straight into their slots, other statements (assert,
 * print) by the walker, then the final expression. */
static value run_block(vm *v, const code *c, frame *f) {
  for (int i = 0; i < c->nkids; i++) {
    const code *s = c->kids[i];
    if (s->n->kind == N_LET) f->slots[s->slot] = RUN(s->a, f);
    else eval_stmt(v, s->n, f);
  }
  return RUN(c->a, f);
}

/* A block with lets read only by index (`let m = [b.m1, b.m2, ...]`, then
 * `m[k]`): their lists are made on this C stack, not the heap, and the
 * slots are cleared once the block is done, so nothing can reach the
 * storage after it.  Explain keeps a traced call's frame to re-evaluate
 * its pieces: then the lists go on the heap, as run_block makes them. */
static value run_block_lent(vm *v, const code *c, frame *f) {
  if (v->tr) return run_block(v, c, f);
  unsigned char *mem = alloca(c->bytes);
  for (int i = 0; i < c->nkids; i++) {
    const code *s = c->kids[i];
    if (s->n->kind != N_LET) eval_stmt(v, s->n, f);
    else if (!s->lent) f->slots[s->slot] = RUN(s->a, f);
    else {
      const code *x = s->a;
      list *l = (list *)(void *)mem;
      mem += sizeof(list) + (size_t)x->nkids * sizeof(value);
      f->slots[s->slot] = list_items(v, x, f, l);
    }
  }
  value r = RUN(c->a, f);
  for (int i = 0; i < c->nkids; i++)
    if (c->kids[i]->lent) f->slots[c->kids[i]->slot] = v_null;
  return r;
}

/* ---- the compiler ---- */

/* Is local `slot` (of the frame `depth` frames out) read in n only as xs
 * in xs[i]?  A lambda could keep it: no.  Left operands are followed in a
 * loop, as every pass walks a chain (a 200,000-term sum). */
static bool only_indexed(const node *n, int slot, int depth) {
  while (n) {
    if (stack_low()) return false;
    switch (n->kind) {
    case N_NAME: return !(n->refkind == REF_LOCAL && n->up == depth && n->slot == slot);
    case N_LAMBDA: return false;
    case N_INDEX:
      if (n->a->kind == N_NAME && n->a->refkind == REF_LOCAL && n->a->up == depth && n->a->slot == slot) {
        n = n->b;
        continue;
      }
      break;
    case N_COMP: /* its list is read outside its frame, the rest inside */
      if (!only_indexed(n->b, slot, depth)) return false;
      if (n->c && !only_indexed(n->c, slot, depth + 1)) return false;
      n = n->a;
      depth++;
      continue;
    default: break;
    }
    for (int i = 0; i < n->nkids; i++)
      if (!only_indexed(n->kids[i], slot, depth)) return false;
    if (n->b && !only_indexed(n->b, slot, depth)) return false;
    if (n->c && !only_indexed(n->c, slot, depth)) return false;
    n = n->a;
  }
  return true;
}

static code *code_new(const node *n, run_fn run) {
  code *c = gc_alloc(sizeof *c);
  c->n = n;
  c->run = run;
  return c;
}

static code *compile(vm *v, const node *n);

static bool is_const(const code *c) { return c->run == run_const; }

/* n, whose operands are all constants, as a constant: worked out once by
 * the walker, with nothing to observe it (eval_quiet).  When it raises
 * (1 / 0, 5% + 1), n stays as it is and raises when run, where the
 * walker raised it. */
static code *folded(vm *v, code *c) {
  loc here = v->here;
  value x;
  bool ok = eval_quiet(v, c->n, NULL, &x);
  v->here = here;
  if (!ok) return c;
  code *k = code_new(c->n, run_const);
  k->k = x;
  return k;
}

static code *compile_chain(vm *v, const node *n) {
  size_t len = 0;
  for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) len++;
  const node **links = gc_alloc(len * sizeof *links);
  size_t i = len;
  for (const node *k = n; k == n || ast_chain_link(n, k); k = k->a) links[--i] = k;
  code *c = code_new(n, run_chain);
  c->links = links;
  c->nkids = (int)len + 1;
  c->kids = gc_alloc((size_t)c->nkids * sizeof *c->kids);
  c->kids[0] = compile(v, links[0]->a);
  for (i = 0; i < len; i++) c->kids[i + 1] = compile(v, links[i]->b);
  return c;
}

static code *compile_name(const node *n) {
  if (n->refkind == REF_LOCAL) {
    code *c = code_new(n, n->up == 0 ? run_local0 : n->up == 1 ? run_local1 : run_local);
    c->slot = n->slot;
    c->up = n->up;
    return c;
  }
  if (n->refkind == REF_GLOBAL) return code_new(n, run_global);
  if (n->refkind == REF_BUILTIN) { /* a builtin is a constant */
    code *c = code_new(n, run_const);
    c->k = (value){.tag = V_BUILTIN};
    c->k.as.builtin = n->ref;
    return c;
  }
  return code_new(n, run_tree);
}

static const code **compile_kids(vm *v, const node *n, bool values) {
  const code **k = gc_alloc((size_t)(n->nkids ? n->nkids : 1) * sizeof *k);
  for (int i = 0; i < n->nkids; i++) k[i] = compile(v, values ? n->kids[i]->a : n->kids[i]);
  return k;
}

static code *compile_block(vm *v, const node *n) {
  code *c = code_new(n, run_block);
  c->nkids = n->nkids;
  c->kids = gc_alloc((size_t)(n->nkids ? n->nkids : 1) * sizeof *c->kids);
  for (int i = 0; i < n->nkids; i++) {
    const node *st = n->kids[i];
    code *s = code_new(st, run_tree);
    if (st->kind == N_LET) s->a = compile(v, st->a), s->slot = st->slot;
    if (st->kind == N_LET && s->a->run == run_list && s->a->nkids <= LEND_MAX) {
      bool only = only_indexed(n->a, s->slot, 0);
      for (int j = i + 1; j < n->nkids && only; j++) only = only_indexed(n->kids[j], s->slot, 0);
      if (only) {
        s->lent = true;
        c->bytes += sizeof(list) + (size_t)s->a->nkids * sizeof(value);
        c->run = run_block_lent;
      }
    }
    c->kids[i] = s;
  }
  c->a = compile(v, n->a);
  return c;
}

static code *compile(vm *v, const node *n) {
  if (stack_low()) return code_new(n, run_tree);
  code *c;
  switch (n->kind) {
  case N_LIT:
    c = code_new(n, run_const);
    c->k = n->lit;
    return c;
  case N_QTY: return folded(v, code_new(n, run_tree));
  case N_NAME: return compile_name(n);
  case N_FIELD:
    if (!site_of(n)) return code_new(n, run_tree);
    c = code_new(n, run_field);
    c->st = site_of(n);
    c->a = compile(v, n->a);
    if (c->a->run == run_local0) c->run = run_field_local0;
    return c;
  case N_INDEX:
    c = code_new(n, run_index);
    c->a = compile(v, n->a);
    c->b = compile(v, n->b);
    return c;
  case N_BIN:
    if (n->a->kind == N_BIN && n->a->a->kind == N_BIN) return compile_chain(v, n);
    c = code_new(n, run_bin);
    c->a = compile(v, n->a);
    c->b = compile(v, n->b);
    return is_const(c->a) && is_const(c->b) ? folded(v, c) : c;
  case N_AND: case N_OR:
    if (n->a->kind == N_AND || n->a->kind == N_OR) return code_new(n, run_tree); /* eval_logic */
    c = code_new(n, n->kind == N_AND ? run_and : run_or);
    c->a = compile(v, n->a);
    c->b = compile(v, n->b);
    return c;
  case N_IF:
    c = code_new(n, run_if);
    c->a = compile(v, n->a);
    c->b = compile(v, n->b);
    c->c = compile(v, n->c);
    return c;
  case N_NOT: case N_NEG:
    c = code_new(n, n->kind == N_NOT ? run_not : run_neg);
    c->a = compile(v, n->a);
    return is_const(c->a) ? folded(v, c) : c;
  case N_AS: {
    /* a conversion of a constant (£1.2m as EUR, 90 days as weeks) is
     * worked out once */
    code *a = compile(v, n->a);
    return is_const(a) ? folded(v, code_new(n, run_tree)) : code_new(n, run_tree);
  }
  case N_LIST:
    c = code_new(n, run_list);
    c->nkids = n->nkids;
    c->kids = compile_kids(v, n, false);
    return c;
  case N_RECORD:
    c = code_new(n, run_record);
    c->nkids = n->nkids;
    c->keys = literal_keys(n);
    c->kids = compile_kids(v, n, true);
    return c;
  case N_CALL:
    for (int i = 0; i < n->nkids; i++)
      if (n->kids[i]->kind == N_NAMED) return code_new(n, run_tree);
    c = code_new(n, run_call);
    c->a = compile(v, n->a);
    c->nkids = n->nkids;
    c->kids = compile_kids(v, n, false);
    if (is_const(c->a) && c->a->k.tag == V_BUILTIN) {
      const builtin *b = c->a->k.as.builtin;
      if (n->nkids >= b->min_args && (b->max_args < 0 || n->nkids <= b->max_args)) c->run = run_call_builtin;
      if (c->run == run_call_builtin && n->nkids == 1 && b->fn != v->native_fn && v->builtins && v->builtins->borrows &&
          v->builtins->borrows(b) &&
          ((c->kids[0]->run == run_list && c->kids[0]->nkids <= LEND_MAX) || c->kids[0]->run == run_comp))
        c->run = run_call_lend;
    }
    return c;
  case N_WITH:
    if (n->b->kind != N_RECORD) return code_new(n, run_tree);
    c = code_new(n, run_with_literal);
    c->a = compile(v, n->a);
    c->nkids = n->b->nkids;
    c->kids = compile_kids(v, n->b, true);
    return c;
  case N_COMP: return code_new(n, run_comp);
  case N_BLOCK:
    if (!n->a) return code_new(n, run_tree);
    return compile_block(v, n);
  default: return code_new(n, run_tree);
  }
}

value code_run_first(vm *v, const node *n, const void **slot, frame *f) {
  const code *c = compile(v, n);
  *slot = c;
  return c->run(v, c, f);
}

value code_run_lent(vm *v, const node *n, const void **slot, frame *f, list *lent, size_t cap) {
  if (!*slot) *slot = compile(v, n);
  const code *c = *slot;
  if (c->run != run_list || (size_t)c->nkids > cap) return c->run(v, c, f);
  return list_items(v, c, f, lent);
}
