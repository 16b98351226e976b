/* SVL grammar (SPEC 2, 4-8), for Bison 3.8: pure, with locations.
 *
 * No precedence declarations: each precedence level is its own
 * nonterminal.  `if`, `fn(...) = ...` and `x => ...` extend as far right as
 * they can and may be the last operand of an operator; every level X has a
 * twin X_t ("X ending in one of those"), which keeps the grammar LALR(1)
 * and unambiguous. */
%require "3.8"
%define api.pure full
%define parse.error custom
%locations
%define api.location.type {yyltype}
%param {pctx *ctx}
%expect 0

%code requires {
#include "lang/ast.h"
#include "lang/lexer.h"
typedef struct yyltype { uint32_t start, end; } yyltype;
typedef struct pctx pctx;
}

%code provides {
struct pctx {
  const source *src;
  token *toks;
  size_t ntok, pos;
  node *result;
  diag *err;
  bool failed;
  node_arena nodes;
};
int yylex(YYSTYPE *lval, YYLTYPE *lloc, pctx *ctx);
}

%code {
#include <stdio.h>
#include <string.h>
#include "core/gc.h"
#include "lang/parse.h"
#include "lang/dated.h"

/* Past YYINITDEPTH entries Bison moves its stacks to YYMALLOC memory.  The
 * value stack holds the only pointers to nodes already built (the left
 * operand while the right one is parsed), so it must be memory the
 * collector scans: with malloc, a collection in the middle of a deeply
 * nested expression freed live nodes (tests/regress/parser_stack_gc.svl).
 * The old stack is left to the collector. */
#define YYMALLOC gc_alloc
#define YYFREE(p) ((void)(p))

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                   \
  do {                                                                \
    if (N) { (Cur).start = YYRHSLOC(Rhs, 1).start; (Cur).end = YYRHSLOC(Rhs, N).end; } \
    else { (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end; }          \
  } while (0)

static void yyerror(YYLTYPE *l, pctx *ctx, const char *msg);
static bool perr(pctx *ctx, yyltype l, const char *msg, const char *hint);

static loc L(pctx *c, yyltype l) { loc r = {c->src, l.start, l.end}; return r; }
/* what a NAME, STRPART, NUMBER or MONEY token carries (lang/lexer.h) */
#define TEXT(t) lex_text(ctx->src, (t))
#define NUM(t) lex_num(ctx->src, (t))

/* n's depth after adding operand k: one more than k's, except for the
 * left operand of a left-associative chain (ast_chain_link), which every
 * pass walks without recursion: 1 + 1 + ... + 1 with 200,000 terms has
 * depth 1, while 1 + (1 + (1 + ...)) still counts each level. */
static void deepen(pctx *ctx, node *n, node *k) {
  int d = k ? k->depth + (k == n->a && ast_chain_link(n, k) ? 0 : 1) : 0;
  if (k && d > n->depth) n->depth = (uint16_t)d;
  if (n->depth > PARSE_MAX_DEPTH && !ctx->failed)
    perr(ctx, (yyltype){n->at.start, n->at.start + 1}, "E0203 expression nested too deeply",
         "split it into smaller parts with let");
}
static node *mk(pctx *c, int kind, yyltype l, node *a, node *b, node *cc) {
  node *n = node_new(&c->nodes, kind, L(c, l));
  n->a = a; n->b = b; n->c = cc;
  deepen(c, n, a); deepen(c, n, b); deepen(c, n, cc);
  return n;
}
static node *bin(pctx *c, int op, yyltype l, node *a, node *b) {
  node *n = mk(c, N_BIN, l, a, b, NULL);
  n->op = (uint8_t)op;
  return n;
}
static node *named(pctx *c, int kind, yyltype l, const token *t, node *a) {
  node *n = mk(c, kind, l, a, NULL, NULL);
  n->name = lex_text(c->src, t);
  return n;
}
static node *add(pctx *c, node *list, node *kid) {
  node_add(&c->nodes, list, kid);
  deepen(c, list, kid);
  return list;
}
static node *lit(pctx *c, yyltype l, value v) {
  node *n = node_new(&c->nodes, N_LIT, L(c, l));
  n->lit = v;
  return n;
}
/* A string with no interpolation becomes a plain text literal. */
static node *strnode(pctx *c, yyltype l, node *parts) {
  if (parts->nkids == 0) return lit(c, l, v_text("", 0));
  if (parts->nkids == 1 && parts->kids[0]->kind == N_LIT) {
    parts->kids[0]->at = L(c, l);
    return parts->kids[0];
  }
  parts->at = L(c, l);
  return parts;
}
/* [body for x in xs if p for y in ys]: the clauses nest left to right,
 * each one's body the next clause, the last one's the item expression.
 * Every clause but the last has `opt` set: its body makes a list whose
 * items are spliced into the result (eval/eval.c, comprehension), so
 * the result is flat, as with one clause. */
static node *comprehension(pctx *c, yyltype l, node *body, node *clauses) {
  node *inner = body;
  for (int i = clauses->nkids - 1; i >= 0; i--) {
    node *k = clauses->kids[i];
    k->a = inner;
    k->opt = i < clauses->nkids - 1;
    deepen(c, k, inner);
    inner = k;
  }
  inner->at = L(c, l);
  return inner;
}
/* An expression written as a statement.  `assert_error(EXPR)` and
 * `assert_error(EXPR, "E0504 or message text")` there are assertions
 * that EXPR raises an error: N_ASSERT with op 1 (eval/assert_error.c). */
static node *exprstmt(pctx *c, yyltype l, node *e) {
  if (e->kind == N_CALL && e->a && e->a->kind == N_NAME && !strcmp(e->a->name, "assert_error")) {
    if (e->nkids < 1 || e->nkids > 2 || e->kids[0]->kind == N_NAMED || (e->nkids == 2 && e->kids[1]->kind == N_NAMED))
      perr(c, l, "E0204 assert_error takes an expression and, optionally, an error code or part of the message",
           "assert_error(scoring.lowest_price([]), \"no prices\")");
    node *n = mk(c, N_ASSERT, l, e->nkids > 0 ? e->kids[0] : NULL, e->nkids > 1 ? e->kids[1] : NULL, NULL);
    n->op = 1;
    return n;
  }
  return mk(c, N_EXPRSTMT, l, e, NULL, NULL);
}
static node *decl(pctx *c, int kind, yyltype l, const token *name, node *params) {
  node *n = params ? params : node_new(&c->nodes, kind, L(c, l));
  n->kind = (uint8_t)kind;
  n->at = L(c, l);
  n->name = lex_text(c->src, name);
  return n;
}
/* A table's rows.  | else || outputs | (the default when no row matches)
 * comes last and is kept apart, in b. */
static bool table_rows(pctx *ctx, node *t, node *rows) {
  t->a = rows;
  deepen(ctx, t, rows);
  for (int k = 0; k < rows->nkids; k++)
    if (!rows->kids[k]->a) {
      if (k == 0 || k + 1 < rows->nkids)
        return perr(ctx, (yyltype){rows->kids[k]->at.start, rows->kids[k]->at.end}, "E0204 the | else || ... | row comes last, after the header and the rows", NULL);
      t->b = rows->kids[k];
      rows->nkids--;
    }
  return !ctx->failed;
}
/* `table t as of { | from | until || ... | }`: a dated table (lang/dated.c). */
static bool table_as_of(pctx *ctx, node *t, yyltype as, const token *of) {
  if (strcmp(TEXT(of), "of"))
    return perr(ctx, (yyltype){of->start, of->end}, "E0201 expected 'as of' after the table's name or parameters",
                "a dated table is written table NAME as of { | from | until || ... | } (docs/dating.md)");
  dated_err e;
  loc at = {ctx->src, as.start, of->end};
  if (dated_table(&ctx->nodes, t, at, &e)) return true;
  const char *msg = e.msg; /* coded in lang/dated.c */
  return perr(ctx, (yyltype){e.at.start, e.at.end}, msg, e.hint);
}
}

%union {
  node *n;
  const token *t;
  int i;
}

%token <t> NAME NUMBER MONEY STRPART
%token STRBEG STREND ISTART IEND NL
%token AND AS ASSERT ELSE FALSE FN FOR HIT IF IMPORT IN INDICATOR LET MOD NOT NUL
%token OR PER PRINT REQUIRE RULE TABLE TEST THEN TRUE TYPE UNIT WARN WITH
%token EQ NE LE GE ARROW DOTDOT DEFAULT BARBAR

%type <n> program stmts stmt decl bstmts bstmt params plist param typeexpr tfields tfield
%type <n> enumalts enumlit rectype
%type <n> rule_items rule_item table_rows trow incells incell tests test outcells outcell
%type <n> fields field expr e_def e_def_t e_or e_or_t e_and e_and_t e_not e_not_t
%type <n> e_cmp e_cmp_t e_range e_range_t e_add e_add_t e_mul e_mul_t e_un e_un_t
%type <n> e_pow e_pow_t e_powr e_powr_t loose e_post primary string sparts list elist
%type <n> record args alist arg block qty comps comp
%type <i> cmpop hit
%type <t> uplural

%%

program: %empty            { ctx->result = node_new(&ctx->nodes, N_PROGRAM, L(ctx, @$)); }
       | stmts             { ctx->result = $1; }
       ;
stmts: stmt                { $$ = add(ctx, node_new(&ctx->nodes, N_PROGRAM, L(ctx, @$)), $1); }
     | stmts NL stmt       { $$ = add(ctx, $1, $3); }
     ;
stmt: decl
    | LET NAME '=' expr          { $$ = named(ctx, N_LET, @$, $2, $4); }
    | ASSERT expr                { $$ = mk(ctx, N_ASSERT, @$, $2, NULL, NULL); }
    | ASSERT expr ',' expr       { $$ = mk(ctx, N_ASSERT, @$, $2, $4, NULL); }
    | PRINT expr                 { $$ = mk(ctx, N_PRINT, @$, $2, NULL, NULL); }
    | expr                       { $$ = exprstmt(ctx, @$, $1); }
    ;
decl: FN NAME '(' params ')' '=' expr
        { $$ = decl(ctx, N_FN, @$, $2, $4); $$->a = $7; deepen(ctx, $$, $7); }
    | FN NAME '(' params ')' block
        { $$ = decl(ctx, N_FN, @$, $2, $4); $$->a = $6; deepen(ctx, $$, $6); }
    | RULE NAME '(' params ')' '{' rule_items '}'
        { $$ = decl(ctx, N_RULE, @$, $2, $4); $$->a = $7; deepen(ctx, $$, $7); }
    | TABLE NAME '(' params ')' hit '{' table_rows '}'
        { $$ = decl(ctx, N_TABLE, @$, $2, $4); $$->op = (uint8_t)$6;
          if (!table_rows(ctx, $$, $8)) YYABORT; }
    | TABLE NAME '(' params ')' AS NAME '{' table_rows '}'
        { $$ = decl(ctx, N_TABLE, @$, $2, $4);
          if (!table_rows(ctx, $$, $9) || !table_as_of(ctx, $$, @6, $7)) YYABORT; }
    | TABLE NAME AS NAME '{' table_rows '}'
        { $$ = decl(ctx, N_TABLE, @$, $2, NULL);
          if (!table_rows(ctx, $$, $6) || !table_as_of(ctx, $$, @3, $4)) YYABORT; }
    | UNIT NAME uplural
        { $$ = named(ctx, N_UNIT, @$, $2, NULL); $$->name2 = $3 ? TEXT($3) : NULL; }
    | UNIT NAME uplural '=' qty
        { $$ = named(ctx, N_UNIT, @$, $2, $5); $$->name2 = $3 ? TEXT($3) : NULL; }
    | TYPE NAME '=' typeexpr     { $$ = named(ctx, N_TYPE, @$, $2, $4); }
    | INDICATOR NAME '{' fields '}'
        { $$ = named(ctx, N_INDICATOR, @$, $2, $4); }
    | NAME '{' fields '}'
        { /* `report` is a keyword only here, so it stays usable as a name */
          if (strcmp(TEXT($1), "report")) { perr(ctx, @2, "E0201 unexpected '{' after a name", "the one declaration written NAME { fields } is report { ... } (docs/report.md)"); YYABORT; }
          $$ = named(ctx, N_REPORT, @$, $1, $3); }
    | IMPORT NAME                { $$ = named(ctx, N_IMPORT, @$, $2, NULL); }
    | IMPORT string AS NAME
        { $$ = named(ctx, N_IMPORT, @$, $4, NULL); $$->b = $2;
          if ($2->kind != N_LIT) { perr(ctx, @2, "E0204 an import path cannot use interpolation", NULL); YYABORT; } }
    | TEST string '{' bstmts '}'
        { $$ = $4; $$->kind = N_TEST; $$->at = L(ctx, @$); $$->b = $2;
          if ($2->kind != N_LIT) { perr(ctx, @2, "E0204 a test name cannot use interpolation", NULL); YYABORT; } }
    ;
uplural: %empty      { $$ = NULL; }
       | ',' NAME    { $$ = $2; }
       ;
qty: NUMBER NAME     { $$ = named(ctx, N_QTY, @$, $2, lit(ctx, @1, v_num(NUM($1)))); }
   ;
block: '{' bstmts '}'
        { $$ = $2; $$->kind = N_BLOCK; $$->at = L(ctx, @$);
          node *last = $$->kids[$$->nkids - 1];
          if (last->kind != N_EXPRSTMT) {
            perr(ctx, (yyltype){last->at.start, last->at.end}, "E0204 a block must end with an expression, its value", NULL);
            YYABORT;
          }
          $$->a = last->a; $$->nkids--; }
     ;
bstmts: bstmt              { $$ = add(ctx, node_new(&ctx->nodes, N_BLOCK, L(ctx, @$)), $1); }
      | bstmts NL bstmt    { $$ = add(ctx, $1, $3); }
      ;
bstmt: LET NAME '=' expr          { $$ = named(ctx, N_LET, @$, $2, $4); }
     | ASSERT expr                { $$ = mk(ctx, N_ASSERT, @$, $2, NULL, NULL); }
     | ASSERT expr ',' expr       { $$ = mk(ctx, N_ASSERT, @$, $2, $4, NULL); }
     | PRINT expr                 { $$ = mk(ctx, N_PRINT, @$, $2, NULL, NULL); }
     | expr                       { $$ = exprstmt(ctx, @$, $1); }
     ;
params: %empty              { $$ = node_new(&ctx->nodes, N_FN, L(ctx, @$)); }
      | plist
      | plist ','
      ;
plist: param                { $$ = add(ctx, node_new(&ctx->nodes, N_FN, L(ctx, @$)), $1); }
     | plist ',' param      { $$ = add(ctx, $1, $3); }
     ;
param: NAME                       { $$ = named(ctx, N_PARAM, @$, $1, NULL); }
     | NAME ':' typeexpr          { $$ = named(ctx, N_PARAM, @$, $1, $3); }
     | NAME '=' expr              { $$ = named(ctx, N_PARAM, @$, $1, NULL); $$->b = $3; }
     | NAME ':' typeexpr '=' expr { $$ = named(ctx, N_PARAM, @$, $1, $3); $$->b = $5; }
     ;
typeexpr: NAME                    { $$ = named(ctx, N_TYPEEXPR, @$, $1, NULL); }
        | NAME '?'                { $$ = named(ctx, N_TYPEEXPR, @$, $1, NULL); $$->opt = true; }
        | '[' typeexpr ']'        { $$ = mk(ctx, N_TYPEEXPR, @$, $2, NULL, NULL); }
        | '[' typeexpr ']' '?'    { $$ = mk(ctx, N_TYPEEXPR, @$, $2, NULL, NULL); $$->opt = true; }
        | rectype                 { $$ = $1; }
        | rectype '?'             { $$ = $1; $$->opt = true; }
        | NAME NAME NAME
          { /* percent from fraction: the only two-word type (docs/data.md) */
            if (strcmp(TEXT($1), "percent") || strcmp(TEXT($2), "from") || strcmp(TEXT($3), "fraction")) {
              perr(ctx, @2, "E0201 unexpected name in a type", "the one type of several words is 'percent from fraction'"); YYABORT; }
            $$ = named(ctx, N_TYPEEXPR, @$, $1, NULL); $$->name2 = "fraction"; }
        | NAME NAME NAME '?'
          { if (strcmp(TEXT($1), "percent") || strcmp(TEXT($2), "from") || strcmp(TEXT($3), "fraction")) {
              perr(ctx, @2, "E0201 unexpected name in a type", "the one type of several words is 'percent from fraction'"); YYABORT; }
            $$ = named(ctx, N_TYPEEXPR, @$, $1, NULL); $$->name2 = "fraction"; $$->opt = true; }
        | enumalts                { $$ = $1; $$->at = L(ctx, @$); }
        ;
/* a record type; a last `..` makes it open (op 2): fields it does not
 * name may be in the data, and are left out (docs/data.md) */
rectype: '{' tfields '}'          { $$ = $2; $$->at = L(ctx, @$); }
       | '{' tfields ',' '}'      { $$ = $2; $$->at = L(ctx, @$); }
       | '{' tfields ',' DOTDOT '}'  { $$ = $2; $$->at = L(ctx, @$); $$->op = 2; }
       | '{' tfields NL DOTDOT '}'   { $$ = $2; $$->at = L(ctx, @$); $$->op = 2; }
       | '{' DOTDOT '}'           { $$ = node_new(&ctx->nodes, N_TYPEEXPR, L(ctx, @$)); $$->op = 2; }
       ;
/* an enumeration: `1 | 2 | 3`, `"good" | "poor"` (op 1 marks it) */
enumalts: enumlit '|' enumlit     { $$ = add(ctx, add(ctx, node_new(&ctx->nodes, N_TYPEEXPR, L(ctx, @$)), $1), $3); $$->op = 1; }
        | enumalts '|' enumlit    { $$ = add(ctx, $1, $3); }
        ;
enumlit: NUMBER                   { value v = v_num(NUM($1)); v.pct = $1->pct; $$ = lit(ctx, @$, v); }
       | '-' NUMBER               { value v = v_num(dec_neg(NUM($2))); v.pct = $2->pct; $$ = lit(ctx, @$, v); }
       | string
         { $$ = $1; if ($$->kind != N_LIT) { perr(ctx, @1, "E0204 an enumeration member cannot use interpolation", NULL); YYABORT; } }
       ;
tfields: tfield                   { $$ = add(ctx, node_new(&ctx->nodes, N_TYPEEXPR, L(ctx, @$)), $1); }
       | tfields ',' tfield       { $$ = add(ctx, $1, $3); }
       | tfields NL tfield        { $$ = add(ctx, $1, $3); }
       ;
tfield: NAME ':' typeexpr         { $$ = named(ctx, N_FIELDDEF, @$, $1, $3); }
      ;
hit: %empty            { $$ = HIT_UNIQUE; }
   | HIT NAME
     { const char *w = TEXT($2);
       $$ = !strcmp(w, "unique") ? HIT_UNIQUE : !strcmp(w, "first") ? HIT_FIRST
          : !strcmp(w, "any") ? HIT_ANY : !strcmp(w, "collect") ? HIT_COLLECT : !strcmp(w, "priority") ? HIT_PRIORITY : -1;
       if ($$ < 0) { perr(ctx, @2, "E0204 unknown hit policy", "hit policies: unique, first, any, priority, collect, collect sum|min|max|count, rule order, output order"); YYABORT; } }
   | HIT NAME NAME
     { const char *w = TEXT($3);
       $$ = !strcmp(w, "sum") ? HIT_COLLECT_SUM : !strcmp(w, "min") ? HIT_COLLECT_MIN
          : !strcmp(w, "max") ? HIT_COLLECT_MAX : !strcmp(w, "count") ? HIT_COLLECT_COUNT : -1;
       if (!strcmp(TEXT($2), "output") && !strcmp(w, "order")) $$ = HIT_OUTPUT_ORDER;
       else if (strcmp(TEXT($2), "collect") || $$ < 0) { perr(ctx, @$, "E0204 unknown hit policy", "hit policies: unique, first, any, priority, collect, collect sum|min|max|count, rule order, output order"); YYABORT; } }
   | HIT RULE NAME
     { $$ = HIT_RULE_ORDER;
       if (strcmp(TEXT($3), "order")) { perr(ctx, @3, "E0204 unknown hit policy", "did you mean 'rule order'?"); YYABORT; } }
   ;
rule_items: rule_item                { $$ = add(ctx, node_new(&ctx->nodes, N_BLOCK, L(ctx, @$)), $1); }
          | rule_items NL rule_item  { $$ = add(ctx, $1, $3); }
          ;
rule_item: REQUIRE expr              { $$ = mk(ctx, N_REQUIRE, @$, $2, NULL, NULL); }
         | REQUIRE expr ',' expr     { $$ = mk(ctx, N_REQUIRE, @$, $2, $4, NULL); }
         | WARN expr ',' expr        { $$ = mk(ctx, N_WARN, @$, $2, $4, NULL); }
         | LET NAME '=' expr         { $$ = named(ctx, N_LET, @$, $2, $4); }
         ;
table_rows: trow                     { $$ = add(ctx, node_new(&ctx->nodes, N_BLOCK, L(ctx, @$)), $1); }
          | table_rows NL trow       { $$ = add(ctx, $1, $3); }
          ;
trow: '|' incells BARBAR outcells '|'  { $$ = mk(ctx, N_LIST, @$, $2, $4, NULL); }
    | '|' ELSE BARBAR outcells '|'     { $$ = mk(ctx, N_LIST, @$, NULL, $4, NULL); }
    ;
incells: incell                     { $$ = add(ctx, node_new(&ctx->nodes, N_LIST, L(ctx, @$)), $1); }
       | incells '|' incell         { $$ = add(ctx, $1, $3); }
       ;
incell: '-'                         { $$ = node_new(&ctx->nodes, N_LIST, L(ctx, @$)); $$->op = OP_ANY; }
      | tests
      ;
tests: test                         { $$ = add(ctx, node_new(&ctx->nodes, N_LIST, L(ctx, @$)), $1); }
     | tests ',' test               { $$ = add(ctx, $1, $3); }
     ;
test: e_range
      { /* [a..b] in a cell is the closed range, as in DMN, not a list holding it */
        node *x = $1;
        if (x->kind == N_LIST && x->nkids == 1 && x->kids[0]->kind == N_RANGE && ctx->src->text[x->at.start] == '[') x = x->kids[0];
        $$ = bin(ctx, OP_EQ, @$, NULL, x); }
    | '[' e_add DOTDOT e_add ')'    { node *r = mk(ctx, N_RANGE, @$, $2, $4, NULL); r->op = RANGE_HI_OPEN; $$ = bin(ctx, OP_EQ, @$, NULL, r); }
    | '(' e_add DOTDOT e_add ']'    { node *r = mk(ctx, N_RANGE, @$, $2, $4, NULL); r->op = RANGE_LO_OPEN; $$ = bin(ctx, OP_EQ, @$, NULL, r); }
    | '<' e_range                   { $$ = bin(ctx, OP_LT, @$, NULL, $2); }
    | LE e_range                    { $$ = bin(ctx, OP_LE, @$, NULL, $2); }
    | '>' e_range                   { $$ = bin(ctx, OP_GT, @$, NULL, $2); }
    | GE e_range                    { $$ = bin(ctx, OP_GE, @$, NULL, $2); }
    | EQ e_range                    { $$ = bin(ctx, OP_EQ, @$, NULL, $2); }
    | NE e_range                    { $$ = bin(ctx, OP_NE, @$, NULL, $2); }
    | NOT '(' tests ')'             { $$ = mk(ctx, N_NOT, @$, $3, NULL, NULL); }
    ;
outcells: outcell                   { $$ = add(ctx, node_new(&ctx->nodes, N_LIST, L(ctx, @$)), $1); }
        | outcells '|' outcell      { $$ = add(ctx, $1, $3); }
        ;
outcell: expr
       | NAME ':' NAME
         { /* a header's output column typed by an enumeration: | rating: Rating | */
           $$ = named(ctx, N_NAME, @$, $1, named(ctx, N_TYPEEXPR, @3, $3, NULL)); }
       ;
fields: %empty                      { $$ = node_new(&ctx->nodes, N_RECORD, L(ctx, @$)); }
      | field                       { $$ = add(ctx, node_new(&ctx->nodes, N_RECORD, L(ctx, @$)), $1); }
      | fields ',' field            { $$ = add(ctx, $1, $3); }
      | fields NL field             { $$ = add(ctx, $1, $3); }
      | fields ','                  { $$ = $1; }
      ;
field: NAME ':' expr                { $$ = named(ctx, N_FIELDDEF, @$, $1, $3); }
     ;

expr: e_def | e_def_t ;
e_def: e_def DEFAULT e_or           { $$ = mk(ctx, N_DEFAULT, @$, $1, $3, NULL); }
     | e_or ;
e_def_t: e_def DEFAULT e_or_t       { $$ = mk(ctx, N_DEFAULT, @$, $1, $3, NULL); }
       | e_or_t ;
e_or: e_or OR e_and                 { $$ = mk(ctx, N_OR, @$, $1, $3, NULL); }
    | e_and ;
e_or_t: e_or OR e_and_t             { $$ = mk(ctx, N_OR, @$, $1, $3, NULL); }
      | e_and_t ;
e_and: e_and AND e_not              { $$ = mk(ctx, N_AND, @$, $1, $3, NULL); }
     | e_not ;
e_and_t: e_and AND e_not_t          { $$ = mk(ctx, N_AND, @$, $1, $3, NULL); }
       | e_not_t ;
e_not: NOT e_not                    { $$ = mk(ctx, N_NOT, @$, $2, NULL, NULL); }
     | e_cmp ;
e_not_t: NOT e_not_t                { $$ = mk(ctx, N_NOT, @$, $2, NULL, NULL); }
       | e_cmp_t ;
e_cmp: e_range cmpop e_range        { $$ = bin(ctx, $2, @$, $1, $3); }
     | e_range ;
e_cmp_t: e_range cmpop e_range_t    { $$ = bin(ctx, $2, @$, $1, $3); }
       | e_range_t ;
cmpop: EQ { $$ = OP_EQ; } | NE { $$ = OP_NE; } | '<' { $$ = OP_LT; } | LE { $$ = OP_LE; }
     | '>' { $$ = OP_GT; } | GE { $$ = OP_GE; } | IN { $$ = OP_IN; } ;
e_range: e_add DOTDOT e_add         { $$ = mk(ctx, N_RANGE, @$, $1, $3, NULL); }
       | e_add ;
e_range_t: e_add DOTDOT e_add_t     { $$ = mk(ctx, N_RANGE, @$, $1, $3, NULL); }
         | e_add_t ;
e_add: e_add '+' e_mul              { $$ = bin(ctx, OP_ADD, @$, $1, $3); }
     | e_add '-' e_mul              { $$ = bin(ctx, OP_SUB, @$, $1, $3); }
     | e_mul ;
e_add_t: e_add '+' e_mul_t          { $$ = bin(ctx, OP_ADD, @$, $1, $3); }
       | e_add '-' e_mul_t          { $$ = bin(ctx, OP_SUB, @$, $1, $3); }
       | e_mul_t ;
e_mul: e_mul '*' e_un               { $$ = bin(ctx, OP_MUL, @$, $1, $3); }
     | e_mul '/' e_un               { $$ = bin(ctx, OP_DIV, @$, $1, $3); }
     | e_mul MOD e_un               { $$ = bin(ctx, OP_MOD, @$, $1, $3); }
     | e_un ;
e_mul_t: e_mul '*' e_un_t           { $$ = bin(ctx, OP_MUL, @$, $1, $3); }
       | e_mul '/' e_un_t           { $$ = bin(ctx, OP_DIV, @$, $1, $3); }
       | e_mul MOD e_un_t           { $$ = bin(ctx, OP_MOD, @$, $1, $3); }
       | e_un_t ;
e_un: '-' e_un                      { $$ = mk(ctx, N_NEG, @$, $2, NULL, NULL); }
    | e_pow ;
e_un_t: '-' e_un_t                  { $$ = mk(ctx, N_NEG, @$, $2, NULL, NULL); }
      | e_pow_t ;
e_pow: e_post '^' e_powr            { $$ = bin(ctx, OP_POW, @$, $1, $3); }
     | e_post ;
e_powr: '-' e_powr                  { $$ = mk(ctx, N_NEG, @$, $2, NULL, NULL); }
      | e_pow ;
e_pow_t: e_post '^' e_powr_t        { $$ = bin(ctx, OP_POW, @$, $1, $3); }
       | loose ;
e_powr_t: '-' e_powr_t              { $$ = mk(ctx, N_NEG, @$, $2, NULL, NULL); }
        | e_pow_t ;
loose: IF expr THEN expr ELSE expr  { $$ = mk(ctx, N_IF, @$, $2, $4, $6); }
     | FN '(' params ')' '=' expr
       { $$ = $3; $$->kind = N_LAMBDA; $$->at = L(ctx, @$); $$->a = $6; $$->name = "fn"; deepen(ctx, $$, $6); }
     | NAME ARROW expr
       { $$ = add(ctx, node_new(&ctx->nodes, N_LAMBDA, L(ctx, @$)), named(ctx, N_PARAM, @1, $1, NULL));
         $$->a = $3; $$->name = "fn"; deepen(ctx, $$, $3); }
     ;
e_post: primary
      | e_post '.' NAME             { $$ = named(ctx, N_FIELD, @$, $3, $1); }
      | e_post '[' expr ']'         { $$ = mk(ctx, N_INDEX, @$, $1, $3, NULL); }
      | e_post '(' args ')'         { $$ = $3; $$->at = L(ctx, @$); $$->a = $1; deepen(ctx, $$, $1); }
      | e_post AS NAME              { $$ = named(ctx, N_AS, @$, $3, $1); }
      | e_post WITH primary         { $$ = mk(ctx, N_WITH, @$, $1, $3, NULL); }
      ;
primary: NUMBER      { value v = v_num(NUM($1)); v.pct = $1->pct; $$ = lit(ctx, @$, v); }
       | NUMBER NAME { $$ = named(ctx, N_QTY, @$, $2, lit(ctx, @1, v_num(NUM($1))));
                       if ($1->pct) { perr(ctx, @1, "E0204 a percentage cannot carry a unit", NULL); YYABORT; } }
       | NUMBER NAME PER NAME
                     { $$ = named(ctx, N_QTY, @$, $2, lit(ctx, @1, v_num(NUM($1)))); $$->name2 = TEXT($4); }
       | NUMBER PER NAME
                     { $$ = named(ctx, N_QTY, @$, $3, lit(ctx, @1, v_num(NUM($1)))); $$->name = NULL; $$->name2 = TEXT($3); }
       | MONEY       { $$ = named(ctx, N_QTY, @$, $1, lit(ctx, @1, v_num(NUM($1))));
                       $$->name = $1->cur == 0 ? "GBP" : $1->cur == 1 ? "EUR" : "USD"; }
       | MONEY PER NAME
                     { $$ = named(ctx, N_QTY, @$, $1, lit(ctx, @1, v_num(NUM($1))));
                       $$->name = $1->cur == 0 ? "GBP" : $1->cur == 1 ? "EUR" : "USD"; $$->name2 = TEXT($3); }
       | string
       | TRUE        { $$ = lit(ctx, @$, v_bool(true)); }
       | FALSE       { $$ = lit(ctx, @$, v_bool(false)); }
       | NUL         { $$ = lit(ctx, @$, v_null); }
       | NAME        { $$ = named(ctx, N_NAME, @$, $1, NULL); }
       | '(' expr ')' { $$ = $2; }
       | list
       | record
       ;
string: STRBEG sparts STREND        { $$ = strnode(ctx, @$, $2); }
      ;
sparts: %empty                      { $$ = node_new(&ctx->nodes, N_STR, L(ctx, @$)); }
      | sparts STRPART              { $$ = add(ctx, $1, lit(ctx, @2, v_text(TEXT($2), lex_len(ctx->src, $2)))); }
      | sparts ISTART expr IEND     { $$ = add(ctx, $1, $3); }
      ;
list: '[' ']'                       { $$ = node_new(&ctx->nodes, N_LIST, L(ctx, @$)); }
    | '[' elist ']'                 { $$ = $2; $$->at = L(ctx, @$); }
    | '[' elist ',' ']'             { $$ = $2; $$->at = L(ctx, @$); }
    | '[' expr comps ']'            { $$ = comprehension(ctx, @$, $2, $3); }
    ;
/* `for NAME in LIST [if COND]`, one or more: the clauses of a
 * comprehension, collected in order and nested by comprehension() */
comps: comp                         { $$ = add(ctx, node_new(&ctx->nodes, N_LIST, L(ctx, @$)), $1); }
     | comps comp                   { $$ = add(ctx, $1, $2); }
     ;
comp: FOR NAME IN expr              { $$ = named(ctx, N_COMP, @$, $2, NULL); $$->b = $4; deepen(ctx, $$, $4); }
    | FOR NAME IN expr IF expr      { $$ = named(ctx, N_COMP, @$, $2, NULL); $$->b = $4; $$->c = $6; deepen(ctx, $$, $4); deepen(ctx, $$, $6); }
    ;
elist: expr                         { $$ = add(ctx, node_new(&ctx->nodes, N_LIST, L(ctx, @$)), $1); }
     | elist ',' expr               { $$ = add(ctx, $1, $3); }
     ;
record: '{' fields '}'              { $$ = $2; $$->at = L(ctx, @$); }
      ;
args: %empty                        { $$ = node_new(&ctx->nodes, N_CALL, L(ctx, @$)); }
    | alist
    | alist ','
    ;
alist: arg                          { $$ = add(ctx, node_new(&ctx->nodes, N_CALL, L(ctx, @$)), $1); }
     | alist ',' arg                { $$ = add(ctx, $1, $3); }
     ;
arg: expr
   | NAME ':' expr                  { $$ = named(ctx, N_NAMED, @$, $1, $3); }
   ;

%%

int yylex(YYSTYPE *lval, YYLTYPE *lloc, pctx *ctx) {
  if (ctx->failed) return YYEOF;
  const token *t = &ctx->toks[ctx->pos];
  if (t->kind != 0) ctx->pos++;
  lval->t = t;
  lloc->start = t->start;
  lloc->end = t->end;
  /* point "unexpected end of file" just after the last real token */
  if (t->kind == 0 && ctx->pos > 0) lloc->start = lloc->end = ctx->toks[ctx->pos - 1].end;
  return t->kind == 0 ? YYEOF : t->kind;
}

static bool perr(pctx *ctx, yyltype l, const char *msg, const char *hint) {
  if (ctx->failed) return false;
  ctx->failed = true;
  ctx->err->kind = DIAG_SYNTAX;
  ctx->err->msg = diag_code(msg, &ctx->err->code, "E0201");
  ctx->err->hint = hint;
  ctx->err->at.src = ctx->src;
  ctx->err->at.start = l.start;
  ctx->err->at.end = l.end > l.start ? l.end : l.start + 1;
  return false;
}

/* Bison calls this only when its stacks are full ("memory exhausted"):
 * syntax errors go through yyreport_syntax_error.  A full stack means
 * operators nested tens of thousands deep (100,000 unary minuses), which
 * the user sees as the nesting error it is. */
static void yyerror(YYLTYPE *l, pctx *ctx, const char *msg) {
  (void)msg;
  perr(ctx, *l, "E0203 expression nested too deeply", "split the expression into parts with let");
}

/* How a token reads in a message. */
static const char *tok_text(yysymbol_kind_t k) {
  switch (k) {
  case YYSYMBOL_YYEOF: return "end of file";
  case YYSYMBOL_NL: return "end of line";
  case YYSYMBOL_NAME: return "a name";
  case YYSYMBOL_NUMBER: return "a number";
  case YYSYMBOL_MONEY: return "a money amount";
  case YYSYMBOL_STRBEG: return "a text";
  case YYSYMBOL_STRPART: case YYSYMBOL_STREND: return "text";
  case YYSYMBOL_ISTART: return "'{'";
  case YYSYMBOL_IEND: return "'}'";
  default: break;
  }
  const char *s = yysymbol_name(k);
  /* Bison names: "\"and\"" style or 'x' or UPPER tokens */
  static const struct { yysymbol_kind_t k; const char *t; } names[] = {
    {YYSYMBOL_AND, "'and'"}, {YYSYMBOL_AS, "'as'"}, {YYSYMBOL_ASSERT, "'assert'"},
    {YYSYMBOL_ELSE, "'else'"}, {YYSYMBOL_FALSE, "'false'"}, {YYSYMBOL_FN, "'fn'"},
    {YYSYMBOL_FOR, "'for'"}, {YYSYMBOL_HIT, "'hit'"}, {YYSYMBOL_IF, "'if'"},
    {YYSYMBOL_IMPORT, "'import'"}, {YYSYMBOL_IN, "'in'"}, {YYSYMBOL_INDICATOR, "'indicator'"},
    {YYSYMBOL_LET, "'let'"}, {YYSYMBOL_MOD, "'mod'"}, {YYSYMBOL_NOT, "'not'"},
    {YYSYMBOL_NUL, "'null'"}, {YYSYMBOL_OR, "'or'"}, {YYSYMBOL_PER, "'per'"},
    {YYSYMBOL_PRINT, "'print'"}, {YYSYMBOL_REQUIRE, "'require'"}, {YYSYMBOL_RULE, "'rule'"},
    {YYSYMBOL_TABLE, "'table'"}, {YYSYMBOL_TEST, "'test'"}, {YYSYMBOL_THEN, "'then'"},
    {YYSYMBOL_TRUE, "'true'"}, {YYSYMBOL_TYPE, "'type'"}, {YYSYMBOL_UNIT, "'unit'"},
    {YYSYMBOL_WARN, "'warn'"}, {YYSYMBOL_WITH, "'with'"}, {YYSYMBOL_EQ, "'=='"},
    {YYSYMBOL_NE, "'!='"}, {YYSYMBOL_LE, "'<='"}, {YYSYMBOL_GE, "'>='"},
    {YYSYMBOL_ARROW, "'=>'"}, {YYSYMBOL_DOTDOT, "'..'"}, {YYSYMBOL_DEFAULT, "'?" "?'"},
    {YYSYMBOL_BARBAR, "'||'"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].k == k) return names[i].t;
  return s;
}

/* `£1,250.50` or `1,000` pasted from a spreadsheet: a comma right after a
 * number and right before three digits is a thousands separator, which
 * data files may carry (SPEC 10) but rule files do not (SPEC 2). */
static const char *thousands_hint(const pctx *ctx, uint32_t at) {
  if (ctx->pos < 2 || ctx->toks[ctx->pos - 1].start != at) return NULL;
  const token *comma = &ctx->toks[ctx->pos - 1], *prev = &ctx->toks[ctx->pos - 2], *next = &ctx->toks[ctx->pos];
  if (comma->kind != ',' || (prev->kind != NUMBER && prev->kind != MONEY) || prev->end != comma->start)
    return NULL;
  if ((next->kind != NUMBER && next->kind != MONEY) || next->start != comma->end) return NULL;
  const char *d = ctx->src->text + next->start;
  for (int i = 0; i < 3; i++)
    if (d[i] < '0' || d[i] > '9') return NULL;
  return "a number in a rule file has no thousands separators: write 1250.50 or 1_250.50 "
         "(data files may use commas)";
}

static int yyreport_syntax_error(const yypcontext_t *yc, pctx *ctx) {
  yysymbol_kind_t exp[6];
  int n = yypcontext_expected_tokens(yc, exp, 6);
  yysymbol_kind_t got = yypcontext_token(yc);
  const YYLTYPE *l = yypcontext_location(yc);
  sbuf b;
  sb_init(&b);
  sb_puts(&b, got == YYSYMBOL_YYEOF ? "E0202 " : "E0201 ");
  bool at_eol = got == YYSYMBOL_NL || got == YYSYMBOL_YYEOF;
  if (n == 1) {
    sb_printf(&b, "expected %s ", tok_text(exp[0]));
    sb_printf(&b, at_eol ? "before %s" : "before %s", tok_text(got));
  } else {
    /* "unexpected name", not "unexpected a name" */
    const char *g = tok_text(got);
    sb_printf(&b, "unexpected %s", strncmp(g, "a ", 2) ? g : g + 2);
    if (n > 1 && n <= 5) {
      sb_puts(&b, ", expected ");
      for (int i = 0; i < n; i++) sb_printf(&b, "%s%s", i ? (i == n - 1 ? " or " : ", ") : "", tok_text(exp[i]));
    }
  }
  perr(ctx, *l, b.s, thousands_hint(ctx, l->start));
  if (got == YYSYMBOL_YYEOF) ctx->err->kind = DIAG_INCOMPLETE;
  return 0;
}

node *parse_source(const source *src, diag *err) { return parse_module(src, NULL, err); }

node *parse_module(const source *src, const struct module *mod, diag *err) {
  pctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.src = src;
  ctx.err = err;
  ctx.nodes.mod = mod;
  /* tokens, names and nodes, then what resolving and checking add: about
   * 35 bytes for each byte of source, and some room to spare */
  gc_reserve(src->len * 48);
  if (!lex_source(src, &ctx.toks, &ctx.ntok, err)) return NULL;
  int r = yyparse(&ctx);
  bool at_end = ctx.pos > 0 && ctx.toks[ctx.pos - 1].kind == 0;
  /* nothing points into the tokens now (nodes copied what they needed):
   * resolving and checking reuse that memory at once */
  gc_free(ctx.toks);
  ctx.toks = NULL;
  if (ctx.failed) {
    /* a trailing operator at the very end is "more to come" for the REPL */
    if (err->kind == DIAG_SYNTAX && at_end) err->kind = DIAG_INCOMPLETE;
    return NULL;
  }
  if (r != 0) {
    perr(&ctx, (yyltype){0, 1}, r == 2 ? "E0203 input too complex (parser memory exhausted)" : "E0201 syntax error", NULL);
    return NULL;
  }
  return ctx.result;
}
