#!/bin/bash
# The PostgreSQL extension across nodes with postgres_fdw (docs/postgresql.md,
# "Across nodes"): three throw-away clusters — a coordinator and two shards —
# a bids table partitioned by lot on the coordinator whose two partitions are
# foreign tables on the shards, the servers' `extensions 'svl'` option so
# that the svl functions may be shipped.  EXPLAIN VERBOSE shows the scoring
# call in each Remote SQL, and the results equal those of one node.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/cli/pg_lib.sh"
here=$root/tests/cli/postgresql

if ! pg_available; then
  echo "1..0 # SKIP PostgreSQL 15 (postgresql-15, postgresql-server-dev-15) is not installed (.ci/deps installs it)"
  exit 0
fi
case " $HOST_CFLAGS " in
  *-fsanitize=*)
    echo "1..0 # SKIP the extension is not built under make check-asan (the server is not instrumented)"
    exit 0 ;;
esac
trap 'pg_stop_all; rm -rf "$tmp"' EXIT

if pg_stage && pg_start coord && pg_start shard1 && pg_start shard2; then
  ok "three throw-away clusters with the extension staged"
else
  not_ok "three clusters" "$(tail -5 "$tmp/pg-install.log")"; done_testing; exit 1
fi
r=$(cat "$here/rules.svl")

# The same rows everywhere: ids 1..N, split at N/2 between the shards.
rows=20000
bids_sql="SELECT i AS id, CASE WHEN i <= $((rows / 2)) THEN 1 ELSE 2 END AS lot, (300000 + (i * 7919) % 200000)::numeric(12,2) + (i % 100) / 100.0 AS price,
  (ARRAY['excellent','good','adequate','poor'])[1 + i % 4] AS q1,
  (ARRAY['excellent','good','adequate','poor'])[1 + (i / 4) % 4] AS q2,
  (1000000 + (i * 104729) % 3000000)::numeric AS turnover, i % 10 <> 0 AS insured
FROM generate_series(1, $rows) i"
ddl="CREATE TABLE bids (id int, lot int, price numeric(12,2), q1 text, q2 text, turnover numeric, insured bool)"
setup_ok=1
for s in 1 2; do
  lo=$(( (s - 1) * rows / 2 + 1 )) hi=$(( s * rows / 2 ))
  sql "shard$s" -c "CREATE EXTENSION svl" -c "$ddl" -c "INSERT INTO bids SELECT * FROM ($bids_sql) b WHERE id BETWEEN $lo AND $hi" \
    >/dev/null 2>>"$tmp/err" || setup_ok=0
done
sql coord >/dev/null 2>>"$tmp/err" <<SQL || setup_ok=0
CREATE EXTENSION svl;
CREATE EXTENSION postgres_fdw;
CREATE TABLE local_bids AS $bids_sql;
CREATE TABLE bids (id int, lot int, price numeric(12,2), q1 text, q2 text, turnover numeric, insured bool) PARTITION BY LIST (lot);
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$sock', port '$PGPORT_shard1', dbname 'postgres', extensions 'svl', async_capable 'true', fdw_tuple_cost '1');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$sock', port '$PGPORT_shard2', dbname 'postgres', extensions 'svl', async_capable 'true', fdw_tuple_cost '1');
CREATE USER MAPPING FOR postgres SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER shard2 OPTIONS (user 'postgres');
CREATE FOREIGN TABLE bids_1 PARTITION OF bids FOR VALUES IN (1) SERVER shard1 OPTIONS (table_name 'bids');
CREATE FOREIGN TABLE bids_2 PARTITION OF bids FOR VALUES IN (2) SERVER shard2 OPTIONS (table_name 'bids');
SQL
if [ "$setup_ok" = 1 ]; then ok "a partitioned bids table with a foreign partition on each shard (extensions 'svl')"; else
  not_ok "the sharded table" "$(head -5 "$tmp/err")"; fi

# Per row: the verdict filters on the shards (the columns are the
# arguments, so every input collation comes from a column: shippable).
query="SELECT id, svl_numeric(:'r', 'total_row', price, q1, q2, 300000) AS total
FROM %s WHERE svl_bool(:'r', 'eligible_row', turnover, insured, price) ORDER BY id"
# The scoring summed per lot, the partition key: partitionwise aggregation
# pushes the whole aggregate, svl_numeric inside, into each Remote SQL.
agg="SET enable_partitionwise_aggregate = on;
SELECT lot, sum(svl_numeric(:'r', 'total_row', price, q1, q2, 300000)), count(*)
FROM %s WHERE svl_bool(:'r', 'eligible_row', turnover, insured, price) GROUP BY lot ORDER BY lot"
# shellcheck disable=SC2059
sql coord -v r="$r" >"$tmp/plan" 2>"$tmp/err" <<SQL
EXPLAIN (VERBOSE, COSTS OFF) $(printf "$query" bids);
SQL
# shellcheck disable=SC2059
sql coord -v r="$r" >"$tmp/aplan" 2>>"$tmp/err" <<SQL
$(printf "$agg" bids | sed 's/^SELECT/EXPLAIN (VERBOSE, COSTS OFF) SELECT/')
SQL
where=$(grep -c "Remote SQL: SELECT .* WHERE (public.svl_bool(" "$tmp/plan")
aggs=$(grep -c "Remote SQL: SELECT lot, sum(public.svl_numeric(" "$tmp/aplan")
if [ "$where" = 2 ] && grep -q "Foreign Scan on public.bids_1" "$tmp/plan" \
   && grep -q "Foreign Scan on public.bids_2" "$tmp/plan" && ! grep -q "^ *Filter: svl_bool" "$tmp/plan"; then
  ok "EXPLAIN VERBOSE: both Foreign Scans ship the svl_bool filter in their Remote SQL"
else
  not_ok "EXPLAIN VERBOSE shows svl_bool in the Remote SQL" "where $where; $(grep -E 'Scan|Remote|Filter' "$tmp/plan" | cut -c1-160) $(head -3 "$tmp/err")"
fi
if [ "$aggs" = 2 ] && [ "$(grep -c "Foreign Scan" "$tmp/aplan")" = 2 ] && grep -q "Relations: Aggregate on (public.bids_1" "$tmp/aplan"; then
  ok "EXPLAIN VERBOSE: sum(svl_numeric(...)) per lot and the filter computed on each shard (partitionwise aggregate)"
else
  not_ok "EXPLAIN VERBOSE shows the aggregate of svl_numeric in the Remote SQL" "aggs $aggs; $(grep -E 'Scan|Remote|Relations|Aggregate' "$tmp/aplan" | cut -c1-160)"
fi
# async_capable: the Append sends both shards their aggregate before it
# waits for either, so the shards score at the same time (not one after
# the other, which a plain Foreign Scan would do).
if [ "$(grep -c "Async Foreign Scan" "$tmp/aplan")" = 2 ]; then
  ok "EXPLAIN VERBOSE: both shards' aggregates are Async Foreign Scans (the shards score concurrently)"
else
  not_ok "two Async Foreign Scans" "$(grep -E 'Append|Scan' "$tmp/aplan" | cut -c1-160)"
fi
# shellcheck disable=SC2059
sql coord -v r="$r" >"$tmp/sharded" 2>"$tmp/err" <<SQL
$(printf "$query" bids);
$(printf "$agg" bids);
SQL
# shellcheck disable=SC2059
sql coord -v r="$r" >"$tmp/local" 2>>"$tmp/err" <<SQL
$(printf "$query" local_bids);
$(printf "$agg" local_bids);
SQL
nrows=$(wc -l <"$tmp/local")
if [ "$nrows" -gt 1000 ] && cmp -s "$tmp/sharded" "$tmp/local"; then
  ok "the $((nrows - 2)) eligible bids and their sums per lot score the same on two shards as on one node, digit for digit"
else
  not_ok "two shards and one node agree" "$nrows rows; $(diff "$tmp/local" "$tmp/sharded" | head -5) $(head -3 "$tmp/err")"
fi
# An error on a shard comes back through the coordinator with its SQLSTATE.
sql coord -v r="$r" >/dev/null 2>"$tmp/err" <<'SQL'
\set VERBOSITY verbose
SELECT count(*) FROM bids WHERE svl_bool(:'r', 'risky', turnover);
SQL
if grep -q "ERROR:  22000: svl_bool: division by zero \[E0501\]" "$tmp/err" && grep -q "remote SQL command" "$tmp/err"; then
  ok "an SVL error on a shard reaches the coordinator with its SQLSTATE, message and the remote command"
else
  not_ok "a shard's SVL error" "$(head -6 "$tmp/err")"
fi
for node in coord shard1 shard2; do
  grep -q "terminated by signal" "$tmp/$node/server.log" && not_ok "no backend crashed on $node" "$(grep 'terminated by signal' "$tmp/$node/server.log")"
done
ok "no backend crashed on any node"
done_testing
