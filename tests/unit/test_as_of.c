/* Effective dating through the embedding API (docs/dating.md,
 * docs/embedding.md): svl_config.as_of and svl_set_as_of choose the
 * period of a dated table; without a date, reading one is E0612, never
 * today's date.  Uses nothing but svl.h.  TAP on stdout. */
#include <stdlib.h>

#include "api_tap.h"

static const char *program =
    "table central as of {\n"
    "  | from               | until              || amount   |\n"
    "  | date(\"2024-01-01\") | date(\"2025-12-31\") || £139_688 |\n"
    "  | date(\"2026-01-01\") | -                  || £135_018 |\n"
    "}\n"
    "fn amount() = central()\n"
    "fn amount_on(d) = central(on: date(d))\n"
    "fn today_is() = as_of()\n";

static svl_vm *loaded(const svl_config *cfg) {
  svl_vm *vm = svl_new(cfg);
  if (!vm || svl_load_string(vm, "dated.svl", program, SVL_NTS) != SVL_OK) {
    printf("Bail out! %s", vm ? svl_last_error(vm)->rendered : "svl_new failed\n");
    exit(1);
  }
  return vm;
}

/* fn() called with no arguments (or one text), its value's text form; NULL on error. */
static char *call(svl_vm *vm, const char *fn, const char *arg, svl_status *st) {
  svl_value *f = NULL, *r = NULL, *a = arg ? svl_text(vm, arg, SVL_NTS) : NULL;
  svl_get(vm, fn, &f);
  *st = svl_call(vm, f, a ? 1 : 0, a ? &a : NULL, &r);
  char *s = r ? svl_format_value(vm, r, SVL_FORMAT_TEXT) : NULL;
  svl_release(vm, r);
  svl_release(vm, a);
  svl_release(vm, f);
  return s;
}

static void is_call(svl_vm *vm, const char *fn, const char *arg, const char *want, const char *desc) {
  svl_status st;
  char *s = call(vm, fn, arg, &st);
  tap_is(s, want, desc);
  free(s);
}

static void fails(svl_vm *vm, const char *fn, const char *part, const char *desc) {
  svl_status st;
  free(call(vm, fn, NULL, &st));
  const svl_error *e = svl_last_error(vm);
  int good = st == SVL_ERR_RUNTIME && e->code && !strcmp(e->code, "E0612") && strstr(e->message, part);
  if (!good) printf("# status %d code %s: %s\n", (int)st, e->code ? e->code : "-", e->message);
  tap_ok(good, desc);
}

int main(void) {
  printf("TAP version 13\n");
  svl_config cfg;
  svl_config_init(&cfg);
  tap_ok(cfg.as_of == NULL, "svl_config_init: no as-of date");

  svl_vm *vm = loaded(&cfg);
  fails(vm, "amount", "central is dated", "no as-of date: reading a dated table is E0612, naming it");
  fails(vm, "today_is", "no as-of date", "no as-of date: as_of() is E0612 too (never the clock)");
  is_call(vm, "amount_on", "2025-06-30", "£139,688.00", "a date given in the call needs no as-of date");
  tap_ok(svl_set_as_of(vm, "2026-02-01") == SVL_OK, "svl_set_as_of 2026-02-01");
  is_call(vm, "amount", NULL, "£135,018.00", "... then the 2026 period applies");
  is_call(vm, "today_is", NULL, "2026-02-01", "... and as_of() is that date");
  tap_ok(svl_set_as_of(vm, "2026-02-30") == SVL_ERR_USAGE, "svl_set_as_of refuses 2026-02-30");
  tap_error(vm, SVL_ERR_USAGE, "not a date", "... saying it is not a date");
  is_call(vm, "amount", NULL, "£135,018.00", "... and keeps the date it had");
  tap_ok(svl_set_as_of(vm, NULL) == SVL_OK, "svl_set_as_of(NULL) clears it");
  fails(vm, "amount", "central is dated", "... and a dated read is E0612 again");
  svl_free(vm);

  char date[] = "2025-06-30";
  cfg.as_of = date;
  vm = loaded(&cfg);
  date[3] = '6'; /* svl_new copied the date: the host's buffer is its own */
  is_call(vm, "amount", NULL, "£139,688.00", "svl_config.as_of 2025-06-30: the 2024 period applies");
  is_call(vm, "amount_on", "2026-06-30", "£135,018.00", "... and on: in the call still wins");
  svl_free(vm);

  cfg.as_of = "30/06/2025";
  vm = loaded(&cfg);
  fails(vm, "amount", "'30/06/2025', is not a date", "svl_config.as_of not a date: E0612 where the date is first needed");
  svl_free(vm);
  return tap_done();
}
