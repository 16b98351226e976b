#!/bin/bash
# The ocds module (docs/ocds.md) on the standard's own merge examples, the
# reference implementation's fixtures and real published data from five
# publishers (tests/data/ocds/README.md: sources and licences).
. "$(dirname "$0")/lib.sh"
root="$(cd "$(dirname "$0")/../.." && pwd)"
case $SVL in /*) ;; *) SVL=$root/$SVL ;; esac
# a run reads files beside its script only: the data is copied there
cp -r "$root/tests/data/ocds" "$tmp/data" && cp "$root/examples/ocds/release.json" "$tmp/data/example-release.json"
d=data
cd "$tmp" || exit 1

# ---- merging: ocds-merge's 1.1 fixtures, each release list against its compiled release
cases="simple mergeid null lists fill-object fill-identifiermerge-array fill-wholelistmerge-array empty-object
  empty-identifiermerge-array empty-wholelistmerge-array initial-null single-empty-object
  single-empty-identifiermerge-array single-empty-wholelistmerge-array string-list unit contextual"
{
  echo 'import ocds'
  echo "fn same(c) = ocds.merge(load(\"$d/merge/{c}.json\")) == [load(\"$d/merge/{c}-compiled.json\")]"
  for c in $cases; do echo "print \"$c \" + (if same(\"$c\") then \"same\" else \"differs\")"; done
} >merge.svl
"$SVL" run merge.svl >merge.out 2>"$tmp/err"
for c in $cases; do
  if grep -qx "$c same" merge.out; then ok "merge: ocds-merge fixture $c"; else not_ok "merge: ocds-merge fixture $c" "$(grep "^$c " merge.out) $(head -3 "$tmp/err")"; fi
done

cat >standard.svl <<SVL
import ocds
let rs = flatten([ocds.releases(load("$d/merge/standard-{f}.json"))
  for f in ["merge-award-2", "merge-tender-2", "merge-tender-1", "merge-award-1", "merge-tender-3"]])
let record = load("$d/merge/standard-merged.json").records[1]
print [len(rs), len(ocds.compiled(rs))]
print ocds.compiled(rs)[1] == record.compiledRelease
print ocds.compiled(load("$d/merge/standard-merged.json"))[1] == record.compiledRelease
print ocds.compiled(rs)[1].tender.value
SVL
expect_out "merge: the standard's worked example (five releases, shuffled) gives its compiled release" '[5, 1]
true
true
{amount: 2000, currency: "USD"}' "$SVL" run standard.svl

cat >nodate.svl <<'SVL'
import ocds
print ocds.merge([{ocid: "a", id: "1", date: "2020-01-01T00:00:00Z"}, {ocid: "a", id: "2"}])
SVL
expect_status "merge: a release without a date is an error" 1 "$SVL" run nodate.svl
expect_err "naming the release" "releases[2] (ocid a) has no date"

# ---- a release wider and deeper than any fixture: the merge's scratch
# stack grows, and a leaf changed by the second release is the only change
wide() { # $1: the value of the deepest leaf
  local i obj='{"leaf": '"$1"', "same": "kept"}'
  for ((i = 0; i < 120; i++)); do obj='{"n": '"$obj"', "k'$i'": '$i'}'; done
  printf '{"ocid": "w", "id": "%s", "date": "2020-01-0%sT00:00:00Z", "deep": %s' "$1" "$1" "$obj"
  for ((i = 0; i < 300; i++)); do printf ', "f%d": %d' $i $i; done
  printf '}'
}
{ printf '['; wide 1; printf ', '; wide 2; printf ']'; } >wide.json
cat >wide.svl <<'SVL'
import ocds
let c = ocds.merge(load("wide.json"))
fn down(r, k) = if k == 0 then r else down(r.n, k - 1)
print [len(c), len(keys(c[1])), down(c[1].deep, 120).leaf, down(c[1].deep, 120).same, c[1].f299, c[1].deep.k119]
SVL
expect_out "merge: a release of 300 fields nested 120 deep merges to the later leaf, the rest kept" \
  '[1, 305, 2, "kept", 299, 119]' "$SVL" run wide.svl

# ---- real data: Portugal (base.gov.pt via Kingfisher), 60 releases, EUR
cat >pt.svl <<SVL
import ocds
let pkg = load("$d/real/pt-base-release-package.json")
let rows = flatten([ocds.award_rows(r) for r in ocds.compiled(pkg)])
let main = [{buyer: g.key, awards: len(g.items), total: magnitude(sum([r.value for r in g.items])), currency: unit_of(g.items[1].value)}
  for g in group_by(rows, r => r.buyer)]
SVL
"$SVL" run pt.svl --format json >pt.json 2>"$tmp/err"
if python3 - "$d/real/pt-base-release-package.json" pt.json <<'PY'
import json, sys, decimal, collections
pkg = json.load(open(sys.argv[1]), parse_float=decimal.Decimal, parse_int=decimal.Decimal)
want = collections.OrderedDict()
for r in pkg["releases"]:
    for a in r.get("awards", []):
        b = want.setdefault(r["buyer"]["name"], [0, decimal.Decimal(0)])
        b[0] += 1
        b[1] += a["value"]["amount"]
got = json.load(open(sys.argv[2]), parse_float=decimal.Decimal, parse_int=decimal.Decimal)
ok = len(got) == len(want) and all(
    g["buyer"] in want and g["awards"] == want[g["buyer"]][0] and g["total"] == want[g["buyer"]][1] and g["currency"] == "EUR"
    for g in got)
print(len(got), "buyers", file=sys.stderr)
sys.exit(0 if ok and len(got) > 20 else 1)
PY
then ok "Portugal: award counts and exact EUR totals per buyer agree with Python json + decimal"
else not_ok "Portugal: award counts and exact EUR totals per buyer agree with Python json + decimal" "$(head -3 "$tmp/err")"; fi

cat >ptdates.svl <<SVL
import ocds
let ds = [datetime(r.date) for r in load("$d/real/pt-base-release-package.json").releases]
print len(ds)
print len([x for x in ds if date(x, "UTC") != date(x, "Europe/Lisbon")])
print first(sort(ds))
print last(sort(ds))
SVL
want=$(python3 - "$d/real/pt-base-release-package.json" <<'PY'
import json, sys, datetime, zoneinfo
rs = json.load(open(sys.argv[1]))["releases"]
def dt(s):  # 7 fractional digits: Python keeps 6, enough for the day and for ordering here
    head, frac = s[:19], s[20:-1]
    return datetime.datetime.fromisoformat(head + "+00:00"), s
ds = [dt(r["date"]) for r in rs]
lis = zoneinfo.ZoneInfo("Europe/Lisbon")
print(len(ds))
print(sum(1 for d, _ in ds if d.date() != d.astimezone(lis).date()))
print(min(ds)[1])
print(max(ds)[1])
PY
)
expect_out "Portugal: 7-digit fractional seconds read, days in UTC and Lisbon as zoneinfo says" "$want" "$SVL" run ptdates.svl

# ---- real data: Mexico federal (SFP/SHCP), a record package with compiledRelease, MXN
cat >mx.svl <<SVL
import ocds
let pkg = load("$d/real/mx-sfp-record-package.json")
let rows = flatten([ocds.award_rows(r) for r in ocds.compiled(pkg)])
print [r.value for r in rows]
print sum([r.value for r in rows])
print ocds.compiled(pkg)[1] == pkg.records[1].compiledRelease
SVL
expect_out "Mexico federal: a record package's compiled releases, MXN as money" '[MXN 189,654.00, MXN 37,930.71]
MXN 227,584.71
true' "$SVL" run mx.svl

# ---- real data: Mexico City (CDMX), one process published twice: merged, not double counted
cat >cdmx.svl <<SVL
import ocds
let pkg = load("$d/real/mx-cdmx-release-package.json")
print [len(pkg.releases), len(flatten([ocds.awards(r) for r in pkg.releases]))]
let cs = ocds.compiled(pkg)
print [len(cs), len(flatten([ocds.awards(r) for r in cs]))]
print ocds.award_rows(cs[1])
print cs[1].date
SVL
expect_out "Mexico City: two releases of one ocid merge into one process with one award" '[2, 2]
[1, 1]
[{ocid: "OCDS-87SD3T-AD-SF-DRM-063-2015", buyer: "SECRETARÍA DE FINANZAS", award: "1", status: "active", date: "2015-12-30T00:00:00-06:00", suppliers: "COMUNIC@RTE & CONSULTING SA DE C", value: MXN 1,311,264.00}]
2017-06-05T00:00:00-06:00' "$SVL" run cdmx.svl

# ---- real data: Paraguay (DNCP), a record package and its release package, PYG (no minor unit)
cat >py.svl <<SVL
import ocds
let rec = ocds.compiled(load("$d/real/py-dncp-record-package.json"))
let rel = ocds.compiled(load("$d/real/py-dncp-release-package.json"))
print [r.value for r in ocds.award_rows(rec[1])]
print [r.value for r in ocds.award_rows(rel[1])]
print money(rec[1].tender.value)
print keys(ocds.flat(rec[1]))[6]
SVL
expect_out "Paraguay: record and release package agree, PYG prints without decimals, a Value with a null amount is null" '[PYG 135,630,400]
[PYG 135,630,400]
null
parties/1/id' "$SVL" run py.svl

# ---- real data with bids: a Doffin (Norway) contract award notice, eForms converted to OCDS, NOK
cat >doffin.svl <<SVL
import ocds
let r = load("$d/real/no-doffin-2023-653024-release.json")
let rows = ocds.bid_rows(r)
let low = min([b.value for b in rows])
let won = r.contracts[1].relatedBids[1]
let main = {
  buyer: ocds.award_rows(r)[1].buyer
  bids: [{bid: b.bid, tenderer: b.tenderer, amount: magnitude(b.value), currency: unit_of(b.value), points: round(low / b.value * 100, 2)} for b in rows]
  winner: first([b.tenderer for b in rows if b.bid == won])
  published: [s.value for s in r.bids.statistics if s.measure == "bids"]
  valid: len(ocds.valid_bids(r))
}
SVL
"$SVL" run doffin.svl --format json >doffin.json 2>"$tmp/err"
if python3 - "$d/real/no-doffin-2023-653024-release.json" doffin.json <<'PY'
import json, sys, decimal
r = json.load(open(sys.argv[1]), parse_float=decimal.Decimal, parse_int=decimal.Decimal)
name = {p["id"]: p["name"] for p in r["parties"]}
bids = r["bids"]["details"]
low = min(b["value"]["amount"] for b in bids)
want_bids = [(b["id"], name[b["tenderers"][0]["id"]], b["value"]["amount"], b["value"]["currency"],
              (low / b["value"]["amount"] * 100).quantize(decimal.Decimal("0.01"))) for b in bids]
won = r["contracts"][0]["relatedBids"][0]
got = json.load(open(sys.argv[2]), parse_float=decimal.Decimal, parse_int=decimal.Decimal)
got_bids = [(b["bid"], b["tenderer"], b["amount"], b["currency"], decimal.Decimal(b["points"])) for b in got["bids"]]
ok = (got_bids == want_bids and len(want_bids) == 10 and got["buyer"] == name[r["buyer"]["id"]] == "Moss kommune"
      and got["winner"] == name[[b for b in bids if b["id"] == won][0]["tenderers"][0]["id"]]
      and got["published"] == [s["value"] for s in r["bids"]["statistics"] if s["measure"] == "bids"]
      and got["valid"] == sum(1 for b in bids if b.get("status") == "valid"))
print(got_bids[:2], want_bids[:2], got.get("winner"), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
then ok "Doffin: ten bids with tenderers named through parties, NOK, price points and the winner agree with Python"
else not_ok "Doffin: ten bids with tenderers named through parties, NOK, price points and the winner agree with Python" "$(head -3 "$tmp/err")"; fi

# ---- the bids extension and weights (the example release: illustrative, OCDS 1.1 shape)
cat >bids.svl <<SVL
import ocds
let r = load("$d/example-release.json")
print [[b.bid, b.status, b.tenderer, b.value] for b in ocds.bid_rows(r)]
print [w.weight for w in ocds.weights(r)]
SVL
expect_out "bids: one row per bid with its value as money; weights as percentages" '[["B1", "valid", "Riverside Transport CIC", £452,000.00], ["B2", "valid", "Metro Coaches Ltd", £418,500.50], ["B3", "valid", "Valley Community Buses", £467,250.00], ["B4", "disqualified", "QuickRide Ltd", £301,000.00]]
[60%, 30%, 10%]' "$SVL" run bids.svl

cat >weights.svl <<'SVL'
import ocds
let r = {ocid: "x", tender: {lots: [{id: "1", awardCriteria: {criteria: [
  {name: "Price", numbers: [{number: "70"}]}, {name: "Quality", numbers: [{number: "20 %"}]},
  {name: "Social value", numbers: [{number: "5-15%"}]}, {name: "Delivery", numbers: [{number: "see documents"}]}]}}]}}
print [w.weight for w in ocds.weights(r)]
print [w.problem for w in ocds.unreadable(r)]
print [ocds_weight(x) for x in [70, "70", "70%", "12,5%", "15-40%", "15 – 40 %", "40-15%", "70 points", null]]
SVL
expect_out "weights: 70, 70%, ranges; the unreadable one reported" '[70%, 20%, 5%..15%, null]
["lot 1: the weight of '"'"'Delivery'"'"' is see documents, which is not a percentage like 70, \"70%\" or \"15-40%\""]
[70%, 70%, 70%, 12.5%, 15%..40%, 15%..40%, null, null, null]' "$SVL" run weights.svl

# ---- Values: money, null currency named, typed loads, conversion only through a dated table
printf 'print money({amount: 0.0, currency: null}, "releases[3].awards[1].value")\n' >null.svl
expect_status "a Value with a null currency stops with an error" 1 "$SVL" run null.svl
expect_err "naming the path" "the Value at releases[3].awards[1].value has amount 0 and no currency"
cat >typed.json <<'JSON'
{"bids": [{"id": "B1", "value": {"amount": 452000, "currency": "GBP"}},
          {"id": "B2", "value": {"amount": 0.0, "currency": null}},
          {"id": "B3", "value": {"amount": 10, "currency": "EUR"}}]}
JSON
cat >typed.svl <<'SVL'
type Bid = {id: text, value: GBP}
type Release = {bids: [Bid]}
let r = load("typed.json", Release)
print r.bids[1].value
SVL
expect_status "a typed load reads Values into a money field" 1 "$SVL" run typed.svl
expect_err "a null currency named by its JSON path" "bids[2].value: expected GBP, got a Value of 0 with no currency (currency is null)"
expect_err "another currency is never converted" "bids[3].value: expected GBP, got a Value in EUR (10 EUR): currencies are never converted implicitly"
printf '{"bids": [{"id": "B1", "value": {"amount": 452000, "currency": "GBP"}}]}\n' >typed1.json
sed 's/typed.json/typed1.json/' typed.svl >typed1.svl
expect_out "a Value in the field's currency is money" '£452,000.00' "$SVL" run typed1.svl
cat >rates.csv <<'CSV'
date,from,to,rate
2025-01-02,NOK,GBP,0.0705
2025-03-03,NOK,GBP,0.0712
2025-03-03,EUR,GBP,0.8301
CSV
cat >convert.svl <<'SVL'
import ocds
let rates = load("rates.csv")
let x = money({amount: 1000, currency: "NOK"})
print ocds.convert(x, "GBP", rates, date("2025-02-01"))
print ocds.convert(x, "GBP", rates, date("2025-03-10"))
print ocds.convert(x, "NOK", rates, date("2025-03-10"))
SVL
expect_out "conversion at the latest rate dated on or before the day" '£70.50
£71.20
NOK 1,000.00' "$SVL" run convert.svl
printf 'import ocds\nprint ocds.convert(money({amount: 1, currency: "GBP"}), "NOK", load("rates.csv"), date("2025-03-10"))\n' >norate.svl
expect_status "no rate in that direction: an error, not a guess" 1 "$SVL" run norate.svl
expect_err "naming the pair and the day" "no GBP to NOK rate dated on or before 2025-03-10"
done_testing
