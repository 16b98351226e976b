# Releases per buyer of a JSON Lines file of OCDS release packages,
# worked out by Python's json module: what per_buyer.svl must print.
import json, sys
counts = {}
packages = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip():
        continue
    packages += 1
    for r in json.loads(line)["releases"]:
        b = (r.get("buyer") or {}).get("name", "(no buyer)")
        counts[b] = counts.get(b, 0) + 1
want = [{"buyer": b, "releases": counts[b]} for b in sorted(counts)]
got = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
if got[0] != want or got[1] != packages:
    print("want", want, packages, "got", got)
    sys.exit(1)
