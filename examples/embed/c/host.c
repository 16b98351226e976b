/* A host program that embeds SVL: it scores the bids of a tender with a
 * commissioner's rule file.  See docs/embedding.md, which walks through it.
 *
 *   host RULES.svl BIDS.csv [--explain SUPPLIER]
 *
 * The bids live in the host's own data structures (read here from a small
 * CSV file); the host builds SVL records from them, asks the rule file
 * whether each bid is eligible and, if so, what it scores, and prints the
 * ranking.  It gives the rules one native function, past_performance,
 * backed by the host's own supplier records, and binds the contract value
 * as a global.  The VM gets no permissions: the rules cannot read files,
 * the environment or the clock.  Every call is checked; an error in one
 * bid is reported and the others are still scored.
 *
 * Build against an installed SVL:
 *   cc -o host host.c $(pkg-config --cflags --libs svl)          (shared)
 *   cc -o host host.c $(pkg-config --cflags --libs svl-static)   (static)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svl.h>

/* ---- the host's own data ---- */

typedef struct bid {
  char supplier[64];
  char price[32];      /* exact decimal text: never a double */
  char turnover[32];
  int insured;
  char quality[16];
  char local_jobs[16]; /* FTE */
} bid;

typedef struct record_of { const char *supplier; int score; } record_of;
typedef struct records { const record_of *rows; size_t n; } records;

/* The host's supplier records, which past_performance looks up. */
static const record_of performance_rows[] = {
    {"Acme Care Ltd", 82},    {"Brightside Homecare", 91}, {"Carewell Partnership", 77},
    {"Dove Support CIC", 64}, {"Fairway Care", 70},
};
static const records performance = {performance_rows, sizeof performance_rows / sizeof performance_rows[0]};

/* A deliberately small CSV reader: comma-separated, no quoting. */
static int read_bids(const char *path, bid *out, int cap) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return -1;
  }
  char line[512];
  int n = 0;
  if (!fgets(line, sizeof line, f)) { fclose(f); return 0; } /* header */
  while (n < cap && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0]) continue;
    char *field[6];
    int k = 0;
    for (char *p = line; k < 6; k++) {
      field[k] = p;
      p = strchr(p, ',');
      if (!p) { k++; break; }
      *p++ = 0;
    }
    if (k != 6) {
      fprintf(stderr, "%s: line %d: expected 6 columns\n", path, n + 2);
      fclose(f);
      return -1;
    }
    bid *b = &out[n++];
    snprintf(b->supplier, sizeof b->supplier, "%s", field[0]);
    snprintf(b->price, sizeof b->price, "%s", field[1]);
    snprintf(b->turnover, sizeof b->turnover, "%s", field[2]);
    b->insured = strcmp(field[3], "yes") == 0;
    snprintf(b->quality, sizeof b->quality, "%s", field[4]);
    snprintf(b->local_jobs, sizeof b->local_jobs, "%s", field[5]);
  }
  fclose(f);
  return n;
}

/* ---- talking to SVL ---- */

static void write_out(void *user_data, const char *text, size_t len) {
  (void)user_data;
  fwrite(text, 1, len, stdout);
}

/* Print the VM's last error (one line, or the full rendering). */
static void report(svl_vm *vm, const char *what, int full) {
  const svl_error *e = svl_last_error(vm);
  if (full) fprintf(stderr, "%s:\n%s", what, e->rendered);
  else if (e->file) printf("  %s: %s (%s:%d:%d)\n", what, e->message, e->file, e->line, e->column);
  else printf("  %s: %s\n", what, e->message);
}

/* past_performance(supplier): the supplier's score from the host's
 * records, or an error naming the supplier. */
static svl_value *past_performance(svl_vm *vm, int nargs, svl_value *const *args, void *user_data) {
  (void)nargs;
  const records *db = user_data;
  const char *name;
  if (svl_to_text(vm, args[0], &name, NULL) != SVL_OK) return NULL; /* passes the type error on */
  for (size_t i = 0; i < db->n; i++)
    if (strcmp(db->rows[i].supplier, name) == 0) return svl_int(vm, db->rows[i].score);
  char msg[160];
  snprintf(msg, sizeof msg, "no performance record for '%s'", name);
  svl_error_set(vm, msg);
  return NULL;
}

/* The SVL record of one bid.  Units come from the loaded program (FTE). */
static svl_value *bid_record(svl_vm *vm, const bid *b) {
  static const char *const keys[] = {"supplier", "price", "turnover", "insured", "quality", "local_jobs"};
  svl_value *vals[6] = {
      svl_text(vm, b->supplier, SVL_NTS),         svl_quantity(vm, b->price, "GBP"),
      svl_quantity(vm, b->turnover, "GBP"),       svl_bool(vm, b->insured),
      svl_text(vm, b->quality, SVL_NTS),          svl_quantity(vm, b->local_jobs, "FTE"),
  };
  svl_value *r = NULL;
  for (int i = 0; i < 6; i++)
    if (!vals[i]) goto done; /* a bad cell: the error says which */
  r = svl_record(vm, 6, keys, vals);
done:
  for (int i = 0; i < 6; i++) svl_release(vm, vals[i]);
  return r;
}

/* The text form of a value, malloc'ed. */
static char *shown(svl_vm *vm, svl_value *v) {
  char *s = svl_format_value(vm, v, SVL_FORMAT_TEXT);
  if (!s && (s = malloc(2))) strcpy(s, "?");
  return s;
}

int main(int argc, char **argv) {
  if (argc != 3 && !(argc == 5 && !strcmp(argv[3], "--explain"))) {
    fprintf(stderr, "usage: %s RULES.svl BIDS.csv [--explain SUPPLIER]\n", argv[0]);
    return 2;
  }
  bid bids[64];
  int nbids = read_bids(argv[2], bids, 64);
  if (nbids < 0) return 1;

  svl_config cfg;
  svl_config_init(&cfg);
  cfg.write = write_out;    /* the rules' print statements */
  cfg.max_steps = 1000000;  /* a rule file is not trusted with our CPU */
  cfg.timeout_ms = 5000;
  svl_vm *vm = svl_new(&cfg);
  if (!vm) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  int rc = 1;
  svl_value *eligible = NULL, *lowest_price = NULL, *score = NULL, *ranking = NULL, *lowest = NULL;
  svl_value *passed[64], *results[64];
  int npassed = 0, nresults = 0;

  /* Natives and globals first: the resolver checks names before running. */
  svl_value *contract_value = svl_quantity(vm, "400000", "GBP");
  if (!contract_value || svl_set_global(vm, "contract_value", contract_value) != SVL_OK ||
      svl_register(vm, "past_performance(supplier)", past_performance, 1, 1, (void *)&performance) != SVL_OK) {
    report(vm, "setting up", 1);
    goto out;
  }
  svl_release(vm, contract_value);

  if (svl_load_file(vm, argv[1]) != SVL_OK) {
    report(vm, argv[1], 1);
    goto out;
  }
  if (svl_get(vm, "eligible", &eligible) != SVL_OK || svl_get(vm, "lowest_price", &lowest_price) != SVL_OK ||
      svl_get(vm, "score", &score) != SVL_OK || svl_get(vm, "ranking", &ranking) != SVL_OK) {
    report(vm, argv[1], 1);
    goto out;
  }

  printf("Eligibility\n");
  for (int i = 0; i < nbids; i++) {
    svl_value *rec = bid_record(vm, &bids[i]), *verdict = NULL, *reasons = NULL;
    int ok = 0;
    if (!rec) {
      printf("%s: bad data\n", bids[i].supplier);
      report(vm, "bid", 0);
      continue;
    }
    if (svl_call(vm, eligible, 1, &rec, &verdict) != SVL_OK) {
      printf("%s: not assessed\n", bids[i].supplier);
      report(vm, "error", 0);
      svl_release(vm, rec);
      continue;
    }
    svl_to_bool(vm, verdict, &ok);
    printf("%s: %s\n", bids[i].supplier, ok ? "eligible" : "not eligible");
    size_t n = 0;
    if (!ok && svl_field(vm, verdict, "reasons", &reasons) == SVL_OK && svl_length(vm, reasons, &n) == SVL_OK) {
      for (size_t k = 0; k < n; k++) {
        svl_value *reason;
        const char *text;
        if (svl_item(vm, reasons, k, &reason) != SVL_OK) continue;
        if (svl_to_text(vm, reason, &text, NULL) == SVL_OK) printf("  - %s\n", text);
        svl_release(vm, reason);
      }
    }
    svl_release(vm, reasons);
    svl_release(vm, verdict);
    if (ok) passed[npassed++] = rec;
    else svl_release(vm, rec);
  }

  if (npassed == 0) {
    printf("No eligible bid.\n");
    rc = 0;
    goto out;
  }
  svl_value *all = svl_list(vm, (size_t)npassed, passed);
  if (!all || svl_call(vm, lowest_price, 1, &all, &lowest) != SVL_OK) {
    report(vm, "lowest price", 1);
    svl_release(vm, all);
    goto out;
  }
  svl_release(vm, all);
  char *lowest_text = shown(vm, lowest);
  printf("\nScores (lowest eligible price %s)\n", lowest_text ? lowest_text : "?");
  free(lowest_text);

  for (int i = 0; i < npassed; i++) {
    /* score(bid, lowest: ...): a named argument, as SVL code would write it */
    const char *names[] = {"lowest"};
    svl_value *total = NULL, *supplier = NULL;
    if (svl_call_named(vm, score, 1, &passed[i], 1, names, &lowest, &total) != SVL_OK) {
      report(vm, "score", 0);
      continue;
    }
    svl_field(vm, passed[i], "supplier", &supplier);
    const char *keys[] = {"supplier", "score"};
    svl_value *vals[] = {supplier, total};
    results[nresults] = svl_record(vm, 2, keys, vals);
    if (results[nresults]) nresults++;
    else report(vm, "result", 0);
    const char *name = "", *digits = "";
    svl_to_text(vm, supplier, &name, NULL);
    svl_to_number(vm, total, &digits); /* exact decimal text */
    printf("%s: %s\n", name, digits);
    svl_release(vm, supplier);
    svl_release(vm, total);
  }

  svl_value *list = svl_list(vm, (size_t)nresults, results), *ranked = NULL;
  if (!list || svl_call(vm, ranking, 1, &list, &ranked) != SVL_OK) {
    report(vm, "ranking", 1);
    svl_release(vm, list);
    goto out;
  }
  svl_release(vm, list);
  size_t n = 0;
  svl_length(vm, ranked, &n);
  printf("\nRanking\n");
  for (size_t k = 0; k < n; k++) {
    svl_value *r, *who, *points;
    if (svl_item(vm, ranked, k, &r) != SVL_OK) break;
    if (svl_field(vm, r, "supplier", &who) == SVL_OK && svl_field(vm, r, "score", &points) == SVL_OK) {
      char *p = shown(vm, points);
      const char *w;
      svl_to_text(vm, who, &w, NULL);
      printf("%zu. %s (%s)\n", k + 1, w, p ? p : "?");
      free(p);
      svl_release(vm, who);
      svl_release(vm, points);
    }
    svl_release(vm, r);
  }
  char *json = svl_to_json(vm, ranked);
  if (json) printf("\nAs JSON: %s\n", json);
  free(json);
  svl_release(vm, ranked);

  if (argc == 5) { /* why did this bid score what it did? */
    for (int i = 0; i < npassed; i++) {
      svl_value *supplier;
      const char *name = "";
      if (svl_field(vm, passed[i], "supplier", &supplier) != SVL_OK) continue;
      svl_to_text(vm, supplier, &name, NULL);
      int match = strcmp(name, argv[4]) == 0;
      svl_release(vm, supplier);
      if (!match) continue;
      const char *names[] = {"lowest"};
      char *tree;
      if (svl_explain_call(vm, score, 1, &passed[i], 1, names, &lowest, SVL_FORMAT_TEXT, 0, &tree, NULL) != SVL_OK) {
        report(vm, "explain", 1);
        goto out;
      }
      printf("\n%s", tree);
      free(tree);
    }
  }
  rc = 0;

out:
  for (int i = 0; i < npassed; i++) svl_release(vm, passed[i]);
  for (int i = 0; i < nresults; i++) svl_release(vm, results[i]);
  svl_release(vm, lowest);
  svl_release(vm, eligible);
  svl_release(vm, lowest_price);
  svl_release(vm, score);
  svl_release(vm, ranking);
  svl_free(vm);
  return rc;
}
