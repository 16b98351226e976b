/* svl_sqlite.c — a SQLite loadable extension that calls SVL rules from SQL,
 * so that data already in a database is scored where it lives:
 *
 *   .load ./svl_sqlite
 *   SELECT supplier, svl_call('rules.svl', 'total', json(bid)) FROM bids;
 *
 * svl_call(PATH, NAME, ARG...) loads the rule file PATH (once per
 * connection: the VM is cached, keyed by the path as written, and loaded
 * again only when the file changes), calls its top-level NAME with the
 * arguments and returns the result.  Built on the public svl.h alone
 * (docs/embedding.md, "SQLite"):
 *
 *   cc -shared -fPIC -o svl_sqlite.so svl_sqlite.c $(pkg-config --cflags --libs svl) \
 *      -Wl,-rpath,$(pkg-config --variable=libdir svl)
 *
 * Arguments: INTEGER is a whole number; TEXT is JSON (what json(), json_object()
 * and a JSON column hold: wrap a plain string in json_quote()), read with
 * svl_from_json so numbers stay exact decimals; REAL is read as the text SQLite
 * gives it (15 significant digits: keep money as TEXT or INTEGER); NULL is null;
 * a BLOB is an error.
 * Results: a number is TEXT holding its exact decimal (the magnitude: "78.97",
 * "0.125" for 12.5%); text is TEXT; a bool is 1 or 0; a date is "YYYY-MM-DD";
 * null is NULL; a list, record or verdict is its JSON (SPEC 9).
 * Errors (a missing file, a syntax error, a runtime error, a limit) are SQL
 * errors whose message is "file:line:col: message [CODE]".
 *
 * Sandbox: the VM gets no permission, so the rule file can read no other file,
 * no environment and no clock (standard library modules stay importable);
 * `print` output is discarded; each call is bounded in steps and time.  The
 * function is SQLITE_DIRECTONLY: a view or trigger stored in a database file
 * cannot make a connection read rule files.
 *
 * Threads: SVL's collector must know each thread that uses it.  The first
 * call on a connection creates a VM on that thread; use the connection from
 * that thread, or from threads the host has registered with
 * svl_thread_attach (see svl.h).
 */
#define _POSIX_C_SOURCE 200809L /* strdup, struct stat's st_mtim */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <svl.h>

/* Per call, so that a runaway rule cannot hang the database. */
#ifndef SVL_SQLITE_MAX_STEPS
#define SVL_SQLITE_MAX_STEPS 10000000
#endif
#ifndef SVL_SQLITE_TIMEOUT_MS
#define SVL_SQLITE_TIMEOUT_MS 10000
#endif

/* SQLite's JSON functions mark their results with this subtype; setting it
 * lets json_object('r', svl_call(...)) nest the result as JSON. */
#define JSON_SUBTYPE 74

typedef struct fn_entry {
  struct fn_entry *next;
  char *name;
  svl_value *fn; /* a handle: pins the function for the VM's life */
} fn_entry;

typedef struct rule_file {
  struct rule_file *next;
  char *path;
  svl_vm *vm;
  struct stat st; /* when it was loaded: a change means a reload */
  fn_entry *fns;
} rule_file;

/* One per connection: the sqlite3_create_function_v2 user data. */
typedef struct cache {
  rule_file *files;
} cache;

static void free_rule_file(rule_file *rf) {
  for (fn_entry *f = rf->fns, *next; f; f = next) {
    next = f->next;
    free(f->name);
    free(f);
  }
  svl_free(rf->vm); /* and every handle with it */
  free(rf->path);
  free(rf);
}

static void free_cache(void *p) {
  cache *c = p;
  for (rule_file *rf = c->files, *next; rf; rf = next) {
    next = rf->next;
    free_rule_file(rf);
  }
  free(c);
}

/* "file:line:col: message [CODE]", or without the place when there is
 * none (an unreadable file). */
static void result_svl_error(sqlite3_context *ctx, svl_vm *vm, const char *what) {
  const svl_error *e = svl_last_error(vm);
  char *msg;
  if (e->file && e->line)
    msg = sqlite3_mprintf("%s%s:%d:%d: %s [%s]", what, e->file, e->line, e->column, e->message,
                          e->code ? e->code : "?");
  else
    msg = sqlite3_mprintf("%s%s [%s]", what, e->message, e->code ? e->code : "?");
  if (!msg) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_error(ctx, msg, -1);
  sqlite3_free(msg);
}

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The VM for path, loading the file when it is new or has changed.  NULL
 * after setting the SQL error. */
static rule_file *rule_file_for(sqlite3_context *ctx, cache *c, const char *path) {
  struct stat st;
  int have_stat = stat(path, &st) == 0;
  rule_file **link = &c->files;
  for (; *link; link = &(*link)->next) {
    if (strcmp((*link)->path, path) != 0) continue;
    rule_file *rf = *link;
    if (have_stat && same_file(&rf->st, &st)) return rf;
    *link = rf->next; /* changed or gone: load it afresh */
    free_rule_file(rf);
    break;
  }
  svl_config cfg;
  svl_config_init(&cfg); /* no permissions: the sandbox stays shut */
  cfg.max_steps = SVL_SQLITE_MAX_STEPS;
  cfg.timeout_ms = SVL_SQLITE_TIMEOUT_MS;
  rule_file *rf = calloc(1, sizeof *rf);
  if (!rf || !(rf->path = strdup(path)) || !(rf->vm = svl_new(&cfg))) {
    if (rf) free(rf->path);
    free(rf);
    sqlite3_result_error_nomem(ctx);
    return NULL;
  }
  if (svl_load_file(rf->vm, path) != SVL_OK) {
    result_svl_error(ctx, rf->vm, "");
    free_rule_file(rf);
    return NULL;
  }
  rf->st = st;
  if (!have_stat) memset(&rf->st, 0, sizeof rf->st); /* loaded, yet no stat: reload next time */
  rf->next = c->files;
  c->files = rf;
  return rf;
}

/* The callable `name` of the file, looked up once. */
static svl_value *function_for(sqlite3_context *ctx, rule_file *rf, const char *name) {
  for (fn_entry *f = rf->fns; f; f = f->next)
    if (strcmp(f->name, name) == 0) return f->fn;
  svl_value *fn;
  if (svl_get(rf->vm, name, &fn) != SVL_OK) {
    result_svl_error(ctx, rf->vm, "svl_call: ");
    return NULL;
  }
  if (svl_kind_of(rf->vm, fn) != SVL_KIND_FUNCTION) {
    /* a plain value (a let) is returned as it is, with no arguments */
    return fn;
  }
  fn_entry *f = malloc(sizeof *f);
  if (!f || !(f->name = strdup(name))) {
    free(f);
    svl_release(rf->vm, fn);
    sqlite3_result_error_nomem(ctx);
    return NULL;
  }
  f->fn = fn;
  f->next = rf->fns;
  rf->fns = f;
  return fn;
}

/* One SQL argument as an SVL value (a new handle), or NULL after setting
 * the SQL error. */
static svl_value *from_sql(sqlite3_context *ctx, svl_vm *vm, sqlite3_value *arg, int position) {
  svl_value *v = NULL;
  char what[48];
  snprintf(what, sizeof what, "svl_call: argument %d: ", position);
  switch (sqlite3_value_type(arg)) {
  case SQLITE_NULL:
    v = svl_null(vm);
    break;
  case SQLITE_INTEGER:
    v = svl_int(vm, sqlite3_value_int64(arg));
    break;
  case SQLITE_FLOAT:
    v = svl_number(vm, (const char *)sqlite3_value_text(arg));
    break;
  case SQLITE_TEXT: {
    const char *json = (const char *)sqlite3_value_text(arg);
    if (!json) {
      sqlite3_result_error_nomem(ctx);
      return NULL;
    }
    if (svl_from_json(vm, json, (size_t)sqlite3_value_bytes(arg), &v) != SVL_OK) v = NULL;
    break;
  }
  default: {
    char *msg = sqlite3_mprintf("%sa BLOB cannot be passed to SVL", what);
    sqlite3_result_error(ctx, msg ? msg : "svl_call: a BLOB argument", -1);
    sqlite3_free(msg);
    return NULL;
  }
  }
  if (!v) result_svl_error(ctx, vm, what);
  return v;
}

/* Set the SQL result from an SVL value. */
static void to_sql(sqlite3_context *ctx, svl_vm *vm, svl_value *v) {
  const char *s;
  size_t len;
  int b, y, m, d;
  switch (svl_kind_of(vm, v)) {
  case SVL_KIND_NULL:
    sqlite3_result_null(ctx);
    return;
  case SVL_KIND_BOOL:
    if (svl_to_bool(vm, v, &b) != SVL_OK) break;
    sqlite3_result_int(ctx, b != 0);
    return;
  case SVL_KIND_NUMBER:
    if (svl_to_number(vm, v, &s) != SVL_OK) break;
    sqlite3_result_text(ctx, s, -1, SQLITE_TRANSIENT);
    return;
  case SVL_KIND_TEXT:
    if (svl_to_text(vm, v, &s, &len) != SVL_OK) break;
    sqlite3_result_text64(ctx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
    return;
  case SVL_KIND_DATE: {
    if (svl_to_date(vm, v, &y, &m, &d) != SVL_OK) break;
    char iso[16];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    sqlite3_result_text(ctx, iso, -1, SQLITE_TRANSIENT);
    return;
  }
  case SVL_KIND_DATETIME: { /* its RFC 3339 text, as SQLite keeps date-times */
    char *json = svl_to_json(vm, v);
    if (!json) break;
    size_t n = strlen(json);
    sqlite3_result_text(ctx, json + 1, n >= 2 ? (int)n - 2 : 0, SQLITE_TRANSIENT);
    free(json);
    return;
  }
  case SVL_KIND_LIST:
  case SVL_KIND_RANGE:
  case SVL_KIND_RECORD:
  case SVL_KIND_VERDICT: {
    char *json = svl_to_json(vm, v);
    if (!json) break;
    sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, JSON_SUBTYPE);
    free(json);
    return;
  }
  default: {
    char *msg = sqlite3_mprintf("svl_call: the result is a %s, which SQL cannot hold", svl_type_name(vm, v));
    sqlite3_result_error(ctx, msg ? msg : "svl_call: a result SQL cannot hold", -1);
    sqlite3_free(msg);
    return;
  }
  }
  result_svl_error(ctx, vm, "svl_call: ");
}

/* svl_call(PATH, NAME, ARG...) */
static void svl_call_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  if (argc < 2) {
    sqlite3_result_error(ctx, "svl_call(path, name, ...): give the rule file and the name to call", -1);
    return;
  }
  const char *path = (const char *)sqlite3_value_text(argv[0]);
  const char *name = (const char *)sqlite3_value_text(argv[1]);
  if (!path || !name || !*path || !*name) {
    sqlite3_result_error(ctx, "svl_call(path, name, ...): path and name must be non-empty texts", -1);
    return;
  }
  rule_file *rf = rule_file_for(ctx, sqlite3_user_data(ctx), path);
  if (!rf) return;
  svl_vm *vm = rf->vm;
  svl_value *fn = function_for(ctx, rf, name);
  if (!fn) return;
  if (svl_kind_of(vm, fn) != SVL_KIND_FUNCTION) { /* a let: its value */
    if (argc > 2) {
      char *msg = sqlite3_mprintf("svl_call: '%s' is a %s, not a function: give no arguments", name,
                                  svl_type_name(vm, fn));
      sqlite3_result_error(ctx, msg ? msg : "svl_call: not a function", -1);
      sqlite3_free(msg);
    } else {
      to_sql(ctx, vm, fn);
    }
    svl_release(vm, fn);
    return;
  }
  int nargs = argc - 2;
  svl_value **args = sqlite3_malloc64(sizeof *args * (nargs + 1));
  if (!args) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  int made = 0;
  for (; made < nargs; made++)
    if (!(args[made] = from_sql(ctx, vm, argv[made + 2], made + 1))) break;
  if (made == nargs) {
    svl_value *result = NULL;
    if (svl_call(vm, fn, nargs, args, &result) == SVL_OK)
      to_sql(ctx, vm, result);
    else
      result_svl_error(ctx, vm, "");
    svl_release(vm, result);
  }
  for (int i = 0; i < made; i++) svl_release(vm, args[i]);
  sqlite3_free(args);
}

#ifndef SQLITE_DIRECTONLY
#define SQLITE_DIRECTONLY 0
#endif
#ifndef SQLITE_RESULT_SUBTYPE
#define SQLITE_RESULT_SUBTYPE 0
#endif

/* The entry point `.load ./svl_sqlite` finds: sqlite3_, the letters of the
 * file's name, _init.  (Not svl.so: Python would take that for a module
 * in place of examples/embed/python/svl.py.) */
#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_svlsqlite_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  cache *c = calloc(1, sizeof *c);
  if (!c) return SQLITE_NOMEM;
  int rc = sqlite3_create_function_v2(db, "svl_call", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY | SQLITE_RESULT_SUBTYPE,
                                      c, svl_call_sql, NULL, NULL, free_cache);
  if (rc != SQLITE_OK) {
    /* on failure SQLite has already called free_cache */
    *errmsg = sqlite3_mprintf("svl: cannot register svl_call: %s", sqlite3_errstr(rc));
  }
  return rc;
}
