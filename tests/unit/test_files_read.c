/* svl_files_read when the same path is read again: one entry per path and
 * content.  The hashes are worked out only when asked for (eval/eval.c
 * vm_note_file keeps the bytes until then), so a repeated read is compared
 * with the bytes of an entry not yet hashed and with the hash of one that
 * was; both must give what hashing every read at once gave. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_tap.h"

static char dir[256], data[300];

static void write_data(const char *text) {
  FILE *f = fopen(data, "wb");
  if (!f) { perror(data); exit(2); }
  fputs(text, f);
  fclose(f);
}

static int load_no = 0;

/* A new top-level name each time: a VM's globals accumulate across loads. */
static svl_status load_data(svl_vm *vm) {
  char src[400];
  snprintf(src, sizeof src, "let rows%d = load(\"%s\")\n", ++load_no, data);
  return svl_load_string(vm, "load.svl", src, SVL_NTS);
}

static const char *hash_of(svl_vm *vm, int i) {
  const char *path = NULL, *sum = NULL;
  svl_files_read(vm, i, &path, &sum);
  return sum;
}

int main(void) {
  printf("TAP version 13\n");
  snprintf(dir, sizeof dir, "/tmp/svl-files-read-XXXXXX");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
  snprintf(data, sizeof data, "%s/d.csv", dir);
  const char *one = "a,b\n1,2\n", *two = "a,b\n1,3\n", *three = "a,b\n4,5\n";
  char h1[65], h2[65], h3[65];
  svl_sha256(one, strlen(one), h1);
  svl_sha256(two, strlen(two), h2);
  svl_sha256(three, strlen(three), h3);

  svl_config cfg;
  svl_config_init(&cfg);
  cfg.permissions = SVL_ALLOW_FILES;
  const char *dirs[] = {dir, NULL};
  cfg.allow_read = dirs;
  svl_vm *vm = svl_new(&cfg);

  write_data(one);
  tap_ok(load_data(vm) == SVL_OK && load_data(vm) == SVL_OK, "the same file loaded twice");
  tap_is_int(svl_files_read(vm, 0, NULL, NULL), 1, "... is one entry (compared with bytes not yet hashed)");

  write_data(two);
  tap_ok(load_data(vm) == SVL_OK, "the file changed, loaded again");
  tap_is_int(svl_files_read(vm, 0, NULL, NULL), 2, "... is a second entry");
  tap_is(hash_of(vm, 0), h1, "the first entry's SHA-256, worked out when asked for");

  write_data(one);
  tap_ok(load_data(vm) == SVL_OK, "the first content again");
  tap_is_int(svl_files_read(vm, 0, NULL, NULL), 2, "... matches the first entry by its hash: no new entry");

  write_data(three);
  tap_ok(load_data(vm) == SVL_OK, "a third content");
  tap_is_int(svl_files_read(vm, 0, NULL, NULL), 3, "... is a third entry");
  tap_is(hash_of(vm, 1), h2, "the second entry's SHA-256");
  tap_is(hash_of(vm, 2), h3, "the third entry's SHA-256");
  tap_is(hash_of(vm, 2), h3, "asked again, the same");
  const char *path = NULL;
  svl_files_read(vm, 2, &path, NULL);
  tap_is(path, data, "each entry keeps its path");

  svl_free(vm);
  unlink(data);
  rmdir(dir);
  return tap_done();
}
