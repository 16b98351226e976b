#!/bin/sh
# summary.sh HISTORY...: total CPU time, executions and findings per harness
# from the fuzz-history.log files run.sh appends to (docs/testing.md).
# A session logged without cpu= (the first, wall-clock-only format) counts
# no CPU time.
awk '
  /^#/ { next }
  { delete v; h = $2; for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    sub(/s$/, "", v["cpu"])
    cpu[h] += v["cpu"]; runs[h] += v["runs"]; n[h]++; if (v["exit"] != 0) bad[h]++ }
  END {
    printf "%-20s %8s %12s %14s %9s\n", "harness", "sessions", "CPU", "executions", "findings"
    for (h in cpu) {
      printf "%-20s %8d %8.1f min %14d %9d\n", h, n[h], cpu[h] / 60, runs[h], bad[h] | "sort"
      tc += cpu[h]; tr += runs[h]; tb += bad[h]
    }
    close("sort")
    printf "%-20s %8s %8.1f min %14d %9d\n", "total", "", tc / 60, tr, tb
  }' "$@"
