/* What the parts of load() share (stdlib/load.c: cells, type
 * conversion and CSV; load_json.c: JSON; load_file.c: reading files,
 * encodings, JSON Lines and streams).  Not a public interface: only the
 * stdlib/load*.c files include it. */
#ifndef SVL_LOAD_INT_H
#define SVL_LOAD_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eval/eval.h"
#include "stdlib/load.h"

#define JSON_MAX_DEPTH 512
#define GOT_MAX 60 /* bytes of a bad cell shown */
/* An error listing bad cells stops listing past this many bytes and says
 * how many more there were: the whole message must fit the evaluator's
 * 1 KiB message buffer, which would otherwise cut it mid-word. */
#define ERR_LIST_BYTES 760
#define ERR_LINE_MAX 200 /* bytes of one listed line */

static inline bool ld_is_blank(char c) { return c == ' ' || c == '\t'; }
static inline bool ld_is_digit(char c) { return c >= '0' && c <= '9'; }

_Noreturn void ld_too_big(vm *v, loc at);
/* Make room for one more element at index len of a GC vector. */
void *ld_vec_room(vm *v, loc at, void *p, size_t *cap, size_t len, size_t elem, bool atomic);
bool ld_ieq(const char *s, size_t n, const char *word);
/* Offset of the first byte that is not valid UTF-8 (or is NUL), or n. */
size_t ld_utf8_check(const char *s, size_t n, bool *nul);
/* 1-based line and column (code points) of byte offset off. */
void ld_line_col(const char *s, size_t off, size_t *line, size_t *col);
/* A quoted, length-limited copy of s for messages: "TBC", "a long te…". */
void ld_put_got(sbuf *b, const char *s, size_t n);
bool ld_word_char(unsigned char c, bool first);
bool ld_unit_single(const unit_t *u);
void ld_type_desc(sbuf *b, const vtype *t);
const char *ld_type_str(const vtype *t);
/* Index of a name that repeats an earlier one (and that one's index). */
bool ld_find_dup(vm *v, loc at, const char *const *names, size_t n, size_t *dup, size_t *orig);
/* Why dec_parse refused a well-formed number. */
const char *ld_why_inexact(const char *s, size_t n, dec_status st);
/* Is the unit word / currency the field's own unit? */
bool ld_same_def(const unit_def *d, const unit_t *u);

/* ---- error lists: every bad cell, listed up to ERR_LIST_BYTES --------- */
typedef struct {
  sbuf b;         /* listed lines, '\n'-separated */
  sbuf scratch;   /* the line being written */
  size_t count, listed;
  bool full;      /* a line did not fit: the rest are only counted */
  bool malformed; /* a row of the wrong shape: the file, not the data, is bad */
} errlist;
void ld_errs_init(errlist *e);
/* The buffer to write the next error line into (until the next call or
 * ld_errs_raise, which list it). */
sbuf *ld_errs_line(errlist *e);
void ld_errs_raise(vm *v, loc at, errlist *e);

/* ---- cell conversion --------------------------------------------------- */
#define TEXT_CACHE 64     /* recent short texts of one load, by hash */
#define TEXT_CACHE_LEN 24 /* longest text worth sharing */
typedef struct {
  vm *v;
  loc at;
  unit_reg *reg;
  const unit_t *money[3];
  value texts[TEXT_CACHE];
} conv_ctx;
void ld_ctx_init(conv_ctx *x, vm *v, loc at);
/* Convert one text cell to type t.  On failure, writes the reason
 * ("expected GBP, got \"TBC\"") to why. */
bool ld_conv_cell(conv_ctx *x, const char *raw, size_t n, const vtype *t, value *out, sbuf *why);

/* Text s[0..n) as one number (pct: as a percentage, where a bare number
 * is per cent: "70" is 70%), or false with the reason in why ("\"15-40%\"
 * is a range (15% to 40%), not one percentage").  Never raises: the
 * parse_number and parse_percent builtins. */
bool ld_parse_text(const char *s, size_t n, bool pct, value *out, sbuf *why);

/* ---- formats ------------------------------------------------------------ */
value ld_load_csv(vm *v, loc at, const char *name, const char *s, size_t n, const vtype *type);

/* A JSON parser over s[0..n): line_base and col_base place its first byte
 * in the file (1 and 1 for a whole file; a stream parses one item at a
 * time), src is what its objects remember (NULL for from_json). */
typedef struct {
  vm *v;
  loc at;
  const char *name; /* file name as written, or NULL for from_json */
  const char *s;
  size_t n, p;
  int depth;
  sbuf str;           /* the last string read */
  const datasrc *src; /* a file's: its objects keep it and their line */
  size_t lc_off, lc_line; /* line_at's cursor: objects open in file order */
  size_t line_base, col_base;
  struct jcache *cache; /* shared texts, keys and shapes (or NULL: from_json) */
  /* A file read a window at a time (ld_parse_json_window), or NULL: s
   * is then the whole text.  Values that start before fit_end are known
   * to lie whole in the window. */
  struct jwin *win;
  size_t fit_end;
} jparser;
/* A whole-file load that need not hold the file (docs/ocds.md,
 * "Benchmark"): the parser reads it through a window that more() moves
 * on -- dropping the first keep bytes, reading after the end, setting
 * the parser's s and n; false at the end of the file.  A malformed file
 * is not reported from the window: the parse gives up (fail) and the
 * caller parses the file whole, which says exactly what load always said
 * of it, at its line and column. */
typedef struct jwin {
  bool (*more)(jparser *j, size_t keep);
  void *ctx;
  jmp_buf fail;
  size_t fit;     /* the largest array or object parsed from the window whole */
  size_t checked; /* the window's bytes checked as UTF-8 */
  bool eof;
} jwin;
enum { JW_WHOLE, JW_OK, JW_RAISED }; /* parse it whole instead; the value; an error is raised */
/* The file behind w as load gives it (seq: JSON Lines); JW_RAISED: an
 * error other than the file's own (the heap limit, an interrupt) is to
 * be raised again, with longjmp(*v->jmp), once the caller has closed w's
 * file. */
int ld_parse_json_window(vm *v, loc at, const char *name, jwin *w, bool seq, value *out, datasrc **dsp);
/* load's whole-file JSON read a window (chunk bytes at a time, load_file.c):
 * false when the file is to be read whole instead. */
bool ld_json_windowed(vm *v, loc at, const char *path, const char *full, bool seq, size_t chunk, value *out,
                      datasrc **dsp);
/* What one load (or one stream pass, across its items) shares between the
 * objects it parses.  OCDS repeats everything: a few hundred field names,
 * a few dozen key sets ("shapes": every Value is {amount, currency}),
 * and strings (a currency, a status, a buyer's name, and whole titles and
 * descriptions in every release of a process).  Each distinct key is
 * allocated once, each shape's key array once (its records share it,
 * record_new_shared), and equal strings share one text: in a load, every
 * distinct one up to JSON_SHARE_LEN bytes (the x40 benchmark's 124,000
 * strings are 4,400 distinct texts); in a stream pass, whose cache lives
 * as long as the pass and must not keep what the rules dropped, only
 * recent short ones, as CSV cells do.  The scratch stacks hold the items
 * of every array and object still open, so that parsing makes no garbage
 * but the finished values (a growing buffer per object made the collector
 * the biggest cost of a load).  The tables start small, grow at half full
 * and are bounded: past JSON_KEYS keys or JSON_SHAPES shapes (keys that
 * are data, say) or JSON_LOAD_TEXTS texts, new ones are simply not
 * shared. */
#define JSON_TEXTS 4096
#define JSON_TEXT_LEN 48
#define JSON_LOAD_TEXTS ((size_t)1 << 17)
#define JSON_SHARE_LEN 4096
#define JSON_KEYS 8192
#define JSON_SHAPES 8192
typedef struct jkey { const char *s; size_t len; unsigned h; } jkey;
typedef struct jshape { const char **keys; size_t n; size_t h; } jshape;
typedef struct jcache {
  bool tables;              /* a load's or a pass's (from_json's scratch has none) */
  value *texts;             /* a pass's: JSON_TEXTS recent short texts, by hash */
  const struct text **tset; /* a load's: its distinct texts, open addressing */
  size_t tcap, ntexts;
  jkey *keys;               /* open addressing, kcap slots */
  size_t kcap, nkeys;
  jshape *shapes;           /* open addressing, scap slots */
  size_t scap, nshapes;
  value *vals;              /* scratch: the open arrays' and objects' items */
  const char **names;       /* scratch: the open objects' keys */
  size_t *offs;             /* scratch: where each key starts (for messages) */
  size_t nvals, vcap, nnames, ncap, ocap;
} jcache;
/* whole: a load's (every distinct text shared), else a stream pass's */
jcache *ld_json_cache(bool whole);
void ld_json_init(jparser *j, vm *v, loc at, const char *name, const datasrc *src, const char *s,
                  size_t n, size_t line_base, size_t col_base);
/* The next JSON value; the parser then stands after it and the blanks
 * that follow.  jp->p == jp->n: nothing is left. */
value ld_json_value(jparser *j);
_Noreturn void ld_json_fail(jparser *j, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The whole text as one JSON value, or (seq) as a sequence of values,
 * JSON Lines or concatenated: a list of them.  *dsp (when given): what
 * its objects remember of the file (NULL without a name), whose root the
 * caller sets to the value it keeps. */
value ld_parse_json(vm *v, loc at, const char *name, const char *s, size_t n, bool seq, datasrc **dsp);
/* Check and convert a value loaded from `name` against type t: every bad
 * field listed in one error, or (into) added to that list. */
/* at: the path x has in its file (releases[3] of a streamed package),
 * which the paths of its errors start with; NULL for none. */
value ld_json_convert(vm *v, loc at, const char *name, const char *path, value x, const vtype *t, errlist *into);

#endif
