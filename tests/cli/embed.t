#!/bin/bash
# Real hosts against an installed SVL: `make install` into a temporary
# DESTDIR, the installed svl finding its stdlib with no environment at all,
# the man page and pkg-config files, then examples/embed/c/host.c built with
# pkg-config against the installed shared library and, separately, the
# installed static library, each scoring examples/embed/c/bids.csv.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$tmp" || exit 1
B=${BUILD_DIR:-$root/build}
CC=${HOST_CC:-cc}
stage=$tmp/stage
prefix=/opt/svl
P=$stage$prefix

# MAKEFLAGS of an enclosing make (jobserver, B=...) must not leak in: the
# build directory and flags are given explicitly.
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" install B="$B" CC="$CC" SAN="$HOST_CFLAGS" \
     PREFIX="$prefix" DESTDIR="$stage" >"$tmp/install.log" 2>&1; then
  ok "make install PREFIX=$prefix DESTDIR=..."
else
  not_ok "make install PREFIX=$prefix DESTDIR=..." "$(tail -5 "$tmp/install.log")"
fi
missing=""
for f in bin/svl lib/libsvl.a lib/libsvl.so lib/libsvl.so.0 include/svl.h lib/pkgconfig/svl.pc \
         lib/pkgconfig/svl-static.pc share/man/man1/svl.1; do
  [ -e "$P/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "binary, both libraries, header, pkg-config files and man page installed" \
  || not_ok "installed files" "missing:$missing"
[ "$(readlink "$P/lib/libsvl.so.0")" = "libsvl.so.$("$SVL" --version | awk '{ print $2 }')" ] \
  && ok "libsvl.so.0 links to the versioned library" || not_ok "libsvl.so.0 links to the versioned library" "$(ls -l "$P/lib")"
nmods=$(ls "$root"/stdlib/*.svl | wc -l)
[ "$(ls "$P"/share/svl/stdlib/*.svl 2>/dev/null | wc -l)" = "$nmods" ] && ok "the $nmods stdlib modules installed" \
  || not_ok "stdlib modules installed" "$(ls "$P/share/svl/stdlib" 2>&1)"
if groff -man -Tutf8 -ww -z "$P/share/man/man1/svl.1" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
  ok "the man page is clean man(7)"
else
  not_ok "the man page is clean man(7)" "$(head -5 "$tmp/err")"
fi

# The installed svl, given no environment at all, finds its own stdlib
# beside itself: a module that exists only in the staged copy proves it is
# not reading the source tree's.
mod=$(ls "$P/share/svl/stdlib" | sed -n 's/\.svl$//p' | grep -v '^_' | head -1)
printf 'import %s\nprint "imported %s"\n' "$mod" "$mod" >"$tmp/std.svl"
expect_out "the installed svl imports stdlib '$mod' with an empty environment" "imported $mod" \
  env -i "$P/bin/svl" run "$tmp/std.svl"
printf 'let where = "staged"\n' >"$P/share/svl/stdlib/zz_staged_only.svl"
printf 'import zz_staged_only\nprint zz_staged_only.where\n' >"$tmp/staged.svl"
expect_out "... from PREFIX/share/svl/stdlib beside the installed binary" "staged" env -i "$P/bin/svl" run "$tmp/staged.svl"
rm -f "$P/share/svl/stdlib/zz_staged_only.svl"
expect_out "the installed svl runs a rule file" "0.3" sh -c "printf 'print 0.1 + 0.2\n' >'$tmp/a.svl'; env -i '$P/bin/svl' run '$tmp/a.svl'"

pc() { PKG_CONFIG_PATH="$P/lib/pkgconfig" PKG_CONFIG_LIBDIR= pkg-config --define-variable=prefix="$P" "$@"; }
flags=$(pc --cflags --libs svl)
case "$flags" in
  *"-I$P/include"*"-L$P/lib"*"-lsvl"*) ok "pkg-config svl: $flags" ;;
  *) not_ok "pkg-config svl gives the include and library flags" "$flags" ;;
esac
[ "$(pc --variable=stdlibdir svl)" = "$P/share/svl/stdlib" ] && ok "pkg-config svl knows the stdlib directory" \
  || not_ok "pkg-config --variable=stdlibdir" "$(pc --variable=stdlibdir svl)"

ex=$root/examples/embed/c
cflags="-std=c17 -Wall -Wextra -Werror $HOST_CFLAGS"
# shellcheck disable=SC2086
if $CC $cflags -o host_shared "$ex/host.c" $(pc --cflags --libs svl) 2>"$tmp/err"; then
  ok "examples/embed/c/host.c builds against the installed libsvl.so (pkg-config svl)"
else
  not_ok "examples/embed/c/host.c builds against libsvl.so" "$(head -5 "$tmp/err")"
fi
# shellcheck disable=SC2086
if $CC $cflags -o host_static "$ex/host.c" $(pc --cflags --libs svl-static) 2>"$tmp/err"; then
  ok "examples/embed/c/host.c builds against the installed libsvl.a (pkg-config svl-static)"
else
  not_ok "examples/embed/c/host.c builds against libsvl.a" "$(head -5 "$tmp/err")"
fi
readelf -d host_shared 2>/dev/null | grep -q 'NEEDED.*libsvl\.so\.0' && ok "the shared host needs libsvl.so.0" \
  || not_ok "the shared host needs libsvl.so.0" "$(readelf -d host_shared 2>&1 | grep NEEDED)"
readelf -d host_static 2>/dev/null | grep -q 'NEEDED.*libsvl' && not_ok "the static host does not need libsvl.so" \
  || ok "the static host does not need libsvl.so"

for kind in shared static; do
  (cd "$root" && LD_LIBRARY_PATH="$P/lib" "$tmp/host_$kind" examples/embed/c/tender.svl examples/embed/c/bids.csv) \
    >"out_$kind" 2>"$tmp/err"
  rc=$?
  if [ $rc = 0 ] && diff -u "$ex/expected.out" "out_$kind" >"$tmp/diff"; then
    ok "the $kind host scores the bids: eligibility, a native's error, named-argument scores, ranking, JSON"
  else
    not_ok "the $kind host scores the bids (exit $rc)" "$(head -20 "$tmp/diff") $(head -3 "$tmp/err")"
  fi
done
expect_out "the host explains one bid's score" "└─ score" sh -c \
  "LD_LIBRARY_PATH='$P/lib' ./host_shared '$ex/tender.svl' '$ex/bids.csv' --explain 'Acme Care Ltd' | grep -o '└─ score' | head -1"
# the guide's first program is examples/embed/c/hello.c, and it works
awk '/^`examples\/embed\/c\/hello.c`, complete:/ { grab = 1; next } grab && /^```c$/ { on = 1; next }
     on && /^```$/ { exit } on { print }' "$root/docs/embedding.md" >hello_doc.c
if [ -s hello_doc.c ] && cmp -s hello_doc.c "$ex/hello.c"; then ok "docs/embedding.md shows examples/embed/c/hello.c as it is"
else not_ok "docs/embedding.md shows examples/embed/c/hello.c as it is" "$(diff hello_doc.c "$ex/hello.c" | head)"; fi
# shellcheck disable=SC2086
if $CC $cflags -o hello "$ex/hello.c" $(pc --cflags --libs svl) 2>"$tmp/err"; then
  expect_out "hello.c prints what the guide says" "VAT on £1,234.50 is £246.90" env LD_LIBRARY_PATH="$P/lib" ./hello
else
  not_ok "hello.c builds" "$(head -5 "$tmp/err")"
fi

# the benchmark of docs/embedding.md still builds and computes (timing is
# not tested: only that both paths give the same, right score)
# shellcheck disable=SC2086
if $CC $cflags -o bench "$ex/bench.c" $(pc --cflags --libs svl-static) 2>"$tmp/err"; then
  expect_out "examples/embed/c/bench.c: both paths score 87.34" "87.34
87.34" sh -c "./bench 1000 | sed -n 's/.*(last score \\(.*\\))$/\\1/p'"
else
  not_ok "examples/embed/c/bench.c builds" "$(head -5 "$tmp/err")"
fi

printf 'let x = \n' >"$tmp/broken.svl"
expect_status "the host reports a broken rule file and exits 1" 1 ./host_static "$tmp/broken.svl" "$ex/bids.csv"
expect_err "... with the file, line and caret" "broken.svl:1:"

if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" uninstall B="$B" PREFIX="$prefix" DESTDIR="$stage" \
     >"$tmp/install.log" 2>&1 && [ -z "$(find "$stage" -type f -o -type l)" ]; then
  ok "make uninstall removes every installed file"
else
  not_ok "make uninstall removes every installed file" "$(find "$stage" -type f -o -type l | head)"
fi
done_testing
