#!/bin/bash
# Typed schemas that fit published data (issue 23, docs/data.md): open
# record types, parse_number/parse_percent that never stop the run,
# missing fields of JSON data named by file, line and path, with the
# caret on the field.
. "$(dirname "$0")/lib.sh"
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
cd "$tmp" || exit 1

# 1. open record types
cat >release.json <<'EOF2'
{"ocid": "ocds-1", "date": "2025-03-11T11:41:13Z", "language": "en",
 "buyer": {"id": "GB-LEEDS", "name": "Leeds City Council"},
 "tender": {"id": "T1", "value": {"amount": 452000, "currency": "GBP"}}}
EOF2
cat >open.svl <<'SVL'
type Release = {ocid: text, buyer: {name: text, ..}, tender: {value: {amount: number, ..}?, ..}, ..}
print load("release.json", Release)
SVL
expect_out "an open type keeps the fields it names and leaves the others out" \
  '{ocid: "ocds-1", buyer: {name: "Leeds City Council"}, tender: {value: {amount: 452000}}}' "$SVL" run open.svl
sed 's/, \.\.}$/}/' open.svl >closed.svl
expect_status "the same type closed refuses the other fields" 1 "$SVL" run closed.svl
expect_err "naming each" 'release.json: date: unexpected field (not a field of Release)'
printf 'supplier,price,notes,region\nAcme,£100,late,North\n' >bids.csv
printf 'type Bid = {supplier: text, price: GBP, ..}\nprint load("bids.csv", [Bid])\n' >open_csv.svl
expect_out "an open type reads a CSV file with more columns" '[{supplier: "Acme", price: £100.00}]' "$SVL" run open_csv.svl
printf 'type Any = {..}\nprint load("release.json", Any)\n' >any.svl
expect_out "{..} is any record, its fields left out" '{}' "$SVL" run any.svl
printf 'type Bid = {supplier: text, price: GBP, region: text, ..}\nprint load("bids.csv", [Bid])\n' >open_missing.svl
sed -i 's/,region$//; s/,North$//' bids.csv
expect_status "a field an open type names must still be there" 1 "$SVL" run open_missing.svl
expect_err "as in a closed type" "missing column 'region' (a field of Bid)"
printf 'type A = {a: text,\n  ..}\n' >fmt.svl
expect_out "svl fmt keeps the '..'" 'type A = {a: text,
    ..}' "$SVL" fmt -  <fmt.svl

# 2. parse_number, parse_percent
cat >parse.svl <<'SVL'
let weights = ["70", "70%", " 70 ", "70 %", "15-40%", "15 to 40%", "n/a", "", "0.5", "1,200"]
let read = [parse_percent(w) for w in weights]
let problems = [parse_percent_problem(w) for w in weights if parse_percent(w) == null]
let numbers = [parse_number(x) for x in ["70", " -3.5 ", "1,200", "2.5e3", "007", "£5", "12.5%", "x", 4]]
SVL
expect_out "weights in their common text forms" "[70%, 70%, 70%, 70%, null, null, null, null, 0.5%, 1200%]" "$SVL" run parse.svl read
expect_out "the unreadable ones, each with its reason" \
  '["\"15-40%\" is a range (15% to 40%), not one percentage", "\"15 to 40%\" is a range (15% to 40%), not one percentage", "\"n/a\" is not a percentage", "\"\" is empty"]' \
  "$SVL" run parse.svl problems
expect_out "parse_number: plain numbers, a percentage as written, null for the rest" \
  "[70, -3.5, 1200, 2500, 7, null, 12.5%, null, 4]" "$SVL" run parse.svl numbers
printf 'print [parse_percent(x) for x in [70, 35%%, null, [1], {a: 1}, £5, true]]\nprint parse_number_problem(£5)\n' >parse_any.svl
expect_out "nothing a script passes stops the run" '[70%, 35%, null, null, null, null, null]
£5.00 is GBP, not a number' "$SVL" run parse_any.svl

# 3. missing fields of JSON data: file, line, path; the caret on the field
cat >pkg.json <<'EOF2'
{"uri": "x", "releases": [
  {"ocid": "a", "tender": {"id": "t1", "lots": [{"id": "1"}]}},
  {"ocid": "b", "tender": {"id": "t2", "lots": []}},
  {"ocid": "c", "tender": {"id": "t3"}},
  {"ocid": "d", "buyer": null, "tender": {"lots": []}}
]}
EOF2
printf 'let pkg = load("pkg.json")\nlet lots = [len(r.tender.lots) for r in pkg.releases]\n' >lots.svl
expect_status "a release without tender.lots stops the run" 1 "$SVL" run lots.svl
expect_err "naming the file, the object's line and its path" "lots.svl:2:26: error: pkg.json:4: releases[3].tender has no field 'lots' [E0404]"
if grep -qx '                           ^' err; then ok "the caret is under the field's name"; else not_ok "the caret is under the field's name" "$(cat err)"; fi
printf 'let pkg = load("pkg.json")\nlet names = [r.buyer.name for r in pkg.releases if r.ocid == "d"]\n' >null.svl
expect_status "a null buyer stops the run" 1 "$SVL" run null.svl
expect_err "naming the null's path" "null.svl:2:22: error: pkg.json:5: releases[4].buyer is null: cannot read its field 'name' [E0403]"
printf 'fn lots_of(r) = r.tender.lots\nlet lots = [lots_of(r) for r in load("pkg.json").releases]\n' >fn.svl
expect_status "inside a function" 1 "$SVL" run fn.svl
expect_err "the same, named once" "fn.svl:1:26: error: pkg.json:4: releases[3].tender has no field 'lots' [E0404]"
printf '{"releases": [{"ocid": "a", "tender": {"lots": []}}]}\n{"releases": [{"ocid": "b"},\n {"ocid": "c", "tender": {"id": "2"}}]}\n' >pk.jsonl
printf 'let lots = [r.tender.lots for p in stream("pk.jsonl") for r in p.releases if r.ocid != "b"]\n' >stream.svl
expect_status "an item of a stream" 1 "$SVL" run stream.svl
expect_err "is named by its line and its path in the item" "pk.jsonl:3: releases[2].tender has no field 'lots' [E0404]"
printf 'type R = {ocid: text, tender: {id: text?, ..}?, ..}\ntype P = {releases: [R]}\nlet pkg = load("pk.jsonl", [P])\nlet lots = [r.tender.lots for p in pkg for r in p.releases if r.tender != null]\n' >typed.svl
expect_status "a typed load" 1 "$SVL" run typed.svl
expect_err "is named the same way (an open type leaves other fields out)" "typed.svl:4:22: error: pk.jsonl:1: releases[1].tender has no field 'lots' [E0404]"
printf 'let bid = {price: 1}\nprint bid.prise\n' >plain.svl
expect_status "a record of the rule file" 1 "$SVL" run plain.svl
expect_err "keeps the plain message, caret on the field" "plain.svl:2:11: error: no field 'prise' in this record [E0404]"
done_testing
