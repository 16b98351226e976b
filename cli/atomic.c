/* Writing a file so that readers see either the old file or the whole new
 * one: a temporary file beside it, flushed to disk, then renamed.  An
 * interrupted or failed run never leaves half a report behind: a failed
 * write removes its temporary file, SIGINT, SIGTERM and SIGHUP remove it
 * before the process dies (cli_signals), and one left by a process killed
 * outright (SIGKILL, a power cut) is removed by the next write of the same
 * file.  Only regular files are replaced: a device, a FIFO or a path under
 * /dev or /proc (/dev/null, /dev/stdout) is written through in place
 * (docs/data.md). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void write_failed(const char *path) {
  fprintf(stderr, "error: cannot write '%s': %s [E0903]\n", path, strerror(errno));
}

/* The temporary file being written, for the signal handler.  `armed` is
 * set only once the name is complete, and cleared before it changes. */
static char pending[4096 + 16];
static volatile sig_atomic_t armed;

static void on_fatal_signal(int sig) {
  if (armed) unlink(pending);
  signal(sig, SIG_DFL);
  raise(sig);
}

void cli_signals(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    /* a signal the parent ignored (nohup, a shell's background job) stays ignored */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sigs[i], &sa, NULL);
  }
}

static int write_all(int fd, const char *data, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    done += (size_t)w;
  }
  return 0;
}

/* A device, FIFO or socket, or anything reached through /dev, /proc or
 * /sys, is not a file to replace: renaming onto /dev/null (as root) or the
 * /dev/stdout link would destroy it. */
static int special_path(const char *path, const struct stat *st) {
  if (!S_ISREG(st->st_mode)) return 1;
  return !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6) || !strncmp(path, "/sys/", 5);
}

static int write_through(const char *path, const char *data, size_t len) {
  fflush(stdout); /* --output /dev/stdout comes after what was printed */
  /* O_APPEND: /dev/stdout on a file the shell opened keeps what is there */
  int fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (write_all(fd, data, len) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return close(fd);
}

/* Remove temporary files of ours for this target that no live writer
 * holds: PATH.tmp-XXXXXX, exactly mkstemp's six characters, locked with
 * flock(2) by the process writing it; a lock we can take belongs to a
 * process that is gone. */
static void remove_stale(const char *target) {
  const char *slash = strrchr(target, '/');
  char dir[4096];
  const char *base = slash ? slash + 1 : target;
  size_t dn = slash ? (size_t)(slash - target) : 1;
  if (dn >= sizeof dir) return;
  if (slash) {
    memcpy(dir, target, dn);
    if (dn == 0) dir[dn++] = '/';
  } else {
    dir[0] = '.';
  }
  dir[dn] = 0;
  size_t bn = strlen(base);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *n = e->d_name;
    if (strlen(n) != bn + 11 || strncmp(n, base, bn) != 0 || strncmp(n + bn, ".tmp-", 5) != 0) continue;
    int ours = 1;
    for (int i = 0; i < 6; i++) {
      char c = n[bn + 5 + i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) ours = 0;
    }
    if (!ours) continue;
    int fd = openat(dirfd(d), n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) continue;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && flock(fd, LOCK_EX | LOCK_NB) == 0)
      unlinkat(dirfd(d), n, 0);
    close(fd);
  }
  closedir(d);
}

int write_atomic(const char *path, const char *data, size_t len) {
  struct stat st;
  int exists = stat(path, &st) == 0;
  /* rename() onto a directory fails with a misleading EBUSY or ENOTEMPTY */
  if (exists && S_ISDIR(st.st_mode)) { errno = EISDIR; return -1; }
  if (exists && special_path(path, &st)) return write_through(path, data, len);
  /* through a symbolic link, replace the file it points to, not the link */
  char *real = exists ? realpath(path, NULL) : NULL;
  if (real && special_path(real, &st)) {
    free(real);
    return write_through(path, data, len);
  }
  const char *target = real ? real : path;
  size_t n = strlen(target);
  if (n + 12 > sizeof pending) {
    free(real);
    errno = ENAMETOOLONG;
    return -1;
  }
  remove_stale(target);
  armed = 0;
  memcpy(pending, target, n);
  memcpy(pending + n, ".tmp-XXXXXX", 12);
  int fd = mkostemp(pending, O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    free(real);
    errno = e;
    return -1;
  }
  armed = 1;
  /* held while writing, so a concurrent run never takes it for stale */
  flock(fd, LOCK_EX);
  /* keep the permissions of a file being replaced, else the umask's */
  if (exists) fchmod(fd, st.st_mode & 07777);
  else {
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
  }
  if (write_all(fd, data, len) != 0) goto fail;
  if (fsync(fd) != 0) goto fail;
  if (close(fd) != 0) { fd = -1; goto fail; }
  fd = -1;
  if (rename(pending, target) != 0) goto fail;
  armed = 0;
  free(real);
  return 0;
fail: {
  int e = errno;
  if (fd >= 0) close(fd);
  unlink(pending);
  armed = 0;
  free(real);
  errno = e;
  return -1;
}
}

/* Standard output and standard error, checked at exit like any file: a
 * full disk, /dev/full or a closed descriptor is an error (exit 1), never
 * a silently truncated result. */
int finish_output(int rc) {
  errno = 0;
  int out_bad = fflush(stdout) != 0 || ferror(stdout);
  int e = errno;
  if (!out_bad && fclose(stdout) != 0) { out_bad = 1; e = errno; }
  if (out_bad) {
    fprintf(stderr, "error: cannot write standard output: %s [E0903]\n", e ? strerror(e) : "a write failed");
    if (rc == 0) rc = 1;
  }
  if ((fflush(stderr) != 0 || ferror(stderr)) && rc == 0) rc = 1;
  return rc;
}

/* A closed standard descriptor would be reused by the next open(): an
 * output file opened as descriptor 1 would receive whatever is printed.
 * Hold each closed one with /dev/null opened for the other direction, so
 * writes to a closed stdout still fail (EBADF) and are reported. */
void hold_std_fds(void) {
  for (int fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int nfd = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
    if (nfd >= 0 && nfd != fd) {
      dup2(nfd, fd);
      close(nfd);
    }
  }
}
