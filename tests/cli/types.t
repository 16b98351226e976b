#!/bin/bash
# Whole numbers and enumerations (issue 15): `int`, `type Lot = 1 | 2 | 3`,
# `type Grade = "a" | "b"` in annotations, table inputs, `type` fields and
# loads; values are checked where they enter.
. "$(dirname "$0")/lib.sh"
dir=$(cd "$(dirname "$0")/types" && pwd)
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
cd "$tmp" || exit 1

expect_out "a table keyed by an enumeration runs" "mini-tender" "$SVL" run "$dir/lot_rules.svl"
expect_out "a table keyed by int and a Mark enumeration runs" '[80, "meets"]' "$SVL" run "$dir/mark_band.svl"

# a value outside the enumeration is refused where it enters, naming the set
cat >lot4.svl <<'SVL'
type Lot = 1 | 2 | 3
table lot_rules(lot: Lot) {
  | lot || budget |
  | 1   || £100k  |
  | 2   || £250k  |
  | 3   || £400k  |
}
print lot_rules(4)
SVL
expect_status "lot 4 is an error" 1 "$SVL" run lot4.svl
expect_err "the message names the type and its members" \
  "lot4.svl:8:7: error: argument 'lot' of lot_rules: expected Lot (1, 2 or 3), got 4 [E0405]"

cat >grades.svl <<'SVL'
type Grade = "excellent" | "good" | "adequate" | "poor"
fn points(g: Grade, staff: int) = if g == "excellent" then 100 else 50
print points("good", 3)
print points("great", 3)
SVL
expect_status "an unknown grade is an error" 1 "$SVL" run grades.svl
expect_err "text members are listed quoted" \
  "argument 'g' of points: expected Grade (\"excellent\", \"good\", \"adequate\" or \"poor\"), got \"great\" [E0405]"
cat >whole.svl <<'SVL'
fn staff_cost(staff: int) = staff * £30k
print staff_cost(3)
print staff_cost(2.5)
SVL
expect_status "a fraction for an int is an error" 1 "$SVL" run whole.svl
expect_err "int says it wants a whole number" "argument 'staff' of staff_cost: expected a whole number, got 2.5 [E0405]"
expect_out "an int parameter takes whole numbers" "£90,000.00" sh -c "'$SVL' run whole.svl 2>/dev/null"
cat >inline.svl <<'SVL'
fn size(s: "S" | "M" | "L") = s
print size("XL")
SVL
expect_status "an inline enumeration is checked" 1 "$SVL" run inline.svl
expect_err "an inline enumeration says 'one of'" "expected one of \"S\", \"M\" or \"L\", got \"XL\""

# declaration errors
printf 'type Mixed = 1 | "a"\n' >mixed.svl
expect_status "mixed members are refused" 2 "$SVL" run mixed.svl
expect_err "with the reason" "the members of an enumeration are all numbers or all texts [E0305]"
printf 'type Twice = 1 | 2 | 1\n' >twice.svl
expect_status "a repeated member is refused" 2 "$SVL" run twice.svl
expect_err "with the reason" "a member is listed twice [E0305]"

# loads: a cell outside the set lists the allowed values
printf 'supplier,lot,grade,staff\nAcme,1,good,4\nBeta,4,great,2.5\n' >bids.csv
cat >load.svl <<'SVL'
type Lot = 1 | 2 | 3
type Grade = "excellent" | "good" | "adequate" | "poor"
type Bid = {supplier: text, lot: Lot, grade: Grade, staff: int}
let bids = load("bids.csv", [Bid])
print len(bids)
SVL
expect_status "a bad CSV row is a load error" 1 "$SVL" run load.svl
expect_err "lot outside the set" "bids.csv:3: column 'lot': expected Lot (1, 2 or 3), got \"4\""
expect_err "grade outside the set" "bids.csv:3: column 'grade': expected Grade (\"excellent\", \"good\", \"adequate\" or \"poor\"), got \"great\""
expect_err "staff not whole" "bids.csv:3: column 'staff': expected a whole number, got \"2.5\""
printf 'supplier,lot,grade,staff\nAcme,1,good,4\nBeta,3, poor ,2\n' >bids.csv
expect_out "a good CSV loads" "2" "$SVL" run load.svl
cat >show.svl <<'SVL'
type Lot = 1 | 2 | 3
type Grade = "excellent" | "good" | "adequate" | "poor"
type Bid = {supplier: text, lot: Lot, grade: Grade, staff: int}
print load("bids.csv", [Bid])[2]
SVL
expect_out "enumeration cells are values of their kind" '{supplier: "Beta", lot: 3, grade: "poor", staff: 2}' "$SVL" run show.svl
echo '[{"supplier":"A","lot":3,"grade":"poor","staff":2},{"supplier":"B","lot":5,"grade":"bad","staff":2.5}]' >bids.json
sed 's/bids.csv/bids.json/' load.svl >jload.svl
expect_status "a bad JSON record is a load error" 1 "$SVL" run jload.svl
expect_err "JSON lot outside the set" "bids.json: [2].lot: expected Lot (1, 2 or 3), got 5"
expect_err "JSON grade outside the set" "bids.json: [2].grade: expected Grade (\"excellent\", \"good\", \"adequate\" or \"poor\"), got \"bad\""
expect_err "JSON staff not whole" "bids.json: [2].staff: expected a whole number, got 2.5"

# cells as people write them: money literals, Y/N, quantities with their unit
cat >cells.csv <<'CSV'
supplier,price,sme,commitment,local
Acme,£2.15m,Y,8 FTE,yes
Beta,£12k,n,52 weeks,FALSE
Cedar,"£1_200",TRUE,3 years,No
Delta,£3bn,N,£5k,y
CSV
cat >cells.svl <<'SVL'
unit FTE
type Bid = {supplier: text, price: GBP, sme: bool, commitment: quantity, local: bool}
let bids = load("cells.csv", [Bid])
print [b.price for b in bids]
print [[b.sme, b.local] for b in bids]
print [b.commitment for b in bids]
SVL
expect_out "money, bool and quantity cells" '[£2,150,000.00, £12,000.00, £1,200.00, £3,000,000,000.00]
[[true, true], [false, false], [true, false], [false, true]]
[8 FTE, 52 weeks, 3 years, £5,000.00]' "$SVL" run cells.svl
printf 'supplier,price,sme,commitment,local\nX,£1.5x,maybe,8,Y\nZ,£1m,y,8 parsecs,N\n' >cells.csv
expect_status "bad cells are a load error" 1 "$SVL" run cells.svl
expect_err "a bool column lists what it accepts" "cells.csv:2: column 'sme': expected bool (true/false, yes/no, Y/N), got \"maybe\""
expect_err "a quantity needs its unit" "cells.csv:2: column 'commitment': expected a quantity with its unit, got \"8\": write the unit after the number (8 FTE, 52 weeks, 3 years)"
expect_err "an unknown unit is named" "cells.csv:3: column 'commitment': unknown unit in \"8 parsecs\": declare it in the rule file (unit NAME)"
expect_err "a money cell that is no literal" "cells.csv:2: column 'price': expected GBP, got \"£1.5x\""
printf 'a\n£1.2m\nY\n1_200\n' >untyped.csv
printf 'print load("untyped.csv")\n' >untyped.svl
expect_out "untyped cells are unchanged: texts as written" '[{a: "£1.2m"}, {a: "Y"}, {a: "1_200"}]' "$SVL" run untyped.svl
printf 'fn total(q: quantity) = q\nprint total(3 weeks)\nprint total(3)\n' >q.svl
expect_status "a quantity parameter refuses a plain number" 1 "$SVL" run q.svl
expect_err "saying it wants a quantity" "argument 'q' of total: expected a quantity, got a plain number"
# percent fields in JSON: "35%" text, or a number under percent from fraction
echo '[{"d": "35%", "f": 0.35}, {"d": 0.35, "f": "2%"}]' >p.json
printf 'type R = {d: percent, f: percent from fraction}\nprint load("p.json", [R])\n' >p.svl
expect_status "a JSON number in a percent field is an error" 1 "$SVL" run p.svl
expect_err "saying what to write" "p.json: [2].d: expected a percentage, got 0.35: write \"0.35%\" if it means 0.35 per cent, or declare the field 'percent from fraction' if the data holds fractions (0.35 for 35%)"
echo '[{"d": "35%", "f": 0.35}, {"d": "1%", "f": "2%"}, {"d": 0, "f": 0}]' >p.json
expect_out "percent and percent from fraction fields; 0 is 0%" '[{d: 35%, f: 35%}, {d: 1%, f: 2%}, {d: 0%, f: 0%}]' "$SVL" run p.svl
printf 'deadweight\n0\n25%%\n' >dw.csv
printf 'type R = {deadweight: percent}\nprint [r.deadweight for r in load("dw.csv", [R])]\nfn f(p: percent) = p\nprint f(0)\n' >dw.svl
expect_out "a 0 cell in a percent column is 0%; a percent parameter takes 0" '[0%, 25%]
0' "$SVL" run dw.svl

done_testing
