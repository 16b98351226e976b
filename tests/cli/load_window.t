#!/bin/bash
# load of a JSON file larger than its window (64 KiB) reads it a window at
# a time, never whole (docs/ocds.md "Benchmark"): the analyst's packages
# give what Python's json module gives, with svl run's default and with
# --audit (which reads files whole to hash them); a malformed one is
# reported at the line and column Python names; records remember their
# lines for errors, as from a whole read.
. "$(dirname "$0")/lib.sh"
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
cd "$tmp" || exit 1

cat >gen.py <<'PY'
import json, sys
n, indent = int(sys.argv[1]), int(sys.argv[3])
buyers = ["NHS Wales", "Leeds City Council", "Scottish Water", "Caf\u00e9 \u20ac Ltd", None]
rels = []
for i in range(n):
    r = {"ocid": "ocds-213czf-%d" % (i // 2), "id": str(i), "date": "2025-03-%02dT11:41:13Z" % (1 + i % 28),
         "tag": ["award"], "description": "Lot %d: " % i + "x" * (i % 300)}
    if buyers[i % 5]:
        r["buyer"] = {"id": "GB-%d" % (i % 5), "name": buyers[i % 5]}
    r["awards"] = [{"id": "a%d" % i, "value": {"amount": 1000 + i / 100, "currency": "GBP"}}]
    rels.append(r)
pkg = {"uri": "https://example.org/p.json", "publisher": {"name": "Example"}, "releases": rels}
json.dump(pkg, open(sys.argv[2], "w", encoding="utf-8"), indent=indent or None, ensure_ascii=False)
PY
cat >oracle.py <<'PY'
import json, sys, decimal
counts = {}
for r in json.load(open(sys.argv[1], encoding="utf-8"), parse_float=decimal.Decimal)["releases"]:
    b = (r.get("buyer") or {}).get("name", "(no buyer)")
    c = counts.setdefault(b, [0, decimal.Decimal(0)])
    c[0] += 1
    c[1] += r["awards"][0]["value"]["amount"]
got = json.load(open(sys.argv[2], encoding="utf-8"), parse_float=decimal.Decimal)
want = [{"buyer": b, "releases": counts[b][0], "total": counts[b][1]} for b in sorted(counts)]
got = [{"buyer": r["buyer"], "releases": r["releases"], "total": decimal.Decimal(r["total"])} for r in got]
sys.exit(0 if got == want and len(want) == 5 else "got %s, want %s" % (got[:2], want[:2]))
PY
cat >per_buyer.svl <<'SVL'
let pkg = load("package.json")
let rows = [{buyer: r.buyer.name ?? "(no buyer)", amount: r.awards[1].value.amount} for r in pkg.releases]
let main = sort_by([{buyer: g.key, releases: len(g.items), total: "{sum([r.amount for r in g.items])}"}
  for g in group_by(rows, r => r.buyer)], r => r.buyer)
SVL
same_as_python() {
  "$SVL" run per_buyer.svl --format json "$@" >got.json 2>"$tmp/err" && python3 oracle.py package.json got.json 2>>"$tmp/err"
}
for indent in 0 2; do
  python3 gen.py 3000 package.json $indent
  size=$(($(wc -c <package.json) / 1000))
  if same_as_python; then ok "a $size kB package (indent $indent) per buyer, as Python's json + decimal"; else not_ok "a $size kB package (indent $indent) per buyer" "$(head -3 "$tmp/err")"; fi
  if same_as_python --audit audit.json; then ok "... and with --audit (read whole to be hashed)"; else not_ok "... and with --audit" "$(head -3 "$tmp/err")"; fi
done

# JSON Lines over the window: one package a line
python3 - <<'PY'
import json
with open("packages.jsonl", "w") as f:
    for p in range(400):
        f.write(json.dumps({"uri": "p%d" % p, "releases": [{"ocid": "ocds-%d-%d" % (p, i), "n": i} for i in range(5)]}) + "\n")
PY
echo 'print [sum([len(p.releases) for p in load("packages.jsonl")]), sum([r.n for p in load("packages.jsonl") for r in p.releases])]' >lines.svl
expect_out "JSON Lines over the window: every package" "[2000, 4000]" "$SVL" run lines.svl

# a missing field names the release's line, as a whole read does
python3 gen.py 3000 package.json 2
line=$(grep -n '"id": "2999"' package.json | cut -d: -f1)
echo 'let pkg = load("package.json")
print [r.tender.id for r in pkg.releases if r.id == "2999"]' >missing.svl
expect_status "a missing field stops the run" 1 "$SVL" run missing.svl
start=$((line - 2)) # the release's '{', then "ocid"
expect_err "naming the line its release starts on" "package.json:$start: releases[3000] has no field 'tender'"

# malformed near the end: the line and column Python's json names
python3 - <<'PY'
import re
s = open("package.json", encoding="utf-8").read()
i = s.rindex('"currency"')
s = s[:i] + '"currency" "GBP"' + s[i + len('"currency": "GBP"'):]
open("bad.json", "w", encoding="utf-8").write(s)
PY
where=$(python3 -c 'import json
try: json.load(open("bad.json", encoding="utf-8"))
except json.JSONDecodeError as e: print("%d:%d" % (e.lineno, e.colno))')
echo 'print len(load("bad.json").releases)' >bad.svl
expect_status "a malformed package is an error" 1 "$SVL" run bad.svl
expect_err "at the line and column Python's json names ($where)" "bad.json:$where: expected ':' after a key"
printf '\xff' >>package.json
echo 'print len(load("package.json").releases)' >utf8.svl
expect_status "a byte that is not UTF-8 at the end is an error" 1 "$SVL" run utf8.svl
expect_err "as for any file" "invalid UTF-8"
done_testing
