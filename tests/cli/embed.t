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
# sanitizer_env (for python3 and sqlite3 loading a sanitizer build), and
# the same B, CC, stage, prefix and P
. "$root/tests/cli/stage.sh"

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

# Issue 17: no path of the checkout is compiled into what is installed (it
# once was, as the stdlib's fallback), the version is known at compile and
# at run time, and a VM has a heap budget of its own.
for f in lib/libsvl.so bin/svl; do
  objcopy -O binary -j .rodata "$P/$f" rodata.bin 2>/dev/null
  if [ -s rodata.bin ] && ! grep -aqF "$root" rodata.bin; then ok "no checkout path in the installed $f"
  else not_ok "no checkout path in the installed $f" "$(grep -aoF "$root" rodata.bin | head -2)"; fi
done
cat >where.c <<'C'
#include <stdio.h>
#include <string.h>
#include <svl.h>
#if SVL_VERSION_NUM < 1000
#error "SVL_VERSION_NUM"
#endif
int main(void) {
  const char *d = svl_stdlib_dir();
  printf("%s %s %d\n", d ? d : "(none)", svl_version(), svl_version_num() == SVL_VERSION_NUM);
  /* two VMs: one with a small budget stops, the other is not charged for it */
  svl_config small, big;
  svl_config_init(&small);
  svl_config_init(&big);
  small.heap_budget = 1 << 20;
  svl_vm *a = svl_new(&small), *b = svl_new(&big);
  const char *src = "let xs = [\"item {i}\" for i in 1..200000]\nlet n = len(xs)\n";
  svl_status sa = svl_load_string(a, "a.svl", src, SVL_NTS);
  printf("%d %s\n", sa == SVL_ERR_LIMIT, sa ? svl_last_error(a)->code : "-");
  printf("%d\n", svl_load_string(b, "b.svl", src, SVL_NTS) == SVL_OK);
  printf("%d\n", svl_load_string(a, "c.svl", "let small = 1 + 1\n", SVL_NTS) == SVL_OK);
  svl_free(a);
  svl_free(b);
  return 0;
}
C
# shellcheck disable=SC2086
if $CC $cflags -o where where.c $(pc --cflags --libs svl-static) 2>"$tmp/err"; then
  ./where >where.out 2>&1
  [ "$(sed -n 1p where.out)" = "(none) $("$P/bin/svl" --version | cut -d' ' -f2) 1" ] \
    && ok "a static host outside the prefix finds no stdlib (never the build tree's); svl_version, SVL_VERSION_NUM" \
    || not_ok "a static host outside the prefix: no stdlib, the version" "$(cat where.out)"
  cp where "$P/bin/where"
  [ "$("$P/bin/where" | sed -n 1p | cut -d' ' -f1)" = "$P/share/svl/stdlib" ] \
    && ok "... and installed in PREFIX/bin it finds PREFIX/share/svl/stdlib" || not_ok "... installed in PREFIX/bin" "$("$P/bin/where")"
  rm -f "$P/bin/where"
  [ "$(sed -n 2,4p where.out | tr '\n' ' ')" = "1 E0802 1 1 " ] \
    && ok "heap_budget: a VM over its own budget stops (E0802), another VM is not charged, the first stays usable" \
    || not_ok "heap_budget per VM" "$(cat where.out)"
else
  not_ok "a host using svl_version and heap_budget builds" "$(head -5 "$tmp/err")"
fi

# make install also installs the Python module and the SQLite extension
py=$(ls "$P"/lib/python3/dist-packages/svl.py 2>/dev/null)
[ -n "$py" ] && ok "make install puts svl.py in PREFIX/lib/python3/dist-packages" || not_ok "svl.py installed" "$(ls -R "$P/lib" | head)"
got=$(env -u SVL_LIBRARY $(sanitizer_env) PYTHONPATH="$P/lib/python3/dist-packages" PYTHONDONTWRITEBYTECODE=1 timeout 300 python3 -c '
import svl
with svl.VM() as vm:
    vm.load_string("let x = 0.1 + 0.2\n", "x.svl")
    print(vm.get("x"), svl.stdlib_dir())' 2>&1)
[ "$got" = "0.3 $P/share/svl/stdlib" ] && ok "... which finds the installed libsvl.so.0 and stdlib by itself" \
  || not_ok "... the installed svl.py works" "$got"
if [ -x "$P/lib/svl/svl_sqlite.so" ] && command -v sqlite3 >/dev/null; then
  printf 'fn f() = 0.1 + 0.2\n' >sq.svl
  got=$(env LD_LIBRARY_PATH="$P/lib" $(sanitizer_env) timeout 300 \
        sqlite3 -bail -cmd ".load $P/lib/svl/svl_sqlite" :memory: "select svl_call('sq.svl', 'f');" 2>&1)
  [ "$got" = "0.3" ] && ok "make install puts the SQLite extension in PREFIX/lib/svl, and it loads" \
    || not_ok "the installed SQLite extension loads" "$got"
else
  not_ok "make install puts the SQLite extension in PREFIX/lib/svl" "$(ls "$P/lib/svl" 2>&1)"
fi

if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" uninstall B="$B" PREFIX="$prefix" DESTDIR="$stage" \
     >"$tmp/install.log" 2>&1 && [ -z "$(find "$stage" -type f -o -type l)" ]; then
  ok "make uninstall removes every installed file"
else
  not_ok "make uninstall removes every installed file" "$(find "$stage" -type f -o -type l | head)"
fi
done_testing
