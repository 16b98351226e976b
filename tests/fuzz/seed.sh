#!/bin/sh
# seed.sh HARNESS OUTDIR DIR... : copy seed inputs for one harness from
# every .svl, .csv and .json under the given directories (build/ skipped).
# The load harness takes a mode byte first (fuzz_load.c): JSON files are
# seeded as modes 0, 2 and 4, CSV files as modes 1 and 3.
set -eu
h=$1 out=$2
shift 2
mkdir -p "$out"
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
