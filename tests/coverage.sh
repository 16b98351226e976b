#!/bin/sh
# coverage.sh BUILD_DIR: line and branch coverage of the library's layers
# (core/ lang/ eval/ stdlib/ api/ tools/) from the .gcda files a `--coverage` build left after the suite
# ran (make coverage).  Prints a summary per directory, then every file
# from the least covered up.  Branches are gcov's "taken at least once".
set -eu
b=$1
out=$b/coverage.txt
raw=$b/coverage.raw
if [ -z "$(find "$b/obj" -name '*.gcda' 2>/dev/null | head -1)" ]; then
  echo "coverage.sh: no .gcda files under $b/obj: did the --coverage build and the suite run?" >&2
  exit 1
fi
: >"$raw"
# each object file once: its .c, or the generated lexer and parser (whose
# #line directives point gcov back at lang/lexer.re and lang/parser.y)
for o in $(find "$b/obj/core" "$b/obj/lang" "$b/obj/eval" "$b/obj/stdlib" "$b/obj/api" "$b/obj/tools" "$b/obj/gen" -name '*.gcno' | sort); do
  src=${o%.gcno}.c
  src=${src#"$b"/obj/}
  case $src in gen/*) src=$b/$src ;; esac
  gcov -b -n -o "$(dirname "$o")" "$src" 2>/dev/null >>"$raw" || true
done
awk '
  /^File / { f = $2; gsub(/\047/, "", f); sub(/^.*\/(gen)\//, "gen/", f); next }
  /^Lines executed:/ { split($2, a, "%"); sub(/^executed:/, "", a[1]); lp = a[1]; lt = $4
    if (f ~ /^(core|lang|eval|stdlib|api|tools)\/[^\/]*\.(c|re|y)$/ && !(f in lt_)) { lt_[f] = lt; lc_[f] = int(lp * lt / 100 + 0.5) }
    next }
  /^Taken at least once:/ { split($4, a, "%"); bp = a[1]; sub(/^once:/, "", bp); bt = $6
    if (f in lt_ && !(f in bt_)) { bt_[f] = bt; bc_[f] = int(bp * bt / 100 + 0.5) }
    next }
  END {
    for (f in lt_) {
      d = f; sub(/\/.*/, "/", d)
      L[d] += lt_[f]; LC[d] += lc_[f]; B[d] += bt_[f]; BC[d] += bc_[f]
      L["total"] += lt_[f]; LC["total"] += lc_[f]; B["total"] += bt_[f]; BC["total"] += bc_[f]
    }
    printf "%-10s %16s %18s\n", "", "lines", "branches"
    n = split("core/ lang/ eval/ stdlib/ api/ tools/ total", ds, " ")
    for (i = 1; i <= n; i++) { d = ds[i]
      printf "%-10s %6d/%-6d %5.1f%% %7d/%-6d %5.1f%%\n", d, LC[d], L[d], L[d] ? 100 * LC[d] / L[d] : 0,
             BC[d], B[d], B[d] ? 100 * BC[d] / B[d] : 0 }
    print ""
    print "per file, least covered lines first:"
    for (f in lt_) printf "%6.1f%% %6.1f%%  %5d lines  %s\n", lt_[f] ? 100 * lc_[f] / lt_[f] : 100,
                         bt_[f] ? 100 * bc_[f] / bt_[f] : 100, lt_[f], f | "sort -n"
  }' "$raw" >"$out"
cat "$out"
