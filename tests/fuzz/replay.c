/* replay.c: run a libFuzzer harness (tests/fuzz/fuzz_*.c) over saved inputs
 * without libFuzzer, so that every finding kept in tests/fuzz/regress/ is
 * replayed by `make test` with the ordinary compiler, and under ASan and
 * UBSan by `make check-asan`.  Prints TAP: one point per input; a crash or
 * sanitizer report ends the process, which prove reports as a failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  printf("1..%d\n", argc - 1);
  for (int i = 1; i < argc; i++) {
    FILE *fp = fopen(argv[i], "rb");
    if (!fp) { printf("not ok %d - cannot read %s\n", i, argv[i]); continue; }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, k;
    uint8_t chunk[65536];
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) {
      if (len + k > cap) {
        cap = (len + k) * 2;
        uint8_t *nb = realloc(buf, cap);
        if (!nb) { fclose(fp); free(buf); printf("not ok %d - out of memory\n", i); return 1; }
        buf = nb;
      }
      for (size_t j = 0; j < k; j++) buf[len + j] = chunk[j];
      len += k;
    }
    fclose(fp);
    fflush(stdout);
    LLVMFuzzerTestOneInput(buf ? buf : (const uint8_t *)"", len);
    free(buf);
    printf("ok %d - %s\n", i, argv[i]);
    fflush(stdout);
  }
  return 0;
}
