/* The lexer: bytes to a token array (SPEC 2).
 *
 * The whole file is tokenized up front.  A bracket stack decides string
 * interpolation, and a second pass applies the newline rule, which needs
 * one token of lookahead past a line break (a line starting with `else`
 * continues the previous one).  The parser then reads the array. */
#ifndef SVL_LEXER_H
#define SVL_LEXER_H

#include <stdbool.h>
#include "core/source.h"
#include "core/diag.h"
#include "core/number.h"

typedef struct token {
  uint16_t kind;       /* a Bison token code, or a character */
  uint8_t cur;         /* MONEY: 0 GBP, 1 EUR, 2 USD */
  bool pct;            /* NUMBER followed by % */
  uint32_t start, end; /* byte offsets */
  uint32_t val;        /* what lex_text and lex_num look up */
} token;

/* The text of a NAME, keyword or STRPART token (unescaped, NUL-terminated;
 * NULL for other tokens), and its length in bytes. */
const char *lex_text(const source *src, const token *t);
size_t lex_len(const source *src, const token *t);
/* The value of a NUMBER or MONEY token. */
dec lex_num(const source *src, const token *t);

/* Tokenize src.  On success returns true with *out (GC array ending with a
 * kind-0 EOF token) and *n.  On error returns false and fills *err. */
bool lex_source(const source *src, token **out, size_t *n, diag *err);

/* Max nesting of brackets in a file: deeper gives a clear error rather than
 * deep recursion later. */
#define LEX_MAX_NESTING 200
#define MAX_NAME_BYTES 255  /* longest name (identifier) in bytes */

bool lex_is_keyword(int kind);

#endif
