# shellcheck shell=bash disable=SC2154,SC1007 # $tmp, ok, not_ok come from lib.sh
# Sourced (after lib.sh, with $root set) by the tests of hosts built against
# an *installed* SVL: stage_install runs `make install` into a temporary
# DESTDIR; then $P is the staged prefix and `pc` is pkg-config reading it.
B=${BUILD_DIR:-$root/build}
CC=${HOST_CC:-cc}
stage=$tmp/stage
prefix=/opt/svl
P=$stage$prefix

stage_install() {
  # MAKEFLAGS of an enclosing make (jobserver, B=...) must not leak in: the
  # build directory and flags are given explicitly.
  if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" install B="$B" CC="$CC" SAN="$HOST_CFLAGS" \
       PREFIX="$prefix" DESTDIR="$stage" >"$tmp/install.log" 2>&1 && [ -f "$P/lib/pkgconfig/svl.pc" ]; then
    ok "make install PREFIX=$prefix DESTDIR=..."
  else
    not_ok "make install PREFIX=$prefix DESTDIR=..." "$(tail -5 "$tmp/install.log")"
    return 1
  fi
}

pc() { PKG_CONFIG_PATH="$P/lib/pkgconfig" PKG_CONFIG_LIBDIR= pkg-config --define-variable=prefix="$P" "$@"; }

# A program that is not built with the sanitizers (the sqlite3 shell,
# python3) can load a libsvl.so that is (make check-asan) only with the
# sanitizer runtimes preloaded; leaks of the program itself are not ours.
sanitizer_env() {
  case " $HOST_CFLAGS " in
    *-fsanitize=*)
      pre=""
      for rt in libasan.so libubsan.so; do
        f=$($CC -print-file-name=$rt 2>/dev/null)
        [ -f "$f" ] && pre="$pre:$f"
      done
      # ':'-separated, so that the words of $(sanitizer_env) are env's arguments
      echo "LD_PRELOAD=${pre#:} ASAN_OPTIONS=detect_leaks=0"
      ;;
  esac
}
