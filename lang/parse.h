/* Parsing a source into an AST (lang/parser.y).  Syntax only. */
#ifndef SVL_PARSE_H
#define SVL_PARSE_H

#include <stdbool.h>
#include "lang/ast.h"
#include "core/diag.h"

/* AST nesting bound: deeper input is a syntax error, so later recursive
 * passes (resolve, eval, format) can never exhaust the C stack. */
#define PARSE_MAX_DEPTH 1000

/* Parse a whole file into an N_PROGRAM node.  On error returns NULL and
 * fills *err; err->kind is DIAG_INCOMPLETE when the input simply ended too
 * soon (the REPL then asks for another line). */
node *parse_source(const source *src, diag *err);
/* The same, with every node's `mod` set to the module the AST is for. */
node *parse_module(const source *src, const struct module *mod, diag *err);

#endif
