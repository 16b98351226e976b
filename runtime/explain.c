/* Rendering explanation trees (svl explain): a text tree, JSON for other
 * programs, and a plain narrative that reads like an evaluator's note:
 *   price_points = 32 because 40 × lowest £100.00 / price £125.00 (evaluation.svl:1) */
#include <string.h>

#include "eval.h"
#include "gc.h"

static void where(sbuf *b, const trace *t) {
  if (!t->at.src) return;
  int line, col;
  loc_line_col(t->at.src, t->at.start, &line, &col);
  sb_printf(b, "(%s:%d)", t->at.src->name, line);
}

static void tree_text(sbuf *b, const trace *t, const char *prefix, bool last, int depth, int max) {
  sb_printf(b, "%s%s%s(%s) = %s", prefix, last ? "└─ " : "├─ ", t->name, t->args, t->result ? t->result : "(error)");
  if (t->detail) sb_printf(b, "  [%s]", t->detail);
  sb_puts(b, "  ");
  where(b, t);
  sb_putc(b, '\n');
  if (max && depth >= max) return;
  sbuf p;
  sb_init(&p);
  sb_puts(&p, prefix);
  sb_puts(&p, last ? "   " : "│  ");
  for (int i = 0; i < t->nkids; i++) tree_text(b, t->kids[i], p.s, i == t->nkids - 1, depth + 1, max);
}

static void tree_json(sbuf *b, const trace *t, int depth, int max) {
  sb_puts(b, "{\"name\": ");
  sb_json_string(b, t->name, strlen(t->name));
  sb_printf(b, ", \"kind\": \"%s\", \"args\": ", t->kind);
  sb_json_string(b, t->args, strlen(t->args));
  sb_puts(b, ", \"result\": ");
  const char *r = t->result ? t->result : "";
  sb_json_string(b, r, strlen(r));
  if (t->detail) {
    sb_puts(b, ", \"detail\": ");
    sb_json_string(b, t->detail, strlen(t->detail));
  }
  if (t->at.src) {
    int line, col;
    loc_line_col(t->at.src, t->at.start, &line, &col);
    sb_puts(b, ", \"file\": ");
    sb_json_string(b, t->at.src->name, strlen(t->at.src->name));
    sb_printf(b, ", \"line\": %d", line);
  }
  sb_puts(b, ", \"calls\": [");
  if (!max || depth < max)
    for (int i = 0; i < t->nkids; i++) {
      if (i) sb_puts(b, ", ");
      tree_json(b, t->kids[i], depth + 1, max);
    }
  sb_puts(b, "]}");
}

/* ---- the plain narrative ---- */

static void src_text(sbuf *b, const node *n) {
  if (n->at.src) sb_putn(b, n->at.src->text + n->at.start, n->at.end - n->at.start);
}

/* The value of a parameter reference, when n names one of the callee's
 * own parameters. */
static bool param_value(const trace *t, const node *n, value *out) {
  if (n->kind != N_NAME || n->refkind != REF_LOCAL || n->up != 0 || !t->decl || !t->argv) return false;
  if (n->slot >= t->decl->nslots) return false; /* params, then the body's lets */
  *out = t->argv[n->slot];
  return true;
}

static bool is_plain_value(value x) {
  return x.tag == V_NUM || x.tag == V_TEXT || x.tag == V_BOOL || x.tag == V_DATE || x.tag == V_NULL;
}

static int prec(const node *n) {
  if (n->kind != N_BIN) return 9;
  switch (n->op) {
  case OP_ADD: case OP_SUB: return 4;
  case OP_MUL: case OP_DIV: case OP_MOD: return 5;
  case OP_POW: return 6;
  default: return 3;
  }
}

static void plain_expr(sbuf *b, const node *n, const trace *t);

static void operand(sbuf *b, const node *n, const trace *t, int outer) {
  bool paren = prec(n) < outer;
  if (paren) sb_putc(b, '(');
  plain_expr(b, n, t);
  if (paren) sb_putc(b, ')');
}

static void plain_expr(sbuf *b, const node *n, const trace *t) {
  value x;
  switch (n->kind) {
  case N_NAME:
    sb_puts(b, n->name);
    if (param_value(t, n, &x) && is_plain_value(x)) sb_printf(b, " %s", value_short(x));
    else if (n->refkind == REF_GLOBAL && n->mod && n->mod->g->ready[n->slot] && is_plain_value(n->mod->g->vals[n->slot]))
      sb_printf(b, " %s", value_short(n->mod->g->vals[n->slot]));
    return;
  case N_FIELD:
    src_text(b, n);
    if (param_value(t, n->a, &x) && x.tag == V_RECORD) {
      long k = record_find(x.as.rec, n->name);
      if (k >= 0 && is_plain_value(rec_get(x.as.rec, k))) sb_printf(b, " %s", value_short(rec_get(x.as.rec, k)));
    }
    return;
  case N_BIN: {
    static const char *sym[] = {"+", "−", "×", "÷", "mod", "^", "==", "!=", "<", "≤", ">", "≥", "in"};
    int p = prec(n);
    operand(b, n->a, t, p);
    sb_printf(b, " %s ", n->op <= OP_IN ? sym[n->op] : "?");
    operand(b, n->b, t, p + (n->op == OP_POW ? 0 : 1));
    return;
  }
  case N_NEG:
    sb_puts(b, "−");
    operand(b, n->a, t, 9);
    return;
  case N_BLOCK:
    plain_expr(b, n->a, t);
    return;
  case N_CALL:
    /* a builtin shows its arguments' values; a user call has its own line */
    if (n->a->kind == N_NAME && n->a->refkind == REF_BUILTIN) {
      sb_printf(b, "%s(", n->a->name);
      for (int i = 0; i < n->nkids; i++) {
        if (i) sb_puts(b, ", ");
        plain_expr(b, n->kids[i], t);
      }
      sb_putc(b, ')');
      return;
    }
    src_text(b, n);
    return;
  default:
    src_text(b, n);
  }
}

static void narrative(sbuf *b, const trace *t, int depth, int max) {
  for (int i = 0; i < depth; i++) sb_puts(b, "  ");
  const node *d = t->decl;
  if (d && d->kind == N_RULE) {
    sb_printf(b, "%s(%s) %s", t->name, t->args, t->detail ? t->detail : "passed");
  } else if (d && d->kind == N_TABLE) {
    sb_printf(b, "%s(%s) = %s: %s", t->name, t->args, t->result ? t->result : "(error)", t->detail ? t->detail : "");
  } else if (d && (d->kind == N_FN || d->kind == N_LAMBDA) && d->a) {
    sb_printf(b, "%s = %s because ", t->name, t->result ? t->result : "(error)");
    plain_expr(b, d->a, t);
  } else {
    sb_printf(b, "%s = %s", t->name, t->result ? t->result : "(error)");
  }
  sb_putc(b, ' ');
  where(b, t);
  sb_putc(b, '\n');
  if (max && depth >= max) return;
  for (int i = 0; i < t->nkids; i++) narrative(b, t->kids[i], depth + 1, max);
}

const char *trace_render(const trace *root, svl_format f, int plain, int max) {
  sbuf b;
  sb_init(&b);
  if (f == SVL_FORMAT_JSON) {
    tree_json(&b, root, 0, max);
    sb_putc(&b, '\n');
  } else if (plain) {
    sb_printf(&b, "%s = %s\n", root->name, root->result ? root->result : "(error)");
    for (int i = 0; i < root->nkids; i++) narrative(&b, root->kids[i], 1, max);
  } else {
    sb_printf(&b, "%s = %s\n", root->name, root->result ? root->result : "(error)");
    for (int i = 0; i < root->nkids; i++) tree_text(&b, root->kids[i], "", i == root->nkids - 1, 1, max);
  }
  return b.s ? b.s : "";
}
