#!/bin/bash
# --format csv and md of a list of records (issue 16): a CSV column never
# mixes units under one header, nested records become dotted columns,
# numbers keep their exact digits in CSV and JSON and are rounded for
# display in md, and several names with --format csv are one file each or
# a usage error, never two tables in one file.
. "$(dirname "$0")/lib.sh"
case $SVL in /*) ;; *) SVL=$(pwd)/$SVL ;; esac
cd "$tmp" || exit 1

# The issue's wrong value: £1,000 was written as 1000 under "price (EUR)".
printf 'supplier,price\nA,"€1,000"\nB,"£1,000"\n' >bids.csv
printf 'let main = [{supplier: b.supplier, price: b.price} for b in bids]\n' >p.svl
expect_out "currencies in one column: amount and unit columns" 'supplier,price,price unit
A,1000,EUR
B,1000,GBP' "$SVL" run p.svl --input bids=bids.csv --format csv

cat >r.svl <<'SVL'
let main = [
  {supplier: "A", price: £1000, weeks: 2 weeks, score: 250 / 3, contact: {name: "Ann", address: {town: "Leeds"}}},
  {supplier: "B", price: £1250.5, weeks: 3 days, score: 50, contact: {name: "Bob, Jr", address: {town: "York"}}},
]
let excluded = [{supplier: "C", reason: "late"}]
let mixed = [{s: "A", x: 5}, {s: "B", x: £5}, {s: "C", x: "n/a"}]
let rate = [{s: "A", r: £15 per hour}, {s: "B", r: £600 per week}]
SVL
expect_out "one unit per column, convertible units converted exactly, nested records dotted" 'supplier,price (GBP),weeks (day),score,contact.name,contact.address.town
A,1000,14,83.33333333333333333333333333333333,Ann,Leeds
B,1250.5,3,50,"Bob, Jr",York' "$SVL" run r.svl --format csv
expect_out "a plain number beside money: amount and unit columns" 's,x,x unit
A,5,
B,5,GBP
C,n/a,' "$SVL" run r.svl mixed --format csv
expect_out "compound units converted to the finer one, exactly" 's,r (GBP/week)
A,2520
B,600' "$SVL" run r.svl rate --format csv
expect_out "json keeps exact digits" '83.33333333333333333333333333333333' sh -c "\"$SVL\" run r.svl --format json | python3 -c 'import json,sys; print(json.load(sys.stdin, parse_float=str)[0][\"score\"])'"
expect_out "md rounds for display and flattens" '| supplier | price | weeks | score | contact.name | contact.address.town |
| --- | ---: | ---: | ---: | --- | --- |
| A | £1,000.00 | 2 weeks | 83.3333 | Ann | Leeds |
| B | £1,250.50 | 3 days | 50 | Bob, Jr | York |' "$SVL" run r.svl --format md

printf 'let award = {supplier: "A", price: £1000, contact: {name: "Ann"}}\n' >one.svl
expect_out "a single record is a table of one row" 'supplier,price (GBP),contact.name
A,1000,Ann' "$SVL" run one.svl award --format csv

# Several names: a usage error before anything is written ...
expect_status "two names with --format csv: usage error" 2 "$SVL" run r.svl main excluded --format csv --output out.csv
expect_err "the usage error says what to do" "--format csv writes one table per file"
if [ ! -e out.csv ]; then ok "nothing written"; else not_ok "nothing written" "$(cat out.csv)"; fi
# ... or one NAME.csv each in an --output directory.
mkdir tables
expect_status "two names into a directory" 0 "$SVL" run r.svl main excluded --format csv --output tables
expect_out "each file is one table" 'supplier,reason
C,late' cat tables/excluded.csv
expect_out "each file parses as CSV with one header" '2 6' python3 -c '
import csv
rows = list(csv.reader(open("tables/main.csv")))
print(len(rows) - 1, len(rows[0]))'
expect_out "one name into a directory" 's,x,x unit' sh -c "\"$SVL\" run r.svl mixed --format csv --output tables && head -1 tables/mixed.csv"
done_testing
