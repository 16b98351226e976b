/* Data in, part three: reading files (size limit, encodings), choosing
 * the format, JSON Lines and concatenated JSON, streams, and the
 * builtins load, stream, from_json (stdlib/load.c has the overview). */
#define _POSIX_C_SOURCE 200809L
#include "stdlib/load_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iconv.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/gc.h"

#define LOAD_DEFAULT_MAX ((size_t)256 << 20) /* svl_config.max_load_bytes 0 */
/* load of a JSON file over this size reads it this much at a time */
#define LOAD_WINDOW ((size_t)64 << 10)

typedef enum { ENC_UTF8, ENC_CP1252 } enc_t;
typedef enum { FMT_BY_NAME, FMT_CSV, FMT_JSON, FMT_JSONL } fmt_t;

/* ---- reading files ------------------------------------------------------ */

_Noreturn void ld_io_fail(vm *v, loc at, const char *shown, const char *full, int e) {
  if (strcmp(shown, full) == 0)
    vm_error_kind(v, DIAG_IO, at, "E0901 cannot read '%s': %s", shown, read_error(e));
  vm_error_kind(v, DIAG_IO, at, "E0901 cannot read '%s' (%s): %s", shown, full, read_error(e));
}

/* The largest file load() reads whole (svl_config.max_load_bytes). */
static size_t load_limit(const vm *v) {
  return v->cfg.max_load_bytes ? v->cfg.max_load_bytes : LOAD_DEFAULT_MAX;
}

/* "256 MiB", "1 GiB", "1000 bytes": a limit as the user would set it. */
static const char *size_str(size_t n) {
  char buf[64];
  if (n >= ((size_t)1 << 30) && n % ((size_t)1 << 30) == 0) snprintf(buf, sizeof buf, "%zu GiB", n >> 30);
  else if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0) snprintf(buf, sizeof buf, "%zu MiB", n >> 20);
  else snprintf(buf, sizeof buf, "%zu bytes", n);
  return gc_strdup(buf);
}

_Noreturn static void over_limit(vm *v, loc at, const char *shown, size_t limit) {
  vm_error_hint(v, at,
                "raise the limit with svl run --max-load-size SIZE (svl_config.max_load_bytes), "
                "or read a JSON Lines file item by item with stream(path)",
                "E0805 cannot load '%s': the file is over the %s limit", shown, size_str(limit));
}

char *ld_read_data_file(vm *v, loc at, const char *shown, const char *full, size_t *len_out) {
  size_t limit = load_limit(v);
  FILE *f = open_regular(full);
  if (!f) ld_io_fail(v, at, shown, full, errno);
  struct stat st;
  size_t cap = 65536;
  if (fstat(fileno(f), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      fclose(f);
      ld_io_fail(v, at, shown, full, EISDIR);
    }
    if (S_ISREG(st.st_mode)) {
      if (st.st_size < 0 || (uintmax_t)st.st_size > limit) {
        fclose(f);
        over_limit(v, at, shown, limit);
      }
      cap = (size_t)st.st_size + 1;
    }
  }
  /* not cleared: every byte up to len is read into it before it is used,
   * and zeroing 9 MB first touched every page twice */
  char *buf = gc_alloc_atomic_uncleared(cap);
  size_t len = 0;
  for (;;) {
    if (len == cap - 1) { /* full: at the end, or must grow */
      int ch = fgetc(f);
      if (ch == EOF) {
        if (ferror(f)) {
          int e = errno;
          fclose(f);
          ld_io_fail(v, at, shown, full, e);
        }
        break;
      }
      ungetc(ch, f);
      if (cap - 1 >= limit) {
        fclose(f);
        over_limit(v, at, shown, limit);
      }
      size_t nc = cap - 1 < 32768 ? 65536 + 1 : (cap - 1) * 2 + 1;
      if (nc - 1 > limit) nc = limit + 1;
      char *nb = gc_alloc_atomic_uncleared(nc);
      memcpy(nb, buf, len);
      buf = nb;
      cap = nc;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) {
        int e = errno;
        fclose(f);
        ld_io_fail(v, at, shown, full, e ? e : EIO);
      }
      break;
    }
  }
  fclose(f);
  buf[len] = 0;
  *len_out = len;
  return buf;
}

/* ---- encodings ---------------------------------------------------------- */

/* Latin-1 is read as Windows-1252, its superset on every byte a text file
 * uses (0x80-0x9F are C1 control codes in ISO-8859-1, never meant in
 * data, and Windows-1252's euro sign and curly quotes in what files
 * labelled Latin-1 really hold): the WHATWG Encoding Standard, which web
 * browsers follow, decodes both labels so. */
static enc_t enc_named(vm *v, loc at, const char *name) {
  if (!name) return ENC_UTF8;
  static const struct {
    const char *label;
    enc_t enc;
  } labels[] = {{"utf-8", ENC_UTF8},        {"utf8", ENC_UTF8},         {"windows-1252", ENC_CP1252},
                {"cp1252", ENC_CP1252},     {"latin-1", ENC_CP1252},    {"latin1", ENC_CP1252},
                {"iso-8859-1", ENC_CP1252}, {"iso8859-1", ENC_CP1252}};
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (ld_ieq(name, strlen(name), labels[i].label)) return labels[i].enc;
  vm_error(v, at, "E0704 load: unknown encoding '%s' (utf-8, windows-1252 or latin-1)", name);
}

/* s[0..n) from Windows-1252 to UTF-8, in a new buffer.  The five bytes
 * Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) are an error
 * naming the line: such a file is in some other encoding. */
static char *from_cp1252(vm *v, loc at, const char *shown, const char *s, size_t n, size_t line0,
                         size_t *out_n) {
  if (n > (SIZE_MAX - 1) / 3) ld_too_big(v, at);
  char *out = gc_alloc_atomic(n * 3 + 1); /* at most 3 bytes a character (€) */
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
  if (cd == (iconv_t)-1)
    vm_error(v, at, "E0705 %s: cannot decode Windows-1252 on this system: %s", shown, strerror(errno));
  char *in = (char *)s, *o = out;
  size_t inleft = n, oleft = n * 3;
  while (inleft) {
    if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1) continue;
    int e = errno;
    iconv_close(cd);
    size_t line = line0;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(in - p))); p++) line++;
    if (e == EILSEQ || e == EINVAL)
      vm_error(v, at, "E0705 %s:%zu: byte 0x%02X is not a Windows-1252 character (is the file in another encoding?)",
               shown, line, (unsigned char)*in);
    vm_error(v, at, "E0705 %s:%zu: cannot decode Windows-1252: %s", shown, line, strerror(e));
  }
  iconv_close(cd);
  *o = 0;
  *out_n = (size_t)(o - out);
  return out;
}

/* ---- load --------------------------------------------------------------- */

static bool ext_is(const char *path, const char *ext) {
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash + 1 : path, '.');
  if (!dot || dot == (slash ? slash + 1 : path)) return false;
  return ld_ieq(dot, strlen(dot), ext);
}

static fmt_t fmt_of(vm *v, loc at, const char *path) {
  if (ext_is(path, ".csv")) return FMT_CSV;
  if (ext_is(path, ".json")) return FMT_JSON;
  if (ext_is(path, ".jsonl") || ext_is(path, ".ndjson")) return FMT_JSONL;
  vm_error(v, at, "E0704 load: cannot tell the format of '%s': supported formats are .csv, .json and "
                  ".jsonl (or .ndjson); or name it (format: \"csv\", \"json\" or \"jsonl\")", path);
}

static fmt_t fmt_named(vm *v, loc at, const char *name) {
  if (ld_ieq(name, strlen(name), "csv")) return FMT_CSV;
  if (ld_ieq(name, strlen(name), "json")) return FMT_JSON;
  if (ld_ieq(name, strlen(name), "jsonl") || ld_ieq(name, strlen(name), "ndjson")) return FMT_JSONL;
  vm_error(v, at, "E0704 load: unknown format '%s' (csv, json or jsonl)", name);
}

static void load_check(vm *v, loc at, const char *path, const char *what) {
  if (!vm_allowed(v, PERM_FILES)) vm_error(v, at, "E0902 %s needs file access, which the host has not granted", what);
  if (!path || !*path) vm_error(v, at, "E0704 %s: the path is empty", what);
}

static value load_with(vm *v, loc at, const char *path, const vtype *type, fmt_t fmt, enc_t enc) {
  load_check(v, at, path, "load");
  if (fmt == FMT_BY_NAME) fmt = fmt_of(v, at, path);
  const char *full = vm_path(v, at, path);
  /* A large JSON file whose bytes nothing keeps (no hash to work out
   * later) is read a window at a time, never whole: its bytes were a
   * fifth of a run's peak (docs/ocds.md, "Benchmark").  Windows-1252
   * files, and any the window cannot finish, are read whole. */
  struct stat st;
  datasrc *ds;
  value x;
  bool big = fmt != FMT_CSV && stat(full, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > LOAD_WINDOW;
  /* before the parse, which runs with the collector paused: the heap then
   * grows by the new divisor's smaller steps and ends nearer its data */
  if (big) gc_large_data();
  if (big && enc == ENC_UTF8 && v->cfg.file_hashes == SVL_FILE_HASH_NONE &&
      (uintmax_t)st.st_size <= load_limit(v) &&
      ld_json_windowed(v, at, path, full, fmt == FMT_JSONL, LOAD_WINDOW, &x, &ds)) {
    vm_note_file(v, full, NULL, (size_t)st.st_size);
    return ds->root = ld_json_convert(v, at, path, NULL, x, type, NULL);
  }
  size_t n;
  const char *raw = ld_read_data_file(v, at, path, full, &n), *s = raw;
  vm_note_file(v, full, s, n);
  if (enc == ENC_CP1252) s = from_cp1252(v, at, path, s, n, 1, &n);
  if (fmt == FMT_CSV) {
    x = ld_load_csv(v, at, path, s, n, type);
    /* The rows hold copies of their cells, so the bytes can go now (as a
     * JSON load's below): the heap they leave takes what the program
     * makes next, instead of growing -- the benchmark tender's 9 MB file
     * was a sixth of its peak, and fresh pages cost page faults. */
    if (s != raw) gc_free(s);
    if (v->cfg.file_hashes != SVL_FILE_HASH_LAZY) gc_free(raw);
    return x;
  }
  if (n > LOAD_WINDOW) gc_large_data(); /* a FIFO's size is known only now */
  x = ld_parse_json(v, at, path, s, n, fmt == FMT_JSONL, &ds);
  /* Nothing a JSON load makes points into the bytes read (texts are
   * copies), and unless the VM keeps them for a file hash (vm_note_file)
   * they can go now rather than when the collector finds them unreached:
   * a stale copy of the pointer on the C stack kept a 5 MB package's
   * bytes to the end of the run (docs/ocds.md, "Benchmark"). */
  if (v->cfg.file_hashes != SVL_FILE_HASH_LAZY) gc_free((void *)raw);
  ds->root = x = ld_json_convert(v, at, path, NULL, x, type, NULL);
  return x;
}

value load_path(vm *v, loc at, const char *path, const vtype *type) {
  return load_with(v, at, path, type, FMT_BY_NAME, enc_named(v, at, v->cfg.load_encoding));
}

/* ---- streams ------------------------------------------------------------ */

#define STREAM_CHUNK ((size_t)1 << 20) /* bytes read at a time */

typedef struct {
  const char *path, *full;
  const vtype *type; /* each item's, or NULL */
  enc_t enc;
  const char *items; /* items: "releases": the top-level array streamed, or NULL */
} stream_def;

/* One pass over the file.  buf[start..end) is read and not yet used; the
 * item being looked for starts at start, and the scanner has looked up to
 * start + sc_off.  line and col are buf[start]'s place in the file. */
typedef struct {
  const stream_def *d;
  FILE *f;
  iconv_t cd; /* Windows-1252 to UTF-8, or (iconv_t)-1 */
  char *buf, *raw;
  size_t chunk; /* bytes read at a time */
  size_t cap, start, end, limit;
  bool eof, bom_checked;
  size_t line, col;
  size_t sc_off;    /* scanner: bytes of the item looked at */
  int sc_depth;     /* open brackets */
  bool sc_str, sc_esc;
  errlist errs;     /* items that do not fit the type: listed at the end */
  size_t items;
  jcache *cache;    /* the parser's shared texts, keys and shapes, across items */
  int phase;        /* items: 0 before the array, 1 in it, 2 after it */
  const char **pkeys; /* items: the package's keys so far, a set (open addressing) */
  size_t npkeys, pkcap;
} spass;

static void spass_close(spass *p) {
  if (p->f) fclose(p->f);
  if (p->cd != (iconv_t)-1) iconv_close(p->cd);
  p->f = NULL;
  p->cd = (iconv_t)-1;
}

/* A pass a failed evaluation left behind (an error inside the loop body
 * unwinds past it) is closed when the collector frees it. */
static void spass_finalize(void *obj, void *data) {
  (void)data;
  spass_close(obj);
}

_Noreturn static void item_too_big(vm *v, loc at, const spass *p) {
  vm_error_hint(v, at, "raise the limit with svl run --max-load-size SIZE (svl_config.max_load_bytes)",
                "E0805 stream '%s': the item at line %zu is over the %s limit", p->d->path, p->line,
                size_str(p->limit));
}

/* Read more of the file after buf[end], moving what is unused to the
 * front first.  False at the end of the file. */
static bool spass_fill(vm *v, loc at, spass *p) {
  if (p->eof) return false;
  if (p->start) {
    memmove(p->buf, p->buf + p->start, p->end - p->start);
    p->end -= p->start;
    p->start = 0;
  }
  size_t want = p->chunk;
  if (p->end + 3 * want + 1 > p->cap) { /* one item is larger than the buffer */
    if (p->end > p->limit) item_too_big(v, at, p);
    size_t nc = p->cap * 2;
    while (p->end + 3 * want + 1 > nc) nc *= 2;
    char *nb = gc_alloc_atomic(nc);
    memcpy(nb, p->buf, p->end);
    p->buf = nb;
    p->cap = nc;
  }
  size_t got = fread(p->raw, 1, want, p->f);
  if (got == 0) {
    if (ferror(p->f)) {
      int e = errno;
      spass_close(p);
      ld_io_fail(v, at, p->d->path, p->d->full, e ? e : EIO);
    }
    p->eof = true;
    spass_close(p);
    return false;
  }
  if (p->cd == (iconv_t)-1) {
    memcpy(p->buf + p->end, p->raw, got);
    p->end += got;
  } else {
    char *in = p->raw, *o = p->buf + p->end;
    size_t inleft = got, oleft = p->cap - p->end - 1;
    if (iconv(p->cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
      /* the line: what is before the bad byte in this chunk */
      size_t line = p->line, done = (size_t)(o - (p->buf + p->end));
      for (size_t i = p->start; i < p->end; i++) line += p->buf[i] == '\n';
      for (size_t i = 0; i < done; i++) line += p->buf[p->end + i] == '\n';
      unsigned char bad = (unsigned char)*in;
      spass_close(p);
      vm_error(v, at, "E0705 %s:%zu: byte 0x%02X is not a Windows-1252 character (is the file in another encoding?)",
               p->d->path, line, bad);
    }
    p->end = (size_t)(o - p->buf);
  }
  return true;
}

/* Advance the scanner over the item at start: true when its end is
 * found (start + sc_off), false when it runs past what is read.  It only
 * finds where the item ends -- brackets outside strings balance, a string
 * closes, a bare word ends at a blank or a bracket -- and leaves every
 * other check to the parser, which then reads exactly that span. */
static bool spass_scan(spass *p) {
  const char *b = p->buf + p->start;
  size_t n = p->end - p->start, i = p->sc_off;
  char first = b[0];
  if (first == '{' || first == '[') {
    for (; i < n; i++) {
      char c = b[i];
      if (p->sc_str) {
        if (p->sc_esc) p->sc_esc = false;
        else if (c == '\\') p->sc_esc = true;
        else if (c == '"' || c == '\n') p->sc_str = false; /* a newline: the parser says what is wrong */
      } else if (c == '"') {
        p->sc_str = true;
      } else if (c == '{' || c == '[') {
        p->sc_depth++;
      } else if (c == '}' || c == ']') {
        if (--p->sc_depth == 0) {
          p->sc_off = i + 1;
          return true;
        }
      }
    }
  } else if (first == '"') {
    for (i = i ? i : 1; i < n; i++) {
      char c = b[i];
      if (p->sc_esc) p->sc_esc = false;
      else if (c == '\\') p->sc_esc = true;
      else if (c == '"' || c == '\n') {
        p->sc_off = i + (c == '"');
        return true;
      }
    }
  } else {
    if (i == 0) i = 1; /* a stray bracket alone is an item: the parser reports it */
    for (; i < n; i++) {
      char c = b[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' || c == '[' || c == '}' || c == ']' ||
          c == ',' || c == '"')
        break;
    }
    if (i < n) {
      p->sc_off = i;
      return true;
    }
  }
  p->sc_off = i;
  return false;
}

/* A pass over d's file, read chunk bytes at a time; NULL (errno set)
 * when it cannot be opened. */
static spass *spass_new(vm *v, const stream_def *d, size_t chunk) {
  spass *p = gc_alloc(sizeof *p);
  p->d = d;
  p->cd = (iconv_t)-1;
  p->limit = load_limit(v);
  p->line = p->col = 1;
  p->chunk = chunk;
  p->cap = 4 * chunk;
  p->f = open_regular(d->full);
  if (!p->f) return NULL;
  p->buf = gc_alloc_atomic(p->cap);
  p->raw = gc_alloc_atomic(chunk);
  return p;
}

static void *stream_open(vm *v, loc at, const vstream *s) {
  const stream_def *d = s->data;
  spass *p = spass_new(v, d, STREAM_CHUNK);
  if (!p) ld_io_fail(v, at, d->path, d->full, errno);
  ld_errs_init(&p->errs);
  p->cache = ld_json_cache(false);
  struct stat st;
  if (fstat(fileno(p->f), &st) == 0 && S_ISDIR(st.st_mode)) {
    spass_close(p);
    ld_io_fail(v, at, d->path, d->full, EISDIR);
  }
  if (d->enc == ENC_CP1252) {
    p->cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (p->cd == (iconv_t)-1) {
      int e = errno;
      spass_close(p);
      vm_error(v, at, "E0705 %s: cannot decode Windows-1252 on this system: %s", d->path, strerror(e));
    }
  }
  gc_finalizer(p, spass_finalize, NULL);
  return p;
}

/* Step over blanks before the next item, keeping line and col. */
static bool spass_skip_blanks(vm *v, loc at, spass *p) {
  for (;;) {
    if (!p->bom_checked) {
      if (p->end - p->start < 3 && spass_fill(v, at, p)) continue;
      if (p->end - p->start >= 3 && memcmp(p->buf + p->start, "\xEF\xBB\xBF", 3) == 0) p->start += 3;
      p->bom_checked = true;
    }
    while (p->start < p->end) {
      char c = p->buf[p->start];
      if (c == '\n') p->line++, p->col = 1;
      else if (c == ' ' || c == '\t' || c == '\r') p->col++;
      else return true;
      p->start++;
    }
    if (!spass_fill(v, at, p)) return false;
  }
}

/* The length of the JSON value at start (read in as far as it goes). */
static size_t spass_span(vm *v, loc at, spass *p) {
  p->sc_off = 0, p->sc_depth = 0, p->sc_str = p->sc_esc = false;
  while (!spass_scan(p)) {
    if (p->sc_off > p->limit) item_too_big(v, at, p);
    if (!spass_fill(v, at, p)) {
      p->sc_off = p->end - p->start; /* the rest: the parser says what is missing */
      break;
    }
  }
  if (p->sc_off > p->limit) item_too_big(v, at, p);
  return p->sc_off;
}

/* Step over n bytes at start, keeping line and col. */
static void spass_advance(spass *p, size_t n) {
  const char *s = p->buf + p->start, *last = s; /* the start of the last line */
  for (const char *q = s; (q = memchr(q, '\n', (size_t)(s + n - q))); last = ++q) p->line++;
  p->col = (last == s ? p->col : 1) + utf8_count(last, (size_t)(s + n - last));
  p->start += n;
}

/* The value of n bytes at start, parsed; the pass steps over it. */
static value spass_parse(vm *v, loc at, spass *p, size_t n, datasrc *ds) {
  jparser j;
  ld_json_init(&j, v, at, p->d->path, ds, p->buf + p->start, n, p->line, p->col);
  j.cache = p->cache;
  value x = ld_json_value(&j);
  if (j.p < j.n) ld_json_fail(&j, j.p, "unexpected text after the JSON value");
  spass_advance(p, n);
  return x;
}

/* ---- a package's array, item by item (stream(path, items: "releases")) */

_Noreturn static void spass_fail(vm *v, loc at, spass *p, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void spass_fail(vm *v, loc at, spass *p, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  spass_close(p);
  vm_error(v, at, "E0702 %s:%zu:%zu: %s", p->d->path, p->line, p->col, msg);
}

/* The next character after blanks (0 at the end of the file). */
static char spass_peek(vm *v, loc at, spass *p) {
  return spass_skip_blanks(v, at, p) ? p->buf[p->start] : 0;
}

/* What is at start, for messages: 'x' or the end of the file. */
static const char *spass_what(spass *p, char c) {
  if (!c) return "the end of the file";
  sbuf b;
  sb_init(&b);
  if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7F) sb_printf(&b, "'%c'", c);
  else sb_printf(&b, "byte 0x%02X", (unsigned char)c);
  (void)p;
  return b.s;
}

/* Note the package's key k (at the pass's place): a key given twice is an
 * error, as load says for any object -- the items key most of all, whose
 * second array a stream would otherwise leave unread. */
static void spass_key(vm *v, loc at, spass *p, const char *k) {
  if (2 * (p->npkeys + 1) > p->pkcap) {
    const char **old = p->pkeys;
    size_t oc = p->pkcap;
    p->pkcap = oc ? 2 * oc : 16;
    p->pkeys = gc_alloc(p->pkcap * sizeof *p->pkeys);
    for (size_t i = 0; i < oc; i++) {
      if (!old[i]) continue;
      size_t j = gc_hash(old[i], strlen(old[i])) & (p->pkcap - 1);
      while (p->pkeys[j]) j = (j + 1) & (p->pkcap - 1);
      p->pkeys[j] = old[i];
    }
  }
  size_t j = gc_hash(k, strlen(k)) & (p->pkcap - 1);
  for (; p->pkeys[j]; j = (j + 1) & (p->pkcap - 1)) {
    if (strcmp(p->pkeys[j], k) != 0) continue;
    sbuf b;
    sb_init(&b);
    ld_put_got(&b, k, strlen(k));
    spass_fail(v, at, p, "duplicate key %s in the package", b.s);
  }
  p->pkeys[j] = k;
  p->npkeys++;
}

/* The package's fields other than the array, each parsed (so a malformed
 * one is reported) and left: before the array (head), up to its key and
 * '['; after it, up to the closing '}' and the end of the file. */
static void spass_fields(vm *v, loc at, spass *p, bool head) {
  const char *want = p->d->items;
  sbuf keys;
  sb_init(&keys);
  bool first = head;
  if (head) {
    char c = spass_peek(v, at, p);
    if (c != '{')
      spass_fail(v, at, p, "expected the package's '{', found %s (items: \"%s\" streams the items of an array in the top-level object)",
                 spass_what(p, c), want);
    spass_advance(p, 1);
  }
  for (;;) {
    char c = spass_peek(v, at, p);
    if (c == '}') {
      if (head)
        spass_fail(v, at, p, "the package has no top-level \"%s\" array (its keys: %s)", want, keys.len ? keys.s : "none");
      spass_advance(p, 1);
      if (spass_peek(v, at, p)) spass_fail(v, at, p, "unexpected %s after the package", spass_what(p, p->buf[p->start]));
      return;
    }
    if (!c) spass_fail(v, at, p, "the package is never closed (missing '}')");
    if (!first) {
      if (c != ',') spass_fail(v, at, p, "expected ',' or '}' after a field of the package, found %s", spass_what(p, c));
      spass_advance(p, 1);
      c = spass_peek(v, at, p);
    }
    first = false;
    if (c != '"') spass_fail(v, at, p, "expected a key in double quotes, found %s", spass_what(p, c));
    size_t kline = p->line, kcol = p->col;
    value k = spass_parse(v, at, p, spass_span(v, at, p), NULL);
    /* the error at the key, as load gives it */
    size_t aline = p->line, acol = p->col;
    p->line = kline, p->col = kcol;
    spass_key(v, at, p, k.as.text->s);
    p->line = aline, p->col = acol;
    if (keys.len) sb_puts(&keys, ", ");
    sb_puts(&keys, k.as.text->s);
    c = spass_peek(v, at, p);
    if (c != ':') spass_fail(v, at, p, "expected ':' after a key, found %s", spass_what(p, c));
    spass_advance(p, 1);
    c = spass_peek(v, at, p);
    if (head && strcmp(k.as.text->s, want) == 0) {
      if (c != '[') spass_fail(v, at, p, "\"%s\" is not an array (found %s)", want, spass_what(p, c));
      spass_advance(p, 1);
      return;
    }
    if (!c) spass_fail(v, at, p, "the package is never closed (missing '}')");
    spass_parse(v, at, p, spass_span(v, at, p), NULL);
  }
}

/* Whether another item of the array follows (the pass then at it). */
static bool spass_next_in_array(vm *v, loc at, spass *p) {
  if (p->phase == 2) return false;
  if (p->phase == 0) {
    spass_fields(v, at, p, true);
    p->phase = 1;
    if (spass_peek(v, at, p) != ']') return true;
  } else {
    char c = spass_peek(v, at, p);
    if (c == ',') {
      spass_advance(p, 1);
      if (spass_peek(v, at, p) == ']') spass_fail(v, at, p, "a comma before ']' (remove it)");
      return true;
    }
    if (!c) spass_fail(v, at, p, "the \"%s\" array is never closed (missing ']')", p->d->items);
    if (c != ']')
      spass_fail(v, at, p, "expected ',' or ']' after %s[%zu], found %s", p->d->items, p->items, spass_what(p, c));
  }
  spass_advance(p, 1); /* the ']' */
  spass_fields(v, at, p, false);
  p->phase = 2;
  return false;
}

static bool stream_next(vm *v, loc at, void *state, value *out) {
  spass *p = state;
  for (;;) {
    /* an item is a step: the limits (time, interrupt, heap) are looked at
     * even when nothing else runs, as in count(stream(path)) */
    vm_walk_steps(v, 1);
    if (p->d->items ? !spass_next_in_array(v, at, p) : !spass_skip_blanks(v, at, p)) {
      ld_errs_raise(v, at, &p->errs);
      return false;
    }
    size_t line = p->line;
    datasrc *ds = gc_alloc(sizeof *ds);
    ds->file = p->d->path;
    value x = spass_parse(v, at, p, spass_span(v, at, p), ds);
    p->items++;
    const char *path = NULL;
    if (p->d->items) {
      sbuf b;
      sb_init(&b);
      sb_printf(&b, "%s[%zu]", p->d->items, p->items);
      ds->at = path = b.s;
    }
    if (!p->d->type) {
      *out = ds->root = x;
      return true;
    }
    sbuf where;
    sb_init(&where);
    sb_printf(&where, "%s:%zu", p->d->path, line);
    size_t before = p->errs.count;
    x = ld_json_convert(v, at, where.s, path, x, p->d->type, &p->errs);
    if (p->errs.count == before) {
      *out = ds->root = x;
      return true;
    }
    /* a bad item is left out, and the pass goes on to count the others */
  }
}

static value stream_value(vm *v, loc at, const char *path, const vtype *type, enc_t enc, const char *items) {
  load_check(v, at, path, "stream");
  fmt_t fmt = fmt_of(v, at, path);
  if (fmt == FMT_CSV) vm_error(v, at, "E0704 stream: '%s' is CSV: stream reads JSON Lines (.jsonl) and concatenated JSON", path);
  if (items && !*items) vm_error(v, at, "E0704 stream: items: names the package's array (releases, records), not an empty text");
  stream_def *d = gc_alloc(sizeof *d);
  d->path = path;
  d->full = vm_path(v, at, path);
  d->type = type && type->kind == T_LIST ? type->elem : type; /* [T] and T both mean items of T */
  d->enc = enc;
  d->items = items;
  vstream *s = gc_alloc(sizeof *s);
  s->desc = path;
  s->open = stream_open;
  s->next = stream_next;
  s->data = d;
  value r = {.tag = V_STREAM};
  r.as.stream = s;
  return r;
}

/* ---- a whole-file JSON load through a window ----------------------------- */

/* The parser's window (load_json.c, "a file through a window") is the
 * pass's buffer: what it no longer needs goes, the next chunk is read. */
static bool window_more(jparser *j, size_t keep) {
  spass *p = j->win->ctx;
  p->start += keep;
  bool more = spass_fill(j->v, j->at, p);
  j->s = p->buf + p->start;
  j->n = p->end - p->start;
  return more;
}

bool ld_json_windowed(vm *v, loc at, const char *path, const char *full, bool seq, size_t chunk, value *out,
                      datasrc **dsp) {
  stream_def *d = gc_alloc(sizeof *d);
  d->path = path;
  d->full = full;
  spass *p = spass_new(v, d, chunk);
  if (!p) return false; /* read whole, which says why not */
  jwin w = {.more = window_more, .ctx = p, .fit = chunk};
  int r = ld_parse_json_window(v, at, path, &w, seq, out, dsp);
  spass_close(p);
  gc_free(p->buf);
  gc_free(p->raw);
  if (r == JW_RAISED) longjmp(*v->jmp, 1);
  return r == JW_OK;
}

/* ---- builtins ------------------------------------------------------------ */

static const vtype *type_arg(vm *v, loc at, value t) {
  if (t.tag == V_TYPE && t.as.type) return t.as.type;
  if (t.tag == V_LIST && t.as.list->n == 1 && t.as.list->items[0].tag == V_TYPE &&
      t.as.list->items[0].as.type) {
    vtype *l = gc_alloc(sizeof(vtype));
    l->kind = T_LIST;
    l->elem = t.as.list->items[0].as.type;
    return l;
  }
  vm_error(v, at, "E0704 load: the second argument must be a type, like Bid or [Bid], not %s",
           value_type_name(t));
}

static const char *path_arg(vm *v, loc at, value x, const char *what) {
  const text *p = vm_want_text(v, at, x, "path");
  if (strlen(p->s) != p->len) vm_error(v, at, "E0704 %s: the path contains a NUL character", what);
  return p->s;
}

/* An option given by name (format:, encoding:), or null when left out. */
static const char *opt_arg(vm *v, loc at, int nargs, value *args, int i, const char *what) {
  if (i >= nargs || args[i].tag == V_NULL) return NULL;
  return vm_want_text(v, at, args[i], what)->s;
}

static value bi_load(vm *v, int nargs, value *args, loc at) {
  const char *path = path_arg(v, at, args[0], "load");
  const vtype *t = nargs > 1 && args[1].tag != V_NULL ? type_arg(v, at, args[1]) : NULL;
  const char *f = opt_arg(v, at, nargs, args, 2, "format"), *e = opt_arg(v, at, nargs, args, 3, "encoding");
  return load_with(v, at, path, t, f ? fmt_named(v, at, f) : FMT_BY_NAME,
                   enc_named(v, at, e ? e : v->cfg.load_encoding));
}

static value bi_stream(vm *v, int nargs, value *args, loc at) {
  const char *path = path_arg(v, at, args[0], "stream");
  const vtype *t = nargs > 1 && args[1].tag != V_NULL ? type_arg(v, at, args[1]) : NULL;
  const char *e = opt_arg(v, at, nargs, args, 2, "encoding"), *items = opt_arg(v, at, nargs, args, 3, "items");
  return stream_value(v, at, path, t, enc_named(v, at, e ? e : v->cfg.load_encoding), items);
}

static value bi_from_json(vm *v, int nargs, value *args, loc at) {
  (void)nargs;
  const text *t = vm_want_text(v, at, args[0], "text");
  return load_json_text(v, at, t->s, t->len);
}

/* parse_number(x) and the others: a value or null, a reason or null;
 * nothing a script passes makes them stop the run. */
static bool parse_value(value x, bool pct, value *out, sbuf *why) {
  switch (x.tag) {
  case V_TEXT: return ld_parse_text(x.as.text->s, x.as.text->len, pct, out, why);
  case V_NUM:
    if (x.unit) break;
    if (x.pct || !pct) {
      *out = x;
      return true;
    }
    if (dec_div(x.as.num, dec_from_int(100), &x.as.num) != DEC_OK) break;
    *out = v_pct(x.as.num);
    return true;
  case V_NULL: sb_puts(why, "the value is null"); return false;
  default: break;
  }
  sb_printf(why, "%s is %s, not %s", value_short(x), value_type_name(x), pct ? "a percentage" : "a number");
  return false;
}

static value parse_builtin(value x, bool pct, bool problem) {
  value out;
  sbuf why;
  sb_init(&why);
  bool ok = parse_value(x, pct, &out, &why);
  if (problem) return ok ? v_null : v_text(why.s, why.len);
  return ok ? out : v_null;
}

static value bi_parse_number(vm *v, int nargs, value *args, loc at) {
  (void)v, (void)nargs, (void)at;
  return parse_builtin(args[0], false, false);
}
static value bi_parse_percent(vm *v, int nargs, value *args, loc at) {
  (void)v, (void)nargs, (void)at;
  return parse_builtin(args[0], true, false);
}
static value bi_parse_number_problem(vm *v, int nargs, value *args, loc at) {
  (void)v, (void)nargs, (void)at;
  return parse_builtin(args[0], false, true);
}
static value bi_parse_percent_problem(vm *v, int nargs, value *args, loc at) {
  (void)v, (void)nargs, (void)at;
  return parse_builtin(args[0], true, true);
}

const builtin data_builtins[] = {
    {"parse_number", 1, 1, bi_parse_number, "x"},
    {"parse_percent", 1, 1, bi_parse_percent, "x"},
    {"parse_number_problem", 1, 1, bi_parse_number_problem, "x"},
    {"parse_percent_problem", 1, 1, bi_parse_percent_problem, "x"},
    {"load", 1, 4, bi_load, "path, type, format, encoding"},
    {"stream", 1, 4, bi_stream, "path, type, encoding, items"},
    {"from_json", 1, 1, bi_from_json, "text"},
};
const int data_builtins_count = BUILTIN_COUNT(data_builtins);
