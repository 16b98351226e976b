#!/bin/bash
# Streaming the releases (or records) of ONE large OCDS package, as an
# analyst of Kingfisher / ocdskit data streams JSON Lines (issue 23,
# docs/ocds.md "One large package"): stream(path, T, items: "releases")
# gives the items of the package's top-level array one at a time; errors
# name the file, the line and the item's path (releases[3].tender); a
# package larger than the heap ceiling is counted under it.
. "$(dirname "$0")/lib.sh"
SVL=$(cd "$(dirname "$SVL")" && pwd)/$(basename "$SVL")
cd "$tmp" || exit 1

# 1. the analyst's file: a pretty-printed release package, per-buyer counts
# against Python's json module
cat >gen.py <<'PY'
import json, sys
n = int(sys.argv[1])
buyers = ["NHS Wales", "Leeds City Council", "Scottish Water", None]
rels = []
for i in range(n):
    r = {"ocid": "ocds-213czf-%d" % i, "id": str(i), "date": "2025-03-11T11:41:13Z", "tag": ["award"]}
    if buyers[i % 4]:
        r["buyer"] = {"id": "GB-%d" % (i % 4), "name": buyers[i % 4]}
    r["awards"] = [{"id": "a%d" % i, "value": {"amount": 1000 + i, "currency": "GBP"}}]
    rels.append(r)
pkg = {"uri": "https://example.org/p.json", "version": "1.1", "publishedDate": "2025-03-12T00:00:00Z",
       "publisher": {"name": "Example \"Portal\" [test]"}, "releases": rels,
       "extensions": ["https://example.org/ext/{x}.json"]}
json.dump(pkg, open(sys.argv[2], "w"), indent=int(sys.argv[3]) if len(sys.argv) > 3 else None)
PY
python3 gen.py 200 package.json 2
cat >oracle.py <<'PY'
import json, sys
counts = {}
for r in json.load(open(sys.argv[1]))["releases"]:
    b = (r.get("buyer") or {}).get("name", "(no buyer)")
    counts[b] = counts.get(b, 0) + 1
print(json.dumps([{"buyer": b, "releases": counts[b]} for b in sorted(counts)], separators=(",", ":")))
PY
cat >per_buyer.svl <<'SVL'
type Release = {ocid: text, buyer: {name: text, ..}?, ..}
let buyers = [r.buyer.name ?? "(no buyer)" for r in stream("package.json", Release, items: "releases")]
let per_buyer = sort_by([{buyer: g.key, releases: len(g.items)} for g in group_by(buyers, b => b)], x => x.buyer)
let n = count(stream("package.json", items: "releases"))
let same = [r for r in stream("package.json", items: "releases")] == load("package.json").releases
SVL
want=$(python3 oracle.py package.json)
got=$("$SVL" run per_buyer.svl per_buyer --format json 2>"$tmp/err" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), separators=(",", ":")))')
if [ "$got" = "$want" ]; then ok "releases per buyer of a streamed package, as Python's json counts them"
else not_ok "releases per buyer of a streamed package" "got $got want $want $(head -3 "$tmp/err")"; fi
expect_out "count goes through every release" "200" "$SVL" run per_buyer.svl n
expect_out "the streamed releases are the loaded package's releases" "true" "$SVL" run per_buyer.svl same
python3 gen.py 7 compact.json
sed 's/package.json/compact.json/' per_buyer.svl >compact.svl
expect_out "a package on one line streams the same way" "7" "$SVL" run compact.svl n

# 2. a record package: items: "records"
cat >records.json <<'JSON'
{"uri": "r", "records": [
  {"ocid": "ocds-1", "compiledRelease": {"ocid": "ocds-1", "buyer": {"name": "NHS Wales"}}},
  {"ocid": "ocds-2", "compiledRelease": {"ocid": "ocds-2"}}
], "publishedDate": "2025-01-01T00:00:00Z"}
JSON
echo 'print [r.ocid for r in stream("records.json", items: "records")]' >records.svl
expect_out "items: \"records\" streams a record package's records" '["ocds-1", "ocds-2"]' "$SVL" run records.svl

# 3. errors name the file, the line and the item's path
cat >small.json <<'JSON'
{"uri": "u",
 "releases": [
  {"ocid": "ocds-1", "tender": {"id": "t1", "value": {"amount": 10, "currency": "GBP"}}},
  {"ocid": "ocds-2"},
  {"ocid": "ocds-3", "tender": {"id": "t3", "value": {"amount": "TBC", "currency": "GBP"}}}
 ]}
JSON
echo 'let ids = [r.tender.id for r in stream("small.json", items: "releases")]' >missing.svl
expect_status "a missing field of a streamed release stops the run" 1 "$SVL" run missing.svl ids
expect_err "naming the file, the release's line and its path" "small.json:4: releases[2] has no field 'tender'"
cat >typed.svl <<'SVL'
type Release = {ocid: text, tender: {id: text, value: GBP}?, ..}
let values = [r.tender.value for r in stream("small.json", Release, items: "releases") if r.tender != null]
SVL
expect_status "a streamed release that does not fit its type stops the run at the end" 1 "$SVL" run typed.svl values
expect_err "its path from the package" 'small.json:5: releases[3].tender.value: expected GBP, got a Value whose amount is "TBC"'
echo 'print count(stream("records.json", items: "releases"))' >nokey.svl
expect_status "a package without the array named is an error" 1 "$SVL" run nokey.svl
expect_err "naming the file and the keys it has" "records.json:4:43: the package has no top-level \"releases\" array (its keys: uri, records, publishedDate)"
printf '[{"ocid": "a"}]\n' >list.json
echo 'print count(stream("list.json", items: "releases"))' >notobj.svl
expect_status "a file that is not an object is an error" 1 "$SVL" run notobj.svl
expect_err "saying what was expected" "list.json:1:1: expected the package's '{'"
printf '{"uri": "u", "releases": {"ocid": "a"}}\n' >notarr.json
echo 'print count(stream("notarr.json", items: "releases"))' >notarr.svl
expect_status "an items key that is not an array is an error" 1 "$SVL" run notarr.svl
expect_err "at its place" "notarr.json:1:26: \"releases\" is not an array (found '{')"
printf '{"releases": [{"ocid": "a"},\n {"ocid": "b"} {"ocid": "c"}]}\n' >nocomma.json
echo 'print count(stream("nocomma.json", items: "releases"))' >nocomma.svl
expect_status "a missing comma between releases is an error" 1 "$SVL" run nocomma.svl
expect_err "at its line and column" "nocomma.json:2:16: expected ',' or ']' after releases[2], found '{'"
printf '{"releases": [{"ocid": "a"}, {"ocid": tru}]}\n' >badval.json
echo 'print count(stream("badval.json", items: "releases"))' >badval.svl
expect_status "a malformed release stops the stream" 1 "$SVL" run badval.svl
expect_err "at its line and column" "badval.json:1:39: expected a value, found 't'"
printf '{"releases": [{"ocid": "a"}]' >cut.json
echo 'print count(stream("cut.json", items: "releases"))' >cut.svl
expect_status "a package cut short after its releases is an error" 1 "$SVL" run cut.svl
expect_err "saying the package is not closed" "cut.json:1:29: the package is never closed (missing '}')"
printf '{"releases": [{"ocid": "a"}, ]}' >comma.json
echo 'print count(stream("comma.json", items: "releases"))' >comma.svl
expect_status "a comma before ']' is an error" 1 "$SVL" run comma.svl
expect_err "as load says" "comma.json:1:30: a comma before ']' (remove it)"
# a key given twice: load refuses it, and so does the stream, rather than
# stream the first "releases" and read past the second
printf '{"uri": "u", "releases": [{"ocid": "a"}],\n "releases": [{"ocid": "b"}]}\n' >twice.json
echo 'print count(stream("twice.json", items: "releases"))' >twice.svl
echo 'print len(load("twice.json").releases)' >twice_load.svl
expect_status "load refuses a package with two \"releases\"" 1 "$SVL" run twice_load.svl
expect_err "at the second key" "twice.json:2:2: duplicate key \"releases\" in an object"
expect_status "so does the stream" 1 "$SVL" run twice.svl
expect_err "at the second key too" "twice.json:2:2: duplicate key \"releases\" in the package"
printf '{"uri": "u", "uri": "v", "releases": []}\n' >twice_uri.json
echo 'print count(stream("twice_uri.json", items: "releases"))' >twice_uri.svl
expect_status "any key of the package given twice is an error" 1 "$SVL" run twice_uri.svl
expect_err "naming it" "twice_uri.json:1:14: duplicate key \"uri\" in the package"
echo 'print count(stream("bids.csv", items: "releases"))' >csv.svl
printf 'a\n1\n' >bids.csv
expect_status "items: on a CSV file is refused" 1 "$SVL" run csv.svl

# 4. a package larger than the heap ceiling: load cannot hold it, the
# stream counts it (the collected heap is counted the same under any load,
# so the check does not depend on timing)
python3 gen.py 100000 big.json
echo 'print count(stream("big.json", items: "releases"))' >big_count.svl
echo 'print len(load("big.json").releases)' >big_load.svl
expect_out "count streams a $(($(wc -c <big.json) / 1000000)) MB package in a 12 MB heap" "100000" "$SVL" run big_count.svl --max-heap 12000000
expect_status "loading it whole breaks that ceiling (the check bites)" 1 "$SVL" run big_load.svl --max-heap 12000000
expect_err "with the heap limit" "heap limit reached (12000000 bytes) [E0802]"
done_testing
