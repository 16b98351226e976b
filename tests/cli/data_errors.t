#!/bin/bash
# Errors on data name the row, the column and the cell (issue 16): an
# analyst's rule files over CSV and JSON files with one bad cell each, run
# through the real binary.  Each error must be reported at the analyst's
# own line (never inside the installed stdlib), name the file and line of
# the row, its supplier/name/id, the column and the cell's text.
. "$(dirname "$0")/lib.sh"
case $SVL in /*) ;; *) SVL=$(pwd)/$SVL ;; esac
cd "$tmp" || exit 1

# first_line_is DESC PREFIX: the error's first line starts with PREFIX
first_line_is() {
  got=$(head -1 "$tmp/err")
  case $got in "$2"*) ok "$1" ;; *) not_ok "$1" "first line: $got" ;; esac
}
# no_abs_stdlib DESC: the primary location is not a stdlib file
no_abs_stdlib() {
  if head -1 "$tmp/err" | grep -q "stdlib/"; then not_ok "$1" "$(head -1 "$tmp/err")"; else ok "$1"; fi
}

cat >bids.csv <<'EOF'
supplier,lot,price,quality
Acme Ltd,1,£1000,80
Beta plc,1,£1200,74 points
Gamma Co,2,£900,60
EOF
cat >commitments.csv <<'EOF'
supplier,code,quantity
Acme Ltd,ECC1,2
Beta plc,ECC10,3 years
EOF

# -- a '3 years' cell reaching a TOMs measure counted in weeks
cat >toms_offer.svl <<'EOF'
import toms
let rows = [
  {code: "ECC1", proxy: £25_000, unit: "FTE", price_year: 2025, source: "illustrative only", licence: "CC0-1.0"},
  {code: "ECC10", proxy: £250, unit: "weeks", price_year: 2025, source: "illustrative only", licence: "CC0-1.0"},
]
let proxies = toms.load_proxies(rows)
let commitments = load("commitments.csv")
let offer = toms.offer(commitments, proxies)
print offer.total
EOF
expect_status "toms: exit 1" 1 "$SVL" run toms_offer.svl
first_line_is "toms: at the analyst's line, naming row, supplier, column and cell" \
  'toms_offer.svl:8:13: error: commitments.csv:3 (supplier "Beta plc"), column quantity: value of indicator ECC10: expected a quantity in week, got text (cell "3 years") [E0406]'
no_abs_stdlib "toms: no stdlib path in the primary location"
expect_err "toms: the library line as a note" "note: raised in commitment_value at stdlib/toms.svl:"
expect_err "toms: the argument that held the row" "(the value came from argument 'commitments' of offer)"

# -- a '74 points' cell in an untyped load, ranked ascending and descending
cat >rank_asc.svl <<'EOF'
import scoring
let bids = load("bids.csv")
let ranked = scoring.rank_bids(bids, [scoring.asc(b => b.quality)])
print [b.supplier for b in ranked]
EOF
expect_status "74 points ascending: exit 1" 1 "$SVL" run rank_asc.svl
first_line_is "74 points ascending: names the text cell, not its neighbour" \
  'rank_asc.svl:3:14: error: bids.csv:3 (supplier "Beta plc"), column quality: cannot order number and text (cell "74 points") [E0402]'
expect_err "74 points ascending: note" "note: raised in rank_bids at stdlib/scoring.svl:"
sed 's/scoring.asc/scoring.desc/' rank_asc.svl >rank_desc.svl
expect_status "74 points descending: exit 1" 1 "$SVL" run rank_desc.svl
first_line_is "74 points descending: the stdlib check names the cell" \
  'rank_desc.svl:3:14: error: bids.csv:3 (supplier "Beta plc"), column quality: descending order of texts is not supported'

# -- the same cell reaching the user's own comparison (no library)
cat >own.svl <<'EOF'
let bids = load("bids.csv")
print [b.supplier for b in bids if b.quality >= 70]
EOF
expect_status "own comparison: exit 1" 1 "$SVL" run own.svl
first_line_is "own comparison: at the line, naming the cell" \
  'own.svl:2:36: error: bids.csv:3 (supplier "Beta plc"), column quality: cannot order text and number (cell "74 points") [E0402]'

# -- many rows: the cell is found even when read long before the error
{
  echo "id,score"
  for i in $(seq 1 300); do echo "B-$i,$i"; done
  echo "B-301,n/a"
  for i in $(seq 302 400); do echo "B-$i,$i"; done
} >many.csv
cat >many.svl <<'EOF'
import scoring
print len(scoring.rank_bids(load("many.csv"), [scoring.asc(b => b.score)]))
EOF
expect_status "many rows: exit 1" 1 "$SVL" run many.svl
expect_err "many rows: row 302, id B-301" 'many.csv:302 (id "B-301"), column score: cannot order'
expect_err "many rows: the cell" '(cell "n/a") [E0402]'

# -- JSON rows name their line and id (OCDS bids are identified by id)
cat >bids.json <<'EOF'
[
  {"id": "B-1", "value": 100},
  {
    "id": "B-2",
    "value": "TBC"
  }
]
EOF
cat >json.svl <<'EOF'
let bids = load("bids.json")
print sum([b.value for b in bids]) / 2
EOF
expect_status "json: exit 1" 1 "$SVL" run json.svl
first_line_is "json: names the object's line, id, key and value" \
  'json.svl:2:7: error: bids.json:3 (id "B-2"), column value: sum expects a list of numbers, item 2 is text (cell "TBC") [E0402]'

# -- a typed load keeps provenance: a with of a row still names it
cat >typed.svl <<'EOF'
type Commitment = {supplier: text, code: text, quantity: text}
let cs = [c with {checked: true} for c in load("commitments.csv", Commitment)]
print [c.quantity * 2 for c in cs]
EOF
expect_status "typed: exit 1" 1 "$SVL" run typed.svl
expect_err "typed: the with of a row keeps its provenance" 'commitments.csv:2 (supplier "Acme Ltd"), column quantity: cannot apply'

# -- ?? chains and OCDS-shaped bids, identified by id only
cat >chain.svl <<'EOF'
let b = {id: "B-7"}
print b.supplier ?? b.name ?? b.id
print b.supplier ?? b.name ?? "(unnamed)"
print [1][5] ?? b.x ?? null ?? 4
print b.supplier ?? b.name
EOF
expect_status "?? chain: the last operand's error shows" 1 "$SVL" run chain.svl
expect_out "?? chain: first present operand" 'B-7
(unnamed)
4' "$SVL" run chain.svl
expect_err "?? chain: a missing last operand is an error" "chain.svl:5:23: error: no field 'name' in this record"
cat >ocds_bids.json <<'EOF'
[
  {"id": "B-1", "value": {"amount": 100, "currency": "GBP"}, "quality": 0},
  {"id": "B-2", "value": {"amount": 150, "currency": "GBP"}, "quality": 20},
  {"id": "B-3", "value": {"amount": 300, "currency": "GBP"}, "quality": 60}
]
EOF
cat >ocds.svl <<'EOF'
import scoring
let bids = load("ocds_bids.json")
let weights = {price: 50%, quality: 50%}
fn scores(b, all) = {price: scoring.relative_to_lowest(b.value.amount, min([x.value.amount for x in all]), 100), quality: b.quality}
fn order(bs) = scoring.rank_bids([b with {total: scoring.weighted_total(scores(b, bs), weights)} for b in bs], [scoring.desc(b => b.total)])
print scoring.bid_name(bids[2])
print scoring.rank_reversals(bids, order)
print [[s.criterion, s.winner, s.challenger] for s in scoring.sensitivity(bids, b => scores(b, bids), weights)]
print scoring.winner(bids, [scoring.desc(b => b.quality)]).id
EOF
expect_out "OCDS bids: bid_name, rank_reversals, sensitivity and winner by id" 'B-2
[{removed: "B-1", before: ["B-3", "B-2"], after: ["B-2", "B-3"], swaps: [{now_ahead: "B-2", now_behind: "B-3"}], winner_changed: true}]
[["price", "B-1", "B-3"], ["quality", "B-1", "B-3"]]
B-3' "$SVL" run ocds.svl
cat >ocds_tie.svl <<'EOF'
import scoring
let bids = load("ocds_bids.json")
print scoring.winner([b with {quality: 90} for b in bids], [scoring.desc(b => b.quality)])
EOF
expect_status "OCDS tie: exit 1" 1 "$SVL" run ocds_tie.svl
first_line_is "OCDS tie: the message names the bids by id, at the user's line" \
  'ocds_tie.svl:3:7: error: tie for first place between B-1 and B-2 and B-3 after every tie-break key: declare a further tie-break [E0605]'

# -- lookups by key: a supplier spelt differently in two files
cat >suppliers.csv <<'EOF'
supplier,sme,region
Acme Limited,yes,North
Beta plc,no,South
Gamma Co,yes,East
EOF
cat >lookup.svl <<'EOF'
let suppliers = load("suppliers.csv")
let bids = load("bids.csv")
print lookup(suppliers, "supplier", "Beta plc").region
print lookup(suppliers, "supplier", "Delta", null)
print [lookup(suppliers, "supplier", b.supplier).region for b in bids]
EOF
expect_out "lookup: a found row, a default" 'South
null' "$SVL" run lookup.svl
first_line_is "lookup: names the bid's row, the key and the file searched" \
  'lookup.svl:5:8: error: bids.csv:2 (supplier "Acme Ltd"), column supplier: lookup: no row of suppliers.csv has supplier "Acme Ltd" (3 rows searched) (cell "Acme Ltd") [E0710]'
expect_err "lookup: the nearest key, with its row" 'hint: did you mean "Acme Limited" (suppliers.csv:2)?'
printf 'supplier,sme\nBeta plc,no\nBeta plc,yes\n' >dups.csv
printf 'print lookup(load("dups.csv"), "supplier", "Beta plc")\n' >dups.svl
expect_status "lookup: two rows with the key: exit 1" 1 "$SVL" run dups.svl
expect_err "lookup: two rows are named" 'lookup: 2 rows of dups.csv have supplier "Beta plc": dups.csv:2 (supplier "Beta plc"), dups.csv:3 (supplier "Beta plc") [E0710]'
printf 'print lookup(load("suppliers.csv"), "name", "Beta plc")\n' >nocol.svl
expect_status "lookup: no such column: exit 1" 1 "$SVL" run nocol.svl
expect_err "lookup: the row without the column" "lookup: suppliers.csv:2 (supplier \"Acme Limited\") of suppliers.csv has no column 'name' [E0710]"
# the issue's first example, written with a filter: the hint points to lookup
printf 'let cs = load("commitments.csv")\nprint first([c for c in cs if c.supplier == "Acme Limited"])\n' >first.svl
expect_status "first of an empty filter: exit 1" 1 "$SVL" run first.svl
expect_err "first of an empty filter: hint to lookup" 'hint: to find a row by its key, lookup(rows, "supplier", name)'

# -- join by a key column: unmatched rows on both sides are listed
cat >join.svl <<'EOF'
let suppliers = load("suppliers.csv")
let bids = load("bids.csv")
print join(bids, suppliers, "supplier")
EOF
expect_status "join: unmatched rows: exit 1" 1 "$SVL" run join.svl
first_line_is "join: counts the unmatched rows of each file" \
  'join.svl:3:7: error: join on supplier: 1 row of bids.csv and 1 row of suppliers.csv have no match in the other table [E0711]'
expect_err "join: the bid's row, with the nearest key" '  bids.csv:2 (supplier "Acme Ltd"): no supplier "Acme Ltd" in suppliers.csv; did you mean "Acme Limited" (suppliers.csv:2)?'
expect_err "join: the supplier's row, with the nearest key" '  suppliers.csv:2 (supplier "Acme Limited"): no supplier "Acme Limited" in bids.csv; did you mean "Acme Ltd" (bids.csv:2)?'
sed -i 's/^Acme Limited,/Acme Ltd,/' suppliers.csv
cat >join_ok.svl <<'EOF'
let rows = join([b for b in load("bids.csv") if b.supplier != "Gamma Co"], load("commitments.csv"), "supplier")
print [[r.supplier, r.code, r.quantity] for r in rows]
print join(load("commitments.csv"), load("suppliers.csv"), "supplier")
EOF
expect_out "join: one row per matching pair, left's order" '[["Acme Ltd", "ECC1", 2], ["Beta plc", "ECC10", "3 years"]]' "$SVL" run join_ok.svl
expect_err "join: a supplier with no commitments is reported, not dropped" 'join on supplier: 1 row of suppliers.csv has no match in the other table [E0711]'
expect_err "join: ... with its row" '  suppliers.csv:4 (supplier "Gamma Co"): no supplier "Gamma Co" in commitments.csv'

# -- SROI: the outcome whose rate is over 100%, in a run and in svl test
cat >outcomes.csv <<'EOF'
name,quantity,proxy,deadweight,attribution,years
Jobs,10,£1000,20%,10%,3
Volunteering,40,£50,110%,0%,2
EOF
cat >sroi_run.svl <<'EOF'
import sroi
let result = sroi.evaluate(load("outcomes.csv"), £20_000)
print sroi.ratio_text(result.ratio)
EOF
expect_status "sroi: exit 1" 1 "$SVL" run sroi_run.svl
first_line_is "sroi: the outcome, its row and cell, at the user's line" \
  'sroi_run.svl:2:14: error: outcomes.csv:3 (name "Volunteering"), column deadweight: outcome "Volunteering": deadweight cannot be over 100%, got 110% (cell 110%) [E0605]'
printf 'import sroi\nprint sroi.evaluate([{name: "Jobs", quantity: 1, proxy: £5, deadweight: 110%%}], £1)\n' >sroi_lit.svl
expect_status "sroi, outcomes written in the file: exit 1" 1 "$SVL" run sroi_lit.svl
first_line_is "sroi, outcomes written in the file: the outcome is named" \
  'sroi_lit.svl:2:7: error: outcome "Jobs": deadweight cannot be over 100%, got 110% [E0605]'
cat >sroi_test.svl <<'EOF'
import sroi
test "social value ratio" {
  let r = sroi.evaluate(load("outcomes.csv"), £20_000)
  assert r.ratio > 1
}
EOF
expect_status "sroi test: exit 1" 1 "$SVL" test sroi_test.svl
if grep -qF 'at: "sroi_test.svl:3:11"' "$tmp/out" && ! grep -q 'stdlib/' "$tmp/out" &&
  grep -qF 'message: "outcomes.csv:3 (name \"Volunteering\"), column deadweight: outcome \"Volunteering\": deadweight cannot be over 100%' "$tmp/out"; then
  ok "sroi test: TAP names the user's line and the outcome"
else not_ok "sroi test: TAP names the user's line and the outcome" "$(cat "$tmp/out")"; fi
if grep -q "expression:" "$tmp/out"; then not_ok "sroi test: no stdlib expression in the TAP" "$(cat "$tmp/out")"; else ok "sroi test: no stdlib expression in the TAP"; fi

# -- a lot with no eligible bids: which lot
cat >lots.svl <<'EOF'
import scoring
let bids = load("bids.csv")
let lowest = [{lot: lot, price: scoring.lowest_price([b.price for b in bids if b.lot == lot])} for lot in [1, 2, 3]]
print lowest
EOF
expect_status "empty lot: exit 1" 1 "$SVL" run lots.svl
first_line_is "empty lot: the loop's lot" \
  'lots.svl:3:33: error: for lot = 3: no prices to take the lowest of (is every bid excluded?) [E0605]'
printf 'name,number\nLot 1,1\nLot 2,2\nLot 3,3\n' >lots.csv
cat >lots_csv.svl <<'EOF'
import scoring
let bids = load("bids.csv")
print [scoring.lowest_price([b.price for b in bids if b.lot == lot.number]) for lot in load("lots.csv")]
EOF
expect_status "empty lot from lots.csv: exit 1" 1 "$SVL" run lots_csv.svl
first_line_is "empty lot from lots.csv: the lot's row" \
  'lots_csv.svl:3:8: error: lots.csv:4 (name "Lot 3"): no prices to take the lowest of (is every bid excluded?) [E0605]'
cat >lots_group.svl <<'EOF'
import scoring
let bids = load("bids.csv")
print [scoring.winner([b for b in g.items if b.price < £950], [scoring.asc(b => b.price)]) for g in group_by(bids, b => b.lot)]
EOF
expect_status "lot by group_by: exit 1" 1 "$SVL" run lots_group.svl
first_line_is "lot by group_by: the group's key" \
  'lots_group.svl:3:8: error: for g (key 1): no bids to choose a winner from (is every bid excluded?) [E0605]'

# -- a missing field: the record without it is named, never another row
# the call was given (sv.job is the rule's mistake, not the bid's)
# field_error DESC FILE WHAT WANT: svl run FILE exits 1 and its first line is WANT
field_error() {
  expect_status "$1: exit 1" 1 "$SVL" run "$2"
  first_line_is "$1: $3" "$4"
}
cat >fields.svl <<'EOF'
let bids = load("bids.csv")
let sv = {jobs: 3, apprentices: 2}
fn score(b) = b.quality + sv.job
print [score(b) for b in bids]
EOF
field_error "a rule's record lacks a field" fields.svl "no row named" \
  "fields.svl:3:30: error: no field 'job' in this record [E0404]"
cat >fields_row.svl <<'EOF'
let bids = load("bids.csv")
fn score(b) = b.quality + b.cost
print [score(b) for b in bids]
EOF
field_error "a row lacks a field" fields_row.svl "that row" \
  "fields_row.svl:2:29: error: bids.csv:2 (supplier \"Acme Ltd\"): no field 'cost' in this record [E0404]"
cat >fields_other.svl <<'EOF'
let bids = load("bids.csv")
let codes = load("commitments.csv")
fn score(b) = [c.weight for c in codes if c.supplier == b.supplier]
print [score(b) for b in bids]
EOF
field_error "another file's row lacks a field" fields_other.svl "that row, not the bid" \
  "fields_other.svl:3:18: error: commitments.csv:2 (supplier \"Acme Ltd\"): no field 'weight' in this record [E0404]"

done_testing
