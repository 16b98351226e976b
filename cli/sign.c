/* Signed audit records (docs/tools.md, "Signing records"): Ed25519 through
 * libsodium, in the CLI only (the library has no crypto dependency).
 *
 *   svl audit keygen KEY          writes KEY (secret, mode 0600) and KEY.pub
 *   svl run F --audit R --sign KEY
 *   svl audit verify R --key KEY.pub
 *
 * The signature covers every byte of the record as it would be written
 * unsigned; the signed record is that text with one more member before its
 * closing brace:
 *
 *   ,\n  "signature": {"alg": "ed25519", "public_key": "HEX", "sig": "HEX"}\n}\n
 *
 * so a verifier removes that member, checks the signature over what is
 * left, and compares the re-run's (unsigned) record with it.  Any edit —
 * a value, a hash, the command, a space — fails the check.
 *
 * Built with `make SODIUM=0`, the CLI has no signing: --sign, --key and
 * keygen report that and exit 2. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#if SVL_SODIUM
#include <sodium.h>
#endif

#define SIG_MEMBER ",\n  \"signature\": {\"alg\": \"ed25519\", \"public_key\": \""

/* Show text from a record on the terminal: control characters (ESC, the
 * C1 controls) and bidirectional overrides escaped, so a tampered record
 * cannot move the cursor, retitle the window or reorder what is read. */
void put_escaped(FILE *to, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f) {
      fprintf(to, "\\x%02x", c);
    } else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f) {
      fprintf(to, "\\u{%x}", (unsigned char)s[i + 1]);
      i++;
    } else if (c == 0xe2 && i + 2 < n && (((unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] >= 0xaa &&
                                           (unsigned char)s[i + 2] <= 0xae) ||
                                          ((unsigned char)s[i + 1] == 0x81 && (unsigned char)s[i + 2] >= 0xa6 &&
                                           (unsigned char)s[i + 2] <= 0xa9))) {
      unsigned cp = 0x2000u + (((unsigned char)s[i + 1] & 0x3fu) << 6) + ((unsigned char)s[i + 2] & 0x3fu);
      fprintf(to, "\\u{%x}", cp);
      i += 2;
    } else {
      fputc(c, to);
    }
  }
}

/* The record without its signature member (a malloc'ed copy), and where
 * the member starts in *sig (NULL when the record is unsigned). */
char *record_unsigned(const char *rec, const char **sig) {
  const char *m = strstr(rec, SIG_MEMBER);
  const char *last = m;
  while (last && (m = strstr(last + 1, SIG_MEMBER)) != NULL) last = m;
  *sig = last;
  size_t n = last ? (size_t)(last - rec) : strlen(rec);
  char *u = malloc(n + 4);
  if (!u) return NULL;
  memcpy(u, rec, n);
  if (last) memcpy(u + n, "\n}\n", 4);
  else u[n] = 0;
  return u;
}

#if SVL_SODIUM
static void hex(char *out, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static int unhex(unsigned char *out, size_t n, const char *s) {
  size_t len;
  return sodium_hex2bin(out, n, s, 2 * n, NULL, &len, NULL) == 0 && len == n;
}

/* A key file: one line "svl-ed25519-KIND HEX". */
static int read_key(const char *path, const char *kind, unsigned char *key, size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "svl: cannot read the key '%s': %s\n", path, strerror(errno));
    return -1;
  }
  char line[512];
  char want[64];
  snprintf(want, sizeof want, "svl-ed25519-%s ", kind);
  int ok = fgets(line, sizeof line, f) != NULL && !strncmp(line, want, strlen(want)) &&
           unhex(key, n, line + strlen(want));
  fclose(f);
  if (!ok) fprintf(stderr, "svl: '%s' is not an SVL %s key (made by `svl audit keygen`)\n", path, kind);
  return ok ? 0 : -1;
}
#endif

int sign_keygen(const char *path) {
#if SVL_SODIUM
  if (sodium_init() < 0) { fprintf(stderr, "svl: libsodium cannot start\n"); return 1; }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  char sh[2 * sizeof sk + 1], ph[2 * sizeof pk + 1];
  hex(sh, sk, sizeof sk);
  hex(ph, pk, sizeof pk);
  sodium_memzero(sk, sizeof sk);
  /* the secret key is created readable by its owner only, and never
   * replaces an existing key (a lost key cannot sign again) */
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    write_failed(path);
    return 1;
  }
  char line[256];
  int n = snprintf(line, sizeof line, "svl-ed25519-secret %s\n", sh);
  sodium_memzero(sh, sizeof sh);
  int bad = write(fd, line, (size_t)n) != n;
  sodium_memzero(line, sizeof line);
  if (close(fd) != 0) bad = 1;
  if (bad) {
    write_failed(path);
    unlink(path);
    return 1;
  }
  size_t pl = strlen(path);
  char *pub = malloc(pl + 5);
  if (!pub) return 1;
  memcpy(pub, path, pl);
  memcpy(pub + pl, ".pub", 5);
  n = snprintf(line, sizeof line, "svl-ed25519-public %s\n", ph);
  if (write_atomic(pub, line, (size_t)n) != 0) {
    write_failed(pub);
    free(pub);
    return 1;
  }
  printf("secret key: %s (keep it private)\npublic key: %s (give it to whoever verifies)\n", path, pub);
  free(pub);
  return 0;
#else
  (void)path;
  fprintf(stderr, "svl: this svl was built without signing (make SODIUM=0)\n");
  return 2;
#endif
}

char *sign_record(const char *rec, const char *keypath) {
#if SVL_SODIUM
  if (sodium_init() < 0) { fprintf(stderr, "svl: libsodium cannot start\n"); return NULL; }
  unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  if (read_key(keypath, "secret", sk, sizeof sk) != 0) return NULL;
  size_t n = strlen(rec);
  crypto_sign_detached(sig, NULL, (const unsigned char *)rec, n, sk);
  char ph[2 * crypto_sign_PUBLICKEYBYTES + 1], sh[2 * sizeof sig + 1];
  hex(ph, sk + crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES, crypto_sign_PUBLICKEYBYTES);
  hex(sh, sig, sizeof sig);
  sodium_memzero(sk, sizeof sk);
  /* the record ends "\n}\n": the member goes before the closing brace */
  if (n < 3 || strcmp(rec + n - 3, "\n}\n") != 0) return NULL;
  size_t cap = n + strlen(SIG_MEMBER) + sizeof ph + sizeof sh + 64;
  char *out = malloc(cap);
  if (!out) return NULL;
  snprintf(out, cap, "%.*s" SIG_MEMBER "%s\", \"sig\": \"%s\"}\n}\n", (int)(n - 3), rec, ph, sh);
  return out;
#else
  (void)rec;
  (void)keypath;
  fprintf(stderr, "svl: this svl was built without signing (make SODIUM=0)\n");
  return NULL;
#endif
}

int sign_check(const char *path, const char *rec, const char *pubpath) {
#if SVL_SODIUM
  if (sodium_init() < 0) { fprintf(stderr, "svl: libsodium cannot start\n"); return 1; }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], inrec[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
  if (read_key(pubpath, "public", pk, sizeof pk) != 0) return 2;
  const char *m;
  char *u = record_unsigned(rec, &m);
  if (!u) return 1;
  if (!m) {
    printf("audit %s: the record is not signed (it was written without --sign)\n", path);
    free(u);
    return 1;
  }
  const char *p = m + strlen(SIG_MEMBER);
  int shape = strlen(p) == 2 * sizeof pk + 2 * sizeof sig + 16 && unhex(inrec, sizeof inrec, p) &&
              !strncmp(p + 2 * sizeof pk, "\", \"sig\": \"", 11) &&
              unhex(sig, sizeof sig, p + 2 * sizeof pk + 11) &&
              !strcmp(p + 2 * sizeof pk + 11 + 2 * sizeof sig, "\"}\n}\n");
  int rc = 0;
  if (!shape) {
    printf("audit %s: the signature is damaged\n", path);
    rc = 1;
  } else if (memcmp(inrec, pk, sizeof pk) != 0) {
    printf("audit %s: signed with another key than %s\n", path, pubpath);
    rc = 1;
  } else if (crypto_sign_verify_detached(sig, (const unsigned char *)u, strlen(u), pk) != 0) {
    printf("audit %s: the signature does not match: the record was changed after it was signed\n", path);
    rc = 1;
  } else {
    printf("audit %s: signature good (ed25519, %s)\n", path, pubpath);
  }
  free(u);
  return rc;
#else
  (void)path;
  (void)rec;
  (void)pubpath;
  fprintf(stderr, "svl: this svl was built without signing (make SODIUM=0)\n");
  return 2;
#endif
}
