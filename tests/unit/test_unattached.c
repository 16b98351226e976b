/* A thread that skips svl_thread_attach (issue 17, docs/embedding.md
 * "Threads"): the collector aborts the whole process ("Collecting from
 * unknown thread") at the first allocation from a thread it does not know.
 * Every entry point below, called from such a thread on a VM made by the
 * main thread, must refuse with SVL_ERR_USAGE (or NULL) and a message
 * naming svl_thread_attach, allocate nothing, and leave the VM usable from
 * the main thread; after svl_thread_attach the same thread works. */
#include <pthread.h>
#include <stdlib.h>

#include "api_tap.h"

static svl_vm *vm;

static int says_attach(void) {
  const svl_error *e = svl_last_error(vm);
  return e->status == SVL_ERR_USAGE && strstr(e->message, "svl_thread_attach") != NULL;
}

static void *stranger(void *unused) {
  (void)unused;
  svl_config cfg;
  svl_config_init(&cfg);
  tap_ok(svl_new(&cfg) == NULL, "unattached: svl_new returns NULL");
  const char *src = "let xs = [1, 2, 3]\nfn add(a, b) = a + b\n";
  tap_ok(svl_load_string(vm, "late.svl", src, strlen(src)) == SVL_ERR_USAGE && says_attach(),
         "unattached: svl_load_string is SVL_ERR_USAGE naming svl_thread_attach");
  svl_value *r = (svl_value *)1;
  tap_ok(svl_eval_line(vm, "1 + 1", SVL_NTS, &r) == SVL_ERR_USAGE && r == NULL,
         "unattached: svl_eval_line is SVL_ERR_USAGE");
  tap_ok(svl_get(vm, "xs", &r) == SVL_ERR_USAGE && r == NULL && says_attach(), "unattached: svl_get is SVL_ERR_USAGE");
  tap_ok(svl_number(vm, "1.5") == NULL && says_attach(), "unattached: svl_number returns NULL");
  tap_ok(svl_text(vm, "x", 1) == NULL && says_attach(), "unattached: svl_text returns NULL");
  tap_ok(svl_int(vm, 7) == NULL && says_attach(), "unattached: svl_int returns NULL");
  char *out = NULL;
  tap_ok(svl_explain(vm, "xs", SVL_FORMAT_TEXT, 0, &out) == SVL_ERR_USAGE && !out,
         "unattached: svl_explain is SVL_ERR_USAGE");
  svl_value *lit = NULL;
  tap_ok(svl_set_global(vm, "late", lit) == SVL_ERR_USAGE, "unattached: svl_set_global is SVL_ERR_USAGE");
  /* attached, the same thread works */
  svl_thread_attach();
  svl_value *x = NULL;
  tap_ok(svl_get(vm, "xs", &x) == SVL_OK && x, "after svl_thread_attach the thread works");
  char *j = x ? svl_to_json(vm, x) : NULL;
  tap_is(j, "[1, 2, 3]", "... svl_to_json of it");
  free(j);
  svl_release(vm, x);
  svl_thread_detach();
  tap_ok(svl_int(vm, 7) == NULL && says_attach(), "after svl_thread_detach it is refused again");
  return NULL;
}

int main(void) {
  printf("TAP version 13\n");
  svl_config cfg;
  svl_config_init(&cfg);
  vm = svl_new(&cfg);
  const char *src = "let xs = [1, 2, 3]\n";
  tap_ok(svl_load_string(vm, "main.svl", src, strlen(src)) == SVL_OK, "the main thread loads the rules");
  pthread_t t;
  if (pthread_create(&t, NULL, stranger, NULL) == 0) pthread_join(t, NULL);
  else tap_ok(0, "pthread_create");
  svl_value *x = NULL;
  tap_ok(svl_get(vm, "xs", &x) == SVL_OK && x, "the VM is still usable from the main thread");
  svl_release(vm, x);
  svl_free(vm);
  return tap_done();
}
