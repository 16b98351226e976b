/*
** svl.h — the embedding API of SVL, the Social Value Language.
**
** This is the only public header.  The `svl` command is built on it alone,
** so anything the CLI does, a host program can do.
**
** Model: a host creates a VM (svl_new) from a configuration (svl_config),
** loads a rule file or a string into it (svl_load_file, svl_load_string),
** then looks up and calls top-level names (svl_get, svl_call) and reads
** the results.  Every entry point returns an svl_status; on anything other
** than SVL_OK, svl_last_error tells what went wrong and where.  The library
** never prints, exits or aborts: output of `print` goes to the host's
** write callback, errors come back as values.
**
** Values the host receives are *handles* (svl_value *).  SVL's memory is
** garbage-collected and the collector does not scan memory the host got
** from malloc, so a handle pins its value until svl_release.  Hold SVL
** values only through handles: never keep a pointer the library returned
** into a value (a text's bytes, a field name) beyond the life of the handle
** it came from.  Handles belong to their VM and die with it (svl_free).
** Releasing a handle twice is safe as long as no handle was made in
** between; using a released handle is an error the library reports
** (SVL_ERR_USAGE) while its slot is unused, and undefined — though never a
** crash — once the slot has been reused.  Inside a native function
** (svl_register) every handle is scoped to the call: see svl_native_fn.
**
** Ownership of strings: `const char *` results belong to the VM (lifetime
** stated at each function); `char *` results are malloc'ed for the caller,
** who frees them with free().  Strings passed in are copied.
**
** Threads: one VM is used by one thread at a time.  Several VMs may live in
** one process; a thread other than the first to call svl_new must call
** svl_thread_attach before using any.  svl_interrupt may be called from any
** thread or a signal handler.
**
** The guide with a complete example is docs/embedding.md.
*/
#ifndef SVL_H
#define SVL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SVL_API __attribute__((visibility("default")))
#else
#define SVL_API
#endif

#define SVL_VERSION "0.1.0"
/* The same as one number, as SQLite does: major * 1000000 + minor * 1000
 * + patch (0.1.0 is 1000), for #if and for comparing with svl_version_num.
 * svl_version() gives the library actually linked, which for a shared
 * library may be newer than the header a host was compiled with. */
#define SVL_VERSION_NUM 1000

/* As a length argument (svl_text, svl_load_string, svl_eval_line,
 * svl_from_json, ...): the string is NUL-terminated, measure it. */
#define SVL_NTS ((size_t)-1)

typedef struct svl_vm svl_vm;
typedef struct svl_value svl_value;

/* Results of every entry point. */
typedef enum svl_status {
  SVL_OK = 0,
  SVL_ERR_SYNTAX,     /* lexical or syntax error: nothing ran */
  SVL_ERR_RESOLVE,    /* undefined name, wrong argument count, duplicate: nothing ran */
  SVL_ERR_RUNTIME,    /* an error while evaluating (unit mismatch, division by zero...) */
  SVL_ERR_ASSERT,     /* a failed top-level assert */
  SVL_ERR_LIMIT,      /* a step, heap, depth or time limit was hit, or svl_interrupt */
  SVL_ERR_IO,         /* a file could not be read */
  SVL_ERR_INCOMPLETE, /* svl_eval_line: the input needs more lines */
  SVL_ERR_USAGE       /* the host called the API wrongly (unknown name, bad argument) */
} svl_status;

/* Permissions an embedded VM has (SPEC 11): none by default. */
enum {
  SVL_ALLOW_FILES = 1, /* a script's load() and `import "file.svl"` */
  SVL_ALLOW_ENV = 2,   /* reserved: nothing in the library reads the environment */
  SVL_ALLOW_CLOCK = 4  /* today() */
};

typedef struct svl_config {
  /* Receives everything `print` writes.  NULL discards it. */
  void (*write)(void *user_data, const char *text, size_t len);
  void *user_data;
  /* Receives TAP output of svl_run_tests; NULL sends it to write. */
  void (*report)(void *user_data, const char *text, size_t len);
  unsigned permissions;      /* SVL_ALLOW_* bits; 0 by default */
  /* Limits; 0 means none (except max_depth: 0 means the default, 200). */
  uint64_t max_steps;        /* evaluation steps */
  size_t max_heap;           /* bytes of collected heap */
  unsigned max_depth;        /* nested calls */
  uint64_t timeout_ms;       /* wall time per entry point, from its first 1,024 steps */
  size_t stack_bytes;        /* C stack the evaluator may use; 0: 4 MiB */
  /* ':'-separated directories searched, in order, for `import NAME` of a
   * standard library module; NULL: no stdlib.  svl_config_init sets it to
   * svl_stdlib_dir().  Reading the stdlib needs no permission. */
  const char *stdlib_path;
  int interactive;           /* REPL semantics: loading a name again replaces it */
  /* Added in 0.2 (after every earlier field, so the layout only grows).
   * Directories (or single files) a script's load() and `import "file"`
   * may read, with SVL_ALLOW_FILES: a NULL-terminated array of paths;
   * NULL: none besides the defaults.  Whatever the list, a script may read
   * under the directory of each rule file given to svl_load_file, and
   * never anything under /proc, /sys or /dev; paths are compared after
   * resolving symbolic links and "..", so neither can escape.  svl_new
   * copies the list: the host may free it afterwards
   * (docs/embedding.md, "What a script may read"). */
  const char *const *allow_read;
  /* Added in 0.2: bytes this VM may allocate during one call into it
   * (svl_load_*, svl_call, svl_get...), counted for this VM alone,
   * whatever other VMs of the process do; 0: no budget.  Past it the call
   * stops with SVL_ERR_LIMIT (E0802 "heap budget ... reached") and the VM
   * stays usable.  Unlike max_heap (the collected heap of the whole
   * process), it is the same on every machine and under any load. */
  size_t heap_budget;
  /* Added in 0.2: the date the rules are applied on, "YYYY-MM-DD" (NULL:
   * none).  Dated tables (`table t as of { | from | until || ... | }`) and
   * the stdlib's dated values read it through as_of(); with none given,
   * reading one is error E0612, never today's date (docs/dating.md).
   * svl_new copies the text; one that is not a date makes as_of() fail
   * with E0612 (svl_set_as_of checks it at once). */
  const char *as_of;
  /* Added in 0.3: the largest data file load() reads whole, in bytes; 0:
   * 256 MiB.  stream() reads a file of any size and bounds each of its
   * items by it instead (docs/data.md, "Size limit and streams"). */
  size_t max_load_bytes;
  /* Added in 0.3: the encoding of data files whose load() or stream()
   * names none: NULL or "utf-8" (the default), "windows-1252" (also
   * "cp1252", "latin-1", "iso-8859-1": decoded as Windows-1252, as web
   * browsers do).  svl_new copies it. */
  const char *load_encoding;
  /* Added in 0.3: receives the warnings of a file as it is loaded
   * (svl_load_file, svl_load_string, REPL input): each rendered like an
   * error ("file:line:col: warning: ... [CODE]", the line, a caret, a
   * hint), for the mistakes the spelling alone shows and that would
   * otherwise give a wrong answer without an error: E0411, `£1,000`
   * read as two items.  The file still loads and runs.  NULL: none are
   * looked for (svl_check reports them with everything else). */
  void (*warn)(void *user_data, const char *text, size_t len);
} svl_config;

/* Set (or, with NULL, clear) the as-of date of a VM, "YYYY-MM-DD", as
 * svl_config.as_of does; later calls into the VM use it.  SVL_ERR_USAGE
 * (E0001), the date unchanged, when the text is not a valid date. */
SVL_API svl_status svl_set_as_of(svl_vm *vm, const char *date);

/* Fill *config with the defaults: no output, no permissions, no limits,
 * call depth 200, 4 MiB of stack, the installed stdlib.  Call it first and
 * then set the fields you need, so new fields keep working defaults.
 *
 * Limits apply to each call into the VM (svl_load_*, svl_call, ...); the
 * steps and the wall time start again at each one.  Hitting a limit stops
 * the evaluation with SVL_ERR_LIMIT and leaves the VM usable.  max_heap
 * bounds the collector's heap in use, which all VMs of the process share:
 * give it the budget of SVL as a whole.  When the collector cannot get
 * memory at all, the call fails with SVL_ERR_LIMIT ("out of memory").
 * Permissions: without SVL_ALLOW_FILES a script's load() and `import
 * "file.svl"` fail; without SVL_ALLOW_CLOCK today() fails; the library
 * reads no environment variables (SVL_ALLOW_ENV is reserved for that). */
SVL_API void svl_config_init(svl_config *config);

/* The version of the library linked: "0.1.0" (SVL_VERSION of its build). */
SVL_API const char *svl_version(void);
/* The same as SVL_VERSION_NUM of its build. */
SVL_API int svl_version_num(void);

/* Create a VM.  The configuration is copied (config NULL: the defaults).
 * Returns NULL only when the system is out of memory. */
SVL_API svl_vm *svl_new(const svl_config *config);
/* Destroy a VM and every handle it gave out; vm NULL is ignored.  Nothing
 * the VM returned may be used afterwards.  Not from inside a native. */
SVL_API void svl_free(svl_vm *vm);

/* Load and run a rule file: declarations, top-level lets, asserts and
 * prints, in order.  Names it defines become visible to svl_get/svl_call.
 * The host reads this file itself, so no permission is needed (its own
 * load() and file imports need SVL_ALLOW_FILES).  Natives (svl_register)
 * and globals (svl_set_global) the file uses must be bound before.
 * Errors: SVL_ERR_IO (unreadable), SVL_ERR_SYNTAX / SVL_ERR_RESOLVE
 * (nothing ran), SVL_ERR_RUNTIME / SVL_ERR_ASSERT / SVL_ERR_LIMIT (the
 * top level stopped part-way: names defined before the error stay
 * usable). */
SVL_API svl_status svl_load_file(svl_vm *vm, const char *path);
/* The same for source text of len bytes (SVL_NTS: NUL-terminated); `name`
 * (NULL: "<string>") is used in error messages.  The text is copied. */
SVL_API svl_status svl_load_string(svl_vm *vm, const char *name, const char *source, size_t len);

/* Parse and resolve a rule file without running anything (svl check).
 * Reports lexical, syntax and resolution errors. */
SVL_API svl_status svl_check_file(svl_vm *vm, const char *path);

/* Format len bytes of rule-file source (SVL_NTS: NUL-terminated) in the
 * canonical layout of `svl fmt` (SPEC 10; docs/language.md, "Formatting").
 * `name` is used in error messages.
 * On SVL_OK, *out receives the formatted text: malloc'ed, NUL-terminated,
 * freed by the caller with free().  Formatting never changes what the
 * source means and keeps every comment; formatting the result again gives
 * it back unchanged.  A lexical or syntax error returns SVL_ERR_SYNTAX
 * with svl_last_error set, and formats nothing (*out is NULL).  Nothing is
 * resolved or run, so undefined names are not errors here.
 * SVL_ERR_LIMIT: the source is over 1 GiB.  SVL_ERR_RUNTIME (E0000): the
 * formatter's own check that the result has exactly the input's tokens
 * and comments failed, a bug; nothing is returned. */
SVL_API svl_status svl_format_source(svl_vm *vm, const char *name, const char *src, size_t len,
                                     char **out);

/* REPL-style: evaluate one chunk of len bytes (SVL_NTS: NUL-terminated)
 * (declarations or an expression) in the
 * VM's interactive scope, where redefinition replaces.  *result receives
 * the value of an expression (NULL for a declaration); release it.
 * SVL_ERR_INCOMPLETE when the chunk is an unfinished prefix of valid
 * input (open bracket, trailing operator): read another line and retry
 * with the lines joined. */
SVL_API svl_status svl_eval_line(svl_vm *vm, const char *source, size_t len, svl_value **result);

/* Completion candidates for the end of `text` (a REPL line): keywords,
 * global and builtin names starting with the word being typed, or the
 * fields of a record after `name.` / `name.field.`.  Writes up to `max`
 * pointers (owned by the VM, valid until the next call) and returns how
 * many candidates there are; *word_start receives the offset in text
 * where the completed word begins. */
SVL_API int svl_complete(svl_vm *vm, const char *text, size_t len, const char **out, int max,
                         size_t *word_start);

/* Bind a global name to a value (the CLI's --input), before loading the
 * files that use it: the resolver must know the name.  The value is
 * copied into the VM; the handle stays the caller's.  A file that defines
 * the same name replaces it.  SVL_ERR_USAGE: no name, a NULL or released
 * handle, or a name the loaded program defines. */
SVL_API svl_status svl_set_global(svl_vm *vm, const char *name, svl_value *value);
/* Look up any top-level name of the loaded program — let, fn, rule,
 * table, type, indicator, import — or a global the host bound.  *result
 * receives a new handle (release it).  SVL_ERR_USAGE if absent (with a
 * "did you mean" when a name is close) or not yet defined; use svl_field
 * for a name inside an imported module. */
SVL_API svl_status svl_get(svl_vm *vm, const char *name, svl_value **result);
/* Whether a top-level name exists and is defined (1) or not (0). */
SVL_API int svl_has(svl_vm *vm, const char *name);
/* Call a callable value (fn, rule, table, builtin, native) with nargs
 * positional arguments.  The argument handles stay the caller's.  On
 * SVL_OK *result receives a new handle to the result (release it); on an
 * error it is NULL and svl_last_error says why: SVL_ERR_RUNTIME (wrong
 * types and arity from the host included, with SVL's own message),
 * SVL_ERR_LIMIT, SVL_ERR_USAGE (not callable, NULL or released handles). */
SVL_API svl_status svl_call(svl_vm *vm, svl_value *fn, int nargs, svl_value *const *args,
                            svl_value **result);
/* The same with named arguments after the positional ones, as in SVL's
 * `score(bid, lowest: £90, weight: 60%)`: names[i] goes with named[i].
 * Names must be parameters of the function (defaults fill the rest); a
 * name given twice is SVL_ERR_USAGE. */
SVL_API svl_status svl_call_named(svl_vm *vm, svl_value *fn, int nargs, svl_value *const *args,
                                  int nnamed, const char *const *names, svl_value *const *named,
                                  svl_value **result);

/* ---- Building values ----
 * Each constructor returns a new handle the caller releases, or NULL with
 * svl_last_error set (SVL_ERR_USAGE for bad input, SVL_ERR_LIMIT when out
 * of memory).  Inputs are copied; handles passed in stay the caller's.
 * Numbers are exact decimal text, never binary floating point. */

/* A plain number from decimal text: "1200.50", "-3", "2.5e6".  More
 * significant digits than decimal128's 34, or a value out of its range,
 * is an error rather than a rounded number. */
SVL_API svl_value *svl_number(svl_vm *vm, const char *decimal_text);
/* The plain number (negative ? -1 : 1) * digits * 10^exponent, for a host
 * holding decimals as an integer and a scale (a database's numeric:
 * 1200.50 is 120050 and -2): the number svl_number makes of the same
 * value's text, without writing and reading that text.  Out of
 * decimal128's range is SVL_ERR_USAGE. */
SVL_API svl_value *svl_decimal(svl_vm *vm, int negative, uint64_t digits, int exponent);
/* A plain whole number. */
SVL_API svl_value *svl_int(svl_vm *vm, int64_t i);
/* A percentage: svl_percent(vm, "12.5") is SVL's 12.5% (the number 0.125,
 * displayed as a percentage). */
SVL_API svl_value *svl_percent(svl_vm *vm, const char *percent_text);
/* A quantity: svl_quantity(vm, "1200.50", "GBP") is £1,200.50.  The unit
 * is a name as SVL writes it — singular or plural, "GBP" or "£", "hours",
 * "GBP/hour", "FTE*hour", "kg/hour^2" — of a built-in unit (GBP, EUR, USD,
 * hour, day, week, year) or one the loaded program declares (`unit FTE`),
 * so load the program first.  An unknown unit is SVL_ERR_USAGE. */
SVL_API svl_value *svl_quantity(svl_vm *vm, const char *amount_text, const char *unit);
/* Text: len bytes of UTF-8 (SVL_NTS: NUL-terminated).  Invalid UTF-8 is
 * SVL_ERR_USAGE. */
SVL_API svl_value *svl_text(svl_vm *vm, const char *utf8, size_t len);
SVL_API svl_value *svl_bool(svl_vm *vm, int b);
SVL_API svl_value *svl_null(svl_vm *vm);
/* A calendar date (year 1 to 9999); an impossible date is SVL_ERR_USAGE. */
SVL_API svl_value *svl_date(svl_vm *vm, int year, int month, int day);
/* A date from "YYYY-MM-DD". */
SVL_API svl_value *svl_date_iso(svl_vm *vm, const char *iso);
/* A list of n values (n may be 0; items may be NULL then). */
SVL_API svl_value *svl_list(svl_vm *vm, size_t n, svl_value *const *items);
/* A record of n fields, in order: keys[i] (non-empty UTF-8, no repeats)
 * is values[i]. */
SVL_API svl_value *svl_record(svl_vm *vm, size_t n, const char *const *keys,
                              svl_value *const *values);
/* A copy of `record` with field `key` set to `value` (added at the end
 * when new), as SVL's `record with {key: value}`. */
SVL_API svl_value *svl_with(svl_vm *vm, svl_value *record, const char *key, svl_value *value);
/* Read a data file (CSV or JSON) as a script's `load(path)` would, into
 * *result (release it).  The host names the file, so no permission is
 * needed.  Errors: SVL_ERR_IO, SVL_ERR_RUNTIME (a bad cell, with file and
 * line in the message). */
SVL_API svl_status svl_load_data(svl_vm *vm, const char *path, svl_value **result);
/* Parse len bytes (SVL_NTS: NUL-terminated) of JSON into *result (release
 * it): objects become records (key order kept), arrays lists, numbers
 * exact decimals (more than 34 digits is an error, never rounded).
 * SVL_ERR_RUNTIME on bad JSON, with the position. */
SVL_API svl_status svl_from_json(svl_vm *vm, const char *json, size_t len, svl_value **result);

/* ---- Reading values ----
 * A reader given a value of the wrong kind returns SVL_ERR_USAGE with a
 * message saying what it expected and what it got; so does a NULL or
 * released handle.  Out-pointers may be NULL when not wanted. */

typedef enum svl_kind {
  SVL_KIND_NONE,     /* not a value: a NULL or released handle */
  SVL_KIND_NULL,
  SVL_KIND_BOOL,
  SVL_KIND_NUMBER,   /* plain, percentage or quantity: see svl_to_unit */
  SVL_KIND_TEXT,
  SVL_KIND_DATE,
  SVL_KIND_LIST,
  SVL_KIND_RANGE,
  SVL_KIND_RECORD,   /* indicators too */
  SVL_KIND_FUNCTION, /* fn, rule, table, builtin or native: svl_call it */
  SVL_KIND_VERDICT,  /* a rule's result: svl_to_bool, svl_field "reasons" */
  SVL_KIND_TYPE,
  SVL_KIND_MODULE,   /* an import: svl_field reads its names */
  SVL_KIND_DATETIME, /* an instant with its offset: svl_to_json gives its RFC 3339 text */
  SVL_KIND_STREAM    /* stream(path): only the script iterates it */
} svl_kind;
SVL_API svl_kind svl_kind_of(svl_vm *vm, svl_value *value);

/* A bool, or a verdict's `passed`. */
SVL_API svl_status svl_to_bool(svl_vm *vm, svl_value *value, int *out);
/* A number's magnitude as exact decimal text, without unit or exponent:
 * "1200.5" for £1,200.50, "0.125" for 12.5%.  The text belongs to the
 * handle and lives as long as it does. */
SVL_API svl_status svl_to_number(svl_vm *vm, svl_value *value, const char **text);
/* The same magnitude in parts, for a host that builds its own decimal (a
 * database's numeric) without reading text: (*negative ? -1 : 1) *
 * (*hi * 2^64 + *lo) * 10^*exponent, the coefficient (at most 34 digits)
 * without trailing zeros, so that a negative *exponent is minus the
 * number of decimals svl_to_number writes; zero is 0, 0, 0 and never
 * negative.  Out-pointers may be NULL. */
SVL_API svl_status svl_to_decimal(svl_vm *vm, svl_value *value, int *negative, uint64_t *hi, uint64_t *lo,
                                  int *exponent);
/* A number's magnitude as a whole int64 (an error if it has a fraction
 * or is out of range). */
SVL_API svl_status svl_to_int(svl_vm *vm, svl_value *value, int64_t *out);
/* A number's unit as svl_quantity reads it ("GBP", "GBP/hour"), "" for a
 * plain number or percentage.  Lives as long as the handle. */
SVL_API svl_status svl_to_unit(svl_vm *vm, svl_value *value, const char **unit);
/* 1 for a percentage (a number SVL displays as 12.5%), else 0. */
SVL_API int svl_is_percent(svl_vm *vm, svl_value *value);
/* A text's UTF-8 bytes (NUL-terminated; *len excludes the NUL).  Points
 * into the value: valid as long as the handle. */
SVL_API svl_status svl_to_text(svl_vm *vm, svl_value *value, const char **utf8, size_t *len);
SVL_API svl_status svl_to_date(svl_vm *vm, svl_value *value, int *year, int *month, int *day);
/* Items of a list, or fields of a record. */
SVL_API svl_status svl_length(svl_vm *vm, svl_value *value, size_t *n);
/* Item `index` of a list, counting from 0 (SVL counts from 1), as a new
 * handle in *out. */
SVL_API svl_status svl_item(svl_vm *vm, svl_value *list, size_t index, svl_value **out);
/* The name of field `index` (from 0, in the record's order); lives as long
 * as the handle. */
SVL_API svl_status svl_field_name(svl_vm *vm, svl_value *record, size_t index, const char **name);
/* The value of field `index` (from 0), as a new handle in *out. */
SVL_API svl_status svl_field_at(svl_vm *vm, svl_value *record, size_t index, svl_value **out);
/* A field by name, as a new handle in *out: a record's field, a verdict's
 * "passed", "reasons" (list of texts) or "warnings", or a top-level name
 * of an imported module.  A missing field is SVL_ERR_USAGE, with "did you
 * mean" when one is close. */
SVL_API svl_status svl_field(svl_vm *vm, svl_value *value, const char *name, svl_value **out);
/* JSON text of a value (SPEC 9), malloc'ed (free it); NULL on error.  The
 * same as svl_format_value(vm, value, SVL_FORMAT_JSON). */
SVL_API char *svl_to_json(svl_vm *vm, svl_value *value);

typedef enum svl_format {
  SVL_FORMAT_TEXT, /* display form (texts raw at top level) */
  SVL_FORMAT_REPL, /* display form with texts quoted, as the REPL echoes */
  SVL_FORMAT_JSON, /* SPEC 9 */
  SVL_FORMAT_CSV,  /* a list of records; units in the headers */
  SVL_FORMAT_MD,   /* a Markdown table for a list of records, else text */
  SVL_FORMAT_PLAIN /* svl_explain: a narrative ("x = 32 because 40 × lowest £100.00 / price £125.00") */
} svl_format;
/* Render a value.  Returns a malloc'ed NUL-terminated string the caller
 * frees with free(), or NULL on error (a NULL or released handle). */
SVL_API char *svl_format_value(svl_vm *vm, svl_value *value, svl_format format);
/* "number", "percent", "text", "list", "GBP", "indicator"... as SVL's
 * type_of; "none" for a NULL or released handle.  Static, or owned by the
 * handle and valid as long as it is; do not free. */
SVL_API const char *svl_type_name(svl_vm *vm, svl_value *value);

/* Check rule files without running anything (svl check; SPEC 6, 10):
 * lexical, syntax and name errors; gaps and overlapping rows of `hit
 * unique` decision tables, each with an example input; unit mismatches
 * visible before running; unused names (warnings).  Each file is checked
 * on its own, seeing only the names bound with svl_set_global; nothing is
 * evaluated, imported or loaded.
 *
 * `format` is SVL_FORMAT_TEXT (every finding as "file:line:col: error:
 * message [CODE]", the source line, a caret and a hint, sorted by
 * position; "" when nothing was found) or SVL_FORMAT_JSON (an array of
 * {"file", "line", "column", "end_line", "end_column", "severity":
 * "error"|"warning"|"note", "code", "message", "hint", "example"}, hint
 * and example null when absent).  With SVL_CHECK_STRICT warnings are
 * reported and counted as errors.  *report is malloc'ed (free() it);
 * *nerrors and *nwarnings (either may be NULL) count the findings; notes
 * count as neither.  Returns SVL_OK when the files were checked, whatever
 * was found — an unreadable file is a finding too — and SVL_ERR_USAGE or
 * SVL_ERR_LIMIT (out of memory) otherwise, with no report. */
enum { SVL_CHECK_STRICT = 1 };
SVL_API svl_status svl_check(svl_vm *vm, const char *const *paths, int npaths, unsigned flags,
                             svl_format format, char **report, int *nerrors, int *nwarnings);

/* ---- Editor analysis (svl lsp; docs/editors.md) ----
 * What an editor asks about a rule file while it is written, answered from
 * the text the editor holds (`src`, len bytes, SVL_NTS: NUL-terminated),
 * not from the file on disk.  `path` (NULL: "<document>") names the
 * document in results and is where `import "file.svl"` and load() paths
 * start.  The answer is JSON in the shapes of the Language Server Protocol
 * 3.17, so a language server only frames it; positions are LSP positions
 * (0-based line, character in UTF-16 code units), and a location is
 * {"file": PATH, "range": RANGE} with a path where LSP has a URI.
 *
 *   SVL_QUERY_DIAGNOSTICS  Diagnostic[]: what svl_check finds (errors,
 *                          table gaps and overlaps with an example,
 *                          unit mismatches, unused names), hint in the
 *                          message and in data.hint
 *   SVL_QUERY_SYMBOLS      DocumentSymbol[]: the top-level declarations
 *   SVL_QUERY_HOVER        Hover or null: the name's kind, declaration,
 *                          type, doc comment (the # lines above it), and
 *                          for a top-level let its value, computed by
 *                          running the document in a VM of its own with
 *                          the limits of `vm` (max_steps, timeout_ms,
 *                          heap_budget; 1,000,000 steps, 1 s and 256 MiB
 *                          when unset) and file reads under the
 *                          document's directory
 *   SVL_QUERY_DEFINITION   location[]: where the name at the position is
 *                          declared, also in an imported file or module
 *   SVL_QUERY_REFERENCES   location[]: its uses in this document, the
 *                          declaration first when it is in this document
 *   SVL_QUERY_COMPLETION   CompletionItem[] for the word ending at the
 *                          position: names in scope, keywords, builtins,
 *                          module members after `module.`, record fields
 *                          after `name.`, units after a number, modules
 *                          after `import`
 *   SVL_QUERY_SIGNATURE    SignatureHelp or null, inside a call's brackets
 *   SVL_QUERY_ACTIONS      an array of {"title", "kind": "quickfix",
 *                          "diagnostics", "edits": TextEdit[]} for the
 *                          findings on the position's line: "did you
 *                          mean" and the percentage hints
 *
 * Names bound with svl_set_global count as defined.  Nothing else of the
 * VM is used or changed.  On SVL_OK *json is malloc'ed (free() it);
 * SVL_ERR_USAGE for bad arguments, SVL_ERR_LIMIT when out of memory. */
typedef enum svl_query {
  SVL_QUERY_DIAGNOSTICS,
  SVL_QUERY_SYMBOLS,
  SVL_QUERY_HOVER,
  SVL_QUERY_DEFINITION,
  SVL_QUERY_REFERENCES,
  SVL_QUERY_COMPLETION,
  SVL_QUERY_SIGNATURE,
  SVL_QUERY_ACTIONS
} svl_query;
SVL_API svl_status svl_analyze(svl_vm *vm, const char *path, const char *src, size_t len, svl_query query,
                               int line, int character, char **json);

/* Release a handle: the value may then be collected.  NULL is ignored, and
 * so is a handle already released (unless its slot was reused since). */
SVL_API void svl_release(svl_vm *vm, svl_value *value);
/* A second handle to the same value, released on its own.  Inside a
 * native it is not scoped to the call: the way to keep a value. */
SVL_API svl_value *svl_dup(svl_vm *vm, svl_value *value);

/* ---- Native functions ----
 * A host function SVL code can call like a builtin.  It receives the
 * arguments as handles, valid until it returns, and returns a handle to
 * its result (any handle it made: svl_number, svl_call's result...), or
 * NULL for an error: call svl_error_set first, or return NULL right after
 * an API call of its own failed to pass that error on (a limit stays a
 * limit).  The error reaches SVL as a runtime error at the call site, with
 * its file, line and call stack, and from there the host's svl_call or
 * svl_load_* gets SVL_ERR_RUNTIME as for any other error.
 *
 * Every handle the native receives or makes is released when it returns
 * (use svl_dup to keep one).  It may call back into the same VM (svl_call,
 * svl_get, value functions...) but must not svl_free it, and must not
 * longjmp out.  Limits do not interrupt the native itself: a native that
 * can block should watch its own time. */
typedef svl_value *(*svl_native_fn)(svl_vm *vm, int nargs, svl_value *const *args, void *user_data);
/* Bind `signature` as a global function: "name" or "name(param, ...)";
 * the parameter names let SVL call it with named arguments.  Register
 * before loading the files that call it: the resolver then knows the name
 * and checks the number of arguments of each call (an error before
 * anything runs, SVL_ERR_RESOLVE).  min_args..max_args (max_args -1: any
 * number) bound how many it takes; user_data is passed through.
 * Registering a name again replaces it; a name the loaded program defines,
 * a keyword, or a bad signature is SVL_ERR_USAGE. */
SVL_API svl_status svl_register(svl_vm *vm, const char *signature, svl_native_fn fn, int min_args,
                                int max_args, void *user_data);
/* Inside a native: the message of the error it is about to return (NULL
 * from the native).  The text is copied.  Outside a native: ignored. */
SVL_API void svl_error_set(svl_vm *vm, const char *message);

/* Tests (SPEC 10.1): run every `test` block loaded so far (svl_load_*
 * only collects them), writing one TAP test point each — "ok N - name", or
 * "not ok N - name" and a YAML block with message, at, expression, got and
 * expected — through the config's `report` callback (or `write` when it is
 * NULL).  The host writes "TAP version 13" and the plan "1..N" itself
 * (svl_test_count tells N) so that several files can share one stream.
 * A runtime error fails only its test.  `first_number` numbers the first
 * test point; *count receives how many ran and *failed how many failed
 * (either may be NULL).  Returns SVL_OK when all passed, else
 * SVL_ERR_ASSERT. */
SVL_API svl_status svl_run_tests(svl_vm *vm, int first_number, int *count, int *failed);
/* Number of test blocks loaded (that the filter selects). */
SVL_API int svl_test_count(svl_vm *vm);
/* Run and count only tests whose name contains `substring` (NULL: all). */
SVL_API void svl_set_test_filter(svl_vm *vm, const char *substring);

/* Coverage (svl test --coverage).  Turn counting on before loading; the
 * cost when off is one branch per call.  svl_coverage_report lists what
 * never ran — functions, rules, each require/warn line, each table row —
 * of the loaded file and its file imports (not the standard library):
 * as text lines, or as JSON with every item and its hit count.
 * *out is malloc'ed; *covered and *total count the items. */
SVL_API void svl_set_coverage(svl_vm *vm, int on);
SVL_API svl_status svl_coverage_report(svl_vm *vm, svl_format format, char **out, int *covered,
                                       int *total);

/* Explain (SPEC 10.2): evaluate NAME of the loaded program with tracing
 * on and render the evaluation tree as text (format SVL_FORMAT_TEXT), JSON
 * (SVL_FORMAT_JSON) or a plain narrative (SVL_FORMAT_PLAIN), at most
 * max_depth levels deep (0: all).
 * *out receives a malloc'ed string the caller frees. */
SVL_API svl_status svl_explain(svl_vm *vm, const char *name, svl_format format, int max_depth,
                               char **out);
/* Explain any expression of the loaded program (svl explain FILE EXPR,
 * docs/tools.md): EXPR is evaluated in the file's scope with tracing on;
 * the top-level lets it reads are explained too (how each was made), calls
 * into library modules and _names are one step in words unless
 * `internals`, and records are named by their identifying field.  With
 * `vs`, a second expression is evaluated the same way and the two are
 * shown side by side, the difference split into parts that add up to it
 * exactly.  plain with SVL_FORMAT_JSON is a usage error.  *out is
 * malloc'ed; free it. */
typedef struct svl_explain_options {
  svl_format format;   /* SVL_FORMAT_TEXT (default) or SVL_FORMAT_JSON */
  int plain;           /* the narrative, in sentences */
  int internals;       /* open library calls and _names */
  int max_depth;       /* levels shown, 0: all */
  const char *vs;      /* a second expression to compare with, or NULL */
  const char *ids;     /* fields naming a record, tried in order; NULL: "supplier,name,id" */
} svl_explain_options;
SVL_API void svl_explain_options_init(svl_explain_options *options);
SVL_API svl_status svl_explain_expr(svl_vm *vm, const char *expr, const svl_explain_options *options,
                                    char **out);
/* Explain one call from the host, e.g. why a particular bid scored what it
 * did: call fn as svl_call_named does, with tracing on, and render the
 * tree as svl_explain does into *out (malloc'ed; free it).  *result, when
 * not NULL, receives a handle to the call's result.  Errors as
 * svl_call_named; on an error nothing is rendered. */
SVL_API svl_status svl_explain_call(svl_vm *vm, svl_value *fn, int nargs, svl_value *const *args,
                                    int nnamed, const char *const *names, svl_value *const *named,
                                    svl_format format, int max_depth, char **out,
                                    svl_value **result);

/* Evaluation report (svl report; docs/report.md): render the `report`
 * declaration of the loaded program as one self-contained HTML page:
 * award decision, ranking, a stacked bar chart of weighted contributions,
 * eligibility verdicts with every failed reason, the abnormally-low-tender
 * screen, the sensitivity of the winner to each weight, social value
 * offers by measure with each proxy's source, and a collapsible
 * explanation of each ranked bid.  Inline CSS and SVG only: no script, no
 * external resource, no time stamp (the same inputs give the same bytes).
 * Every text from the rules or the data is HTML-escaped.
 * On SVL_OK *out receives the page (malloc'ed, NUL-terminated; free it).
 * SVL_ERR_USAGE: no report declaration was loaded; SVL_ERR_RUNTIME /
 * SVL_ERR_LIMIT: evaluating what the report shows failed (a gate, the
 * scores, an explanation), with svl_last_error set; *out is then NULL. */
SVL_API svl_status svl_report_html(svl_vm *vm, char **out);
/* The same page, with flags: SVL_REPORT_PRINT_EXPLANATIONS prints each
 * bid's explanation in full (by default a printed page shows one summary
 * line per bid, and the explanations only on screen). */
#define SVL_REPORT_PRINT_EXPLANATIONS 1u
SVL_API svl_status svl_report_html_with(svl_vm *vm, unsigned flags, char **out);
/* Assessment summaries (svl report --summaries; docs/report.md): one
 * self-contained page per bid of the declaration's `bids` (else `ranking`)
 * for its supplier, with its rank and margin, ties and the tie-break, its
 * scores and the reasons per criterion beside the winning tender's, every
 * gate's verdict, its clarifications and the `standstill` text; then an
 * index page linking them.  Escaped, isolated and script-free as the
 * report.  On SVL_OK *pages receives an array of *npages pages, the index
 * first; free it with svl_report_pages_free (it owns every file and html
 * string).  Each `file` is a plain file name, never a path: "index.html",
 * else the bid's position and its name in lower-case ASCII letters, digits
 * and '-' ("02-bramble-kitchens-ltd.html"), unique among the pages.
 * Errors as svl_report_html; *pages is then NULL and *npages 0. */
typedef struct svl_report_page {
  char *file; /* the page's file name */
  char *html; /* the page, NUL-terminated */
} svl_report_page;
SVL_API svl_status svl_report_summaries(svl_vm *vm, svl_report_page **pages, size_t *npages);
SVL_API void svl_report_pages_free(svl_report_page *pages, size_t npages);

/* One call on the stack of a runtime error, innermost first. */
typedef struct svl_frame {
  const char *function; /* the called fn, rule or table */
  const char *file;     /* where it was called from, or NULL */
  int line, column;
} svl_frame;

/* The last error: what the most recent failing call reported (status
 * SVL_OK and message "no error" before any).  The struct and its strings
 * belong to the VM and stay valid until the next call on the same VM. */
typedef struct svl_error {
  svl_status status;
  const char *code;     /* stable code, e.g. "E0201" */
  const char *message;
  const char *hint;     /* or NULL */
  const char *file;     /* or NULL */
  int line, column;     /* 1-based; 0 when unknown */
  const char *rendered; /* "file:line:col: error: ..." with source line,
                           caret, hint and call stack, ready to print */
  int nframes;          /* the call stack of a runtime error (at most 20) */
  const svl_frame *frames;
} svl_error;
SVL_API const svl_error *svl_last_error(svl_vm *vm);

/* The catalogue entry of an error code (docs/errors.md): what the error
 * means, an example and the fix, as static text ending in a newline.
 * "E0301" or "e0301"; NULL for a code not in the catalogue.  With code
 * NULL, the index: one line per code, "E0301  undefined name". */
SVL_API const char *svl_error_help(const char *code);

/* Files the VM has read (rule files, imports, data), in order, each once
 * per content: fills *path and *sha256 (lower-case hex) for index i and
 * returns how many there are.  For audit records (SPEC 10.3). */
SVL_API int svl_files_read(svl_vm *vm, int i, const char **path, const char **sha256);
/* SHA-256 of len bytes as 64 lower-case hex digits and a NUL. */
SVL_API void svl_sha256(const void *data, size_t len, char hex[65]);

/* Ask the evaluation running in vm to stop: it fails with SVL_ERR_LIMIT
 * ("interrupted") within about a thousand evaluation steps, and the VM
 * stays usable.  Safe to call from another thread or a signal handler.  A
 * request made while nothing runs is dropped when the next call starts. */
SVL_API void svl_interrupt(svl_vm *vm);

/* The directory of the installed standard library modules that
 * svl_config_init puts in stdlib_path: PREFIX/share/svl/stdlib found
 * relative to the library (or the program it is linked into), else the
 * source tree's stdlib/ for an uninstalled build; NULL when neither
 * exists.  Static storage. */
SVL_API const char *svl_stdlib_dir(void);

/* Process-wide start-up for threads other than the one that called
 * svl_new first: call svl_thread_attach() at the start of such a thread
 * before using any VM in it, and svl_thread_detach() before it ends.
 * Attaching is allowed before any svl_new (it starts the collector, and
 * then every thread that uses SVL attaches, the first VM's included) and
 * is harmless in a thread already attached or that made the first VM. */
SVL_API void svl_thread_attach(void);
SVL_API void svl_thread_detach(void);

#ifdef __cplusplus
}
#endif
#endif
