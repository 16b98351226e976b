/* svl_analyze (include/svl.h, docs/editors.md) through the public API:
 * each query on a small document, the usage errors, a hover whose value
 * loops, and then every .svl file named on the command line swept with
 * every query at positions spread through it (no crash, an answer of the
 * documented shape, the VM left usable). */
#include <stdlib.h>

#include "api_tap.h"

static char *ask(svl_vm *vm, const char *src, svl_query q, int line, int ch) {
  char *out = NULL;
  svl_status st = svl_analyze(vm, "/tmp/doc.svl", src, SVL_NTS, q, line, ch, &out);
  if (st != SVL_OK) printf("# svl_analyze: status %d: %s\n", (int)st, svl_last_error(vm)->message);
  return out;
}

static int has(const char *s, const char *part) { return s && strstr(s, part) != NULL; }

static const char *doc =
  "# The budget.\n"                                  /* 0 */
  "let budget = £1000 * 2\n"                         /* 1 */
  "type Bid = {supplier: text, price: GBP}\n"         /* 2 */
  "fn cheap(bid: Bid) = bid.price < budget\n"         /* 3 */
  "let n = budgte\n";                                 /* 4 */

static char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) { free(s); s = NULL; }
  fclose(fp);
  if (s) s[n] = 0;
  *len = (size_t)n;
  return s;
}

int main(int argc, char **argv) {
  printf("TAP version 13\n");
  svl_config cfg;
  svl_config_init(&cfg);
  cfg.max_steps = 100000;
  svl_vm *vm = svl_new(&cfg);

  char *s = ask(vm, doc, SVL_QUERY_DIAGNOSTICS, 0, 0);
  tap_ok(has(s, "\"code\": \"E0301\"") && has(s, "did you mean 'budget'"), "diagnostics: the undefined name with its hint");
  tap_ok(has(s, "\"start\": {\"line\": 4, \"character\": 8}"), "diagnostics: at the name, in LSP positions");
  free(s);
  s = ask(vm, doc, SVL_QUERY_ACTIONS, 4, 0);
  tap_ok(has(s, "\"title\": \"Change to 'budget'\"") && has(s, "\"newText\": \"budget\""), "actions: the did-you-mean fix");
  free(s);
  s = ask(vm, doc, SVL_QUERY_HOVER, 1, 6);
  tap_ok(has(s, "let budget = £1000 * 2") && has(s, "The budget.") && has(s, "value: `£2,000.00`"),
         "hover: declaration, doc comment, and the value (the error below it is left out)");
  free(s);
  s = ask(vm, "let a = nope\nlet b = 2\n", SVL_QUERY_HOVER, 1, 4);
  tap_ok(has(s, "let b = 2") && !has(s, "value:"), "no value when the error is above the declaration");
  free(s);
  s = ask(vm, "let budget = £1000 * 2\nlet x = budget\n", SVL_QUERY_HOVER, 1, 8);
  tap_ok(has(s, "value: `£2,000.00` (GBP)"), "hover on a use: the value of a money let, with its unit");
  free(s);
  s = ask(vm, doc, SVL_QUERY_DEFINITION, 3, 36);
  tap_ok(has(s, "\"file\": \"/tmp/doc.svl\"") && has(s, "\"start\": {\"line\": 1, \"character\": 4}"),
         "definition: the let, as a path and a range");
  free(s);
  s = ask(vm, doc, SVL_QUERY_REFERENCES, 3, 10);
  tap_ok(has(s, "\"line\": 3, \"character\": 9}") && has(s, "\"line\": 3, \"character\": 21}"),
         "references: a parameter's declaration and its use");
  free(s);
  s = ask(vm, doc, SVL_QUERY_REFERENCES, 3, 15);
  tap_ok(has(s, "\"line\": 2, \"character\": 5}") && has(s, "\"line\": 3, \"character\": 14}"),
         "references of a type: its declaration and an annotation");
  free(s);
  s = ask(vm, doc, SVL_QUERY_SYMBOLS, 0, 0);
  tap_ok(has(s, "\"name\": \"budget\"") && has(s, "\"name\": \"cheap\"") && has(s, "\"name\": \"price\""),
         "symbols: declarations and a type's fields");
  free(s);
  s = ask(vm, doc, SVL_QUERY_COMPLETION, 3, 25);
  tap_ok(has(s, "\"label\": \"supplier\"") && has(s, "\"label\": \"price\"") && !has(s, "budget"),
         "completion after bid.: the fields of Bid");
  free(s);
  /* nested records: a field's own fields, from a type and from a literal
   * (one dangling dot per document, as while typing) */
  const char *types = "type Address = {street: text, postcode: text}\n"
                      "type Site = {name: text, address: Address, contact: {phone: text, email: text}}\n";
  char buf[512];
  snprintf(buf, sizeof buf, "%sfn f(site: Site) = site.address.\nlet z = 1\n", types);
  s = ask(vm, buf, SVL_QUERY_COMPLETION, 2, 32);
  tap_ok(has(s, "\"label\": \"street\"") && has(s, "\"label\": \"postcode\"") && !has(s, "\"label\": \"name\""),
         "completion after site.address.: the fields of the nested type Address");
  free(s);
  snprintf(buf, sizeof buf, "%sfn g(sites: [Site]) = [s.contact. for s in sites]\n", types);
  s = ask(vm, buf, SVL_QUERY_COMPLETION, 2, 33);
  tap_ok(has(s, "\"label\": \"phone\"") && has(s, "\"label\": \"email\"") && !has(s, "\"label\": \"street\""),
         "completion after s.contact. in a comprehension: the fields of an inline record type");
  free(s);
  s = ask(vm, "type Other = {zzz: text}\ntype Site = {name: text}\nfn g(sites: [Site]) = [s. for s in sites]\n",
          SVL_QUERY_COMPLETION, 2, 25);
  tap_ok(has(s, "\"label\": \"name\"") && !has(s, "zzz"),
         "completion after a comprehension variable: the fields of the list's element type only");
  free(s);
  s = ask(vm, "let cfg = {weights: {price: 60%, quality: 40%}}\nlet w = cfg.weights.\n", SVL_QUERY_COMPLETION, 1, 20);
  tap_ok(has(s, "\"label\": \"price\"") && has(s, "\"label\": \"quality\"") && !has(s, "\"label\": \"weights\""),
         "completion after cfg.weights.: the fields of a nested record literal");
  free(s);
  s = ask(vm, "let x = round(", SVL_QUERY_SIGNATURE, 0, 14);
  tap_ok(has(s, "\"label\": \"round(") && has(s, "\"activeParameter\": 0"), "signature help of a builtin");
  free(s);

  /* limits: a value that never ends is given up, the VM stays usable */
  s = ask(vm, "fn f(n) = f(n + 1)\nlet x = f(0)\n", SVL_QUERY_HOVER, 1, 4);
  tap_ok(has(s, "let x = f(0)") && !has(s, "value:"), "hover on a let that recurses: no value, an answer");
  free(s);
  s = ask(vm, "let y = 1\n", SVL_QUERY_HOVER, 0, 4);
  tap_ok(has(s, "value: `1`"), "and the next hover has its value");
  free(s);

  /* usage errors */
  char *out = (char *)1;
  tap_is_int(svl_analyze(vm, NULL, NULL, 0, SVL_QUERY_HOVER, 0, 0, &out), SVL_ERR_USAGE, "no source: SVL_ERR_USAGE");
  tap_ok(out == NULL, "  and *json is NULL");
  tap_is_int(svl_analyze(vm, NULL, "x", 1, (svl_query)99, 0, 0, &out), SVL_ERR_USAGE, "an unknown query: SVL_ERR_USAGE");
  tap_is_int(svl_analyze(vm, NULL, "x", 1, SVL_QUERY_HOVER, -1, 0, &out), SVL_ERR_USAGE, "a negative line: SVL_ERR_USAGE");
  tap_is_int(svl_analyze(NULL, NULL, "x", 1, SVL_QUERY_HOVER, 0, 0, &out), SVL_ERR_USAGE, "no VM: SVL_ERR_USAGE");
  s = ask(vm, "", SVL_QUERY_COMPLETION, 5, 5);
  tap_ok(s && s[0] == '[', "a position past the end is clamped");
  free(s);

  /* every file: each query at positions through it */
  int files = 0, answers = 0, bad = 0;
  for (int i = 1; i < argc; i++) {
    size_t len;
    char *text = read_file(argv[i], &len);
    if (!text) continue;
    files++;
    int lines = 1;
    for (size_t k = 0; k < len; k++) lines += text[k] == '\n';
    int step = lines / 6 + 1;
    for (int line = 0; line < lines; line += step)
      for (int ch = 0; ch < 40; ch += 13)
        for (int q = SVL_QUERY_DIAGNOSTICS; q <= SVL_QUERY_ACTIONS; q++) {
          if (q == SVL_QUERY_HOVER && line % (step * 3)) continue; /* a hover may run the file */
          char *r = NULL;
          svl_status st = svl_analyze(vm, argv[i], text, len, (svl_query)q, line, ch, &r);
          if (st != SVL_OK || !r || !(r[0] == '[' || r[0] == '{' || !strcmp(r, "null"))) {
            bad++;
            printf("# %s:%d:%d query %d: status %d %s\n", argv[i], line, ch, q, (int)st, r ? r : "(null)");
          }
          answers++;
          free(r);
        }
    free(text);
  }
  char desc[200];
  snprintf(desc, sizeof desc, "%d files, %d answers, each of the documented shape", files, answers);
  tap_ok(bad == 0 && (argc < 2 || files > 0), desc);
  svl_free(vm);
  return tap_done();
}
