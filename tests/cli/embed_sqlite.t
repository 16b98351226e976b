#!/bin/bash
# The SQLite host (examples/embed/sqlite/): the loadable extension built
# with pkg-config against an SVL installed into a temporary DESTDIR, loaded
# into the sqlite3 shell, scoring a table of bids with exact results; the
# VM cached per rule file and reloaded when the file changes; every kind
# of error as an SQL error with file:line:col; the sandbox shut.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/cli/stage.sh"
cd "$tmp" || exit 1
ex=$root/examples/embed/sqlite

if ! command -v sqlite3 >/dev/null || [ ! -f /usr/include/sqlite3ext.h ]; then
  echo "1..0 # SKIP the sqlite3 shell or sqlite3ext.h (libsqlite3-dev) is not installed (.ci/deps installs them)"
  exit 0
fi

stage_install || { done_testing; exit 1; }
# shellcheck disable=SC2046,SC2086
if $CC -std=c17 -Wall -Wextra -Werror $HOST_CFLAGS -shared -fPIC -o svl_sqlite.so "$ex/svl_sqlite.c" \
     $(pc --cflags --libs svl) -Wl,-rpath,"$(pc --variable=libdir svl)" 2>"$tmp/err"; then
  ok "the extension builds against the installed libsvl.so (pkg-config svl)"
else
  not_ok "the extension builds against the installed libsvl.so" "$(head -5 "$tmp/err")"
  done_testing
  exit 1
fi
readelf -d svl_sqlite.so | grep -q 'NEEDED.*libsvl\.so\.0' && ok "... and needs libsvl.so.0" \
  || not_ok "the extension needs libsvl.so.0" "$(readelf -d svl_sqlite.so | grep NEEDED)"
ext=$tmp/svl_sqlite
# sq DIR ARGS...: the sqlite3 shell, run from DIR with the extension loaded
cat >sq <<SH
#!/bin/sh
dir=\$1
shift
cd "\$dir" && exec env $(sanitizer_env) timeout 300 sqlite3 -bail -cmd ".load $ext" :memory: "\$@"
SH
chmod +x sq
sq="$tmp/sq"

# The example: bids.sql scores its table with rules.svl.  expected.out was
# checked by hand (e.g. Acme: 100 × 350,000 / 412,000 = 84.95 points;
# 84.95 × 60% + 70 × 40% = 78.97).
if "$sq" "$ex" <"$ex/bids.sql" >got.out 2>"$tmp/err" && cmp -s got.out "$ex/expected.out"; then
  ok "bids.sql scores the bids table in the database: totals, verdicts, ranking, JSON, exact decimals, NULL"
else
  not_ok "bids.sql scores the bids table" "$(diff "$ex/expected.out" got.out | head -20) $(head -3 "$tmp/err")"
fi
expect_out "the call of the issue: svl_call('rules.svl', 'total', json(bid)) FROM bids" "78.97
93.92
86.15
76" "$sq" "$ex" "CREATE TABLE bids(bid);
INSERT INTO bids VALUES ('{\"price\": 412000.00, \"quality\": \"good\"}'), ('{\"price\": 389500.50, \"quality\": \"excellent\"}'),
  ('{\"price\": 455000, \"quality\": \"excellent\"}'), ('{\"price\": 340000, \"quality\": \"adequate\"}');
SELECT svl_call('rules.svl', 'total', json(bid)) FROM bids;"
cat >exact.svl <<'SVL'
fn add(a, b) = a + b
fn third(x) = x / 3
fn kinds(n) = [n, "text", true, null, date("2024-02-29"), 12.5%, £1.50]
fn yes(x) = x > 1
fn day(x) = date("2024-02-29")
fn rec(x) = {n: x, half: x / 2}
fn adder(x) = (fn(y) = x + y)
fn or_zero(x) = x ?? 0
fn nothing(x) = null
fn stamp(x) = datetime("2025-03-11T12:41:13.1234567+01:00")
let answer = 42
SVL
cp "$ex/rules.svl" .
expect_out "numbers stay exact decimals: 0.1 + 0.2, 34 digits, integers, REAL" \
  "0.3|0.1000000000000000000000000000000001|33.33333333333333333333333333333333|9007199254740993|2.5" \
  "$sq" "$tmp" "SELECT svl_call('exact.svl', 'add', '0.1', '0.2'), svl_call('exact.svl', 'add', '0.1', '1e-34'),
  svl_call('exact.svl', 'third', 100), svl_call('exact.svl', 'add', 9007199254740992, 1), svl_call('exact.svl', 'add', 1.25, 1.25);"
expect_out "results: bool as 1/0, a date as ISO text, records and lists as JSON, a let's value, NULL" \
  '1|0|2024-02-29|{"n": 3, "half": 1.5}|[3, "text", true, null, "2024-02-29", 0.125, {"amount": 1.5, "unit": "GBP"}]|42|0|1|1.5' \
  "$sq" "$tmp" "SELECT svl_call('exact.svl', 'yes', 2), svl_call('exact.svl', 'yes', 1), svl_call('exact.svl', 'day', 0),
  svl_call('exact.svl', 'rec', 3), svl_call('exact.svl', 'kinds', 3), svl_call('exact.svl', 'answer'),
  svl_call('exact.svl', 'or_zero', NULL), svl_call('exact.svl', 'nothing', 1) IS NULL, json_extract(svl_call('exact.svl', 'rec', 3), '\$.half');"
expect_out "a date-time result is its RFC 3339 text, as published" '2025-03-11T12:41:13.1234567+01:00' \
  "$sq" "$tmp" "SELECT svl_call('exact.svl', 'stamp', 0);"
expect_out "a record result is marked as JSON: json_object nests it" '{"r":{"n": 3, "half": 1.5},"n":"3"}' \
  "$sq" "$tmp" "SELECT json_object('r', svl_call('exact.svl', 'rec', 3), 'n', svl_call('exact.svl', 'add', 1, 2));"
# 5,000 rows through one cached VM, every result checked against SQL's own
# integer arithmetic
expect_out "5,000 rows, each result the right one" "5000|5000" "$sq" "$tmp" \
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
   SELECT count(*), sum(svl_call('exact.svl', 'add', i, i * 1000) = CAST(i * 1001 AS TEXT)) FROM n;"

# One VM per rule file per connection: a file rewritten in place with the
# same size and time stamp is not read again (the cached VM answers); a
# new time stamp loads it afresh.
printf 'fn v() = 1\n' >cached.svl
cp -p cached.svl stamp
expect_out "the VM is cached per file and reloaded when the file changes" "1
1
2" "$sq" "$tmp" <<'SQL'
SELECT svl_call('cached.svl', 'v');
.system printf 'fn v() = 2\n' >cached.svl && touch -r stamp cached.svl
SELECT svl_call('cached.svl', 'v');
.system touch -d '+1 minute' cached.svl
SELECT svl_call('cached.svl', 'v');
SQL

# Errors: SQL errors carrying SVL's file:line:col, message and code.
err() { # DESC FRAGMENT SQL [FILE-CONTENT]
  "$sq" "$tmp" "$3" >/dev/null 2>"$tmp/err"
  rc=$?
  if [ $rc != 0 ] && grep -qF -- "$2" "$tmp/err"; then ok "$1"; else not_ok "$1" "exit $rc: $(head -3 "$tmp/err")"; fi
}
err "a missing rule file is an SQL error" "cannot read 'nope.svl'" "SELECT svl_call('nope.svl', 'total', 1);"
printf 'fn total(bid) =\n  bid.price *\n' >syntax.svl
err "a syntax error in the rule file, with file:line:col" "syntax.svl:2:14: unexpected end of file [E0202]" \
  "SELECT svl_call('syntax.svl', 'total', 1);"
err "a runtime error with file:line:col and code" "rules.svl:25:9: table quality_points: no row matches (grade = \"superb\") [E0601]" \
  "SELECT svl_call('rules.svl', 'total', '{\"price\": 400000, \"quality\": \"superb\"}');"
printf 'fn spin(n) = if n == 0 then 0 else spin(n - 1) + 0\nfn loop(n) = sum([spin(100) for i in 1..n])\n' >spin.svl
# the step limit (10M) or, on a loaded machine, the 10 s time limit first
err "a runaway rule stops at the step or time limit" "limit reached (" "SELECT svl_call('spin.svl', 'loop', 100000000);"
err "an unknown name, with a suggestion" "did you mean 'add'" "SELECT svl_call('exact.svl', 'ad', 1);"
err "an argument of the wrong type is SVL's runtime error" "exact.svl:1:" "SELECT svl_call('exact.svl', 'add', json_quote('text'), 1);"
err "TEXT that is not JSON is refused, naming the argument" "argument 2: from_json" "SELECT svl_call('exact.svl', 'add', 1, 'plain');"
err "a BLOB is refused" "argument 1: a BLOB" "SELECT svl_call('exact.svl', 'third', x'00');"
err "the wrong number of arguments" "third takes 1 argument, got 2" "SELECT svl_call('exact.svl', 'third', 1, 2);"
err "a function as a result is refused" "the result is a function, which SQL cannot hold" "SELECT svl_call('exact.svl', 'adder', 1);"
err "a let's value takes no arguments" "'answer' is a number, not a function" "SELECT svl_call('exact.svl', 'answer', 1);"
err "svl_call with too few arguments" "give the rule file and the name" "SELECT svl_call('exact.svl');"
# shellcheck disable=SC2046 # the words of sanitizer_env are env arguments
# shellcheck disable=SC2046 # the words of sanitizer_env are env arguments
got=$(cd "$tmp" && printf "%s\n" "SELECT svl_call('exact.svl', 'third', 'x');" "SELECT svl_call('exact.svl', 'add', 1, 2);" |
  env $(sanitizer_env) timeout 300 sqlite3 -cmd ".load $ext" :memory: 2>/dev/null)
[ "$got" = 3 ] && ok "after an error the cached VM answers the next call" || not_ok "the VM is usable after an error" "got: $got"
# the sandbox: a rule file can read no other file, no clock
printf 'fn data() = load("bids.csv")\nfn now() = today()\n' >sandbox.svl
echo 'a,b' >bids.csv
err "the sandbox: a rule file's load() is refused" "E0902" "SELECT svl_call('sandbox.svl', 'data');"
err "the sandbox: today() is refused" "E0902" "SELECT svl_call('sandbox.svl', 'now');"
err "not from a view stored in the database (SQLITE_DIRECTONLY)" "unsafe use of svl_call" \
  "CREATE VIEW v AS SELECT svl_call('exact.svl', 'answer') AS a; SELECT a FROM v;"
done_testing
