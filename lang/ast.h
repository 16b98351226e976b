/* The abstract syntax tree.  One node type for every construct keeps the
 * parser actions, the resolver and the evaluator short; the kind says which
 * fields mean what (see the table beside each kind). */
#ifndef SVL_AST_H
#define SVL_AST_H

#include <stdbool.h>
#include "core/source.h"
#include "core/value.h"

typedef enum {
  /* expressions */
  N_LIT,      /* lit: a constant (number, money, percent, text, bool, null) */
  N_QTY,      /* a: number literal, name: unit name (12 FTE); b: per-unit name or NULL */
  N_STR,      /* kids: parts (N_LIT texts and expressions): interpolation */
  N_NAME,     /* name; resolved: ref */
  N_FIELD,    /* a.name */
  N_INDEX,    /* a[b] */
  N_CALL,     /* a(kids...): kids are args, N_NAMED for named ones */
  N_NAMED,    /* name: a (a named argument) */
  N_BIN,      /* a op b */
  N_AND, N_OR, N_DEFAULT, /* a and b, a or b, a ?? b */
  N_NEG, N_NOT,/* op a */
  N_IF,       /* if a then b else c */
  N_LIST,     /* [kids] */
  N_RECORD,   /* {kids}: kids are N_FIELDDEF */
  N_FIELDDEF, /* name: a */
  N_COMP,     /* [a for name in b if c] ; slot; opt: a is the next clause, splice its items */
  N_RANGE,    /* a..b */
  N_LAMBDA,   /* fn(params) = body: kids params (N_PARAM), a body; frame info */
  N_BLOCK,    /* { kids statements; a final expression } */
  N_AS,       /* a as name */
  N_WITH,     /* a with b */
  /* statements and declarations */
  N_LET,      /* let name = a ; slot */
  N_FN,       /* fn name(kids params) = a  (also rule, table: see decl) */
  N_RULE,     /* rule name(params) { kids: N_REQUIRE/N_WARN/N_LET } */
  N_REQUIRE,  /* require a [, b message] */
  N_WARN,     /* warn a, b */
  N_TABLE,    /* table name(params) hit policy { header and rows } */
  N_PARAM,    /* name [: a type] [= b default] */
  N_UNIT,     /* unit name[, plural] [= a (N_QTY or N_LIT)] */
  N_TYPE,     /* type name = a (N_TYPEEXPR record) */
  N_TYPEEXPR, /* name (base/unit/type name), or kids (record fields as N_FIELDDEF), or a (list of a); opt */
  N_INDICATOR,/* indicator name { kids N_FIELDDEF } */
  N_REPORT,   /* report { a: N_RECORD of N_FIELDDEF } (name "report"; docs/report.md) */
  N_IMPORT,   /* import name | import "path" as name (path in lit) */
  N_ASSERT,   /* assert a [, b message]; op 1: assert_error(a [, b code or message part]) */
  N_PRINT,    /* print a */
  N_TEST,     /* test "name" { kids statements } */
  N_EXPRSTMT, /* a (REPL / block final value) */
  N_PROGRAM   /* kids declarations */
} nkind;

typedef enum {
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_POW,
  OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN,
  /* unary tests in table cells */
  OP_ANY
} binop;

/* How a name was resolved. */
typedef enum {
  REF_NONE,
  REF_GLOBAL,   /* slot in the module's globals */
  REF_LOCAL,    /* up frames out, slot */
  REF_BUILTIN,  /* builtin pointer */
  REF_UNIT      /* a unit name used where a value is expected (error) */
} refkind;

/* N_RANGE op: a table cell's half-open range, [a..b) or (a..b] */
enum { RANGE_LO_OPEN = 1, RANGE_HI_OPEN = 2 };

typedef enum { HIT_UNIQUE, HIT_FIRST, HIT_ANY, HIT_COLLECT, HIT_COLLECT_SUM,
               HIT_COLLECT_MIN, HIT_COLLECT_MAX, HIT_COLLECT_COUNT,
               HIT_RULE_ORDER,
               HIT_PRIORITY,      /* the matching row whose output comes first in its enumeration */
               HIT_OUTPUT_ORDER   /* every matching row's output, in the enumeration's order */
             } hitpolicy;

typedef struct node node;
struct node {
  uint8_t kind;       /* nkind */
  uint8_t op;         /* binop for N_BIN; hitpolicy for N_TABLE */
  uint8_t refkind;    /* N_NAME resolution */
  bool opt;           /* N_TYPEEXPR: T? ; N_BLOCK: has final expression */
  uint16_t depth;     /* nesting depth, bounded by the parser (1,000) */
  uint8_t frames;     /* N_FN, N_RULE, N_TABLE, N_LAMBDA, N_COMP: 2 when
                         a lambda inside may keep its frames (set by the
                         resolver), else 0 (eval/eval.c) */
  loc at;
  const char *name;
  const char *name2;  /* N_UNIT plural; N_TABLE unused */
  node *a, *b, *c;
  node **kids;
  int nkids;
  /* Where the evaluator keeps what it learns at this node (record
   * layouts, a table's row index, coverage hits): an index into its
   * module's site table (eval/eval.h), dense per module, set by the
   * resolver for the kinds that need one; 0 none.  After resolution the
   * tree is read-only: the evaluator never writes into it. */
  int site;
  value lit;          /* N_LIT, N_QTY's factor; N_RANGE of two literals: the range (the resolver folds it) */
  /* resolution */
  int slot;           /* REF_GLOBAL/REF_LOCAL slot; N_LET/N_COMP/N_FN global slot */
  int up;             /* REF_LOCAL: frames outwards */
  int nslots;         /* N_FN/N_LAMBDA/N_RULE/N_TABLE/N_COMP/N_TEST: frame size */
  int ninputs;        /* N_TABLE: input columns; kids[0] header, then rows */
  const void *ref;    /* REF_BUILTIN: builtin; N_NAME global decl node */
  const struct module *mod; /* REF_GLOBAL: the module owning the slot */
};

/* Where the nodes of one parse come from: blocks of up to 256 nodes, one
 * allocation each instead of one per node, and the same for their kids
 * arrays.  A node keeps its whole block alive (the collector honours
 * interior pointers: core/gc.c), which costs nothing: an AST is kept or
 * dropped whole.  `mod` is stamped on every node made (the module the AST
 * belongs to, or NULL). */
typedef struct node_arena {
  node *block;
  int left, size;
  node **kids;         /* room for kids arrays */
  int kleft, ksize;
  const struct module *mod;
} node_arena;

/* Is k, the left operand of n, a link of the same left-associative chain
 * (a + b - c, a * b / c, a and b or c)?  Every pass walks such chains
 * along their left operands without recursion (lang/resolve.c expr,
 * lang/check.c walk, eval/eval.c eval_chain and eval_logic), so a
 * flat chain of any length is not nesting (lang/parser.y deepen). */
static inline bool ast_chain_link(const node *n, const node *k) {
  if (!k) return false;
  if (n->kind == N_BIN) return k->kind == N_BIN;
  if (n->kind == N_AND || n->kind == N_OR) return k->kind == N_AND || k->kind == N_OR;
  return false;
}

node *node_new(node_arena *a, int kind, loc at);
void node_add(node_arena *a, node *parent, node *kid);

#endif
