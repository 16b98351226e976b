/* svl lsp: a Language Server Protocol server over standard input and
 * output (docs/editors.md).
 *
 * The language work is the library's (svl_analyze, svl_format_source in
 * include/svl.h), which answers in LSP's own JSON shapes; this file is
 * the protocol: Content-Length framing, JSON-RPC through jansson, the open
 * documents and their incremental edits, debounced diagnostics,
 * cancellation, and URIs where the library speaks of paths.
 *
 * One thread reads and answers in order.  Before answering a request it
 * reads every message already waiting, so a $/cancelRequest or a newer
 * edit that arrived meanwhile is seen first; diagnostics are published
 * once no message has arrived for the debounce delay.  A request's work
 * is bounded by the VM's limits (a hover value runs the file under a step
 * and time budget), so a rule file that loops cannot stall the server. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "svl.h"
#include "cli.h"

/* LSP error codes */
enum {
  PARSE_ERROR = -32700, INVALID_REQUEST = -32600, METHOD_NOT_FOUND = -32601, INVALID_PARAMS = -32602,
  SERVER_NOT_INITIALIZED = -32002, REQUEST_CANCELLED = -32800
};

typedef struct doc {
  char *uri, *path;
  char *text;
  size_t len;
  json_int_t version;
  long long due;        /* ms: diagnostics to publish at, 0: none pending */
  long long cost;       /* ms the last diagnostics of this document took */
  struct doc *next;
} doc;

typedef struct msg { json_t *j; int cancelled; struct msg *next; } msg;

typedef struct server {
  svl_vm *vm;
  doc *docs;
  msg *head, *tail;
  int initialized, shutdown;
  long long debounce;   /* ms to wait after an edit; -1: adaptive (below) */
  char *root;           /* workspace folder, for workspace symbols and references */
  /* input buffer */
  char *buf;
  size_t blen, bcap;
  int eof;
} server;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- framing ------------------------------------------------------------ */

static void send_json(json_t *j) {
  char *s = json_dumps(j, JSON_COMPACT);
  if (!s) return;
  size_t n = strlen(s);
  printf("Content-Length: %zu\r\n\r\n", n);
  fwrite(s, 1, n, stdout);
  fflush(stdout);
  free(s);
}

static void respond(json_t *id, json_t *result) {
  json_t *r = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "result",
                        result ? result : json_null());
  send_json(r);
  json_decref(r);
}

static void respond_error(json_t *id, int code, const char *message) {
  json_t *r = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error", "code",
                        code, "message", message);
  send_json(r);
  json_decref(r);
}

static void notify(const char *method, json_t *params) {
  json_t *r = json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params", params);
  send_json(r);
  json_decref(r);
}

static void log_message(int type, const char *text) {
  notify("window/logMessage", json_pack("{s:i, s:s}", "type", type, "message", text));
}

/* Bytes available without blocking: in the buffer, or on the descriptor
 * within timeout ms (-1: wait). */
static int readable(server *s, int timeout) {
  if (s->blen || s->eof) return 1;
  struct pollfd p = {0, POLLIN, 0};
  int r;
  do r = poll(&p, 1, timeout);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

static int fill(server *s) {
  if (s->blen == s->bcap) {
    size_t cap = s->bcap ? s->bcap * 2 : 65536;
    char *b = realloc(s->buf, cap);
    if (!b) return 0;
    s->buf = b;
    s->bcap = cap;
  }
  ssize_t k;
  do k = read(0, s->buf + s->blen, s->bcap - s->blen);
  while (k < 0 && errno == EINTR);
  if (k <= 0) { s->eof = 1; return 0; }
  s->blen += (size_t)k;
  return 1;
}

/* One message: headers, a blank line, Content-Length bytes of JSON.
 * Returns 0 at the end of input; *j is NULL for a message that is not
 * JSON (answered with a parse error by the caller). */
static int read_message(server *s, json_t **j, int *bad) {
  *j = NULL;
  *bad = 0;
  for (;;) {
    char *end = s->blen >= 4 ? memmem(s->buf, s->blen, "\r\n\r\n", 4) : NULL;
    if (end) {
      size_t hlen = (size_t)(end - s->buf) + 4;
      long long clen = -1;
      for (char *l = s->buf; l < end;) {
        char *e = memmem(l, (size_t)(end + 2 - l), "\r\n", 2);
        if (!e) break;
        if ((size_t)(e - l) > 15 && !strncasecmp(l, "Content-Length:", 15)) {
          char num[32];
          size_t n = (size_t)(e - l) - 15;
          if (n >= sizeof num) n = sizeof num - 1;
          memcpy(num, l + 15, n);
          num[n] = 0;
          char *stop;
          clen = strtoll(num, &stop, 10);
          while (*stop == ' ') stop++;
          if (*stop || clen < 0) clen = -1;
        }
        l = e + 2;
      }
      if (clen < 0) {
        /* no usable length: the header block is dropped, reading goes on */
        memmove(s->buf, s->buf + hlen, s->blen - hlen);
        s->blen -= hlen;
        *bad = 1;
        return 1;
      }
      while (s->blen < hlen + (size_t)clen)
        if (!fill(s)) return 0;
      json_error_t err;
      *j = json_loadb(s->buf + hlen, (size_t)clen, 0, &err);
      if (!*j) *bad = 1;
      memmove(s->buf, s->buf + hlen + clen, s->blen - hlen - (size_t)clen);
      s->blen -= hlen + (size_t)clen;
      return 1;
    }
    if (!fill(s)) return 0;
  }
}

/* ---- documents ---------------------------------------------------------- */

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* file:///a%20b/c.svl -> /a b/c.svl; another scheme stays as it is, a
 * name without a directory. */
static char *uri_path(const char *uri) {
  if (strncmp(uri, "file://", 7) != 0) return strdup(uri);
  const char *p = uri + 7;
  char *out = malloc(strlen(p) + 1), *o = out;
  if (!out) return NULL;
  for (; *p; p++) {
    if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
      *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = 0;
  return out;
}

static char *path_uri(const char *path) {
  char *abs = realpath(path, NULL);
  const char *p = abs ? abs : path;
  size_t n = strlen(p);
  char *out = malloc(7 + n * 3 + 1), *o = out;
  if (!out) { free(abs); return NULL; }
  o += sprintf(o, "file://");
  for (; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("/-._~", c))
      *o++ = (char)c;
    else
      o += sprintf(o, "%%%02X", c);
  }
  *o = 0;
  free(abs);
  return out;
}

static doc *find_doc(server *s, const char *uri) {
  for (doc *d = s->docs; d; d = d->next)
    if (!strcmp(d->uri, uri)) return d;
  return NULL;
}

/* Byte offset of an LSP position (UTF-16 code units) in text. */
static size_t offset_of(const char *t, size_t len, json_int_t line, json_int_t ch) {
  size_t i = 0;
  for (json_int_t l = 0; l < line && i < len; i++)
    if (t[i] == '\n') l++;
  json_int_t u = 0;
  while (i < len && t[i] != '\n' && u < ch) {
    unsigned char c = (unsigned char)t[i];
    size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    u += k == 4 ? 2 : 1;
    i += k;
  }
  return i > len ? len : i;
}

static int apply_change(doc *d, json_t *change) {
  const char *text = json_string_value(json_object_get(change, "text"));
  if (!text) return 0;
  size_t tl = json_string_length(json_object_get(change, "text"));
  json_t *range = json_object_get(change, "range");
  size_t a = 0, e = d->len;
  if (range) {
    json_int_t l1, c1, l2, c2;
    if (json_unpack(range, "{s:{s:I, s:I}, s:{s:I, s:I}}", "start", "line", &l1, "character", &c1, "end", "line", &l2,
                    "character", &c2) != 0)
      return 0;
    a = offset_of(d->text, d->len, l1, c1);
    e = offset_of(d->text, d->len, l2, c2);
    if (e < a) e = a;
  }
  size_t n = d->len - (e - a) + tl;
  char *t = malloc(n + 1);
  if (!t) return 0;
  memcpy(t, d->text, a);
  memcpy(t + a, text, tl);
  memcpy(t + a + tl, d->text + e, d->len - e);
  t[n] = 0;
  free(d->text);
  d->text = t;
  d->len = n;
  return 1;
}

/* ---- answers from the library ------------------------------------------ */

/* svl_analyze's JSON, parsed; NULL when the query failed. */
static json_t *analyze(server *s, doc *d, svl_query q, json_int_t line, json_int_t ch) {
  char *out = NULL;
  if (line < 0 || ch < 0 || line > INT_MAX || ch > INT_MAX) return NULL;
  if (svl_analyze(s->vm, d->path, d->text, d->len, q, (int)line, (int)ch, &out) != SVL_OK) {
    log_message(1, svl_last_error(s->vm)->message);
    return NULL;
  }
  json_error_t err;
  json_t *j = json_loads(out, 0, &err);
  free(out);
  return j;
}

/* {"file", "range"} -> {"uri", "range"}: an open document keeps the URI
 * the editor gave it. */
static json_t *locations(server *s, json_t *arr) {
  json_t *out = json_array();
  size_t i;
  json_t *x;
  json_array_foreach(arr, i, x) {
    const char *file = json_string_value(json_object_get(x, "file"));
    if (!file) continue;
    char *uri = NULL;
    for (doc *d = s->docs; d; d = d->next)
      if (!strcmp(d->path, file)) uri = strdup(d->uri);
    if (!uri) uri = path_uri(file);
    json_array_append_new(out, json_pack("{s:s, s:O}", "uri", uri, "range", json_object_get(x, "range")));
    free(uri);
  }
  json_decref(arr);
  return out;
}

static void publish(server *s, doc *d) {
  d->due = 0;
  long long t0 = now_ms();
  json_t *diags = analyze(s, d, SVL_QUERY_DIAGNOSTICS, 0, 0);
  d->cost = now_ms() - t0;
  notify("textDocument/publishDiagnostics", json_pack("{s:s, s:I, s:o}", "uri", d->uri, "version", d->version,
                                                      "diagnostics", diags ? diags : json_array()));
}

static json_t *formatting(server *s, doc *d) {
  char *out = NULL;
  if (svl_format_source(s->vm, d->path, d->text, d->len, &out) != SVL_OK) return json_null();
  /* one edit replacing the whole text, ending past its last line */
  json_int_t lines = 0;
  for (size_t i = 0; i < d->len; i++)
    if (d->text[i] == '\n') lines++;
  json_t *r = json_pack("[{s:{s:{s:i, s:i}, s:{s:I, s:i}}, s:s}]", "range", "start", "line", 0, "character", 0, "end",
                        "line", lines + 1, "character", 0, "newText", out);
  free(out);
  return r;
}

static json_t *code_actions(server *s, doc *d, json_int_t line) {
  json_t *acts = analyze(s, d, SVL_QUERY_ACTIONS, line, 0);
  json_t *out = json_array();
  size_t i;
  json_t *a;
  json_array_foreach(acts, i, a) {
    json_t *edit = json_pack("{s:{s:O}}", "changes", d->uri, json_object_get(a, "edits"));
    json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:O, s:o}", "title", json_object_get(a, "title"), "kind",
                                         json_object_get(a, "kind"), "isPreferred", json_object_get(a, "isPreferred"),
                                         "diagnostics", json_object_get(a, "diagnostics"), "edit", edit));
  }
  json_decref(acts);
  return out;
}

typedef struct symbols_query { json_t *out; const char *query; } symbols_query;

/* The top-level symbols of one file whose names contain the query. */
static void file_symbols(server *s, doc *d, void *ctx) {
  json_t *out = ((symbols_query *)ctx)->out;
  const char *query = ((symbols_query *)ctx)->query;
  json_t *syms = analyze(s, d, SVL_QUERY_SYMBOLS, 0, 0);
  size_t i;
  json_t *x;
  json_array_foreach(syms, i, x) {
    const char *name = json_string_value(json_object_get(x, "name"));
    if (!name || (*query && !strcasestr(name, query))) continue;
    json_array_append_new(out, json_pack("{s:s, s:O, s:{s:s, s:O}}", "name", name, "kind", json_object_get(x, "kind"),
                                         "location", "uri", d->uri, "range", json_object_get(x, "selectionRange")));
  }
  json_decref(syms);
}

/* ---- the workspace ------------------------------------------------------
 * Workspace symbols and references look at every open document, then at
 * the .svl files under the workspace folder (three levels down, at most
 * 500 files; build/, node_modules/ and dot folders skipped), read from
 * disk when the editor does not hold them. */

typedef void (*file_fn)(server *s, doc *d, void *ctx);

static void scan_dir(server *s, const char *dir, int depth, int *budget, file_fn fn, void *ctx) {
  DIR *dp = opendir(dir);
  if (!dp) return;
  struct dirent *de;
  while ((de = readdir(dp)) && *budget > 0) {
    if (de->d_name[0] == '.' || !strcmp(de->d_name, "node_modules") || !strcmp(de->d_name, "build")) continue;
    size_t n = strlen(dir) + strlen(de->d_name) + 2;
    char *p = malloc(n);
    if (!p) break;
    snprintf(p, n, "%s/%s", dir, de->d_name);
    struct stat st;
    size_t l = strlen(de->d_name);
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth > 0) {
      scan_dir(s, p, depth - 1, budget, fn, ctx);
    } else if (S_ISREG(st.st_mode) && l > 4 && !strcmp(de->d_name + l - 4, ".svl")) {
      char *uri = path_uri(p);
      if (uri && !find_doc(s, uri)) {
        FILE *fp = fopen(p, "rb");
        size_t len = 0;
        char *text = fp ? read_stream(fp, &len) : NULL;
        if (fp) fclose(fp);
        if (text) {
          doc tmp = {.uri = uri, .path = p, .text = text, .len = len};
          fn(s, &tmp, ctx);
          free(text);
          (*budget)--;
        }
      }
      free(uri);
    }
    free(p);
  }
  closedir(dp);
}

static void each_workspace_file(server *s, file_fn fn, void *ctx) {
  for (doc *d = s->docs; d; d = d->next) fn(s, d, ctx);
  int budget = 500;
  if (s->root) scan_dir(s, s->root, 3, &budget, fn, ctx);
}

static json_t *workspace_symbols(server *s, const char *query) {
  symbols_query q = {json_array(), query};
  each_workspace_file(s, file_symbols, &q);
  return q.out;
}

/* References in other files.  The library answers for one document;
 * uses of a declaration from files that import it are found here: every
 * occurrence of the name as a word in another workspace file is asked for
 * its definition, and counts when that is the same declaration (a name in
 * a comment or a string, or another declaration of the same name, has
 * none or another).  At most 2,000 such questions per request. */
typedef struct refs_query {
  doc *origin;
  const char *name;
  size_t nlen;
  json_t *def;     /* the declaration: {"file", "range"} */
  char *def_real;  /* its file, with symbolic links and ./ resolved */
  json_t *out;
  int budget;
} refs_query;

static int ident_char(char c) { return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

/* The identifier at a byte offset of a text, or NULL. */
static char *word_at(const char *t, size_t len, size_t off) {
  size_t a = off, e = off;
  while (a > 0 && ident_char(t[a - 1])) a--;
  while (e < len && ident_char(t[e])) e++;
  return e > a ? strndup(t + a, e - a) : NULL;
}

static int same_file(const char *real, const char *file) {
  char *r = realpath(file, NULL);
  int same = r ? !strcmp(r, real) : !strcmp(file, real);
  free(r);
  return same;
}

/* LSP position (line, UTF-16 character) of a byte offset. */
static void lsp_position(const char *t, size_t off, json_int_t *line, json_int_t *ch) {
  size_t from = 0;
  *line = 0;
  for (size_t i = 0; i < off; i++)
    if (t[i] == '\n') { (*line)++; from = i + 1; }
  *ch = 0;
  for (size_t i = from; i < off; i++) {
    unsigned char c = (unsigned char)t[i];
    if ((c & 0xC0) != 0x80) *ch += c >= 0xF0 ? 2 : 1;
  }
}

static void file_refs(server *s, doc *d, void *ctx) {
  refs_query *q = ctx;
  if (d == q->origin || !strcmp(d->path, q->origin->path)) return;
  for (const char *p = d->text; q->budget > 0 && (p = memmem(p, d->len - (size_t)(p - d->text), q->name, q->nlen));
       p += q->nlen) {
    size_t off = (size_t)(p - d->text);
    if ((off > 0 && ident_char(p[-1])) || (off + q->nlen < d->len && ident_char(p[q->nlen]))) continue;
    json_int_t line, ch, ech;
    lsp_position(d->text, off, &line, &ch);
    ech = ch + (json_int_t)q->nlen; /* an identifier is ASCII */
    q->budget--;
    json_t *defs = analyze(s, d, SVL_QUERY_DEFINITION, line, ch);
    json_t *def = json_array_get(defs, 0);
    const char *file = json_string_value(json_object_get(def, "file"));
    if (file && same_file(q->def_real, file) && json_equal(json_object_get(def, "range"), json_object_get(q->def, "range")))
      json_array_append_new(q->out, json_pack("{s:s, s:{s:{s:I, s:I}, s:{s:I, s:I}}}", "file", d->path, "range", "start",
                                              "line", line, "character", ch, "end", "line", line, "character", ech));
    json_decref(defs);
  }
}

/* textDocument/references: the library's answer for the document, then
 * the uses in the rest of the workspace. */
static json_t *references(server *s, doc *d, json_int_t line, json_int_t ch) {
  json_t *out = analyze(s, d, SVL_QUERY_REFERENCES, line, ch);
  if (!out) return NULL;
  json_t *defs = analyze(s, d, SVL_QUERY_DEFINITION, line, ch);
  json_t *def = json_array_get(defs, 0);
  const char *file = json_string_value(json_object_get(def, "file"));
  char *name = word_at(d->text, d->len, offset_of(d->text, d->len, line, ch));
  if (file && name) {
    char *real = realpath(file, NULL);
    refs_query q = {d, name, strlen(name), def, real ? real : strdup(file), out, 2000};
    if (q.def_real) each_workspace_file(s, file_refs, &q);
    free(q.def_real);
  }
  free(name);
  json_decref(defs);
  return out;
}

/* ---- dispatch ------------------------------------------------------------ */

static json_t *capabilities(void) {
  return json_pack("{s:{s:b, s:i, s:{s:b}}, s:b, s:b, s:b, s:b, s:b, s:{s:[s]}, s:{s:[s, s]}, s:b, s:{s:[s]}}",
                   "textDocumentSync", "openClose", 1, "change", 2, "save", "includeText", 0,
                   "hoverProvider", 1, "definitionProvider", 1, "referencesProvider", 1, "documentSymbolProvider", 1,
                   "workspaceSymbolProvider", 1, "completionProvider", "triggerCharacters", ".",
                   "signatureHelpProvider", "triggerCharacters", "(", ",", "documentFormattingProvider", 1,
                   "codeActionProvider", "codeActionKinds", "quickfix");
}

static void bind_inputs_from(server *s, json_t *arr) {
  size_t i;
  json_t *x;
  json_array_foreach(arr, i, x) {
    const char *name = json_string_value(x);
    if (!name) continue;
    svl_value *null = svl_null(s->vm);
    svl_set_global(s->vm, name, null);
    svl_release(s->vm, null);
  }
}

/* The document and position of a textDocument/... request. */
static doc *request_doc(server *s, json_t *params, json_int_t *line, json_int_t *ch) {
  const char *uri = NULL;
  *line = *ch = 0;
  json_unpack(params, "{s:{s:s}}", "textDocument", "uri", &uri);
  json_unpack(params, "{s:{s:I, s:I}}", "position", "line", line, "character", ch);
  return uri ? find_doc(s, uri) : NULL;
}

static void handle_request(server *s, const char *method, json_t *id, json_t *params) {
  if (!strcmp(method, "initialize")) {
    if (s->initialized) { respond_error(id, INVALID_REQUEST, "initialize was already received"); return; }
    s->initialized = 1;
    const char *root = NULL;
    if (json_unpack(params, "{s:s}", "rootUri", &root) == 0) s->root = uri_path(root);
    else if (json_unpack(params, "{s:s}", "rootPath", &root) == 0) s->root = strdup(root);
    bind_inputs_from(s, json_object_get(json_object_get(params, "initializationOptions"), "inputs"));
    respond(id, json_pack("{s:o, s:{s:s, s:s}}", "capabilities", capabilities(), "serverInfo", "name", "svl",
                          "version", svl_version()));
    return;
  }
  if (!s->initialized) { respond_error(id, SERVER_NOT_INITIALIZED, "the server is not initialized yet"); return; }
  if (s->shutdown) { respond_error(id, INVALID_REQUEST, "the server is shutting down"); return; }
  if (!strcmp(method, "shutdown")) {
    s->shutdown = 1;
    respond(id, json_null());
    return;
  }
  if (!strcmp(method, "workspace/symbol")) {
    const char *q = "";
    json_unpack(params, "{s:s}", "query", &q);
    respond(id, workspace_symbols(s, q));
    return;
  }
  static const struct { const char *method; svl_query q; } queries[] = {
    {"textDocument/hover", SVL_QUERY_HOVER},
    {"textDocument/definition", SVL_QUERY_DEFINITION},
    {"textDocument/references", SVL_QUERY_REFERENCES},
    {"textDocument/documentSymbol", SVL_QUERY_SYMBOLS},
    {"textDocument/completion", SVL_QUERY_COMPLETION},
    {"textDocument/signatureHelp", SVL_QUERY_SIGNATURE},
  };
  int known = !strcmp(method, "textDocument/formatting") || !strcmp(method, "textDocument/codeAction");
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) known |= !strcmp(method, queries[i].method);
  if (!known) { respond_error(id, METHOD_NOT_FOUND, "method not supported"); return; }
  json_int_t line, ch;
  doc *d = request_doc(s, params, &line, &ch);
  if (!d) {
    /* a request about a document that is not open (or a bad request):
     * LSP lets the answer be empty rather than an error */
    if (!json_is_object(params)) respond_error(id, INVALID_PARAMS, "params must be an object");
    else respond(id, json_null());
    return;
  }
  if (!strcmp(method, "textDocument/formatting")) { respond(id, formatting(s, d)); return; }
  if (!strcmp(method, "textDocument/codeAction")) {
    json_int_t l = 0;
    json_unpack(params, "{s:{s:{s:I}}}", "range", "start", "line", &l);
    respond(id, code_actions(s, d, l));
    return;
  }
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
    if (!strcmp(method, queries[i].method)) {
      json_t *r = queries[i].q == SVL_QUERY_REFERENCES ? references(s, d, line, ch) : analyze(s, d, queries[i].q, line, ch);
      if (r && (queries[i].q == SVL_QUERY_DEFINITION || queries[i].q == SVL_QUERY_REFERENCES)) r = locations(s, r);
      respond(id, r);
      return;
    }
}

/* Returns 1 when the server should exit. */
static int handle_notification(server *s, const char *method, json_t *params, int *rc) {
  if (!strcmp(method, "exit")) {
    *rc = s->shutdown ? 0 : 1;
    return 1;
  }
  if (!s->initialized) return 0; /* LSP: notifications before initialize are dropped */
  const char *uri = NULL;
  json_unpack(params, "{s:{s:s}}", "textDocument", "uri", &uri);
  if (!strcmp(method, "textDocument/didOpen")) {
    const char *text = NULL;
    json_int_t version = 0;
    if (!uri || json_unpack(params, "{s:{s:s, s?I}}", "textDocument", "text", &text, "version", &version) != 0) return 0;
    doc *d = find_doc(s, uri);
    if (!d) {
      d = calloc(1, sizeof *d);
      if (!d) return 0;
      d->uri = strdup(uri);
      d->path = uri_path(uri);
      d->next = s->docs;
      s->docs = d;
    }
    free(d->text);
    d->len = json_string_length(json_object_get(json_object_get(params, "textDocument"), "text"));
    d->text = malloc(d->len + 1);
    if (d->text) memcpy(d->text, text, d->len + 1);
    else d->len = 0;
    d->version = version;
    d->due = now_ms(); /* a newly opened file: no reason to wait */
  } else if (!strcmp(method, "textDocument/didChange")) {
    doc *d = uri ? find_doc(s, uri) : NULL;
    if (!d) { log_message(2, "didChange for a document that is not open"); return 0; }
    json_int_t version = d->version;
    json_unpack(params, "{s:{s?I}}", "textDocument", "version", &version);
    d->version = version;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(params, "contentChanges"), i, c) apply_change(d, c);
    /* Edits that arrived together are applied before any analysis (every
     * waiting message is read first), so a burst costs one analysis
     * anyway.  Beyond that, adaptive: a document analysed in under 100 ms
     * is analysed at once (a 2,000-line file takes about 25 ms: waiting
     * would only delay the answer); a slower one waits as long as its last
     * analysis took (at most a second) for the next keystroke. */
    long long wait = s->debounce >= 0 ? s->debounce : d->cost < 100 ? 0 : d->cost < 1000 ? d->cost : 1000;
    d->due = now_ms() + wait;
  } else if (!strcmp(method, "textDocument/didClose")) {
    for (doc **p = &s->docs; *p; p = &(*p)->next)
      if (uri && !strcmp((*p)->uri, uri)) {
        doc *d = *p;
        *p = d->next;
        notify("textDocument/publishDiagnostics", json_pack("{s:s, s:[]}", "uri", d->uri, "diagnostics"));
        free(d->uri);
        free(d->path);
        free(d->text);
        free(d);
        break;
      }
  }
  return 0;
}

static void enqueue(server *s, json_t *j) {
  msg *m = calloc(1, sizeof *m);
  if (!m) { json_decref(j); return; }
  m->j = j;
  if (s->tail) s->tail->next = m;
  else s->head = m;
  s->tail = m;
}

/* Read what is waiting; a cancellation marks the queued request it
 * names (answered with RequestCancelled when its turn comes). */
static void read_waiting(server *s, int timeout) {
  while (!s->eof && readable(s, timeout)) {
    json_t *j;
    int bad;
    if (!read_message(s, &j, &bad)) break;
    timeout = 0;
    if (bad) { respond_error(NULL, PARSE_ERROR, "the message is not valid JSON-RPC"); continue; }
    const char *method = json_string_value(json_object_get(j, "method"));
    if (method && !strcmp(method, "$/cancelRequest")) {
      json_t *id = json_object_get(json_object_get(j, "params"), "id");
      for (msg *m = s->head; m; m = m->next)
        if (id && json_equal(json_object_get(m->j, "id"), id)) m->cancelled = 1;
      json_decref(j);
      continue;
    }
    enqueue(s, j);
  }
}

static int serve(server *s) {
  int rc = 1;
  for (;;) {
    if (!s->head) {
      /* idle: wait for input until the next diagnostics are due */
      long long due = 0;
      for (doc *d = s->docs; d; d = d->next)
        if (d->due && (!due || d->due < due)) due = d->due;
      long long wait = due ? due - now_ms() : -1;
      if (due && wait <= 0) {
        for (doc *d = s->docs; d; d = d->next)
          if (d->due && d->due <= now_ms()) publish(s, d);
        continue;
      }
      if (s->eof) return rc;
      read_waiting(s, wait > INT_MAX ? INT_MAX : (int)wait);
      continue;
    }
    read_waiting(s, 0);
    msg *m = s->head;
    s->head = m->next;
    if (!s->head) s->tail = NULL;
    json_t *j = m->j;
    json_t *id = json_object_get(j, "id");
    const char *method = json_string_value(json_object_get(j, "method"));
    json_t *params = json_object_get(j, "params");
    int done = 0;
    if (!json_is_object(j) || (!method && !id)) {
      respond_error(NULL, INVALID_REQUEST, "not a JSON-RPC request or notification");
    } else if (!method) {
      /* a response to a request of ours: we send none */
    } else if (m->cancelled && id) {
      respond_error(id, REQUEST_CANCELLED, "cancelled");
    } else if (id) {
      handle_request(s, method, id, params);
    } else {
      done = handle_notification(s, method, params, &rc);
    }
    json_decref(j);
    free(m);
    if (done) return rc;
  }
}

int lsp_main(const svl_config *base, int argc, char **argv) {
  server s;
  memset(&s, 0, sizeof s);
  s.debounce = -1;
  svl_config cfg = *base;
  cfg.write = NULL;   /* a hover's `print` must never reach the protocol stream */
  cfg.report = NULL;
  cfg.max_steps = 2000000;
  cfg.timeout_ms = 1000;
  cfg.heap_budget = (size_t)256 << 20;
  s.vm = svl_new(&cfg);
  if (!s.vm) return 1;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--stdio")) continue;
    if (!strcmp(argv[i], "--input") && i + 1 < argc) {
      json_t *a = json_pack("[s]", argv[++i]);
      bind_inputs_from(&s, a);
      json_decref(a);
    } else if (!strcmp(argv[i], "--debounce") && i + 1 < argc) {
      s.debounce = atoll(argv[++i]);
    } else {
      fprintf(stderr, "svl: unknown option '%s'\nusage: svl lsp [--stdio] [--input NAME]... [--debounce MS]\n", argv[i]);
      svl_free(s.vm);
      return 2;
    }
  }
  int rc = serve(&s);
  while (s.docs) {
    doc *d = s.docs;
    s.docs = d->next;
    free(d->uri);
    free(d->path);
    free(d->text);
    free(d);
  }
  while (s.head) {
    msg *m = s.head;
    s.head = m->next;
    json_decref(m->j);
    free(m);
  }
  free(s.buf);
  free(s.root);
  svl_free(s.vm);
  return rc;
}
