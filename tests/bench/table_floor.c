/* The floor for the 'table' workload: the same evaluations hand-written in
 * C (make bench compiles it: cc -O2 table_floor.c libbidgcc000.a; run as
 * table_floor rows.txt N).  The numbers are decimal128, as in SVL: the
 * generator x <- x * 48271 mod 2147483647 (seed 12345, a then b then c),
 * the inputs a = x mod 200, b = x mod 100, c = x mod 100 and the sum of the
 * outputs.  The first-hit lookup is what a C programmer who knows the
 * table writes: for each column, a bitset per input value of the rows that
 * value satisfies, precomputed once; an evaluation ANDs three bitsets and
 * takes the lowest row (SVL's row index works the same way, built from
 * the table's cells instead of from knowing the inputs' range).  Prints
 * what the SVL driver prints, the sum in decimal128's notation. */
#define DECIMAL_CALL_BY_REFERENCE 0
#define DECIMAL_GLOBAL_ROUNDING 0
#define DECIMAL_GLOBAL_EXCEPTION_FLAGS 0
#include <bid_conf.h>
#include <bid_functions.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef BID_UINT128 dec;
static _IDEC_flags fl;
#define ADD(a, b) bid128_add(a, b, BID_ROUNDING_TO_NEAREST, &fl)
#define MUL(a, b) bid128_mul(a, b, BID_ROUNDING_TO_NEAREST, &fl)
#define MOD(a, b) bid128_fmod(a, b, &fl)
#define INT(a) bid128_to_int32_int(a, &fl)
#define NUM(i) bid128_from_int32(i)

enum { MAXROWS = 256, W = MAXROWS / 64, NA = 200, NB = 100, NC = 100 };
typedef struct { uint64_t w[W]; } rows;
static rows in_a[NA], in_b[NB], in_c[NC];
static dec out[MAXROWS];

static void set(rows *r, int i) { r->w[i / 64] |= 1ull << (i % 64); }

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  FILE *f = fopen(argv[1], "r");
  if (!f) return 1;
  int n = 0, alo, ahi, blo, bhi, cmin, o;
  while (n < MAXROWS - 1 && fscanf(f, "%d %d %d %d %d %d", &alo, &ahi, &blo, &bhi, &cmin, &o) == 6) {
    for (int a = 0; a < NA; a++)
      if (a >= alo && a < ahi) set(&in_a[a], n);
    for (int b = 0; b < NB; b++)
      if (b >= blo && b < bhi) set(&in_b[b], n);
    for (int c = 0; c < NC; c++)
      if (c >= cmin) set(&in_c[c], n);
    out[n++] = NUM(o);
  }
  fclose(f);
  /* the default row: every input matches it, its output is 0 */
  for (int a = 0; a < NA; a++) set(&in_a[a], n);
  for (int b = 0; b < NB; b++) set(&in_b[b], n);
  for (int c = 0; c < NC; c++) set(&in_c[c], n);
  out[n] = NUM(0);

  long evals = atol(argv[2]);
  dec x = NUM(12345), mult = NUM(48271), modulus = bid128_from_int64(2147483647);
  dec da = NUM(NA), db = NUM(NB), dc = NUM(NC), sum = NUM(0);
  for (long i = 0; i < evals; i++) {
    dec xa = MOD(MUL(x, mult), modulus);
    dec xb = MOD(MUL(xa, mult), modulus);
    dec xc = MOD(MUL(xb, mult), modulus);
    x = xc;
    const rows *ra = &in_a[INT(MOD(xa, da))], *rb = &in_b[INT(MOD(xb, db))], *rc = &in_c[INT(MOD(xc, dc))];
    for (int k = 0; k < W; k++) {
      uint64_t m = ra->w[k] & rb->w[k] & rc->w[k];
      if (m) {
        sum = ADD(sum, out[k * 64 + __builtin_ctzll(m)]);
        break;
      }
    }
  }
  char buf[64];
  bid128_to_string(buf, sum, &fl);
  printf("evaluations %ld checksum %s\n", evals, buf);
  return 0;
}
