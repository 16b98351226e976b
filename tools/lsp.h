/* The editor analysis behind svl_analyze (include/svl.h, docs/editors.md):
 * private glue between tools/lsp.c (documents, positions, diagnostics,
 * symbols, hover, definition, references) and tools/lsp_complete.c
 * (completion, signature help, code actions). */
#ifndef SVL_LSP_H
#define SVL_LSP_H

#include "api/api.h"
#include "stdlib/builtins.h"

/* One analysed document: the text as the editor has it (not the file on
 * disk), parsed and resolved as far as it goes. */
typedef struct ldoc {
  svl_vm *v;
  const char *path;     /* as the host gave it; relative imports start from its directory */
  const char *text;     /* the text analysed (a patched copy when the original did not parse) */
  size_t len;
  module *m;            /* m->prog NULL: no AST at all */
  bool resolved;        /* resolution ran to the end without an error */
  diag err;             /* the syntax or resolution error, when there was one */
} ldoc;

/* Parse (and resolve as far as it goes) `text` as the file `path`. */
void lsp_open(svl_vm *v, ldoc *d, const char *path, const char *text, size_t len);
/* The byte offset of an LSP position (0-based line, UTF-16 code units),
 * clamped to the text. */
size_t lsp_offset(const char *text, size_t len, int line, int character);
/* {"start":{...},"end":{...}} for bytes [a, b) of s. */
void lsp_range(sbuf *b, const source *s, uint32_t a, uint32_t e);

/* The innermost node whose extent holds byte `off` (a name, a field...),
 * with the function-like nodes (frames) around it; NULL when none. */
typedef struct lpath {
  const node **frames;  /* outermost first */
  int nframes;
  const node *hit;
} lpath;
const node *lsp_node_at(const ldoc *d, uint32_t off, lpath *p);
/* The declaration a name refers to: an N_PARAM, N_LET, N_COMP (its
 * variable) or a top-level declaration; NULL for a builtin or unknown. */
const node *lsp_decl_of(const ldoc *d, const node *name, const lpath *p);
/* The module an `import` declaration reads (parsed, resolved as far as it
 * goes), or NULL when it cannot be found. */
const module *lsp_import(const ldoc *d, const node *imp);
/* A top-level declaration of module m by name, or NULL. */
const node *lsp_global(const module *m, const char *name);
/* Where the name of a declaration is written (inside its extent). */
loc lsp_name_loc(const node *decl);
/* "fn", "rule", "table", "let", "parameter"... */
const char *lsp_kind_word(const node *decl);
/* The declaration's one-line header: "fn score(bid, lowest: GBP)". */
const char *lsp_header(const node *decl);
/* The field names a record-valued expression has, as far as the text
 * says: a type annotation, a typed or untyped load(), a record literal. */
int lsp_fields(const ldoc *d, const node *e, const lpath *p, const char ***out);

/* Findings of svl check on the line (0-based) of the document, and one as
 * an LSP Diagnostic (code actions quote the diagnostics they fix). */
#include "lang/check.h"
int lsp_line_findings(ldoc *d, int line, const finding **out);
void lsp_diagnostic_json(sbuf *b, const finding *x, const source *s);

/* lsp_complete.c */
/* Open the document for completion at off: text being typed rarely
 * parses, so when it does not, the line is patched (a placeholder name
 * after a trailing '.', or the line blanked) until it does. */
void lsp_completion_doc(svl_vm *v, ldoc *d, const char *path, const char *text, size_t len, size_t off);
void lsp_completion(ldoc *d, size_t off, sbuf *b);
void lsp_signature(ldoc *d, size_t off, sbuf *b);
void lsp_actions(ldoc *d, int line, sbuf *b);
/* Diagnostics as svl check finds them, as LSP Diagnostic objects. */
void lsp_diagnostics(ldoc *d, sbuf *b);

#endif
