#!/bin/bash
# The PostgreSQL extension (pg/, docs/postgresql.md) in a throw-away
# cluster: `make pg-install` staged into a temporary tree, CREATE EXTENSION
# svl, every function with every kind of argument and result, NULLs, errors
# as SQLSTATEs with SVL's report in DETAIL, the limits (svl.max_steps,
# svl.heap_limit, svl.timeout, svl.max_depth), cancel and statement_timeout,
# a parallel plan, many rows scored identically to `svl run` on the same
# data exported to CSV (SVL_PG_ROWS rows, 20,000 by default; make bench
# runs 1,000,000), and the memory of a backend after many calls.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/cli/pg_lib.sh"
here=$root/tests/cli/postgresql
rows=${SVL_PG_ROWS:-20000}

if ! pg_available; then
  echo "1..0 # SKIP PostgreSQL 15 (postgresql-15, postgresql-server-dev-15) is not installed (.ci/deps installs it)"
  exit 0
fi
case " $HOST_CFLAGS " in
  *-fsanitize=*)
    # postgres is not built with the sanitizers, and a server that forks
    # cannot have them preloaded for one extension; the plain run covers it
    echo "1..0 # SKIP the extension is not built under make check-asan (the server is not instrumented)"
    exit 0 ;;
esac
trap 'pg_stop_all; rm -rf "$tmp"' EXIT

if pg_stage; then ok "make pg-install DESTDIR=... (PGXS, against build/libsvl.a)"; else
  not_ok "make pg-install" "$(tail -5 "$tmp/pg-install.log")"; done_testing; exit 1; fi
if pg_start one; then ok "a throw-away cluster (initdb, a Unix socket in the temporary directory)"; else
  not_ok "the cluster starts"; done_testing; exit 1; fi
cp "$here/rules.svl" "$tmp/rules.svl"

# q DESC EXPECTED: the SQL on stdin, with :'r' the rule text, gives EXPECTED
q() {
  got=$(sql one -v r="$(cat "$tmp/rules.svl")" 2>"$tmp/err")
  if [ "$got" = "$2" ]; then ok "$1"; else not_ok "$1" "got: $got
expected: $2
stderr: $(head -5 "$tmp/err")"; fi
}
# q_err DESC SQLSTATE FRAGMENT...: the SQL on stdin fails with SQLSTATE, and
# the error (message, DETAIL, HINT) holds each FRAGMENT
q_err() {
  desc=$1 state=$2
  shift 2
  { echo '\set VERBOSITY verbose'; cat; } | sql one -v r="$(cat "$tmp/rules.svl")" >"$tmp/out" 2>"$tmp/err"
  st=$?
  miss=
  grep -q "ERROR:  $state:" "$tmp/err" || miss="SQLSTATE $state"
  for f in "$@"; do grep -qF -- "$f" "$tmp/err" || miss="$miss; '$f'"; done
  if [ "$st" != 0 ] && [ -z "$miss" ]; then ok "$desc"; else not_ok "$desc" "exit $st, missing $miss; stderr: $(head -8 "$tmp/err")"; fi
}

q "CREATE EXTENSION svl; svl_version() is the library's" "$("$SVL" --version | sed -n 's/^svl \([0-9.]*\).*/\1/p')" <<'SQL'
CREATE EXTENSION svl;
SELECT svl_version();
SQL

# ---- every function, every argument type ----
q "svl_numeric: exact decimals in and out (0.1 + 0.2, 34 digits, a third, bigint)" \
  "0.3|0.1000000000000000000000000000000001|33.33333333333333333333333333333333|9007199254740993|numeric" <<'SQL'
SELECT svl_numeric(:'r', 'add', 0.1, 0.2), svl_numeric(:'r', 'add', 0.1, 1e-34),
  svl_numeric(:'r', 'third', 100), svl_numeric(:'r', 'add', 9007199254740992::bigint, 1::int2),
  pg_typeof(svl_numeric(:'r', 'third', 1));
SQL
q "a record from to_jsonb(row): the bid's total, exactly as by hand (40 × 350000 / 412000 + mean(70, 0) × 50%)" \
  "51.48058252427184466019417475728155" <<'SQL'
SELECT svl_numeric(:'r', 'total', to_jsonb(b), 350000)
FROM (VALUES (412000.00, 'good', 'poor'), (1, 'x', 'y')) AS b(price, q1, q2) LIMIT 1;
SQL
q "svl_bool: a bool, and a rule's verdict (passed)" "t|f|t|f" <<'SQL'
SELECT svl_bool(:'r', 'yes', 2), svl_bool(:'r', 'yes', 1),
  svl_bool(:'r', 'eligible', '{"turnover": 2400000, "insured": true, "price": 1}'::jsonb),
  svl_bool(:'r', 'eligible', '{"turnover": 100, "insured": true, "price": 1}'::jsonb);
SQL
q "svl_verdict: passed, every failed reason and the warnings, as a composite" \
  'f|{"turnover below twice the annual contract value","no public liability insurance"}|{"price above the budget"}
t|{}|{}
t|{}|{}' <<'SQL'
SELECT (v).passed, (v).reasons, (v).warnings FROM (
  SELECT svl_verdict(:'r', 'eligible', '{"turnover": 100, "insured": false, "price": 600000}'::jsonb) AS v
  UNION ALL SELECT svl_verdict(:'r', 'eligible', '{"turnover": 2400000, "insured": true, "price": 5}'::jsonb)
  UNION ALL SELECT svl_verdict(:'r', 'yes', 3)) s;
SQL
q "svl_text: a text as it is (UTF-8), other values as SVL displays them" \
  "ABC|été|£3.00|12.5%|2024-02-29|date" <<'SQL'
SELECT svl_text(:'r', 'shout', 'abc'::varchar), svl_text(:'r', 'same', 'été'), svl_text(:'r', 'money', 3), svl_text(:'r', 'vat'),
  svl_text(:'r', 'or_zero', date '2024-02-29'), svl_text(:'r', 'kind', date '2024-02-29');
SQL
q "svl_call: any result as jsonb (records, quantities, percentages exact)" \
  '{"n": 3, "half": 1.5}|{"unit": "GBP", "amount": 3}|0.125|1.5|true|"abc"' <<'SQL'
SELECT svl_call(:'r', 'rec', 3), svl_call(:'r', 'money', 3), svl_call(:'r', 'vat'),
  svl_call(:'r', 'rec', 3) -> 'half', svl_call(:'r', 'yes', 2), svl_call(:'r', 'add', text 'ab', 'c');
SQL
q "argument types: int2/4/8, numeric, float8 (its shortest text), text, varchar, char, name, bool, date, json, jsonb" \
  "number|number|number|number|number|text|text|text|text|bool|date|list|record|0.1" <<'SQL'
SELECT svl_text(:'r', 'kind', 1::int2), svl_text(:'r', 'kind', 1), svl_text(:'r', 'kind', 1::int8),
  svl_text(:'r', 'kind', 1.5), svl_text(:'r', 'kind', 0.1::float8), svl_text(:'r', 'kind', 'a'::text),
  svl_text(:'r', 'kind', 'a'::varchar), svl_text(:'r', 'kind', 'a'::char(3)), svl_text(:'r', 'kind', 'a'::name),
  svl_text(:'r', 'kind', true), svl_text(:'r', 'kind', current_date), svl_text(:'r', 'kind', '[1]'::json),
  svl_text(:'r', 'kind', '{"a": 1}'::jsonb), svl_numeric(:'r', 'add', 0.1::float8, 0);
SQL
q "a domain is passed as its base type (a price domain over numeric, a code domain over text)" "2.5|text" <<'SQL'
CREATE DOMAIN price AS numeric(12,2) CHECK (VALUE >= 0);
CREATE DOMAIN code AS text;
SELECT svl_numeric(:'r', 'add', 1.5::price, 1), svl_text(:'r', 'kind', 'x'::code);
SQL
q "VARIADIC array; a let's value with no arguments; the same text from a table" "3|42|42
42" <<'SQL'
SELECT svl_numeric(:'r', 'add', VARIADIC ARRAY[1, 2]), svl_numeric(:'r', 'answer'), svl_call(:'r', 'answer');
CREATE TABLE rule_texts (name text PRIMARY KEY, body text);
INSERT INTO rule_texts VALUES ('t', :'r');
SELECT svl_numeric(body, 'answer') FROM rule_texts;
SQL

# numeric arguments are read from their stored digits (docs/postgresql.md,
# "Performance"), not through numeric_out; a jsonb number still goes through
# numeric_out's text.  Both must give SVL the same number, digit and scale:
# column values (stored with one-byte headers), negative, zero, fractions
# below 10^-4, trailing zeros, the long form (a scale over 63), and
# numbers whose text is too long for the direct path.
q "numeric arguments from their stored digits: the same numbers as through their text" "20011|19997|0|0" <<'SQL'
CREATE TABLE nums AS
  SELECT (((i * 7919) % 100003 - 50000) || 'e' || (i % 41 - 20))::numeric AS x FROM generate_series(1, 20000) i
  UNION ALL SELECT unnest(ARRAY[0, -0.0, 1.500, -0.00001, 99990000, 1e-70, -1.5e-66, 12345678901234567890123.4567,
    1e100, 1e-130, 0.1000000000000000000000000000000001]::numeric[]);
SELECT count(*), count(DISTINCT x), count(*) FILTER (WHERE svl_text(:'r', 'same', x) IS DISTINCT FROM svl_text(:'r', 'same', to_jsonb(x))),
  count(*) FILTER (WHERE svl_numeric(:'r', 'same', x) <> x) FROM nums;
SQL

# A numeric result is laid out from SVL's coefficient and exponent (docs/
# postgresql.md, "Performance"), not parsed from svl_to_number's text by
# numeric_in: the same numeric, digits, display scale and stored size, for
# the numbers above, their thirds (34 digits, past 2^64) and their squares
# (rounded to 34 digits, exponents far from the point).
q "numeric results from SVL's digits: the numerics numeric_in makes of their text" "20011|0|0|0" <<'SQL'
SELECT count(*),
  count(*) FILTER (WHERE a::text <> b::text OR pg_column_size(a) <> pg_column_size(b) OR a <> x),
  count(*) FILTER (WHERE c::text <> d::text OR pg_column_size(c) <> pg_column_size(d)),
  count(*) FILTER (WHERE e::text <> f::text OR pg_column_size(e) <> pg_column_size(f))
FROM (SELECT x, svl_numeric(:'r', 'same', x) AS a, svl_text(:'r', 'same', x)::numeric AS b,
        svl_numeric(:'r', 'third', x) AS c, svl_text(:'r', 'third', x)::numeric AS d,
        svl_numeric(:'r', 'square', x) AS e, svl_text(:'r', 'square', x)::numeric AS f FROM nums) t;
SQL

# Short text arguments are made into SVL texts once per VM, in a cache of
# 64 slots where a colliding text replaces the one there (docs/
# postgresql.md, "Performance"): 600 distinct texts, four to a call, so
# that texts replace each other within one call, some longer than the
# cached 64 bytes, non-ASCII ones, the empty text; each call must still
# see its own four.
q "text arguments through the cache of short texts: each call sees its own texts" "20000|0" <<'SQL'
CREATE FUNCTION t(n int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN n % 600 = 0 THEN '' WHEN n % 600 < 20 THEN repeat('long', 20) || (n % 600)
    ELSE repeat('é', n % 5) || 'w' || (n % 600) END $$;
SELECT count(*), count(*) FILTER (WHERE svl_text(:'r', 'join4', a, b, c, d) <> a || '|' || b || '|' || c || '|' || d)
FROM (SELECT t(i * 7), t(i * 13 + 1), t(i * 17 + 2), t(i * 31 + 3) FROM generate_series(1, 20000) i) x(a, b, c, d);
SQL

# The rules and the name are compared row by row unless they are literals:
# from a column, or a PL/pgSQL variable (a parameter of an expression the
# function evaluates again and again), each row gets its own rules.
q "rules from a column and from a PL/pgSQL variable change from row to row" "1|10
2|20
3|30
12|18" <<'SQL'
CREATE TABLE versions (v int, body text, fname text);
INSERT INTO versions VALUES (1, 'fn f(x) = x * 1' || chr(10) || 'fn g(x) = x', 'f'),
  (2, 'fn f(x) = x * 2' || chr(10) || 'fn g(x) = x', 'f'), (3, 'fn f(x) = x * 3' || chr(10) || 'fn g(x) = x', 'f');
SELECT v, svl_numeric(body, fname, 10) FROM versions ORDER BY v;
CREATE FUNCTION twice(n int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE total numeric := 0; body text; fname text;
BEGIN
  FOR i IN 1..n LOOP
    body := 'fn f(x) = x * ' || i || chr(10) || 'fn g(x) = x + ' || i;
    fname := CASE WHEN i % 2 = 0 THEN 'f' ELSE 'g' END;
    total := total + svl_numeric(body, fname, 1);
  END LOOP;
  RETURN total;
END $$;
SELECT twice(4) || '|' || twice(5);
SQL

# svl functions cost what they do (COST in svl--1.0.sql): the planner
# evaluates a cheap condition first and calls SVL only for the rows it lets
# through.
sql one >"$tmp/plan" 2>"$tmp/err" <<'SQL'
CREATE TABLE few (id int, price numeric);
EXPLAIN (COSTS OFF) SELECT * FROM few WHERE svl_bool('fn big(p) = p > 10', 'big', price) AND id = 7;
SQL
if grep -qE "Filter: \(\(id = 7\) AND svl_bool\(" "$tmp/plan"; then
  ok "EXPLAIN: a cheap condition is evaluated before svl_bool (the functions' COST)"
else
  not_ok "the cheap condition first" "$(cat "$tmp/plan" "$tmp/err")"
fi

# The session of docs/postgresql.md, "Functions": each `-- →` line is the
# output of the statements before it.
awk '/runs this block/ { f = 1 } f && /^```sql$/ { p = 1; next } p && /^```$/ { exit } p' "$root/docs/postgresql.md" >"$tmp/doc.sql"
grep '^-- → ' "$tmp/doc.sql" | sed 's/^-- → //' >"$tmp/doc.want"
if [ -s "$tmp/doc.want" ] && sql one -v r="$(cat "$tmp/rules.svl")" <"$tmp/doc.sql" >"$tmp/doc.got" 2>"$tmp/err" \
   && cmp -s "$tmp/doc.want" "$tmp/doc.got"; then
  ok "the session in docs/postgresql.md prints what the page says ($(wc -l <"$tmp/doc.want") results)"
else
  not_ok "the session in docs/postgresql.md" "$(diff "$tmp/doc.want" "$tmp/doc.got") $(head -3 "$tmp/err")"
fi

# The home-care example of examples/embed/postgresql/ (the SQLite
# example's rules and bids): psql -f bids.sql prints expected.out.
ex=$root/examples/embed/postgresql
if (cd "$ex" && "$PGBIN/psql" -X -q -A -v ON_ERROR_STOP=1 -h "$sock" -p "$PGPORT_one" -U postgres -d postgres \
      -f bids.sql >"$tmp/example.out" 2>"$tmp/err") && cmp -s "$tmp/example.out" "$ex/expected.out"; then
  ok "examples/embed/postgresql/bids.sql scores the tender in one query each: totals, verdicts, ranking, exact per-hour prices"
else
  not_ok "examples/embed/postgresql/bids.sql" "$(diff "$ex/expected.out" "$tmp/example.out" | head -10) $(head -3 "$tmp/err")"
fi

# ---- NULLs ----
q "NULL: an SQL NULL argument is SVL's null; null results are SQL NULL; NULL rules or name give NULL" \
  "0|t|t|t|t|t|t|t" <<'SQL'
SELECT svl_numeric(:'r', 'or_zero', NULL::numeric), svl_call(:'r', 'nothing', 1) IS NULL,
  svl_numeric(:'r', 'nothing', 1) IS NULL, svl_text(:'r', 'nothing', 1) IS NULL,
  svl_bool(NULL, 'yes', 2) IS NULL, svl_numeric(:'r', NULL, 2) IS NULL,
  svl_verdict(:'r', 'nothing', 1) IS NULL, svl_numeric(:'r', 'or_zero', 'null'::jsonb) = 0;
SQL

# ---- errors ----
q_err "a runtime error: SQLSTATE 22000, SVL's message and code, rules:line:col and the source line in DETAIL" \
  22000 "svl_numeric: division by zero" "rules.svl:37:" "fn fails(x) = x / 0" <<'SQL'
SELECT svl_numeric(:'r', 'fails', 1);
SQL
q_err "a syntax error in the rules: 42601 with the line" 42601 "svl_numeric:" "rules.svl:1:" <<'SQL'
SELECT svl_numeric('fn f(x) = x +', 'f', 1);
SQL
q_err "an undefined name in the rules: 42704 before anything runs" 42704 "undefined" "rules.svl:1:" <<'SQL'
SELECT svl_numeric('fn f(x) = y', 'f', 1);
SQL
q_err "an unknown name: 42883, with SVL's 'did you mean'" 42883 "did you mean" "fn, rule, table or let" <<'SQL'
SELECT svl_numeric(:'r', 'totl', 1);
SQL
q_err "a result of the wrong kind: 42804" 42804 "svl_numeric: \"shout\" returned a text, not a number" <<'SQL'
SELECT svl_numeric(:'r', 'shout', 'a');
SQL
q_err "an argument type SVL has no value for: 42804 with a hint" 42804 "type point cannot be passed" "to_jsonb()" <<'SQL'
SELECT svl_numeric(:'r', 'add', point '(1,2)', 1);
SQL
q_err "a numeric with more than 34 significant digits is an error, not a rounding: 22003" 22003 "argument 1" <<'SQL'
SELECT svl_numeric(:'r', 'add', 1.00000000000000000000000000000000001, 0);
SQL
q_err "NaN cannot be passed: 22003" 22003 "NaN is not a number SVL can hold" <<'SQL'
SELECT svl_numeric(:'r', 'add', 'NaN'::numeric, 0);
SQL
q_err "a wrong argument type for the rules: SVL's runtime error" 22000 "svl_numeric:" <<'SQL'
SELECT svl_numeric(:'r', 'add', 1, 'x');
SQL
q_err "arguments to a let: 42809" 42809 "\"answer\" is a number, not a function" <<'SQL'
SELECT svl_numeric(:'r', 'answer', 1);
SQL
q_err "no file access from the server: load() is refused" 22000 "load" <<'SQL'
SELECT svl_call('let x = load("/etc/passwd")', 'x');
SQL
q_err "no clock: today() is refused, so the functions are IMMUTABLE" 22000 "today" <<'SQL'
SELECT svl_call('fn t(x) = today()', 't', 1);
SQL
q "... and the standard library is importable (installed in SHAREDIR/svl/stdlib)" "t" <<'SQL'
SELECT svl_call('import scoring
let ok = true', 'ok')::text = 'true';
SQL

# ---- limits ----
q_err "svl.max_steps: 54000 with the setting to raise in HINT" 54000 "step limit reached" "svl.max_steps" <<'SQL'
SET svl.max_steps = 5000;
SELECT svl_numeric(:'r', 'spin', 100);
SQL
q_err "svl.heap_limit: 54000" 54000 "heap" "svl.heap_limit" <<'SQL'
SET svl.heap_limit = '1MB';
SELECT svl_call(:'r', 'grow', 1000000) IS NULL;
SQL
q_err "svl.timeout: 54000" 54000 "time limit reached" "svl.timeout" <<'SQL'
SET svl.max_steps = 0;
SET svl.timeout = '100ms';
SELECT svl_numeric(:'r', 'spin', 100000000);
SQL
q_err "svl.max_depth: 54000" 54000 "call depth" "svl.max_depth" <<'SQL'
SET svl.max_depth = 50;
SELECT svl_numeric(:'r', 'deep', 100);
SQL
q "after a limit the backend lives on; raising svl.max_steps / svl.max_depth remakes the VM with the new limits" "5005000|100" <<'SQL'
SET svl.max_steps = 5000;
SET svl.max_steps = 100000000;
SET svl.max_depth = 500;
SELECT svl_numeric(:'r', 'spin', 10), svl_numeric(:'r', 'deep', 100);
SQL

# ---- cancel ----
# Every SVL limit is off here, the heap budget too: it counts what a call
# allocates, and on an idle machine the spin allocates 256 MB before the
# timeout fires (the test then saw E0802, not the cancel).
q_err "statement_timeout stops a running evaluation: 57014, the server's own message" 57014 \
  "canceling statement due to statement timeout" <<'SQL'
SET svl.max_steps = 0;
SET svl.timeout = 0;
SET svl.heap_limit = 0;
SET statement_timeout = '300ms';
SELECT svl_numeric(:'r', 'spin', 100000000);
SQL
{ echo '\set VERBOSITY verbose'; echo "SET application_name = 'svl_cancel'; SET svl.max_steps = 0; SET svl.timeout = 0; SET svl.heap_limit = 0;
SELECT svl_numeric(:'r', 'spin', 100000000);"; } | sql one -v r="$(cat "$tmp/rules.svl")" >"$tmp/cancel.out" 2>"$tmp/cancel.err" &
bg=$!
pid=
for _ in $(seq 1 200); do
  # the SELECT itself, not the SETs before it: a cancel that lands between
  # statements is dropped, and the spin then runs on unlimited
  pid=$(sql one -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'svl_cancel' AND state = 'active' AND query LIKE '%svl_numeric%'")
  [ -n "$pid" ] && break
  sleep 0.1
done
cancelled=$(sql one -c "SELECT pg_cancel_backend($pid)" 2>&1)
wait "$bg"
if [ -n "$pid" ] && [ "$cancelled" = t ] && grep -q "ERROR:  57014: canceling statement due to user request" "$tmp/cancel.err"; then
  ok "pg_cancel_backend stops a running evaluation: 57014"
else
  not_ok "pg_cancel_backend stops a running evaluation" "pid $pid, cancel: $cancelled, stderr: $(head -3 "$tmp/cancel.err")"
fi
q "the cancelled backend's server is fine: the next session scores" "3" <<'SQL'
SELECT svl_numeric(:'r', 'add', 1, 2);
SQL

# ---- a parallel plan ----
sql one <<'SQL' >/dev/null 2>"$tmp/err" || not_ok "the bids table" "$(head -3 "$tmp/err")"
CREATE TABLE bids AS
SELECT i AS id, (300000 + (i * 7919) % 200000)::numeric(12,2) + (i % 100) / 100.0 AS price,
  (ARRAY['excellent','good','adequate','poor'])[1 + i % 4] AS q1,
  (ARRAY['excellent','good','adequate','poor'])[1 + (i / 4) % 4] AS q2,
  (1000000 + (i * 104729) % 3000000)::numeric AS turnover, i % 10 <> 0 AS insured
FROM generate_series(1, 20000) i;
ANALYZE bids;
SQL
cat >"$tmp/parallel.sql" <<'SQL'
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT sum(svl_numeric(:'r', 'total', to_jsonb(b), 300000)) FROM bids b WHERE svl_bool(:'r', 'eligible', to_jsonb(b));
SQL
sql one -v r="$(cat "$tmp/rules.svl")" <"$tmp/parallel.sql" >"$tmp/plan" 2>"$tmp/err"
# the plan's nodes in order (the rule text, shown in full, is left out)
shape=$(grep -oE "Gather|Workers Launched: [0-9]+|Output: PARTIAL sum\(svl_numeric\(|Parallel Seq Scan|Filter: svl_bool\(" "$tmp/plan" | tr '\n' ' ')
if [ "$shape" = "Gather Workers Launched: 2 Output: PARTIAL sum(svl_numeric( Parallel Seq Scan Filter: svl_bool( " ]; then
  ok "EXPLAIN: Gather, 2 workers launched, svl_bool filtering and svl_numeric summing in the workers"
else
  not_ok "a parallel plan with the functions in the workers" "shape: $shape; $(grep -v '^[^ A-Z]' "$tmp/plan" | head -40) $(head -3 "$tmp/err")"
fi
serial=$(sql one -v r="$(cat "$tmp/rules.svl")" <<'SQL'
SET max_parallel_workers_per_gather = 0;
SELECT sum(svl_numeric(:'r', 'total', to_jsonb(b), 300000)), count(*) FROM bids b WHERE svl_bool(:'r', 'eligible', to_jsonb(b));
SQL
)
parallel=$(sql one -v r="$(cat "$tmp/rules.svl")" <<SQL
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
SELECT sum(svl_numeric(:'r', 'total', to_jsonb(b), 300000)), count(*) FROM bids b WHERE svl_bool(:'r', 'eligible', to_jsonb(b));
SQL
)
if [ -n "$serial" ] && [ "$serial" = "$parallel" ]; then ok "parallel and serial give the same sum, exactly ($serial)"; else
  not_ok "parallel and serial agree" "serial $serial, parallel $parallel"; fi

# ---- many rows, the same as svl run on the same data ----
sql one -v r="$(cat "$tmp/rules.svl")" -v rows="$rows" <<'SQL' >/dev/null 2>"$tmp/err" || not_ok "the many-rows table" "$(head -3 "$tmp/err")"
CREATE TABLE many AS
SELECT i AS id, (300000 + (i * 7919) % 200000)::numeric(12,2) + (i % 100) / 100.0 AS price,
  (ARRAY['excellent','good','adequate','poor'])[1 + i % 4] AS q1,
  (ARRAY['excellent','good','adequate','poor'])[1 + (i / 4) % 4] AS q2
FROM generate_series(1::bigint, :rows) i;
SQL
sql one -c "COPY (SELECT * FROM many ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)" >"$tmp/many.csv"
sql one -v r="$(cat "$tmp/rules.svl")" >"$tmp/pg.out" 2>"$tmp/err" <<'SQL'
SELECT id || ',' || svl_numeric(:'r', 'total', to_jsonb(m), 300000) FROM many m ORDER BY id;
SQL
cat "$tmp/rules.svl" >"$tmp/run.svl"
cat >>"$tmp/run.svl" <<'SVL'
type Bid = {id: number, price: number, q1: text, q2: text}
let bids = load("many.csv", [Bid])
print join(["{b.id},{total(b, 300000)}" for b in bids], "\n")
SVL
(cd "$tmp" && "$SVL" run run.svl >svl.out 2>svl.err)
if [ "$(wc -l <"$tmp/pg.out")" = "$rows" ] && cmp -s "$tmp/pg.out" "$tmp/svl.out"; then
  ok "$rows rows scored in SQL are identical, digit for digit, to svl run on the table exported to CSV"
else
  not_ok "$rows rows: SQL and svl run agree" "$(diff "$tmp/pg.out" "$tmp/svl.out" | head -5) $(head -3 "$tmp/svl.err" "$tmp/err")"
fi

# ---- memory of a backend over many calls ----
# The same backend scores 200,000 rows four times; its resident memory
# after the second and the fourth round must not have grown by more than
# a few MiB (the collector reuses its heap; nothing is kept per call).
rss_of() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
mkfifo "$tmp/in"
sql one -v r="$(cat "$tmp/rules.svl")" <"$tmp/in" >"$tmp/mem.out" 2>"$tmp/mem.err" &
mem=$!
exec 7>"$tmp/in"
echo "SELECT pg_backend_pid();" >&7
for _ in $(seq 1 100); do [ -s "$tmp/mem.out" ] && break; sleep 0.1; done
bpid=$(head -1 "$tmp/mem.out")
round() { echo "SELECT count(svl_numeric(:'r', 'total', to_jsonb(m), 300000)) FROM many m, generate_series(1, $((200000 / rows + 1))) g LIMIT 1; SELECT 'round';" >&7
  for _ in $(seq 1 600); do [ "$(grep -c round "$tmp/mem.out")" -ge "$1" ] && break; sleep 0.1; done; }
round 1; round 2; rss2=$(rss_of "$bpid")
round 3; round 4; rss4=$(rss_of "$bpid")
exec 7>&-
wait "$mem"
if [ -n "$rss2" ] && [ -n "$rss4" ] && [ $((rss4 - rss2)) -lt 8192 ]; then
  ok "a backend's memory does not grow with calls: RSS ${rss2} kB after 2 rounds of 200,000 calls, ${rss4} kB after 4"
else
  not_ok "a backend's memory does not grow with calls" "RSS $rss2 kB then $rss4 kB; $(head -3 "$tmp/mem.err")"
fi

grep -q "server process .* was terminated by signal" "$tmp/one/server.log" \
  && not_ok "no backend crashed" "$(grep -B2 'terminated by signal' "$tmp/one/server.log" | head)" \
  || ok "no backend crashed (the server log has no 'terminated by signal')"
done_testing
