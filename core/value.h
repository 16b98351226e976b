/* The value: a tagged union, the only definition of an SVL value.
 *
 * No NaN-boxing: the collector is conservative and must see real pointers,
 * so a value is a small struct passed by value.  Every heap part (texts,
 * lists, records, closures) is allocated through core/gc.h and is
 * immutable once built. */
#ifndef SVL_VALUE_H
#define SVL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datetime.h"
#include "core/number.h"
#include "core/source.h"
#include "core/unit.h"

typedef enum {
  V_NULL,
  V_BOOL,      /* .b */
  V_NUM,       /* .num, with .unit (NULL: plain) and .pct */
  V_TEXT,      /* .text */
  V_DATE,      /* .days: days since 1970-01-01 */
  V_LIST,      /* .list */
  V_RANGE,     /* .range */
  V_RECORD,    /* .rec (also indicators: rec->indicator) */
  V_FUNC,      /* .fn: a closure over an AST function */
  V_BUILTIN,   /* .builtin */
  V_VERDICT,   /* .verdict */
  V_TYPE,      /* .type: a `type` declaration used as a value */
  V_MODULE,    /* .module: `import "x.svl" as m` */
  V_TABLE,     /* .fn: a decision table (callable like a fn) */
  V_DATETIME,  /* .dt: an instant with its published offset (core/datetime.h) */
  V_STREAM     /* .stream: stream(path), items read as they are used */
} vtag;

typedef struct text text;
typedef struct list list;
typedef struct range range;
typedef struct record record;
typedef struct closure closure;
typedef struct builtin builtin;
typedef struct verdict verdict;
typedef struct vtype vtype;
typedef struct module module;
typedef struct vstream vstream;

typedef struct value {
  uint8_t tag;   /* vtag */
  bool pct;      /* V_NUM: display as a percentage */
  bool b;        /* V_BOOL */
  int32_t days;  /* V_DATE */
  const unit_t *unit; /* V_NUM */
  union {
    dec num;
    const text *text;
    const list *list;
    const range *range;
    const record *rec;
    const closure *fn;
    const builtin *builtin;
    const verdict *verdict;
    const vtype *type;
    const module *module;
    dtime dt;
    const vstream *stream;
  } as;
} value;

/* A function of the standard library or of a host: the evaluator calls
 * fn with the arguments (named ones already put in place by params).  A
 * host's native function (api/api_native.c) is a builtin too, whose fn is
 * the VM's native_fn: the evaluator hands those to the VM's native_call
 * with the builtin itself, which is the native's registration. */
typedef struct svl_vm vm;
typedef value (*builtin_fn)(vm *v, int nargs, value *args, loc at);
struct builtin {
  const char *name;
  int min_args, max_args;  /* max -1: any number */
  builtin_fn fn;
  const char *params;      /* "xs, f": for messages and docs */
};
/* The number of entries of a builtin table (an array, not a pointer):
 * each stdlib file exports its table with this count beside it. */
#define BUILTIN_COUNT(table) ((int)(sizeof(table) / sizeof(table)[0]))
/* The position of parameter `name` in b->params, or -1; the names are also
 * copied to all[0..cap) and counted in *count when those are given (for
 * "did you mean"). */
int builtin_param(const builtin *b, const char *name, const char **all, int cap, int *count);

/* A stream (stream(path), docs/data.md "Streams"): the items of a file
 * read one at a time by whatever iterates it -- a comprehension, count --
 * so a file larger than memory can be aggregated in bounded memory.  Each
 * pass reads the file again from its start, so a stream is a value like
 * any other (pure).  The reader is stdlib's, handed down as functions:
 * the evaluator below it cannot call it by name.  open starts a pass,
 * next gives its next item (false at the end, after raising the errors
 * it collected, if any). */
struct vstream {
  const char *desc; /* the path as written, for display: <stream bids.jsonl> */
  void *(*open)(vm *v, loc at, const vstream *s);
  bool (*next)(vm *v, loc at, void *pass, value *out);
  const void *data; /* the reader's */
};

/* A function of the program: its declaration (a node of lang/ast.h), the
 * frame it closes over, and the module it belongs to.  name is the
 * declaration's, kept here so a value can be shown without the AST. */
struct closure {
  const struct node *fn;      /* N_FN, N_LAMBDA, N_RULE, N_TABLE */
  struct frame *env;          /* NULL for top-level declarations */
  const struct module *mod;
  const char *name;
};

struct text {
  size_t len;       /* bytes, excluding the NUL */
  char s[];         /* UTF-8, NUL-terminated; atomic allocation */
};

struct list {
  size_t n;
  value items[];
};

struct range {
  value lo, hi;     /* numbers (same dimension) or dates */
  bool lo_open, hi_open; /* a table cell's [a..b) or (a..b]: that end excluded */
};

/* Where loaded rows came from (docs/internals.md, "Data provenance"):
 * one per load() call, shared by every row it made. */
typedef struct datasrc {
  const char *file;   /* the path as the user wrote it: "bids.csv" */
  const char **cols;  /* CSV: the header's names in file order (NULL: JSON) */
  size_t ncols;
  /* JSON: the value loaded (a stream's: the item), from which an error
   * finds a record's path (releases[3].tender) when it needs one; null
   * for CSV.  One per load, so no record or value grows. */
  value root;
  bool seq; /* root lists the values of JSON Lines: a path starts at its item */
  /* An item streamed from a package's array (stream(path, items:
   * "releases")): its path in the file, releases[3], which every path
   * from root starts with; NULL otherwise. */
  const char *at;
} datasrc;

/* Records are the most numerous objects (every loaded row, every `with`),
 * so the header is kept to 40 bytes: the field count shares a word with
 * the indicator flag (no record can have 2^31 fields: it would take 64
 * GiB), and the values follow the header instead of being pointed at. */
struct record {
  uint32_t n : 31;
  uint32_t indicator : 1; /* declared with `indicator` (SPEC 8) */
  /* A loaded row knows the line it starts on and its file (src, sharing
   * the place of an indicator's name, which a row never has): no record
   * and no value grows.  Read src with rec_src. */
  uint32_t line;
  union {
    const char *name;   /* an indicator's declared name, for messages */
    const datasrc *src; /* not an indicator: the load it came from, or NULL */
  };
  const char **keys; /* interned-or-not field names, in order */
  /* A `with` that only adds fields makes a view: fields [0, base->n) are
   * base's and vals holds the rest, so `[b with {x: ..} for b in bids]`
   * does not copy every bid (and the benchmark tender held each bid three
   * times over).  Read fields through rec_get, never vals directly. */
  const record *base;
  /* Rows of a typed CSV load are packed by their type (core/value.c
   * row_get): a number in 8 bytes (dec_pack64, or a pointer to it when it
   * needs 16) and a flag, a text in 8, a bool in a flag; vals then holds
   * the packed bytes.  A bid of the benchmark tender takes 192 bytes
   * instead of 560. */
  const struct rowfmt *fmt;
  /* The values (a view's added ones; a packed row's bytes), in the same
   * allocation; an ordinary record's keys follow them when it has its
   * own. */
  value vals[];
};

struct verdict {
  bool passed;
  const list *reasons;   /* texts */
  const list *warnings;  /* texts */
};

/* A `type` declaration (SPEC 5), used to check and convert input data. */
typedef enum { T_ANY, T_NUMBER, T_TEXT, T_BOOL, T_DATE, T_UNIT, T_LIST, T_RECORD,
               T_INT,      /* a whole plain number */
               T_PERCENT,  /* a percentage (60%) */
               T_ENUM,     /* one of vals: `type Lot = 1 | 2 | 3` */
               T_QUANTITY  /* a number with any unit (8 FTE, £5, 3 years) */
} tkind;
struct vtype {
  const char *name;        /* declared name ("Bid"), or NULL for inner types */
  tkind kind;
  bool opt;                /* T? : null allowed */
  bool fraction;           /* T_PERCENT: data holds 0.35 for 35% (`percent from fraction`) */
  bool open;               /* T_RECORD `{a: text, ..}`: other fields allowed, and left out */
  int nvals;               /* T_ENUM: the members, in declared order: all */
  const value *vals;       /* plain whole-or-not numbers, or all texts */
  const unit_t *unit;      /* T_UNIT: the quantity's unit (e.g. weeks, GBP) */
  const vtype *elem;    /* T_LIST */
  int nfields;             /* T_RECORD */
  const char **fnames;
  const vtype **ftypes;
};

/* Constructors (core/value.c). */
extern const value v_null;
/* The small constructors are inline: the interpreter makes a value for
 * nearly every node it evaluates. */
static inline value v_bool(bool b) { value v = {.tag = V_BOOL}; v.b = b; return v; }
static inline value v_num(dec d) { value v = {.tag = V_NUM}; v.as.num = d; return v; }
value v_int(int64_t i);
static inline value v_qty(dec d, const unit_t *u) { value v = v_num(d); v.unit = u; return v; }
static inline value v_pct(dec d) { value v = v_num(d); v.pct = true; return v; }
value v_text(const char *s, size_t len);  /* copies */
/* v_text for a caller outside every protected call, where an exhausted
 * heap makes the allocation return NULL instead of raising: false then. */
bool v_text_try(const char *s, size_t len, value *out);
value v_cstr(const char *s);              /* copies */
static inline value v_date(int32_t days) { value v = {.tag = V_DATE}; v.days = days; return v; }
static inline value v_datetime(dtime t) { value v = {.tag = V_DATETIME}; v.as.dt = t; return v; }
static inline value v_list(const list *l) { value v = {.tag = V_LIST}; v.as.list = l; return v; }
list *list_new(size_t n);                 /* n items, all null */
record *record_new(size_t n);             /* n empty slots */
/* n empty values under field names `keys`, which the record shares (rows
 * of one CSV): nothing may write to keys afterwards. */
record *record_new_shared(size_t n, const char **keys);
/* The load a record came from (NULL for an indicator or a built record). */
static inline const datasrc *rec_src(const record *r) { return r->indicator ? NULL : r->src; }
static inline value v_rec(const record *r) { value v = {.tag = V_RECORD}; v.as.rec = r; return v; }
/* Field lookup: index or -1. */
long record_find(const record *r, const char *key);
/* A view of base with n - base->n more fields under keys (which begin
 * with base's); the caller fills vals[0 .. n - base->n). */
record *record_view(const record *base, size_t n, const char **keys);
/* All n values in order: r->vals itself, or a fresh copy for a view or
 * a packed row. */
const value *record_values(const record *r);
/* A packed row's field i (core/value.c). */
value row_get(const record *r, size_t i);
/* A record of values of any kind packed by what each holds
 * (record_tagged): nf flag bytes, padded to 8, then one 8-byte slot a
 * field -- the text, list or record pointer, the number itself when
 * dec_pack64 takes it (else a pointer to its 16 bytes), nothing for a
 * null or a bool, a pointer to a boxed value for any other kind.  A
 * loaded JSON object takes 9 bytes a field instead of 32 (docs/ocds.md,
 * "Benchmark").  Its fmt is &rowfmt_tagged. */
extern const struct rowfmt rowfmt_tagged;
record *record_tagged(size_t n, const char **keys, const value *vals);
value tagged_get(const record *r, size_t i);
/* Field i (< r->n). */
static inline value rec_get(const record *r, size_t i) {
  while (r->base) {
    size_t m = r->base->n;
    if (i >= m) return r->vals[i - m];
    r = r->base;
  }
  if (r->fmt) return r->fmt == &rowfmt_tagged ? tagged_get(r, i) : row_get(r, i);
  return r->vals[i];
}

/* How the rows of one typed load are packed: per field, what it holds and
 * where.  A row is nf flag bytes (0, or ROW_NULL; for a number ROW_PCT and
 * ROW_BIG; for a bool its value) then the payloads at their offsets, 8
 * bytes each but a bool's: a number as dec_pack64 writes it, or with
 * ROW_BIG a pointer to its 16 bytes. */
enum { ROW_NUM, ROW_TEXT, ROW_BOOL, ROW_DATE };
enum { ROW_PCT = 1, ROW_NULL = 2, ROW_BIG = 4 };
typedef struct rowfmt {
  size_t nf, size;          /* fields, bytes of a row */
  struct rowfield {
    uint8_t kind;           /* ROW_NUM ... */
    uint32_t off;           /* payload offset in the row */
    const unit_t *unit;     /* ROW_NUM: every value's unit (NULL: plain) */
  } f[];
} rowfmt;
/* The packing for record type t, or NULL when a field's type cannot be
 * packed (so the rows stay ordinary records). */
const rowfmt *rowfmt_for(const vtype *t);
/* A packed record of fmt->nf fields under keys holding vals, or NULL when
 * a value does not fit its field (another unit, say). */
record *record_packed(const rowfmt *fmt, const char **keys, const value *vals);

/* Nesting (docs/language.md, "Limits"): a value a script builds may nest
 * as deep as it likes (building is one step per level and the collector
 * marks without recursion), but every recursive walk over a value --
 * display, JSON, equality, ordering, hashing, the host's conversions --
 * counts its depth and gives up past MAX_NESTING levels, or sooner when the
 * C stack left to the thread runs short (value_stack_floor), so that no value
 * can overflow the stack of the CLI or of a host.  1,000 is SQLite's
 * JSON_MAX_DEPTH and twice what load() accepts (JSON_MAX_DEPTH, 512). */
#define MAX_NESTING 1000
/* The lowest stack address the evaluator and the walks may reach on this
 * thread, set by the API around each call (api/api.c); NULL: none. */
extern _Thread_local const char *value_stack_floor;
/* Walks count the lists and records they enter, and every 4,096 of them
 * call value_walk_tick: a list that holds the same list twice, 60 levels
 * deep, is small to build but 2^60 items to compare, so walks must answer
 * to the step (max_steps containers a call), time and interrupt limits
 * too (api/api.c, eval.c vm_walk_steps). */
extern _Thread_local unsigned value_walk_count;
void value_walk_tick(void);
static inline void value_walk_step(void) {
  if ((++value_walk_count & 4095) == 0) value_walk_tick();
}
/* True when a walk `depth` levels down must stop (and a step of it). */
static inline bool value_too_deep(int depth) {
  value_walk_step();
  /* the frame's address, not a local's: ASan may keep locals elsewhere */
  return depth > MAX_NESTING ||
         (value_stack_floor && (uintptr_t)__builtin_frame_address(0) < (uintptr_t)value_stack_floor);
}
/* Raise E0805 for a walk that must stop at `depth` (api/api.c sets the
 * hook to raise it in the running VM).  Returns only when no VM is running
 * on this thread; the walk then gives up with a safe result (false, "…"). */
extern _Thread_local void (*value_too_deep_hook)(int depth);
extern _Thread_local void (*value_walk_tick_hook)(void);
void value_nesting_error(int depth);

bool value_truthy_ok(value v, bool *out); /* bool or verdict */
bool value_equal(value a, value b);       /* structural; never fails */
const char *vtag_name(int tag);           /* "number", "text", ... */
const char *value_type_name(value v);     /* like type_of: "number", "GBP", "list" */

/* Display form (SPEC 3): texts nested in lists/records quoted; at top level
 * `raw` true writes a text raw and a date as 2026-04-01 (print and
 * interpolation), false quotes it (the REPL). GC-allocated result. */
const char *value_display(value v, bool raw);
/* Short display for explain traces: long lists/records elided with "…". */
const char *value_short(value v);
/* JSON (SPEC 9): exact numbers, quantities {"amount","unit"}, percentages
 * as their fraction, dates "YYYY-MM-DD", verdicts as objects. */
const char *value_json(value v);

/* Growable byte buffer on the GC heap, used by printers. */
typedef struct sbuf { char *s; size_t len, cap; } sbuf;
void sb_init(sbuf *b);
void sb_putn(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Quote a text with SVL escapes ("a\"b"). */
void sb_quote(sbuf *b, const char *s, size_t n);
void sb_json_string(sbuf *b, const char *s, size_t n);

/* Whether x is a member of enumeration t (T_ENUM). */
bool type_enum_has(const vtype *t, value x);
/* "Lot (1, 2 or 3)", "one of \"a\" or \"b\"": an enumeration for messages. */
void type_enum_desc(sbuf *b, const vtype *t);
/* UTF-8 helpers */
size_t utf8_count(const char *s, size_t n);            /* code points */
/* Length of a valid UTF-8 sequence at s (1..4), 0 when invalid. */
int utf8_valid_seq(const unsigned char *s, size_t avail);

/* Dates: civil calendar <-> days since 1970-01-01. */
bool date_from_ymd(int y, int m, int d, int32_t *days);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
bool date_parse(const char *s, size_t n, int32_t *days); /* YYYY-MM-DD */
/* `days` plus n calendar months, the day clamped to the month's end; false
 * when the result would leave the years 1 to 9999. */
bool date_add_months(int32_t days, int64_t n, int32_t *out);
bool date_in_range(int64_t days); /* within the years 1 to 9999 */

#endif
