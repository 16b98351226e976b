/* Shared by the explain renderers (tools/explain.c, explain_formula.c,
 * explain_vs.c).  Not part of the public API. */
#ifndef SVL_EXPLAIN_H
#define SVL_EXPLAIN_H

#include "eval/eval.h"

/* The record's identifying field (supplier, else name, else id, or the
 * session's --id list), or NULL. */
const char *explain_ident(vm *v, value x);
/* A value as the panel reads it: records by their identity, long exact
 * quotients to 2 decimals, long lists counted. */
const char *explain_show(vm *v, value x);
value explain_rounded(value x);
/* A source file's name relative to the main file's directory. */
const char *explain_file(vm *v, const source *src);
/* Whether a traced call is one step (library or _name, without --internals). */
bool explain_collapsed(vm *v, const trace *t);
/* "(evaluation.svl:18)" or "(scoring.relative_to_lowest)". */
void explain_where(vm *v, sbuf *b, const trace *t);
/* A library step in words: its "# explain:" template filled in. */
void explain_step(vm *v, sbuf *b, const trace *t);
/* The record a call is about, or NULL. */
const char *explain_subject(vm *v, const trace *t);
/* An expression with the values of its parts, evaluated in env (NULL:
 * top level); an if shows the branch taken (tools/explain_formula.c). */
void explain_formula(vm *v, sbuf *b, const node *n, frame *env);

#endif
