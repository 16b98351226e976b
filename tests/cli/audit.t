#!/bin/bash
# Audit records: svl run --audit writes one, svl audit verify re-runs it
# and reports any difference (SPEC 10.3).
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
cat >rules.svl <<'SVL'
fn points(price, lowest) = 40 * lowest / price
let lowest = min([b.price for b in bids])
print "scoring {len(bids)} bids"
let main = [{supplier: b.supplier, points: points(b.price, lowest)} for b in bids]
SVL
printf 'supplier,price\nAcme,£100\nBeta,£125\n' >bids.csv
expect_out "run --audit prints as usual" 'scoring 2 bids
[{supplier: "Acme", points: 40}, {supplier: "Beta", points: 32}]' "$SVL" run rules.svl --input bids=bids.csv --audit rec.json
expect_status "the record is JSON" 0 python3 -c '
import json
r = json.load(open("rec.json"))
assert r["svl_audit"] == 1 and r["command"] == ["run", "rules.svl", "--input", "bids=bids.csv"], r["command"]
assert sorted(f["path"].split("/")[-1] for f in r["files"]) == ["bids.csv", "rules.svl"], r["files"]
assert all(len(f["sha256"]) == 64 for f in r["files"])
assert r["printed"] == ["scoring 2 bids"]
assert r["values"]["main"][1]["points"] == 32
assert r["explanations"]["main"]["calls"][0]["name"] == "points"'
sum=$(sha256sum bids.csv | cut -d" " -f1)
expect_status "the data file's SHA-256 is recorded" 0 grep -q "$sum" rec.json
expect_status "verify reproduces an unchanged run" 0 "$SVL" audit verify rec.json
printf 'supplier,price\nAcme,£100\nBeta,£120\n' >bids.csv
expect_status "verify fails when the data changed" 1 "$SVL" audit verify rec.json
out=$("$SVL" audit verify rec.json)
case $out in *"sha256"*"points"*) ok "verify shows the changed hash and value" ;; *) not_ok "verify diff" "$out" ;; esac
mkdir sub && cd sub
printf 'supplier,price\nAcme,£100\nBeta,£125\n' >../bids.csv
expect_status "verify runs in the recorded directory" 0 "$SVL" audit verify ../rec.json
cd ..
expect_status "not a record" 2 "$SVL" audit verify bids.csv
expect_status "unwritable record path fails cleanly" 1 "$SVL" run rules.svl --input bids=bids.csv --audit no/such/rec.json
done_testing
