#!/bin/bash
# make bench-pg (and the end of make bench): the shared *tender* scoring
# (../shared/bench/README.md) inside PostgreSQL 15 with the extension, in
# rows per second — one process, two parallel workers, two postgres_fdw
# shards — against the same scoring in plain SQL numeric arithmetic (the
# database's own floor).  Throw-away clusters as in tests/cli/postgresql.t.
# Checks the result against the benchmark's expected checksum (100,000
# bids: 74,212 eligible, checksum 4604799.6838) and that SVL and SQL agree,
# runs tests/cli/postgresql.t with 1,000,000 rows (identical to svl run),
# then rewrites the PostgreSQL section of docs/performance.md and the
# figures of docs/postgresql.md.
#   tests/bench/pg.sh [ROWS]     (default 1000000; RUNS=3)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'pg_stop_all; rm -rf "$tmp"' EXIT
. "$root/tests/cli/pg_lib.sh"
rows=${1:-1000000}
runs=${RUNS:-3}
SHARED=${SHARED:-$root/../shared}
SVL=${SVL:-$root/build/svl}
die() { echo "bench-pg: $*" >&2; exit 1; }
note() { echo "bench-pg: $*" >&2; }
pg_available || die "PostgreSQL 15 is not installed (sudo sh .ci/deps)"

pg_stage || die "make pg-install failed: $(tail -5 "$tmp/pg-install.log")"
conf="-c shared_buffers=256MB -c work_mem=64MB -c max_parallel_workers_per_gather=2 -c jit=off"
# shellcheck disable=SC2086
# each shard scans with one process: two shards, two processes
{ pg_start one $conf && pg_start coord $conf && pg_start shard1 $conf -c max_parallel_workers_per_gather=0 \
    && pg_start shard2 $conf -c max_parallel_workers_per_gather=0; } || die "clusters"
r=$(cat "$root/tests/bench/pg_tender.svl")

python3 "$SHARED/bench/gen_tender.py" 100000 >"$tmp/bids100k.csv" || die "gen_tender.py"
python3 "$SHARED/bench/gen_tender.py" "$rows" >"$tmp/bids.csv" || die "gen_tender.py"
chmod 644 "$tmp"/*.csv
cols="id int, supplier text, price numeric, turnover numeric, insured bool, excluded bool,
  q1 text, q2 text, q3 text, q4 text, m1 numeric, m2 numeric, m3 numeric, m4 numeric, m5 numeric, m6 numeric"
# The shard of a bid: a bit of the hash of its id, as hash partitioning
# would place it.  Not id % 2: the generator's random numbers correlate
# with the parity of the id, so the odd ids hold 54.5% of the eligible
# bids (404,884 of 742,319) and one shard made 20% more svl_numeric calls
# than the other; hashed, the shards hold 371,399 and 370,920.
load() { # NODE TABLE CSV [WHERE]
  sql "$1" -c "CREATE TABLE $2_in ($cols)" -c "\\copy $2_in FROM '$3' WITH (FORMAT csv, HEADER)" \
    -c "CREATE TABLE $2 AS SELECT *, hashint4(id) & 1 AS part FROM $2_in ${4:-}" -c "DROP TABLE $2_in" -c "VACUUM ANALYZE $2" >/dev/null
}
for node in one shard1 shard2; do sql "$node" -c "CREATE EXTENSION svl" >/dev/null || die "CREATE EXTENSION"; done
load one bids100k "$tmp/bids100k.csv" || die "load"
load one bids "$tmp/bids.csv" || die "load"
load shard1 bids "$tmp/bids.csv" "WHERE hashint4(id) & 1 = 0" || die "load shard1"
load shard2 bids "$tmp/bids.csv" "WHERE hashint4(id) & 1 = 1" || die "load shard2"
sql coord >/dev/null <<SQL || die "coordinator"
CREATE EXTENSION svl;
CREATE EXTENSION postgres_fdw;
CREATE TABLE bids ($cols, part int) PARTITION BY LIST (part);
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$sock', port '$PGPORT_shard1', dbname 'postgres', extensions 'svl', async_capable 'true', fdw_tuple_cost '1');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$sock', port '$PGPORT_shard2', dbname 'postgres', extensions 'svl', async_capable 'true', fdw_tuple_cost '1');
CREATE USER MAPPING FOR postgres SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER shard2 OPTIONS (user 'postgres');
CREATE FOREIGN TABLE bids_0 PARTITION OF bids FOR VALUES IN (0) SERVER shard1 OPTIONS (table_name 'bids');
CREATE FOREIGN TABLE bids_1 PARTITION OF bids FOR VALUES IN (1) SERVER shard2 OPTIONS (table_name 'bids');
SQL

eligible_svl="svl_bool(:'r', 'eligible', turnover, insured, excluded)"
eligible_sql="turnover >= 2400000 AND insured AND NOT excluded"
sv_sql="(m1 * 30000 + m2 * 1404 + m3 * 16.93 + m4 * 101 + m5 * 245 + m6 * 0.10)"
pts() { echo "CASE $1 WHEN 'excellent' THEN 100 WHEN 'good' THEN 70 WHEN 'adequate' THEN 40 ELSE 0 END"; }
score_svl="svl_numeric(:'r', 'total', price, q1, q2, q3, q4, m1, m2, m3, m4, m5, m6, :lowest, :best)"
score_sql="40 * :lowest / price + ($(pts q1) + $(pts q2) + $(pts q3) + $(pts q4)) / 4.0 * 0.5 + 10 * $sv_sql / :best"
# the lowest eligible price and the best social value, by SQL
extremes() { sql "$1" -c "SELECT min(price) || ' ' || max($sv_sql) FROM $2 WHERE $eligible_sql"; }

# q NODE SETTINGS TABLE SCORE WHERE: count and sum of the scores; the
# sharded form groups by the partition key so each shard gets the whole
# aggregate (docs/postgresql.md, "Across nodes")
declare -A lows bests
query() {
  local node=$1 settings=$2 table=$3 score=$4 where=$5 lo hi
  if [ -z "${lows[$node.$table]:-}" ]; then   # once per table, outside the timings
    read -r lo hi <<<"$(extremes "$node" "$table")"
    lows[$node.$table]=$lo bests[$node.$table]=$hi
  fi
  lo=${lows[$node.$table]} hi=${bests[$node.$table]}
  if [ "$node" = coord ]; then
    body="SELECT sum(n), round(sum(s), 4) FROM (SELECT part, count(*) AS n, sum($score) AS s FROM $table WHERE $where GROUP BY part) x"
  else
    body="SELECT count(*), round(sum($score), 4) FROM $table WHERE $where"
  fi
  sql "$node" -v r="$r" -v lowest="$lo" -v best="$hi" <<SQL
$settings
$body;
SQL
}
ONE="SET max_parallel_workers_per_gather = 0;"
TWO="SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
SHARDS="SET enable_partitionwise_aggregate = on; SET max_parallel_workers_per_gather = 0;"

check=$(query one "$ONE" bids100k "$score_svl" "$eligible_svl")
[ "$check" = "74212|4604799.6838" ] || die "100,000 bids: got '$check', expected 74212|4604799.6838 (shared/bench/README.md)"
note "100,000 bids: $check, as the shared benchmark expects"

# The CPU time of every server process, in ms: what the postmasters have
# reaped of their children (backends, parallel workers; a shard's backend
# ends when the coordinator's does).  Unlike the wall time it hardly
# depends on what else the machine runs.
tck=$(getconf CLK_TCK)
server_cpu() {
  local total=0 node pid
  for node in one coord shard1 shard2; do
    pid=$(head -1 "$tmp/$node/postmaster.pid")
    total=$(( total + $(awk '{print $16 + $17}' "/proc/$pid/stat") ))
  done
  echo $(( total * 1000 / tck ))
}
# the backends of a finished query reaped: the counter stands still
settled_cpu() {
  local a b i
  a=$(server_cpu)
  for i in 1 2 3 4 5 6 7 8 9 10; do
    sleep 0.2
    b=$(server_cpu)
    [ "$a" = "$b" ] && break
    a=$b
  done
  echo "$b"
}

# Each configuration runs once to warm up, then $runs times, the six
# configurations taking turns so that a change in the machine's load
# weighs on SVL and SQL alike; the median of the wall times (ms) and of
# the servers' CPU times (ms).
declare -A secs cpus out walls cpul
config() { # LABEL -> NODE SETTINGS SCORE WHERE
  case $1 in
    svl1) echo "one|$ONE|$score_svl|$eligible_svl" ;; sql1) echo "one|$ONE|$score_sql|$eligible_sql" ;;
    svl2) echo "one|$TWO|$score_svl|$eligible_svl" ;; sql2) echo "one|$TWO|$score_sql|$eligible_sql" ;;
    svlS) echo "coord|$SHARDS|$score_svl|$eligible_svl" ;; sqlS) echo "coord|$SHARDS|$score_sql|$eligible_sql" ;;
  esac
}
labels="svl1 sql1 svl2 sql2 svlS sqlS"
once() { # LABEL: one timed run
  local node settings score where c0 c1 t0 t1
  IFS='|' read -r node settings score where <<<"$(config "$1")"
  c0=$(settled_cpu)
  t0=$(date +%s%N)
  out[$1]=$(query "$node" "$settings" bids "$score" "$where") || die "$1 failed"
  t1=$(date +%s%N)
  c1=$(settled_cpu)
  walls[$1]="${walls[$1]:-} $(( (t1 - t0) / 1000000 ))"
  cpul[$1]="${cpul[$1]:-} $(( c1 - c0 ))"
}
median() { printf '%s\n' $1 | sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for l in $labels; do   # warm-up, and the extremes (kept by query: not in a subshell)
  IFS='|' read -r node settings score where <<<"$(config "$l")"
  query "$node" "$settings" bids "$score" "$where" >/dev/null || die "$l failed"
done
for i in $(seq 1 "$runs"); do
  for l in $labels; do once "$l"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for l in $labels; do
  secs[$l]=$(median "${walls[$l]}") cpus[$l]=$(median "${cpul[$l]}")
  note "$l: ${secs[$l]} ms, servers' CPU ${cpus[$l]} ms (walls:${walls[$l]}; CPU:${cpul[$l]}) (${out[$l]})"
done
note "load average before ${load_before}, after ${load_after}"
for k in svl2 svlS sql1 sql2 sqlS; do
  [ "${out[$k]}" = "${out[svl1]}" ] || die "$k gave ${out[$k]}, svl1 ${out[svl1]}"
done
note "every configuration gives ${out[svl1]} (count, sum of totals to 4 places)"

note "tests/cli/postgresql.t with 1,000,000 rows"
million=$(SVL=$SVL SVL_PG_ROWS=1000000 bash "$root/tests/cli/postgresql.t" 2>&1 | grep "rows scored in SQL")
case "$million" in ok*) ;; *) die "the 1,000,000-row comparison with svl run failed: $million" ;; esac

rate() { awk -v n="$rows" -v ms="$1" 'BEGIN { printf "%\047d", n / (ms / 1000) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
eligible=${out[svl1]%%|*}
section=$(cat <<MD
<!-- pg-bench-begin -->
## Inside PostgreSQL (issue 18)

\`make bench-pg\` (tests/bench/pg.sh, also run by \`make bench\`): the
shared *tender* scoring of $(printf "%'d" "$rows") bids ($(printf "%'d" "$eligible") eligible) inside PostgreSQL 15 with
\`CREATE EXTENSION svl\` (tests/bench/pg_tender.svl: the eligibility rule
and the total per row, the bid's columns as arguments; the lowest price
and the best social value computed once by SQL beforehand), against the same scoring written in plain
SQL \`numeric\` arithmetic.  The query counts and sums the totals
(\`svl_bool\` in WHERE, \`sum(svl_numeric(...))\`); every configuration gives
the same count and sum to 4 places, and on the benchmark's 100,000 bids
SVL gives its expected 74212 eligible, checksum 4604799.6838.  Median of
$runs runs after a warm-up, whole query (psql included), the six
configurations taking turns, on this machine's $(nproc) cores shared with
other work: load average ${load_before} before, ${load_after} after.  The CPU
column is the servers' CPU time for the query (all backends, workers and
shards, as their postmasters reaped them), which depends far less on the
other work than the wall time.

| configuration | SVL in PostgreSQL | plain SQL numeric | SVL ÷ SQL (time) | servers' CPU, SVL / SQL |
|---|---|---|---|---|
| one process | ${secs[svl1]} ms ($(rate "${secs[svl1]}") rows/s) | ${secs[sql1]} ms ($(rate "${secs[sql1]}") rows/s) | $(ratio "${secs[svl1]}" "${secs[sql1]}") | ${cpus[svl1]} / ${cpus[sql1]} ms ($(ratio "${cpus[svl1]}" "${cpus[sql1]}")) |
| two parallel workers | ${secs[svl2]} ms ($(rate "${secs[svl2]}") rows/s) | ${secs[sql2]} ms ($(rate "${secs[sql2]}") rows/s) | $(ratio "${secs[svl2]}" "${secs[sql2]}") | ${cpus[svl2]} / ${cpus[sql2]} ms ($(ratio "${cpus[svl2]}" "${cpus[sql2]}")) |
| two postgres_fdw shards | ${secs[svlS]} ms ($(rate "${secs[svlS]}") rows/s) | ${secs[sqlS]} ms ($(rate "${secs[sqlS]}") rows/s) | $(ratio "${secs[svlS]}" "${secs[sqlS]}") | ${cpus[svlS]} / ${cpus[sqlS]} ms ($(ratio "${cpus[svlS]}" "${cpus[sqlS]}")) |

Scaling of SVL: two workers run $(ratio "${secs[svl1]}" "${secs[svl2]}")× as fast as one process, two
shards $(ratio "${secs[svl1]}" "${secs[svlS]}")× (plain SQL: $(ratio "${secs[sql1]}" "${secs[sql2]}")× and $(ratio "${secs[sql1]}" "${secs[sqlS]}")×).  The shards are clusters on the same machine, so
they share its cores.  \`tests/cli/postgresql.t\` with 1,000,000 rows
(\`SVL_PG_ROWS=1000000\`) scored them identically to \`svl run\` on the
table exported to CSV: \`$million\`.
<!-- pg-bench-end -->
MD
)
# splice SECTION into FILE between the markers (or at the end)
splice() {
  python3 - "$1" "$section" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
a, b = "<!-- pg-bench-begin -->", "<!-- pg-bench-end -->"
if a in text and b in text:
    text = text[:text.index(a)] + section + text[text.index(b) + len(b):]
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
}
splice "$root/docs/performance.md"
splice "$root/docs/postgresql.md"
echo "$section"
