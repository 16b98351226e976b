/* Writing a file so that readers see either the old file or the whole new
 * one: a temporary file beside it, flushed to disk, then renamed.  An
 * interrupted or failed run never leaves half a report behind. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void write_failed(const char *path) {
  fprintf(stderr, "error: cannot write '%s': %s [E0903]\n", path, strerror(errno));
}

int write_atomic(const char *path, const char *data, size_t len) {
  struct stat st;
  /* rename() onto a directory fails with a misleading EBUSY or ENOTEMPTY */
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) { errno = EISDIR; return -1; }
  size_t n = strlen(path);
  char *tmp = malloc(n + 16);
  if (!tmp) return -1;
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmp-XXXXXX", 12);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    errno = e;
    return -1;
  }
  /* keep the permissions of a file being replaced, else the umask's */
  if (stat(path, &st) == 0) fchmod(fd, st.st_mode & 07777);
  else {
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      goto fail;
    }
    done += (size_t)w;
  }
  if (fsync(fd) != 0) goto fail;
  if (close(fd) != 0) { fd = -1; goto fail; }
  fd = -1;
  if (rename(tmp, path) != 0) goto fail;
  free(tmp);
  return 0;
fail: {
  int e = errno;
  if (fd >= 0) close(fd);
  unlink(tmp);
  free(tmp);
  errno = e;
  return -1;
}
}
