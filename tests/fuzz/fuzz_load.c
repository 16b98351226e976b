/* libFuzzer harness: load() of CSV and JSON data, untyped and against a
 * type.  The first byte picks the mode; the rest is the file's content.
 * Mode 0 goes through svl_from_json, the others write a temporary file
 * and read it as `load` does, since that is the path bidders' data takes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svl.h"
#include "fuzz_common.h"

static char dir[64];

static void sink(void *ud, const char *s, size_t n) { (void)ud; (void)s; (void)n; }

/* A type touching every kind of field a CSV column can hold. */
static const char typed_prog[] =
    "unit FTE\n"
    "type Bid = {supplier: text, price: GBP, score: number, sme: bool, start: date?,\n"
    "  weeks: weeks?, staff: FTE?, share: number?}\n"
    "type Wide = {supplier: text, price: GBP?, tags: [text]?, rows: [Bid]?, nested: Bid?}\n"
    "let a = load(\"%s\", [%s])\n";

static void write_file(const char *path, const uint8_t *d, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (n && fwrite(d, 1, n, f) != n) abort();
  fclose(f);
}

static void show(svl_vm *vm, svl_value *v) {
  for (int f = SVL_FORMAT_TEXT; f <= SVL_FORMAT_MD; f++) {
    char *s = svl_format_value(vm, v, (svl_format)f);
    if (!s) abort();
    free(s);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/svl-fuzz-load-XXXXXX");
    if (!mkdtemp(dir)) abort();
  }
  if (size < 1) return 0; /* nothing allocated yet */
  int mode = data[0] % 5;
  data++, size--;
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.write = sink;
  cfg.permissions = SVL_ALLOW_FILES;
  cfg.max_steps = 100000;
  cfg.max_heap = (size_t)256 << 20;
  cfg.timeout_ms = 2000;
  svl_vm *vm = svl_new(&cfg);
  svl_value *r = NULL;
  svl_status st;
  char path[128], prog[1024];
  const char *ext = mode == 0 || mode == 2 || mode == 4 ? "json" : "csv";
  snprintf(path, sizeof path, "%s/data.%s", dir, ext);
  switch (mode) {
  case 0:
    st = svl_from_json(vm, (const char *)data, size, &r);
    break;
  case 1: case 2:
    write_file(path, data, size);
    st = svl_load_data(vm, path, &r);
    break;
  default:
    write_file(path, data, size);
    snprintf(prog, sizeof prog, typed_prog, path, mode == 3 ? "Bid" : "Wide");
    st = svl_load_string(vm, "fuzz.svl", prog, strlen(prog));
    if (st == SVL_OK && svl_get(vm, "a", &r) != SVL_OK) abort();
    break;
  }
  if (st == SVL_OK) {
    if (!r) abort();
    show(vm, r);
  } else {
    const svl_error *e = svl_last_error(vm);
    if (!e->code || !e->message || !e->rendered) abort();
    /* a parse error of the fixed program would make this harness useless */
    if (e->status == SVL_ERR_SYNTAX || e->status == SVL_ERR_RESOLVE) abort();
  }
  svl_free(vm);
  fuzz_done();
  return 0;
}
