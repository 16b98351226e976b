#!/usr/bin/env python3
"""make bench (part): a real-shaped OCDS package loaded, merged and analysed
by SVL's ocds module and by Python's json + decimal (docs/ocds.md, "Benchmark").

The package is built from the 60 real releases of
tests/data/ocds/real/pt-base-release-package.json (IMPIC Portugal, CC BY 4.0):
each is copied FACTOR times (default 40) under new ocids, every two copies
sharing one ocid, the second dated a day later with its award amounts
changed, so that merging by ocid is real work and double counting would
show.  Both sides then do the same analysis:

  load the package; merge the releases into one compiled release per ocid
  (OCDS 1.1 merge rules); per buyer: number of awards and their exact total.

The Python side is a plain implementation of the same merge with
json.load(parse_float=Decimal).  Both print JSON, which must be equal.
Reported: the median wall time of RUNS runs after a warm-up, and the peak
resident memory (ru_maxrss of the child), against the file's size.

  tests/bench/ocds_bench.py [--factor N] [--runs N] [--out FILE]
"""
import argparse
import copy
import decimal
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SVL = os.path.abspath(os.environ.get("SVL", os.path.join(ROOT, "build", "svl")))
WORK = os.path.abspath(os.environ.get("WORK", os.path.join(ROOT, "build", "bench", "ocds")))
SRC = os.path.join(ROOT, "tests", "data", "ocds", "real", "pt-base-release-package.json")

SVL_PROGRAM = """import ocds
let pkg = load("package.json")
let rows = flatten([ocds.award_rows(r) for r in ocds.compiled(pkg)])
let main = [{buyer: g.key, awards: len(g.items), total: magnitude(sum([r.value for r in g.items]))}
  for g in group_by(rows, r => r.buyer)]
"""

PY_PROGRAM = r'''
import collections, decimal, json, sys
WHOLE = {"parties.additionalIdentifiers", "buyer.additionalIdentifiers", "tender.items.additionalClassifications",
         "awards.suppliers.additionalIdentifiers", "awards.items.additionalClassifications",
         "contracts.items.additionalClassifications"}
def merge(out, obj, path, top):
    for k, v in obj.items():
        if top and k in ("id", "date", "tag"):
            continue
        p = path + "." + k if path else k
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict):
            if v:
                o = out.get(k)
                if not isinstance(o, dict):
                    o = out[k] = {}
                merge(o, v, p, False)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and p not in WHOLE:
            o = out.get(k)
            if not isinstance(o, list):
                o = out[k] = []
            for item in v:
                hit = None
                if "id" in item:
                    for x in o:
                        if x.get("id") == item["id"]:
                            hit = x
                            break
                if hit is None:
                    hit = {}
                    o.append(hit)
                merge(hit, item, p, False)
        elif isinstance(v, list) and not v and p not in WHOLE:
            pass
        else:
            out[k] = v
pkg = json.load(open(sys.argv[1], encoding="utf-8"), parse_float=decimal.Decimal)
by = collections.OrderedDict()
for r in pkg["releases"]:
    by.setdefault(r["ocid"], []).append(r)
totals = collections.OrderedDict()
for ocid, rs in by.items():
    c = {}
    for r in sorted(rs, key=lambda r: r["date"]):
        merge(c, r, "", True)
    buyer = c.get("buyer", {}).get("name")
    for a in c.get("awards", []):
        t = totals.setdefault(buyer, [0, decimal.Decimal(0)])
        t[0] += 1
        t[1] += a["value"]["amount"]
json.dump([{"buyer": b, "awards": n, "total": str(s)} for b, (n, s) in totals.items()], sys.stdout)
'''


def build(factor, path):
    pkg = json.load(open(SRC, encoding="utf-8"), parse_float=decimal.Decimal)
    base = pkg["releases"]
    out = []
    for k in range(factor):
        for r in base:
            c = copy.deepcopy(r)
            c["ocid"] = "%s-x%d" % (r["ocid"], k // 2)
            c["id"] = "%s-%d" % (r["id"], k)
            if k % 2:
                # the same process a day later, its awards' amounts revised
                c["date"] = r["date"][:8] + "%02d" % (int(r["date"][8:10]) % 27 + 1) + r["date"][10:]
                if c["date"] <= r["date"]:
                    c["date"] = str(int(r["date"][:4]) + 1) + r["date"][4:]
                for a in c.get("awards", []):
                    a["value"]["amount"] = a["value"]["amount"] + decimal.Decimal("0.01") * (k % 7)
            out.append(c)
    pkg["releases"] = out

    class Enc(json.JSONEncoder):
        def default(self, o):
            if isinstance(o, decimal.Decimal):
                return float(o)  # never reached: amounts are written as text below
            return super().default(o)
    text = json.dumps(pkg, ensure_ascii=False, default=str)
    # Decimals were written as strings by default=str: put them back as numbers
    import re
    text = re.sub(r'"amount": "(-?[0-9.]+)"', r'"amount": \1', text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(argv, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        sys.exit("ocds bench: %s failed: %s" % (argv[0], p.stderr[:500]))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dt, p.stdout, cpu


def peak(argv, cwd):
    """Peak RSS of one run, in bytes (GNU time's %M, KiB)."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    return int(p.stderr.strip().splitlines()[-1]) * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--factor", type=int, default=40)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(WORK, "ocds.md"))
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    pkg = os.path.join(WORK, "package.json")
    build(a.factor, pkg)
    size = os.path.getsize(pkg)
    open(os.path.join(WORK, "analyse.svl"), "w").write(SVL_PROGRAM)
    open(os.path.join(WORK, "analyse.py"), "w").write(PY_PROGRAM)
    svl = [SVL, "run", "analyse.svl", "--format", "json"]
    py = [sys.executable, "analyse.py", "package.json"]
    _, s_out, _ = run(svl, WORK)
    _, p_out, _ = run(py, WORK)
    norm = lambda rows: [(r["buyer"], r["awards"], decimal.Decimal(str(r["total"]))) for r in rows]
    got = norm(json.loads(s_out, parse_float=decimal.Decimal))
    want = norm(json.loads(p_out))
    if got != want:
        sys.exit("ocds bench: SVL and Python disagree:\n%s\n%s" % (got[:3], want[:3]))
    times = {"svl": [], "python": []}
    cpus = {"svl": [], "python": []}
    for _ in range(a.runs):
        for name, argv in (("svl", svl), ("python", py)):
            wall, _, cpu = run(argv, WORK)
            times[name].append(wall)
            cpus[name].append(cpu)
    ts, tp = statistics.median(times["svl"]), statistics.median(times["python"])
    cs, cp = statistics.median(cpus["svl"]), statistics.median(cpus["python"])
    load = os.getloadavg()[0]
    ms, mp = peak(svl, WORK), peak(py, WORK)
    n = json.load(open(pkg, encoding="utf-8"))
    lines = [
        "| package | releases | processes | buyers | | SVL | Python json + decimal | SVL / Python |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
        "| ×%d, %.1f MB | %d | %d | %d | time (median of %d) | %.2f s | %.2f s | %.2f× |" % (
            a.factor, size / 1e6, len(n["releases"]), len({r["ocid"] for r in n["releases"]}), len(got), a.runs, ts, tp, ts / tp),
        "| | | | | CPU time, user + system (median) | %.2f s | %.2f s | %.2f× |" % (cs, cp, cs / cp),
        "| | | | | peak memory | %.0f MB (%.1f× the file) | %.0f MB (%.1f× the file) | %.2f× |" % (
            ms / 1e6, ms / size, mp / 1e6, mp / size, ms / mp),
    ]
    text = "\n".join(lines) + "\n\nLoad average during the runs: %.1f on %d cores.\n" % (load, os.cpu_count())
    open(a.out, "w").write(text)
    print(text)
    ok_time, ok_mem = cs <= 0.5 * cp, ms <= 3 * size
    print("targets: CPU time ≤ 0.5× Python: %s; memory ≤ 3× the file: %s" % ("met" if ok_time else "NOT met",
                                                                         "met" if ok_mem else "NOT met"))


if __name__ == "__main__":
    main()
