/* svl_config.warn (docs/embedding.md, "Warnings while loading"): a file
 * whose spelling shows a likely mistake (E0411, `[1,000, 2,500]` read as
 * four items) still loads and runs, and the host is told, once per
 * mistake, in the rendered form of an error.  Without a warn callback
 * nothing is looked for.  Uses nothing but svl.h.  TAP on stdout. */
#include <stdlib.h>
#include <string.h>

#include "api_tap.h"

typedef struct got { char text[4096]; int calls; } got;

static void warn(void *ud, const char *s, size_t n) {
  got *g = ud;
  size_t have = strlen(g->text);
  if (have + n < sizeof g->text) {
    memcpy(g->text + have, s, n);
    g->text[have + n] = 0;
  }
  g->calls++;
}

static const char *program = "let fees = [1,000, 2,500]\nlet total = sum(fees)\n";

static char *total(svl_vm *vm) {
  svl_value *t = NULL;
  if (svl_get(vm, "total", &t) != SVL_OK) return NULL;
  char *s = svl_format_value(vm, t, SVL_FORMAT_TEXT);
  svl_release(vm, t);
  return s;
}

int main(void) {
  svl_thread_attach();
  got g = {{0}, 0};
  svl_config cfg;
  svl_config_init(&cfg);
  tap_ok(cfg.warn == NULL, "svl_config_init: no warn callback");
  cfg.warn = warn;
  cfg.user_data = &g;
  svl_vm *vm = svl_new(&cfg);
  tap_ok(svl_load_string(vm, "fees.svl", program, SVL_NTS) == SVL_OK, "the file loads");
  char *s = total(vm);
  tap_is(s, "503", "and runs as written: 1 + 0 + 2 + 500");
  free(s);
  tap_ok(g.calls == 1, "one call for the file");
  tap_ok(strstr(g.text, "fees.svl:1:13: warning: '1,000' reads as two items, 1 and 000 [E0411]") != NULL,
         "the first comma, with file, line and column");
  tap_ok(strstr(g.text, "fees.svl:1:20: warning: '2,500' reads as two items, 2 and 500 [E0411]") != NULL,
         "the second comma");
  tap_ok(strstr(g.text, "hint: a rule file has no thousands separators") != NULL, "with the hint");
  tap_ok(strstr(g.text, "  let fees = [1,000, 2,500]\n") != NULL, "with the source line");
  g.text[0] = 0;
  g.calls = 0;
  svl_value *r = NULL;
  tap_ok(svl_eval_line(vm, "[3,250]", SVL_NTS, &r) == SVL_OK, "a REPL line loads");
  svl_release(vm, r);
  tap_ok(g.calls == 1 && strstr(g.text, "'3,250' reads as two items") != NULL, "and is warned about");
  g.calls = 0;
  tap_ok(svl_load_string(vm, "fixed.svl", "let fees2 = [1_000, 2_500]\n", SVL_NTS) == SVL_OK &&
             g.calls == 0,
         "no call for a file without such a comma");
  svl_free(vm);
  cfg.warn = NULL;
  vm = svl_new(&cfg);
  tap_ok(svl_load_string(vm, "fees.svl", program, SVL_NTS) == SVL_OK && g.calls == 0,
         "no callback: nothing is looked for, the file loads");
  svl_free(vm);
  return tap_done();
}
