/* svl_pg.c — CREATE EXTENSION svl: SVL rules called from SQL inside
 * PostgreSQL 15, so that bids are scored where they are stored, by as many
 * parallel workers and shards as the planner uses (docs/postgresql.md).
 *
 *   SELECT id, svl_numeric(rules, 'total', to_jsonb(b)) FROM bids b;
 *
 * Built with PGXS on the public include/svl.h alone, linked with the
 * prelinked build/libsvl.a (every symbol but svl_* local, libbid inside) and
 * the Debian libgc: `make pg`, `make pg-install`.
 *
 * What a backend keeps, and why it is safe:
 * - Rule texts are compiled once per backend into a VM, found again by the
 *   SHA-256 of the text (a small LRU of svl.cache_size VMs, in malloc'ed
 *   memory that lives as long as the backend).  Within one query the
 *   function's fn_extra remembers the text it saw last, so the rows after
 *   the first cost a memcmp, not a hash.
 * - SVL values are held only through handles, and only during one call:
 *   every handle a call makes is released before it returns, by PG_FINALLY
 *   when an ERROR leaves early.  Nothing in palloc'ed memory points into
 *   SVL's collected heap (the collector does not scan it).  The only
 *   handles kept across calls are the looked-up functions of a cached VM
 *   and its cache of short argument texts, released with it.
 * - The collector starts lazily, at the first call in a backend (never in
 *   the postmaster, even with shared_preload_libraries, so no collector
 *   state is forked).  The backend's one thread is the collector's first
 *   thread; parallel workers are processes with collectors of their own.
 *   SVL keeps the collector to one marker thread, so a backend stays
 *   single-threaded.
 * - Cancel and statement_timeout: PostgreSQL's handlers only set flags
 *   (statement_timeout ends by sending the backend SIGINT), and SVL does
 *   not call CHECK_FOR_INTERRUPTS.  So the extension chains SIGINT, SIGTERM
 *   and SIGUSR1: after PostgreSQL's own handler, when an interrupt is now
 *   pending and an SVL call is running, svl_interrupt (async-signal-safe)
 *   stops it within about a thousand steps; the call then runs
 *   CHECK_FOR_INTERRUPTS, which raises the query-cancel ERROR as for any
 *   other function, or returns (a benign interrupt) and the call is made
 *   again.
 * - No file, environment or clock access: a VM gets no permission; only
 *   the installed standard library modules can be imported.
 */
#include "postgres.h"

#include <signal.h>
#include <sys/stat.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include <gc/gc.h>
#include <svl.h>

PG_MODULE_MAGIC;

/* ---- Settings (GUCs) ---- */

static int guc_max_steps = 10000000;
static int guc_heap_limit_kb = 256 * 1024;
static int guc_timeout_ms = 10000;
static int guc_max_depth = 200;
static int guc_cache_size = 16;

/* The limits a VM was made with: a VM is remade when they change. */
typedef struct limits {
  int max_steps, heap_kb, timeout_ms, max_depth;
} limits;

static limits current_limits(void) {
  limits l = {guc_max_steps, guc_heap_limit_kb, guc_timeout_ms, guc_max_depth};
  return l;
}

static bool same_limits(const limits *a, const limits *b) {
  return a->max_steps == b->max_steps && a->heap_kb == b->heap_kb && a->timeout_ms == b->timeout_ms &&
         a->max_depth == b->max_depth;
}

/* ---- The cache of compiled rule texts ---- */

typedef struct fn_entry {
  struct fn_entry *next;
  char *name;
  svl_value *fn; /* pins the function (or a let's value) for the VM's life */
} fn_entry;

/* Short texts the arguments brought, each made into an SVL text once per
 * VM: a column of answers ("good", "adequate") or codes holds few distinct
 * values, and a new text per argument per row — a copy in SVL's collected
 * heap and a handle — was 7% of a row's time.  Direct-mapped by hash; a
 * text that collides replaces the one there.  A call gets its own handle
 * to the cached value (svl_dup), released after the call as any other
 * argument's, so a text replaced during a call lives on until it ends.
 * SVL's texts are immutable values, so one value for equal texts is the
 * same as one per argument. */
#define TEXT_CACHE_SLOTS 64
#define TEXT_CACHE_BYTES 64 /* longer texts are made for each call */
typedef struct cached_text {
  svl_value *v; /* NULL: empty */
  int len;
  char bytes[TEXT_CACHE_BYTES];
} cached_text;

typedef struct rules_entry {
  svl_vm *vm; /* NULL: a free slot */
  cached_text *texts; /* TEXT_CACHE_SLOTS, malloc'ed at the first text */
  char hash[65];
  limits lim;
  uint64 serial;   /* new for every VM put in the slot: fn_extra checks it */
  uint64 last_use; /* LRU */
  fn_entry *fns;
} rules_entry;

#define MAX_CACHE 256
static rules_entry cache[MAX_CACHE];
static uint64 clock_tick, serial_counter;
static char *stdlib_dir; /* the installed stdlib, or NULL: svl's default */

static void entry_clear(rules_entry *e) {
  for (fn_entry *f = e->fns, *next; f; f = next) {
    next = f->next;
    free(f->name);
    free(f);
  }
  e->fns = NULL;
  free(e->texts);
  e->texts = NULL;
  svl_free(e->vm); /* and every handle with it */
  e->vm = NULL;
}

/* The VM running a call, for the signal handlers. */
static svl_vm *volatile running_vm;

/* ---- Errors ---- */

static int sqlstate_of(svl_status st, const svl_error *e) {
  switch (st) {
  case SVL_ERR_SYNTAX:
    return ERRCODE_SYNTAX_ERROR;
  case SVL_ERR_RESOLVE:
    return ERRCODE_UNDEFINED_OBJECT;
  case SVL_ERR_RUNTIME:
    return ERRCODE_DATA_EXCEPTION;
  case SVL_ERR_ASSERT:
    return ERRCODE_ASSERT_FAILURE;
  case SVL_ERR_LIMIT:
    if (e->message && strstr(e->message, "interrupted")) return ERRCODE_QUERY_CANCELED;
    return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
  case SVL_ERR_IO:
    return ERRCODE_IO_ERROR;
  case SVL_ERR_USAGE:
    return ERRCODE_INVALID_PARAMETER_VALUE;
  default:
    return ERRCODE_INTERNAL_ERROR;
  }
}

/* Which setting raises a limit SVL reported. */
static const char *limit_hint(const svl_error *e) {
  if (!e->code) return NULL;
  if (strcmp(e->code, "E0801") == 0) return "Raise svl.max_steps (0: no limit) if the rules need more steps.";
  if (strcmp(e->code, "E0802") == 0) return "Raise svl.heap_limit (0: no limit) if the rules need more memory.";
  if (strcmp(e->code, "E0803") == 0) return "Raise svl.timeout (0: no limit) if the rules need more time.";
  if (strcmp(e->code, "E0804") == 0) return "Raise svl.max_depth if the recursion is meant.";
  return NULL;
}

/* ERROR from the VM's last error: the message and code in the message,
 * SVL's rendered report (rules:line:col, the source line, a caret, the call
 * stack) in DETAIL, its hint (or the setting to raise) in HINT. */
static void pg_attribute_noreturn() report_svl(svl_vm *vm, svl_status st, const char *fname) {
  const svl_error *e = svl_last_error(vm);
  const char *hint = e->hint;
  if (st == SVL_ERR_LIMIT && !hint) hint = limit_hint(e);
  ereport(ERROR, (errcode(sqlstate_of(st, e)),
                  errmsg("%s: %s [%s]", fname, e->message ? e->message : "error", e->code ? e->code : "?"),
                  e->rendered && e->file ? errdetail("%s", e->rendered) : 0, hint ? errhint("%s", hint) : 0));
  pg_unreachable();
}

/* ---- Interrupts ---- */

typedef void (*handler_fn)(int);
static handler_fn prev_handler[NSIG];

static void on_signal(int signo) {
  int save = errno;
  handler_fn prev = prev_handler[signo];
  if (prev) prev(signo);
  svl_vm *vm = running_vm;
  if (vm && InterruptPending) svl_interrupt(vm);
  errno = save;
}

/* Put on_signal in front of PostgreSQL's handler of signo, once, and again
 * if a handler was set since (checked once per query). */
static void chain_signal(int signo) {
  struct sigaction sa;
  if (sigaction(signo, NULL, &sa) != 0) return;
  if (sa.sa_handler == on_signal || (sa.sa_flags & SA_SIGINFO) || sa.sa_handler == SIG_IGN ||
      sa.sa_handler == SIG_DFL)
    return;
  prev_handler[signo] = sa.sa_handler;
  sa.sa_handler = on_signal;
  sigaction(signo, &sa, NULL);
}

static void chain_signals(void) {
  chain_signal(SIGINT);  /* query cancel, statement_timeout */
  chain_signal(SIGTERM); /* pg_terminate_backend, a parallel leader ending its workers */
  chain_signal(SIGUSR1); /* procsignals: a parallel worker's error, recovery conflicts */
}

/* ---- Compiling ---- */

static void find_stdlib(void) {
  static bool done;
  if (done) return;
  done = true;
  char share[MAXPGPATH], dir[MAXPGPATH + 16];
  struct stat st;
  get_share_path(my_exec_path, share);
  snprintf(dir, sizeof dir, "%s/svl/stdlib", share);
  if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) stdlib_dir = MemoryContextStrdup(TopMemoryContext, dir);
}

/* How often the collector collects inside a backend.  By default it
 * collects after allocating about a third of (live heap + roots).  Here
 * the live heap is small (the compiled rules, some 70 KB) and the roots
 * large: the collector scans the data segments of the server and of every
 * library it loaded, some 1.5 MB, at each collection.  So it collected
 * every 500 KB of allocation — every 300 rows of the tender benchmark,
 * 2,089 collections for 1,000,000 rows, each a scan of those roots.  At
 * least 4 MB between collections took a fifth off the servers' CPU time
 * for those rows; 16 MB gained less (the allocations then walk through
 * more memory than the caches hold), 1 MB less too.  The heap grows by
 * those 4 MB, once per backend.  Set once, before the first VM (the
 * collector is per process); a build may set another figure. */
#ifndef MIN_BYTES_BETWEEN_COLLECTIONS
#define MIN_BYTES_BETWEEN_COLLECTIONS ((size_t)4 << 20)
#endif
static void collector_settings(void) {
  static bool done;
  if (done) return;
  done = true;
  GC_set_min_bytes_allocd(MIN_BYTES_BETWEEN_COLLECTIONS);
}

/* The cached VM for rules (len bytes), compiling it when new. */
static rules_entry *entry_for(const char *rules, size_t len, const char *fname) {
  char hash[65];
  limits lim = current_limits();
  svl_sha256(rules, len, hash);
  int size = Min(Max(guc_cache_size, 1), MAX_CACHE);
  rules_entry *victim = NULL;
  for (int i = 0; i < MAX_CACHE; i++) {
    rules_entry *e = &cache[i];
    if (e->vm && memcmp(e->hash, hash, 65) == 0) {
      if (same_limits(&e->lim, &lim)) {
        e->last_use = ++clock_tick;
        return e;
      }
      entry_clear(e); /* the settings changed: make it again */
    }
    if (e->vm && i >= size) entry_clear(e); /* svl.cache_size was lowered */
    if (i < size && (!victim || (victim->vm && (!e->vm || e->last_use < victim->last_use)))) victim = e;
  }
  if (victim->vm) entry_clear(victim);

  find_stdlib();
  collector_settings();
  svl_config cfg;
  svl_config_init(&cfg); /* no permissions: no file, environment or clock */
  if (stdlib_dir) cfg.stdlib_path = stdlib_dir;
  cfg.max_steps = (uint64_t)lim.max_steps;
  cfg.heap_budget = (size_t)lim.heap_kb * 1024;
  cfg.timeout_ms = (uint64_t)lim.timeout_ms;
  cfg.max_depth = (unsigned)lim.max_depth;
  svl_vm *vm = svl_new(&cfg);
  if (!vm) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("%s: out of memory", fname)));
  running_vm = vm;
  svl_status st = svl_load_string(vm, "rules.svl", rules, len);
  running_vm = NULL;
  if (st != SVL_OK) {
    PG_TRY();
    {
      /* interrupted while compiling: PostgreSQL's own cancel ERROR */
      if (st == SVL_ERR_LIMIT && InterruptPending) CHECK_FOR_INTERRUPTS();
      report_svl(vm, st, fname);
    }
    PG_FINALLY();
    { svl_free(vm); }
    PG_END_TRY();
  }
  victim->vm = vm;
  memcpy(victim->hash, hash, 65);
  victim->lim = lim;
  victim->serial = ++serial_counter;
  victim->last_use = ++clock_tick;
  return victim;
}

/* The top-level `name` of the rules: a function, or a let's value. */
static svl_value *lookup(rules_entry *e, const char *name, const char *fname) {
  for (fn_entry *f = e->fns; f; f = f->next)
    if (strcmp(f->name, name) == 0) return f->fn;
  svl_value *v;
  svl_status st = svl_get(e->vm, name, &v);
  if (st != SVL_OK) {
    const svl_error *err = svl_last_error(e->vm);
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                    errmsg("%s: %s [%s]", fname, err->message, err->code ? err->code : "?"),
                    errhint("The name is a top-level fn, rule, table or let of the rules.")));
  }
  fn_entry *f = malloc(sizeof *f);
  if (!f || !(f->name = strdup(name))) {
    free(f);
    svl_release(e->vm, v);
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("%s: out of memory", fname)));
  }
  f->fn = v;
  f->next = e->fns;
  e->fns = f;
  return v;
}

/* ---- One call ---- */

/* What fn_extra keeps for the rest of the query. */
typedef struct query_state {
  char *rules; /* the text seen last, and its length */
  size_t rules_len;
  rules_entry *entry;
  uint64 serial; /* entry->serial when looked up */
  char *name;
  svl_value *fn;
  /* Facts about the call site, the same for every row: */
  bool rules_const, name_const; /* a literal: the same text at every row */
  bool variadic;                /* VARIADIC array */
  int nargs;                    /* SVL arguments (not variadic) */
  Oid *types;                   /* and their SQL types */
} query_state;

/* Everything a call holds that must be let go when an ERROR leaves. */
typedef struct call_state {
  svl_vm *vm;
  int nargs;
  svl_value **args;
  svl_value *result;
  char *malloced;
} call_state;

static svl_value *check_made(svl_vm *vm, svl_value *v, int pos, const char *fname) {
  if (!v) {
    const svl_error *e = svl_last_error(vm);
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s: argument %d: %s [%s]", fname, pos, e->message, e->code ? e->code : "?")));
  }
  return v;
}

/* A numeric as it is stored, read without numeric_out (which, with the
 * copy that unpacks a short-header value first, was 6% of a row's time).
 *
 * The stored form (PostgreSQL's numeric.c; pg_upgrade keeps data files, so
 * it does not change between versions): after the varlena header, a uint16
 * whose top bits say which form follows.  0xC000 set: NaN or an infinity.
 * 0x8000 (short form): sign in 0x2000, display scale in bits 7-12, weight
 * in bits 0-6 (two's complement).  Otherwise (long form): sign in 0x4000,
 * display scale in bits 0-13, then an int16 weight.  Then the base-10,000
 * digits, int16 each, the first of weight `weight` (10,000^weight), the
 * last rounded to the display scale (the digits past it are zeros). */
typedef struct numeric_parts {
  bool neg;
  int dscale, weight, ndigits;
  const char *digits; /* unaligned int16s */
} numeric_parts;

/* false for NaN and the infinities */
static bool numeric_read(Datum d, numeric_parts *n) {
  struct varlena *v = PG_DETOAST_DATUM_PACKED(d);
  const char *p = VARDATA_ANY(v);
  size_t size = VARSIZE_ANY_EXHDR(v);
  uint16 head;
  int16 w;
  size_t at;
  if (size < sizeof head) return false;
  memcpy(&head, p, sizeof head); /* a short varlena's data is not aligned */
  if ((head & 0xC000) == 0xC000) return false;
  if (head & 0x8000) {
    n->neg = (head & 0x2000) != 0;
    n->dscale = (head & 0x1F80) >> 7;
    n->weight = (head & 0x0040) ? (int)(head & 0x003F) - 64 : (int)(head & 0x003F);
    at = sizeof head;
  } else {
    if (size < sizeof head + sizeof w) return false;
    n->neg = (head & 0x4000) != 0;
    n->dscale = head & 0x3FFF;
    memcpy(&w, p + sizeof head, sizeof w);
    n->weight = w;
    at = sizeof head + sizeof w;
  }
  n->digits = p + at;
  n->ndigits = (int)((size - at) / sizeof(int16));
  return true;
}

static int numeric_digit(const numeric_parts *n, int i) {
  int16 dig = 0;
  if (i >= 0 && i < n->ndigits) memcpy(&dig, n->digits + i * sizeof dig, sizeof dig);
  return dig;
}

/* The numeric's exact decimal text, the very text numeric_out gives,
 * written into buf; NULL for a text longer than buf (a huge weight or
 * scale): the caller asks numeric_out. */
#define NUMERIC_TEXT_MAX 128
static const char *numeric_text(const numeric_parts *n, char *buf) {
  /* sign, integer part (at least "0"), point, scale, and a digit group's
   * overshoot below */
  if (1 + 4 * (Max(n->weight, 0) + 1) + 1 + n->dscale + 4 >= NUMERIC_TEXT_MAX) return NULL;
  char *c = buf;
  int i = 0, dig;
  if (n->neg) *c++ = '-';
  if (n->weight < 0) {
    *c++ = '0';
    i = n->weight + 1; /* the digits before the first stored one are zeros */
  } else {
    for (; i <= n->weight; i++) {
      dig = numeric_digit(n, i);
      char g[4] = {(char)('0' + dig / 1000), (char)('0' + dig / 100 % 10), (char)('0' + dig / 10 % 10),
                   (char)('0' + dig % 10)};
      int k = 0;
      if (i == 0) /* no leading zeros but the last digit */
        while (k < 3 && g[k] == '0') k++;
      for (; k < 4; k++) *c++ = g[k];
    }
  }
  if (n->dscale > 0) {
    *c++ = '.';
    char *end = c + n->dscale;
    for (int k = 0; k < n->dscale; k += 4, i++) {
      dig = numeric_digit(n, i);
      *c++ = (char)('0' + dig / 1000);
      *c++ = (char)('0' + dig / 100 % 10);
      *c++ = (char)('0' + dig / 10 % 10);
      *c++ = (char)('0' + dig % 10);
    }
    c = end;
  }
  *c = '\0';
  return buf;
}

/* An SVL number from a numeric.  Up to four base-10,000 digits (sixteen
 * decimal ones: the amounts, quantities and scores of a table) are one
 * integer and an exponent for svl_decimal, the number svl_number makes of
 * the text; longer ones go through the text. */
static svl_value *numeric_to_svl(svl_vm *vm, Datum d, int pos, const char *fname) {
  numeric_parts n;
  svl_value *v;
  if (!numeric_read(d, &n))
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                    errmsg("%s: argument %d: %s is not a number SVL can hold", fname, pos,
                           DatumGetCString(DirectFunctionCall1(numeric_out, d)))));
  if (n.ndigits <= 4) {
    uint64 c = 0;
    for (int i = 0; i < n.ndigits; i++) c = c * 10000 + (uint64)numeric_digit(&n, i);
    v = svl_decimal(vm, n.neg, c, n.ndigits ? (n.weight - n.ndigits + 1) * 4 : 0);
  } else {
    char buf[NUMERIC_TEXT_MAX];
    const char *s = numeric_text(&n, buf);
    v = svl_number(vm, s ? s : DatumGetCString(DirectFunctionCall1(numeric_out, d)));
  }
  if (!v) {
    const svl_error *e = svl_last_error(vm);
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                    errmsg("%s: argument %d: %s [%s]", fname, pos, e->message, e->code ? e->code : "?"),
                    errhint("SVL's numbers are decimal128: 34 significant digits, never rounded.")));
  }
  return v;
}

/* The numeric coefficient * 10^ex, with ex < 0 decimals (the display
 * scale numeric_in gives svl_to_number's text, which has that many), laid
 * out as make_result in numeric.c lays out what numeric_in parsed: the
 * stored form numeric_read reads, base-10,000 digits with no leading or
 * trailing zero digit, the short header where scale and weight fit it.
 * Writing the text and parsing it again was 8% of a row's time.  false
 * (nothing made) when the weight or the scale is too large for the fast
 * path: the caller goes through the text. */
static bool numeric_make(bool neg, unsigned __int128 c, int ex, Datum *out) {
  int dscale = ex < 0 ? -ex : 0;
  if (ex < -NUMERIC_MAX_DISPLAY_SCALE || ex > 1000) return false;
  if (c == 0) neg = false, ex = 0;
  /* c * 10^r * 10000^q with 0 <= r < 4: the digits of c * 10^r, the last
   * of weight q */
  int q = ex >= 0 ? ex / 4 : -((-ex + 3) / 4), r = ex - 4 * q;
  static const unsigned pow10[4] = {1, 10, 100, 1000};
  c *= pow10[r]; /* below 10^37: no overflow */
  const uint64 e16 = UINT64CONST(10000000000000000);
  uint64 part[3] = {(uint64)(c / e16 / e16), (uint64)(c / e16 % e16), (uint64)(c % e16)};
  int16 dig[12];
  int n = 0;
  for (int i = 0; i < 3; i++, n += 4)
    for (int k = 3; k >= 0; k--) dig[n + k] = (int16)(part[i] % 10000), part[i] /= 10000;
  int first = 0, last = n - 1;
  while (first < n && dig[first] == 0) first++;
  while (last >= first && dig[last] == 0) last--, q++;
  int ndig = last - first + 1, weight = ndig > 0 ? q + ndig - 1 : 0;
  size_t size;
  Numeric num;
  if (dscale <= 63 && weight >= -64 && weight <= 63) {
    size = VARHDRSZ + sizeof(uint16) + ndig * sizeof(int16);
    num = palloc(size);
    uint16 head = 0x8000 | (neg ? 0x2000 : 0) | (uint16)(dscale << 7) | (weight < 0 ? 0x0040 : 0) | (weight & 0x003F);
    memcpy(VARDATA(num), &head, sizeof head);
    memcpy(VARDATA(num) + sizeof head, dig + first, ndig * sizeof(int16));
  } else {
    size = VARHDRSZ + sizeof(uint16) + sizeof(int16) + ndig * sizeof(int16);
    num = palloc(size);
    uint16 head = (neg ? 0x4000 : 0) | (uint16)(dscale & 0x3FFF);
    int16 w = (int16)weight;
    memcpy(VARDATA(num), &head, sizeof head);
    memcpy(VARDATA(num) + sizeof head, &w, sizeof w);
    memcpy(VARDATA(num) + sizeof head + sizeof w, dig + first, ndig * sizeof(int16));
  }
  SET_VARSIZE(num, size);
  *out = NumericGetDatum(num);
  return true;
}

/* A numeric from an SVL number: from its coefficient and exponent, or
 * through svl_to_number's text where numeric_make declines. */
static Datum number_to_numeric(svl_vm *vm, svl_value *v, const char *fname) {
  int neg, ex;
  uint64_t hi, lo;
  const char *s;
  Datum d;
  if (svl_to_decimal(vm, v, &neg, &hi, &lo, &ex) != SVL_OK) report_svl(vm, SVL_ERR_USAGE, fname);
  if (numeric_make(neg, ((unsigned __int128)hi << 64) | lo, ex, &d)) return d;
  if (svl_to_number(vm, v, &s) != SVL_OK) report_svl(vm, SVL_ERR_USAGE, fname);
  return DirectFunctionCall3(numeric_in, CStringGetDatum(s), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/* The SVL text of len bytes at s (a new handle), through the entry's cache
 * of short texts. */
static svl_value *text_to_svl(rules_entry *e, const char *s, int len, int pos, const char *fname) {
  svl_vm *vm = e->vm;
  cached_text *c = NULL;
  if (len <= TEXT_CACHE_BYTES) {
    if (!e->texts) e->texts = calloc(TEXT_CACHE_SLOTS, sizeof *e->texts);
    if (e->texts) {
      c = &e->texts[hash_bytes((const unsigned char *)s, len) % TEXT_CACHE_SLOTS];
      if (c->v && c->len == len && memcmp(c->bytes, s, len) == 0) return check_made(vm, svl_dup(vm, c->v), pos, fname);
    }
  }
  svl_value *v = check_made(vm, svl_text(vm, s, (size_t)len), pos, fname);
  if (c) {
    svl_release(vm, c->v);
    c->v = svl_dup(vm, v); /* NULL when out of memory: the slot stays empty */
    c->len = len;
    memcpy(c->bytes, s, len);
  }
  return v;
}

/* An SQL value as an SVL value (a new handle): numbers through their exact
 * decimal text, JSON through svl_from_json (numbers exact there too). */
static svl_value *to_svl(rules_entry *e, Datum d, bool isnull, Oid type, int pos, const char *fname) {
  svl_vm *vm = e->vm;
  if (isnull) return check_made(vm, svl_null(vm), pos, fname);
  switch (type) {
  case NUMERICOID:
    return numeric_to_svl(vm, d, pos, fname);
  case INT2OID:
    return check_made(vm, svl_int(vm, DatumGetInt16(d)), pos, fname);
  case INT4OID:
    return check_made(vm, svl_int(vm, DatumGetInt32(d)), pos, fname);
  case INT8OID:
    return check_made(vm, svl_int(vm, DatumGetInt64(d)), pos, fname);
  case FLOAT4OID:
  case FLOAT8OID: {
    double f = type == FLOAT4OID ? (double)DatumGetFloat4(d) : DatumGetFloat8(d);
    if (isnan(f) || isinf(f))
      ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                      errmsg("%s: argument %d: %g is not a number SVL can hold", fname, pos, f)));
    /* the shortest text that reads back as the same float: what psql shows */
    const char *s = DatumGetCString(
        type == FLOAT4OID ? DirectFunctionCall1(float4out, d) : DirectFunctionCall1(float8out, d));
    return check_made(vm, svl_number(vm, s), pos, fname);
  }
  case BOOLOID:
    return check_made(vm, svl_bool(vm, DatumGetBool(d)), pos, fname);
  case TEXTOID:
  case VARCHAROID:
  case BPCHAROID: {
    text *t = DatumGetTextPP(d);
    return text_to_svl(e, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), pos, fname);
  }
  case NAMEOID:
    return check_made(vm, svl_text(vm, NameStr(*DatumGetName(d)), SVL_NTS), pos, fname);
  case UNKNOWNOID: /* a quoted literal with no type: text */
    return check_made(vm, svl_text(vm, DatumGetCString(d), SVL_NTS), pos, fname);
  case DATEOID: {
    DateADT date = DatumGetDateADT(d);
    int y, m, dd;
    if (DATE_NOT_FINITE(date))
      ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                      errmsg("%s: argument %d: an infinite date cannot be passed to SVL", fname, pos)));
    j2date(date + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
    return check_made(vm, svl_date(vm, y, m, dd), pos, fname);
  }
  case JSONBOID:
  case JSONOID: {
    char *json;
    size_t len;
    if (type == JSONBOID) {
      Jsonb *jb = DatumGetJsonbP(d);
      StringInfoData buf;
      initStringInfo(&buf);
      JsonbToCString(&buf, &jb->root, VARSIZE(jb));
      json = buf.data;
      len = (size_t)buf.len;
    } else {
      text *t = DatumGetTextPP(d);
      json = VARDATA_ANY(t);
      len = VARSIZE_ANY_EXHDR(t);
    }
    svl_value *v = NULL;
    if (svl_from_json(vm, json, len, &v) != SVL_OK) {
      const svl_error *e = svl_last_error(vm);
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("%s: argument %d: %s [%s]", fname, pos, e->message, e->code ? e->code : "?")));
    }
    return v;
  }
  default: {
    Oid base = getBaseType(type); /* a domain: its base type's value */
    if (base != type) return to_svl(e, d, isnull, base, pos, fname);
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("%s: argument %d: a value of type %s cannot be passed to SVL", fname, pos,
                           format_type_be(type)),
                    errhint("Pass numeric, integer, text, boolean, date or jsonb; to_jsonb() turns a row "
                            "or an array into a record or a list.")));
  }
  }
  pg_unreachable();
}

/* The kinds of result each SQL function returns. */
typedef enum want { WANT_JSONB, WANT_NUMERIC, WANT_BOOL, WANT_TEXT, WANT_VERDICT } want;

/* Whether argument i of the call is a literal (a constant after the
 * planner folded it): then it is the same at every row of the query.  Only
 * a Const: a PL/pgSQL variable is a Param whose value changes between
 * evaluations of the same expression. */
static bool arg_is_const(FmgrInfo *flinfo, int i) {
  Node *expr = flinfo->fn_expr;
  if (!expr || !IsA(expr, FuncExpr)) return false;
  List *args = ((FuncExpr *)expr)->args;
  return i < list_length(args) && IsA(list_nth(args, i), Const);
}

/* What the first row learns about the call site, for every row after it:
 * the arguments' types and whether the rules and the name are literals. */
static void call_site(FmgrInfo *flinfo, query_state *q, int pg_nargs, const char *fname) {
  q->rules_const = arg_is_const(flinfo, 0);
  q->name_const = arg_is_const(flinfo, 1);
  q->nargs = Max(pg_nargs - 2, 0);
  q->variadic = q->nargs > 0 && get_fn_expr_variadic(flinfo);
  if (q->variadic || q->nargs == 0) return;
  q->types = MemoryContextAlloc(flinfo->fn_mcxt, sizeof(Oid) * q->nargs);
  for (int i = 0; i < q->nargs; i++) {
    q->types[i] = get_fn_expr_argtype(flinfo, i + 2);
    if (!OidIsValid(q->types[i]))
      ereport(ERROR, (errcode(ERRCODE_INDETERMINATE_DATATYPE),
                      errmsg("%s: cannot tell the type of argument %d", fname, i + 1)));
  }
}

/* The value of the call: the rules (arg 0), the name (arg 1) and the SVL
 * arguments (args 2..: VARIADIC "any", or one array after VARIADIC).  Sets
 * cs->result, or ERROR. */
static void call_rules(FunctionCallInfo fcinfo, call_state *cs, const char *fname) {
  FmgrInfo *flinfo = fcinfo->flinfo;
  query_state *q = flinfo->fn_extra;

  CHECK_FOR_INTERRUPTS();
  if (!q) {
    q = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof *q);
    call_site(flinfo, q, PG_NARGS(), fname);
    flinfo->fn_extra = q;
    chain_signals();
  }
  /* the same text as the last row: the same VM, if it is still cached with
   * the current settings.  A literal text (the usual case, and what
   * postgres_fdw ships) is not even compared: 2.6% of a row's time went
   * to comparing the benchmark's 1.4 KB of rules with themselves. */
  limits lim = current_limits();
  bool same = q->entry && q->serial == q->entry->serial && q->entry->vm && same_limits(&q->entry->lim, &lim);
  if (!(same && q->rules_const)) {
    text *rules_t = PG_GETARG_TEXT_PP(0);
    const char *rules = VARDATA_ANY(rules_t);
    size_t rules_len = VARSIZE_ANY_EXHDR(rules_t);
    if (!(same && q->rules_len == rules_len && memcmp(q->rules, rules, rules_len) == 0)) {
      q->entry = NULL;
      q->fn = NULL;
      if (q->rules) pfree(q->rules);
      q->rules = NULL;
      rules_entry *e = entry_for(rules, rules_len, fname);
      q->rules = MemoryContextAlloc(flinfo->fn_mcxt, rules_len + 1);
      memcpy(q->rules, rules, rules_len);
      q->rules_len = rules_len;
      q->entry = e;
      q->serial = e->serial;
    }
  }
  rules_entry *e = q->entry;
  svl_vm *vm = e->vm;
  cs->vm = vm;
  if (!(q->fn && q->name_const)) {
    text *name_t = PG_GETARG_TEXT_PP(1);
    int name_len = VARSIZE_ANY_EXHDR(name_t);
    if (!q->fn || strlen(q->name) != (size_t)name_len || memcmp(q->name, VARDATA_ANY(name_t), name_len) != 0) {
      char *name = text_to_cstring(name_t);
      q->fn = lookup(e, name, fname);
      if (q->name) pfree(q->name);
      q->name = MemoryContextStrdup(flinfo->fn_mcxt, name);
    }
  }
  svl_value *fn = q->fn;

  /* the arguments */
  int nargs = q->nargs;
  if (q->variadic) {
    /* svl_call(rules, name, VARIADIC array): the array's items */
    if (PG_ARGISNULL(2)) {
      nargs = 0;
    } else {
      ArrayType *arr = PG_GETARG_ARRAYTYPE_P(2);
      Oid elt = ARR_ELEMTYPE(arr);
      int16 typlen;
      bool typbyval;
      char typalign;
      Datum *items;
      bool *nulls;
      int n;
      get_typlenbyvalalign(elt, &typlen, &typbyval, &typalign);
      deconstruct_array(arr, elt, typlen, typbyval, typalign, &items, &nulls, &n);
      cs->args = palloc0(sizeof *cs->args * Max(n, 1));
      for (int i = 0; i < n; i++) {
        cs->args[i] = to_svl(e, items[i], nulls[i], elt, i + 1, fname);
        cs->nargs = i + 1;
      }
      nargs = n;
    }
  } else if (nargs > 0) {
    cs->args = palloc0(sizeof *cs->args * nargs);
    for (int i = 0; i < nargs; i++) {
      cs->args[i] = to_svl(e, PG_GETARG_DATUM(i + 2), PG_ARGISNULL(i + 2), q->types[i], i + 1, fname);
      cs->nargs = i + 1;
    }
  }

  if (svl_kind_of(vm, fn) != SVL_KIND_FUNCTION) { /* a let: its value, with no arguments */
    if (nargs > 0)
      ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                      errmsg("%s: \"%s\" is a %s, not a function: give it no arguments", fname, q->name,
                             svl_type_name(vm, fn))));
    cs->result = svl_dup(vm, fn);
    return;
  }
  for (;;) {
    running_vm = vm;
    svl_status st = svl_call(vm, fn, nargs, cs->args, &cs->result);
    running_vm = NULL;
    if (st == SVL_OK) return;
    if (st == SVL_ERR_LIMIT && InterruptPending) {
      /* a cancel, a timeout, a termination: PostgreSQL's own ERROR; or
       * something benign (a message from a parallel worker): call again */
      CHECK_FOR_INTERRUPTS();
      if (!InterruptPending) continue;
    }
    report_svl(vm, st, fname);
  }
}

static void pg_attribute_noreturn() wrong_kind(const char *fname, const char *name, const char *got,
                                               const char *wanted) {
  ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                  errmsg("%s: \"%s\" returned a %s, not %s", fname, name, got, wanted),
                  errhint("svl_call returns any value as jsonb, svl_text any value as text.")));
}

static Datum text_array(svl_vm *vm, svl_value *verdict, const char *field, call_state *cs) {
  svl_value *list = NULL;
  size_t n = 0;
  if (svl_field(vm, verdict, field, &list) != SVL_OK || svl_length(vm, list, &n) != SVL_OK) {
    svl_release(vm, list);
    return PointerGetDatum(construct_empty_array(TEXTOID));
  }
  /* held by cs->result's neighbour slot so that an ERROR releases it */
  cs->args = repalloc(cs->args ? cs->args : palloc0(sizeof *cs->args), sizeof *cs->args * (cs->nargs + 1));
  cs->args[cs->nargs++] = list;
  Datum *items = palloc(sizeof(Datum) * Max(n, 1));
  for (size_t i = 0; i < n; i++) {
    svl_value *item = NULL;
    const char *s;
    size_t len;
    if (svl_item(vm, list, i, &item) == SVL_OK && svl_to_text(vm, item, &s, &len) == SVL_OK)
      items[i] = PointerGetDatum(cstring_to_text_with_len(s, (int)len));
    else
      items[i] = CStringGetTextDatum("?");
    svl_release(vm, item);
  }
  return PointerGetDatum(construct_array(items, (int)n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* The SQL result of cs->result. */
static Datum to_sql(FunctionCallInfo fcinfo, call_state *cs, want w, const char *fname) {
  svl_vm *vm = cs->vm;
  svl_value *v = cs->result;
  query_state *q = fcinfo->flinfo->fn_extra;
  svl_kind kind = svl_kind_of(vm, v);
  const char *s;
  size_t len;
  int b;
  if (kind == SVL_KIND_NULL) {
    fcinfo->isnull = true;
    return (Datum)0;
  }
  switch (w) {
  case WANT_JSONB:
    if (kind == SVL_KIND_FUNCTION || kind == SVL_KIND_TYPE || kind == SVL_KIND_MODULE)
      wrong_kind(fname, q->name, svl_type_name(vm, v), "a value JSON can hold");
    if (!(cs->malloced = svl_to_json(vm, v))) report_svl(vm, SVL_ERR_RUNTIME, fname);
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(cs->malloced));
  case WANT_NUMERIC:
    if (kind != SVL_KIND_NUMBER) wrong_kind(fname, q->name, svl_type_name(vm, v), "a number");
    return number_to_numeric(vm, v, fname);
  case WANT_BOOL:
    if (kind != SVL_KIND_BOOL && kind != SVL_KIND_VERDICT)
      wrong_kind(fname, q->name, svl_type_name(vm, v), "a bool or a verdict");
    if (svl_to_bool(vm, v, &b) != SVL_OK) report_svl(vm, SVL_ERR_USAGE, fname);
    return BoolGetDatum(b != 0);
  case WANT_TEXT:
    if (kind == SVL_KIND_TEXT) {
      if (svl_to_text(vm, v, &s, &len) != SVL_OK) report_svl(vm, SVL_ERR_USAGE, fname);
      return PointerGetDatum(cstring_to_text_with_len(s, (int)len));
    }
    if (!(cs->malloced = svl_format_value(vm, v, SVL_FORMAT_TEXT))) report_svl(vm, SVL_ERR_USAGE, fname);
    return CStringGetTextDatum(cs->malloced);
  case WANT_VERDICT: {
    TupleDesc td;
    Datum values[3];
    bool nulls[3] = {false, false, false};
    if (kind != SVL_KIND_BOOL && kind != SVL_KIND_VERDICT)
      wrong_kind(fname, q->name, svl_type_name(vm, v), "a verdict or a bool");
    if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s: no composite result type", fname)));
    td = BlessTupleDesc(td);
    if (svl_to_bool(vm, v, &b) != SVL_OK) report_svl(vm, SVL_ERR_USAGE, fname);
    values[0] = BoolGetDatum(b != 0);
    if (kind == SVL_KIND_VERDICT) {
      values[1] = text_array(vm, v, "reasons", cs);
      values[2] = text_array(vm, v, "warnings", cs);
    } else {
      values[1] = values[2] = PointerGetDatum(construct_empty_array(TEXTOID));
    }
    return HeapTupleGetDatum(heap_form_tuple(td, values, nulls));
  }
  }
  pg_unreachable();
}

static Datum run(FunctionCallInfo fcinfo, want w, const char *fname) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL(); /* no rules or no name: no result */
  call_state *cs = palloc0(sizeof *cs);
  Datum result = (Datum)0;
  PG_TRY();
  {
    call_rules(fcinfo, cs, fname);
    result = to_sql(fcinfo, cs, w, fname);
  }
  PG_FINALLY();
  {
    running_vm = NULL;
    if (cs->vm) {
      for (int i = 0; i < cs->nargs; i++) svl_release(cs->vm, cs->args[i]);
      svl_release(cs->vm, cs->result);
    }
    free(cs->malloced);
  }
  PG_END_TRY();
  if (cs->args) pfree(cs->args);
  pfree(cs);
  return result;
}

PG_FUNCTION_INFO_V1(pg_svl_call);
Datum pg_svl_call(PG_FUNCTION_ARGS) { return run(fcinfo, WANT_JSONB, "svl_call"); }
PG_FUNCTION_INFO_V1(pg_svl_numeric);
Datum pg_svl_numeric(PG_FUNCTION_ARGS) { return run(fcinfo, WANT_NUMERIC, "svl_numeric"); }
PG_FUNCTION_INFO_V1(pg_svl_bool);
Datum pg_svl_bool(PG_FUNCTION_ARGS) { return run(fcinfo, WANT_BOOL, "svl_bool"); }
PG_FUNCTION_INFO_V1(pg_svl_text);
Datum pg_svl_text(PG_FUNCTION_ARGS) { return run(fcinfo, WANT_TEXT, "svl_text"); }
PG_FUNCTION_INFO_V1(pg_svl_verdict);
Datum pg_svl_verdict(PG_FUNCTION_ARGS) { return run(fcinfo, WANT_VERDICT, "svl_verdict"); }

/* svl_version(): the SVL library linked in. */
PG_FUNCTION_INFO_V1(pg_svl_version);
Datum pg_svl_version(PG_FUNCTION_ARGS) { PG_RETURN_TEXT_P(cstring_to_text(svl_version())); }

void _PG_init(void);
void _PG_init(void) {
  DefineCustomIntVariable("svl.max_steps", "Evaluation steps one SVL call may take (0: no limit).", NULL,
                          &guc_max_steps, 10000000, 0, INT_MAX, PGC_USERSET, 0, NULL, NULL, NULL);
  DefineCustomIntVariable("svl.heap_limit", "Memory one SVL call may allocate (0: no limit).", NULL,
                          &guc_heap_limit_kb, 256 * 1024, 0, INT_MAX / 1024, PGC_USERSET, GUC_UNIT_KB, NULL,
                          NULL, NULL);
  DefineCustomIntVariable("svl.timeout", "Wall time one SVL call may take (0: no limit).", NULL,
                          &guc_timeout_ms, 10000, 0, INT_MAX, PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
  DefineCustomIntVariable("svl.max_depth", "Nested calls an SVL evaluation may make.", NULL, &guc_max_depth,
                          200, 1, 100000, PGC_USERSET, 0, NULL, NULL, NULL);
  DefineCustomIntVariable("svl.cache_size", "Compiled rule texts a backend keeps.", NULL, &guc_cache_size, 16,
                          1, MAX_CACHE, PGC_USERSET, 0, NULL, NULL, NULL);
  MarkGUCPrefixReserved("svl");
}
