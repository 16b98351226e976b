/* load's whole-file JSON read through a window (stdlib/load_json.c, "a
 * file through a window"): texts of every shape, read through windows of
 * 1 byte to 4 KiB, give the value a whole read gives -- equal, printed
 * the same, every object on the same line -- and a text the window cannot
 * finish (malformed, invalid UTF-8) is left to the whole read (false),
 * which reports it as load always did.  Printed as TAP version 13. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/gc.h"
#include "stdlib/load_int.h"
#include "svl.h"
#include "tap.h"


typedef struct {
  const char *path;
  bool seq;
  size_t chunk;
  bool read;
  value x;
} wcall;

static void call_window(vm *v, void *ctx) {
  wcall *c = ctx;
  datasrc *ds;
  c->read = ld_json_windowed(v, (loc){0}, c->path, c->path, c->seq, c->chunk, &c->x, &ds);
}

typedef struct {
  const char *text;
  size_t n;
  bool seq;
  value x;
} pcall;

static void call_whole(vm *v, void *ctx) {
  pcall *c = ctx;
  datasrc *ds;
  c->x = ld_parse_json(v, (loc){0}, "t.json", c->text, c->n, c->seq, &ds);
}

/* The same lines for every record, field by field. */
static bool same_lines(value a, value b) {
  if (a.tag != b.tag) return false;
  if (a.tag == V_LIST) {
    if (a.as.list->n != b.as.list->n) return false;
    for (size_t i = 0; i < a.as.list->n; i++)
      if (!same_lines(a.as.list->items[i], b.as.list->items[i])) return false;
  }
  if (a.tag == V_RECORD) {
    if (a.as.rec->line != b.as.rec->line || a.as.rec->n != b.as.rec->n) return false;
    for (size_t i = 0; i < a.as.rec->n; i++)
      if (!same_lines(rec_get(a.as.rec, i), rec_get(b.as.rec, i))) return false;
  }
  return true;
}

static char path[300];

static void write_file(const char *s, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(s, 1, n, f) != n) {
    perror(path);
    exit(2);
  }
  fclose(f);
}

static const size_t chunks[] = {1, 2, 3, 5, 16, 64, 4096};
#define NCHUNKS (sizeof chunks / sizeof chunks[0])

/* Every window size reads s as the whole read does (good), or leaves it
 * to the whole read, which refuses it (bad). */
static void check(vm *v, const char *name, const char *s, size_t n, bool seq, bool good) {
  write_file(s, n);
  pcall whole = {s, n, seq, v_null};
  bool parsed = vm_protect(v, call_whole, &whole);
  char what[200];
  if (parsed != good) {
    snprintf(what, sizeof what, "%s: the whole read %s it", name, parsed ? "accepts" : "refuses");
    ok(false, what);
    return;
  }
  const char *want = parsed ? value_display(whole.x, false) : NULL;
  for (size_t i = 0; i < NCHUNKS; i++) {
    wcall w = {path, seq, chunks[i], false, v_null};
    bool ran = vm_protect(v, call_window, &w);
    bool same;
    if (good) {
      same = ran && w.read && value_equal(w.x, whole.x) && strcmp(value_display(w.x, false), want) == 0 &&
             same_lines(w.x, whole.x);
      if (!same) printf("# %s, %zu-byte window: %s\n", name, chunks[i], ran && w.read ? value_display(w.x, false) : "not read");
    } else {
      same = ran && !w.read;
    }
    snprintf(what, sizeof what, "%s, %zu-byte window: %s", name, chunks[i],
             good ? "the value of a whole read, on the same lines" : "left to the whole read");
    ok(same, what);
  }
}

static void check_text(vm *v, const char *name, const char *s, bool seq, bool good) {
  check(v, name, s, strlen(s), seq, good);
}

int main(void) {
  printf("TAP version 13\n");
  char dir[64] = "/tmp/svl-json-window-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(path, sizeof path, "%s/t.json", dir);
  svl_config cfg;
  svl_config_init(&cfg);
  svl_vm *sv = svl_new(&cfg);
  vm *v = (vm *)sv;

  check_text(v, "a release package, pretty-printed",
             "{\n  \"uri\": \"https://example.org/p.json\",\n  \"releases\": [\n    {\n      \"ocid\": \"ocds-1\",\n"
             "      \"tag\": [\"award\"],\n      \"awards\": [{\"id\": \"a1\", \"value\": {\"amount\": 452000.50, "
             "\"currency\": \"GBP\"}}],\n      \"ok\": true, \"no\": false, \"none\": null\n    },\n"
             "    {\"ocid\": \"ocds-2\", \"buyer\": {\"name\": \"NHS Wales\"}, \"tag\": []},\n"
             "    {\"ocid\": \"ocds-3\", \"buyer\": {\"name\": \"NHS Wales\"}, \"planning\": {}}\n  ],\n"
             "  \"publishedDate\": \"2025-03-12T00:00:00Z\"\n}\n",
             false, true);
  check_text(v, "empty containers", "[[], {}, [[]], {\"a\": {}}, [{}]]", false, true);
  check_text(v, "blanks around", " \n\t [ ]\r\n  ", false, true);
  check_text(v, "a nested list", "[[[[1, [2, [3]]]]], -2.5e3, 0, 1E+2, \"x\"]", false, true);
  check_text(v, "escapes", "[\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"\\u20ac\"]", false, true);
  check_text(v, "UTF-8 split by windows", "{\"caf\xc3\xa9\": \"\xe2\x82\xac 5 \xf0\x9f\x98\x80\", \"k\": [\"\xc3\xa9\"]}",
             false, true);
  check_text(v, "a byte-order mark", "\xef\xbb\xbf{\"a\": 1}", false, true);
  check_text(v, "a number alone", "42\n", false, true);
  check_text(v, "a text alone", "\"text\"", false, true);
  check_text(v, "a literal alone", "  true  ", false, true);
  check_text(v, "JSON Lines", "{\"a\": 1}\n{\"a\": 2}\n\n[3]\n", true, true);
  check_text(v, "JSON Lines, empty", "\n\n", true, true);
  check_text(v, "concatenated values", "{\"a\": 1} {\"b\": [2]}\n[3]", false, true);
  check_text(v, "a key before long blanks",
             "{\"key\"                                                                  :"
             "                                                                       1}",
             false, true);
  check_text(v, "objects of one shape", "[{\"a\": 1, \"b\": 2}, {\"a\": 3, \"b\": 4}, {\"b\": 5, \"a\": 6}]", false,
             true);

  /* long blank runs, a long text, deep nesting: generated */
  size_t cap = 1 << 16;
  char *b = malloc(cap);
  size_t n = (size_t)snprintf(b, cap, "[%*s1%*s,%*s\"x\"%*s]", 300, "", 300, "", 300, "", 300, "");
  check(v, "runs of blanks", b, n, false, true);
  n = (size_t)snprintf(b, cap, "{\"d\": \"");
  for (int i = 0; i < 10000; i++) b[n++] = (char)('a' + i % 26);
  n += (size_t)snprintf(b + n, cap - n, "\", \"e\": [\"%s\"]}", "\xc3\xa9");
  check(v, "a long text", b, n, false, true);
  n = 0;
  for (int i = 0; i < 200; i++) b[n++] = '[';
  for (int i = 0; i < 200; i++) b[n++] = ']';
  check(v, "nested 200 deep", b, n, false, true);
  n = (size_t)snprintf(b, cap, "{\"releases\": [\n");
  for (int i = 0; i < 300; i++)
    n += (size_t)snprintf(b + n, cap - n, "%s  {\"ocid\": \"ocds-%d\", \"value\": {\"amount\": %d.%02d, \"currency\": \"EUR\"},\n"
                          "   \"tag\": [\"tender\", \"award\"], \"items\": [{\"id\": \"%d\", \"quantity\": %d}]}",
                          i ? ",\n" : "", i / 2, 1000 + i, i % 100, i, i % 7);
  n += (size_t)snprintf(b + n, cap - n, "\n]}\n");
  check(v, "300 releases", b, n, false, true);

  check_text(v, "not closed", "[1, 2", false, false);
  check_text(v, "a comma before ']'", "[1, 2, ]", false, false);
  check_text(v, "no ':'", "{\"a\" 1}", false, false);
  check_text(v, "a duplicate key", "{\"a\": 1, \"b\": {\"c\": 2}, \"a\": 3}", false, false);
  check_text(v, "a bad literal", "[tru]", false, false);
  check_text(v, "a leading zero", "[01]", false, false);
  check_text(v, "invalid UTF-8", "[\"ok\", \"\xff\"]", false, false);
  check_text(v, "UTF-8 cut at the end", "[\"\xc3", false, false);
  check_text(v, "junk after the value", "[1] x", false, false);
  check_text(v, "empty", "", false, false);
  check_text(v, "blanks only", "   \n  ", false, false);
  check_text(v, "a NUL escape", "[\"a\\u0000\"]", false, false);
  check_text(v, "JSON Lines cut short", "{\"a\": 1}\n{\"a\":", true, false);
  n = 0;
  for (int i = 0; i < 600; i++) b[n++] = '[';
  for (int i = 0; i < 600; i++) b[n++] = ']';
  check(v, "nested 600 deep", b, n, false, false);
  b[0] = '[', b[1] = '"', b[2] = 'a', b[3] = 0, b[4] = '"', b[5] = ']';
  check(v, "a NUL byte", b, 6, false, false);
  free(b);

  svl_free(sv);
  unlink(path);
  rmdir(dir);
  return tap_done();
}
