#!/bin/sh
# seed.sh HARNESS OUTDIR DIR... : copy seed inputs for one harness from
# every .svl, .csv and .json under the given directories (build/ skipped).
# The load harness takes a mode byte first (fuzz_load.c): JSON files are
# seeded as modes 0, 2 and 4, CSV files as modes 1 and 3.
set -eu
h=$1 out=$2
shift 2
mkdir -p "$out"
# The deep-values harness (fuzz_deep.c) takes a wrap byte and a depth byte,
# then a program over d, d2 and e: seeded with each walk over values, at
# depths around the 1,000-level limit and far past it.
case $h in
  fuzz_deep*)
    k=0
    for op in 'print to_json(d)' 'print d == d2' 'print d != e' 'print d' 'print "{d}"' 'let main = d' \
      'print unique([d, d2, e])' 'print group_by([d, e], fn(x) = x)' 'print contains([d], d2)' \
      'print index_of([e], [d2])' 'print format(d)' 'print d < d2' 'print sort([d, d2])' \
      'print sort_by([e, d], fn(x) = x)' 'print rank([d, d2], fn(x) = x)' 'print max([d, d2])' \
      'print error(d)' 'print d in [e]' 'test "deep" { assert d == e }' 'print len(to_json(e))'; do
      for w in 0 1 2 4; do
        for dp in 3 5 7 9; do
          k=$((k + 1))
          # shellcheck disable=SC2059 # the format is the two bytes, built here
          { printf "$(printf '\\%03o\\%03o' "$w" "$dp")"; echo "$op"; } >"$out/d-$k"
        done
      done
    done
    ;;
esac
i=0
for d in "$@"; do
  [ -d "$d" ] || continue
  find "$d" -path '*/build' -prune -o -path '*/.git' -prune -o -type f \( -name '*.svl' -o -name '*.csv' -o -name '*.json' \) -print
done | sort -u | while IFS= read -r f; do
  i=$((i + 1))
  case "$h:$f" in
    fuzz_load*:*.json) for m in 0 2 4; do { printf "\\00$m"; cat "$f"; } >"$out/j$m-$i"; done ;;
    fuzz_load*:*.csv) for m in 1 3; do { printf "\\00$m"; cat "$f"; } >"$out/c$m-$i"; done ;;
    fuzz_load*:*) ;;
    *:*.svl) cp "$f" "$out/s-$i" ;;
  esac
done
